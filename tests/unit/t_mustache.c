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

int main(void)
{
	test_spec();
	return test_done();
}
