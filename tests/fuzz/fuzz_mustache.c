/*
 * fuzz_mustache.c - libFuzzer target: compile and render arbitrary bytes.
 *
 * The input is split at NUL bytes into: template, partial "p", partial "q",
 * JSON data (anything that does not parse is used as a JSON string, so
 * dynamic names see fuzzed text too).  Work is bounded with
 * mustache_set_limits(), so a template that is merely expensive is not a
 * finding; a crash, leak, sanitizer report or timeout is.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "mdata_json.h"
#include "mustache.h"

static struct slice part(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *s = *p, *z = memchr(s, 0, (size_t)(end - s));
	*p = z ? z + 1 : end;
	return (struct slice){ (const char *)s, (size_t)((z ? z : end) - s) };
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	const uint8_t *p = data, *end = data + size;
	struct slice tmpl = part(&p, end), pp = part(&p, end),
		     pq = part(&p, end), js = { (const char *)p, (size_t)(end - p) };

	json_t *root = json_loadb(js.p, js.n, JSON_DECODE_ANY, NULL);
	if (!root)
		root = json_stringn_nocheck(js.p, js.n);
	struct mustache_set *set = mustache_set_new();
	mustache_set_limits(set, 200000, 1 << 20);
	mustache_set_add(set, "p", pp);
	mustache_set_add(set, "q", pq);
	struct mustache_error err = { 0 };
	struct buf out = BUF_INIT;
	const struct mustache_tmpl *t = mustache_compile(set, "fuzz", tmpl, &err);
	if (!t || mdata_json_render(t, root, &out, &err))
		mustache_error_print(&err, devnull);
	mustache_error_release(&err);
	/* the partials on their own, as a template set would load them */
	t = mustache_set_get(set, "p", &err);
	buf_reset(&out);
	if (!t || mdata_json_render(t, root, &out, &err))
		mustache_error_print(&err, devnull);
	mustache_error_release(&err);
	buf_release(&out);
	mustache_set_free(set);
	json_decref(root);
	return 0;
}
