/*
 * t_fields - the field parsers against table-driven cases and the seeds.
 *
 *   t_fields                 run tests/data/{salary,location,dates,jobtype}.txt
 *                            and the seed postings (run from the tree root)
 *   t_fields --emit FILE...  print one JSON line per prepared posting with
 *                            what the parsers found (tests/t-fields-corpus.sh)
 *
 * Data files: one case per line, "input => expected" (or input TAB
 * expected), '#' starts a comment line, "\n" in the input is a line break.
 * An input prefixed "find: " is given to the *_find function (a whole
 * posting), otherwise to *_parse (a value); in jobtype.txt "workplace: "
 * and "wpfind: " select workplace_parse and workplace_find.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dates.h"
#include "geo.h"
#include "jobtype.h"
#include "posting.h"
#include "salary.h"
#include "tap.h"
#include "util.h"

/* ---- reading the data files ---- */

struct tcase {
	char input[4096];
	char expect[512];
	int find;        /* 1 find:, 2 workplace:, 3 wpfind: */
	unsigned line;
};

static int starts(const char *s, const char *pfx)
{
	return strncmp(s, pfx, strlen(pfx)) == 0;
}

/* Split one data line; 0 for blank and comment lines. */
static int split_case(char *ln, unsigned lineno, struct tcase *c)
{
	size_t n = strlen(ln);
	while (n && (ln[n - 1] == '\n' || ln[n - 1] == '\r'))
		ln[--n] = '\0';
	if (n == 0 || ln[0] == '#')
		return 0;
	char *sep = strstr(ln, " => ");
	size_t seplen = 4;
	if (!sep) {
		sep = strrchr(ln, '\t');
		seplen = 1;
	}
	if (!sep)
		return -1;
	*sep = '\0';
	const char *in = ln;
	c->find = 0;
	if (starts(in, "find: "))
		c->find = 1, in += 6;
	else if (starts(in, "workplace: "))
		c->find = 2, in += 11;
	else if (starts(in, "wpfind: "))
		c->find = 3, in += 8;
	size_t k = 0;
	for (const char *q = in; *q && k + 1 < sizeof c->input; q++) {
		if (q[0] == '\\' && q[1] == 'n') {
			c->input[k++] = '\n';
			q++;
		} else {
			c->input[k++] = *q;
		}
	}
	c->input[k] = '\0';
	snprintf(c->expect, sizeof c->expect, "%s", sep + seplen);
	c->line = lineno;
	return 1;
}

typedef void (*case_fn)(const char *file, const struct tcase *c);

static unsigned run_file(const char *dir, const char *name, case_fn fn)
{
	char *path = path_join(dir, name);
	FILE *f = fopen(path, "r");
	unsigned count = 0;
	if (!f) {
		CHECK(0, "cannot open '%s'", path);
		free(path);
		return 0;
	}
	char ln[8192];
	unsigned lineno = 0, before = tap_fail;
	struct tcase c;
	while (fgets(ln, sizeof ln, f)) {
		lineno++;
		int r = split_case(ln, lineno, &c);
		if (r < 0)
			CHECK(0, "%s:%u: no ' => ' separator", name, lineno);
		if (r <= 0)
			continue;
		fn(name, &c);
		count++;
	}
	fclose(f);
	printf("%s: %u cases, %u failed\n", name, count, tap_fail - before);
	free(path);
	return count;
}

/* ---- formatting results ---- */

static void fmt_num(char *dst, size_t cap, double v)
{
	if (isnan(v))
		snprintf(dst, cap, "null");
	else
		snprintf(dst, cap, "%.10g", v);
}

static void fmt_salary(char *dst, size_t cap, const struct salary *s)
{
	char a[32], b[32];
	fmt_num(a, sizeof a, s->min);
	fmt_num(b, sizeof b, s->max);
	const char *per = salary_period_name(s->period);
	snprintf(dst, cap, "%s %s %s%s%s%s", a, b, per ? per : "null",
		 s->period_inferred ? " inferred" : "",
		 s->currency[0] && strcmp(s->currency, "USD") != 0 ? " cur=" : "",
		 s->currency[0] && strcmp(s->currency, "USD") != 0 ? s->currency : "");
}

static void fmt_location(char *dst, size_t cap, const struct location *l)
{
	struct buf b = BUF_INIT;
	if (l->city[0])
		buf_printf(&b, "city=%s; ", l->city);
	if (l->state[0])
		buf_printf(&b, "state=%s; ", l->state);
	if (l->workplace)
		buf_printf(&b, "wp=%s; ", workplace_name(l->workplace));
	if (l->remote_us)
		buf_puts(&b, "us=1; ");
	if (l->foreign)
		buf_puts(&b, "foreign=1; ");
	if (b.n >= 2)
		buf_truncate(&b, b.n - 2);
	snprintf(dst, cap, "%s", b.n ? buf_cstr(&b) : "none");
	buf_release(&b);
}

/* ---- the four tables ---- */

static void salary_case(const char *file, const struct tcase *c)
{
	struct salary s;
	struct slice in = slice_from(c->input);
	int ok = c->find ? salary_find(in, &s) : salary_parse(in, &s);
	char got[256];
	if (ok)
		fmt_salary(got, sizeof got, &s);
	else
		snprintf(got, sizeof got, "none");
	CHECK_STR(got, c->expect, "%s:%u: '%s'", file, c->line, c->input);
}

static void location_case(const char *file, const struct tcase *c)
{
	struct location l;
	struct slice in = slice_from(c->input);
	int ok = c->find ? location_find(in, &l) : location_parse(in, &l);
	char got[256];
	if (ok)
		fmt_location(got, sizeof got, &l);
	else
		snprintf(got, sizeof got, "none");
	CHECK_STR(got, c->expect, "%s:%u: '%s'", file, c->line, c->input);
}

static void date_case(const char *file, const struct tcase *c)
{
	char out[11];
	struct slice in = slice_from(c->input);
	int ok = c->find ? date_find(in, out) : date_parse(in, out);
	CHECK_STR(ok ? out : "none", c->expect, "%s:%u: '%s'", file, c->line, c->input);
}

static void jobtype_case(const char *file, const struct tcase *c)
{
	struct slice in = slice_from(c->input);
	const char *got;
	switch (c->find) {
	case 0: got = employment_type_name(employment_type_parse(in)); break;
	case 1: got = employment_type_name(employment_type_find(in)); break;
	case 2: got = workplace_name(workplace_parse(in)); break;
	default: got = workplace_name(workplace_find(in)); break;
	}
	CHECK_STR(got ? got : "none", c->expect, "%s:%u: '%s'", file, c->line, c->input);
}

/* ---- direct checks ---- */

static void test_tables(void)
{
	CHECK_STR(geo_state_code(SLICE_LIT("Florida")), "FL", "state name");
	CHECK_STR(geo_state_code(SLICE_LIT("fl")), "FL", "code any case");
	CHECK_STR(geo_state_code(SLICE_LIT("Fla.")), "FL", "AP abbreviation");
	CHECK_STR(geo_state_code(SLICE_LIT("District of Columbia")), "DC", "DC");
	CHECK_STR(geo_state_code(SLICE_LIT("D.C.")), "DC", "D.C.");
	CHECK_STR(geo_state_code(SLICE_LIT("N.Y.")), "NY", "N.Y.");
	CHECK_STR(geo_state_code(SLICE_LIT("Ontario")), NULL, "not a state");
	CHECK_STR(geo_state_name("WV"), "West Virginia", "state name of code");
	CHECK_STR(geo_state_name("ZZ"), NULL, "unknown code");
	CHECK_STR(geo_city_state(SLICE_LIT("Atlanta")), "GA", "city");
	CHECK_STR(geo_city_state(SLICE_LIT("st. louis")), "MO", "St. Louis");
	CHECK_STR(geo_city_state(SLICE_LIT("Saint Louis")), "MO", "Saint Louis");
	CHECK_STR(geo_city_state(SLICE_LIT("Ft. Worth")), "TX", "Ft. Worth");
	CHECK_STR(geo_city_state(SLICE_LIT("Portland")), NULL, "ambiguous city");
	CHECK_STR(geo_city_state(SLICE_LIT("Kansas City")), NULL, "ambiguous city");
	CHECK_STR(geo_city_state(SLICE_LIT("Gotham")), NULL, "unknown city");
	CHECK(geo_city_in_state(SLICE_LIT("Portland"), "ME"), "Portland, ME known");
	CHECK(!geo_city_in_state(SLICE_LIT("Portland"), "TX"), "no Portland, TX");

	CHECK_STR(salary_band(125000, 140000, NULL), "100k-150k", "midpoint band");
	CHECK_STR(salary_band(NAN, 90000, NULL), "75k-100k", "max only");
	CHECK_STR(salary_band(50000, NAN, NULL), "50k-75k", "lower bound inclusive");
	CHECK_STR(salary_band(49999, NAN, NULL), "under-50k", "under");
	CHECK_STR(salary_band(200000, 270000, NULL), "200k-plus", "plus");
	CHECK_STR(salary_band(NAN, NAN, NULL), "not-disclosed", "none");
	static const struct salary_band_def two[] = { { 0, "low" }, { 60000, "high" } };
	const struct salary_bands custom = { two, 2 };
	CHECK_STR(salary_band(50000, 80000, &custom), "high", "custom bands");

	struct salary s;
	double amin, amax;
	CHECK(salary_parse(SLICE_LIT("$25.50 - $32.00 per hour"), &s), "hourly parses");
	salary_annual(&s, &amin, &amax);
	CHECK(amin == 25.5 * 2080 && amax == 32 * 2080, "annualized %g %g", amin, amax);
	CHECK(s.start == 0 && s.end == 24, "span %zu %zu", s.start, s.end);
	CHECK_STR(s.currency, "USD", "currency");
}

/* ---- the seed postings ---- */

/* A crude text of a seed: tags dropped, block ends as line breaks, a few entities. */
static void crude_text(const char *p, size_t n, struct buf *out)
{
	static const char *const blocks[] = { "</p", "<br", "</li", "</div", "</h", "<li", "<p", "<div" };
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '<') {
			const char *gt = memchr(p + i, '>', n - i);
			if (!gt)
				break;
			for (size_t k = 0; k < ARRAY_SIZE(blocks); k++)
				if ((size_t)(gt - p - i) >= strlen(blocks[k]) &&
				    ascii_ncasecmp(p + i, blocks[k], strlen(blocks[k])) == 0) {
					buf_putc(out, '\n');
					break;
				}
			i = (size_t)(gt - p);
		} else if (p[i] == '&') {
			static const struct { const char *e, *r; } ents[] = {
				{ "&amp;", "&" }, { "&nbsp;", " " }, { "&#39;", "'" }, { "&rsquo;", "'" },
				{ "&ndash;", "-" }, { "&lt;", "<" }, { "&gt;", ">" },
			};
			size_t k;
			for (k = 0; k < ARRAY_SIZE(ents); k++)
				if (ascii_ncasecmp(p + i, ents[k].e, strlen(ents[k].e)) == 0)
					break;
			if (k < ARRAY_SIZE(ents)) {
				buf_puts(out, ents[k].r);
				i += strlen(ents[k].e) - 1;
			} else {
				buf_putc(out, '&');
			}
		} else {
			buf_putc(out, p[i]);
		}
	}
}

struct seed_want {
	const char *prefix;
	const char *salary;      /* fmt_salary without the inferred flag, or "none" */
	const char *state, *city;
	enum workplace workplace;
};

static void test_seeds(const char *shared)
{
	static const struct seed_want want[] = {
		{ "000_", "125000 140000 year", "FL", NULL, WORKPLACE_REMOTE },
		{ "001_", "none", "FL", NULL, WORKPLACE_NONE },
		{ "002_", "90000 115000 year", "GA", "Atlanta", WORKPLACE_HYBRID },
		{ "003_", "100000 200000 year", NULL, NULL, WORKPLACE_NONE },
		{ "004_", "none", "MD", NULL, WORKPLACE_NONE },
	};
	static const char *const files[] = {
		"000_02d64583221577ce.txt", "001_bf3b61492bb989c4.txt", "002_694c3f71bd0eb2fb.txt",
		"003_a4b918df8e3fee65.txt", "004_c0eef2d498d7fd84.txt",
	};
	unsigned before = tap_fail;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char *dir = path_join(shared, "seeds");
		char *path = path_join(dir, files[i]);
		struct buf raw = BUF_INIT, text = BUF_INIT;
		if (read_file(path, &raw, 0) != 0) {
			CHECK(0, "cannot read '%s'", path);
			free(dir);
			free(path);
			continue;
		}
		crude_text(raw.p, raw.n, &text);
		struct slice t = buf_slice(&text);
		struct salary s;
		char got[256] = "none";
		if (salary_find(t, &s)) {
			fmt_salary(got, sizeof got, &s);
			char *inf = strstr(got, " inferred");
			if (inf)
				*inf = '\0';
		}
		CHECK_STR(got, want[i].salary, "seed %s salary", files[i]);
		struct location l;
		int found = location_find(t, &l);
		CHECK_STR(found && l.state[0] ? l.state : NULL, want[i].state, "seed %s state", files[i]);
		CHECK_STR(found && l.city[0] ? l.city : NULL, want[i].city, "seed %s city", files[i]);
		enum workplace w = found && l.workplace ? l.workplace : workplace_find(t);
		CHECK_STR(workplace_name(w), workplace_name(want[i].workplace), "seed %s workplace",
			  files[i]);
		buf_release(&raw);
		buf_release(&text);
		free(dir);
		free(path);
	}
	printf("seeds: %zu postings, %u failed\n", ARRAY_SIZE(files), tap_fail - before);
}

/* ---- --emit: the parsers over prepared corpus files ---- */

/*
 * A prepared file (tests/t-fields-corpus.sh) is the posting's crude text,
 * preceded by its front matter as "key<TAB>value" lines and a line "--".
 */
static const char *fm_get(struct slice fm, const char *key, size_t *len)
{
	size_t kl = strlen(key);
	for (size_t a = 0; a < fm.n;) {
		const char *nl = memchr(fm.p + a, '\n', fm.n - a);
		size_t e = nl ? (size_t)(nl - fm.p) : fm.n;
		if (e - a > kl && memcmp(fm.p + a, key, kl) == 0 && fm.p[a + kl] == '\t') {
			*len = e - a - kl - 1;
			return fm.p + a + kl + 1;
		}
		a = e + 1;
	}
	return NULL;
}

static void json_str(struct buf *b, const char *s)
{
	if (!s || !*s) {
		buf_puts(b, "null");
		return;
	}
	buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_putc(b, '\\');
		if ((unsigned char)*s >= 0x20)
			buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

static void json_num(struct buf *b, double v)
{
	if (isnan(v))
		buf_puts(b, "null");
	else
		buf_printf(b, "%.10g", v);
}

static void emit_one(const char *path, struct buf *out)
{
	struct buf raw = BUF_INIT;
	if (read_file(path, &raw, 0) != 0) {
		fprintf(stderr, "cannot read '%s'\n", path);
		return;
	}
	struct slice all = buf_slice(&raw), fm = { all.p, 0 }, body = all;
	const char *sep = strstr(all.p, "\n--\n");
	if (sep) {
		fm.n = (size_t)(sep - all.p) + 1;
		body = (struct slice){ sep + 4, all.n - fm.n - 3 };
	}
	size_t vl;
	const char *v;

	struct salary s;
	int have_sal = 0;
	if ((v = fm_get(fm, "salary", &vl)))
		have_sal = salary_parse((struct slice){ v, vl }, &s);
	else if (fm_get(fm, "salary_min", &vl) || fm_get(fm, "salary_max", &vl))
		have_sal = -1;   /* numeric front matter: the loader's business */
	else
		have_sal = salary_find(body, &s);

	struct location l;
	memset(&l, 0, sizeof l);
	int have_loc = 0;
	if ((v = fm_get(fm, "location", &vl)) && vl)
		have_loc = location_parse((struct slice){ v, vl }, &l);
	else if (fm_get(fm, "city", &vl) || fm_get(fm, "state", &vl))
		have_loc = -1;
	else
		have_loc = location_find(body, &l);
	enum workplace w = l.workplace;
	if ((v = fm_get(fm, "workplace", &vl)))
		w = workplace_parse((struct slice){ v, vl });
	else if ((v = fm_get(fm, "remote", &vl)) && vl == 4 && memcmp(v, "true", 4) == 0)
		w = WORKPLACE_REMOTE;
	if (w == WORKPLACE_NONE)
		w = workplace_find(body);

	enum employment_type et;
	if ((v = fm_get(fm, "employment_type", &vl)))
		et = employment_type_parse((struct slice){ v, vl });
	else
		et = employment_type_find(body);

	char date[11] = "";
	if ((v = fm_get(fm, "date", &vl)) || (v = fm_get(fm, "date_posted", &vl))) {
		if (!date_parse((struct slice){ v, vl }, date))
			date[0] = '\0';
	} else if (!date_find(body, date)) {
		date[0] = '\0';
	}

	const char *base = strrchr(path, '/');
	buf_puts(out, "{\"file\":");
	json_str(out, base ? base + 1 : path);
	if (have_sal >= 0) {
		if (!have_sal) {
			s.min = s.max = NAN;
			s.period = PERIOD_NONE;
		}
		buf_puts(out, ",\"salary_min\":");
		json_num(out, s.min);
		buf_puts(out, ",\"salary_max\":");
		json_num(out, s.max);
		buf_puts(out, ",\"salary_period\":");
		json_str(out, salary_period_name(s.period));
	}
	if (have_loc >= 0) {
		buf_puts(out, ",\"city\":");
		json_str(out, l.city);
		buf_puts(out, ",\"state\":");
		json_str(out, l.state);
	}
	buf_puts(out, ",\"workplace\":");
	json_str(out, workplace_name(w));
	buf_puts(out, ",\"employment_type\":");
	json_str(out, employment_type_name(et));
	buf_puts(out, ",\"date_posted\":");
	json_str(out, date);
	buf_puts(out, "}\n");
	buf_release(&raw);
}

static int emit(int argc, char **argv)
{
	struct buf out = BUF_INIT;
	for (int i = 2; i < argc; i++) {
		emit_one(argv[i], &out);
		if (out.n > 1 << 16) {
			fwrite(out.p, 1, out.n, stdout);
			buf_reset(&out);
		}
	}
	fwrite(out.p ? out.p : "", 1, out.n, stdout);
	buf_release(&out);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--emit") == 0)
		return emit(argc, argv);
	const char *data = getenv("FIELDS_DATA") ? getenv("FIELDS_DATA") : "tests/data";
	const char *shared = getenv("SHARED") ? getenv("SHARED") : "../shared";
	unsigned n = 0;
	test_tables();
	n += run_file(data, "salary.txt", salary_case);
	n += run_file(data, "location.txt", location_case);
	n += run_file(data, "dates.txt", date_case);
	n += run_file(data, "jobtype.txt", jobtype_case);
	CHECK(n >= 150, "at least 150 table cases (%u)", n);
	test_seeds(shared);
	return test_done();
}
