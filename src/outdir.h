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

#include <stdint.h>

#include "buf.h"
#include "cache.h"

struct outdir_pool;
struct build_cache;
struct outdir_names;

struct outdir {
	char *final;      /* "public" */
	char *tmp;        /* "public.tmp-XXXXXX" while open */
	size_t files;     /* files written (or queued) */
	size_t bytes;
	char *error;      /* the last error, owned */
	struct outdir_pool *pool; /* writer threads, or NULL: write at once */
	/* with a build cache: every file's size and hash, for its manifest */
	struct build_cache *cache;
	int incremental;  /* write changed files only, move them in at commit */
	size_t unchanged; /* files not written: the output has these bytes */
	struct manifest_item *items;
	size_t nitems, items_cap;
	struct outdir_names *names; /* path -> index into items */
	int final_fd;     /* incremental: the output folder (O_PATH), or -1 */
	struct manifest_save *msave; /* the manifest being written, after commit */
};

/* Create the temporary folder.  0, or -1 with o->error set. */
int outdir_open(struct outdir *o, const char *final);
/*
 * Record every file in `c`'s manifest at commit.  When `c` has a manifest
 * of the output as it is, the build becomes incremental: a file whose size
 * and hash match the manifest, and whose copy in the output still has that
 * size, is not written; the others go to the temporary folder and are
 * moved into the output at commit, where files no longer made are removed.
 * The result has the same files and bytes as a full build.
 */
void outdir_use_cache(struct outdir *o, struct build_cache *c);
/*
 * For files others write into o->tmp (the search index, on its own
 * thread): does the output hold these bytes at `rel` already (incremental
 * builds only; safe from any thread)?  Then they need not be written.
 * outdir_record() then enters each file in the manifest, on the thread
 * that calls outdir_write(); `kept`: it was not written.
 */
int outdir_has(const struct outdir *o, const char *rel, uint64_t size, struct cache_hash h);
void outdir_record(struct outdir *o, const char *rel, uint64_t size, struct cache_hash h, int kept);
/*
 * Incrementally: keep every file of the old manifest under `prefix`
 * ("search/") as it is, when each is still in the output with its size.
 * Returns the files kept whose names end in `counted` (NULL: all), their
 * bytes in *bytes; or -1: none kept.
 */
long outdir_keep(struct outdir *o, const char *prefix, const char *counted, size_t *bytes);
/*
 * Incrementally: keep `rel` as it is when the old manifest made it from
 * the same 16-byte `key` (pages.h) and it is still in the output.  1 kept
 * (recorded as unchanged), 0 not: make it and outdir_write_keyed() it.
 */
int outdir_keep_file(struct outdir *o, const char *rel, const unsigned char *key);
/* outdir_write() recording `key` (16 bytes, or NULL) with the file. */
int outdir_write_keyed(struct outdir *o, const char *rel, struct slice data,
		       const unsigned char *key);
/* Write `data` to `rel` (e.g. "jobs/x/index.html") inside it; one write.
 * With writer threads the data is copied and queued: a failure then shows
 * at a later outdir_write(), outdir_wait() or outdir_commit(). */
int outdir_write(struct outdir *o, const char *rel, struct slice data);
/*
 * Hand writes to `n` threads from now on (n < 1: none).  Creating files is
 * most of a build's time (the kernel's part), and it runs in parallel.  A
 * file always goes to the same thread, in the order written, so writing a
 * name twice still leaves the last data; the bytes of every file are the
 * same as without threads.
 */
void outdir_start_writers(struct outdir *o, int n);
/* Wait until every queued file is on disk: 0, or -1 with o->error set. */
int outdir_wait(struct outdir *o);
/* Copy the tree `src` into `rel` (may be "").  Regular files only;
 * symlinks are skipped.  Returns files copied, or -1. */
long outdir_copy_tree(struct outdir *o, const char *src, const char *rel);
/* Swap the temporary folder into place (after outdir_wait()).  0, or -1 with o->error set (the
 * previous output is then still in place). */
int outdir_commit(struct outdir *o);
/* Wait for the manifest outdir_commit() is writing (outdir_release() does). */
void outdir_manifest_wait(struct outdir *o);
/* Remove the temporary folder (after a failure) and free everything. */
void outdir_release(struct outdir *o);
/* What outdir_release() does but free memory: the manifest waited for,
 * the writers stopped, the temporary folder removed (for a process about
 * to exit, which leaves its memory to the kernel). */
void outdir_finish(struct outdir *o);

#endif
