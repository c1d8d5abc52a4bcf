/*
 * INTERIM: a minimal loader so the site generator can link while the real
 * one is written.  It reads a file, takes the first non-empty line as the
 * title and keeps the text.  Replaced by the full ingest pipeline.
 */
#include "ingest.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "slug.h"
#include "util.h"

void posting_list_push(struct posting_list *l, struct posting *p)
{
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
	l->v[l->n++] = p;
}

void posting_list_release(struct posting_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		posting_free(l->v[i]);
	free(l->v);
	for (size_t i = 0; i < l->nskipped; i++) {
		free(l->skipped[i].path);
		free(l->skipped[i].reason);
	}
	free(l->skipped);
	memset(l, 0, sizeof *l);
}

int ingest_file(const char *path, const struct ingest_opts *opts,
		struct diag *d, struct posting_list *out)
{
	(void)opts;
	struct buf b = BUF_INIT;
	if (read_file(path, &b, INGEST_DEFAULT_MAX_FILE) != 0) {
		diag_error(d, path, 0, 0, "cannot read '%s'", path);
		return 0;
	}
	struct posting *p = posting_new(path);
	struct slice s = buf_slice(&b);
	const char *nl;
	while (s.n && (nl = memchr(s.p, '\n', s.n))) {
		struct slice line = slice_trim((struct slice){ s.p, (size_t)(nl - s.p) });
		if (line.n) {
			s = line;
			break;
		}
		s.n -= (size_t)(nl - s.p) + 1;
		s.p = nl + 1;
	}
	s = slice_trim(s);
	while (s.n && (*s.p == '#' || *s.p == ' '))
		s.p++, s.n--;
	p->title = xslicedup(s);
	p->id = slug_new(s);
	p->description_text = buf_detach(&b, NULL);
	posting_list_push(out, p);
	return 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int ingest_path(const char *path, const struct ingest_opts *opts,
		struct diag *d, struct posting_list *out)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode))
		return ingest_file(path, opts, d, out);
	DIR *dir = opendir(path);
	if (!dir)
		return -1;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		names = xgrow(names, &cap, n + 1, sizeof *names);
		names[n++] = xstrdup(e->d_name);
	}
	closedir(dir);
	qsort(names, n, sizeof *names, cmp_str);
	int total = 0;
	for (size_t i = 0; i < n; i++) {
		char *full = path_join(path, names[i]);
		int r = ingest_path(full, opts, d, out);
		if (r > 0)
			total += r;
		free(full);
		free(names[i]);
	}
	free(names);
	return total;
}
