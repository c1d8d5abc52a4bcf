/*
 * t_paystats.c - pay figures: the quantile method of paystats.h on small
 * hand-made arrays (1, 2, 3, 4, 5 values), midpoints of one-bound ranges,
 * counts per workplace, and binning by band edges.
 */
#include <math.h>
#include <stdlib.h>

#include "paystats.h"
#include "tap.h"

static int near(double a, double b)
{
	return fabs(a - b) < 1e-9;
}

#define CHECK_NUM(got, want, what)                                                  \
	do {                                                                        \
		double g__ = (got), w__ = (want);                                   \
		CHECK(near(g__, w__), "%s: got %.6f, want %.6f", (what), g__, w__); \
	} while (0)

static struct posting *mk(double lo, double hi, enum salary_period per, enum workplace w)
{
	struct posting *p = posting_new("t");
	p->annual_min = lo;
	p->annual_max = hi;
	p->salary_period = isnan(lo) && isnan(hi) ? PERIOD_NONE : per;
	p->workplace = w;
	return p;
}

static void summary(const char *what, const double *in, size_t n, double min, double p25,
		    double med, double p75, double max)
{
	double v[8];
	for (size_t i = 0; i < n; i++)
		v[i] = in[i];
	struct paysummary s;
	paystats_summarize(&s, v, n, n);
	char w[96];
	CHECK(s.n_pay == n, "%s: n_pay", what);
	snprintf(w, sizeof w, "%s min", what);
	CHECK_NUM(s.min, min, w);
	snprintf(w, sizeof w, "%s p25", what);
	CHECK_NUM(s.p25, p25, w);
	snprintf(w, sizeof w, "%s median", what);
	CHECK_NUM(s.median, med, w);
	snprintf(w, sizeof w, "%s p75", what);
	CHECK_NUM(s.p75, p75, w);
	snprintf(w, sizeof w, "%s max", what);
	CHECK_NUM(s.max, max, w);
}

int main(void)
{
	/* numpy.percentile(x, [0, 25, 50, 75, 100]) for each array. */
	summary("one", (double[]){ 50000 }, 1, 50000, 50000, 50000, 50000, 50000);
	summary("two", (double[]){ 80000, 40000 }, 2, 40000, 50000, 60000, 70000, 80000);
	summary("three", (double[]){ 30, 10, 20 }, 3, 10, 15, 20, 25, 30);
	summary("four", (double[]){ 4, 1, 3, 2 }, 4, 1, 1.75, 2.5, 3.25, 4);
	summary("five", (double[]){ 5, 1, 4, 2, 3 }, 5, 1, 2, 3, 4, 5);
	summary("ties", (double[]){ 7, 7, 7, 1 }, 4, 1, 5.5, 7, 7, 7);

	/* An empty set: every figure NAN, nothing counted. */
	struct paysummary e;
	paystats_summarize(&e, NULL, 0, 3);
	CHECK(e.n == 3 && e.n_pay == 0, "empty: counts");
	CHECK(isnan(e.min) && isnan(e.median) && isnan(e.max), "empty: NAN figures");
	CHECK(isnan(paystats_quantile(NULL, 0, 0.5)), "quantile of nothing is NAN");

	/* Midpoints: both bounds, "up to", "from", none. */
	struct posting *a = mk(100000, 140000, PERIOD_YEAR, WORKPLACE_REMOTE);
	struct posting *b = mk(NAN, 90000, PERIOD_YEAR, WORKPLACE_REMOTE);
	struct posting *c = mk(60000, NAN, PERIOD_YEAR, WORKPLACE_ONSITE);
	struct posting *d = mk(NAN, NAN, PERIOD_NONE, WORKPLACE_REMOTE);
	struct posting *h = mk(41600, 52000, PERIOD_HOUR, WORKPLACE_HYBRID); /* $20-25 an hour */
	CHECK_NUM(paystats_midpoint(a), 120000, "midpoint of a range");
	CHECK_NUM(paystats_midpoint(b), 90000, "up to: the one bound");
	CHECK_NUM(paystats_midpoint(c), 60000, "from: the one bound");
	CHECK(isnan(paystats_midpoint(d)), "no pay: NAN");
	CHECK_NUM(paystats_midpoint(h), 46800, "hourly, annualized");

	/* Only one-bound ranges. */
	const struct posting *only[] = { b, c };
	struct paystats st;
	paystats_compute(&st, only, 2);
	CHECK(st.all.n == 2 && st.all.n_pay == 2 && st.n_one_bound == 2, "one-bound: counts");
	CHECK_NUM(st.all.median, 75000, "one-bound: median of 60000 and 90000");
	CHECK_NUM(st.all.p25, 67500, "one-bound: p25");

	const struct posting *v[] = { a, b, c, d, h, NULL };
	paystats_compute(&st, v, 6);
	CHECK(st.all.n == 5, "NULL skipped: n %zu", st.all.n);
	CHECK(st.all.n_pay == 4, "n_pay %zu", st.all.n_pay);
	CHECK(st.n_one_bound == 2, "one-bound %zu", st.n_one_bound);
	CHECK(st.n_annualized == 1, "annualized %zu", st.n_annualized);
	/* 46800 60000 90000 120000 */
	CHECK_NUM(st.all.min, 46800, "min");
	CHECK_NUM(st.all.p25, 56700, "p25");
	CHECK_NUM(st.all.median, 75000, "median");
	CHECK_NUM(st.all.p75, 97500, "p75");
	CHECK_NUM(st.all.max, 120000, "max");
	CHECK(st.workplace[WORKPLACE_REMOTE].n == 3 && st.workplace[WORKPLACE_REMOTE].n_pay == 2,
	      "remote: 3 postings, 2 with pay");
	CHECK_NUM(st.workplace[WORKPLACE_REMOTE].median, 105000, "remote median");
	CHECK(st.workplace[WORKPLACE_ONSITE].n_pay == 1, "onsite: 1 with pay");
	CHECK(st.workplace[WORKPLACE_HYBRID].n_pay == 1, "hybrid: 1 with pay");
	CHECK(st.workplace[WORKPLACE_NONE].n == 0 && isnan(st.workplace[WORKPLACE_NONE].median),
	      "no workplace stated: empty");

	/* Bins: lower edges inclusive, like band_for(). */
	const struct band_table *t = band_default();
	double mids[] = { 49999.5, 50000, 75000, 120000, 150000, 1e6, NAN };
	size_t counts[BAND_MAX];
	paystats_bin(t, mids, 7, counts);
	CHECK(t->n == 6, "default bands: 6");
	CHECK(counts[0] == 1 && counts[1] == 1 && counts[2] == 1 && counts[3] == 1 &&
	      counts[4] == 1 && counts[5] == 1, "one in each band: %zu %zu %zu %zu %zu %zu",
	      counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]);
	for (size_t i = 0; i < 6; i++) {
		const char *slug = band_for(t, mids[i], mids[i]);
		CHECK(!strcmp(slug, t->v[i].slug), "bin %zu agrees with band_for (%s)", i, slug);
	}

	posting_free(a);
	posting_free(b);
	posting_free(c);
	posting_free(d);
	posting_free(h);
	return test_done();
}
