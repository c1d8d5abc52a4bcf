/*
 * b_mustache.c - render the benchmark page (a base layout through
 * inheritance, 3 partials, a 20-item section, escaping) N times with the
 * JSON adapter and print renders per second.
 *
 *   b_mustache [DIR [N [OUT]]]   DIR: tests/bench/mustache, N: 100000;
 *                                OUT: where to write one rendering
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mdata_json.h"
#include "mustache.h"
#include "util.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "tests/bench/mustache";
	long n = argc > 2 ? atol(argv[2]) : 100000;
	const char *out_path = argc > 3 ? argv[3] : NULL;
	int rc = 1;
	struct mustache_error err = { 0 };
	struct buf out = BUF_INIT;
	struct mustache_set *set = mustache_set_new();
	mustache_set_add_dir(set, dir);
	char *data_path = path_join(dir, "data.json");
	json_error_t jerr;
	json_t *data = json_load_file(data_path, 0, &jerr);
	if (!data) {
		fprintf(stderr, "%s:%d:%d: error: %s\n", data_path, jerr.line,
			jerr.column, jerr.text);
		goto out;
	}
	const struct mustache_tmpl *t = mustache_set_get(set, "page", &err);
	if (!t) {
		mustache_error_print(&err, stderr);
		goto out;
	}
	/* The site generator keeps one buffer per thread and reuses it. */
	for (int i = 0; i < 1000; i++) {
		buf_reset(&out);
		if (mdata_json_render(t, data, &out, &err)) {
			mustache_error_print(&err, stderr);
			goto out;
		}
	}
	double t0 = now();
	for (long i = 0; i < n; i++) {
		buf_reset(&out);
		mdata_json_render(t, data, &out, NULL);
	}
	double secs = now() - t0;
	printf("mustache-c: %ld renders of %zu bytes in %.3f s: %.0f renders/s\n",
	       n, out.n, secs, (double)n / secs);
	if (out_path && write_file(out_path, out.p, out.n)) {
		perror(out_path);
		goto out;
	}
	rc = 0;
out:
	mustache_error_release(&err);
	buf_release(&out);
	json_decref(data);
	free(data_path);
	mustache_set_free(set);
	return rc;
}
