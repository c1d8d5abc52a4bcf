#include "band.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void money_k(char *out, size_t n, double v)
{
	if (v >= 1000 && fmod(v, 1000) == 0)
		snprintf(out, n, "%.0fk", v / 1000);
	else
		snprintf(out, n, "%.0f", v);
}

int band_table_from_edges(struct band_table *t, const double *edges, size_t n)
{
	if (n + 1 > BAND_MAX)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!(edges[i] > 0) || (i && !(edges[i] > edges[i - 1])) || !isfinite(edges[i]))
			return -1;
	memset(t, 0, sizeof *t);
	for (size_t i = 0; i <= n; i++) {
		struct band *b = &t->v[i];
		char lo[16], hi[16];
		b->min = i ? edges[i - 1] : 0;
		if (i < n)
			money_k(hi, sizeof hi, edges[i]);
		if (i)
			money_k(lo, sizeof lo, edges[i - 1]);
		if (i == 0) {
			snprintf(b->slug, sizeof b->slug, "under-%s", hi);
			snprintf(b->label, sizeof b->label, "Under $%s", hi);
		} else if (i == n) {
			snprintf(b->slug, sizeof b->slug, "%s-plus", lo);
			snprintf(b->label, sizeof b->label, "$%s and up", lo);
		} else {
			snprintf(b->slug, sizeof b->slug, "%s-%s", lo, hi);
			snprintf(b->label, sizeof b->label, "$%s – $%s", lo, hi);
		}
	}
	t->n = n + 1;
	return 0;
}

const struct band_table *band_default(void)
{
	static const struct band_table t = {
		.v = {
			{ 0, "under-50k", "Under $50k" },
			{ 50000, "50k-75k", "$50k – $75k" },
			{ 75000, "75k-100k", "$75k – $100k" },
			{ 100000, "100k-150k", "$100k – $150k" },
			{ 150000, "150k-200k", "$150k – $200k" },
			{ 200000, "200k-plus", "$200k and up" },
		},
		.n = 6,
	};
	return &t;
}

const char *band_for(const struct band_table *t, double lo, double hi)
{
	double v;
	if (!isnan(lo) && !isnan(hi))
		v = (lo + hi) / 2;
	else if (!isnan(lo))
		v = lo;
	else if (!isnan(hi))
		v = hi;
	else
		return BAND_NOT_DISCLOSED;
	if (!t || !t->n)
		return BAND_NOT_DISCLOSED;
	size_t i = t->n - 1;
	while (i > 0 && v < t->v[i].min)
		i--;
	return t->v[i].slug;
}

const char *band_label(const struct band_table *t, const char *slug)
{
	if (!strcmp(slug, BAND_NOT_DISCLOSED))
		return "Not disclosed";
	for (size_t i = 0; t && i < t->n; i++)
		if (!strcmp(t->v[i].slug, slug))
			return t->v[i].label;
	return NULL;
}
