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

