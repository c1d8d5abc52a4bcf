/*
 * fuzz_sanitize.c - libFuzzer target for sanitize_html() and
 * markdown_to_html().
 *
 * Asserts: the output is idempotent (sanitizing it again gives the same
 * bytes), every '<' in it starts an allowed tag, only <a> carries
 * attributes and those are exactly href (http, https, mailto) and rel,
 * and html_to_text() of input and output does not crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "htmltext.h"
#include "markdown.h"
#include "sanitize.h"
#include "util.h"

static const char *const ALLOWED[] = {
	"p", "br", "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "em", "i",
	"strong", "b", "a", "blockquote", "code", "pre", "table", "thead",
	"tbody", "tr", "th", "td", "hr", "dl", "dt", "dd",
};

static int allowed(const char *p, size_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(ALLOWED); i++)
		if (strlen(ALLOWED[i]) == n && !memcmp(ALLOWED[i], p, n))
			return 1;
	return 0;
}

static void check_forbidden(const char *s)
{
	static const char rel[] = "\" rel=\"nofollow noopener noreferrer ugc\">";
	int in_tag = 0;
	for (const char *p = s; *p; p++) {
		if (*p == '>') {
			if (!in_tag)
				abort(); /* raw '>' in text */
			in_tag = 0;
			continue;
		}
		if (*p != '<')
			continue;
		if (in_tag)
			abort();
		in_tag = 1;
		const char *q = p + 1 + (p[1] == '/');
		size_t n = 0;
		while ((q[n] >= 'a' && q[n] <= 'z') || (q[n] >= '0' && q[n] <= '9'))
			n++;
		if (!allowed(q, n))
			abort();
		if (q[n] == '>')
			continue;
		if (q[-1] == '/' || n != 1 || q[0] != 'a' ||
		    strncmp(q + 1, " href=\"", 7))
			abort();
		const char *v = q + 8, *e = strchr(v, '"');
		if (!e || (strncmp(v, "http:", 5) && strncmp(v, "https:", 6) &&
			   strncmp(v, "mailto:", 7)))
			abort();
		for (const char *c = v; c < e; c++)
			if (*c == '<' || *c == '>' || (unsigned char)*c < ' ')
				abort();
		if (strncmp(e, rel, sizeof rel - 1))
			abort();
		p = e + sizeof rel - 3; /* the next step reads the closing ">" */
		in_tag = 1;
	}
	if (in_tag)
		abort();
}

static void check(const char *out, size_t n)
{
	check_forbidden(out);
	struct buf again = BUF_INIT;
	sanitize_html(out, n, &again, NULL, NULL);
	if (again.n != n || memcmp(again.p, out, n))
		abort(); /* not idempotent */
	buf_release(&again);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	sanitize_global_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* First byte picks the entry point, so one corpus serves both. */
	if (size == 0)
		return 0;
	int md = data[0] & 1;
	const char *in = (const char *)data + 1;
	size--;
	struct buf out = BUF_INIT, text = BUF_INIT;
	if (md)
		markdown_to_html(in, size, &out, &text, NULL);
	else
		sanitize_html(in, size, &out, &text, NULL);
	if (out.p)
		check(out.p, out.n);
	buf_release(&text);
	html_to_text(in, size, &text);
	buf_release(&out);
	buf_release(&text);
	return 0;
}
