/*
 * outdir.h - write a site into a temporary sibling of the output folder,
 * then swap it into place, so a failed build leaves the previous output
 * exactly as it was and a finished one holds no stale file.
 *
 *   public.tmp-XXXXXX   being written
 *   public.old-XXXXXX   the previous output, during the swap only
 */
#ifndef JOBSITE_OUTDIR_H
#define JOBSITE_OUTDIR_H

#include <stddef.h>

#include "buf.h"

struct outdir {
	char *final;      /* "public" */
	char *tmp;        /* "public.tmp-XXXXXX" while open */
	size_t files;     /* files written */
	size_t bytes;
	char *error;      /* the last error, owned */
};

/* Create the temporary folder.  0, or -1 with o->error set. */
int outdir_open(struct outdir *o, const char *final);
/* Write `data` to `rel` (e.g. "jobs/x/index.html") inside it; one write. */
int outdir_write(struct outdir *o, const char *rel, struct slice data);
/* Copy the tree `src` into `rel` (may be "").  Regular files only;
 * symlinks are skipped.  Returns files copied, or -1. */
long outdir_copy_tree(struct outdir *o, const char *src, const char *rel);
/* Swap the temporary folder into place.  0, or -1 with o->error set (the
 * previous output is then still in place). */
int outdir_commit(struct outdir *o);
/* Remove the temporary folder (after a failure) and free everything. */
void outdir_release(struct outdir *o);

#endif
