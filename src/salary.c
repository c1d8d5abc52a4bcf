#include "salary.h"

#include <math.h>
#include <string.h>

/*
 * A hand-written scanner rather than one big pattern: money expressions
 * have many optional parts (currency before or after, K suffix, dash or
 * "to", a unit after either figure) and a scanner that looks at each '$'
 * or digit once stays linear and cannot backtrack.
 */

struct expr {
	double lo, hi;
	int range;
	const char *cur;            /* ISO code or NULL */
	enum salary_period period;  /* as written, PERIOD_NONE if not */
	size_t start, end;
};

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_alnum(int c) { return is_digit(c) || is_alpha(c); }
static int lower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

/* Blanks inside an amount: spaces, tabs, NBSP and emphasis markers. */
static size_t skip_blank(const char *p, size_t n, size_t i, int newline)
{
	int nl = 0;
	while (i < n) {
		unsigned char c = (unsigned char)p[i];
		if (c == ' ' || c == '\t' || c == '*' || c == '_' || c == '`' || c == '\r') {
			i++;
		} else if (c == 0xC2 && i + 1 < n && (unsigned char)p[i + 1] == 0xA0) {
			i += 2;
		} else if (c == '\n' && newline && !nl) {
			nl = 1;
			i++;
		} else {
			break;
		}
	}
	return i;
}

/* If word w (ASCII, case-insensitive) is at p[i] and ends there, its end; else 0. */
static size_t word_at(const char *p, size_t n, size_t i, const char *w)
{
	size_t k = strlen(w);
	if (i + k > n)
		return 0;
	for (size_t j = 0; j < k; j++)
		if (lower((unsigned char)p[i + j]) != w[j])
			return 0;
	if (i + k < n && is_alnum((unsigned char)p[i + k]))
		return 0;
	return i + k;
}

/* A currency marker at p[i]: its ISO code, *end set past it. */
static const char *currency_at(const char *p, size_t n, size_t i, size_t *end)
{
	static const struct { const char *s; const char *code; int word; } tab[] = {
		{ "$", "USD", 0 }, { "US$", "USD", 0 }, { "USD", "USD", 1 },
		{ "C$", "CAD", 0 }, { "CA$", "CAD", 0 }, { "CAD", "CAD", 1 },
		{ "\xE2\x82\xAC", "EUR", 0 }, { "EUR", "EUR", 1 },
		{ "\xC2\xA3", "GBP", 0 }, { "GBP", "GBP", 1 },
	};
	if (i > 0 && is_alpha((unsigned char)p[i - 1]))
		return NULL;
	for (size_t t = 0; t < sizeof tab / sizeof tab[0]; t++) {
		size_t k = strlen(tab[t].s);
		if (i + k > n || memcmp(p + i, tab[t].s, k) != 0)
			continue;
		if (tab[t].word && i + k < n && is_alpha((unsigned char)p[i + k]))
			continue;
		*end = i + k;
		return tab[t].code;
	}
	return NULL;
}

/* "125,000.00", "80", "25.5": at most 9 integer digits. */
static int parse_number(const char *p, size_t n, size_t i, double *v, size_t *end)
{
	size_t j = i;
	double x = 0;
	int nd = 0;
	while (j < n && is_digit((unsigned char)p[j])) {
		if (++nd > 9)
			return 0;
		x = x * 10 + (p[j++] - '0');
	}
	if (nd == 0)
		return 0;
	while (j + 3 < n && p[j] == ',' && is_digit((unsigned char)p[j + 1]) &&
	       is_digit((unsigned char)p[j + 2]) && is_digit((unsigned char)p[j + 3]) &&
	       !(j + 4 < n && is_digit((unsigned char)p[j + 4]))) {
		if ((nd += 3) > 9)
			return 0;
		x = x * 1000 + (p[j + 1] - '0') * 100 + (p[j + 2] - '0') * 10 + (p[j + 3] - '0');
		j += 4;
	}
	/* the last group may end the text */
	if (j + 3 == n && p[j] == ',' && is_digit((unsigned char)p[j + 1]) &&
	    is_digit((unsigned char)p[j + 2]) && is_digit((unsigned char)p[j + 3]) && nd + 3 <= 9) {
		x = x * 1000 + (p[j + 1] - '0') * 100 + (p[j + 2] - '0') * 10 + (p[j + 3] - '0');
		j += 4;
	}
	if (j + 1 < n && p[j] == '.' && is_digit((unsigned char)p[j + 1])) {
		double f = 0.1;
		j++;
		while (j < n && is_digit((unsigned char)p[j])) {
			x += (p[j++] - '0') * f;
			f /= 10;
		}
	}
	*v = x;
	*end = j;
	return 1;
}

/* "k"/"K" right after a figure multiplies by 1000. */
static int k_suffix(const char *p, size_t n, size_t *j)
{
	if (*j < n && (p[*j] == 'k' || p[*j] == 'K') &&
	    !(*j + 1 < n && is_alnum((unsigned char)p[*j + 1]))) {
		(*j)++;
		return 1;
	}
	return 0;
}

struct unit_word {
	const char *w;
	enum salary_period period;
};

static enum salary_period unit_lookup(const char *p, size_t n, size_t i, size_t *end,
				      const struct unit_word *tab, size_t ntab)
{
	for (size_t t = 0; t < ntab; t++) {
		size_t e = word_at(p, n, i, tab[t].w);
		if (e) {
			*end = e;
			return tab[t].period;
		}
	}
	return PERIOD_NONE;
}

/* "/hr", "per hour", "an hour", "hourly", "annually", "Annual", "per annum"... */
static enum salary_period parse_unit(const char *p, size_t n, size_t i, size_t *end, int nl)
{
	static const struct unit_word after_per[] = {
		{ "hour", PERIOD_HOUR }, { "hr", PERIOD_HOUR }, { "h", PERIOD_HOUR },
		{ "day", PERIOD_DAY }, { "d", PERIOD_DAY },
		{ "week", PERIOD_WEEK }, { "wk", PERIOD_WEEK },
		{ "month", PERIOD_MONTH }, { "mo", PERIOD_MONTH }, { "mth", PERIOD_MONTH },
		{ "year", PERIOD_YEAR }, { "yr", PERIOD_YEAR }, { "annum", PERIOD_YEAR },
		{ "y", PERIOD_YEAR }, { "a", PERIOD_YEAR },
	};
	static const struct unit_word alone[] = {
		{ "hourly", PERIOD_HOUR }, { "daily", PERIOD_DAY }, { "weekly", PERIOD_WEEK },
		{ "monthly", PERIOD_MONTH }, { "yearly", PERIOD_YEAR },
		{ "annually", PERIOD_YEAR }, { "annual", PERIOD_YEAR }, { "annum", PERIOD_YEAR },
		{ "p.a.", PERIOD_YEAR },
	};
	static const struct unit_word after_a[] = {
		{ "hour", PERIOD_HOUR }, { "day", PERIOD_DAY }, { "week", PERIOD_WEEK },
		{ "month", PERIOD_MONTH }, { "year", PERIOD_YEAR },
	};
	size_t e;
	enum salary_period per;
	if (i < n && p[i] == '/') {
		size_t j = skip_blank(p, n, i + 1, nl);
		/* "/hr" but not "/ 2" or "/day shift"?  A unit word is enough. */
		return unit_lookup(p, n, j, end, after_per, sizeof after_per / sizeof after_per[0] - 1);
	}
	if ((e = word_at(p, n, i, "per"))) {
		size_t j = skip_blank(p, n, e, nl);
		per = unit_lookup(p, n, j, end, after_per, sizeof after_per / sizeof after_per[0] - 2);
		if (per != PERIOD_NONE)
			return per;
		return PERIOD_NONE;
	}
	if ((e = word_at(p, n, i, "an")) || (e = word_at(p, n, i, "a"))) {
		size_t j = skip_blank(p, n, e, nl);
		return unit_lookup(p, n, j, end, after_a, sizeof after_a / sizeof after_a[0]);
	}
	return unit_lookup(p, n, i, end, alone, sizeof alone / sizeof alone[0]);
}

/* A range separator at p[i]: '-', en/em dash, "to"; its end or 0. */
static size_t range_sep(const char *p, size_t n, size_t i)
{
	if (i < n && p[i] == '-')
		return i + 1;
	if (i + 2 < n && (unsigned char)p[i] == 0xE2 && (unsigned char)p[i + 1] == 0x80 &&
	    ((unsigned char)p[i + 2] == 0x93 || (unsigned char)p[i + 2] == 0x94))
		return i + 3;
	size_t e = word_at(p, n, i, "to");
	return e;
}

/* Is the rest of the line after p[i] blank? */
static int line_tail_empty(const char *p, size_t n, size_t i)
{
	i = skip_blank(p, n, i, 0);
	return i < n && p[i] == '\n';
}

/*
 * What may follow the figures: a currency code ("200,000.00 USD Annual")
 * and a unit.  With nl, across one line break, and only if the line then
 * ends, so that a heading such as "Daily duties" on the next line is not
 * taken for a unit.  Returns 1 if something was taken (e updated).
 */
static int tail(const char *p, size_t n, size_t j, int nl, struct expr *e)
{
	size_t t = skip_blank(p, n, j, nl), u, uend;
	const char *cur = NULL;
	if (t < n && is_alpha((unsigned char)p[t]) && (cur = currency_at(p, n, t, &u)))
		j = u;
	t = skip_blank(p, n, j, nl && !cur);
	enum salary_period per = parse_unit(p, n, t, &uend, nl);
	size_t end = per != PERIOD_NONE ? uend : j;
	if (!cur && per == PERIOD_NONE)
		return 0;
	if (nl) {
		size_t k = end;
		while (k < n && strchr(".,;:)!* \t\r", p[k]))
			k++;
		if (k < n && p[k] != '\n')
			return 0;
	}
	if (cur && !e->cur)
		e->cur = cur;
	e->period = per;
	e->end = end;
	return 1;
}

/*
 * Parse a money expression starting at p[i] (a currency marker or a
 * digit).  Returns 1 and fills *e.
 */
static int parse_expr(const char *p, size_t n, size_t i, struct expr *e)
{
	size_t j = i, t;
	memset(e, 0, sizeof *e);
	e->lo = e->hi = NAN;
	e->start = i;
	e->cur = currency_at(p, n, j, &t);
	if (e->cur)
		j = skip_blank(p, n, t, 0);
	if (!parse_number(p, n, j, &e->lo, &j))
		return 0;
	int k1 = k_suffix(p, n, &j);
	if (k1)
		e->lo *= 1000;
	e->end = j;
	e->hi = e->lo;

	/* a unit may follow the first figure: "$28/hr - $35/hr" */
	size_t u = skip_blank(p, n, j, 0), uend;
	enum salary_period per1 = parse_unit(p, n, u, &uend, 0);
	size_t after1 = per1 != PERIOD_NONE ? uend : j;

	/* the second figure of a range */
	t = skip_blank(p, n, after1, 1);
	size_t s = range_sep(p, n, t);
	if (s) {
		size_t q = skip_blank(p, n, s, 1), qe;
		const char *cur2 = currency_at(p, n, q, &qe);
		if (cur2)
			q = skip_blank(p, n, qe, 0);
		double hi;
		size_t hend;
		if ((!e->cur || !cur2 || e->cur == cur2) && parse_number(p, n, q, &hi, &hend)) {
			int k2 = k_suffix(p, n, &hend);
			if (k2)
				hi *= 1000;
			if (k2 && !k1 && e->lo < 1000)
				e->lo *= 1000;
			else if (k1 && !k2 && hi < 1000)
				hi *= 1000;
			e->hi = hi;
			e->range = 1;
			if (!e->cur)
				e->cur = cur2;
			j = hend;
			per1 = PERIOD_NONE;
			after1 = j;
		}
	}
	if (!e->range && per1 != PERIOD_NONE) {
		e->period = per1;
		e->end = after1;
		j = after1;
	}
	if (e->range || per1 == PERIOD_NONE) {
		if (!tail(p, n, j, 0, e) && line_tail_empty(p, n, j))
			tail(p, n, j, 1, e);   /* hard-wrapped: "... 237,000.00\nUSD Annual." */
	}
	return 1;
}

/* Guess a missing unit from the magnitude. */
static void infer_period(struct salary *s)
{
	if (s->period != PERIOD_NONE)
		return;
	double m = isnan(s->max) ? s->min : s->max;
	if (isnan(m))
		return;
	if (m < 300)
		s->period = PERIOD_HOUR;
	else if (m >= 20000)
		s->period = PERIOD_YEAR;
	else
		return;
	s->period_inferred = 1;
}

static void clear(struct salary *out)
{
	memset(out, 0, sizeof *out);
	out->min = out->max = NAN;
}

/* Lowercase copy of p[a..b) (at most cap-1 bytes, the end kept), NBSP as one space. */
static size_t lower_copy(const char *p, size_t a, size_t b, char *dst, size_t cap)
{
	if (b - a >= cap)
		a = b - (cap - 1);
	size_t k = 0;
	for (size_t i = a; i < b; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == 0xC2 && i + 1 < b && (unsigned char)p[i + 1] == 0xA0) {
			i++;
			c = ' ';
		}
		dst[k++] = (char)lower(c);
	}
	dst[k] = '\0';
	return k;
}

enum shape { SHAPE_AS_IS, SHAPE_MAX_ONLY, SHAPE_MIN_ONLY };

/* Does the text before an amount end in "up to", "starting at", ...? */
static enum shape shape_before(const char *low, size_t k)
{
	static const struct { const char *w; enum shape s; } tab[] = {
		{ "up to", SHAPE_MAX_ONLY }, { "as much as", SHAPE_MAX_ONLY },
		{ "maximum of", SHAPE_MAX_ONLY }, { "not to exceed", SHAPE_MAX_ONLY },
		{ "starting at", SHAPE_MIN_ONLY }, { "starting from", SHAPE_MIN_ONLY },
		{ "starts at", SHAPE_MIN_ONLY }, { "beginning at", SHAPE_MIN_ONLY },
		{ "minimum of", SHAPE_MIN_ONLY }, { "at least", SHAPE_MIN_ONLY },
		{ "from", SHAPE_MIN_ONLY }, { "starting", SHAPE_MIN_ONLY },
	};
	while (k > 0 && (low[k - 1] == ' ' || low[k - 1] == '*' || low[k - 1] == '_' ||
			 low[k - 1] == '`' || low[k - 1] == ':' || (unsigned char)low[k - 1] == 0xA0 ||
			 (unsigned char)low[k - 1] == 0xC2))
		k--;
	for (size_t t = 0; t < sizeof tab / sizeof tab[0]; t++) {
		size_t m = strlen(tab[t].w);
		if (k >= m && memcmp(low + k - m, tab[t].w, m) == 0 &&
		    (k == m || !is_alpha((unsigned char)low[k - m - 1])))
			return tab[t].s;
	}
	return SHAPE_AS_IS;
}

static void fill(const struct expr *e, enum shape sh, struct salary *out)
{
	clear(out);
	out->min = e->lo;
	out->max = e->hi;
	if (!e->range && sh == SHAPE_MAX_ONLY)
		out->min = NAN;
	else if (!e->range && sh == SHAPE_MIN_ONLY)
		out->max = NAN;
	out->period = e->period;
	infer_period(out);
	if (e->cur)
		memcpy(out->currency, e->cur, 4);
	out->start = e->start;
	out->end = e->end;
}

/* Can a money expression start at p[i]? */
static int expr_start(const char *p, size_t n, size_t i, size_t *unused)
{
	unsigned char c = (unsigned char)p[i];
	if (is_digit(c))
		return i == 0 || !(is_alnum((unsigned char)p[i - 1]) || p[i - 1] == '.' ||
				   p[i - 1] == ',' || p[i - 1] == '$');
	return currency_at(p, n, i, unused) != NULL;
}

int salary_parse(struct slice s, struct salary *out)
{
	clear(out);
	const char *p = s.p;
	size_t n = s.n, t;
	for (size_t i = 0; i < n; i++) {
		if (!expr_start(p, n, i, &t))
			continue;
		struct expr e;
		if (!parse_expr(p, n, i, &e) || !(e.lo > 0) || !(e.hi >= e.lo))
			continue;
		char low[64];
		size_t k = lower_copy(p, 0, i, low, sizeof low);
		fill(&e, shape_before(low, k), out);
		return 1;
	}
	return 0;
}

/* ---- finding the pay in prose ---- */

/* Last position in low[0..k) where word w starts a word (prefix match if pre), or -1. */
static long last_word(const char *low, size_t k, const char *w, int pre)
{
	size_t m = strlen(w);
	long best = -1;
	for (const char *q = low; (q = memmem(q, k - (size_t)(q - low), w, m)); q++) {
		size_t at = (size_t)(q - low);
		if (at > 0 && is_alpha((unsigned char)low[at - 1]))
			continue;
		if (!pre && at + m < k && is_alpha((unsigned char)low[at + m]))
			continue;
		best = (long)at;
	}
	return best;
}

struct cue {
	const char *w;
	int pre;     /* prefix match */
	int weight;
};

static const struct cue pay_cues[] = {
	{ "salar", 1, 4 }, { "pay", 0, 4 }, { "pays", 0, 4 }, { "wage", 1, 4 },
	{ "compensation", 0, 4 }, { "rate", 0, 3 }, { "rates", 0, 3 }, { "range", 0, 3 },
	{ "base", 0, 5 }, { "hourly", 0, 3 }, { "earn", 1, 3 }, { "offer", 0, 3 },
	{ "ote", 0, 3 }, { "\xF0\x9F\x92\xB0", 1, 4 }, /* money bag badge */
	{ "income", 0, 3 },
};

/* Words that make a nearby amount something other than pay. */
static const char *const before_distractors[] = {
	"tuition", "reimburs", "stipend", "allowance", "bonus", "401", "match",
	"commuter", "relocation", "hsa", "contribution", "referral", "revenue",
	"asset", "investment", "budget", "fund", "billion", "million", "transaction",
	"assistance", "sign-on", "signing", "discount", "valued", "worth", "saving",
	"raised", "grant", "scholarship", "fee", "price", "cost", "spend", "sales",
	"deductible", "premium", "loan", "equity", "donat", "award", "prize",
	"threshold", "limit", "credit", "wellness", "insurance", "per employee",
};

static const char *const after_distractors[] = {
	"bonus", "sign", "billion", "million", "thousand", "in annual", "in revenue",
	"in asset", "in transaction", "in funding", "in sales", "growth", "investment",
	"reimburs", "stipend", "allowance", "match", "budget", "company", "organization",
	"funding", "revenue", "relocation", "referral", "tuition", "toward", "credit",
	"bn", "mm", "m ", "b ",
};

static long last_of(const char *low, size_t k, const char *const *ws, size_t nw)
{
	long best = -1;
	for (size_t i = 0; i < nw; i++) {
		long at = last_word(low, k, ws[i], 1);
		if (at > best)
			best = at;
	}
	return best;
}

/* Start of the sentence (or line) that holds p[i], at most 240 bytes back. */
static size_t sentence_start(const char *p, size_t i)
{
	size_t lim = i > 240 ? i - 240 : 0;
	while (i > lim) {
		char c = p[i - 1];
		if (c == '\n')
			return i;
		if ((c == '.' || c == '!' || c == '?' || c == ';') && (p[i] == ' ' || p[i] == '\n') &&
		    i >= 2 && is_alpha((unsigned char)p[i - 2]))
			return i;
		i--;
	}
	return i;
}

/*
 * Score a candidate: < 0 rejects it.  Cue words before it in the same
 * sentence, a stated unit and a range raise the score; distractor words
 * (closer than any cue) or right after it reject it.
 */
static int score_candidate(const char *p, size_t n, const struct expr *e, enum shape *sh)
{
	char low[256], aft[48];
	size_t a = sentence_start(p, e->start);
	size_t k = lower_copy(p, a, e->start, low, sizeof low);
	size_t b = e->end, lim = e->end + 40 < n ? e->end + 40 : n;
	while (b < lim && p[b] != '\n')
		b++;
	size_t ka = lower_copy(p, e->end, b, aft, sizeof aft);
	/* only the first two words after the amount */
	size_t w = 0, words = 0;
	while (w < ka && words < 3) {
		while (w < ka && (aft[w] == ' ' || aft[w] == '*' || aft[w] == '_' || aft[w] == '`' ||
				  (unsigned char)aft[w] >= 0x80))
			w++;
		while (w < ka && aft[w] != ' ')
			w++;
		words++;
	}
	aft[w] = '\0';
	for (size_t i = 0; i < sizeof after_distractors / sizeof after_distractors[0]; i++) {
		const char *d = after_distractors[i];
		const char *q = strstr(aft, d);
		if (q && (q == aft || !is_alpha((unsigned char)q[-1])))
			return -1;
	}
	if (w < ka && aft[0] == '%')
		return -1;

	long dpos = last_of(low, k, before_distractors,
			    sizeof before_distractors / sizeof before_distractors[0]);
	long cpos = -1;
	int score = 0;
	for (size_t i = 0; i < sizeof pay_cues / sizeof pay_cues[0]; i++) {
		long at = last_word(low, k, pay_cues[i].w, pay_cues[i].pre);
		if (at >= 0) {
			if (at > cpos)
				cpos = at;
			if (pay_cues[i].weight > score)
				score = pay_cues[i].weight;
		}
	}
	if (dpos >= 0 && dpos > cpos)
		return -1;
	if (last_word(low, k, "total", 0) >= 0)
		score -= 3;
	*sh = shape_before(low, k);
	if (score <= 0 && !e->range && e->period == PERIOD_NONE)
		return -1;
	if (score <= 0)
		score = 1;
	if (e->period != PERIOD_NONE)
		score++;
	if (e->range)
		score++;
	return score;
}

/* Is the amount plausible as pay in its unit? */
static int plausible(const struct salary *s)
{
	double m = isnan(s->max) ? s->min : s->max;
	if (!(m > 0))
		return 0;
	if (!isnan(s->min) && !isnan(s->max) && s->max < s->min)
		return 0;
	switch (s->period) {
	case PERIOD_HOUR: return m >= 5 && m <= 2000;
	case PERIOD_DAY: return m >= 20 && m <= 20000;
	case PERIOD_WEEK: return m >= 100 && m <= 50000;
	case PERIOD_MONTH: return m >= 300 && m <= 200000;
	case PERIOD_YEAR: return m >= 5000 && m <= 50000000;
	default: return m >= 300;
	}
}

int salary_find(struct slice text, struct salary *out)
{
	const char *p = text.p;
	size_t n = text.n, t;
	int best = -1;
	clear(out);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (!(c == '$' || is_digit(c) || c == 'U' || c == 'C' || c == 'E' || c == 'G' ||
		      c == 0xE2 || c == 0xC2))
			continue;
		if (!expr_start(p, n, i, &t))
			continue;
		struct expr e;
		if (!parse_expr(p, n, i, &e)) {
			continue;
		}
		if (!e.cur) {
			/* bare figures are not money; skip the whole number */
			i = e.end > i ? e.end - 1 : i;
			continue;
		}
		enum shape sh = SHAPE_AS_IS;
		int sc = score_candidate(p, n, &e, &sh);
		if (sc > best) {
			struct salary cand;
			fill(&e, sh, &cand);
			if (plausible(&cand)) {
				best = sc;
				*out = cand;
			}
		}
		i = e.end > i ? e.end - 1 : i;
	}
	return best >= 0;
}

void salary_annual(const struct salary *s, double *annual_min, double *annual_max)
{
	double m = s->period == PERIOD_NONE ? NAN : salary_period_per_year(s->period);
	*annual_min = s->min * m;
	*annual_max = s->max * m;
}

static const struct salary_band_def default_bands[] = {
	{ 0, "under-50k" }, { 50000, "50k-75k" }, { 75000, "75k-100k" },
	{ 100000, "100k-150k" }, { 150000, "150k-200k" }, { 200000, "200k-plus" },
};

const struct salary_bands salary_default_bands = {
	default_bands, sizeof default_bands / sizeof default_bands[0]
};

const char *salary_band(double annual_min, double annual_max,
			const struct salary_bands *bands)
{
	if (!bands)
		bands = &salary_default_bands;
	double v;
	if (!isnan(annual_min) && !isnan(annual_max))
		v = (annual_min + annual_max) / 2;
	else if (!isnan(annual_min))
		v = annual_min;
	else if (!isnan(annual_max))
		v = annual_max;
	else
		return "not-disclosed";
	if (bands->n == 0)
		return "not-disclosed";
	const char *slug = bands->v[0].slug;
	for (size_t i = 0; i < bands->n; i++)
		if (v >= bands->v[i].lower)
			slug = bands->v[i].slug;
	return slug;
}
