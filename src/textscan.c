#include "textscan.h"

#include <stdint.h>
#include <string.h>

#include "util.h"

size_t kw_scan(struct slice s, const char *const *kw, size_t nkw, struct kw_hit *hits,
	       size_t max)
{
	uint32_t first[256];
	size_t len[KW_MAX], nh = 0;
	if (nkw > KW_MAX)
		nkw = KW_MAX;
	memset(first, 0, sizeof first);
	for (size_t k = 0; k < nkw; k++) {
		unsigned char c = (unsigned char)kw[k][0];
		first[c] |= 1u << k;
		if (c >= 'a' && c <= 'z')
			first[c - 32] |= 1u << k;
		len[k] = strlen(kw[k]);
	}
	const unsigned char *p = (const unsigned char *)s.p, *q = p, *end = p + s.n;
	uint32_t prev_alpha = 0;
	while (q < end) {
		/* one mostly-untaken branch per byte: a keyword letter at a word start */
		uint32_t mask = first[*q] & (prev_alpha - 1u);
		prev_alpha = (uint32_t)(((*q | 32u) - 'a') < 26u);
		q++;
		if (!mask)
			continue;
		size_t i = (size_t)(q - 1 - p);
		for (; mask; mask &= mask - 1) {
			size_t k = (size_t)__builtin_ctz(mask);
			if (i + len[k] > s.n)
				continue;
			size_t j = 1;
			while (j < len[k] && ascii_lower(p[i + j]) == (unsigned char)kw[k][j])
				j++;
			if (j == len[k]) {
				hits[nh].at = i;
				hits[nh].id = (int)k;
				if (++nh == max)
					return nh;
				break;
			}
		}
	}
	return nh;
}

static int blank(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

int rx_find_hits(const struct rx *x, struct slice s, const struct kw_hit *hits, size_t nhits,
		 int id, size_t before, size_t after, struct rx_match *m)
{
	size_t done = 0;   /* windows never overlap what was already searched */
	for (size_t h = 0; h < nhits; h++) {
		if (id >= 0 && hits[h].id != id)
			continue;
		size_t at = hits[h].at;
		size_t a = at > before ? at - before : 0, b = at + after;
		if (b > s.n)
			b = s.n;
		if (b <= done)
			continue;
		/* start at a word start, so a pattern never starts mid-word */
		size_t lim = a > 40 ? a - 40 : 0;
		while (a > lim && !blank(s.p[a - 1]))
			a--;
		if (a < done)
			a = done;
		struct slice w = { s.p + a, b - a };
		if (rx_find(x, w, 0, m)) {
			if (m)
				for (int i = 0; i < RX_MAX_GROUPS; i++)
					if (m->start[i] != SIZE_MAX) {
						m->start[i] += a;
						m->end[i] += a;
					}
			return 1;
		}
		done = b;
	}
	return 0;
}
