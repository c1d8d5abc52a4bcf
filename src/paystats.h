/*
 * paystats.h - pay figures over a list of postings: how many state pay,
 * and the five-number summary of their annualized range midpoints, for
 * the whole list and per workplace.  Pure computation: no pages, no I/O.
 *
 * The value of a posting ("its midpoint") is (annual_min + annual_max) / 2
 * when both bounds are known, else the one bound it gives ("up to $90,000"
 * counts as 90,000, "from $60,000" as 60,000); no bound = no pay.  Hourly,
 * daily, weekly and monthly pay is already annualized by ingest
 * (posting.h: annual_min/max), so every figure here is a year of pay.
 *
 * Percentiles use linear interpolation between closest ranks, numpy's
 * default ("linear", Hyndman & Fan type 7): over the n midpoints sorted
 * ascending x[0..n-1], the q-th quantile (0 <= q <= 1) is
 *
 *     h = (n - 1) * q,  k = floor(h),  x[k] + (h - k) * (x[k+1] - x[k])
 *
 * (just x[k] when k = n - 1).  So min is q = 0, max q = 1, the median
 * q = 0.5 (the mean of the middle two for even n), p25 q = 0.25, p75 q = 0.75.
 * A single midpoint is every percentile.  Figures of an empty set are NAN.
 */
#ifndef JOBSITE_PAYSTATS_H
#define JOBSITE_PAYSTATS_H

#include <stddef.h>

#include "band.h"
#include "posting.h"

/* Below this many postings with pay a page shows figures but no chart,
 * and a workplace gets no figures of its own. */
#define PAYSTATS_MIN_CHART 3

struct paysummary {
	size_t n;       /* postings in the set */
	size_t n_pay;   /* of which state pay */
	double min, p25, median, p75, max; /* of the midpoints; NAN when n_pay == 0 */
};

struct paystats {
	struct paysummary all;
	/* Indexed by enum workplace (WORKPLACE_NONE = not stated). */
	struct paysummary workplace[4];
	size_t n_annualized; /* with pay stated by the hour, day, week or month */
	size_t n_one_bound;  /* with pay "up to" or "from" one amount */
};

/* The midpoint of a posting's annual range (above), or NAN for no pay. */
double paystats_midpoint(const struct posting *p);

/* The q-quantile of n values sorted ascending (method above); NAN if n == 0. */
double paystats_quantile(const double *sorted, size_t n, double q);

/* Summary of n values in any order (sorted in place). */
void paystats_summarize(struct paysummary *s, double *v, size_t n_values, size_t n_set);

/* Figures over n postings (NULLs are skipped as if absent). */
void paystats_compute(struct paystats *st, const struct posting *const *v, size_t n);

/*
 * Count n midpoints (NANs skipped) into the bands of `t`, lower edges
 * inclusive as band_for() does: counts[i] for t->v[i], t->n entries.
 */
void paystats_bin(const struct band_table *t, const double *mids, size_t n, size_t *counts);

#endif
