#include "textscan.h"

#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "util.h"

/* The first keyword of `mask` that starts at p[at], recorded as a hit; 1 if one did. */
static int try_at(const unsigned char *p, size_t n, size_t at, uint32_t mask,
		  const char *const *kw, const size_t *len, struct kw_hit *hits, size_t *nh)
{
	for (; mask; mask &= mask - 1) {
		size_t k = (size_t)__builtin_ctz(mask);
		if (at + len[k] > n)
			continue;
		size_t j = 1;
		while (j < len[k] && ascii_lower(p[at + j]) == (unsigned char)kw[k][j])
			j++;
		if (j == len[k]) {
			hits[*nh].at = at;
			hits[*nh].id = (int)k;
			++*nh;
			return 1;
		}
	}
	return 0;
}

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
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0;
	unsigned prev_letter = 0;   /* the byte before i is an ASCII letter */
#ifdef __SSE2__
	/* 16 bytes at a time: only where a word starts is a keyword tried */
	const __m128i x20 = _mm_set1_epi8(0x20), xa = _mm_set1_epi8('a'), x25 = _mm_set1_epi8(25);
	for (; i + 16 <= s.n; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		__m128i l = _mm_sub_epi8(_mm_or_si128(x, x20), xa);
		unsigned letters = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(l, x25), l));
		unsigned cand = ~((letters << 1) | prev_letter) & 0xFFFFu;
		prev_letter = (letters >> 15) & 1u;
		for (; cand; cand &= cand - 1) {
			size_t at = i + (size_t)__builtin_ctz(cand);
			if (first[p[at]] && try_at(p, s.n, at, first[p[at]], kw, len, hits, &nh) && nh == max)
				return nh;
		}
	}
#endif
	for (; i < s.n; i++) {
		if (!prev_letter && first[p[i]] &&
		    try_at(p, s.n, i, first[p[i]], kw, len, hits, &nh) && nh == max)
			return nh;
		prev_letter = ((p[i] | 32u) - 'a') < 26u;
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
