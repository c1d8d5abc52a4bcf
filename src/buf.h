/*
 * buf.h - owning growable byte buffer and a non-owning view.
 *
 * Ownership rule (holds for the whole code base): a function that returns a
 * `struct slice` never transfers ownership; the bytes live as long as the
 * object they were taken from.  A `struct buf` owns its bytes; release it
 * with buf_release() or take them with buf_detach().
 *
 * Out-of-memory aborts the process in one place (util.c: xmalloc), so no
 * function here reports allocation failure.
 */
#ifndef JOBSITE_BUF_H
#define JOBSITE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

/* A view of n bytes at p.  Not NUL-terminated in general. */
struct slice {
	const char *p;
	size_t n;
};

#define SLICE_LIT(s) ((struct slice){ (s), sizeof(s) - 1 })

static inline struct slice slice_from(const char *s)
{
	return (struct slice){ s, s ? strlen(s) : 0 };
}

static inline int slice_eq(struct slice a, struct slice b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

static inline int slice_eq_str(struct slice a, const char *s)
{
	return slice_eq(a, slice_from(s));
}

/*
 * Bounded reading of bytes (the cache's files and memos): a read past the
 * end gives NULL (or 0) and sets bad, and so does every read after it, so
 * a parser checks bad once at the end.
 */
struct reader {
	const unsigned char *p, *end;
	int bad;
};

static inline struct reader reader_of(struct slice s)
{
	return (struct reader){ (const unsigned char *)s.p, (const unsigned char *)s.p + s.n, 0 };
}

/* The next n bytes, or NULL. */
static inline const unsigned char *reader_take(struct reader *r, size_t n)
{
	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = 1;
		return NULL;
	}
	const unsigned char *at = r->p;
	r->p += n;
	return at;
}

/* The next n <= 8 bytes as an integer in this machine's order (files that
 * never leave it), or 0. */
static inline unsigned long long reader_u(struct reader *r, size_t n)
{
	unsigned long long v = 0;
	const unsigned char *at = reader_take(r, n);
	if (at)
		memcpy(&v, at, n);
	return v;
}

/* Trim ASCII whitespace from both ends. */
struct slice slice_trim(struct slice s);

/*
 * An owning buffer.  While p is not NULL, p[n] == '\0', so buf_cstr() is
 * always valid.  A zeroed struct is an empty buffer (BUF_INIT).
 */
struct buf {
	char *p;
	size_t n;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

void buf_init(struct buf *b);
/* Make room for at least `extra` more bytes. */
void buf_grow(struct buf *b, size_t extra);
/* buf_put()'s way when the bytes and their NUL do not fit as it is. */
void buf_put_grow(struct buf *b, const void *p, size_t n);
/* Append n bytes (NUL-terminated after).  Inline: most appends are a few
 * bytes into room already there, often of a length known when compiled. */
static inline void buf_put(struct buf *b, const void *p, size_t n)
{
	if (n && b->cap > b->n && n < b->cap - b->n) {
		memcpy(b->p + b->n, p, n);
		b->n += n;
		b->p[b->n] = '\0';
		return;
	}
	buf_put_grow(b, p, n);
}
static inline void buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}
/* One byte; the common case (room left) stays inline. */
static inline void buf_putc(struct buf *b, int c)
{
	if (b->n + 2 > b->cap)
		buf_grow(b, 1);
	b->p[b->n++] = (char)c;
	b->p[b->n] = '\0';
}
static inline void buf_putslice(struct buf *b, struct slice s)
{
	buf_put(b, s.p, s.n);
}
/* A number in decimal, as "%llu" would write it (no printf on hot paths). */
void buf_putu(struct buf *b, unsigned long long v);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Empty the buffer but keep its memory. */
void buf_reset(struct buf *b);
/* Shorten to n bytes (n <= b->n). */
void buf_truncate(struct buf *b, size_t n);
/* Free the memory; the buffer is empty and reusable afterwards. */
void buf_release(struct buf *b);
/* Hand the bytes (NUL-terminated, never NULL) to the caller, who frees them. */
char *buf_detach(struct buf *b, size_t *len);
/* The contents as a C string ("" when empty). */
const char *buf_cstr(const struct buf *b);
static inline struct slice buf_slice(const struct buf *b)
{
	return (struct slice){ b->p ? b->p : "", b->n };
}

#endif
