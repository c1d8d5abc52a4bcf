/*
 * ingest.h - load posting files and normalize them into struct posting.
 *
 * The pipeline for one file: read (size limit) -> repair (encoding, entities,
 * mojibake) -> detect format -> front matter / JSON-LD / HTML / Markdown ->
 * plain text -> field extraction -> sanitized description.  Every input file
 * that is a posting yields a record, whatever is missing; what could not be
 * understood is a warning on the record.  A file that cannot be a posting
 * (unreadable, binary, too large, empty) is listed as skipped with a reason.
 */
#ifndef JOBSITE_INGEST_H
#define JOBSITE_INGEST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "band.h"
#include "diag.h"
#include "posting.h"

struct posting_list;

struct ingest_opts {
	size_t max_file_size;   /* bytes; 0 = default (2 MiB) */
	const char *build_date; /* "YYYY-MM-DD" (for expiry); NULL = none */
	int keep_description;   /* fill description_html/_text (site build) */
	int jobs;               /* worker threads; 0 = one per core */
	const struct band_table *bands; /* salary bands; NULL = default */
	/* Called after each file (from worker threads), may be NULL. */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *progress_ctx;
	/* Postings of unchanged files come from here (cache.h); may be NULL. */
	struct build_cache *cache;
	/* Descriptions of the postings read go here (descstore.h); may be NULL. */
	struct descstore *spill;
	/*
	 * Called from the worker thread with the postings of file `index` (of
	 * `total` files) as soon as it is read, may be NULL.  It may take them: whatever it
	 * leaves in `got` (postings and skipped files) goes to the output as
	 * usual.  Lets a caller stream results instead of holding them all.
	 */
	void (*each_file)(void *ctx, size_t index, size_t total, struct posting_list *got);
	void *each_file_ctx;
};

#define INGEST_DEFAULT_MAX_FILE (2u << 20)

/* A file that was not turned into a posting, and why. */
struct ingest_skip {
	char *path;
	char *reason;
};

/* The postings of a run, in input order, plus the skipped files. Owns all. */
struct posting_list {
	struct posting **v;
	size_t n, cap;
	struct ingest_skip *skipped;
	size_t nskipped, skipped_cap;
};

void posting_list_release(struct posting_list *l);
void posting_list_push(struct posting_list *l, struct posting *p);

/*
 * Load one file.  Appends its posting(s) to `out` (a .json file may hold an
 * array of JobPostings) and returns how many; on a skipped file returns 0,
 * records it in out->skipped and reports it to `d`.  Warnings on a posting
 * are also reported to `d` as "file:line: warning: ...".
 */
int ingest_file(const char *path, const struct ingest_opts *opts,
		struct diag *d, struct posting_list *out);

/*
 * The same for bytes already in memory; `path` names them in messages and
 * decides .json handling.  (Used by ingest_file and the fuzz target.)
 */
int ingest_memory(const char *path, struct slice data, const struct ingest_opts *opts,
		  struct diag *d, struct posting_list *out);

/* Free the calling thread's scratch buffers (call before a worker thread ends). */
void ingest_thread_release(void);

/*
 * Load every posting file under `path` (a file or a directory, walked
 * recursively in byte order of names; symlinks leaving the tree or looping
 * are skipped with a reason).  Accepted extensions: .md .markdown .html .htm
 * .txt .json.  Returns the number of postings loaded, or -1 when `path`
 * itself cannot be read.
 */
int ingest_path(const char *path, const struct ingest_opts *opts,
		struct diag *d, struct posting_list *out);

/* ingest_path() in two steps: the walk, then the files it found. */
struct ingest_found {
	char **v;
	struct stat *st;        /* what the walk saw of each file */
	size_t n, cap, st_cap;
	/* The folders it read, each with the mtime a stat gave just before
	 * its names were read (the walk's memo, cache.h); `unclean` when the
	 * list depends on more than their names: a symbolic link, an entry
	 * skipped or warned about. */
	char **dirs;
	int64_t *dir_mtime;
	size_t ndirs, dirs_cap;
	int unclean;
};
/* Find the posting files under `path` (skips go to out and d); -1 when
 * `path` itself cannot be read. */
int ingest_walk(const char *path, struct ingest_found *f, struct diag *d,
		struct posting_list *out);
int ingest_found_files(const struct ingest_found *f, const struct ingest_opts *opts,
		       struct diag *d, struct posting_list *out);
/* Stat the files the walk left for the workers (on two threads); a file
 * that cannot be stat'ed keeps st_mode 0, for its worker to report. */
void ingest_found_stat(struct ingest_found *f);
void ingest_found_release(struct ingest_found *f);

/*
 * Load the given files on opts->jobs threads; results are appended in the
 * order of `files`, whatever the timing.  Returns the postings loaded.
 */
int ingest_files(char **files, size_t n, const struct ingest_opts *opts,
		 struct diag *d, struct posting_list *out);

#endif
