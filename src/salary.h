/*
 * salary.h - pay ranges in posting text.
 *
 * Pure functions over UTF-8 text: no allocation, no global state, safe to
 * call from several threads.  Input is the posting's plain text (one block
 * per line); leftover Markdown emphasis (`*`, `_`, backticks) and
 * non-breaking spaces are tolerated.
 *
 * Amounts are kept in the unit the posting states them in ("$25.50 - $32.00
 * per hour" gives 25.5, 32, PERIOD_HOUR); salary_annual() converts.
 */
#ifndef JOBSITE_SALARY_H
#define JOBSITE_SALARY_H

#include <stddef.h>

#include "buf.h"
#include "posting.h"

struct salary {
	/*
	 * NAN when absent.  "up to X": min NAN, max X.  "starting at X":
	 * min X, max NAN.  A single figure ("$28/hr"): min == max.
	 */
	double min, max;
	enum salary_period period;  /* PERIOD_NONE: no unit, and none could be guessed */
	/*
	 * 1 when no unit was written and period was guessed from the
	 * magnitude (largest figure < 300: hour; >= 20000: year; between:
	 * PERIOD_NONE).  A range with no unit such as "$125,000 - $140,000"
	 * is therefore PERIOD_YEAR with period_inferred 1.
	 */
	int period_inferred;
	/* ISO 4217 code: "USD" for "$", "US$", "USD"; "EUR", "GBP", "CAD";
	 * "" when the value has no currency marker (salary_parse only). */
	char currency[4];
	size_t start, end;          /* byte span of the amount in the input */
};

/*
 * Parse a value known to be pay, such as a front matter `salary:` or the
 * text after "Salary:".  Accepts "$80k–$100k", "100,000.00 - 200,000.00 USD
 * Annual", "USD 70000 to 85000 per year", "$28/hr", "up to $90,000",
 * "starting at $60K", "85000".  Returns 1 and fills *out, or 0 (out set to
 * "absent") for values such as "Competitive", "DOE", "Not disclosed", "".
 */
int salary_parse(struct slice s, struct salary *out);

/*
 * Find the pay in a whole posting.  Every money amount is a candidate;
 * amounts that are not pay are skipped: those next to tuition, bonus,
 * reimbursement, stipend, allowance, 401(k), commuter, relocation, HSA,
 * referral, revenue, assets, investment, budget words, "$2 billion", and
 * lone amounts with neither a pay cue (salary, pay, wage, compensation,
 * rate, range, base, hourly, "💰") nor a unit.  Among the rest the one with
 * the strongest cue wins ("Base Salary" over "Total Compensation"), ties
 * going to the first.  Returns 1 and fills *out (span relative to text),
 * or 0.
 */
int salary_find(struct slice text, struct salary *out);

/*
 * Annualize: hour x 2080, day x 260, week x 52, month x 12, year x 1.
 * NAN stays NAN; with PERIOD_NONE both results are NAN.
 */
void salary_annual(const struct salary *s, double *annual_min, double *annual_max);

/* One salary band: values >= lower (and below the next band) get slug. */
struct salary_band_def {
	double lower;
	const char *slug;
};

/* Bands in ascending order of `lower`; the first should have lower 0. */
struct salary_bands {
	const struct salary_band_def *v;
	size_t n;
};

/* under-50k 50k-75k 75k-100k 100k-150k 150k-200k 200k-plus. */
extern const struct salary_bands salary_default_bands;

/*
 * The band slug for an annual range: chosen by the midpoint when both
 * bounds are given, else by the one bound given; lower bounds inclusive.
 * "not-disclosed" when both are NAN.  bands NULL means the default bands.
 * Returns a string owned by the table (static for the default).
 */
const char *salary_band(double annual_min, double annual_max,
			const struct salary_bands *bands);

#endif
