/*
 * build.h - `jobsite build`: config -> ingest -> site model -> pages ->
 * render -> write, into a temporary folder swapped in at the end.
 *
 * Built-in templates and static files are found, in order, in
 * $JOBSITE_DATA, <dir of the binary>/../share/jobsite (installed), and the
 * folder holding the binary or its parents (a build tree: ./jobsite next to
 * ./templates).  A site's own templates/ and static/ win over them.
 */
#ifndef JOBSITE_BUILD_H
#define JOBSITE_BUILD_H

/* The folder holding templates/ and static/ shipped with jobsite, or NULL.
 * Caller frees. */
char *build_data_dir(void);

#endif
