/*
 * b_search_index.c - search_index_write() over generated postings.
 *
 *   b_search_index POSTS_DIR LABELS.jsonl OUTDIR [--pages]
 *
 * The postings are made from gen-corpus's ground-truth labels (the fields a
 * careful reader takes from each file) with the file's text as description,
 * so the index can be measured before, and apart from, the real loader.
 * Sorted newest first as the site is.  --pages also writes a plain
 * jobs/<id>/index.html per posting (title, employer, place, text) so that
 * Pagefind can index the same content.  Prints the index write time.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "posting.h"
#include "search_index.h"
#include "slug.h"
#include "util.h"

static const char *BANDS[] = { "under-50k", "50k-75k", "75k-100k", "100k-150k",
			       "150k-200k", "200k-plus", "not-disclosed" };

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static double num(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static struct posting *from_label(json_t *o, const char *dir)
{
	char *path = path_join(dir, str(o, "file"));
	struct posting *p = posting_new(path);
	struct buf b = BUF_INIT;
	read_file(path, &b, 0);
	p->description_text = buf_detach(&b, NULL);
	free(path);
	char *id = xstrdup(str(o, "file"));
	char *dot = strrchr(id, '.');
	if (dot)
		*dot = '\0';
	p->id = id;
	p->title = xstrdup(str(o, "title") ? str(o, "title") : "untitled");
	p->employer = dup_or_null(str(o, "employer"));
	if (p->employer)
		p->employer_slug = slug_new(slice_from(p->employer));
	p->city = dup_or_null(str(o, "city"));
	if (str(o, "state"))
		snprintf(p->state, sizeof p->state, "%s", str(o, "state"));
	const char *w = str(o, "workplace");
	for (int k = 1; w && k <= 3; k++)
		if (!strcmp(w, workplace_name((enum workplace)k)))
			p->workplace = (enum workplace)k;
	const char *t = str(o, "employment_type");
	for (int k = 1; t && k <= 5; k++)
		if (!strcmp(t, employment_type_name((enum employment_type)k)))
			p->employment_type = (enum employment_type)k;
	const char *per = str(o, "salary_period");
	for (int k = 1; per && k <= 5; k++)
		if (!strcmp(per, salary_period_name((enum salary_period)k)))
			p->salary_period = (enum salary_period)k;
	p->salary_min = num(o, "salary_min");
	p->salary_max = num(o, "salary_max");
	p->annual_min = num(o, "annual_min");
	p->annual_max = num(o, "annual_max");
	if (!isnan(p->salary_min) || !isnan(p->salary_max))
		p->salary_currency = xstrdup("USD");
	p->salary_band = BANDS[6];
	for (size_t k = 0; str(o, "salary_band") && k < ARRAY_SIZE(BANDS); k++)
		if (!strcmp(str(o, "salary_band"), BANDS[k]))
			p->salary_band = BANDS[k];
	if (str(o, "date_posted"))
		snprintf(p->date_posted, sizeof p->date_posted, "%s", str(o, "date_posted"));
	return p;
}

static int newest_first(const void *a, const void *b)
{
	const struct posting *x = *(struct posting *const *)a;
	const struct posting *y = *(struct posting *const *)b;
	int c = strcmp(y->date_posted, x->date_posted);
	return c ? c : strcmp(x->id, y->id);
}

static void html_text(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '<')
			buf_puts(b, "&lt;");
		else if (*s == '&')
			buf_puts(b, "&amp;");
		else
			buf_putc(b, *s);
	}
}

static void write_page(const char *out, const struct posting *p)
{
	struct buf path = BUF_INIT, h = BUF_INIT;
	buf_printf(&path, "%s/jobs/%s/index.html", out, p->id);
	buf_puts(&h, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
	html_text(&h, p->title);
	buf_puts(&h, "</title></head><body><main data-pagefind-body><h1>");
	html_text(&h, p->title);
	buf_puts(&h, "</h1><p>");
	html_text(&h, p->employer);
	buf_puts(&h, " ");
	html_text(&h, p->city);
	buf_printf(&h, " %s</p><div>", p->state);
	html_text(&h, p->description_text);
	buf_puts(&h, "</div></main></body></html>\n");
	write_file(buf_cstr(&path), h.p, h.n);
	buf_release(&path);
	buf_release(&h);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: b_search_index POSTS LABELS OUTDIR [--pages]\n");
		return 2;
	}
	FILE *f = fopen(argv[2], "r");
	if (!f) {
		fprintf(stderr, "cannot open '%s'\n", argv[2]);
		return 1;
	}
	struct posting **v = NULL;
	size_t n = 0, cap = 0;
	char *line = NULL;
	size_t lcap = 0;
	while (getline(&line, &lcap, f) > 0) {
		json_t *o = json_loads(line, 0, NULL);
		if (!o)
			continue;
		v = xgrow(v, &cap, n + 1, sizeof *v);
		v[n++] = from_label(o, argv[1]);
		json_decref(o);
	}
	free(line);
	fclose(f);
	if (n)
		qsort(v, n, sizeof *v, newest_first);
	if (argc > 4 && !strcmp(argv[4], "--pages"))
		for (size_t i = 0; i < n; i++)
			write_page(argv[3], v[i]);

	struct diag d;
	diag_init(&d, stderr);
	struct search_stats st;
	const char *th = getenv("SEARCH_THREADS"); /* 2: read bodies on two threads */
	struct search_opts so = { .stats = &st, .threads = th ? atoi(th) : 1 };
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = search_index_write(v, n, argv[3], &so, &d);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("search_index_write: %zu postings in %.2f s: %zu files (+ .js twins), "
	       "%.1f MB of JSON, words %zu head / %zu body, shards %zu / %zu\n", n,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	       st.files, (double)st.bytes / 1e6, st.terms[0], st.terms[1], st.shards[0],
	       st.shards[1]);
	for (size_t i = 0; i < n; i++)
		posting_free(v[i]);
	free(v);
	diag_release(&d);
	return rc ? 1 : 0;
}
