#include "pages.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "descstore.h"
#include "jobfmt.h"
#include "paystats.h"
#include "schemaorg.h"
#include "svgchart.h"
#include "util.h"

/* The state of one walk: where the current page is, scratch buffers. */
struct pctx {
	const struct site *s;
	const struct config *c;
	struct mdata *md;
	struct diag *d;
	page_emit_fn emit;
	void *emit_ctx;
	const char *root;     /* in md: the way up from the current page */
	struct buf tmp, tmp2;
	struct buf kbuf;      /* a page or card key being made */
	struct buf jpath, jfile; /* posting_page()'s path and file */
	const struct site_job *job; /* the posting page being emitted, or NULL */
	struct pages_stats st;
	size_t charts_before; /* st.charts when the current page began */
	const unsigned char *key_base; /* templates, config, build: or NULL */
	unsigned char (*cards)[16];    /* card_key() of each job, made once */
	unsigned char *have_card;
	/* The figures of the last set pay_obj() summed up: every page of a
	 * group shows its group's, and a group of 30,000 has 1,500 pages. */
	struct pay_memo {
		const size_t *ids;
		size_t n;
		struct paystats st;
		size_t counts[BAND_MAX]; /* postings per salary band */
	} pay;
	/* The key of the last group's set of cards (list_key, wide) */
	const size_t *wide_ids;
	size_t wide_n;
	unsigned char wide_key[16];
	/* whole_inputs(): 0 not yet, 1 made, -1 a card has no key */
	int whole;
	unsigned char whole_cards[16];
	struct jpay *pay_of;  /* each job's pay as the keys read it (job_pay) */
	unsigned char (*gkeys[3])[16]; /* each group's key_group(), hashed */
};

/* What paystats reads of a posting, for the keys: one array in site
 * order, so the keys of a group's pages do not visit every posting.  Its
 * bytes are the key's (key_pay): no padding, one NaN for every NaN. */
struct jpay {
	double lo, hi;        /* annual_min, annual_max */
	long period, workplace;
};
_Static_assert(sizeof(struct jpay) == 2 * sizeof(double) + 2 * sizeof(long),
	       "struct jpay is hashed as bytes");

/* Only for pages_stats, never for output. */
static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static const char *sections[] = { "employers", "states", "salary" };
enum { SEC_EMPLOYERS, SEC_STATES, SEC_SALARY };

/* A link from the current page to root-relative `path`, in the arena. */
static const char *link(struct pctx *pc, const char *path)
{
	buf_reset(&pc->tmp2);
	site_link(&pc->tmp2, pc->root, path, pc->c->link_index);
	return mdata_strdup(pc->md, buf_slice(&pc->tmp2));
}

static const char *group_link(struct pctx *pc, int sec, const struct site_group *g, size_t page)
{
	buf_reset(&pc->tmp);
	site_group_path(&pc->tmp, sections[sec], g, page);
	return link(pc, buf_cstr(&pc->tmp));
}

static const char *job_link(struct pctx *pc, const struct site_job *j)
{
	buf_reset(&pc->tmp);
	site_job_path(&pc->tmp, j);
	return link(pc, buf_cstr(&pc->tmp));
}

/* Start a page at root-relative `path`: reset the arena, set root. */
static void begin(struct pctx *pc, const char *path, int absolute_root)
{
	mdata_reset(pc->md);
	pc->charts_before = pc->st.charts;
	buf_reset(&pc->tmp);
	if (absolute_root && pc->c->base_url)
		buf_puts(&pc->tmp, pc->c->base_url);
	else
		site_root(&pc->tmp, path);
	pc->root = mdata_strdup(pc->md, buf_slice(&pc->tmp));
}

/* site, root, urls and page: the names every page has. */
static struct mv *common(struct pctx *pc, const char *kind, const char *path,
			 const char *title, const char *description)
{
	struct mdata *md = pc->md;
	const struct config *c = pc->c;
	struct mv *root = mv_obj(md);
	struct mv *site = mv_obj(md);
	mv_ref(md, site, "title", c->title);
	mv_ref(md, site, "description", c->description);
	mv_ref(md, site, "base_url", c->base_url);
	mv_ref(md, site, "build_date", pc->s->build_date);
	mv_set(md, root, "site", site);
	/* "" would be a falsy nothing; "./" keeps {{root}}x meaning the same. */
	mv_ref(md, root, "root", *pc->root ? pc->root : "./");

	struct mv *urls = mv_obj(md);
	mv_ref(md, urls, "home", link(pc, ""));
	mv_ref(md, urls, "jobs", link(pc, "jobs/"));
	mv_ref(md, urls, "employers", link(pc, "employers/"));
	mv_ref(md, urls, "states", link(pc, "states/"));
	mv_ref(md, urls, "salary", link(pc, "salary/"));
	mv_ref(md, urls, "search", link(pc, "search/"));
	mv_ref(md, urls, "feed", link(pc, "feed.xml"));
	mv_ref(md, urls, "css", link(pc, "static/site.css"));
	/* A folder of files, never opened as a page: no index.html. */
	buf_reset(&pc->tmp2);
	site_link(&pc->tmp2, pc->root, "static/", 0);
	mv_ref(md, urls, "static", mdata_strdup(md, buf_slice(&pc->tmp2)));
	mv_set(md, root, "urls", urls);

	struct mv *page = mv_obj(md);
	mv_ref(md, page, "kind", kind);
	mv_bool(md, page, kind, 1); /* {{#page.posting}} ... */
	mv_str(md, page, "title", title);
	if (!strcmp(kind, "home"))
		mv_ref(md, page, "head_title", c->title);
	else
		mv_strf(md, page, "head_title", "%s · %s", title, c->title);
	buf_reset(&pc->tmp);
	jobfmt_summary(&pc->tmp, description ? description : c->description, 160);
	mv_str(md, page, "description", buf_cstr(&pc->tmp));
	mv_str(md, page, "path", path);
	/* 404.html is served at any address: it has no canonical one. */
	if (c->base_url && strcmp(kind, "404"))
		mv_strf(md, page, "canonical", "%s%s", c->base_url, path);
	mv_set(md, root, "page", page);
	return root;
}

static struct mv *page_of(struct mv *root)
{
	return (struct mv *)mv_lookup(root, "page");
}

static void set_state(struct pctx *pc, struct mv *o, long k)
{
	if (k < 0)
		return;
	const struct site_group *g = &pc->s->states[k];
	struct mv *st = mv_obj(pc->md);
	mv_ref(pc->md, st, "name", g->name);
	mv_ref(pc->md, st, "code", g->code);
	mv_ref(pc->md, st, "slug", g->slug);
	if (g->jobs.n)
		mv_ref(pc->md, st, "url", group_link(pc, SEC_STATES, g, 1));
	mv_set(pc->md, o, "state", st);
}

/* The fields of a posting that cards and the posting page share. */
static struct mv *job_obj(struct pctx *pc, const struct site_job *j)
{
	struct mdata *md = pc->md;
	const struct posting *p = j->p;
	const struct site *s = pc->s;
	struct mv *o = mv_obj(md);
	mv_ref(md, o, "id", j->slug);
	mv_ref(md, o, "title", p->title && *p->title ? p->title : "Untitled posting");
	mv_ref(md, o, "url", job_link(pc, j));
	if (j->employer >= 0) {
		const struct site_group *g = &s->employers[j->employer];
		struct mv *e = mv_obj(md);
		mv_ref(md, e, "name", p->employer);
		mv_ref(md, e, "slug", g->slug);
		if (g->jobs.n)
			mv_ref(md, e, "url", group_link(pc, SEC_EMPLOYERS, g, 1));
		mv_set(md, o, "employer", e);
	}
	set_state(pc, o, j->state);
	mv_ref(md, o, "city", p->city);
	buf_reset(&pc->tmp);
	if (p->city && p->state[0])
		buf_printf(&pc->tmp, "%s, %s", p->city, p->state);
	else if (p->city)
		buf_puts(&pc->tmp, p->city);
	else if (j->state >= 0)
		buf_puts(&pc->tmp, s->states[j->state].name);
	else if (p->location_text)
		buf_puts(&pc->tmp, p->location_text);
	mv_str(md, o, "location", buf_cstr(&pc->tmp));
	mv_bool(md, o, "remote", j->remote);
	if (j->remote && s->state_remote >= 0)
		mv_ref(md, o, "remote_url", group_link(pc, SEC_STATES, &s->states[s->state_remote], 1));
	mv_ref(md, o, "workplace", jobfmt_workplace(p->workplace));
	mv_ref(md, o, "employment_type", jobfmt_employment(p->employment_type));
	buf_reset(&pc->tmp);
	if (jobfmt_salary(&pc->tmp, p))
		mv_str(md, o, "salary", buf_cstr(&pc->tmp));
	const struct site_group *bg = &s->bands[j->band];
	struct mv *band = mv_obj(md);
	mv_ref(md, band, "name", bg->name);
	mv_ref(md, band, "slug", bg->slug);
	if (bg->jobs.n)
		mv_ref(md, band, "url", group_link(pc, SEC_SALARY, bg, 1));
	mv_set(md, o, "band", band);
	if (p->date_posted[0]) {
		mv_ref(md, o, "date_posted", p->date_posted);
		buf_reset(&pc->tmp);
		jobfmt_date(&pc->tmp, p->date_posted);
		mv_str(md, o, "date_display", buf_cstr(&pc->tmp));
	} else if (s->build_date[0]) {
		/* No date stated: the board's listing date, said as such. */
		mv_ref(md, o, "date_listed", s->build_date);
		buf_reset(&pc->tmp);
		jobfmt_date(&pc->tmp, s->build_date);
		mv_str(md, o, "date_listed_display", buf_cstr(&pc->tmp));
	}
	mv_bool(md, o, "closed", j->closed);
	return o;
}

static struct mv *card_list(struct pctx *pc, const size_t *ids, size_t n)
{
	struct mv *l = mv_list(pc->md);
	for (size_t i = 0; i < n; i++) {
		const struct site_job *j = &pc->s->jobs[ids[i]];
		struct mv *o = job_obj(pc, j);
		buf_reset(&pc->tmp);
		posting_desc_summary(j->p, &pc->tmp);
		mv_str(pc->md, o, "summary", buf_cstr(&pc->tmp));
		mv_push(pc->md, l, o);
	}
	return l;
}

static int emit_keyed(struct pctx *pc, const char *tmpl, const char *kind, const char *path,
		      const char *file, int sitemap, const char *lastmod, const struct mv *data,
		      const unsigned char *key)
{
	struct page_info pi = { tmpl, kind, file, path, sitemap, lastmod, key, pc->job };
	if (!data)
		return pc->emit(pc->emit_ctx, &pi, NULL);
	pc->st.chart_pages += pc->st.charts > pc->charts_before;
	pc->st.made++;
	return pc->emit(pc->emit_ctx, &pi, data);
}

static int emit(struct pctx *pc, const char *tmpl, const char *kind, const char *path,
		const char *file, int sitemap, const char *lastmod, const struct mv *data)
{
	return emit_keyed(pc, tmpl, kind, path, file, sitemap, lastmod, data, NULL);
}

static int emit_dir_keyed(struct pctx *pc, const char *tmpl, const char *kind, const char *path,
			  int sitemap, const char *lastmod, const struct mv *data,
			  const unsigned char *key)
{
	char *file = xmalloc(strlen(path) + sizeof "index.html");
	strcpy(file, path);
	strcat(file, "index.html");
	int r = emit_keyed(pc, tmpl, kind, path, file, sitemap, lastmod, data, key);
	free(file);
	return r;
}

/* "s\n", and "%d\n" without printf: keys are made for every page. */
static void key_line(struct buf *k, const char *s)
{
	buf_puts(k, s);
	buf_putc(k, '\n');
}

static void key_int(struct buf *k, long v)
{
	if (v < 0)
		buf_putc(k, '-');
	buf_putu(k, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v);
	buf_putc(k, '\n');
}

static void key_group(struct buf *k, const struct site_group *v, long i)
{
	if (i < 0) {
		buf_puts(k, "-\n");
		return;
	}
	key_line(k, v[i].slug);
	key_line(k, v[i].name);
	key_line(k, v[i].code ? v[i].code : "");
	key_int(k, v[i].jobs.n > 0);
}

static void hash16(const struct buf *k, unsigned char out[16])
{
	cache_hash_to16(cache_hash_bytes(k->p, k->n), out);
}

/*
 * key_group() of group i of section sec, hashed once for every card that
 * links to it ("-" when i < 0).
 */
static void put_group_key(struct pctx *pc, struct buf *k, int sec, long i)
{
	if (i < 0) {
		buf_puts(k, "-\n");
		return;
	}
	const struct site *s = pc->s;
	const struct site_group *v[] = { s->employers, s->states, s->bands };
	const size_t n[] = { s->nemployers, s->nstates, s->nbands };
	if (!pc->gkeys[sec]) {
		struct buf g = BUF_INIT;
		pc->gkeys[sec] = xmalloc((n[sec] ? n[sec] : 1) * sizeof *pc->gkeys[sec]);
		for (size_t x = 0; x < n[sec]; x++) {
			buf_reset(&g);
			key_group(&g, v[sec], (long)x);
			hash16(&g, pc->gkeys[sec][x]);
		}
		buf_release(&g);
	}
	buf_put(k, pc->gkeys[sec][i], 16);
}

/*
 * Everything a job's card is made from, hashed: the templates, config and
 * build date (key_base), what a list shows of the posting (its fields and
 * summary: posting.shown_key, not the rest of its description), and what
 * the card shows of the site: its slug, state, and the groups it links
 * to.  Two builds with the same keys make the same cards.  NULL when
 * unknown.
 */
static void card_make(struct pctx *pc, size_t id);

/*
 * Every job's card key, made in one pass in site order the first time one
 * is asked for (the lists and posting pages need all of them).  Each
 * reads its posting and slug, scattered over the heap: those of the jobs
 * a few places ahead are fetched while this one is hashed.
 */
enum { CARD_AHEAD = 8 };

static const unsigned char *card_key(struct pctx *pc, size_t id)
{
	const struct site *s = pc->s;
	if (!pc->key_base)
		return NULL;
	if (!pc->cards) {
		pc->cards = xcalloc(s->njobs ? s->njobs : 1, sizeof *pc->cards);
		pc->have_card = xcalloc(s->njobs ? s->njobs : 1, 1);
		for (size_t i = 0; i < s->njobs; i++) {
			if (i + CARD_AHEAD < s->njobs) {
				const struct site_job *a = &s->jobs[i + CARD_AHEAD];
				__builtin_prefetch(a->p->shown_key);
				__builtin_prefetch(a->slug);
			}
			card_make(pc, i);
		}
	}
	return pc->have_card[id] == 1 ? pc->cards[id] : NULL;
}

/* Job id's card key into pc->cards[id]; have_card[id] 1, or 2: none (its
 * posting has no shown_key). */
static void card_make(struct pctx *pc, size_t id)
{
	const struct site *s = pc->s;
	const struct site_job *j = &s->jobs[id];
	const struct posting *p = j->p;
	if (!p->shown_key[0] && !p->shown_key[1]) {
		pc->have_card[id] = 2;
		return;
	}
	struct buf *k = &pc->kbuf;
	buf_reset(k);
	buf_put(k, pc->key_base, 16);
	buf_put(k, p->shown_key, sizeof p->shown_key);
	key_line(k, j->slug);
	key_int(k, j->closed);
	key_int(k, j->remote);
	put_group_key(pc, k, SEC_EMPLOYERS, j->employer);
	put_group_key(pc, k, SEC_STATES, j->state);
	put_group_key(pc, k, SEC_STATES, j->remote ? s->state_remote : -1);
	put_group_key(pc, k, SEC_SALARY, (long)j->band);
	hash16(k, pc->cards[id]);
	pc->have_card[id] = 1;
}

/* A posting's page: its card's key and its whole record (record_key). */
static int posting_key(struct pctx *pc, const struct site_job *j, const char *path,
		       unsigned char out[16])
{
	const unsigned char *card = card_key(pc, (size_t)(j - pc->s->jobs));
	const struct posting *p = j->p;
	if (!card || (!p->record_key[0] && !p->record_key[1]))
		return 0;
	struct buf *k = &pc->kbuf;
	buf_reset(k);
	buf_put(k, card, 16);
	buf_put(k, p->record_key, sizeof p->record_key);
	key_line(k, "posting");
	key_line(k, path);
	hash16(k, out);
	return 1;
}

static int posting_page(struct pctx *pc, const struct site_job *j)
{
	struct mdata *md = pc->md;
	const struct posting *p = j->p;
	/* its URL path and file, in buffers kept from page to page (a
	 * rebuild keeps 100,000 of these pages and makes one) */
	struct buf *pathb = &pc->jpath, *fileb = &pc->jfile;
	buf_reset(pathb);
	site_job_path(pathb, j);
	buf_reset(fileb);
	buf_putslice(fileb, buf_slice(pathb));
	buf_puts(fileb, "index.html");
	const char *path = buf_cstr(pathb), *file = buf_cstr(fileb);
	unsigned char keybuf[16];
	const unsigned char *key = NULL;
	pc->job = j;
	if (posting_key(pc, j, path, keybuf)) {
		key = keybuf;
		int r = emit_keyed(pc, "posting", "posting", path, file, !j->closed,
				   p->date_posted[0] ? p->date_posted : NULL, NULL, key);
		if (r != 1) {
			pc->job = NULL;
			return r;
		}
	}
	/* a description set aside comes back for its page (descstore.h) */
	posting_desc_load(j->p);
	begin(pc, path, 0);
	buf_reset(&pc->tmp);
	if (p->employer)
		buf_printf(&pc->tmp, "%s at %s. ", p->title ? p->title : "Job", p->employer);
	buf_puts(&pc->tmp, p->description_text ? p->description_text : "");
	char *desc = mdata_strdup(md, buf_slice(&pc->tmp));
	struct mv *root = common(pc, "posting", path,
				 p->title && *p->title ? p->title : "Untitled posting", desc);
	struct mv *page = page_of(root);
	mv_ref(md, page, "og_type", "article");
	mv_bool(md, page, "noindex", j->closed);
	struct mv *o = job_obj(pc, j);
	if (p->description_html)
		mv_ref(md, o, "description_html", p->description_html);
	else
		mv_ref(md, o, "description_text", p->description_text);
	if (!j->closed && jobfmt_http_url(p->apply_url))
		mv_ref(md, o, "apply_url", p->apply_url);
	if (p->valid_through[0]) {
		mv_ref(md, o, "valid_through", p->valid_through);
		buf_reset(&pc->tmp);
		jobfmt_date(&pc->tmp, p->valid_through);
		mv_str(md, o, "valid_through_display", buf_cstr(&pc->tmp));
	}
	mv_ref(md, o, "source", p->source);
	buf_reset(&pc->tmp);
	const char *why = NULL;
	const char *url = mv_text(mv_lookup(page, "canonical"));
	if (schemaorg_jobposting(&pc->tmp, pc->s, j, pc->c->title, url, &why) == 0)
		mv_str(md, o, "jsonld", buf_cstr(&pc->tmp));
	else
		diag_report(pc->d, DIAG_NOTE, p->source, 0, 0, "no JSON-LD",
			    "no JobPosting JSON-LD: %s", why);
	mv_set(md, root, "job", o);
	int r = emit_keyed(pc, "posting", "posting", path, file, !j->closed,
			   p->date_posted[0] ? p->date_posted : NULL, root, key);
	pc->job = NULL;
	posting_desc_unload(j->p);
	return r;
}

/* Page links: first, last, and the two either side of the current one. */
static struct mv *pagination(struct pctx *pc, const char *base, size_t k, size_t npages)
{
	struct mdata *md = pc->md;
	struct mv *pg = mv_obj(md);
	struct buf p = BUF_INIT;
	mv_num(md, pg, "number", k);
	mv_num(md, pg, "count", npages);
	mv_bool(md, pg, "many", npages > 1);
	struct mv *list = mv_list(md);
	size_t last_shown = 0;
	for (size_t i = 1; i <= npages; i++) {
		if (i != 1 && i != npages && (i + 2 < k || i > k + 2))
			continue;
		struct mv *it = mv_obj(md);
		mv_num(md, it, "number", i);
		mv_bool(md, it, "gap", last_shown && i > last_shown + 1);
		mv_bool(md, it, "current", i == k);
		buf_reset(&p);
		buf_puts(&p, base);
		if (i > 1)
			buf_printf(&p, "page/%zu/", i);
		mv_ref(md, it, "url", link(pc, buf_cstr(&p)));
		if (i == k - 1)
			mv_ref(md, pg, "prev", link(pc, buf_cstr(&p)));
		if (i == k + 1)
			mv_ref(md, pg, "next", link(pc, buf_cstr(&p)));
		mv_push(md, list, it);
		last_shown = i;
	}
	mv_set(md, pg, "pages", list);
	buf_release(&p);
	return pg;
}

/*
 * A paginated list of postings at root-relative `base`: page 1 there, page
 * k at base + "page/k/".  `extra` adds the page's own names.
 */
typedef void (*extra_fn)(struct pctx *pc, struct mv *root, const void *arg);

static const struct jpay *job_pay(struct pctx *pc, size_t id)
{
	if (!pc->pay_of) {
		const struct site *s = pc->s;
		pc->pay_of = xmalloc((s->njobs ? s->njobs : 1) * sizeof *pc->pay_of);
		for (size_t i = 0; i < s->njobs; i++) {
			const struct posting *p = s->jobs[i].p;
			pc->pay_of[i] = (struct jpay){ isnan(p->annual_min) ? NAN : p->annual_min,
						       isnan(p->annual_max) ? NAN : p->annual_max,
						       (long)p->salary_period, (long)p->workplace };
		}
	}
	return &pc->pay_of[id];
}

/* A job's pay into a key: annual range, period, workplace (job_pay()
 * made the NaNs one). */
static void key_pay(struct buf *k, const struct jpay *py)
{
	buf_put(k, py, sizeof *py);
}

/* The cards of jobs ids[0..n) appended to k: 0 when one has no key. */
static int put_cards(struct pctx *pc, struct buf *k, const size_t *ids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const unsigned char *c = card_key(pc, ids[i]);
		if (!c)
			return 0;
		buf_put(k, c, 16);
	}
	return 1;
}

/*
 * What every page of a group reads of all its jobs (list_key, wide): their
 * pay as paystats reads it (annual range, period, workplace), in order;
 * and when at most 50 of them state pay, so that the pages plot each
 * one's range under its title, their cards.  0 when a card has no key.
 */
static int wide_inputs(struct pctx *pc, const struct site_ids *ids, unsigned char out[16])
{
	struct buf k = BUF_INIT;
	/* room for every job's pay and card at once: a state of 30,000
	 * postings is a megabyte, not doubled and copied into place */
	buf_grow(&k, ids->n * (sizeof(struct jpay) + 16));
	size_t n_pay = 0;
	for (size_t i = 0; i < ids->n; i++) {
		const struct jpay *py = job_pay(pc, ids->v[i]);
		key_pay(&k, py);
		n_pay += !isnan(py->lo) || !isnan(py->hi); /* paystats_midpoint() */
	}
	int ok = n_pay > 50 || put_cards(pc, &k, ids->v, ids->n);
	if (ok)
		hash16(&k, out);
	buf_release(&k);
	return ok;
}

/*
 * The key of list page k (see card_key): its place and words, and the
 * cards it shows; `wide`: what its pay figures and charts read of every
 * job of the group (wide_inputs), `what` the page's own names from `extra`.
 */
static int list_key(struct pctx *pc, const char *tmpl, const char *path, const char *title,
		    const char *description, const struct site_ids *ids, size_t k, size_t npages,
		    int wide, const char *what, unsigned char out[16])
{
	size_t size = pc->c->page_size;
	size_t from = (k - 1) * size;
	size_t to = from + size < ids->n ? from + size : ids->n;
	struct buf key = BUF_INIT;
	int ok = 1;
	if (wide && (pc->wide_ids != ids->v || pc->wide_n != ids->n)) {
		/* the whole set once per group, not once per page */
		pc->wide_ids = NULL;
		ok = wide_inputs(pc, ids, pc->wide_key);
		if (ok) {
			pc->wide_ids = ids->v;
			pc->wide_n = ids->n;
		}
	}
	buf_put(&key, pc->key_base, 16);
	buf_printf(&key, "%s\n%s\n%s\n%s\n%s\n%zu %zu %zu\n", tmpl, path, title, description, what,
		   k, npages, ids->n);
	if (wide && ok)
		buf_put(&key, pc->wide_key, 16);
	ok = ok && put_cards(pc, &key, ids->v + from, to - from);
	if (ok)
		hash16(&key, out);
	buf_release(&key);
	return ok;
}

/*
 * What home, the employer, state and salary indexes and search/ read of
 * the site (made once): the counts; every group's slug, name, code and
 * number of open jobs; every open job's groups and its pay as paystats
 * reads it (annual range, period, workplace) in site order; and the cards
 * home lists.  Not the other cards: an edit of a posting's title or
 * summary leaves these pages as they were unless it is on home.  0 when
 * some card has no key.
 */
static int whole_inputs(struct pctx *pc, unsigned char out[16])
{
	const struct site *s = pc->s;
	struct buf k = BUF_INIT;
	key_int(&k, (long)s->njobs);
	key_int(&k, (long)s->open.n);
	key_int(&k, s->state_remote);
	key_int(&k, s->state_none);
	const struct site_group *sets[] = { s->employers, s->states, s->bands };
	const size_t counts[] = { s->nemployers, s->nstates, s->nbands };
	for (size_t g = 0; g < 3; g++) {
		key_int(&k, (long)counts[g]);
		for (size_t i = 0; i < counts[g]; i++) {
			key_group(&k, sets[g], (long)i);
			key_int(&k, (long)sets[g][i].jobs.n);
		}
	}
	for (size_t i = 0; i < s->open.n; i++) {
		const struct site_job *j = &s->jobs[s->open.v[i]];
		long v[] = { j->employer, j->state, j->remote, (long)j->band };
		buf_put(&k, v, sizeof v);
		key_pay(&k, job_pay(pc, s->open.v[i]));
	}
	size_t latest = s->open.n < pc->c->page_size ? s->open.n : pc->c->page_size;
	int ok = put_cards(pc, &k, s->open.v, latest);
	if (ok)
		hash16(&k, out);
	buf_release(&k);
	return ok;
}

/* The key of a page made from the whole site: its place and whole_inputs(). */
static int whole_key(struct pctx *pc, const char *tmpl, const char *path, unsigned char out[16])
{
	if (!pc->key_base)
		return 0;
	if (!pc->whole)
		pc->whole = whole_inputs(pc, pc->whole_cards) ? 1 : -1;
	if (pc->whole < 0)
		return 0;
	struct buf *k = &pc->kbuf;
	buf_reset(k);
	buf_put(k, pc->key_base, 16);
	buf_put(k, pc->whole_cards, 16);
	key_line(k, tmpl);
	key_line(k, path);
	hash16(k, out);
	return 1;
}

/*
 * Before a whole-site page is made: 0 when the output has it as this
 * build would make it (nothing to do), else 1 (*key: its key, or NULL),
 * or the emitter's error.
 */
static int whole_kept(struct pctx *pc, const char *tmpl, const char *path, int sitemap,
		      const char *lastmod, unsigned char buf[16], const unsigned char **key)
{
	*key = NULL;
	if (!whole_key(pc, tmpl, path, buf)) {
		pc->st.whole_made++;
		return 1;
	}
	*key = buf;
	int r = emit_dir_keyed(pc, tmpl, tmpl, path, sitemap, lastmod, NULL, buf);
	pc->st.whole_made += r == 1; /* to be made */
	return r;
}

static int list_pages(struct pctx *pc, const char *tmpl, const char *kind, const char *base,
		      const char *title, const char *description, const struct site_ids *ids,
		      extra_fn extra, const void *arg, int wide, const char *what)
{
	size_t size = pc->c->page_size, npages = ids->n ? (ids->n + size - 1) / size : 1;
	struct buf path = BUF_INIT, t = BUF_INIT, file = BUF_INIT;
	int r = 0;
	for (size_t k = 1; k <= npages && !r; k++) {
		buf_reset(&path);
		buf_puts(&path, base);
		if (k > 1)
			buf_printf(&path, "page/%zu/", k);
		const char *first = ids->n ? pc->s->jobs[ids->v[0]].p->date_posted : NULL;
		const char *lastmod = first && *first ? first : NULL;
		unsigned char keybuf[16];
		const unsigned char *key = NULL;
		if (pc->key_base && list_key(pc, tmpl, buf_cstr(&path), title, description, ids, k,
					     npages, wide, what, keybuf)) {
			key = keybuf;
			buf_reset(&file);
			buf_putslice(&file, buf_slice(&path));
			buf_puts(&file, "index.html");
			r = emit_keyed(pc, tmpl, kind, buf_cstr(&path), buf_cstr(&file), 1, lastmod,
				       NULL, key);
			if (r == 0)
				continue;
			if (r != 1)
				break;
			r = 0;
		}
		begin(pc, buf_cstr(&path), 0);
		buf_reset(&t);
		buf_puts(&t, title);
		if (k > 1)
			buf_printf(&t, " (page %zu of %zu)", k, npages);
		struct mv *root = common(pc, kind, buf_cstr(&path), buf_cstr(&t), description);
		struct mv *pg = pagination(pc, base, k, npages);
		struct mv *page = page_of(root);
		mv_ref(pc->md, page, "prev", mv_text(mv_lookup(pg, "prev")));
		mv_ref(pc->md, page, "next", mv_text(mv_lookup(pg, "next")));
		mv_set(pc->md, root, "pagination", pg);
		size_t from = (k - 1) * size, to = from + size < ids->n ? from + size : ids->n;
		mv_set(pc->md, root, "jobs", card_list(pc, ids->v + from, to - from));
		mv_num(pc->md, root, "count", ids->n);
		if (extra)
			extra(pc, root, arg);
		buf_reset(&file);
		buf_putslice(&file, buf_slice(&path));
		buf_puts(&file, "index.html");
		r = emit_keyed(pc, tmpl, kind, buf_cstr(&path), buf_cstr(&file), 1, lastmod, root, key);
	}
	buf_release(&path);
	buf_release(&t);
	buf_release(&file);
	return r;
}

/*
 * Pay figures and charts (paystats.h, svgchart.h) for a list of postings:
 * the `pay` object of templates/pay.mustache.  Built per page from the
 * ids; a group's pages each get the same figures.
 */

/* Whole dollars, halves up (t-charts.sh rounds the same way). */
static const char *money(struct pctx *pc, double v)
{
	buf_reset(&pc->tmp);
	jobfmt_money(&pc->tmp, floor(v + 0.5), "USD", 0);
	return mdata_strdup(pc->md, buf_slice(&pc->tmp));
}

static void put_money(struct buf *b, double v)
{
	jobfmt_money(b, floor(v + 0.5), "USD", 0);
}

/* "Median $X; 25th percentile $Y; ...", the figures in words. */
static void figures_words(struct buf *b, const struct paysummary *s)
{
	buf_puts(b, "Median ");
	put_money(b, s->median);
	buf_puts(b, "; 25th percentile ");
	put_money(b, s->p25);
	buf_puts(b, "; 75th percentile ");
	put_money(b, s->p75);
	buf_puts(b, "; lowest ");
	put_money(b, s->min);
	buf_puts(b, "; highest ");
	put_money(b, s->max);
	buf_putc(b, '.');
}

static void set_figures(struct pctx *pc, struct mv *o, const struct paysummary *s)
{
	mv_num(pc->md, o, "n_pay", s->n_pay);
	if (!s->n_pay)
		return;
	mv_ref(pc->md, o, "median", money(pc, s->median));
	mv_ref(pc->md, o, "p25", money(pc, s->p25));
	mv_ref(pc->md, o, "p75", money(pc, s->p75));
	mv_ref(pc->md, o, "min", money(pc, s->min));
	mv_ref(pc->md, o, "max", money(pc, s->max));
}

/* A row of a chart's data table: a label, then cells. */
static struct mv *table_row(struct pctx *pc, const char *label, const char *const *cells,
			    size_t n)
{
	struct mv *r = mv_obj(pc->md), *l = mv_list(pc->md);
	mv_str(pc->md, r, "label", label);
	for (size_t i = 0; i < n; i++) {
		struct mv *c = mv_obj(pc->md);
		mv_str(pc->md, c, "v", cells[i]);
		mv_push(pc->md, l, c);
	}
	mv_set(pc->md, r, "cells", l);
	return r;
}

/* {id, caption, chart_svg, head: [{v}], rows: []} for templates/chart.mustache. */
static struct mv *chart_obj(struct pctx *pc, const char *id, const char *caption,
			    const struct buf *svg, const char *const *head, size_t nhead,
			    struct mv *rows)
{
	struct mv *o = mv_obj(pc->md), *h = mv_list(pc->md);
	mv_str(pc->md, o, "id", id);
	mv_str(pc->md, o, "caption", caption);
	mv_str(pc->md, o, "chart_svg", buf_cstr(svg));
	pc->st.charts++;
	pc->st.svg_bytes += svg->n;
	for (size_t i = 0; i < nhead; i++) {
		struct mv *c = mv_obj(pc->md);
		mv_ref(pc->md, c, "v", head[i]);
		mv_push(pc->md, h, c);
	}
	mv_set(pc->md, o, "head", h);
	mv_set(pc->md, o, "rows", rows);
	return o;
}

/* Histogram of midpoints over the site's bands. */
static struct mv *histogram(struct pctx *pc, const char *id, const struct paysummary *s,
			    const size_t *counts)
{
	const struct band_table *t = &pc->c->bands;
	struct svgchart_bar bars[BAND_MAX];
	char texts[BAND_MAX][24];
	struct buf desc = BUF_INIT, svg = BUF_INIT;
	struct mv *rows = mv_list(pc->md);
	buf_printf(&desc, "Annual pay of the %zu postings that state it, counted by salary band: ",
		   s->n_pay);
	for (size_t i = 0; i < t->n; i++) {
		snprintf(texts[i], sizeof texts[i], "%zu", counts[i]);
		bars[i] = (struct svgchart_bar){ t->v[i].label, (double)counts[i], texts[i] };
		buf_printf(&desc, "%s%s %zu", i ? ", " : "", t->v[i].label, counts[i]);
		const char *cells[] = { texts[i] };
		mv_push(pc->md, rows, table_row(pc, t->v[i].label, cells, 1));
	}
	buf_puts(&desc, ". ");
	figures_words(&desc, s);
	svgchart_bars(&svg, id, "Postings by annual pay", buf_cstr(&desc), bars, t->n);
	static const char *head[] = { "Salary band", "Postings" };
	struct mv *o = chart_obj(pc, id, "Postings by annual pay (salary band)", &svg, head, 2, rows);
	buf_release(&desc);
	buf_release(&svg);
	return o;
}

struct ranked {
	size_t id;       /* into s->jobs */
	double mid;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->mid != y->mid)
		return x->mid < y->mid ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* One bar per posting with pay, from its lowest to its highest annual pay. */
static struct mv *range_plot(struct pctx *pc, const char *id, const struct paysummary *s,
			     const size_t *ids, size_t n)
{
	struct ranked *r = xmalloc((n ? n : 1) * sizeof *r);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		double m = paystats_midpoint(pc->s->jobs[ids[i]].p);
		if (!isnan(m))
			r[k++] = (struct ranked){ ids[i], m };
	}
	qsort(r, k, sizeof *r, cmp_ranked);
	struct svgchart_range *v = xmalloc((k ? k : 1) * sizeof *v);
	struct mv *rows = mv_list(pc->md);
	struct buf desc = BUF_INIT, svg = BUF_INIT, a = BUF_INIT, b = BUF_INIT;
	for (size_t i = 0; i < k; i++) {
		const struct posting *p = pc->s->jobs[r[i].id].p;
		v[i] = (struct svgchart_range){ p->annual_min, p->annual_max, r[i].mid };
		buf_reset(&a);
		if (!isnan(p->annual_min) && !isnan(p->annual_max)) {
			put_money(&a, p->annual_min);
			buf_puts(&a, " – ");
			put_money(&a, p->annual_max);
		} else {
			buf_puts(&a, isnan(p->annual_min) ? "Up to " : "From ");
			put_money(&a, r[i].mid);
		}
		buf_reset(&b);
		put_money(&b, r[i].mid);
		const char *cells[] = { buf_cstr(&a), buf_cstr(&b) };
		mv_push(pc->md, rows, table_row(pc, p->title && *p->title ? p->title : "Untitled posting",
						cells, 2));
	}
	buf_printf(&desc, "The annual pay range of each of the %zu postings that state pay, one bar "
			  "from its lowest to its highest amount with a dot at the midpoint, sorted by "
			  "midpoint. Midpoints from ", k);
	put_money(&desc, s->min);
	buf_puts(&desc, " to ");
	put_money(&desc, s->max);
	buf_puts(&desc, ", median ");
	put_money(&desc, s->median);
	buf_puts(&desc, ". The table after the chart lists each posting.");
	svgchart_ranges(&svg, id, "Pay range of each posting", buf_cstr(&desc), v, k);
	static const char *head[] = { "Posting", "Annual pay", "Midpoint" };
	struct mv *o = chart_obj(pc, id, "Pay range of each posting, sorted by midpoint", &svg,
				 head, 3, rows);
	buf_release(&desc);
	buf_release(&svg);
	buf_release(&a);
	buf_release(&b);
	free(v);
	free(r);
	return o;
}

enum { PAY_HISTOGRAM = 1, PAY_RANGES = 2 };

/*
 * The `pay` object over ids (open postings in site order): counts,
 * figures, the split by workplace, and charts (`what`) when at least
 * PAYSTATS_MIN_CHART postings state pay; range plots up to 50 of them.
 */
static struct mv *pay_obj_(struct pctx *pc, const char *heading, const size_t *ids, size_t n,
			   int what)
{
	struct mdata *md = pc->md;
	struct pay_memo *pm = &pc->pay;
	if (pm->ids != ids || pm->n != n) {
		const struct posting **v = xmalloc((n ? n : 1) * sizeof *v);
		double *mids = xmalloc((n ? n : 1) * sizeof *mids);
		for (size_t i = 0; i < n; i++) {
			v[i] = pc->s->jobs[ids[i]].p;
			mids[i] = paystats_midpoint(v[i]);
		}
		paystats_compute(&pm->st, v, n);
		paystats_bin(&pc->c->bands, mids, n, pm->counts);
		pm->ids = ids;
		pm->n = n;
		free(v);
		free(mids);
	}
	const struct paystats st = pm->st;
	const struct paysummary *s = &st.all;
	struct mv *o = mv_obj(md);
	mv_ref(md, o, "id", "pay");
	mv_str(md, o, "heading", heading);
	mv_num(md, o, "n", s->n);
	mv_num(md, o, "n_nopay", s->n - s->n_pay);
	size_t share = s->n ? (s->n_pay * 100 + s->n / 2) / s->n : 0;
	mv_strf(md, o, "share_pay", "%zu%%", share);
	mv_strf(md, o, "share_nopay", "%zu%%", s->n ? 100 - share : 0);
	set_figures(pc, o, s);
	mv_bool(md, o, "any", s->n_pay > 0);
	mv_bool(md, o, "single", s->n_pay == 1);
	mv_bool(md, o, "all", s->n_pay == s->n && s->n);
	mv_bool(md, o, "one_nopay", s->n - s->n_pay == 1);
	if (st.n_annualized)
		mv_num(md, o, "annualized", st.n_annualized);
	if (st.n_one_bound)
		mv_num(md, o, "one_bound", st.n_one_bound);
	if (!s->n)
		mv_ref(md, o, "none", "There are no open jobs, so there are no pay figures.");
	else if (!s->n_pay)
		mv_str(md, o, "none", s->n == 1 ? "This open job does not state pay, so there are no "
						  "pay figures or charts."
						: mdata_printf(md, "None of these %zu open jobs state pay, so "
							       "there are no pay figures or charts.", s->n));
	if (s->n_pay && s->n_pay < PAYSTATS_MIN_CHART)
		mv_strf(md, o, "few", "No chart: only %zu of these postings %s pay, and a chart "
				      "needs at least %d.", s->n_pay, s->n_pay == 1 ? "states" : "state",
			PAYSTATS_MIN_CHART);

	/* By workplace, as a table with one column per workplace (at most
	 * three, so it fits a phone) and one row per figure. */
	static const enum workplace order[] = { WORKPLACE_REMOTE, WORKPLACE_HYBRID, WORKPLACE_ONSITE };
	static const char *fig_names[] = { "With pay", "Median", "25th percentile",
					   "75th percentile", "Lowest", "Highest" };
	const struct paysummary *ws[ARRAY_SIZE(order)];
	struct mv *wl = mv_list(md), *head = mv_list(md), *rows = mv_list(md);
	size_t nw = 0;
	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		const struct paysummary *w = &st.workplace[order[i]];
		if (w->n_pay < PAYSTATS_MIN_CHART)
			continue;
		struct mv *x = mv_obj(md);
		mv_ref(md, x, "name", jobfmt_workplace(order[i]));
		mv_num(md, x, "n", w->n);
		set_figures(pc, x, w);
		mv_push(md, wl, x);
		struct mv *h = mv_obj(md);
		mv_ref(md, h, "v", jobfmt_workplace(order[i]));
		mv_push(md, head, h);
		ws[nw++] = w;
	}
	for (size_t f = 0; nw && f < ARRAY_SIZE(fig_names); f++) {
		const char *cells[ARRAY_SIZE(order)];
		for (size_t i = 0; i < nw; i++) {
			const struct paysummary *w = ws[i];
			double fig[] = { 0, w->median, w->p25, w->p75, w->min, w->max };
			cells[i] = f ? money(pc, fig[f]) : mdata_printf(md, "%zu of %zu", w->n_pay, w->n);
		}
		mv_push(md, rows, table_row(pc, fig_names[f], cells, nw));
	}
	if (nw) {
		mv_set(md, o, "workplaces", wl);
		mv_set(md, o, "workplace_head", head);
		mv_set(md, o, "workplace_rows", rows);
		mv_bool(md, o, "has_workplaces", 1);
	}

	struct mv *charts = mv_list(md);
	if (s->n_pay >= PAYSTATS_MIN_CHART) {
		if (what & PAY_HISTOGRAM)
			mv_push(md, charts, histogram(pc, "pay-hist", s, pm->counts));
		if ((what & PAY_RANGES) && s->n_pay <= 50)
			mv_push(md, charts, range_plot(pc, "pay-ranges", s, ids, n));
	}
	mv_set(md, o, "charts", charts);
	return o;
}

static struct mv *pay_obj(struct pctx *pc, const char *heading, const size_t *ids, size_t n,
			  int what)
{
	double t = now_ms();
	struct mv *o = pay_obj_(pc, heading, ids, n, what);
	pc->st.pay_ms += now_ms() - t;
	return o;
}

/* A group's figures, for the comparisons on salary/. */
struct grouppay {
	const struct site_group *g;
	struct paysummary s;
};

static void group_summary(struct pctx *pc, const struct site_group *g, struct grouppay *out)
{
	const struct posting **v = xmalloc((g->jobs.n ? g->jobs.n : 1) * sizeof *v);
	for (size_t i = 0; i < g->jobs.n; i++)
		v[i] = pc->s->jobs[g->jobs.v[i]].p;
	struct paystats st;
	paystats_compute(&st, v, g->jobs.n);
	out->g = g;
	out->s = st.all;
	free(v);
}

static int cmp_by_median(const void *a, const void *b)
{
	const struct grouppay *x = a, *y = b;
	if (x->s.median != y->s.median)
		return x->s.median > y->s.median ? -1 : 1;
	return ascii_casecmp(x->g->name, y->g->name);
}

static int cmp_by_npay(const void *a, const void *b)
{
	const struct grouppay *x = a, *y = b;
	if (x->s.n_pay != y->s.n_pay)
		return x->s.n_pay > y->s.n_pay ? -1 : 1;
	return ascii_casecmp(x->g->name, y->g->name);
}

/* A sorted bar chart of medians (highest first) with the count of each. */
static struct mv *compare_chart(struct pctx *pc, const char *id, const char *title,
				const char *noun, const char *col, struct grouppay *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_by_median);
	struct svgchart_bar *bars = xmalloc((n ? n : 1) * sizeof *bars);
	char **texts = xmalloc((n ? n : 1) * sizeof *texts);
	struct buf desc = BUF_INIT, svg = BUF_INIT, t = BUF_INIT;
	struct mv *rows = mv_list(pc->md);
	buf_printf(&desc, "Median annual pay in each of %zu %s with at least %d postings that "
			  "state pay, highest first: ", n, noun, PAYSTATS_MIN_CHART);
	for (size_t i = 0; i < n; i++) {
		buf_reset(&t);
		put_money(&t, v[i].s.median);
		buf_printf(&t, " (%zu)", v[i].s.n_pay);
		texts[i] = mdata_strdup(pc->md, buf_slice(&t));
		bars[i] = (struct svgchart_bar){ v[i].g->name, v[i].s.median, texts[i] };
		buf_printf(&desc, "%s%s ", i ? "; " : "", v[i].g->name);
		put_money(&desc, v[i].s.median);
		buf_printf(&desc, " (%zu %s)", v[i].s.n_pay, v[i].s.n_pay == 1 ? "posting" : "postings");
		const char *cells[3];
		cells[0] = money(pc, v[i].s.median);
		cells[1] = mdata_printf(pc->md, "%zu", v[i].s.n_pay);
		cells[2] = mdata_printf(pc->md, "%zu", v[i].s.n);
		mv_push(pc->md, rows, table_row(pc, v[i].g->name, cells, 3));
	}
	buf_putc(&desc, '.');
	svgchart_bars(&svg, id, title, buf_cstr(&desc), bars, n);
	const char *head[] = { col, "Median annual pay", "Postings with pay", "Postings" };
	buf_reset(&t);
	buf_printf(&t, "%s (postings with pay in brackets)", title);
	struct mv *o = chart_obj(pc, id, buf_cstr(&t), &svg, head, 4, rows);
	buf_release(&desc);
	buf_release(&svg);
	buf_release(&t);
	free(bars);
	free(texts);
	return o;
}

struct group_arg {
	int sec;
	const struct site_group *g;
};

static void group_extra(struct pctx *pc, struct mv *root, const void *arg)
{
	const struct group_arg *ga = arg;
	struct mv *g = mv_obj(pc->md);
	mv_ref(pc->md, g, "name", ga->g->name);
	mv_ref(pc->md, g, "slug", ga->g->slug);
	mv_ref(pc->md, g, "code", ga->g->code);
	mv_num(pc->md, g, "count", ga->g->jobs.n);
	mv_bool(pc->md, g, "one", ga->g->jobs.n == 1);
	if (ga->sec != SEC_SALARY) {
		buf_reset(&pc->tmp);
		site_group_path(&pc->tmp, sections[ga->sec], ga->g, 1);
		buf_puts(&pc->tmp, "feed.xml");
		const char *feed = link(pc, buf_cstr(&pc->tmp));
		mv_ref(pc->md, g, "feed", feed);
		mv_ref(pc->md, page_of(root), "feed", feed);
	}
	/* The search facet value that holds exactly this group's postings
	 * (search.js data-scope; build.c makes the facets match the groups). */
	buf_reset(&pc->tmp);
	if (ga->sec == SEC_EMPLOYERS)
		buf_printf(&pc->tmp, "employer=%s", ga->g->slug);
	else if (ga->sec == SEC_SALARY)
		buf_printf(&pc->tmp, "band=%s", ga->g->slug);
	else if (ga->g->code)
		buf_printf(&pc->tmp, "state=%s", ga->g->code);
	else if (!strcmp(ga->g->slug, "remote"))
		buf_puts(&pc->tmp, "workplace=remote");
	else
		buf_puts(&pc->tmp, "state=none");
	mv_ref(pc->md, g, "scope", mdata_strdup(pc->md, buf_slice(&pc->tmp)));
	mv_set(pc->md, root, "group", g);

	/* The group's pay, on every page of it (the same figures each time). */
	struct buf h = BUF_INIT;
	int what = PAY_HISTOGRAM | PAY_RANGES;
	if (ga->sec == SEC_EMPLOYERS)
		buf_printf(&h, "Pay at %s", ga->g->name);
	else if (ga->sec == SEC_STATES && ga->g->code)
		buf_printf(&h, "Pay in %s", ga->g->name);
	else if (ga->sec == SEC_STATES && !strcmp(ga->g->slug, "remote"))
		buf_puts(&h, "Pay in remote jobs");
	else if (ga->sec == SEC_STATES)
		buf_puts(&h, "Pay where the location is not stated");
	else {
		/* One band is one bar of the histogram: only the ranges tell. */
		buf_puts(&h, "Pay in this band");
		what = PAY_RANGES;
	}
	mv_set(pc->md, root, "pay", pay_obj(pc, buf_cstr(&h), ga->g->jobs.v, ga->g->jobs.n, what));
	buf_release(&h);
}

static int group_pages(struct pctx *pc, int sec, const struct site_group *v, size_t n)
{
	static const char *tmpl[] = { "employer", "state", "band" };
	struct buf base = BUF_INIT, title = BUF_INIT, desc = BUF_INIT;
	int r = 0;
	for (size_t i = 0; i < n && !r; i++) {
		const struct site_group *g = &v[i];
		if (!g->jobs.n)
			continue;
		buf_reset(&base);
		site_group_path(&base, sections[sec], g, 1);
		buf_reset(&title);
		buf_reset(&desc);
		const char *noun = g->jobs.n == 1 ? "job" : "jobs";
		if (sec == SEC_EMPLOYERS) {
			buf_printf(&title, "Jobs at %s", g->name);
			buf_printf(&desc, "%zu open %s at %s.", g->jobs.n, noun, g->name);
		} else if (sec == SEC_STATES) {
			if (g->code)
				buf_printf(&title, "Jobs in %s", g->name);
			else
				buf_printf(&title, "%s jobs", g->name);
			buf_printf(&desc, "%zu open %s: %s.", g->jobs.n, noun, g->name);
		} else {
			buf_printf(&title, "Jobs paying %s", g->name);
			if (!strcmp(g->slug, BAND_NOT_DISCLOSED)) {
				buf_reset(&title);
				buf_puts(&title, "Jobs with pay not disclosed");
			}
			buf_printf(&desc, "%zu open %s, salary band %s.", g->jobs.n, noun, g->name);
		}
		struct group_arg ga = { sec, g };
		struct buf what = BUF_INIT;
		buf_printf(&what, "%d %s %s %s", sec, g->slug, g->name, g->code ? g->code : "");
		r = list_pages(pc, tmpl[sec], tmpl[sec], buf_cstr(&base), buf_cstr(&title),
			       buf_cstr(&desc), &g->jobs, group_extra, &ga, 1, buf_cstr(&what));
		buf_release(&what);
	}
	buf_release(&base);
	buf_release(&title);
	buf_release(&desc);
	return r;
}

/* {name, url, count, code} for each group with open postings. */
static struct mv *group_list(struct pctx *pc, int sec, const struct site_group *v, size_t n,
			     int with_empty)
{
	struct mv *l = mv_list(pc->md);
	for (size_t i = 0; i < n; i++) {
		if (!v[i].jobs.n && !with_empty)
			continue;
		struct mv *o = mv_obj(pc->md);
		mv_ref(pc->md, o, "name", v[i].name);
		mv_ref(pc->md, o, "slug", v[i].slug);
		mv_ref(pc->md, o, "code", v[i].code);
		mv_num(pc->md, o, "count", v[i].jobs.n);
		if (v[i].jobs.n)
			mv_ref(pc->md, o, "url", group_link(pc, sec, &v[i], 1));
		mv_push(pc->md, l, o);
	}
	return l;
}

static int cmp_by_count(const void *a, const void *b, void *arg)
{
	const struct site_group *v = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	if (v[x].jobs.n != v[y].jobs.n)
		return v[x].jobs.n > v[y].jobs.n ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int home_page(struct pctx *pc)
{
	const struct site *s = pc->s;
	struct mdata *md = pc->md;
	const char *lastmod = s->newest_date[0] ? s->newest_date : NULL;
	unsigned char kb[16];
	const unsigned char *key;
	int r = whole_kept(pc, "home", "", 1, lastmod, kb, &key);
	if (r <= 0)
		return r;
	begin(pc, "", 0);
	struct mv *root = common(pc, "home", "", pc->c->title, pc->c->description);
	mv_ref(md, page_of(root), "feed", link(pc, "feed.xml"));
	size_t n = s->open.n < pc->c->page_size ? s->open.n : pc->c->page_size;
	mv_set(md, root, "latest", card_list(pc, s->open.v, n));
	mv_bool(md, root, "more", s->open.n > n);
	struct mv *counts = mv_obj(md);
	mv_num(md, counts, "jobs", s->open.n);
	size_t ne = 0, ns = 0;
	for (size_t i = 0; i < s->nemployers; i++)
		ne += s->employers[i].jobs.n > 0;
	for (size_t i = 0; i < s->nstates; i++)
		ns += s->states[i].jobs.n > 0 && s->states[i].code;
	mv_num(md, counts, "employers", ne);
	mv_num(md, counts, "states", ns);
	mv_set(md, root, "counts", counts);
	mv_set(md, root, "states", group_list(pc, SEC_STATES, s->states, s->nstates, 0));
	mv_set(md, root, "bands", group_list(pc, SEC_SALARY, s->bands, s->nbands, 0));
	/* The ten employers with the most open postings. */
	size_t *idx = xmalloc((s->nemployers ? s->nemployers : 1) * sizeof *idx);
	for (size_t i = 0; i < s->nemployers; i++)
		idx[i] = i;
	qsort_r(idx, s->nemployers, sizeof *idx, cmp_by_count, s->employers);
	struct mv *top = mv_list(md);
	for (size_t i = 0; i < s->nemployers && i < 10 && s->employers[idx[i]].jobs.n; i++) {
		const struct site_group *g = &s->employers[idx[i]];
		struct mv *o = mv_obj(md);
		mv_ref(md, o, "name", g->name);
		mv_num(md, o, "count", g->jobs.n);
		mv_ref(md, o, "url", group_link(pc, SEC_EMPLOYERS, g, 1));
		mv_push(md, top, o);
	}
	free(idx);
	mv_set(md, root, "employers", top);
	mv_bool(md, root, "more_employers", ne > 10);
	mv_set(md, root, "pay", pay_obj(pc, "Pay across all jobs", s->open.v, s->open.n, PAY_HISTOGRAM));
	return emit_dir_keyed(pc, "home", "home", "", 1, lastmod, root, key);
}

static int employers_index(struct pctx *pc)
{
	const struct site *s = pc->s;
	struct mdata *md = pc->md;
	unsigned char kb[16];
	const unsigned char *key;
	int r = whole_kept(pc, "employers", "employers/", 1, NULL, kb, &key);
	if (r <= 0)
		return r;
	begin(pc, "employers/", 0);
	struct mv *root = common(pc, "employers", "employers/", "Employers A to Z",
				 "Every employer with open jobs, A to Z, with the number of jobs.");
	struct mv *letters = mv_list(md), *cur = NULL, *cur_list = NULL;
	char last = 0;
	size_t total = 0;
	for (size_t i = 0; i < s->nemployers; i++) {
		const struct site_group *g = &s->employers[i];
		if (!g->jobs.n)
			continue;
		int c = ascii_lower((unsigned char)g->name[0]);
		char letter = c >= 'a' && c <= 'z' ? (char)(c - 32) : '#';
		if (!cur || letter != last) {
			cur = mv_obj(md);
			mv_strf(md, cur, "letter", "%c", letter);
			mv_strf(md, cur, "anchor", "letter-%c", letter == '#' ? '0' : c);
			cur_list = mv_list(md);
			mv_set(md, cur, "employers", cur_list);
			mv_push(md, letters, cur);
			last = letter;
		}
		struct mv *o = mv_obj(md);
		mv_ref(md, o, "name", g->name);
		mv_num(md, o, "count", g->jobs.n);
		mv_ref(md, o, "url", group_link(pc, SEC_EMPLOYERS, g, 1));
		mv_push(md, cur_list, o);
		total++;
	}
	mv_set(md, root, "letters", letters);
	mv_num(md, root, "count", total);
	return emit_dir_keyed(pc, "employers", "employers", "employers/", 1, NULL, root, key);
}

static int states_index(struct pctx *pc)
{
	const struct site *s = pc->s;
	struct mdata *md = pc->md;
	unsigned char kb[16];
	const unsigned char *key;
	int r = whole_kept(pc, "states", "states/", 1, NULL, kb, &key);
	if (r <= 0)
		return r;
	begin(pc, "states/", 0);
	struct mv *root = common(pc, "states", "states/", "Jobs by state",
				 "Open jobs in every state, remote jobs, and jobs with no stated location.");
	struct mv *states = mv_list(md), *other = mv_list(md);
	for (size_t i = 0; i < s->nstates; i++) {
		const struct site_group *g = &s->states[i];
		struct mv *o = mv_obj(md);
		mv_ref(md, o, "name", g->name);
		mv_ref(md, o, "code", g->code);
		mv_num(md, o, "count", g->jobs.n);
		mv_ref(md, o, "url", group_link(pc, SEC_STATES, g, 1));
		mv_push(md, g->code ? states : other, o);
	}
	mv_set(md, root, "states", states);
	mv_set(md, root, "other", other);
	return emit_dir_keyed(pc, "states", "states", "states/", 1, NULL, root, key);
}

/*
 * compare.states / compare.employers on salary/: medians of the states,
 * and of the ten employers with the most postings that state pay, each
 * with at least PAYSTATS_MIN_CHART of them.
 */
static void salary_compare(struct pctx *pc, struct mv *root)
{
	const struct site *s = pc->s;
	struct mdata *md = pc->md;
	struct mv *cmp = mv_obj(md);
	size_t cap = (s->nstates > s->nemployers ? s->nstates : s->nemployers) + 1;
	struct grouppay *gp = xmalloc(cap * sizeof *gp);
	size_t k = 0, few = 0;
	for (size_t i = 0; i < s->nstates; i++) {
		if (!s->states[i].code || !s->states[i].jobs.n)
			continue;
		group_summary(pc, &s->states[i], &gp[k]);
		if (gp[k].s.n_pay >= PAYSTATS_MIN_CHART)
			k++;
		else if (gp[k].s.n_pay)
			few++;
	}
	if (k)
		mv_set(md, cmp, "states", compare_chart(pc, "pay-states", "Median annual pay by state",
							"states", "State", gp, k));
	mv_bool(md, cmp, "any_states", k || few);
	if (few && !k)
		mv_ref(md, cmp, "states_few", "No state has 3 or more open jobs that state pay, so "
					      "there is no chart; each state's page gives its figures.");
	else if (few)
		mv_strf(md, cmp, "states_few", "%zu %s with only 1 or 2 postings that state pay %s "
					       "left out; their pages give the figures.", few,
			few == 1 ? "state" : "states", few == 1 ? "is" : "are");
	k = 0;
	for (size_t i = 0; i < s->nemployers; i++)
		if (s->employers[i].jobs.n)
			group_summary(pc, &s->employers[i], &gp[k++]);
	qsort(gp, k, sizeof *gp, cmp_by_npay);
	size_t top = 0;
	while (top < k && top < 10 && gp[top].s.n_pay >= PAYSTATS_MIN_CHART)
		top++;
	if (top)
		mv_set(md, cmp, "employers",
		       compare_chart(pc, "pay-employers", "Median annual pay at the largest employers",
				     "employers", "Employer", gp, top));
	mv_num(md, cmp, "employers_n", top);
	mv_set(md, root, "compare", cmp);
	free(gp);
}

static int salary_index(struct pctx *pc)
{
	const struct site *s = pc->s;
	unsigned char kb[16];
	const unsigned char *key;
	int r = whole_kept(pc, "salary", "salary/", 1, NULL, kb, &key);
	if (r <= 0)
		return r;
	begin(pc, "salary/", 0);
	struct mv *root = common(pc, "salary", "salary/", "Jobs by salary",
				 "Open jobs by annual salary band.");
	mv_set(pc->md, root, "bands", group_list(pc, SEC_SALARY, s->bands, s->nbands, 1));
	mv_set(pc->md, root, "pay", pay_obj(pc, "Pay across all jobs", s->open.v, s->open.n,
					    PAY_HISTOGRAM));
	double t = now_ms();
	salary_compare(pc, root);
	pc->st.pay_ms += now_ms() - t;
	return emit_dir_keyed(pc, "salary", "salary", "salary/", 1, NULL, root, key);
}

static int search_page(struct pctx *pc)
{
	unsigned char kb[16];
	const unsigned char *key;
	int r = whole_kept(pc, "search", "search/", 0, NULL, kb, &key);
	if (r <= 0)
		return r;
	begin(pc, "search/", 0);
	struct mv *root = common(pc, "search", "search/", "Search jobs",
				 "Search every open job by title, employer and place.");
	return emit_dir_keyed(pc, "search", "search", "search/", 0, NULL, root, key);
}

/*
 * Hosts serve 404.html for any missing path at any depth, so relative
 * links in it would resolve against the wrong folder.  With base_url its
 * links are absolute (the one page that has them); without, they are
 * relative to the root, right when the page is served at the root.
 */
static int not_found_page(struct pctx *pc)
{
	begin(pc, "", 1);
	struct mv *root = common(pc, "404", "404.html", "Page not found",
				 "There is no page at this address.");
	mv_bool(pc->md, page_of(root), "noindex", 1);
	return emit(pc, "404", "404", "404.html", "404.html", 0, NULL, root);
}

static void jobs_extra(struct pctx *pc, struct mv *root, const void *arg)
{
	(void)arg;
	mv_ref(pc->md, page_of(root), "feed", link(pc, "feed.xml"));
}

int pages_generate(const struct site *s, const struct config *c, struct mdata *md,
		   struct diag *d, page_emit_fn fn, void *ctx, struct pages_stats *st,
		   const unsigned char *key_base)
{
	struct pctx pc = { .s = s, .c = c, .md = md, .d = d, .emit = fn, .emit_ctx = ctx, .root = "",
			   .tmp = BUF_INIT, .tmp2 = BUF_INIT, .kbuf = BUF_INIT, .key_base = key_base };
	int r = home_page(&pc);
	if (!r)
		r = list_pages(&pc, "jobs", "jobs", "jobs/", "All jobs",
			       "Every open job, newest first.", &s->open, jobs_extra, NULL, 0, "jobs");
	for (size_t i = 0; i < s->njobs && !r; i++)
		r = posting_page(&pc, &s->jobs[i]);
	if (!r)
		r = employers_index(&pc);
	if (!r)
		r = group_pages(&pc, SEC_EMPLOYERS, s->employers, s->nemployers);
	if (!r)
		r = states_index(&pc);
	if (!r)
		r = group_pages(&pc, SEC_STATES, s->states, s->nstates);
	if (!r)
		r = salary_index(&pc);
	if (!r)
		r = group_pages(&pc, SEC_SALARY, s->bands, s->nbands);
	if (!r)
		r = search_page(&pc);
	if (!r)
		r = not_found_page(&pc);
	buf_release(&pc.tmp);
	buf_release(&pc.tmp2);
	buf_release(&pc.kbuf);
	buf_release(&pc.jpath);
	buf_release(&pc.jfile);
	free(pc.cards);
	free(pc.have_card);
	free(pc.pay_of);
	for (int g = 0; g < 3; g++)
		free(pc.gkeys[g]);
	if (st)
		*st = pc.st;
	return r;
}
