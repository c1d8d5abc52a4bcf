/*
 * t_mustache.c - the template engine against the official Mustache spec
 * ($SHARED/mustache-spec/NAME.json, ~lambdas excepted: C templates have no
 * code to call), then error reports, limits, threads and pathological
 * templates.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdata_json.h"
#include "mustache.h"
#include "tap.h"
#include "util.h"

static const struct {
	const char *file;
	unsigned cases;
} spec_files[] = {
	{ "comments.json", 12 },     { "delimiters.json", 14 },
	{ "interpolation.json", 42 }, { "inverted.json", 22 },
	{ "partials.json", 12 },      { "sections.json", 34 },
	{ "~inheritance.json", 27 },  { "~dynamic-names.json", 21 },
};

/* Render `tmpl` with `data` and the `partials` map; 0 and *out, or -1. */
static int render_case(const char *tmpl, json_t *data, json_t *partials,
		       struct buf *out, struct mustache_error *err)
{
	struct mustache_set *set = mustache_set_new();
	const char *name;
	json_t *v;
	json_object_foreach(partials, name, v)
		mustache_set_add(set, name, slice_from(json_string_value(v)));
	int rc = -1;
	const struct mustache_tmpl *t =
		mustache_compile(set, "<spec>", slice_from(tmpl), err);
	if (t)
		rc = mdata_json_render(t, data, out, err);
	mustache_set_free(set);
	return rc;
}

static unsigned run_spec_file(const char *dir, const char *file,
			      unsigned *ran)
{
	char *path = path_join(dir, file);
	json_error_t jerr;
	json_t *doc = json_load_file(path, 0, &jerr);
	unsigned passed = 0;
	*ran = 0;
	CHECK(doc != NULL, "%s:%d: %s", path, jerr.line, jerr.text);
	if (!doc) {
		free(path);
		return 0;
	}
	size_t i;
	json_t *tc;
	json_array_foreach(json_object_get(doc, "tests"), i, tc) {
		const char *name = json_string_value(json_object_get(tc, "name"));
		const char *want = json_string_value(json_object_get(tc, "expected"));
		struct buf out = BUF_INIT;
		struct mustache_error err = { 0 };
		int rc = render_case(
			json_string_value(json_object_get(tc, "template")),
			json_object_get(tc, "data"),
			json_object_get(tc, "partials"), &out, &err);
		(*ran)++;
		if (rc == 0 && !strcmp(buf_cstr(&out), want)) {
			passed++;
			tap_pass++;
		} else {
			tap_fail++;
			fprintf(stderr, "FAIL %s: %s\n", file, name);
			if (rc)
				mustache_error_print(&err, stderr);
			else
				fprintf(stderr, "  got:  \"%s\"\n  want: \"%s\"\n",
					buf_cstr(&out), want);
		}
		mustache_error_release(&err);
		buf_release(&out);
	}
	json_decref(doc);
	free(path);
	return passed;
}

static void test_spec(void)
{
	const char *shared = getenv("SHARED");
	char *dir = path_join(shared && *shared ? shared : "../shared",
			      "mustache-spec");
	unsigned total = 0, total_passed = 0;
	for (size_t i = 0; i < ARRAY_SIZE(spec_files); i++) {
		unsigned ran;
		unsigned p = run_spec_file(dir, spec_files[i].file, &ran);
		printf("spec %-22s %3u of %3u passed\n", spec_files[i].file, p,
		       spec_files[i].cases);
		CHECK(ran == spec_files[i].cases, "%s: %u cases, expected %u",
		      spec_files[i].file, ran, spec_files[i].cases);
		total += ran;
		total_passed += p;
	}
	printf("spec: %u of %u passed\n", total_passed, total);
	CHECK(total == 184, "spec: %u cases, expected 184", total);
	free(dir);
}

/* Compile `src` in a fresh set and return the error report as printed. */
static char *compile_error(const char *src)
{
	struct mustache_set *set = mustache_set_new();
	struct mustache_error err = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!mustache_compile(set, "page.mustache", slice_from(src), &err))
		mustache_error_print(&err, f);
	fclose(f);
	mustache_error_release(&err);
	mustache_set_free(set);
	return text;
}

static void test_errors(void)
{
	static const struct {
		const char *src, *want;
	} cases[] = {
		{ "<ul>\n  {{#items}}\n<li>{{name}}</li>\n",
		  "page.mustache:2:3: error: unclosed section 'items'\n"
		  "    {{#items}}\n    ^\n" },
		{ "{{#a}}{{^b}}\n\t{{/a}}{{/b}}",
		  "page.mustache:2:2: error: mismatched closing tag 'a': the open "
		  "inverted section is 'b'\n  \t{{/a}}{{/b}}\n  \t^\n" },
		{ "x\n{{/a}}", "page.mustache:2:1: error: closing tag 'a' without "
		  "an open section\n  {{/a}}\n  ^\n" },
		{ "caf\xc3\xa9 {{=<% %> x=}}", "page.mustache:1:6: error: bad "
		  "delimiter change '{{=<% %> x=}}'\n  caf\xc3\xa9 {{=<% %> x=}}\n"
		  "       ^\n" },
		{ "{{=<% %>=}}\n<%=<%=%>", "page.mustache:2:1: error: bad "
		  "delimiter change '<%=<%=%>'\n  <%=<%=%>\n  ^\n" },
		{ "{{=<% %>}}", "page.mustache:1:1: error: bad "
		  "delimiter change '{{=<% %>}}'\n  {{=<% %>}}\n  ^\n" },
		{ "a {{b}} {{c\nd", "page.mustache:1:9: error: unterminated tag\n"
		  "  a {{b}} {{c\n          ^\n" },
		{ "a {{{b}}", "page.mustache:1:3: error: unterminated tag\n"
		  "  a {{{b}}\n    ^\n" },
		{ "a {{ }}", "page.mustache:1:3: error: empty tag name\n"
		  "  a {{ }}\n    ^\n" },
		{ "{{#}}{{/}}", "page.mustache:1:1: error: empty tag name\n"
		  "  {{#}}{{/}}\n  ^\n" },
		{ "{{a b}}", "page.mustache:1:1: error: bad tag name 'a b'\n"
		  "  {{a b}}\n  ^\n" },
		{ "{{$title}}x", "page.mustache:1:1: error: unclosed block 'title'\n"
		  "  {{$title}}x\n  ^\n" },
		{ "\r\n {{<base}}{{$a}}{{/a}}\r\n", "page.mustache:2:2: error: "
		  "unclosed parent 'base'\n   {{<base}}{{$a}}{{/a}}\n   ^\n" },
		{ "  {{<base}}{{/base}}", "page.mustache:1:3: error: unknown parent "
		  "'base'\n    {{<base}}{{/base}}\n    ^\n" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = compile_error(cases[i].src);
		CHECK_STR(got, cases[i].want, "error report %zu", i);
		free(got);
	}
	/* A block the parent does not have is a typo, not silence. */
	{
		struct mustache_set *bs = mustache_set_new();
		struct mustache_error be = { 0 };
		mustache_set_add(bs, "base", SLICE_LIT("<{{$main}}{{/main}}>{{>foot}}"));
		mustache_set_add(bs, "foot", SLICE_LIT("{{$footer}}{{/footer}}"));
		CHECK(mustache_compile(bs, "ok", SLICE_LIT(
			"{{<base}}{{$main}}m{{/main}}{{$footer}}f{{/footer}}{{/base}}"),
			&be) != NULL, "blocks of the parent and its partials");
		CHECK(!mustache_compile(bs, "page.mustache", SLICE_LIT(
			"{{<base}}\n  {{$mian}}m{{/mian}}\n{{/base}}"), &be),
		      "unknown block");
		CHECK_STR(be.message, "unknown block 'mian': parent 'base' has none",
			  "unknown block message");
		CHECK(be.line == 2 && be.col == 3, "unknown block at %u:%u",
		      be.line, be.col);
		mustache_error_release(&be);
		mustache_set_free(bs);
	}
	/* An error inside a partial names the partial's file. */
	struct mustache_set *set = mustache_set_new();
	struct mustache_error err = { 0 };
	mustache_set_add(set, "head", SLICE_LIT("ok\n{{#x}}"));
	CHECK(!mustache_compile(set, "page", SLICE_LIT("{{>head}}"), &err),
	      "a broken partial fails its includer");
	CHECK_STR(err.file, "head", "error file");
	CHECK(err.line == 2 && err.col == 1, "error position %u:%u", err.line,
	      err.col);
	mustache_error_release(&err);
	/* ... and the set recovers once it is fixed */
	mustache_set_add(set, "head", SLICE_LIT("ok"));
	CHECK(mustache_compile(set, "page", SLICE_LIT("{{>head}}"), &err) != NULL,
	      "compiles after the partial is fixed");
	CHECK(!mustache_set_get(set, "nosuch", &err), "missing template");
	CHECK_STR(err.message, "template 'nosuch' not found", "missing message");
	mustache_error_release(&err);
	mustache_set_free(set);
}

/* Render `src` (partials: name, text pairs) with JSON `data`. */
static char *render(const char *src, const char *data, const char **partials,
		    int *rc, struct mustache_error *err)
{
	struct mustache_set *set = mustache_set_new();
	for (; partials && partials[0]; partials += 2)
		mustache_set_add(set, partials[0], slice_from(partials[1]));
	json_t *root = json_loads(data, JSON_DECODE_ANY, NULL);
	struct buf out = BUF_INIT;
	const struct mustache_tmpl *t =
		mustache_compile(set, "t", slice_from(src), err);
	*rc = t ? mdata_json_render(t, root, &out, err) : -2;
	json_decref(root);
	mustache_set_free(set);
	return buf_detach(&out, NULL);
}

static void check_render(const char *src, const char *data,
			 const char **partials, const char *want)
{
	struct mustache_error err = { 0 };
	int rc;
	char *got = render(src, data, partials, &rc, &err);
	CHECK(rc == 0, "render %s: %s", src, err.message);
	CHECK_STR(got, want, "render %s", src);
	free(got);
	mustache_error_release(&err);
}

static void test_behaviour(void)
{
	/* JavaScript truthiness, as the spec's `!!data` */
	check_render("{{#s}}s{{/s}}{{#z}}z{{/z}}{{#f}}f{{/f}}{{#o}}o{{/o}}"
		     "{{^s}}!s{{/s}}{{^z}}!z{{/z}}",
		     "{\"s\": \"\", \"z\": 0, \"f\": 0.0, \"o\": {}}", NULL,
		     "o!s!z");
	check_render("{{a}} {{b}} {{c}} {{d}} {{e}} {{f}} {{g}} {{h}}",
		     "{\"a\": 1.210, \"b\": 85, \"c\": -0.1, \"d\": 1e21, "
		     "\"e\": true, \"f\": [1], \"g\": -9223372036854775808, "
		     "\"h\": 0}", NULL,
		     "1.21 85 -0.1 1e+21 true  -9223372036854775808 0");
	check_render("{{x}}|{{{x}}}|{{&x}}", "{\"x\": \"<a href='x'>&\\\"</a>\"}",
		     NULL, "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;|"
		     "<a href='x'>&\"</a>|<a href='x'>&\"</a>");
	/* names from data never leave the template directories */
	const char *p[] = { "ok", "fine", NULL };
	check_render("[{{>*a}}][{{>*b}}][{{>*c}}]",
		     "{\"a\": \"../ok\", \"b\": \"/etc/passwd\", \"c\": \"ok\"}",
		     p, "[][][fine]");
	/* one base layout for every page, with nested standalone indentation */
	const char *layout[] = {
		"base", "<html>\n  <body>\n    {{$main}}\n    {{/main}}\n"
			"  </body>\n</html>\n",
		"item", "<li>\n  {{name}}\n</li>\n",
		NULL };
	check_render("{{<base}}\n{{$main}}\n<ul>\n  {{#items}}\n  {{>item}}\n"
		     "  {{/items}}\n</ul>\n{{/main}}\n{{/base}}\n",
		     "{\"items\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}", layout,
		     "<html>\n  <body>\n    <ul>\n      <li>\n        a\n      "
		     "</li>\n      <li>\n        b\n      </li>\n    </ul>\n"
		     "  </body>\n</html>\n");
}

static void test_limits(void)
{
	struct mustache_error err = { 0 };
	int rc;
	/* infinite recursion through partials, parents and blocks */
	const char *loop[] = { "p", "{{>p}}", NULL };
	free(render("{{>p}}", "{}", loop, &rc, &err));
	CHECK(rc == -1, "partial recursion stops");
	CHECK_STR(err.message, "partial 'p' nested too deeply (limit 64)",
		  "depth message");
	const char *ploop[] = { "q", "{{<q}}{{/q}}", NULL };
	free(render("{{<q}}{{/q}}", "{}", ploop, &rc, &err));
	CHECK(rc == -1, "parent recursion stops: %s", err.message);
	free(render("{{<q}}{{$a}}{{$a}}{{/a}}{{/a}}{{/q}}", "{}",
		    (const char *[]){ "q", "{{$a}}{{/a}}", NULL }, &rc, &err));
	CHECK(rc == 0, "self-referring block override ends");
	/* dynamic recursion driven by data */
	free(render("{{>*n}}", "{\"n\": \"r\"}",
		    (const char *[]){ "r", "x{{>*n}}", NULL }, &rc, &err));
	CHECK(rc == -1, "dynamic partial recursion stops");
	/* exponential work: stopped by the step limit */
	struct mustache_set *set = mustache_set_new();
	mustache_set_limits(set, 100000, 0);
	struct buf tmpl = BUF_INIT, out = BUF_INIT;
	for (int i = 0; i < 30; i++)
		buf_puts(&tmpl, "{{#l}}");
	for (int i = 0; i < 30; i++)
		buf_puts(&tmpl, "{{/l}}");
	json_t *data = json_loads("{\"l\": [1, 2, 3, 4, 5, 6, 7, 8]}", 0, NULL);
	const struct mustache_tmpl *t =
		mustache_compile(set, "x", buf_slice(&tmpl), &err);
	CHECK(t && mdata_json_render(t, data, &out, &err) == -1,
	      "step limit stops a 8^30 render");
	CHECK_STR(err.message, "render stopped after 100000 steps", "steps");
	/* output limit */
	mustache_set_limits(set, 0, 1000);
	buf_reset(&tmpl);
	buf_reset(&out);
	buf_puts(&tmpl, "{{#l}}{{#l}}{{#l}}{{#l}}0123456789{{/l}}{{/l}}{{/l}}{{/l}}");
	t = mustache_compile(set, "x", buf_slice(&tmpl), &err);
	CHECK(t && mdata_json_render(t, data, &out, &err) == -1 &&
	      out.n < 1100, "output limit");
	json_decref(data);
	buf_release(&tmpl);
	buf_release(&out);
	mustache_set_free(set);
	mustache_error_release(&err);
}

static void test_pathological(void)
{
	struct mustache_error err = { 0 };
	struct buf tmpl = BUF_INIT;
	int rc;
	/* deep nesting: an error, not a stack overflow */
	for (int i = 0; i < 100000; i++)
		buf_puts(&tmpl, "{{#a}}");
	char *got = render(buf_cstr(&tmpl), "{}", NULL, &rc, &err);
	CHECK(rc == -2, "100000 nested sections rejected");
	CHECK_STR(err.message, "sections nested too deeply (limit 100)", "nesting");
	free(got);
	/* the nesting limit itself works */
	buf_reset(&tmpl);
	for (int i = 0; i < MUSTACHE_MAX_NESTING; i++)
		buf_puts(&tmpl, "{{#a}}{{$b}}");
	free(render(buf_cstr(&tmpl), "{}", NULL, &rc, &err));
	CHECK(rc == -2, "unclosed at the limit");
	buf_reset(&tmpl);
	for (int i = 0; i < MUSTACHE_MAX_NESTING / 2; i++)
		buf_puts(&tmpl, "{{#a}}{{$b}}");
	buf_puts(&tmpl, "{{a.x}}");
	for (int i = 0; i < MUSTACHE_MAX_NESTING / 2; i++)
		buf_puts(&tmpl, "{{/b}}{{/a}}");
	got = render(buf_cstr(&tmpl), "{\"a\": {\"x\": 7}}", NULL, &rc, &err);
	CHECK(rc == 0, "100 levels render");
	CHECK_STR(got, "7", "100 levels");
	free(got);
	/* 200000 tags */
	buf_reset(&tmpl);
	for (int i = 0; i < 200000; i++)
		buf_puts(&tmpl, "{{x}}\n");
	got = render(buf_cstr(&tmpl), "{\"x\": \"<\"}", NULL, &rc, &err);
	CHECK(rc == 0 && strlen(got) == 1000000, "200000 tags");
	free(got);
	/* changed delimiters and stray braces ("{{{{x}}}" names "{x") */
	check_render("{{=| |=}}|x| {{x}} |={{ }}=|{{x}}}} {{{{x}}}", "{\"x\": 1}",
		     NULL, "1 {{x}} 1}} ");
	buf_release(&tmpl);
	mustache_error_release(&err);
}

struct job {
	const struct mustache_tmpl *t;
	json_t *data;
	char *out;
	int rc;
};

static void *render_thread(void *arg)
{
	struct job *j = arg;
	struct buf out = BUF_INIT;
	j->rc = 0;
	for (int i = 0; i < 500 && !j->rc; i++) {
		buf_reset(&out);
		j->rc = mdata_json_render(j->t, j->data, &out, NULL);
	}
	j->out = buf_detach(&out, NULL);
	return NULL;
}

static void test_threads(void)
{
	struct mustache_set *set = mustache_set_new();
	mustache_set_add(set, "row", SLICE_LIT("<td>{{.}}</td>{{>*next}}"));
	mustache_set_add(set, "end", SLICE_LIT("."));
	mustache_set_add(set, "base", SLICE_LIT("[{{$x}}{{/x}}]"));
	struct mustache_error err = { 0 };
	const struct mustache_tmpl *t = mustache_compile(set, "page", SLICE_LIT(
		"{{<base}}{{$x}}{{#rows}}{{>row}}{{/rows}}{{/x}}{{/base}}"), &err);
	CHECK(t != NULL, "threads template: %s", err.message);
	json_t *data = json_loads("{\"next\": \"end\", \"rows\": [\"a&\", 2, 3.5]}",
				  0, NULL);
	struct job jobs[2] = { { t, data, NULL, 0 }, { t, data, NULL, 0 } };
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, render_thread, &jobs[i]);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	const char *want = "[<td>a&amp;</td>.<td>2</td>.<td>3.5</td>.]";
	for (int i = 0; i < 2; i++) {
		CHECK(jobs[i].rc == 0, "thread %d rendered", i);
		CHECK_STR(jobs[i].out, want, "thread %d output", i);
		free(jobs[i].out);
	}
	json_decref(data);
	mustache_set_free(set);
}

/* mustache_escape_html against its definition, a byte at a time: & < > " '
 * as entities, every other byte as it is; on random texts with controls,
 * UTF-8 and bytes that are not UTF-8, appended after what the buffer held. */
static void ref_html(struct buf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': buf_puts(out, "&amp;"); break;
		case '<': buf_puts(out, "&lt;"); break;
		case '>': buf_puts(out, "&gt;"); break;
		case '"': buf_puts(out, "&quot;"); break;
		case '\'': buf_puts(out, "&#39;"); break;
		default: buf_putc(out, s[i]);
		}
	}
}

static void test_escape(void)
{
	static const char *const pieces[] = {
		"a", "plain text ", "0123456789abcdef", "&", "<", ">", "\"", "'", "\t", "\n",
		"\r", "\x01", "\x1f", "\x7f", "\xC3\xA9", "\xE2\x80\xA8", "\xff", " ", "=",
		"&amp;",
	};
	unsigned seed = 4242;
	int bad = 0;
	for (int round = 0; round < 20000 && bad < 5; round++) {
		char text[700];
		size_t n = 0;
		seed = seed * 1103515245u + 12345u;
		size_t want_n = (seed >> 16) % 300;
		while (n < want_n) {
			seed = seed * 1103515245u + 12345u;
			const char *p = pieces[(seed >> 16) % ARRAY_SIZE(pieces)];
			size_t l = strlen(p);
			if (n + l >= sizeof text)
				break;
			memcpy(text + n, p, l);
			n += l;
		}
		struct buf got = BUF_INIT, want = BUF_INIT;
		buf_puts(&got, "x");
		buf_puts(&want, "x");
		mustache_escape_html(&got, (struct slice){ text, n });
		ref_html(&want, text, n);
		int ok = slice_eq(buf_slice(&got), buf_slice(&want));
		CHECK(ok, "mustache_escape_html of \"%.*s\"", (int)n, text);
		bad += !ok;
		buf_release(&got);
		buf_release(&want);
	}
}

int main(void)
{
	test_spec();
	test_errors();
	test_behaviour();
	test_limits();
	test_pathological();
	test_threads();
	test_escape();
	return test_done();
}
