#include "feeds.h"

#include <string.h>

#include "cache.h"
#include "descstore.h"
#include "jobfmt.h"
#include "util.h"

struct feed {
	const char *dir;      /* root-relative folder of the feed ("" = root) */
	const char *title;
	const struct site_ids *ids;
};

static void put_date(struct buf *b, const char *ymd, const struct site *s)
{
	const char *d = ymd && *ymd ? ymd : s->build_date[0] ? s->build_date
			: s->newest_date[0] ? s->newest_date : "1970-01-01";
	buf_printf(b, "%sT00:00:00Z", d);
}

/* A link from the feed's folder to root-relative `path`. */
static void put_link(struct buf *b, const struct config *c, const char *dir, const char *path)
{
	struct buf t = BUF_INIT, root = BUF_INIT;
	if (c->base_url)
		buf_puts(&root, c->base_url);
	else
		site_root(&root, dir);
	site_link(&t, buf_cstr(&root), path, c->base_url ? 0 : c->link_index);
	jobfmt_xml(b, buf_cstr(&t));
	buf_release(&t);
	buf_release(&root);
}

static void put_entry(struct buf *b, const struct site *s, const struct config *c,
		      const struct feed *f, const struct site_job *j)
{
	struct posting *p = j->p;
	struct buf path = BUF_INIT, t = BUF_INIT;
	site_job_path(&path, j);
	buf_puts(b, "<entry>\n<title>");
	jobfmt_xml(b, p->title ? p->title : j->slug);
	buf_puts(b, "</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	put_link(b, c, f->dir, buf_cstr(&path));
	buf_puts(b, "\"/>\n<id>");
	if (c->base_url) {
		jobfmt_xml(b, c->base_url);
		jobfmt_xml(b, buf_cstr(&path));
	} else {
		buf_printf(b, "urn:jobsite:jobs:%s", j->slug);
	}
	buf_puts(b, "</id>\n<updated>");
	put_date(b, p->date_posted, s);
	buf_puts(b, "</updated>\n");
	if (p->date_posted[0]) {
		buf_puts(b, "<published>");
		put_date(b, p->date_posted, s);
		buf_puts(b, "</published>\n");
	}
	if (p->employer) {
		buf_puts(b, "<author><name>");
		jobfmt_xml(b, p->employer);
		buf_puts(b, "</name></author>\n");
	}
	/* The summary says what a reader scans for: where, and the pay. */
	if (p->location_text || p->city || p->state[0])
		buf_printf(&t, "%s", p->location_text ? p->location_text : p->city ? p->city : p->state);
	struct buf sal = BUF_INIT;
	if (jobfmt_salary(&sal, p))
		buf_printf(&t, "%s%s", t.n ? " · " : "", buf_cstr(&sal));
	buf_release(&sal);
	if (t.n) {
		buf_puts(b, "<summary>");
		jobfmt_xml(b, buf_cstr(&t));
		buf_puts(b, "</summary>\n");
	}
	int was = p->desc_loaded;
	posting_desc_load(p); /* a description set aside (descstore.h) */
	if (p->description_html) {
		buf_puts(b, "<content type=\"html\">");
		jobfmt_xml(b, p->description_html);
		buf_puts(b, "</content>\n");
	} else if (p->description_text) {
		buf_puts(b, "<content type=\"text\">");
		jobfmt_xml(b, p->description_text);
		buf_puts(b, "</content>\n");
	}
	if (!was)
		posting_desc_unload(p);
	buf_puts(b, "</entry>\n");
	buf_release(&path);
	buf_release(&t);
}

/*
 * What a feed is made of (see pages.h, page keys): the site's key_base
 * (config, templates, build dates, binary), the feed's place and title,
 * and each entry's record and slug.  0 when a record has no key.
 */
static int feed_key(const struct site *s, const struct feed *f, size_t n,
		    const unsigned char *key_base, unsigned char out[16])
{
	if (!key_base)
		return 0;
	struct buf k = BUF_INIT;
	buf_put(&k, key_base, 16);
	buf_printf(&k, "feed\n%s\n%s\n%zu\n", f->dir, f->title, n);
	int ok = 1;
	for (size_t i = 0; i < n && ok; i++) {
		const struct site_job *j = &s->jobs[f->ids->v[i]];
		ok = j->p->record_key[0] || j->p->record_key[1];
		buf_put(&k, j->p->record_key, sizeof j->p->record_key);
		buf_printf(&k, "%s\n", j->slug);
	}
	cache_hash_to16(cache_hash_bytes(k.p, k.n), out);
	buf_release(&k);
	return ok;
}

static int write_feed(const struct site *s, const struct config *c, struct outdir *o,
		      const struct feed *f, struct buf *b, const unsigned char *key_base)
{
	size_t n = f->ids->n < c->feed_size ? f->ids->n : c->feed_size;
	unsigned char key[16];
	int keyed = feed_key(s, f, n, key_base, key);
	struct buf self = BUF_INIT;
	buf_printf(&self, "%sfeed.xml", f->dir);
	if (keyed && outdir_keep_file(o, buf_cstr(&self), key)) {
		buf_release(&self);
		return 0;
	}
	buf_reset(b);
	buf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>");
	jobfmt_xml(b, f->title);
	buf_puts(b, "</title>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"");
	put_link(b, c, f->dir, buf_cstr(&self));
	buf_puts(b, "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	put_link(b, c, f->dir, f->dir);
	buf_puts(b, "\"/>\n<id>");
	if (c->base_url) {
		jobfmt_xml(b, c->base_url);
		jobfmt_xml(b, buf_cstr(&self));
	} else {
		buf_printf(b, "urn:jobsite:feed:%s", *f->dir ? f->dir : "/");
	}
	buf_puts(b, "</id>\n<updated>");
	/* The newest entry is first: site order is newest first. */
	put_date(b, n ? s->jobs[f->ids->v[0]].p->date_posted : NULL, s);
	buf_puts(b, "</updated>\n<author><name>");
	jobfmt_xml(b, c->title);
	buf_puts(b, "</name></author>\n<generator>jobsite</generator>\n");
	for (size_t i = 0; i < n; i++)
		put_entry(b, s, c, f, &s->jobs[f->ids->v[i]]);
	buf_puts(b, "</feed>\n");
	int r = outdir_write_keyed(o, buf_cstr(&self), buf_slice(b), keyed ? key : NULL);
	buf_release(&self);
	return r;
}

long feeds_write(const struct site *s, const struct config *c, struct outdir *o,
		 const unsigned char *key_base)
{
	struct buf b = BUF_INIT, dir = BUF_INIT, title = BUF_INIT;
	long n = 0;
	struct feed f = { "", c->title, &s->open };
	if (write_feed(s, c, o, &f, &b, key_base) < 0)
		goto fail;
	n++;
	static const char *sections[] = { "employers", "states" };
	for (size_t k = 0; k < ARRAY_SIZE(sections); k++) {
		const struct site_group *g = k ? s->states : s->employers;
		size_t ng = k ? s->nstates : s->nemployers;
		for (size_t i = 0; i < ng; i++) {
			if (!g[i].jobs.n)
				continue;
			buf_reset(&dir);
			site_group_path(&dir, sections[k], &g[i], 1);
			buf_reset(&title);
			buf_printf(&title, "%s jobs - %s", g[i].name, c->title);
			f = (struct feed){ buf_cstr(&dir), buf_cstr(&title), &g[i].jobs };
			if (write_feed(s, c, o, &f, &b, key_base) < 0)
				goto fail;
			n++;
		}
	}
	buf_release(&b);
	buf_release(&dir);
	buf_release(&title);
	return n;
fail:
	buf_release(&b);
	buf_release(&dir);
	buf_release(&title);
	return -1;
}
