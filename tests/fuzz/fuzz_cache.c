/*
 * fuzz_cache.c - the build cache's readers on arbitrary bytes, as if the
 * file's checksum had held (a cache can be damaged in ways a checksum
 * does not see, or be written by a buggy jobsite).  The first byte picks
 * the postings file or the manifest; the rest is its body.
 *
 * Asserts: every posting decoded has a source and only known enum values,
 * every manifest entry found again by its path; nothing crashes or leaks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"

static const struct build_cache *cache; /* the one check_file() reads */

static int check_file(void *ctx, const struct cache_file *f)
{
	size_t *n = ctx;
	/* a path without a NUL inside is found again by itself */
	if (!memchr(f->path, '\0', f->path_len)) {
		char *path = malloc(f->path_len + 1);
		memcpy(path, f->path, f->path_len);
		path[f->path_len] = '\0';
		if (!cache_manifest_find(cache, path))
			abort();
		free(path);
	}
	(*n)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	struct diag d;
	diag_init(&d, NULL);
	struct build_cache c;
	memset(&c, 0, sizeof c);
	c.d = &d;
	struct slice body = { (const char *)data + 1, size - 1 };
	if (data[0] & 1) {
		cache_load_payload(&c, 1, body);
		size_t n = 0;
		cache = &c;
		cache_manifest_each(&c, check_file, &n);
	} else {
		cache_load_payload(&c, 0, body);
		struct ingest_opts o = { .keep_description = 1 };
		struct posting_list l = { 0 };
		cache_decode_all(&c, &o, &d, &l);
		for (size_t i = 0; i < l.n; i++) {
			const struct posting *p = l.v[i];
			if (!p->source || p->workplace > WORKPLACE_ONSITE ||
			    p->salary_period > PERIOD_YEAR || p->employment_type > EMPLOYMENT_INTERNSHIP ||
			    !p->salary_band || !p->format || strlen(p->state) > 2)
				abort();
		}
		posting_list_release(&l);
	}
	cache_close(&c);
	diag_release(&d);
	return 0;
}
