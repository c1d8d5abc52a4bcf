/*
 * util.h - allocation that never fails, file reading, small helpers.
 *
 * Out-of-memory is handled here and only here: the x* allocators print a
 * message and abort.  Nothing else in jobsite checks for NULL from them.
 */
#ifndef JOBSITE_UTIL_H
#define JOBSITE_UTIL_H

#include <stddef.h>
#include <stdio.h>

#include "buf.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Print "jobsite: fatal: ..." and abort.  Only for impossible states. */
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xslicedup(struct slice s);
/* Grow an array: ensure room for `need` elements of `size` bytes. */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);

/*
 * Read a whole file into `out` (appended).  If max > 0 and the file is
 * larger than max bytes, nothing is read and -2 is returned.  Returns 0 on
 * success, -1 on an I/O error (errno set).
 */
int read_file(const char *path, struct buf *out, size_t max);

/* Write n bytes to path, creating parent directories. 0 or -1 (errno set). */
int write_file(const char *path, const void *p, size_t n);

/* mkdir -p.  0 or -1 (errno set). */
int mkdir_p(const char *path, int mode);

/* rm -rf.  0 or -1. */
int remove_tree(const char *path);

/* cp -R src dst (regular files and folders; dst's parents are created). */
int copy_tree(const char *src, const char *dst);

/* Join two path parts with one '/'. Caller frees. */
char *path_join(const char *a, const char *b);

/* ASCII case-insensitive compare of n bytes / of C strings. */
int ascii_ncasecmp(const char *a, const char *b, size_t n);
int ascii_casecmp(const char *a, const char *b);

/* Whether p[0..n) holds " | " (a separator of "Employer | City | year" rows). */
static inline int has_bar_sep(const char *p, size_t n)
{
	/* a '|' with a space on each side can only be at offsets 1 .. n-2 */
	for (size_t i = 1; i + 1 < n; i++) {
		const char *b = memchr(p + i, '|', n - 1 - i);
		if (!b)
			return 0;
		i = (size_t)(b - p);
		if (b[-1] == ' ' && b[1] == ' ')
			return 1;
	}
	return 0;
}

static inline int ascii_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}
static inline int ascii_isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

#endif
