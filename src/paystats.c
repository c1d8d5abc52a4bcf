/*
 * paystats.c - pay figures over postings (see paystats.h for the
 * definitions the tests reproduce).
 */
#include "paystats.h"

#include <math.h>
#include <stdlib.h>

#include "util.h"

double paystats_midpoint(const struct posting *p)
{
	double lo = p->annual_min, hi = p->annual_max;
	if (!isnan(lo) && !isnan(hi))
		return (lo + hi) / 2;
	if (!isnan(lo))
		return lo;
	return hi; /* NAN when neither */
}

double paystats_quantile(const double *sorted, size_t n, double q)
{
	if (!n)
		return NAN;
	if (q <= 0)
		return sorted[0];
	if (q >= 1)
		return sorted[n - 1];
	double h = (double)(n - 1) * q;
	size_t k = (size_t)floor(h);
	if (k + 1 >= n)
		return sorted[n - 1];
	return sorted[k] + (h - (double)k) * (sorted[k + 1] - sorted[k]);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

void paystats_summarize(struct paysummary *s, double *v, size_t n_values, size_t n_set)
{
	if (n_values)
		qsort(v, n_values, sizeof *v, cmp_double);
	s->n = n_set;
	s->n_pay = n_values;
	s->min = paystats_quantile(v, n_values, 0);
	s->p25 = paystats_quantile(v, n_values, 0.25);
	s->median = paystats_quantile(v, n_values, 0.5);
	s->p75 = paystats_quantile(v, n_values, 0.75);
	s->max = paystats_quantile(v, n_values, 1);
}

void paystats_compute(struct paystats *st, const struct posting *const *v, size_t n)
{
	*st = (struct paystats){ 0 };
	double *all = xmalloc((n ? n : 1) * sizeof *all);
	double *wp = xmalloc((n ? n : 1) * sizeof *wp);
	size_t n_all = 0, n_set = 0;
	for (size_t i = 0; i < n; i++) {
		const struct posting *p = v[i];
		if (!p)
			continue;
		n_set++;
		double m = paystats_midpoint(p);
		if (isnan(m))
			continue;
		all[n_all++] = m;
		if (isnan(p->annual_min) || isnan(p->annual_max))
			st->n_one_bound++;
		if (p->salary_period != PERIOD_YEAR && p->salary_period != PERIOD_NONE)
			st->n_annualized++;
	}
	paystats_summarize(&st->all, all, n_all, n_set);
	/* One pass per workplace keeps the arrays simple; four is few. */
	for (int w = 0; w < 4; w++) {
		size_t k = 0, set = 0;
		for (size_t i = 0; i < n; i++) {
			const struct posting *p = v[i];
			if (!p || (int)p->workplace != w)
				continue;
			set++;
			double m = paystats_midpoint(p);
			if (!isnan(m))
				wp[k++] = m;
		}
		paystats_summarize(&st->workplace[w], wp, k, set);
	}
	free(all);
	free(wp);
}

void paystats_bin(const struct band_table *t, const double *mids, size_t n, size_t *counts)
{
	for (size_t b = 0; b < t->n; b++)
		counts[b] = 0;
	for (size_t i = 0; i < n; i++) {
		if (isnan(mids[i]) || !t->n)
			continue;
		size_t b = 0;
		while (b + 1 < t->n && mids[i] >= t->v[b + 1].min)
			b++;
		counts[b]++;
	}
}
