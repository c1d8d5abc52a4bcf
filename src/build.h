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

#include "buf.h"

/*
 * Build the site in `site_dir` into `out_dir` for `jobsite serve`.  Returns
 * 0, or non-zero with the errors (file:line:col: error: ..., each with its
 * line and caret) appended to error_text.  `ready` (may be NULL) is called
 * with `ready_ctx` as soon as the output is in place, before the build
 * report is written and memory freed.
 */
int build_for_serve(const char *site_dir, const char *out_dir, void (*ready)(void *ctx),
		    void *ready_ctx, struct buf *error_text);

#endif
