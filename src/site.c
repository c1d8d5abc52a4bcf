#include "site.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <time.h>

#include "descstore.h"
#include "slug.h"
#include "util.h"

static const struct {
	const char *code, *name;
} state_names[] = {
	{ "AK", "Alaska" }, { "AL", "Alabama" }, { "AR", "Arkansas" },
	{ "AS", "American Samoa" }, { "AZ", "Arizona" }, { "CA", "California" },
	{ "CO", "Colorado" }, { "CT", "Connecticut" }, { "DC", "District of Columbia" },
	{ "DE", "Delaware" }, { "FL", "Florida" }, { "GA", "Georgia" },
	{ "GU", "Guam" }, { "HI", "Hawaii" }, { "IA", "Iowa" }, { "ID", "Idaho" },
	{ "IL", "Illinois" }, { "IN", "Indiana" }, { "KS", "Kansas" },
	{ "KY", "Kentucky" }, { "LA", "Louisiana" }, { "MA", "Massachusetts" },
	{ "MD", "Maryland" }, { "ME", "Maine" }, { "MI", "Michigan" },
	{ "MN", "Minnesota" }, { "MO", "Missouri" }, { "MP", "Northern Mariana Islands" },
	{ "MS", "Mississippi" }, { "MT", "Montana" }, { "NC", "North Carolina" },
	{ "ND", "North Dakota" }, { "NE", "Nebraska" }, { "NH", "New Hampshire" },
	{ "NJ", "New Jersey" }, { "NM", "New Mexico" }, { "NV", "Nevada" },
	{ "NY", "New York" }, { "OH", "Ohio" }, { "OK", "Oklahoma" },
	{ "OR", "Oregon" }, { "PA", "Pennsylvania" }, { "PR", "Puerto Rico" },
	{ "RI", "Rhode Island" }, { "SC", "South Carolina" }, { "SD", "South Dakota" },
	{ "TN", "Tennessee" }, { "TX", "Texas" }, { "UT", "Utah" },
	{ "VA", "Virginia" }, { "VI", "U.S. Virgin Islands" }, { "VT", "Vermont" },
	{ "WA", "Washington" }, { "WI", "Wisconsin" }, { "WV", "West Virginia" },
	{ "WY", "Wyoming" },
};

const char *site_state_name(const char *code)
{
	size_t lo = 0, hi = ARRAY_SIZE(state_names);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(code, state_names[mid].code);
		if (!c)
			return state_names[mid].name;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* A string -> index map (open addressing); keys are borrowed, their
 * hashes kept (a lookup compares strings only when the hashes agree, and
 * growing hashes nothing again). */
struct strmap {
	const char **keys;
	uint64_t *hashes;
	size_t *vals;
	size_t n, cap;
};

static uint64_t key_hash(const char *s)
{
	return XXH3_64bits(s, strlen(s));
}

static long strmap_find(const struct strmap *m, const char *key, uint64_t h)
{
	if (!m->cap)
		return -1;
	for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->keys[i])
			return -1;
		if (m->hashes[i] == h && !strcmp(m->keys[i], key))
			return (long)m->vals[i];
	}
}

static long strmap_get(const struct strmap *m, const char *key)
{
	return strmap_find(m, key, key_hash(key));
}

static void strmap_put_hashed(struct strmap *m, const char *key, uint64_t h, size_t val);

/* Room for `n` keys in all without growing. */
static void strmap_reserve(struct strmap *m, size_t n)
{
	if (n * 2 <= m->cap)
		return;
	struct strmap old = *m;
	m->cap = old.cap ? old.cap : 64;
	while (m->cap < n * 2)
		m->cap *= 2;
	m->keys = xcalloc(m->cap, sizeof *m->keys);
	m->hashes = xcalloc(m->cap, sizeof *m->hashes);
	m->vals = xcalloc(m->cap, sizeof *m->vals);
	m->n = 0;
	for (size_t i = 0; i < old.cap; i++)
		if (old.keys[i])
			strmap_put_hashed(m, old.keys[i], old.hashes[i], old.vals[i]);
	free(old.keys);
	free(old.hashes);
	free(old.vals);
}

static void strmap_put_hashed(struct strmap *m, const char *key, uint64_t h, size_t val)
{
	if ((m->n + 1) * 2 > m->cap)
		strmap_reserve(m, m->cap ? m->cap : 32);
	size_t i = h & (m->cap - 1);
	while (m->keys[i] && (m->hashes[i] != h || strcmp(m->keys[i], key)))
		i = (i + 1) & (m->cap - 1);
	if (!m->keys[i]) {
		m->keys[i] = key; /* a key already there stays: the caller may free its own */
		m->hashes[i] = h;
		m->n++;
	}
	m->vals[i] = val;
}

static void strmap_put(struct strmap *m, const char *key, size_t val)
{
	strmap_put_hashed(m, key, key_hash(key), val);
}

static void strmap_release(struct strmap *m)
{
	free(m->keys);
	free(m->hashes);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

static void ids_push(struct site_ids *ids, size_t i)
{
	ids->v = xgrow(ids->v, &ids->cap, ids->n + 1, sizeof *ids->v);
	ids->v[ids->n++] = i;
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

/*
 * What the memo of a model (site_memo_put) holds besides the model: where
 * each job and duplicate stood in the posting list, and per place in the
 * list the description's hash and the duplicate key (dup_hash), and
 * whether that key is shared.  `key` hashes everything else the model is
 * made from (model_key).
 */
struct site_memo {
	XXH128_hash_t key;
	size_t n;              /* postings in the list */
	uint32_t *at;          /* per job, its place in the list */
	uint32_t *dup_at;      /* per duplicate, its place and its first's */
	uint64_t *dh, *dk;     /* per place */
	unsigned char *inv;    /* per place: another posting has its key */
	int kept;              /* the model came from a memo */
	size_t patched;        /* ... with this many descriptions changed since */
};

static struct site_memo *memo_new(size_t n)
{
	struct site_memo *m = xcalloc(1, sizeof *m);
	m->n = n;
	m->at = xmalloc((n ? n : 1) * sizeof *m->at);
	m->dup_at = xmalloc((n ? n : 1) * 2 * sizeof *m->dup_at);
	m->dh = xmalloc((n ? n : 1) * sizeof *m->dh);
	m->dk = xmalloc((n ? n : 1) * sizeof *m->dk);
	m->inv = xcalloc(n ? n : 1, 1);
	return m;
}

static void memo_free(struct site_memo *m)
{
	if (!m)
		return;
	free(m->at);
	free(m->dup_at);
	free(m->dh);
	free(m->dk);
	free(m->inv);
	free(m);
}

static void key_field(struct buf *b, const char *s)
{
	buf_putc(b, s != NULL); /* NULL and "" differ; the NUL ends each */
	if (s)
		buf_put(b, s, strlen(s) + 1);
}

static void key_money(struct buf *b, double v)
{
	if (isnan(v))
		v = NAN; /* one NaN, whatever the bits it was made with */
	buf_put(b, &v, sizeof v);
}

/*
 * Everything site_build() reads but the descriptions: each posting's
 * fields in list order (their hash, where the cache made it), the band
 * table and the build date (and, when
 * neither that nor any posting has a date, the newest mtime, which then
 * stands in for it).  Two lists with the same key and the same
 * descriptions make the same model.
 */
static XXH128_hash_t model_key(const struct posting_list *l, const struct band_table *t,
			       const char *build_date)
{
	XXH3_state_t *st = XXH3_createState();
	if (!st)
		die("out of memory (a hash state)");
	XXH3_128bits_reset(st);
	struct buf b = BUF_INIT;
	uint64_t n = l->n;
	buf_put(&b, &n, sizeof n);
	int dated = 0;
	long long newest = 0;
	for (size_t i = 0; i < l->n; i++) {
		const struct posting *p = l->v[i];
		if (b.n >= 1 << 16) {
			XXH3_128bits_update(st, b.p, b.n);
			buf_reset(&b);
		}
		dated = dated || p->date_posted[0];
		if (p->mtime > newest)
			newest = p->mtime;
		if (p->fields_key[0] || p->fields_key[1]) {
			/* a hash of all its fields (the cache's record of them,
			 * source first): the fields below among them */
			buf_putc(&b, 1);
			buf_put(&b, p->fields_key, sizeof p->fields_key);
			continue;
		}
		buf_putc(&b, 0);
		key_field(&b, p->source);
		key_field(&b, p->id);
		key_field(&b, p->title);
		key_field(&b, p->employer);
		key_field(&b, p->employer_slug);
		key_field(&b, p->city);
		key_field(&b, p->location_text);
		key_field(&b, p->state);
		key_field(&b, p->date_posted);
		key_field(&b, p->valid_through);
		int w = (int)p->workplace;
		buf_put(&b, &w, sizeof w);
		key_money(&b, p->annual_min);
		key_money(&b, p->annual_max);
	}
	key_field(&b, build_date ? build_date : "");
	if (!dated && !(build_date && *build_date))
		buf_put(&b, &newest, sizeof newest);
	uint64_t nb = t->n;
	buf_put(&b, &nb, sizeof nb);
	for (size_t i = 0; i < t->n; i++) {
		key_money(&b, t->v[i].min);
		key_field(&b, t->v[i].slug);
		key_field(&b, t->v[i].label);
	}
	XXH3_128bits_update(st, b.p, b.n);
	XXH128_hash_t h = XXH3_128bits_digest(st);
	XXH3_freeState(st);
	buf_release(&b);
	return h;
}

/*
 * Site order: newest first, undated last, then title, then source (each
 * as strcmp orders them), then the order of the input.  Sorted on dense
 * keys: a copy of the date, the
 * title's rank among the distinct titles and the source's rank settle
 * every comparison without following the postings' pointers (at 100,000
 * postings those are cache misses, and titles repeat: a board has
 * hundreds of "Provider Relations Representative").
 */
struct sort_key {
	uint64_t date8;     /* date_posted's bytes 0-7 and 8-9, big-endian: */
	uint32_t date2;     /* in strcmp's order; 0 when there is no date */
	uint32_t title;     /* rank of the title (strcmp order, equal ones equal) */
	uint32_t source;    /* rank of the source (the same), or 0: compare them */
	uint32_t at;        /* place in the input: equal postings keep their order */
	struct posting *p;
};

/* Bytes [from, from + n) of a NUL-terminated string as a big-endian
 * number, zeros past its end (strcmp's order, compared as numbers). */
static uint64_t be_bytes(const char *s, size_t from, size_t n)
{
	uint64_t v = 0;
	int end = 0;
	for (size_t b = 0; b < from + n; b++) {
		end = end || !s[b]; /* nothing is read past the NUL */
		if (b >= from)
			v = v << 8 | (end ? 0 : (unsigned char)s[b]);
	}
	return v;
}

static int cmp_sort_key(const void *a, const void *b)
{
	const struct sort_key *x = a, *y = b;
	if (!x->date8 != !y->date8)
		return x->date8 ? -1 : 1;
	if (x->date8 != y->date8)
		return x->date8 > y->date8 ? -1 : 1; /* newest first */
	if (x->date2 != y->date2)
		return x->date2 > y->date2 ? -1 : 1;
	if (x->title != y->title)
		return x->title < y->title ? -1 : 1;
	if (x->source != y->source)
		return x->source < y->source ? -1 : 1;
	int c = x->source ? 0 : strcmp(x->p->source, y->p->source);
	if (c)
		return c;
	return x->at < y->at ? -1 : x->at > y->at;
}

static int cmp_str_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Each posting's title as its rank among the distinct titles. */
static void title_ranks(struct posting *const *in, size_t n, struct sort_key *k)
{
	struct strmap m = { 0 };
	const char **distinct = xmalloc((n ? n : 1) * sizeof *distinct);
	size_t nd = 0;
	strmap_reserve(&m, n < 64 ? 64 : n / 4);
	for (size_t i = 0; i < n; i++) {
		const char *t = nz(in[i]->title);
		uint64_t h = key_hash(t);
		long at = strmap_find(&m, t, h);
		if (at < 0) {
			at = (long)nd;
			distinct[nd++] = t;
			strmap_put_hashed(&m, t, h, (size_t)at);
		}
		k[i].title = (uint32_t)at; /* its first place for now */
	}
	/* the distinct titles in order: rank[first place] = place in order */
	const char **sorted = xmalloc((nd ? nd : 1) * sizeof *sorted);
	memcpy(sorted, distinct, nd * sizeof *sorted);
	qsort(sorted, nd, sizeof *sorted, cmp_str_ptr);
	uint32_t *rank = xmalloc((nd ? nd : 1) * sizeof *rank);
	for (size_t r = 0; r < nd; r++)
		rank[strmap_get(&m, sorted[r])] = (uint32_t)r;
	for (size_t i = 0; i < n; i++)
		k[i].title = rank[k[i].title];
	free(rank);
	free(sorted);
	free(distinct);
	strmap_release(&m);
}

static void sort_postings(struct posting *const *in, size_t n, struct posting **out,
			  uint32_t *at)
{
	struct sort_key *k = xmalloc((n ? n : 1) * sizeof *k);
	/* Sources in order already (the walk lists a folder's files by
	 * name, and a file's postings follow each other): the rank is the
	 * place, the same for equal ones.  Else they are compared. */
	int sources_sorted = 1;
	for (size_t i = 0; i < n; i++) {
		const struct posting *p = in[i];
		k[i].date8 = be_bytes(p->date_posted, 0, 8);
		k[i].date2 = (uint32_t)be_bytes(p->date_posted, 8, 2);
		k[i].source = (uint32_t)i + 1;
		k[i].at = (uint32_t)i;
		k[i].p = in[i];
		int c = i && sources_sorted ? strcmp(in[i - 1]->source, p->source) : -1;
		if (!c)
			k[i].source = k[i - 1].source;
		sources_sorted = sources_sorted && c <= 0;
	}
	for (size_t i = 0; i < n && !sources_sorted; i++)
		k[i].source = 0;
	title_ranks(in, n, k);
	qsort(k, n, sizeof *k, cmp_sort_key);
	for (size_t i = 0; i < n; i++) {
		out[i] = k[i].p;
		at[i] = k[i].at;
	}
	free(k);
}

/* The location a person would read, for duplicate detection. */
static void location_key(const struct posting *p, struct buf *b)
{
	buf_reset(b);
	if (p->location_text) {
		buf_puts(b, p->location_text);
		return;
	}
	/* "city|state|workplace" (no printf: this runs for every posting) */
	buf_puts(b, nz(p->city));
	buf_putc(b, '|');
	buf_puts(b, p->state);
	buf_putc(b, '|');
	buf_putu(b, (unsigned)p->workplace);
}

struct dupkey {
	uint64_t h;
	size_t i;
};

static int cmp_dupkey(const void *a, const void *b)
{
	const struct dupkey *x = a, *y = b;
	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static int same_posting(const struct posting *p, const struct posting *q)
{
	if (strcmp(nz(p->title), nz(q->title)) || strcmp(nz(p->employer), nz(q->employer)))
		return 0;
	if (posting_desc_hash(p) != posting_desc_hash(q))
		return 0;
	/* descriptions set aside are read back for the comparison, into
	 * buffers of its own: the postings themselves stay as they are */
	struct buf sp = BUF_INIT, sq = BUF_INIT;
	const char *hp, *tp, *hq, *tq;
	posting_desc_read(p, &sp, &hp, &tp);
	posting_desc_read(q, &sq, &hq, &tq);
	int differ = strcmp(hp ? hp : nz(tp), hq ? hq : nz(tq)) != 0;
	buf_release(&sp);
	buf_release(&sq);
	if (differ)
		return 0;
	struct buf a = BUF_INIT, b = BUF_INIT;
	location_key(p, &a);
	location_key(q, &b);
	int same = !strcmp(buf_cstr(&a), buf_cstr(&b));
	buf_release(&a);
	buf_release(&b);
	return same;
}

/* The key duplicates are found by: title, employer, location and the
 * description's hash `dh` (descriptions are most of the bytes). */
static uint64_t dup_hash(const struct posting *p, uint64_t dh, struct buf *loc)
{
	const char *t = nz(p->title), *e = nz(p->employer);
	uint64_t h = XXH3_64bits(t, strlen(t) + 1);
	h = XXH3_64bits_withSeed(e, strlen(e) + 1, h);
	location_key(p, loc);
	h = XXH3_64bits_withSeed(loc->p, loc->n + 1, h);
	return XXH3_64bits_withSeed(&dh, sizeof dh, h);
}

/*
 * Mark duplicates in the sorted array v (dup[i] = index of the first copy
 * + 1).  Hashing first keeps this O(n log n) whatever the sizes.  For the
 * memo, by place in the list (at[i] is v[i]'s): each posting's
 * description hash and key, and whether another posting shares the key.
 */
static void find_duplicates(struct posting **v, size_t n, size_t *dup, const uint32_t *at,
			    struct site_memo *m)
{
	struct dupkey *k = xmalloc((n ? n : 1) * sizeof *k);
	struct buf loc = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		uint64_t dh = posting_desc_hash(v[i]);
		uint64_t h = dup_hash(v[i], dh, &loc);
		m->dh[at[i]] = dh;
		m->dk[at[i]] = h;
		k[i] = (struct dupkey){ h, i };
		dup[i] = 0;
	}
	buf_release(&loc);
	qsort(k, n, sizeof *k, cmp_dupkey);
	for (size_t a = 0; a < n;) {
		size_t b = a + 1;
		while (b < n && k[b].h == k[a].h)
			b++;
		for (size_t x = a; x < b && b - a > 1; x++)
			m->inv[at[k[x].i]] = 1;
		for (size_t x = a + 1; x < b; x++)
			for (size_t y = a; y < x; y++)
				if (!dup[k[y].i] && same_posting(v[k[x].i], v[k[y].i])) {
					dup[k[x].i] = k[y].i + 1;
					break;
				}
		a = b;
	}
	free(k);
}

/*
 * Give every job a unique slug: the posting's id, else its title's slug;
 * a slug taken already gets the first free "-2", "-3", ...  Slugs are only
 * ever added, so the first free suffix of a base never goes down: each
 * base's search resumes where it last stopped (`next`), which keeps a
 * title shared by thousands of postings linear.
 */
static void assign_slugs(struct site *s)
{
	struct strmap seen = { 0 }, next = { 0 };
	struct strlist bases = { 0 }; /* next's keys */
	struct buf b = BUF_INIT;
	strmap_reserve(&seen, s->njobs);
	for (size_t i = 0; i < s->njobs; i++) {
		struct posting *p = s->jobs[i].p;
		char *base = p->id && *p->id ? xstrdup(p->id) : slug_new(slice_from(nz(p->title)));
		if (!*base) {
			free(base);
			base = xstrdup("job");
		}
		char *slug = base;
		uint64_t h = key_hash(slug); /* once: looked up, then put */
		if (strmap_find(&seen, slug, h) >= 0) {
			long from = strmap_get(&next, base);
			unsigned k = from >= 0 ? (unsigned)from : 2;
			for (;; k++) {
				buf_reset(&b);
				buf_printf(&b, "%s-%u", base, k);
				if (strmap_get(&seen, buf_cstr(&b)) < 0)
					break;
			}
			slug = xstrdup(buf_cstr(&b));
			h = key_hash(slug);
			if (from < 0)
				strlist_push(&bases, base); /* a key of next's own, outliving base */
			strmap_put(&next, from < 0 ? bases.v[bases.n - 1] : base, k + 1);
			free(base);
		}
		s->jobs[i].slug = slug;
		strmap_put_hashed(&seen, slug, h, i);
	}
	buf_release(&b);
	strmap_release(&seen);
	strmap_release(&next);
	strlist_release(&bases);
}

struct grouper {
	struct site_group *v;
	size_t n, cap;
	struct strmap map;
};

static size_t group_get(struct grouper *g, const char *slug, const char *name,
			const char *code)
{
	long k = strmap_get(&g->map, slug);
	if (k >= 0)
		return (size_t)k;
	g->v = xgrow(g->v, &g->cap, g->n + 1, sizeof *g->v);
	struct site_group *grp = &g->v[g->n];
	memset(grp, 0, sizeof *grp);
	grp->slug = xstrdup(slug);
	grp->name = xstrdup(name);
	grp->code = code ? xstrdup(code) : NULL;
	/* The map borrows grp->slug, which never moves (only the array does). */
	strmap_put(&g->map, grp->slug, g->n);
	return g->n++;
}

static int cmp_group_name(const void *a, const void *b)
{
	const struct site_group *x = a, *y = b;
	int c = ascii_casecmp(x->name, y->name);
	return c ? c : strcmp(x->slug, y->slug);
}

/* Sort groups by name; remap[old index] = new index. */
static size_t *sort_groups(struct site_group *v, size_t n)
{
	size_t *remap = xmalloc((n ? n : 1) * sizeof *remap);
	/* Stash the old index in the cap field of jobs, which sorting carries along. */
	size_t *old_cap = xmalloc((n ? n : 1) * sizeof *old_cap);
	for (size_t i = 0; i < n; i++) {
		old_cap[i] = v[i].jobs.cap;
		v[i].jobs.cap = i;
	}
	qsort(v, n, sizeof *v, cmp_group_name);
	for (size_t i = 0; i < n; i++) {
		remap[v[i].jobs.cap] = i;
		v[i].jobs.cap = old_cap[v[i].jobs.cap];
	}
	free(old_cap);
	return remap;
}

static void group_employers(struct site *s)
{
	struct grouper g = { 0 };
	struct buf slug = BUF_INIT;
	for (size_t i = 0; i < s->njobs; i++) {
		struct site_job *j = &s->jobs[i];
		const struct posting *p = j->p;
		j->employer = -1;
		if (!p->employer || !*p->employer)
			continue;
		buf_reset(&slug);
		if (p->employer_slug && *p->employer_slug)
			buf_puts(&slug, p->employer_slug);
		else
			slugify(slice_from(p->employer), &slug, SLUG_MAX);
		if (!slug.n)
			continue;
		size_t k = group_get(&g, buf_cstr(&slug), p->employer, NULL);
		j->employer = (long)k;
		if (!j->closed)
			ids_push(&g.v[k].jobs, i);
	}
	buf_release(&slug);
	strmap_release(&g.map);
	size_t *remap = sort_groups(g.v, g.n);
	for (size_t i = 0; i < s->njobs; i++)
		if (s->jobs[i].employer >= 0)
			s->jobs[i].employer = (long)remap[s->jobs[i].employer];
	free(remap);
	s->employers = g.v;
	s->nemployers = g.n;
}

static void group_states(struct site *s)
{
	struct grouper g = { 0 };
	char lower[3];
	for (size_t i = 0; i < s->njobs; i++) {
		struct site_job *j = &s->jobs[i];
		const struct posting *p = j->p;
		const char *name = p->state[0] ? site_state_name(p->state) : NULL;
		j->state = -1;
		j->remote = p->workplace == WORKPLACE_REMOTE;
		if (name) {
			lower[0] = (char)ascii_lower(p->state[0]);
			lower[1] = (char)ascii_lower(p->state[1]);
			lower[2] = 0;
			j->state = (long)group_get(&g, lower, name, p->state);
			if (!j->closed)
				ids_push(&g.v[j->state].jobs, i);
		}
	}
	strmap_release(&g.map);
	size_t *remap = sort_groups(g.v, g.n);
	for (size_t i = 0; i < s->njobs; i++)
		if (s->jobs[i].state >= 0)
			s->jobs[i].state = (long)remap[s->jobs[i].state];
	free(remap);
	/* "Remote" and "Location not stated" come after the states. */
	struct site_group remote = { xstrdup("remote"), xstrdup("Remote"), NULL, { 0 } };
	struct site_group none = { xstrdup("none"), xstrdup("Location not stated"), NULL, { 0 } };
	for (size_t i = 0; i < s->njobs; i++) {
		const struct site_job *j = &s->jobs[i];
		if (j->closed)
			continue;
		if (j->remote)
			ids_push(&remote.jobs, i);
		else if (j->state < 0)
			ids_push(&none.jobs, i);
	}
	s->state_remote = s->state_none = -1;
	g.v = xgrow(g.v, &g.cap, g.n + 2, sizeof *g.v);
	if (remote.jobs.n) {
		s->state_remote = (long)g.n;
		g.v[g.n++] = remote;
	} else {
		free(remote.slug);
		free(remote.name);
	}
	if (none.jobs.n) {
		s->state_none = (long)g.n;
		g.v[g.n++] = none;
	} else {
		free(none.slug);
		free(none.name);
	}
	s->states = g.v;
	s->nstates = g.n;
}

void site_job_path(struct buf *out, const struct site_job *j)
{
	buf_puts(out, "jobs/"); /* no printf: this runs a few times per posting */
	buf_puts(out, j->slug);
	buf_putc(out, '/');
}

void site_group_path(struct buf *out, const char *section, const struct site_group *g,
		     size_t page)
{
	buf_printf(out, "%s/%s/", section, g->slug);
	if (page > 1)
		buf_printf(out, "page/%zu/", page);
}

void site_link(struct buf *out, const char *root, const char *path, int link_index)
{
	size_t start = out->n;
	buf_puts(out, root);
	buf_puts(out, path);
	size_t n = strlen(path);
	if (link_index && (n == 0 || path[n - 1] == '/'))
		buf_puts(out, "index.html");
	if (out->n == start)
		buf_puts(out, "./");
}

void site_root(struct buf *out, const char *path)
{
	for (const char *c = path; *c; c++)
		if (*c == '/')
			buf_puts(out, "../");
}

long site_band_index(const struct site *s, const char *slug)
{
	for (size_t i = 0; i < s->nbands; i++)
		if (!strcmp(s->bands[i].slug, slug))
			return (long)i;
	return -1;
}

/* One empty group per band of the table, then "not-disclosed". */
static void band_groups(struct site *s, const struct band_table *t)
{
	s->nbands = t->n + 1;
	s->bands = xcalloc(s->nbands, sizeof *s->bands);
	for (size_t i = 0; i < t->n; i++) {
		s->bands[i].slug = xstrdup(t->v[i].slug);
		s->bands[i].name = xstrdup(t->v[i].label);
	}
	s->bands[t->n].slug = xstrdup(BAND_NOT_DISCLOSED);
	s->bands[t->n].name = xstrdup("Not disclosed");
}

static void group_bands(struct site *s, const struct band_table *t)
{
	band_groups(s, t);
	for (size_t i = 0; i < s->njobs; i++) {
		struct site_job *j = &s->jobs[i];
		const char *slug = band_for(t, j->p->annual_min, j->p->annual_max);
		long k = site_band_index(s, slug);
		j->band = k >= 0 ? (size_t)k : t->n;
		if (!j->closed)
			ids_push(&s->bands[j->band].jobs, i);
	}
}

/* The model once its jobs are in order: build date, closed, open, slugs, groups. */
static void site_finish(struct site *s, const struct band_table *bands, const char *build_date)
{
	if (build_date && *build_date)
		memcpy(s->build_date, build_date, 11);
	else
		for (size_t i = 0; i < s->njobs; i++)
			if (s->jobs[i].p->date_posted[0]) {
				memcpy(s->build_date, s->jobs[i].p->date_posted, 11);
				break;
			}
	if (!s->build_date[0]) {
		/* No date anywhere: the newest posting file's modification day,
		 * still a property of the input, never the clock. */
		long long newest = 0;
		for (size_t i = 0; i < s->njobs; i++)
			if (s->jobs[i].p->mtime > newest)
				newest = s->jobs[i].p->mtime;
		if (newest > 0) {
			time_t t = (time_t)newest;
			struct tm tm;
			gmtime_r(&t, &tm);
			strftime(s->build_date, sizeof s->build_date, "%Y-%m-%d", &tm);
		}
	}
	for (size_t i = 0; i < s->njobs; i++) {
		struct site_job *j = &s->jobs[i];
		j->closed = j->p->valid_through[0] && s->build_date[0] &&
			    strcmp(j->p->valid_through, s->build_date) < 0;
		if (!j->closed) {
			ids_push(&s->open, i);
			if (!s->newest_date[0] && j->p->date_posted[0])
				memcpy(s->newest_date, j->p->date_posted, 11);
		}
	}
	assign_slugs(s);
	group_employers(s);
	group_states(s);
	group_bands(s, bands);
}

struct site *site_build(struct posting_list *l, const struct band_table *bands,
			const char *build_date, struct diag *d)
{
	struct site *s = xcalloc(1, sizeof *s);
	size_t n = l->n;
	bands = bands ? bands : band_default();
	struct site_memo *m = s->memo = memo_new(n);
	m->key = model_key(l, bands, build_date);
	struct posting **v = xmalloc((n ? n : 1) * sizeof *v);
	uint32_t *at = xmalloc((n ? n : 1) * sizeof *at);
	sort_postings(l->v, n, v, at);

	size_t *dup = xmalloc((n ? n : 1) * sizeof *dup);
	find_duplicates(v, n, dup, at, m);
	s->jobs = xcalloc(n ? n : 1, sizeof *s->jobs);
	size_t dups_cap = 0;
	for (size_t i = 0; i < n; i++) {
		if (dup[i]) {
			const struct posting *first = v[dup[i] - 1];
			diag_report(d, DIAG_WARNING, v[i]->source, 0, 0, "duplicate posting",
				    "duplicate of '%s'; no page built", first->source);
			s->dups = xgrow(s->dups, &dups_cap, s->nduplicates + 1, sizeof *s->dups);
			m->dup_at[2 * s->nduplicates] = at[i];
			m->dup_at[2 * s->nduplicates + 1] = at[dup[i] - 1];
			s->dups[s->nduplicates++] = (struct site_dup){ v[i], first };
			continue;
		}
		m->at[s->njobs] = at[i];
		s->jobs[s->njobs++].p = v[i];
	}
	free(dup);
	free(at);
	free(v);
	site_finish(s, bands, build_date);
	return s;
}

/* ---- the model's memo ---- */

/*
 * Layout (host byte order: the build cache's stamp names the binary):
 * u32 version, the key (16), u64 n, njobs, nemployers, nstates, nbands,
 * nduplicates, i64 state_remote, state_none, build_date and newest_date
 * (11 each); per place in the list dh (u64), dk (u64), inv (u8); per job
 * its place, slug, employer, state, band and flags (u32 each); per
 * duplicate its place and its first's; per employer its slug and name,
 * per state its slug, name and code (offsets into the strings, NO_STR for
 * none); u64 the strings' length, the strings (each ends in a NUL).
 */
#define MEMO_VERSION 1u
#define NO_STR UINT32_MAX
/* More descriptions changed than this, and the model is made again: each
 * one's duplicate key is compared with every other's. */
#define MEMO_MAX_PATCHED 64

static void put32(struct buf *b, uint32_t v)
{
	buf_put(b, &v, sizeof v);
}

static void put64(struct buf *b, uint64_t v)
{
	buf_put(b, &v, sizeof v);
}

static uint32_t put_str(struct buf *strs, const char *s)
{
	if (!s)
		return NO_STR;
	uint32_t at = (uint32_t)strs->n;
	buf_put(strs, s, strlen(s) + 1);
	return at;
}

int site_memo_kept(const struct site *s, size_t *patched)
{
	if (patched)
		*patched = s->memo ? s->memo->patched : 0;
	return s->memo && s->memo->kept;
}

int site_memo_put(const struct site *s, struct buf *out)
{
	const struct site_memo *m = s->memo;
	if (!m || m->n >= UINT32_MAX || m->n != s->njobs + s->nduplicates)
		return -1;
	struct buf strs = BUF_INIT;
	put32(out, MEMO_VERSION);
	buf_put(out, &m->key, sizeof m->key);
	put64(out, m->n);
	put64(out, s->njobs);
	put64(out, s->nemployers);
	put64(out, s->nstates);
	put64(out, s->nbands);
	put64(out, s->nduplicates);
	put64(out, (uint64_t)s->state_remote);
	put64(out, (uint64_t)s->state_none);
	buf_put(out, s->build_date, 11);
	buf_put(out, s->newest_date, 11);
	buf_put(out, m->dh, m->n * sizeof *m->dh);
	buf_put(out, m->dk, m->n * sizeof *m->dk);
	buf_put(out, m->inv, m->n);
	for (size_t i = 0; i < s->njobs; i++) {
		const struct site_job *j = &s->jobs[i];
		put32(out, m->at[i]);
		put32(out, put_str(&strs, j->slug));
		put32(out, (uint32_t)j->employer);
		put32(out, (uint32_t)j->state);
		put32(out, (uint32_t)j->band);
		put32(out, (uint32_t)((j->closed ? 1 : 0) | (j->remote ? 2 : 0)));
	}
	buf_put(out, m->dup_at, s->nduplicates * 2 * sizeof *m->dup_at);
	for (size_t i = 0; i < s->nemployers; i++) {
		put32(out, put_str(&strs, s->employers[i].slug));
		put32(out, put_str(&strs, s->employers[i].name));
	}
	for (size_t i = 0; i < s->nstates; i++) {
		put32(out, put_str(&strs, s->states[i].slug));
		put32(out, put_str(&strs, s->states[i].name));
		put32(out, put_str(&strs, s->states[i].code));
	}
	put64(out, strs.n);
	buf_put(out, strs.p, strs.n);
	buf_release(&strs);
	return 0;
}



static uint32_t u32_at(const unsigned char *p, size_t i)
{
	uint32_t v;
	memcpy(&v, p + 4 * i, sizeof v);
	return v;
}

/* The string at offset `at` of the strings (NULL for NO_STR), or `bad`. */
static const char *str_at(const unsigned char *strs, size_t len, uint32_t at, int *bad)
{
	if (at == NO_STR)
		return NULL;
	if (at >= len || !memchr(strs + at, 0, len - at)) {
		*bad = 1;
		return NULL;
	}
	return (const char *)strs + at;
}

static void groups_from(struct site_group *v, size_t n, const unsigned char *rec, size_t width,
			const unsigned char *strs, size_t len, int *bad)
{
	for (size_t i = 0; i < n && !*bad; i++) {
		const char *slug = str_at(strs, len, u32_at(rec, width * i), bad);
		const char *name = str_at(strs, len, u32_at(rec, width * i + 1), bad);
		const char *code = width > 2 ? str_at(strs, len, u32_at(rec, width * i + 2), bad)
					     : NULL;
		if (!slug || !name)
			*bad = 1;
		if (*bad)
			break;
		v[i].slug = xstrdup(slug);
		v[i].name = xstrdup(name);
		v[i].code = code ? xstrdup(code) : NULL;
	}
}

/* Another place in the list has m->dk[x] (the key is shared). */
static int key_shared(const struct site_memo *m, size_t x)
{
	for (size_t j = 0; j < m->n; j++)
		if (j != x && m->dk[j] == m->dk[x])
			return 1;
	return 0;
}

struct site *site_from_memo(struct slice memo, struct posting_list *l,
			    const struct band_table *bands, const char *build_date, struct diag *d)
{
	bands = bands ? bands : band_default();
	struct reader r = { (const unsigned char *)memo.p, (const unsigned char *)memo.p + memo.n, 0 };
	const unsigned char *version = reader_take(&r, 4);
	XXH128_hash_t key = { 0, 0 };
	const unsigned char *kp = reader_take(&r, sizeof key);
	if (r.bad || u32_at(version, 0) != MEMO_VERSION)
		return NULL;
	memcpy(&key, kp, sizeof key);
	uint64_t n = reader_u(&r, 8), njobs = reader_u(&r, 8), nemp = reader_u(&r, 8), nstates = reader_u(&r, 8),
		 nbands = reader_u(&r, 8), ndups = reader_u(&r, 8);
	long remote = (long)(int64_t)reader_u(&r, 8), none = (long)(int64_t)reader_u(&r, 8);
	const unsigned char *dates = reader_take(&r, 22);
	if (r.bad || n != l->n || n >= UINT32_MAX || njobs + ndups != n ||
	    nbands != bands->n + 1 || nemp > n || nstates > 64 + 2)
		return NULL;
	const unsigned char *dh = reader_take(&r, n * 8), *dk = reader_take(&r, n * 8), *inv = reader_take(&r, n);
	const unsigned char *jobs = reader_take(&r, njobs * 24), *dups = reader_take(&r, ndups * 8);
	const unsigned char *emps = reader_take(&r, nemp * 8), *states = reader_take(&r, nstates * 12);
	uint64_t slen = reader_u(&r, 8);
	const unsigned char *strs = reader_take(&r, slen);
	if (r.bad || r.p != r.end || dates[10] || dates[21] ||
	    (remote != -1 && (remote < 0 || (uint64_t)remote >= nstates)) ||
	    (none != -1 && (none < 0 || (uint64_t)none >= nstates)))
		return NULL;
	/* the inputs but the descriptions, as they were */
	XXH128_hash_t now = model_key(l, bands, build_date);
	if (!XXH128_isEqual(now, key))
		return NULL;

	struct site_memo *m = memo_new(n);
	m->key = key;
	m->kept = 1;
	memcpy(m->dh, dh, n * 8);
	memcpy(m->dk, dk, n * 8);
	memcpy(m->inv, inv, n);
	/* Descriptions edited since: each keeps the model only if it was in
	 * no duplicate set and its new key is nobody else's (then no posting
	 * became or stopped being a duplicate). */
	size_t changed[MEMO_MAX_PATCHED], nchanged = 0;
	int bad = 0;
	for (size_t i = 0; i < n && !bad; i++) {
		uint64_t h = posting_desc_hash(l->v[i]);
		if (h == m->dh[i])
			continue;
		if (nchanged == MEMO_MAX_PATCHED || m->inv[i])
			bad = 1;
		else
			changed[nchanged++] = i;
		m->dh[i] = h;
	}
	struct buf loc = BUF_INIT;
	for (size_t k = 0; k < nchanged && !bad; k++)
		m->dk[changed[k]] = dup_hash(l->v[changed[k]], m->dh[changed[k]], &loc);
	buf_release(&loc);
	for (size_t k = 0; k < nchanged && !bad; k++)
		bad = key_shared(m, changed[k]);
	m->patched = nchanged;

	struct site *s = xcalloc(1, sizeof *s);
	s->memo = m;
	s->jobs = xcalloc(njobs ? njobs : 1, sizeof *s->jobs);
	s->employers = xcalloc(nemp ? nemp : 1, sizeof *s->employers);
	s->states = xcalloc(nstates ? nstates : 1, sizeof *s->states);
	s->dups = xcalloc(ndups ? ndups : 1, sizeof *s->dups);
	s->nemployers = nemp;
	s->nstates = nstates;
	s->state_remote = remote;
	s->state_none = none;
	unsigned char *used = xcalloc(n ? n : 1, 1); /* every place once */
	for (size_t i = 0; i < ndups && !bad; i++) {
		uint32_t at = u32_at(dups, 2 * i), first = u32_at(dups, 2 * i + 1);
		if (at >= n || first >= n || used[at]++) {
			bad = 1;
			break;
		}
		m->dup_at[2 * i] = at;
		m->dup_at[2 * i + 1] = first;
		s->dups[i] = (struct site_dup){ l->v[at], l->v[first] };
		s->nduplicates++;
	}
	for (size_t i = 0; i < njobs && !bad; i++) {
		const unsigned char *rec = jobs + 24 * i;
		uint32_t at = u32_at(rec, 0), emp = u32_at(rec, 2), st = u32_at(rec, 3),
			 band = u32_at(rec, 4), flags = u32_at(rec, 5);
		const char *slug = str_at(strs, slen, u32_at(rec, 1), &bad);
		struct site_job *j = &s->jobs[i];
		j->employer = emp == UINT32_MAX ? -1 : (long)emp;
		j->state = st == UINT32_MAX ? -1 : (long)st;
		j->band = band;
		j->closed = flags & 1;
		j->remote = flags >> 1 & 1;
		if (bad || !slug || at >= n || used[at]++ || flags > 3 ||
		    (j->employer >= 0 && (uint64_t)j->employer >= nemp) ||
		    (j->state >= 0 && ((uint64_t)j->state >= nstates || j->state == remote ||
				       j->state == none)) ||
		    band >= nbands || (!j->closed && j->remote && remote < 0) ||
		    (!j->closed && !j->remote && j->state < 0 && none < 0)) {
			bad = 1;
			break;
		}
		j->p = l->v[at];
		j->slug = xstrdup(slug);
		m->at[i] = at;
		s->njobs++;
	}
	free(used);
	groups_from(s->employers, nemp, emps, 2, strs, slen, &bad);
	groups_from(s->states, nstates, states, 3, strs, slen, &bad);
	if (bad) {
		site_free(s);
		return NULL;
	}
	memcpy(s->build_date, dates, 11);
	memcpy(s->newest_date, dates + 11, 11);
	band_groups(s, bands); /* nbands groups: checked above */
	for (size_t i = 0; i < s->njobs; i++) {
		const struct site_job *j = &s->jobs[i];
		if (j->closed)
			continue;
		ids_push(&s->open, i);
		if (j->employer >= 0)
			ids_push(&s->employers[j->employer].jobs, i);
		if (j->state >= 0)
			ids_push(&s->states[j->state].jobs, i);
		if (j->remote)
			ids_push(&s->states[remote].jobs, i);
		else if (j->state < 0)
			ids_push(&s->states[none].jobs, i);
		ids_push(&s->bands[j->band].jobs, i);
	}
	/* as site_build() reports them, in site order */
	for (size_t i = 0; i < s->nduplicates; i++)
		diag_report(d, DIAG_WARNING, s->dups[i].p->source, 0, 0, "duplicate posting",
			    "duplicate of '%s'; no page built", s->dups[i].first->source);
	return s;
}

void site_mark_duplicates(struct site *s)
{
	for (size_t i = 0; i < s->nduplicates; i++)
		posting_warn(s->dups[i].p, 0, "duplicate posting", "duplicate of '%s'; no page built",
			     s->dups[i].first->source);
}

static void groups_free(struct site_group *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].slug);
		free(v[i].name);
		free(v[i].code);
		free(v[i].jobs.v);
	}
	free(v);
}

void site_free(struct site *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->njobs; i++)
		free(s->jobs[i].slug);
	free(s->jobs);
	free(s->open.v);
	groups_free(s->employers, s->nemployers);
	groups_free(s->states, s->nstates);
	groups_free(s->bands, s->nbands);
	free(s->dups);
	memo_free(s->memo);
	free(s);
}
