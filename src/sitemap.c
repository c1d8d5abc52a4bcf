#include "sitemap.h"

#include <stdlib.h>
#include <string.h>

#include "jobfmt.h"
#include "util.h"

void sitemap_add(struct sitemap *sm, const char *path, const char *lastmod)
{
	sm->v = xgrow(sm->v, &sm->cap, sm->n + 1, sizeof *sm->v);
	struct sitemap_url *u = &sm->v[sm->n++];
	u->path = xstrdup(path);
	u->lastmod[0] = '\0';
	if (lastmod && strlen(lastmod) == 10)
		memcpy(u->lastmod, lastmod, 11);
}

void sitemap_release(struct sitemap *sm)
{
	for (size_t i = 0; i < sm->n; i++)
		free(sm->v[i].path);
	free(sm->v);
	memset(sm, 0, sizeof *sm);
}

static const char head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
static const char ns[] = "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"";

static int write_urlset(const struct sitemap *sm, size_t from, size_t to, const char *base,
			const char *file, struct outdir *o)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s<urlset %s>\n", head, ns);
	for (size_t i = from; i < to; i++) {
		buf_puts(&b, "<url><loc>");
		jobfmt_xml(&b, base);
		jobfmt_xml(&b, sm->v[i].path);
		buf_puts(&b, "</loc>");
		if (sm->v[i].lastmod[0])
			buf_printf(&b, "<lastmod>%s</lastmod>", sm->v[i].lastmod);
		buf_puts(&b, "</url>\n");
	}
	buf_puts(&b, "</urlset>\n");
	int r = outdir_write(o, file, buf_slice(&b));
	buf_release(&b);
	return r;
}

long sitemap_write(const struct sitemap *sm, const char *base_url, size_t max,
		   struct outdir *o)
{
	struct buf robots = BUF_INIT;
	long files = 0;
	buf_puts(&robots, "User-agent: *\nAllow: /\n");
	if (base_url) {
		if (!max)
			max = 50000;
		if (sm->n <= max) {
			if (write_urlset(sm, 0, sm->n, base_url, "sitemap.xml", o) < 0)
				goto fail;
			files++;
		} else {
			struct buf idx = BUF_INIT, name = BUF_INIT;
			buf_printf(&idx, "%s<sitemapindex %s>\n", head, ns);
			for (size_t k = 0, from = 0; from < sm->n; k++, from += max) {
				size_t to = from + max < sm->n ? from + max : sm->n;
				buf_reset(&name);
				buf_printf(&name, "sitemap-%zu.xml", k + 1);
				if (write_urlset(sm, from, to, base_url, buf_cstr(&name), o) < 0) {
					buf_release(&idx);
					buf_release(&name);
					goto fail;
				}
				files++;
				buf_puts(&idx, "<sitemap><loc>");
				jobfmt_xml(&idx, base_url);
				jobfmt_xml(&idx, buf_cstr(&name));
				buf_puts(&idx, "</loc></sitemap>\n");
			}
			buf_puts(&idx, "</sitemapindex>\n");
			int r = outdir_write(o, "sitemap.xml", buf_slice(&idx));
			buf_release(&idx);
			buf_release(&name);
			if (r < 0)
				goto fail;
			files++;
		}
		buf_printf(&robots, "\nSitemap: %ssitemap.xml\n", base_url);
	}
	if (outdir_write(o, "robots.txt", buf_slice(&robots)) < 0)
		goto fail;
	buf_release(&robots);
	return files + 1;
fail:
	buf_release(&robots);
	return -1;
}
