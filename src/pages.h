/*
 * pages.h - every HTML page of a site, as template data (see mdata_site.h).
 *
 * pages_generate() walks the site model and, for each page, builds its
 * data in `md` (reset per page) and hands it to `emit` with the template
 * to use and where the page goes.  It knows nothing of the engine or of
 * files: build.c renders and writes.  The names available to templates are
 * documented in templates/README.md.
 */
#ifndef JOBSITE_PAGES_H
#define JOBSITE_PAGES_H

#include "config.h"
#include "diag.h"
#include "mdata_site.h"
#include "site.h"

struct page_info {
	const char *template;  /* "posting" -> templates/posting.mustache */
	const char *kind;      /* "home", "posting", "employer", ... */
	const char *file;      /* root-relative output file: "jobs/x/index.html" */
	const char *path;      /* root-relative URL: "jobs/x/" ("" = home) */
	int sitemap;           /* belongs in the sitemap */
	const char *lastmod;   /* "YYYY-MM-DD" or NULL */
	/* 16 bytes naming everything the page is made from, or NULL. */
	const unsigned char *key;
	/* a posting's own page: its job in the site (else NULL) */
	const struct site_job *job;
};

/*
 * Return non-zero to stop the walk (that value is returned).  With `data`
 * NULL the page has a key and the emitter may keep the file it made from
 * the same key before: 0 kept, 1 not (the page is then made and emitted).
 */
typedef int (*page_emit_fn)(void *ctx, const struct page_info *pi, const struct mv *data);

/* What the pay figures and charts cost, for the build summary. */
struct pages_stats {
	size_t charts;       /* SVG charts drawn */
	size_t chart_pages;  /* pages with at least one */
	size_t svg_bytes;    /* their size */
	double pay_ms;       /* time spent on figures and charts (monotonic clock) */
	size_t made;         /* pages rendered (the others were kept by their keys) */
	size_t whole_made;   /* ... of them home, the indexes and search/ */
};

/* `st` may be NULL. */
int pages_generate(const struct site *s, const struct config *c, struct mdata *md,
		   struct diag *d, page_emit_fn emit, void *ctx, struct pages_stats *st,
		   const unsigned char *key_base);

#endif
