#include "textscan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void lowtext_init(struct lowtext *l, struct slice s)
{
	l->p = xmalloc(s.n + 1);
	for (size_t i = 0; i < s.n; i++)
		l->p[i] = (char)ascii_lower((unsigned char)s.p[i]);
	l->p[s.n] = '\0';
	l->n = s.n;
}

void lowtext_release(struct lowtext *l)
{
	free(l->p);
	l->p = NULL;
	l->n = 0;
}

size_t lowtext_find(const struct lowtext *l, size_t from, const char *needle)
{
	if (from >= l->n)
		return SIZE_MAX;
	const char *q = memmem(l->p + from, l->n - from, needle, strlen(needle));
	return q ? (size_t)(q - l->p) : SIZE_MAX;
}

static int blank(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

int rx_find_near(const struct rx *x, struct slice s, const struct lowtext *l,
		 const char *needle, size_t before, size_t after, struct rx_match *m)
{
	size_t done = 0;   /* windows never overlap what was already searched */
	for (size_t at = lowtext_find(l, 0, needle); at != SIZE_MAX;
	     at = lowtext_find(l, at + 1, needle)) {
		size_t a = at > before ? at - before : 0, b = at + strlen(needle) + after;
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
