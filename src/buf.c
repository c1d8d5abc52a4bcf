#include "buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

struct slice slice_trim(struct slice s)
{
	while (s.n && (s.p[0] == ' ' || s.p[0] == '\t' || s.p[0] == '\n' ||
		       s.p[0] == '\r' || s.p[0] == '\f' || s.p[0] == '\v')) {
		s.p++;
		s.n--;
	}
	while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' ||
		       s.p[s.n - 1] == '\n' || s.p[s.n - 1] == '\r' ||
		       s.p[s.n - 1] == '\f' || s.p[s.n - 1] == '\v'))
		s.n--;
	return s;
}

void buf_init(struct buf *b)
{
	b->p = NULL;
	b->n = b->cap = 0;
}

void buf_grow(struct buf *b, size_t extra)
{
	size_t need = b->n + extra + 1;
	if (need < b->n)
		die("buffer size overflow");
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			die("buffer size overflow");
		cap *= 2;
	}
	int was_empty = b->p == NULL;
	b->p = xrealloc(b->p, cap);
	b->cap = cap;
	if (was_empty)
		b->p[0] = '\0';
}

void buf_put_grow(struct buf *b, const void *p, size_t n)
{
	if (n == 0) {
		if (!b->p)
			buf_grow(b, 0), b->p[0] = '\0';
		return;
	}
	buf_grow(b, n);
	memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
}


void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	char small[256];
	int len = vsnprintf(small, sizeof small, fmt, cp);
	va_end(cp);
	if (len < 0)
		return;
	if ((size_t)len < sizeof small) {
		buf_put(b, small, (size_t)len);
		return;
	}
	buf_grow(b, (size_t)len);
	vsnprintf(b->p + b->n, (size_t)len + 1, fmt, ap);
	b->n += (size_t)len;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void buf_reset(struct buf *b)
{
	b->n = 0;
	if (b->p)
		b->p[0] = '\0';
}

void buf_truncate(struct buf *b, size_t n)
{
	if (n < b->n) {
		b->n = n;
		b->p[n] = '\0';
	}
}

void buf_release(struct buf *b)
{
	free(b->p);
	buf_init(b);
}

char *buf_detach(struct buf *b, size_t *len)
{
	if (!b->p)
		buf_grow(b, 0), b->p[0] = '\0';
	char *p = b->p;
	if (len)
		*len = b->n;
	buf_init(b);
	return p;
}

const char *buf_cstr(const struct buf *b)
{
	return b->p ? b->p : "";
}

void buf_putu(struct buf *b, unsigned long long v)
{
	char w[20];
	size_t n = sizeof w;
	do
		w[--n] = (char)('0' + v % 10);
	while ((v /= 10));
	buf_put(b, w + n, sizeof w - n);
}
