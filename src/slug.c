#include "slug.h"

#include <stdlib.h>
#include <utf8proc.h>

#include "util.h"

void slugify(struct slice s, struct buf *out, size_t max)
{
	size_t start = out->n;
	utf8proc_uint8_t *folded = NULL;
	const unsigned char *p = (const unsigned char *)s.p;
	size_t n = s.n;
	int ascii = 1;
	for (size_t i = 0; i < n; i++)
		if (p[i] >= 0x80)
			ascii = 0;
	if (!ascii) {
		utf8proc_ssize_t r = utf8proc_map(
			p, (utf8proc_ssize_t)n, &folded,
			UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD |
				UTF8PROC_COMPAT);
		if (r >= 0) {
			p = folded;
			n = (size_t)r;
		}
	}
	int pending_hyphen = 0;
	for (size_t i = 0; i < n; i++) {
		int c = ascii_lower(p[i]);
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (pending_hyphen && out->n > start)
				buf_putc(out, '-');
			pending_hyphen = 0;
			buf_putc(out, c);
		} else if (c == '\'' ) {
			continue;
		} else if (c == 0xE2 && i + 2 < n && p[i + 1] == 0x80 &&
			   (p[i + 2] == 0x99 || p[i + 2] == 0x98)) {
			i += 2; /* curly apostrophe */
		} else if (c == '&') {
			if (out->n > start)
				buf_putc(out, '-');
			buf_puts(out, "and");
			pending_hyphen = 1;
		} else if (c >= 0x80) {
			/* a letter with no ASCII form: skip its bytes */
			pending_hyphen = 1;
		} else {
			pending_hyphen = 1;
		}
		if (out->n - start >= max)
			break;
	}
	free(folded);
	if (out->n - start > max) {
		size_t cut = start + max;
		size_t h = cut;
		while (h > start + max / 2 && out->p[h] != '-')
			h--;
		buf_truncate(out, out->p[h] == '-' ? h : cut);
	}
	while (out->n > start && out->p[out->n - 1] == '-')
		buf_truncate(out, out->n - 1);
}

char *slug_new(struct slice s)
{
	struct buf b = BUF_INIT;
	slugify(s, &b, SLUG_MAX);
	return buf_detach(&b, NULL);
}
