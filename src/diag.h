/*
 * diag.h - the one diagnostics sink of a run.
 *
 * Every warning and error goes through a struct diag, which prints it as
 *   file:line:col: warning: message
 * (line and col omitted when 0), counts it, and counts warnings by kind so
 * the build report can say "12 x no employer found".  It is safe to call
 * from several threads.
 */
#ifndef JOBSITE_DIAG_H
#define JOBSITE_DIAG_H

#include <pthread.h>
#include <stdio.h>

/*
 * DIAG_ADVISORY prints as a warning but is not counted: it is about the
 * tool's own state (a build cache it ignored), not the content, so
 * --strict does not fail on it.
 */
enum diag_level { DIAG_NOTE, DIAG_WARNING, DIAG_ERROR, DIAG_ADVISORY };

struct diag_kind {
	char *kind;
	unsigned count;
};

/* A warning or error as reported, kept when diag.keep is set (so a build
 * with nothing to do can report its last run's again: cache.h). */
struct diag_record {
	enum diag_level level;
	char *file, *kind, *message;
	unsigned line, col;
};

struct diag {
	FILE *out;          /* where messages go; NULL = silent */
	unsigned warnings;
	unsigned errors;
	int verbose;        /* print notes too */
	struct diag_kind *kinds;
	size_t nkinds, kinds_cap;
	int keep;           /* keep warnings and errors in records */
	int shown_lines;    /* diag_show_line() was used: the records miss those */
	struct diag_record *records;
	size_t nrecords, records_cap;
	pthread_mutex_t lock;
};

void diag_init(struct diag *d, FILE *out);
void diag_release(struct diag *d);

/*
 * A sink that holds what it is told for `d`: it prints (to `out`, an
 * in-memory stream, or NULL when d prints nothing), counts and records
 * as d would, for diag_pass_records() and diag_pass_counts() to hand on
 * to d later (walk.c: each reading thread holds its files' messages, and
 * they reach the run's sink in file order).
 */
void diag_init_held(struct diag *held, const struct diag *d, FILE *out);
/* Records [from, to) of `held`, moved to the end of d's. */
void diag_pass_records(struct diag *d, struct diag *held, size_t from, size_t to);
/* held's counts and kinds added to d's (its records already passed). */
void diag_pass_counts(struct diag *d, const struct diag *held);

/*
 * Report one diagnostic.  `file` may be NULL; `line`/`col` are 1-based and
 * 0 means unknown.  `kind` is a short stable label used for counting
 * ("no employer found"); NULL counts under the message itself.
 */
void diag_report(struct diag *d, enum diag_level level, const char *file,
		 unsigned line, unsigned col, const char *kind,
		 const char *fmt, ...) __attribute__((format(printf, 7, 8)));

#define diag_error(d, file, line, col, ...) \
	diag_report((d), DIAG_ERROR, (file), (line), (col), NULL, __VA_ARGS__)
#define diag_warn(d, file, line, col, ...) \
	diag_report((d), DIAG_WARNING, (file), (line), (col), NULL, __VA_ARGS__)

/*
 * Print `line_text` (one line, no newline) and a caret under column `col`,
 * as compilers do, to d->out.
 */
void diag_show_line(struct diag *d, const char *line_text, size_t len,
		    unsigned col);

#endif
