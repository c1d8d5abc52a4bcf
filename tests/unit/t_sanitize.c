/*
 * t_sanitize.c - the description pipeline: sanitizer, Markdown, text.
 *
 *   tests/data/sanitize/cases.txt   "=== name", input, "---", expected
 *   $SHARED/xss/payloads.txt        every line as HTML and as Markdown
 *   $SHARED/seeds/                  the five sample postings
 *
 * Every output is also checked independently of the sanitizer: a lexical
 * scan (every '<' starts an allowed tag, links have exactly href + rel), a
 * libxml2 re-parse (allowed elements and attributes, schemes), and
 * idempotence (sanitizing the output again gives the same bytes).
 */
#include <cmark.h>
#include <dirent.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "htmltext.h"
#include "markdown.h"
#include "sanitize.h"
#include "tap.h"
#include "util.h"

static const char *const ALLOWED[] = {
	"p", "br", "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "em", "i",
	"strong", "b", "a", "blockquote", "code", "pre", "table", "thead",
	"tbody", "tr", "th", "td", "hr", "dl", "dt", "dd",
};

static const char REL[] = " rel=\"nofollow noopener noreferrer ugc\"";

static int allowed_name(const char *p, size_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(ALLOWED); i++)
		if (strlen(ALLOWED[i]) == n && !memcmp(ALLOWED[i], p, n))
			return 1;
	return 0;
}

static int good_scheme(const char *v)
{
	return !strncmp(v, "http://", 7) || !strncmp(v, "https://", 8) ||
	       !strncmp(v, "mailto:", 7) || !strncmp(v, "http:", 5) ||
	       !strncmp(v, "https:", 6);
}

/* Lexical check of the serialization, no parser involved. NULL if fine. */
static const char *lex_check(const char *s)
{
	for (const char *p = s; (p = strchr(p, '<')); p++) {
		const char *q = p + 1;
		if (*q == '/')
			q++;
		size_t n = 0;
		while (q[n] >= 'a' && q[n] <= 'z')
			n++;
		if (!n && q[0] == 'h' && q[1] >= '2' && q[1] <= '6')
			n = 2;
		while ((q[n] >= 'a' && q[n] <= 'z') || (q[n] >= '0' && q[n] <= '9'))
			n++;
		if (!allowed_name(q, n))
			return "tag not allowed";
		if (q[n] == '>')
			continue;
		if (q[-1] == '/' || n != 1 || q[0] != 'a')
			return "attribute on a tag other than <a>";
		if (strncmp(q + 1, " href=\"", 7))
			return "<a> without href";
		const char *v = q + 8, *e = strchr(v, '"');
		if (!e)
			return "unterminated href";
		for (const char *c = v; c < e; c++)
			if (*c == '<' || *c == '>' || (unsigned char)*c < ' ')
				return "raw < > or control character in href";
		if (!good_scheme(v))
			return "href scheme";
		if (strncmp(e + 1, REL, sizeof REL - 1) || e[sizeof REL] != '>')
			return "<a> attributes other than href, rel";
	}
	/* Outside tags '<' and '>' appear only escaped. */
	int in_tag = 0;
	for (const char *p = s; *p; p++) {
		if (*p == '<' && in_tag++)
			return "'<' inside a tag";
		if (*p == '>' && !in_tag--)
			return "raw '>' in text";
	}
	return NULL;
}

/* Re-parse with libxml2 and walk the tree. NULL if fine. */
static const char *tree_check(const char *s)
{
	if (!*s)
		return NULL;
	xmlDoc *doc = htmlReadMemory(s, (int)strlen(s), NULL, "UTF-8",
				     HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
					     HTML_PARSE_NONET | XML_PARSE_HUGE);
	if (!doc)
		return "output does not parse";
	const char *err = NULL;
	const xmlNode *n = xmlDocGetRootElement(doc);
	while (n && !err) {
		if (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE ||
		    n->type == XML_CDATA_SECTION_NODE)
			err = "comment, PI or CDATA in output";
		if (n->type == XML_ELEMENT_NODE) {
			const char *name = (const char *)n->name;
			if (strcmp(name, "html") && strcmp(name, "body") &&
			    !allowed_name(name, strlen(name)))
				err = "element not allowed";
			for (const xmlAttr *a = n->properties; a && !err; a = a->next) {
				const char *an = (const char *)a->name;
				if (strcmp(name, "a") ||
				    (strcmp(an, "href") && strcmp(an, "rel")))
					err = "attribute not allowed";
				else if (!strcmp(an, "href")) {
					xmlChar *v = xmlNodeListGetString(doc, a->children, 1);
					if (!v || !good_scheme((const char *)v))
						err = "href scheme";
					xmlFree(v);
				}
			}
		}
		if (n->children) {
			n = n->children;
			continue;
		}
		while (n && !n->next)
			n = n->parent;
		if (n)
			n = n->next;
	}
	xmlFreeDoc(doc);
	return err;
}

/* All checks on one output; returns 1 if it passes. */
static int verify(const char *what, const char *out, int report)
{
	const char *e = lex_check(out);
	if (!e)
		e = tree_check(out);
	struct buf again = BUF_INIT;
	if (!e) {
		sanitize_html(out, strlen(out), &again, NULL, NULL);
		if (strcmp(again.p, out))
			e = "not idempotent";
	}
	if (e && report)
		fprintf(stderr, "FAIL %s: %s\n  output: %s\n  again:  %s\n", what, e,
			out, again.p ? again.p : "");
	buf_release(&again);
	return !e;
}

static char *sanitize_str(const char *in, size_t n, struct sanitize_report *r)
{
	struct buf out = BUF_INIT;
	sanitize_html(in, n, &out, NULL, r);
	return buf_detach(&out, NULL);
}

static void test_cases(void)
{
	struct buf f = BUF_INIT;
	const char *path = "tests/data/sanitize/cases.txt";
	if (read_file(path, &f, 0) < 0) {
		CHECK(0, "cannot read '%s' (run from the repository root)", path);
		return;
	}
	unsigned cases = 0;
	char *p = f.p, *end = f.p + f.n;
	while (p < end) {
		/* === name \n input \n --- \n expected (up to the next ===) */
		char *nl = strchr(p, '\n');
		if (strncmp(p, "=== ", 4) || !nl)
			break;
		char *name = xstrndup(p + 4, (size_t)(nl - p - 4));
		char *in = nl + 1, *sep = strstr(in, "\n---\n");
		if (!sep)
			break;
		char *exp = sep + 5, *next = strstr(exp, "\n=== ");
		char *exp_end = next ? next + 1 : end;
		char *want = xstrndup(exp, (size_t)(exp_end - exp));
		char *got = sanitize_str(in, (size_t)(sep - in), NULL);
		CHECK_STR(got, want, "case '%s'", name);
		CHECK(verify(name, got, 1), "case '%s' verified", name);
		cases++;
		free(got);
		free(want);
		free(name);
		p = exp_end;
	}
	CHECK(cases >= 40, "%u cases read", cases);
	printf("cases: %u\n", cases);
	buf_release(&f);
}

static const char *shared(void)
{
	const char *s = getenv("SHARED");
	return s && *s ? s : "../shared";
}

static void test_payloads(void)
{
	char *path = path_join(shared(), "xss/payloads.txt");
	struct buf f = BUF_INIT;
	if (read_file(path, &f, 0) < 0) {
		CHECK(0, "cannot read '%s'", path);
		free(path);
		return;
	}
	unsigned lines = 0, html_ok = 0, md_ok = 0, reported = 0;
	struct sanitize_report rep = SANITIZE_REPORT_INIT;
	clock_t t0 = clock();
	for (char *p = f.p, *end = f.p + f.n; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct buf a = BUF_INIT, b = BUF_INIT;
		sanitize_html(p, n, &a, NULL, &rep);
		markdown_to_html(p, n, &b, NULL, &rep);
		int ok1 = verify("payload (html)", a.p, reported < 10);
		int ok2 = verify("payload (markdown)", b.p, reported < 10);
		if (!ok1 || !ok2)
			fprintf(stderr, "  payload line %u: %.*s\n", lines + 1, (int)n, p),
				reported++;
		html_ok += ok1;
		md_ok += ok2;
		lines++;
		buf_release(&a);
		buf_release(&b);
		p = nl ? nl + 1 : end;
	}
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	printf("payloads: %u lines, %u ok as HTML, %u ok as Markdown (%.2fs); "
	       "dropped %u, unwrapped %u, attributes %u, bad-scheme links %u, "
	       "relative links %u\n",
	       lines, html_ok, md_ok, secs, rep.dropped, rep.unwrapped,
	       rep.attrs_removed, rep.links_bad_scheme, rep.links_relative);
	CHECK(lines > 6000, "payload lines: %u", lines);
	CHECK(html_ok == lines, "payloads safe and idempotent as HTML: %u/%u",
	      html_ok, lines);
	CHECK(md_ok == lines, "payloads safe and idempotent as Markdown: %u/%u",
	      md_ok, lines);
	buf_release(&f);
	free(path);
}

static int has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || !p[n]))
			return 1;
	return 0;
}

/* No empty lines, no spaces at either end of a line, ends with \n. */
static int tidy_lines(const char *t)
{
	if (!*t)
		return 1;
	if (t[strlen(t) - 1] != '\n' || *t == '\n' || strstr(t, "\n\n") ||
	    strstr(t, " \n") || strstr(t, "\n ") || *t == ' ')
		return 0;
	return 1;
}

static void test_seeds(void)
{
	static const struct {
		const char *file;
		int markdown;
		const char *html_has[3];
		const char *text_line;
	} seeds[] = {
		{ "000_02d64583221577ce.txt", 1,
		  { "<h2><a href=\"https://www.remotewlb.com/apply/provider-network-development-manager\" rel=\"nofollow noopener noreferrer ugc\">Provider Network Development Manager</a></h2>",
		    "<li>5+ years of experience in healthcare or insurance</li>",
		    "<strong><em><strong>Must reside in Florida for consideration</strong></em></strong>" },
		  "CLICK TO APPLY" },
		{ "001_bf3b61492bb989c4.txt", 0,
		  { "<h2>Sr. Provider Relations Manager</h2>", "<ul>\n<li>",
		    "<p><b>Primary Responsibilities:</b></p>" },
		  "Primary Responsibilities:" },
		{ "002_694c3f71bd0eb2fb.txt", 1,
		  { "<h2>Payer Relations Manager - Provider Network</h2>",
		    "<h4>Provider Relationship Management</h4>\n<ul>\n<li>", NULL },
		  "Company Overview" },
		{ "003_a4b918df8e3fee65.txt", 0,
		  { "<h2>VP, Strategic Healthcare Technology Partnerships</h2>",
		    "<p><b>Role Summary/Purpose:</b></p>", "<ul>\n<li>" },
		  "The salary range for this position is 100,000.00 - 200,000.00 USD Annual" },
		{ "004_c0eef2d498d7fd84.txt", 0,
		  { "<h2>Senior Director Payor Relations &amp; Contract</h2>",
		    "<p><b>What You Will Do:</b></p>", "<br>\n" },
		  "What You Will Do:" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(seeds); i++) {
		char *dir = path_join(shared(), "seeds");
		char *path = path_join(dir, seeds[i].file);
		struct buf in = BUF_INIT, out = BUF_INIT, text = BUF_INIT;
		struct sanitize_report rep = SANITIZE_REPORT_INIT;
		if (read_file(path, &in, 0) < 0) {
			CHECK(0, "cannot read '%s'", path);
			goto next;
		}
		int r = seeds[i].markdown
				? markdown_to_html(in.p, in.n, &out, &text, &rep)
				: sanitize_html(in.p, in.n, &out, &text, &rep);
		CHECK(r == 0, "seed %s converts", seeds[i].file);
		for (size_t k = 0; k < 3; k++)
			if (seeds[i].html_has[k])
				CHECK(strstr(out.p, seeds[i].html_has[k]) != NULL,
				      "seed %s has '%s'", seeds[i].file,
				      seeds[i].html_has[k]);
		CHECK(verify(seeds[i].file, out.p, 1), "seed %s verified",
		      seeds[i].file);
		CHECK(has_line(text.p, seeds[i].text_line),
		      "seed %s text has line '%s'", seeds[i].file,
		      seeds[i].text_line);
		CHECK(tidy_lines(text.p), "seed %s text lines tidy",
		      seeds[i].file);
		/* The text of the sanitized HTML has the same lines. */
		struct buf t2 = BUF_INIT;
		html_to_text(out.p, out.n, &t2);
		CHECK(has_line(t2.p, seeds[i].text_line),
		      "seed %s: text of sanitized output has the line",
		      seeds[i].file);
		buf_release(&t2);
		printf("seed %s: %zu bytes in, %zu out, %zu text; dropped %u, "
		       "unwrapped %u, attributes %u\n",
		       seeds[i].file, in.n, out.n, text.n, rep.dropped,
		       rep.unwrapped, rep.attrs_removed);
	next:
		buf_release(&in);
		buf_release(&out);
		buf_release(&text);
		free(path);
		free(dir);
	}
}

static char *nested(const char *open, const char *close, unsigned depth,
		    const char *inner)
{
	struct buf b = BUF_INIT;
	for (unsigned i = 0; i < depth; i++)
		buf_puts(&b, open);
	buf_puts(&b, inner);
	for (unsigned i = 0; i < depth; i++)
		buf_puts(&b, close);
	buf_puts(&b, "<p>AFTER</p>");
	return buf_detach(&b, NULL);
}

static void test_depth(void)
{
	static const struct {
		const char *open, *close;
	} shapes[] = {
		{ "<div>", "</div>" },
		{ "<b>", "</b>" },
		{ "<ul><li>", "</li></ul>" },
		{ "<table><tr><td>", "</td></tr></table>" },
		{ "<blockquote>", "</blockquote>" },
		{ "<a href=\"http://x/\"><span>", "</span></a>" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(shapes); i++) {
		char *in = nested(shapes[i].open, shapes[i].close, 100000, "INNER");
		struct buf out = BUF_INIT, text = BUF_INIT;
		struct sanitize_report rep = SANITIZE_REPORT_INIT;
		clock_t t0 = clock();
		hang_guard(60, shapes[i].open);
		int r = sanitize_html(in, strlen(in), &out, &text, &rep);
		hang_guard(0, NULL);
		double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
		CHECK(r == 0, "100000 x %s", shapes[i].open);
		CHECK(strstr(out.p, "INNER") && strstr(out.p, "AFTER"),
		      "100000 x %s keeps the innermost text and what follows",
		      shapes[i].open);
		CHECK(strstr(text.p, "INNER") && strstr(text.p, "AFTER"),
		      "100000 x %s: text keeps it", shapes[i].open);
		CHECK(verify(shapes[i].open, out.p, 1), "100000 x %s verified",
		      shapes[i].open);
		printf("depth 100000 x %s: %.3fs, %zu bytes out, %u flattened\n",
		       shapes[i].open, secs, out.n, rep.depth_flattened);
		buf_release(&out);
		buf_release(&text);
		free(in);
	}
	/* Flattening is reported; below the limit nothing is. */
	struct sanitize_report rep = SANITIZE_REPORT_INIT;
	char *in = nested("<b>", "</b>", 1000, "x");
	free(sanitize_str(in, strlen(in), &rep));
	CHECK(rep.depth_flattened > 700, "1000 <b>: %u flattened",
	      rep.depth_flattened);
	free(in);
	rep = (struct sanitize_report)SANITIZE_REPORT_INIT;
	in = nested("<b>", "</b>", 50, "x");
	free(sanitize_str(in, strlen(in), &rep));
	CHECK(rep.depth_flattened == 0, "50 <b>: none flattened");
	free(in);
}

static void test_text(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "<p>a</p><p>b</p>", "a\nb\n" },
		{ "<h2>T</h2><ul><li>one</li><li>two <b>bold</b></li></ul>",
		  "T\none\ntwo bold\n" },
		{ "<p>line<br>next<br><br>third</p>", "line\nnext\nthird\n" },
		{ "<div>a</div><div>b<span>c</span> d</div>", "a\nbc d\n" },
		{ "<table><tr><td>Pay</td><td>$10 </td></tr><tr><th>x</th></tr></table>",
		  "Pay\t$10\nx\n" },
		{ "<p>a<script>x()</script><style>p{}</style>b<!-- c --></p>", "ab\n" },
		{ "<p>&amp; &lt;tag&gt; &eacute; a&nbsp;b</p>", "& <tag> \xc3\xa9 a b\n" },
		{ "<pre>a  b\n c</pre>", "a b\nc\n" },
		{ "  <p> spaced \n out </p>  ", "spaced out\n" },
		{ "", "" },
		{ "<b>Role:</b>Sales", "Role:Sales\n" },
		{ "<p>a<embed>b</p>", "ab\n" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct buf out = BUF_INIT;
		html_to_text(cases[i].in, strlen(cases[i].in), &out);
		CHECK_STR(out.p, cases[i].want, "html_to_text '%s'", cases[i].in);
		buf_release(&out);
	}
}

static void test_markdown(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "# [Title](https://e.com/x)  \n### Co  \n",
		  "<h2><a href=\"https://e.com/x\" rel=\"nofollow noopener noreferrer ugc\">Title</a></h2>\n<h3>Co</h3>\n" },
		{ "**_**Must reside in Florida**_**\n",
		  "<p><strong><em><strong>Must reside in Florida</strong></em></strong></p>\n" },
		{ "  * one \n  * two\n", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n" },
		{ "line one  \nline two\n", "<p>line one<br>\nline two</p>\n" },
		{ "## CLICK TO [APPLY](https://e.com/apply)\n",
		  "<h2>CLICK TO <a href=\"https://e.com/apply\" rel=\"nofollow noopener noreferrer ugc\">APPLY</a></h2>\n" },
		{ "[x](javascript:alert(1)) <script>alert(1)</script>\n",
		  "<p>x</p>\n" },
		{ "<div onclick=\"x\">raw *html*</div>\n\ntext\n",
		  "<p>raw *html*</p>\n<p>text</p>\n" },
		{ "```\n<b>code</b>\n```\n", "<pre><code>&lt;b&gt;code&lt;/b&gt;\n</code></pre>\n" },
		{ "\"quotes\" -- dashes...\n", "<p>\"quotes\" -- dashes...</p>\n" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct buf out = BUF_INIT;
		CHECK(markdown_to_html(cases[i].in, strlen(cases[i].in), &out,
				       NULL, NULL) == 0,
		      "markdown '%s'", cases[i].in);
		CHECK_STR(out.p, cases[i].want, "markdown '%s'", cases[i].in);
		CHECK(verify("markdown", out.p, 1), "markdown '%s' verified",
		      cases[i].in);
		buf_release(&out);
	}
}

static void test_report(void)
{
	const char *in =
		"<div class=x><script>a</script><p style=y onclick=z>t</p>"
		"<a href=\"javascript:x\">j</a><a href=\"/rel\">r</a>"
		"<a href=\"https://ok/\" target=_blank>o</a><span>s</span></div>";
	struct sanitize_report rep = SANITIZE_REPORT_INIT;
	char *out = sanitize_str(in, strlen(in), &rep);
	CHECK(rep.dropped == 1, "dropped %u", rep.dropped);
	CHECK_STR(rep.first_dropped, "script", "first dropped");
	CHECK(rep.unwrapped == 4, "unwrapped %u (div, 2 links, span)",
	      rep.unwrapped);
	CHECK(rep.attrs_removed == 6, "attributes removed %u", rep.attrs_removed);
	CHECK(rep.links_bad_scheme == 1, "bad scheme %u", rep.links_bad_scheme);
	CHECK(rep.links_relative == 1, "relative %u", rep.links_relative);
	free(out);
}

/* The loader's way: parse a page, pick the container, sanitize it. */
static void test_node(void)
{
	const char *page =
		"<!DOCTYPE html><html><head><title>Job</title><script>x</script></head>"
		"<body><nav>menu</nav><div id=\"jobDescriptionText\"><h1>Role</h1>"
		"<p>Do <b>things</b>.</p></div><footer>f</footer></body></html>";
	xmlDoc *doc = sanitize_parse_html(page, strlen(page));
	CHECK(doc != NULL, "page parses");
	if (!doc)
		return;
	const xmlNode *n = xmlDocGetRootElement(doc), *found = NULL;
	while (n && !found) {
		if (n->type == XML_ELEMENT_NODE) {
			xmlChar *id = xmlGetProp(n, BAD_CAST "id");
			if (id && !strcmp((char *)id, "jobDescriptionText"))
				found = n;
			xmlFree(id);
		}
		if (n->children) {
			n = n->children;
			continue;
		}
		while (n && !n->next)
			n = n->parent;
		if (n)
			n = n->next;
	}
	CHECK(found != NULL, "container found");
	if (found) {
		struct buf out = BUF_INIT, text = BUF_INIT;
		sanitize_node(found, &out, NULL);
		node_to_text(found, &text);
		CHECK_STR(out.p, "<h2>Role</h2>\n<p>Do <b>things</b>.</p>\n",
			  "sanitize_node");
		CHECK_STR(text.p, "Role\nDo things.\n", "node_to_text");
		buf_release(&out);
		buf_release(&text);
	}
	xmlFreeDoc(doc);
	CHECK(sanitize_parse_html("", 0) == NULL, "empty input: no document");
	struct buf out = BUF_INIT;
	CHECK(sanitize_html("", 0, &out, NULL, NULL) == 0 && out.n == 0,
	      "empty input: empty output");
	CHECK(sanitize_html("<!-- x -->", 10, &out, NULL, NULL) == 0 &&
		      out.n == 0, "comment only: empty output");
	buf_release(&out);
}

/* Two threads at once give the same bytes as one. */
struct job {
	const char *in;
	char *out;
};

static void *run_jobs(void *arg)
{
	struct job *j = arg;
	for (; j->in; j++) {
		struct buf b = BUF_INIT;
		markdown_to_html(j->in, strlen(j->in), &b, NULL, NULL);
		j->out = buf_detach(&b, NULL);
	}
	return NULL;
}

static void test_threads(void)
{
	static const char *const inputs[] = {
		"<p>a <b>b</b></p><script>x</script>", "* one\n* two\n",
		"<table><tr><td>1</td></tr></table>", "<a href=\"https://x/\">l</a>",
	};
	enum { PER = 400 };
	struct job *jobs[2];
	for (int t = 0; t < 2; t++) {
		jobs[t] = xcalloc(PER + 1, sizeof **jobs);
		for (int i = 0; i < PER; i++)
			jobs[t][i].in = inputs[i % ARRAY_SIZE(inputs)];
	}
	pthread_t th[2];
	for (int t = 0; t < 2; t++)
		pthread_create(&th[t], NULL, run_jobs, jobs[t]);
	for (int t = 0; t < 2; t++)
		pthread_join(th[t], NULL);
	int same = 1;
	for (int i = 0; i < PER; i++) {
		struct buf b = BUF_INIT;
		markdown_to_html(jobs[0][i].in, strlen(jobs[0][i].in), &b, NULL, NULL);
		same &= !strcmp(b.p, jobs[0][i].out) && !strcmp(b.p, jobs[1][i].out);
		buf_release(&b);
		free(jobs[0][i].out);
		free(jobs[1][i].out);
	}
	CHECK(same, "threads give the same output");
	free(jobs[0]);
	free(jobs[1]);
}


/* ---- markdown_to_html(): the tree built from cmark's, against the parse ---- */

static unsigned two_ways_tried, two_ways_same, two_ways_fast;

/* Both ways for one input: the same bytes, text and report. */
static int two_ways(const char *what, const char *md, size_t n)
{
	struct buf a = BUF_INIT, b = BUF_INIT, ta = BUF_INIT, tb = BUF_INIT;
	struct sanitize_report ra = SANITIZE_REPORT_INIT, rb = SANITIZE_REPORT_INIT;
	markdown_to_html(md, n, &a, &ta, &ra);
	cmark_node *root = cmark_parse_document(md, n, CMARK_OPT_UNSAFE | CMARK_OPT_VALIDATE_UTF8);
	markdown_to_html_parsed(root, &b, &tb, &rb);
	/* which way markdown_to_html() took: raw HTML sends it to the parser */
	int raw = 0;
	cmark_iter *it = cmark_iter_new(root);
	for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
		cmark_node_type t = cmark_node_get_type(cmark_iter_get_node(it));
		raw |= t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE;
	}
	cmark_iter_free(it);
	cmark_node_free(root);
	int same = a.n == b.n && !memcmp(a.p, b.p, a.n) && ta.n == tb.n &&
		   !memcmp(ta.p, tb.p, ta.n) && ra.dropped == rb.dropped &&
		   ra.unwrapped == rb.unwrapped && ra.attrs_removed == rb.attrs_removed &&
		   ra.links_bad_scheme == rb.links_bad_scheme &&
		   ra.links_relative == rb.links_relative && ra.depth_flattened == rb.depth_flattened &&
		   tap_streq(ra.first_dropped, rb.first_dropped);
	if (!same && two_ways_tried - two_ways_same < 5)
		fprintf(stderr, "two ways differ for %s:\n%.*s\n--- from cmark's tree:\n%s\n--- parsed:\n%s\n",
			what, (int)(n < 400 ? n : 400), md, buf_cstr(&a), buf_cstr(&b));
	two_ways_tried++;
	two_ways_same += same;
	two_ways_fast += !raw;
	buf_release(&a);
	buf_release(&b);
	buf_release(&ta);
	buf_release(&tb);
	return same;
}

/* Every file of `dir` (JOBSITE_MD_CORPUS: t-fields-corpus.sh gives its
 * generated postings) as Markdown, whatever its extension. */
static void two_ways_dir(const char *dir)
{
	DIR *d = opendir(dir);
	CHECK(d != NULL, "cannot read '%s'", dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *path = path_join(dir, e->d_name);
		struct buf f = BUF_INIT;
		if (read_file(path, &f, 0) == 0)
			two_ways(path, f.p, f.n);
		buf_release(&f);
		free(path);
	}
	if (d)
		closedir(d);
}

static void test_two_ways(void)
{
	/* what the tree must get right: every element, link destinations
	 * byte for byte (cmark percent-encodes some), breaks, tight and loose
	 * lists, code, images (dropped, but counted), raw HTML (parsed) */
	static const char *const cases[] = {
		"[a](http://x.com/a b)", "[a](<http://x.com/a b>)",
		"[a](http://x.com/~user?a=1&b='2'#f)", "[\xc3\xbc](http://ex.com/\xc3\xbc/%41)",
		"[all](http://h/ !\"#$%&'()*+,-./09:;<=>?@AZ[\\\\]^_`az{|}~)",
		"<http://auto.link/x>", "<mail@example.com>", "![img](http://x/y.png \"t\")",
		"![alt *em*](x.png) after", "- a\n- b\n\n  para\n- c", "1. one\n2. two", "3. three\n4. four",
		"- tight\n  - nested\n- x", "- tight\n  # heading\n- x", "> quote\n> > nested\n\n- in\n  > quote",
		"```js extra\ncode <b>\n```\n", "    indented\n    code\n", "# H1\n###### H6\nSetext\n===\n",
		"a  \nb\\\nc\nd", "***\n---\n___", "`code` **strong** *em* _em_ __s__",
		"[ref]\n\n[ref]: http://ref.example \"Title\"", "[x](javascript:alert(1))", "[x]()",
		"[x](#frag)", "[x](//host/path)", "[x](mailto:a@b.c)", "[x](HTTP://UPPER.example/)",
		"&copy; &amp; &lt;b&gt; &#65; &nbsp;x", "tab\there", "line\r\nwindows\r\n",
		"a\xc2\xa0" "b", "emoji \xf0\x9f\x8e\x89 [x](http://a/\xf0\x9f\x8e\x89)",
		"- [link](http://a)\n- **b**\n\n1) x\n2) y", "* * *", "- a\n\n- b", "1. a\n\n   b\n2. c",
		"```\n\n\nleading newlines\n```", "~~~\n~\n~~~", "x<y>z", "<div>html</div>", "a <b>b</b>",
		"[a `code` b](http://x)", "**[bold link](http://x)**", "[![img](a.png)](http://x)",
		"[a [nested](http://in) b](http://out)", "\\*not em\\*", "h\n-", "- ", "1.", ">", "",
		"\n\n", "   ", "[x](http://a\"b)", "[x](http://a)b[y](http://c)", "bad \xff\xfe utf-8",
		"ctl \x01\x02 bytes", "cr\ronly", "del \x7f",
		"- a\n  - b\n    - c\n      - d\n        - e", "> - a\n>   > b\n\n---\n\n1. x\n   ```\n   y\n   ```",
		"**a *b* c**", "*a **b** c*", "_a_b_", "[link *em* **st**](http://x \"t\")",
		"Text\n\n<!-- comment -->\n\nmore", "<script>alert(1)</script>\n\ntext",
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		two_ways("case", cases[i], strlen(cases[i]));
	CHECK(two_ways_fast * 4 > two_ways_tried * 3, "most cases take cmark's tree (%u of %u)",
	      two_ways_fast, two_ways_tried);
	static const char nul[] = "nul \0 inside [x](http://a/\0b)";
	two_ways("NUL bytes", nul, sizeof nul - 1);
	/* the seeds and every payload line */
	char *dir = path_join(shared(), "seeds");
	two_ways_dir(dir);
	free(dir);
	char *path = path_join(shared(), "xss/payloads.txt");
	struct buf f = BUF_INIT;
	if (read_file(path, &f, 0) == 0)
		for (char *p = f.p, *end = f.p + f.n; p < end;) {
			char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
			two_ways("payload", p, n);
			p = nl ? nl + 1 : end;
		}
	buf_release(&f);
	free(path);
	const char *corpus = getenv("JOBSITE_MD_CORPUS");
	if (corpus && *corpus) {
		unsigned tried = two_ways_tried, fast = two_ways_fast;
		two_ways_dir(corpus);
		CHECK(two_ways_fast - fast > (two_ways_tried - tried) / 2,
		      "most corpus files take cmark's tree (%u of %u)", two_ways_fast - fast,
		      two_ways_tried - tried);
	}
	printf("markdown two ways: %u inputs, %u the same, %u by cmark's tree\n", two_ways_tried,
	       two_ways_same, two_ways_fast);
	CHECK(two_ways_same == two_ways_tried, "markdown: the tree and the parse agree on %u of %u",
	      two_ways_same, two_ways_tried);
}

int main(void)
{
	sanitize_global_init();
	test_cases();
	test_text();
	test_markdown();
	test_report();
	test_node();
	test_seeds();
	test_depth();
	test_payloads();
	test_threads();
	test_two_ways();
	return test_done();
}
