/*
 * fuzz_jsonld.c - jsonld_parse() on arbitrary bytes, and the same bytes as
 * an HTML page (bare, and inside a <script type="application/ld+json">)
 * through htmldoc_parse(), whose JSON-LD blocks go to jsonld_parse() as
 * ingest does.
 *
 * Asserts: a parse error comes with a message and adds nothing, a success
 * comes with no message and returns how many postings it added, and every
 * string kept is non-empty.  Everything is freed (ASan checks leaks).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "htmldoc.h"
#include "jsonld.h"
#include "sanitize.h"

static void parse(struct slice json, struct ld_list *l)
{
	char *err = NULL;
	unsigned line = 0, col = 0;
	size_t before = l->n;
	int n = jsonld_parse(json, l, &err, &line, &col);
	if (n < 0) {
		if (!err || l->n != before)
			abort();
		free(err);
		return;
	}
	if (err || (size_t)n != l->n - before)
		abort();
	for (size_t i = before; i < l->n; i++) {
		struct ld_posting *p = &l->v[i];
		/* every string is a real, non-empty C string (ASan reads it) */
		const char *s[] = { p->title, p->description, p->date_posted,
				    p->valid_through, p->employment_type, p->employer,
				    p->city, p->region, p->country, p->url, p->identifier,
				    p->applicant_region, p->salary_unit, p->currency };
		for (size_t k = 0; k < sizeof s / sizeof s[0]; k++)
			if (s[k] && !strlen(s[k]))
				abort();
	}
}

/* Every JSON-LD block htmldoc finds in `html`, through jsonld_parse(). */
static void parse_html(struct slice html)
{
	struct htmldoc h;
	struct ld_list l = { 0 };
	if (htmldoc_parse(&h, html) == 0)
		for (size_t i = 0; i < h.nld; i++)
			parse(buf_slice(&h.ld[i]), &l);
	/* released whether or not it parsed: a failed parse may hold a doc */
	htmldoc_release(&h);
	ld_list_release(&l);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	sanitize_global_init(); /* xmlInitParser, as main() does */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct slice in = { (const char *)data, size };
	struct ld_list l = { 0 };
	parse(in, &l);
	ld_list_release(&l);

	parse_html(in);

	static const char open[] = "<html><body><script type=\"application/ld+json\">";
	static const char close[] = "</script></body></html>";
	struct buf page = BUF_INIT;
	buf_put(&page, open, sizeof open - 1);
	buf_put(&page, in.p, in.n);
	buf_put(&page, close, sizeof close - 1);
	parse_html(buf_slice(&page));
	buf_release(&page);
	return 0;
}
