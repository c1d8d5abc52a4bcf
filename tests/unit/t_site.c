/*
 * t_site.c - the site model, page formatting, JSON-LD and the template data
 * adapter, on postings built by hand.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "jobfmt.h"
#include "mdata_site.h"
#include "schemaorg.h"
#include "site.h"
#include "tap.h"
#include "util.h"

static struct posting *mk(struct posting_list *l, const char *src, const char *id,
			  const char *title, const char *employer, const char *state,
			  const char *date)
{
	struct posting *p = posting_new(src);
	p->id = xstrdup(id);
	p->title = xstrdup(title);
	if (employer)
		p->employer = xstrdup(employer);
	if (state)
		snprintf(p->state, sizeof p->state, "%s", state);
	if (date) /* "" too: not 11 bytes to copy */
		snprintf(p->date_posted, sizeof p->date_posted, "%s", date);
	p->description_html = xstrdup("<p>Do the work.</p>");
	p->description_text = xstrdup("Do the work.");
	posting_list_push(l, p);
	return p;
}

static const char *salary(struct posting *p, double lo, double hi, enum salary_period per)
{
	static struct buf b;
	buf_reset(&b);
	p->salary_min = lo;
	p->salary_max = hi;
	p->salary_period = per;
	free(p->salary_currency);
	p->salary_currency = xstrdup("USD");
	jobfmt_salary(&b, p);
	return buf_cstr(&b);
}

static void test_format(void)
{
	struct posting *p = posting_new("x");
	CHECK_STR(salary(p, 125000, 140000, PERIOD_YEAR), "$125,000 – $140,000 a year", "year range");
	CHECK_STR(salary(p, 25.5, 32, PERIOD_HOUR), "$25.50 – $32.00 an hour", "hourly cents");
	CHECK_STR(salary(p, NAN, 90000, PERIOD_YEAR), "Up to $90,000 a year", "up to");
	CHECK_STR(salary(p, 60000, NAN, PERIOD_YEAR), "From $60,000 a year", "from");
	CHECK_STR(salary(p, 5000, 5000, PERIOD_MONTH), "$5,000 a month", "single amount");
	struct {
		double v;
		int cents;
		const char *want;
	} money[] = {
		{ 0, 0, "$0" }, { 999, 0, "$999" }, { 1000, 0, "$1,000" },
		{ 1234567.891, 1, "$1,234,567.89" }, { 12.999, 1, "$12.99" },
		{ 999999999999999, 0, "$999,999,999,999,999" },
		{ 1e16, 0, "$10,000,000,000,000,000" }, /* past the integer path */
	};
	for (size_t i = 0; i < sizeof money / sizeof money[0]; i++) {
		struct buf m = BUF_INIT;
		jobfmt_money(&m, money[i].v, "USD", money[i].cents);
		CHECK_STR(buf_cstr(&m), money[i].want, "money %zu", i);
		buf_release(&m);
	}
	struct buf b = BUF_INIT;
	p->salary_min = p->salary_max = NAN;
	CHECK(jobfmt_salary(&b, p) == 0 && b.n == 0, "no pay, no text");
	jobfmt_date(&b, "2024-03-01");
	CHECK_STR(buf_cstr(&b), "March 1, 2024", "date");
	CHECK(jobfmt_http_url("https://a.example/x"), "https ok");
	CHECK(!jobfmt_http_url("javascript:alert(1)"), "javascript: refused");
	CHECK(!jobfmt_http_url("//evil.example"), "scheme-relative refused");
	buf_reset(&b);
	jobfmt_summary(&b, "  one  two\n three four five ", 9);
	CHECK_STR(buf_cstr(&b), "one two…", "summary folds and cuts at a word");
	buf_release(&b);
	posting_free(p);
}

/* XML text as jobfmt_xml() must make it: the five entities, control
 * characters other than tab, newline and CR dropped, the rest as is. */
static void xml_reference(struct buf *out, const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		switch (*c) {
		case '&': buf_puts(out, "&amp;"); break;
		case '<': buf_puts(out, "&lt;"); break;
		case '>': buf_puts(out, "&gt;"); break;
		case '"': buf_puts(out, "&quot;"); break;
		case '\'': buf_puts(out, "&#39;"); break;
		default:
			if (*c >= 0x20 || *c == '\t' || *c == '\n' || *c == '\r')
				buf_putc(out, *c);
		}
	}
}

static void test_putu(void)
{
	unsigned long long v[] = { 0, 7, 10, 1234567890, 18446744073709551615ull };
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		struct buf got = BUF_INIT;
		char want[32];
		snprintf(want, sizeof want, "%llu", v[i]);
		buf_puts(&got, "n=");
		buf_putu(&got, v[i]);
		CHECK(!strcmp(buf_cstr(&got) + 2, want) && !strncmp(buf_cstr(&got), "n=", 2),
		      "buf_putu(%s) appends it as %%llu does", want);
		buf_release(&got);
	}
}

static void test_xml(void)
{
	struct buf got = BUF_INIT, want = BUF_INIT;
	char all[256];
	for (int i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	jobfmt_xml(&got, all);
	xml_reference(&want, all);
	CHECK(got.n == want.n && !memcmp(got.p, want.p, got.n), "every byte value escaped as the reference does");
	/* appends, and only ever grows what is there */
	buf_reset(&got);
	buf_puts(&got, "kept:");
	jobfmt_xml(&got, "<p class=\"x\">Tom & Jerry's</p>");
	CHECK_STR(buf_cstr(&got), "kept:&lt;p class=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/p&gt;",
		  "appended to what the buffer held");
	jobfmt_xml(&got, NULL);
	jobfmt_xml(&got, "");
	CHECK(got.n == strlen(buf_cstr(&got)), "NULL and empty add nothing");
	unsigned seed = 7;
	int same = 1;
	for (int round = 0; round < 2000 && same; round++) {
		char s[200];
		size_t n = 1 + (size_t)round % 199;
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			unsigned r = (seed >> 16) & 0xff;
			s[i] = (char)(r ? r : 'a');
		}
		s[n] = '\0';
		buf_reset(&got);
		buf_reset(&want);
		jobfmt_xml(&got, s);
		xml_reference(&want, s);
		same = got.n == want.n && !memcmp(got.p, want.p, got.n);
	}
	CHECK(same, "2,000 random strings escaped as the reference does");
	buf_release(&got);
	buf_release(&want);
}

static void test_model(void)
{
	struct posting_list l = { 0 };
	struct diag d;
	diag_init(&d, NULL);
	mk(&l, "c/1.md", "nurse", "Nurse", "Acme", "FL", "2024-01-01");
	mk(&l, "c/2.md", "nurse", "Nurse", "Beta", "GA", "2024-03-01");
	mk(&l, "c/3.md", "clerk", "Clerk", "acme", NULL, NULL);
	struct posting *dup = mk(&l, "c/4.md", "nurse", "Nurse", "Acme", "FL", "2024-01-01"); /* of 1 */
	struct posting *old = mk(&l, "c/5.md", "old", "Old job", "Zed", "TX", "2023-01-01");
	memcpy(old->valid_through, "2023-02-01", 11);
	struct posting *r = mk(&l, "c/6.md", "remote", "Remote job", "Beta", "FL", "2024-02-01");
	r->workplace = WORKPLACE_REMOTE;
	struct site *s = site_build(&l, band_default(), "2024-06-01", &d);
	CHECK(s->njobs == 5, "duplicate dropped: %zu jobs", s->njobs);
	CHECK(s->nduplicates == 1 && d.warnings == 1, "duplicate reported");
	CHECK(dup->nwarnings == 0, "the model leaves the postings as they are");
	site_mark_duplicates(s);
	CHECK(dup->nwarnings == 1 && !strcmp(dup->warnings[0].kind, "duplicate posting") &&
	      strstr(dup->warnings[0].message, "c/1.md"),
	      "then the duplicate's warning names the first: %s",
	      dup->nwarnings ? dup->warnings[0].message : "(none)");
	CHECK_STR(s->jobs[0].p->source, "c/2.md", "newest first");
	CHECK_STR(s->jobs[1].p->source, "c/6.md", "then older");
	CHECK_STR(s->jobs[4].p->source, "c/3.md", "undated last");
	CHECK_STR(s->jobs[0].slug, "nurse", "first keeps the slug");
	CHECK_STR(s->jobs[2].slug, "nurse-2", "collision gets -2");
	CHECK(s->jobs[3].closed && s->open.n == 4, "expired posting closed");
	CHECK(s->nemployers == 3, "employers grouped by slug (Acme/acme): %zu", s->nemployers);
	CHECK_STR(s->employers[0].name, "Acme", "A to Z");
	CHECK(s->employers[0].jobs.n == 2, "acme has 2 open jobs");
	CHECK(s->employers[2].jobs.n == 0, "Zed's only job is closed");
	long fl = -1;
	for (size_t i = 0; i < s->nstates; i++)
		if (s->states[i].code && !strcmp(s->states[i].code, "FL"))
			fl = (long)i;
	CHECK(fl >= 0 && !strcmp(s->states[fl].name, "Florida") && !strcmp(s->states[fl].slug, "fl"),
	      "state group with full name, lowercase slug");
	CHECK(fl >= 0 && s->states[fl].jobs.n == 2, "remote FL job listed under Florida too");
	CHECK(s->state_remote >= 0 && s->states[s->state_remote].jobs.n == 1, "remote group");
	CHECK(s->state_none >= 0 && s->states[s->state_none].jobs.n == 1, "location not stated");
	CHECK(s->bands[s->nbands - 1].jobs.n == 4, "not disclosed band");
	struct buf b = BUF_INIT;
	site_group_path(&b, "states", &s->states[fl], 3);
	CHECK_STR(buf_cstr(&b), "states/fl/page/3/", "paginated path");
	buf_reset(&b);
	site_link(&b, "../../", "employers/acme/", 1);
	CHECK_STR(buf_cstr(&b), "../../employers/acme/index.html", "link with index.html");
	buf_reset(&b);
	site_link(&b, "", "", 0);
	CHECK_STR(buf_cstr(&b), "./", "home from home");
	buf_reset(&b);
	site_root(&b, "jobs/x/");
	CHECK_STR(buf_cstr(&b), "../../", "root from depth 2");

	/* JSON-LD: required properties, TELECOMMUTE for remote, and script-safe text. */
	struct site_job *rj = &s->jobs[1];
	free(rj->p->description_html);
	rj->p->description_html = xstrdup("<p>a</p></script><script>x\xe2\x80\xa8</p>");
	buf_reset(&b);
	const char *why = NULL;
	CHECK(schemaorg_jobposting(&b, s, rj, "Site", "https://x.example/jobs/remote/", &why) == 0,
	      "JSON-LD written: %s", why ? why : "");
	CHECK(!strchr(buf_cstr(&b), '<') && !strchr(buf_cstr(&b), '>'), "no < or > in JSON-LD");
	CHECK(strstr(buf_cstr(&b), "\\u003c/script\\u003e") != NULL, "</script> escaped");
	CHECK(strstr(buf_cstr(&b), "\\u2028") != NULL, "U+2028 escaped");
	CHECK(strstr(buf_cstr(&b), "\"jobLocationType\":\"TELECOMMUTE\"") != NULL, "telecommute");
	CHECK(strstr(buf_cstr(&b), "\"applicantLocationRequirements\":{\"@type\":\"State\",\"name\":\"Florida\"}") != NULL,
	      "applicant location");
	/* the JSON parses back to the very strings and numbers (jansson reads it) */
	struct posting *fp = s->jobs[0].p;
	static const char tricky[] = "Nurse \"RN\" C:\\path\ttab\nline\x01\x1f\x7f <b>&amp; "
				     "caf\xc3\xa9 \xe2\x80\xa9 \xf0\x9f\x8e\x89";
	free(fp->title);
	fp->title = xstrdup(tricky);
	fp->salary_min = 25.3;
	fp->salary_max = 1e21;
	fp->salary_period = PERIOD_HOUR;
	free(fp->salary_currency);
	fp->salary_currency = xstrdup("USD");
	buf_reset(&b);
	CHECK(schemaorg_jobposting(&b, s, &s->jobs[0], "Site \"S\"", NULL, &why) == 0, "JSON-LD for tricky text");
	json_error_t jerr;
	json_t *j = json_loads(buf_cstr(&b), 0, &jerr);
	CHECK(j != NULL, "JSON-LD parses: %s", j ? "" : jerr.text);
	CHECK_STR(json_string_value(json_object_get(j, "title")), tricky, "title back as it was");
	json_t *q = json_object_get(json_object_get(j, "baseSalary"), "value");
	CHECK(json_real_value(json_object_get(q, "minValue")) == 25.3, "25.3 back exactly");
	CHECK(json_number_value(json_object_get(q, "maxValue")) == 1e21, "1e21 back exactly");
	CHECK_STR(json_string_value(json_object_get(q, "unitText")), "HOUR", "unit");
	CHECK_STR(json_string_value(json_object_get(json_object_get(j, "identifier"), "name")),
		  "Site \"S\"", "identifier name");
	CHECK(!strchr(buf_cstr(&b), '<') && !strchr(buf_cstr(&b), '&') &&
	      !strstr(buf_cstr(&b), "\xe2\x80\xa9"), "script-safe");
	json_decref(j);
	/* a string that is not UTF-8 is left out, member and key, as jansson
	 * leaves it out; the rest of the block is still valid JSON */
	static const char *const bad[] = {
		"Nurse \xed\xa0\x80 surrogate", "Nurse \xc0\xaf overlong", "Nurse \xe2\x82",
		"\xf4\x90\x80\x80 above U+10FFFF", "caf\xc3\xa9 then \xff",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		free(fp->title);
		fp->title = xstrdup(bad[i]);
		buf_reset(&b);
		CHECK(schemaorg_jobposting(&b, s, &s->jobs[0], "Site", NULL, &why) == 0,
		      "JSON-LD with a title that is not UTF-8 (%zu)", i);
		j = json_loads(buf_cstr(&b), 0, &jerr);
		CHECK(j && !json_object_get(j, "title") && json_object_get(j, "description"),
		      "title left out, JSON still parses (%zu): %s", i, j ? "" : jerr.text);
		json_decref(j);
	}
	buf_reset(&b);
	CHECK(schemaorg_jobposting(&b, s, &s->jobs[4], "Site", NULL, &why) < 0 && b.n == 0,
	      "no JSON-LD without a date");
	CHECK(schemaorg_jobposting(&b, s, &s->jobs[3], "Site", NULL, &why) < 0, "none when closed");
	buf_release(&b);
	site_free(s);
	posting_list_release(&l);
	diag_release(&d);
}

static void test_mdata(void)
{
	struct mdata *m = mdata_new();
	struct mv *root = mv_obj(m), *page = mv_obj(m), *list = mv_list(m);
	mv_str(m, page, "title", "Hello");
	mv_str(m, page, "empty", "");
	mv_set(m, root, "page", page);
	for (int i = 0; i < 3; i++) {
		struct mv *o = mv_obj(m);
		mv_strf(m, o, "n", "%d", i);
		mv_push(m, list, o);
	}
	mv_set(m, root, "items", list);
	mv_str(m, root, "top", "T");
	struct mdata_ctx c;
	mdata_ctx_init(&c, root);
	const struct mustache_ops *ops = &mdata_site_ops;
	struct slice out;
	CHECK(ops->get(&c, SLICE_LIT("page.title"), &out) && slice_eq_str(out, "Hello"), "dotted get");
	CHECK(!ops->get(&c, SLICE_LIT("page.empty"), &out), "empty string is missing");
	CHECK(!ops->enter(&c, SLICE_LIT("page.nothing")), "missing is falsy");
	struct buf seen = BUF_INIT;
	if (ops->enter(&c, SLICE_LIT("items"))) {
		do {
			CHECK(ops->get(&c, SLICE_LIT("n"), &out), "item field");
			buf_putslice(&seen, out);
			CHECK(ops->get(&c, SLICE_LIT("top"), &out) && slice_eq_str(out, "T"),
			      "outer names visible inside a section");
		} while (ops->next(&c));
		ops->leave(&c);
	}
	CHECK_STR(buf_cstr(&seen), "012", "list iterated in order");
	CHECK(ops->enter(&c, SLICE_LIT("page")) && ops->get(&c, SLICE_LIT("title"), &out),
	      "object section");
	CHECK(!ops->next(&c), "object is not a list");
	ops->leave(&c);
	mdata_ctx_release(&c);
	mdata_reset(m);
	CHECK(mv_len(mv_list(m)) == 0, "fresh after reset");
	buf_release(&seen);
	mdata_free(m);
}

static void test_config(const char *tmp)
{
	char *path = path_join(tmp, "t_site.yml");
	const char yml[] = "title: My jobs\nbase_url: https://a.example/sub\npage_size: 7\n"
			   "salary_bands:\n  edges: [40000, 80000]\n  labels: [Low, Mid, High]\n"
			   "nope: 1\noutput: out\n";
	write_file(path, yml, sizeof yml - 1);
	struct config c;
	struct diag d;
	diag_init(&d, NULL);
	config_init(&c, "site");
	CHECK(config_load(&c, path, &d) == 0, "config loads");
	CHECK_STR(c.title, "My jobs", "title");
	CHECK_STR(c.base_url, "https://a.example/sub/", "base_url gets a slash");
	CHECK(c.page_size == 7, "page_size");
	CHECK(c.bands.n == 3 && !strcmp(c.bands.v[1].label, "Mid"), "bands and labels");
	CHECK_STR(c.output_dir, "site/out", "paths relative to the site");
	CHECK(d.warnings == 1, "unknown key warned: %u", d.warnings);
	config_release(&c);
	diag_release(&d);
	free(path);
}


/*
 * Slugs of many postings sharing a base, with postings whose own ids are
 * "x-3" and "x-5" among them: each gets the first free suffix, as if every
 * suffix were tried from -2 (the search resumes where it stopped).
 * And the site order where titles share their first 8 bytes.
 */
static void test_slugs_and_order(void)
{
	struct posting_list l = { 0 };
	struct diag d;
	diag_init(&d, NULL);
	char src[32], title[64];
	/* all the same date and title: source order decides (c/00 ... c/39) */
	for (int i = 0; i < 40; i++) {
		snprintf(src, sizeof src, "c/%02d.md", i);
		snprintf(title, sizeof title, "Nurse %d", i);
		const char *id = i == 7 ? "x-3" : i == 20 ? "x-5" : "x";
		struct posting *p = mk(&l, src, id, "Same title", "Acme", "FL", "2024-01-01");
		free(p->description_html);
		p->description_html = xstrdup(title); /* no duplicates */
	}
	/* titles alike in their first 8 bytes, and one a prefix of another */
	mk(&l, "d/1.md", "p1", "Provider Relations B", "Acme", "FL", "2024-05-01");
	mk(&l, "d/2.md", "p2", "Provider Relations A", "Acme", "FL", "2024-05-01");
	mk(&l, "d/3.md", "p3", "Provider", "Acme", "FL", "2024-05-01");
	mk(&l, "d/4.md", "p4", "Provid", "Acme", "FL", "2024-05-01");
	struct site *s = site_build(&l, band_default(), "2024-06-01", &d);
	CHECK(s->njobs == 44, "no duplicates: %zu", s->njobs);
	CHECK_STR(s->jobs[0].p->source, "d/4.md", "a shorter title first");
	CHECK_STR(s->jobs[1].p->source, "d/3.md", "then the longer one");
	CHECK_STR(s->jobs[2].p->source, "d/2.md", "past 8 bytes: A");
	CHECK_STR(s->jobs[3].p->source, "d/1.md", "then B");
	/* expected: the plain rule, every suffix tried from -2 until free */
	char want[40][16];
	for (int i = 0; i < 40; i++) {
		const char *base = i == 7 ? "x-3" : i == 20 ? "x-5" : "x";
		snprintf(want[i], sizeof want[i], "%s", base);
		for (int k = 2;; k++) {
			int used = 0;
			for (int j = 0; j < i && !used; j++)
				used = !strcmp(want[j], want[i]);
			if (!used)
				break;
			snprintf(want[i], sizeof want[i], "%s-%d", base, k);
		}
	}
	int ok = 1;
	for (int i = 0; i < 40; i++)
		if (strcmp(s->jobs[4 + i].slug, want[i])) {
			ok = 0;
			CHECK(0, "posting %d: slug %s, want %s", i, s->jobs[4 + i].slug, want[i]);
		}
	CHECK(ok, "40 postings of one base: first free suffix each (ids x-3, x-5 among them)");
	site_free(s);
	posting_list_release(&l);
	diag_release(&d);
}

/* The site order spelt out: dated first, newest first, then title and
 * source as strcmp orders them, then the input's order. */
static const struct posting *const *ref_in;
static size_t ref_place(const struct posting *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ref_in[i] == p)
			return i;
	return n;
}
static size_t ref_n;
static int ref_cmp(const void *a, const void *b)
{
	const struct posting *p = *(struct posting *const *)a, *q = *(struct posting *const *)b;
	int c;
	if (!p->date_posted[0] != !q->date_posted[0])
		return p->date_posted[0] ? -1 : 1;
	if ((c = strcmp(q->date_posted, p->date_posted)) || (c = strcmp(p->title, q->title)) ||
	    (c = strcmp(p->source, q->source)))
		return c;
	size_t x = ref_place(p, ref_n), y = ref_place(q, ref_n);
	return x < y ? -1 : x > y;
}

/*
 * Random postings from few dates, titles (prefixes of each other among
 * them) and sources (a file may give several postings), in the walk's
 * order or shuffled: site_build's order is the plain rule's.
 */
static void test_order_random(void)
{
	static const char *const dates[] = { "2024-01-01", "2024-01-02", "2023-12-31", "" };
	static const char *const titles[] = { "Provider", "Provider Relations A",
					      "Provider Relations B", "Provid", "Nurse", "" };
	unsigned seed = 7;
	for (int round = 0; round < 40; round++) {
		struct posting_list l = { 0 };
		struct diag d;
		diag_init(&d, NULL);
		size_t n = 20 + (size_t)round * 7;
		char src[32], text[32];
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			unsigned r = seed >> 8;
			/* sorted sources with repeats in even rounds, any order in odd */
			if (round % 2)
				snprintf(src, sizeof src, "dir/%s%02u.md", r % 4 ? "" : "sub/", r % 13);
			else
				snprintf(src, sizeof src, "dir/%03zu.md", i / 3);
			struct posting *p = mk(&l, src, "", titles[r % 6], "Acme", "FL",
					       dates[(r >> 4) % 4]);
			snprintf(text, sizeof text, "Posting %zu.", i);
			free(p->description_html);
			p->description_html = xstrdup(text); /* no duplicates */
		}
		struct posting **want = xmalloc(n * sizeof *want);
		memcpy(want, l.v, n * sizeof *want);
		ref_in = (const struct posting *const *)l.v;
		ref_n = n;
		qsort(want, n, sizeof *want, ref_cmp);
		struct site *st = site_build(&l, band_default(), "2024-06-01", &d);
		int same = st->njobs == n;
		for (size_t i = 0; i < n && same; i++)
			same = st->jobs[i].p == want[i];
		CHECK(same, "round %d (%zu postings, %s sources): the plain rule's order", round, n,
		      round % 2 ? "shuffled" : "sorted");
		site_free(st);
		free(want);
		posting_list_release(&l);
		diag_release(&d);
	}
}

/* a and b are the same model of the same postings */
static int same_groups(const struct site_group *a, const struct site_group *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(a[i].slug, b[i].slug) || strcmp(a[i].name, b[i].name) ||
		    !a[i].code != !b[i].code || (a[i].code && strcmp(a[i].code, b[i].code)) ||
		    a[i].jobs.n != b[i].jobs.n ||
		    (a[i].jobs.n && memcmp(a[i].jobs.v, b[i].jobs.v, a[i].jobs.n * sizeof *a[i].jobs.v)))
			return 0;
	}
	return 1;
}

static int same_site(const struct site *a, const struct site *b)
{
	if (a->njobs != b->njobs || a->nemployers != b->nemployers || a->nstates != b->nstates ||
	    a->nbands != b->nbands || a->nduplicates != b->nduplicates ||
	    a->state_remote != b->state_remote || a->state_none != b->state_none ||
	    strcmp(a->build_date, b->build_date) || strcmp(a->newest_date, b->newest_date) ||
	    a->open.n != b->open.n ||
	    (a->open.n && memcmp(a->open.v, b->open.v, a->open.n * sizeof *a->open.v)))
		return 0;
	for (size_t i = 0; i < a->njobs; i++) {
		const struct site_job *x = &a->jobs[i], *y = &b->jobs[i];
		if (x->p != y->p || strcmp(x->slug, y->slug) || x->closed != y->closed ||
		    x->employer != y->employer || x->state != y->state || x->remote != y->remote ||
		    x->band != y->band)
			return 0;
	}
	for (size_t i = 0; i < a->nduplicates; i++)
		if (a->dups[i].p != b->dups[i].p || a->dups[i].first != b->dups[i].first)
			return 0;
	return same_groups(a->employers, b->employers, a->nemployers) &&
	       same_groups(a->states, b->states, a->nstates) &&
	       same_groups(a->bands, b->bands, a->nbands);
}

static void set_desc(struct posting *p, const char *text)
{
	free(p->description_html);
	p->description_html = xstrdup(text);
}

/*
 * The model's memo: random boards (repeated titles and ids, employers,
 * states, remote, closed, pay in every band, duplicates), each changed
 * one way; the model from the memo, when it gives one, is site_build's.
 */
static void test_memo(void)
{
	static const char *const titles[] = { "Provider Relations", "Nurse", "Analyst", "" };
	static const char *const emps[] = { "Acme Health", "Sidecar", "acme health", NULL };
	static const char *const states[] = { "FL", "TX", "", "ZZ" };
	static const char *const dates[] = { "2024-05-01", "2024-05-02", "" };
	static const char *const descs[] = { "<p>A</p>", "<p>B</p>", "<p>C</p>" };
	unsigned seed = 11;
	int kept = 0, remade = 0, patched = 0, refused_dup = 0;
	for (int round = 0; round < 60; round++) {
		struct posting_list l = { 0 };
		struct diag d;
		diag_init(&d, NULL);
		size_t n = 5 + (size_t)round * 3;
		char src[32], text[48];
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			unsigned r = seed >> 8;
			snprintf(src, sizeof src, "c/%03zu.md", i);
			struct posting *p = mk(&l, src, r % 7 ? "" : "fixed-id", titles[r % 4],
					       emps[(r >> 3) % 4], states[(r >> 5) % 4],
					       dates[(r >> 7) % 3]);
			p->workplace = (r >> 9) % 3 ? WORKPLACE_ONSITE : WORKPLACE_REMOTE;
			p->annual_min = (r >> 11) % 4 ? 30000.0 * ((r >> 13) % 8) : NAN;
			p->annual_max = p->annual_min + 10000;
			if ((r >> 16) % 5 == 0)
				memcpy(p->valid_through, "2024-01-01", 11);
			if ((r >> 18) % 6)
				snprintf(text, sizeof text, "<p>Posting %zu.</p>", i);
			set_desc(p, (r >> 18) % 6 ? text : descs[(r >> 21) % 3]);
		}
		/* the change: none, a description (new, or one that makes the
		 * victim a duplicate of its neighbour), a title, the date */
		int how = round % 5;
		seed = seed * 1103515245u + 12345u;
		size_t victim = (seed >> 8) % n, other = (victim + 1) % n;
		if (how == 2) { /* the neighbour's twin but for the description */
			struct posting *v = l.v[victim], *o = l.v[other];
			free(v->title);
			v->title = xstrdup(o->title);
			free(v->employer);
			v->employer = o->employer ? xstrdup(o->employer) : NULL;
			memcpy(v->state, o->state, 3);
			v->workplace = o->workplace;
			snprintf(text, sizeof text, "<p>Twin %d.</p>", round);
			set_desc(v, text);
		}
		struct site *s0 = site_build(&l, band_default(), "2024-06-01", &d);
		struct buf memo = BUF_INIT;
		CHECK(site_memo_put(s0, &memo) == 0, "round %d: a memo", round);
		unsigned warned = d.warnings;
		site_free(s0);

		const char *date = "2024-06-01";
		if (how == 1) {
			snprintf(text, sizeof text, "<p>Edited %d.</p>", round);
			set_desc(l.v[victim], text);
		} else if (how == 2) {
			set_desc(l.v[victim], l.v[other]->description_html);
		} else if (how == 3) {
			free(l.v[victim]->title);
			l.v[victim]->title = xstrdup("Retitled");
		} else if (how == 4) {
			date = "2024-01-02";
		}
		struct diag dm, db;
		diag_init(&dm, NULL);
		diag_init(&db, NULL);
		struct site *sm = site_from_memo(buf_slice(&memo), &l, band_default(), date, &dm);
		struct site *sb = site_build(&l, band_default(), date, &db);
		if (sm) {
			size_t np = 0;
			CHECK(site_memo_kept(sm, &np) && same_site(sm, sb) && dm.warnings == db.warnings,
			      "round %d, change %d: the memo's model is site_build's (%zu jobs, %zu duplicates)",
			      round, how, sb->njobs, sb->nduplicates);
			kept++;
			patched += np > 0;
		} else {
			remade++;
			refused_dup += how == 2;
		}
		if (how == 0)
			CHECK(sm != NULL && warned == dm.warnings, "round %d: nothing changed: the memo holds",
			      round);
		if (how == 3 || how == 4)
			CHECK(sm == NULL, "round %d: a %s changed: the memo does not hold", round,
			      how == 3 ? "title" : "build date");
		/* a cut memo never holds (and is read safely) */
		for (size_t cut = 0; cut < memo.n; cut += 1 + memo.n / 7) {
			struct diag dc;
			diag_init(&dc, NULL);
			struct site *sc = site_from_memo((struct slice){ memo.p, cut }, &l, band_default(),
							 date, &dc);
			CHECK(sc == NULL, "round %d: a memo cut to %zu bytes does not hold", round, cut);
			site_free(sc);
			diag_release(&dc);
		}
		site_free(sm);
		site_free(sb);
		buf_release(&memo);
		diag_release(&dm);
		diag_release(&db);
		posting_list_release(&l);
		diag_release(&d);
	}
	CHECK(kept >= 20 && remade >= 20 && patched >= 5 && refused_dup >= 5,
	      "the memo was taken %d times (%d with a description patched in) and refused %d times "
	      "(%d a description that repeats another's)", kept, patched, remade, refused_dup);
}

int main(void)
{
	const char *tmp = getenv("TEST_TMP");
	test_format();
	test_xml();
	test_putu();
	test_model();
	test_slugs_and_order();
	test_order_random();
	test_memo();
	test_mdata();
	test_config(tmp && *tmp ? tmp : "/tmp");
	return test_done();
}
