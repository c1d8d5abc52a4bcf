/*
 * sitemap.h - sitemap.xml (sitemaps.org 0.9) and robots.txt.
 *
 * The sitemap protocol wants absolute URLs, so a sitemap is written only
 * when base_url is set.  Up to `max` URLs per file: beyond that sitemap.xml
 * becomes a sitemap index of sitemap-1.xml, sitemap-2.xml, ...
 */
#ifndef JOBSITE_SITEMAP_H
#define JOBSITE_SITEMAP_H

#include "outdir.h"

/* The URLs collected while the pages are rendered. */
struct sitemap {
	struct sitemap_url {
		char *path;          /* root-relative folder, "" = home */
		char lastmod[11];    /* "" = none */
	} *v;
	size_t n, cap;
};

void sitemap_add(struct sitemap *sm, const char *path, const char *lastmod);
/* Write sitemap file(s) (only with base_url) and robots.txt.  Returns the
 * number of files written, or -1 (o->error). */
long sitemap_write(const struct sitemap *sm, const char *base_url, size_t max,
		   struct outdir *o);
void sitemap_release(struct sitemap *sm);

#endif
