/*
 * t_ingest.c - the ingest pipeline on the samples and on small inputs:
 * formats, front matter and JSON-LD precedence, descriptions, mojibake.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest.h"
#include "tap.h"
#include "util.h"

static char tmpdir[] = "/tmp/t_ingest.XXXXXX";

static struct posting *load_one(const char *name, const char *text, struct posting_list *l)
{
	char *path = path_join(tmpdir, name);
	write_file(path, text, strlen(text));
	struct diag d;
	diag_init(&d, NULL);
	struct ingest_opts o = { .keep_description = 1, .jobs = 1 };
	memset(l, 0, sizeof *l);
	ingest_file(path, &o, &d, l);
	diag_release(&d);
	free(path);
	return l->n ? l->v[0] : NULL;
}

static void test_seed_mojibake(void)
{
	struct diag d;
	diag_init(&d, NULL);
	struct ingest_opts o = { .keep_description = 1, .jobs = 1 };
	struct posting_list l = { 0 };
	ingest_file("content/000_02d64583221577ce.txt", &o, &d, &l);
	CHECK(l.n == 1, "seed 000 gives one posting");
	if (l.n) {
		struct posting *p = l.v[0];
		CHECK(p->description_html && !strstr(p->description_html, "CLICK TO"),
		      "the closing apply line is left to the page's button");
		CHECK(p->description_html && strstr(p->description_html, "Sidecar Health\xE2\x80\x99s team"),
		      "\xE2\x80\x99 repaired in the description");
		CHECK(p->description_html && !strstr(p->description_html, "\xC3\xA2\xE2\x82\xAC"),
		      "no mojibake left in the description");
		CHECK(p->description_text && strstr(p->description_text, "\xF0\x9F\x8C\x8E Remote"),
		      "\xF0\x9F\x8C\x8E repaired in the text");
		int warned = 0;
		for (size_t i = 0; i < p->nwarnings; i++)
			if (!strcmp(p->warnings[i].kind, "mojibake repaired"))
				warned = 1;
		CHECK(warned, "mojibake repair is reported");
	}
	posting_list_release(&l);
	diag_release(&d);
}

static void test_front_matter_wins(void)
{
	struct posting_list l;
	struct posting *p = load_one("fm.md",
		"---\n"
		"title: Front Matter Title\n"
		"company: \"Acme Logistics, Inc.\"\n"
		"location: Hybrid - Austin, TX\n"
		"salary: $80k - $100k\n"
		"employment_type: FULL_TIME\n"
		"date: 2024-03-05\n"
		"apply_url: https://example.com/apply/1\n"
		"---\n"
		"# Body Title\n\nCareers with Someone Else. Pay is $10/hr.\n", &l);
	CHECK(p != NULL, "front matter posting loads");
	if (p) {
		CHECK_STR(p->title, "Front Matter Title", "front matter title wins");
		CHECK_STR(p->employer, "Acme Logistics, Inc.", "employer as written");
		CHECK_STR(p->employer_slug, "acme-logistics", "employer slug without the suffix");
		CHECK_STR(p->city, "Austin", "city");
		CHECK_STR(p->state, "TX", "state");
		CHECK(p->workplace == WORKPLACE_HYBRID, "hybrid");
		CHECK(p->annual_min == 80000 && p->annual_max == 100000, "salary from front matter");
		CHECK(p->employment_type == EMPLOYMENT_FULL_TIME, "employment type");
		CHECK_STR(p->date_posted, "2024-03-05", "date");
		CHECK_STR(p->apply_url, "https://example.com/apply/1", "apply url");
		CHECK_STR(p->format, "markdown", "format");
	}
	posting_list_release(&l);
}

static void test_jsonld_wins(void)
{
	struct posting_list l;
	struct posting *p = load_one("page.html",
		"<!doctype html><html><head><title>Wrong | Careers</title>"
		"<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@type\":\"JobPosting\","
		"\"title\":\"Claims Analyst\",\"datePosted\":\"2024-06-01\","
		"\"hiringOrganization\":{\"@type\":\"Organization\",\"name\":\"Blue Harbor Health\"},"
		"\"jobLocation\":{\"@type\":\"Place\",\"address\":{\"addressLocality\":\"Tampa\",\"addressRegion\":\"FL\",\"addressCountry\":\"US\"}},"
		"\"baseSalary\":{\"@type\":\"MonetaryAmount\",\"currency\":\"USD\",\"value\":{\"@type\":\"QuantitativeValue\",\"minValue\":25,\"maxValue\":30,\"unitText\":\"HOUR\"}},"
		"\"employmentType\":\"PART_TIME\",\"url\":\"https://jobs.example.com/claims\"}</script></head>"
		"<body><header><nav><a href=\"/\">Home</a> Careers with Nobody</nav></header>"
		"<main><h1>Claims Analyst (Remote)</h1><p>Review claims.</p><script>alert(1)</script></main>"
		"<footer>Cookie settings</footer><div id=\"cookie-banner\">We use cookies</div></body></html>", &l);
	CHECK(p != NULL, "ATS page loads");
	if (p) {
		CHECK_STR(p->title, "Claims Analyst", "JSON-LD title wins over <h1>");
		CHECK_STR(p->employer, "Blue Harbor Health", "hiringOrganization");
		CHECK_STR(p->city, "Tampa", "addressLocality");
		CHECK_STR(p->state, "FL", "addressRegion");
		CHECK(p->salary_period == PERIOD_HOUR && p->annual_min == 25 * 2080.0, "hourly salary annualized");
		CHECK(p->employment_type == EMPLOYMENT_PART_TIME, "employmentType");
		CHECK_STR(p->date_posted, "2024-06-01", "datePosted");
		CHECK_STR(p->apply_url, "https://jobs.example.com/claims", "url");
		CHECK_STR(p->format, "html", "format");
		CHECK(p->description_html && strstr(p->description_html, "Review claims"), "body kept");
		CHECK(p->description_html && !strstr(p->description_html, "Home") &&
		      !strstr(p->description_html, "cookies") && !strstr(p->description_html, "alert"),
		      "chrome and scripts dropped: %s", p->description_html ? p->description_html : "");
	}
	posting_list_release(&l);
}

/* Chrome nested in chrome and a script inside the title heading:
 * every node is freed once (ASan checks). */
static void test_nested_chrome(void)
{
	struct posting_list l;
	struct posting *p = load_one("nested.html",
		"<html><body><div class=\"page\"><article>"
		"<header><nav><a href=\"/\">Home</a><script>x()</script></nav></header>"
		"<h1>Network Manager<script>alert(2)</script></h1><p>Build the network.</p>"
		"<aside><form><input name=q><style>p{}</style></form></aside>"
		"</article></div><footer><nav>Links</nav></footer></body></html>", &l);
	CHECK(p != NULL, "nested chrome page loads");
	if (p) {
		CHECK_STR(p->title, "Network Manager", "title from the <h1>");
		CHECK(p->description_html && strstr(p->description_html, "Build the network") &&
		      !strstr(p->description_html, "Home") && !strstr(p->description_html, "alert") &&
		      !strstr(p->description_html, "Links"),
		      "body kept, nested chrome dropped: %s", p->description_html ? p->description_html : "");
	}
	posting_list_release(&l);
}

static void test_json_file(void)
{
	struct posting_list l;
	load_one("two.json",
		 "[{\"@type\":\"JobPosting\",\"title\":\"One\",\"hiringOrganization\":\"Acme\",\"description\":\"<p>First</p>\"},"
		 "{\"@type\":\"JobPosting\",\"title\":\"Two\",\"hiringOrganization\":\"Acme\",\"description\":\"<p>Second</p>\"}]",
		 &l);
	CHECK(l.n == 2, "a JSON array gives two postings (got %zu)", l.n);
	if (l.n == 2) {
		CHECK_STR(l.v[0]->title, "One", "first");
		CHECK_STR(l.v[1]->title, "Two", "second");
		CHECK(strcmp(l.v[0]->id, l.v[1]->id) != 0, "distinct ids");
		CHECK_STR(l.v[0]->format, "json", "format json");
	}
	posting_list_release(&l);
}

static void test_plain_text(void)
{
	struct posting_list l;
	struct posting *p = load_one("plain.txt",
		"Job Title: Payroll Specialist\n"
		"Company: Gulf Coast Trust Company\n"
		"Job Location: Remote, United States\n"
		"Job Type: Full-time\n"
		"Posted: Aug 30, 2023\n"
		"Apply at: https://www.example.com/careers/payroll-1\n\n"
		"Job Description\n"
		"As a Payroll Specialist you will &amp; must partner with business\n"
		"leaders to build forecasts, analyze performance, and identify opportunities\n"
		"to improve results.\n", &l);
	CHECK(p != NULL, "plain text loads");
	if (p) {
		CHECK_STR(p->title, "Payroll Specialist", "Job Title: line");
		CHECK_STR(p->employer, "Gulf Coast Trust Company", "Company: line");
		CHECK(p->workplace == WORKPLACE_REMOTE, "remote");
		CHECK(p->state[0] == '\0', "no state for Remote, United States");
		CHECK(p->employment_type == EMPLOYMENT_FULL_TIME, "full-time");
		CHECK_STR(p->date_posted, "2023-08-30", "Posted: date");
		CHECK_STR(p->apply_url, "https://www.example.com/careers/payroll-1", "Apply at:");
		CHECK(p->description_text && strstr(p->description_text, "will & must"), "entities decoded in text");
		CHECK(p->description_html && strstr(p->description_html, "&amp;"), "and escaped in html");
	}
	posting_list_release(&l);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The walk lists a folder's files in byte order of their names, whatever
 * they share: random names over a small alphabet (so many share their
 * first 8 bytes, or are a prefix of another), short ones, and bytes over
 * 0x7f (UTF-8), against a strcmp sort of the same names. */
static void test_walk_order(void)
{
	static const char *const alpha[] = { "a", "b", "0", "-", "\xc3\xa9", "\xe2\x80\x99" };
	char *dir = path_join(tmpdir, "walk");
	mkdir_p(dir, 0755);
	char *want[300];
	size_t n = 0;
	srand(7);
	while (n < 300) {
		char name[64] = "";
		int len = 1 + rand() % 14;
		for (int k = 0; k < len; k++)
			strcat(name, alpha[rand() % (k < 6 ? 2 : 6)]);
		strcat(name, rand() % 2 ? ".md" : ".txt");
		int dup = 0;
		for (size_t i = 0; i < n; i++)
			dup |= !strcmp(want[i], name);
		if (dup)
			continue;
		char *path = path_join(dir, name);
		write_file(path, "x", 1);
		free(path);
		want[n++] = xstrdup(name);
	}
	qsort(want, n, sizeof *want, cmp_str);
	struct ingest_found f = { 0 };
	struct posting_list skipped = { 0 };
	struct diag d;
	diag_init(&d, NULL);
	CHECK(ingest_walk(dir, &f, &d, &skipped) == 0 && f.n == n, "walk: %zu of %zu names found", f.n, n);
	size_t same = 0, len = strlen(dir) + 1;
	for (size_t i = 0; i < f.n && i < n; i++)
		same += !strcmp(f.v[i] + len, want[i]);
	CHECK(same == n, "walk: %zu of %zu names in byte order", same, n);
	ingest_found_release(&f);
	posting_list_release(&skipped);
	diag_release(&d);
	for (size_t i = 0; i < n; i++)
		free(want[i]);
	free(dir);
}

int main(void)
{
	if (!mkdtemp(tmpdir))
		return 1;
	test_seed_mojibake();
	test_front_matter_wins();
	test_jsonld_wins();
	test_nested_chrome();
	test_json_file();
	test_plain_text();
	test_walk_order();
	remove_tree(tmpdir);
	return test_done();
}
