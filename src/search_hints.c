/*
 * search_hints.c - the rows a query shows first, carried by list files
 * (see search_hints.h; the index format is in search_index.h).
 */
#include "search_hints.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "search_index.h"
#include "util.h"

/* Rows a query of a word, or of a word and a partner, ranks first. */
#define HINT_ROWS 12
#define HINT_PARTNERS 4
const double SEARCH_K1 = 1.2, SEARCH_HEAD_BOOST = 1.5;
const double SEARCH_FIELD_W[3] = { 3, 2, 1 }, SEARCH_BUCKET_W[4] = { 1, 2, 3.5, 6 };

/* A word's postings and their scores for a query of it alone. */
struct hword {
	unsigned *ids;      /* ascending */
	float *s;
	long n;
};

/* What one word's hints were made of, and their ids: kept for the next
 * index (search_hints_memo). */
struct hint_rec {
	uint64_t key;                       /* word_key() of the word */
	unsigned np;
	uint32_t partner[HINT_PARTNERS];    /* head word indices */
	unsigned nids;
	unsigned ids[HINT_ROWS * (1 + HINT_PARTNERS)]; /* ascending, once each */
	int made;                           /* ranked by this index, not taken from the memo */
};

/* One word's entry in the last index's memo (search_hints_reuse). */
struct memo_entry {
	unsigned tier;
	struct slice word;
	uint64_t key;
	unsigned np, nids;
	struct slice pword[HINT_PARTNERS];
	uint64_t pkey[HINT_PARTNERS];
	const unsigned char *ids;           /* nids little-endian u32 */
};

struct hints {
	search_row_fn row;      /* a posting's row */
	void *row_ctx;
	size_t n;               /* postings */
	const struct hint_tier *head, *body; /* finished and sorted */
	struct hword *w;        /* per head word, made when first needed */
	unsigned char *made;    /* 0, MAKING (by one thread), MADE */
	unsigned **hid;         /* per head word (not a complement): its list */
	long *hn;
	size_t *fwd_at;         /* per posting: its head words (not complements) */
	uint32_t *fwd;          /* are fwd[fwd_at[id] .. fwd_at[id + 1]) */
	unsigned *count;        /* scratch of search_hints_head(): see partners() */
	uint64_t *hkey;         /* per head word: word_key() | 1, 0 = not yet */
	uint64_t excluded;      /* hash of the head words no partner can be */
	struct hint_rec **rec[2]; /* per word of each tier: its hints, if any */
	/* the last index's hints (search_hints_reuse) */
	struct memo_entry *memo;
	size_t nmemo;
	unsigned char *dirty;   /* per head word: on a changed posting */
	size_t nkept, nmade;    /* hinted words: from the memo, made (atomic) */
};

enum { MAKING = 1, MADE = 2 };

static double idf(size_t n, double df)
{
	return log(1 + ((double)n - df + 0.5) / (df + 0.5));
}

const struct hint_word *search_hint_find(const struct hint_tier *t, const char *w)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->v[mid].word, w);
		if (!c)
			return &t->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* A final list as search.js reads it: ids and scores; a complement is
 * turned back into the ids with the word (score 0), "*" is empty. */
static long final_list(const struct hint_word *e, unsigned shift, size_t n,
		       unsigned **ids, unsigned **sc)
{
	*ids = *sc = NULL;
	if (!e || !e->list.n || e->list.p[0] == '*')
		return 0;
	struct slice l = e->list;
	int not = l.p[0] == '!';
	if (l.p[0] == '~' || not) {
		l.p++;
		l.n--;
	}
	long k = search_list_decode(l, not ? 0 : shift, ids, sc);
	if (k < 0)
		die("search index: bad list for '%s'", e->word);
	if (!not)
		return k;
	unsigned *all = xmalloc((n + 1) * sizeof *all);
	long m = 0;
	for (size_t id = 0, j = 0; id < n; id++) {
		if (j < (size_t)k && (*ids)[j] == id)
			j++;
		else
			all[m++] = (unsigned)id;
	}
	free(*ids);
	free(*sc);
	*ids = all;
	*sc = xcalloc((size_t)m + 1, sizeof **sc);
	return m;
}

/* Postings of the word of head entry he and body entry be (either may be
 * NULL) with their scores: head plus body, each a float first. */
static void hword_make(struct hword *hw, const struct hint_word *he, const struct hint_word *be, size_t n)
{
	unsigned *i0, *m0, *i1, *b1;
	long k0 = final_list(he, SEARCH_SHIFT_HEAD, n, &i0, &m0);
	long k1 = final_list(be, SEARCH_SHIFT_BODY, n, &i1, &b1);
	if (he && he->list.n && he->list.p[0] == '!')
		for (long a = 0; a < k0; a++)
			m0[a] = 1; /* no field masks: as a title */
	double f0 = he ? idf(n, he->df) : 0, f1 = be ? idf(n, be->df) : 0;
	hw->ids = xmalloc(((size_t)(k0 + k1) + 1) * sizeof *hw->ids);
	hw->s = xmalloc(((size_t)(k0 + k1) + 1) * sizeof *hw->s);
	hw->n = 0;
	for (long a = 0, c = 0; a < k0 || c < k1;) {
		unsigned id = a < k0 && (c >= k1 || i0[a] <= i1[c]) ? i0[a] : i1[c];
		float hs = 0, bs = 0;
		if (a < k0 && i0[a] == id) {
			double tf = 0;
			for (int f = 0; f < 3; f++)
				if (m0[a] & (1u << f))
					tf += SEARCH_FIELD_W[f];
			hs = (float)(SEARCH_HEAD_BOOST * f0 * tf * (SEARCH_K1 + 1) / (tf + SEARCH_K1));
			a++;
		}
		if (c < k1 && i1[c] == id) {
			double t = SEARCH_BUCKET_W[b1[c]];
			bs = (float)(f1 * t * (SEARCH_K1 + 1) / (t + SEARCH_K1));
			c++;
		}
		hw->ids[hw->n] = id;
		hw->s[hw->n++] = hs + bs;
	}
	free(i0);
	free(m0);
	free(i1);
	free(b1);
}

static void hword_release(struct hword *hw)
{
	free(hw->ids);
	free(hw->s);
	memset(hw, 0, sizeof *hw);
}

static int head_hinted(const struct hint_word *e)
{
	return e && e->in_file && e->list.p[0] != '!';
}

struct hints *search_hints_new(const struct hint_tier *head, const struct hint_tier *body,
			       size_t n, search_row_fn row, void *row_ctx)
{
	struct hints *h = xcalloc(1, sizeof *h);
	h->row = row;
	h->row_ctx = row_ctx;
	h->n = n;
	h->head = head;
	h->body = body;
	h->w = xcalloc(head->n + 1, sizeof *h->w);
	h->made = xcalloc(head->n + 1, 1);
	h->count = xcalloc(head->n + 1, sizeof *h->count);
	h->fwd_at = xcalloc(n + 2, sizeof *h->fwd_at);
	/* Partners are counted on the head lists alone (words of one title). */
	h->hkey = xcalloc(head->n + 1, sizeof *h->hkey);
	h->rec[0] = xcalloc(head->n + 1, sizeof *h->rec[0]);
	h->rec[1] = xcalloc(body->n + 1, sizeof *h->rec[1]);
	unsigned **hid = h->hid = xcalloc(head->n + 1, sizeof *hid);
	long *hn = h->hn = xcalloc(head->n + 1, sizeof *hn);
	uint64_t excluded = XXH3_64bits(&n, sizeof n);
	for (size_t i = 0; i < head->n; i++) {
		if (!head->v[i].list.n || head->v[i].list.p[0] == '!') {
			/* the words no posting counts as a partner of another */
			excluded = XXH3_64bits_withSeed(head->v[i].word, strlen(head->v[i].word) + 1,
							excluded);
			continue;
		}
		hn[i] = search_list_decode(head->v[i].list, SEARCH_SHIFT_HEAD, &hid[i], NULL);
		for (long k = 0; k < hn[i]; k++)
			h->fwd_at[hid[i][k] + 1]++;
	}
	for (size_t id = 0; id < n; id++)
		h->fwd_at[id + 1] += h->fwd_at[id];
	h->fwd = xmalloc((h->fwd_at[n] + 1) * sizeof *h->fwd);
	size_t *fill = xcalloc(n + 1, sizeof *fill);
	for (size_t i = 0; i < head->n; i++) {
		for (long k = 0; k < hn[i]; k++) {
			unsigned id = hid[i][k];
			h->fwd[h->fwd_at[id] + fill[id]++] = (uint32_t)i;
		}
	}
	free(fill);
	h->excluded = excluded;
	return h;
}

void search_hints_free(struct hints *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->head->n; i++) {
		hword_release(&h->w[i]);
		free(h->hid[i]);
	}
	free(h->hid);
	free(h->hn);
	free(h->w);
	free(h->made);
	free(h->count);
	free(h->fwd_at);
	free(h->fwd);
	for (int t = 0; t < 2; t++) {
		size_t nw = t ? h->body->n : h->head->n;
		for (size_t i = 0; i < nw; i++)
			free(h->rec[t][i]);
		free(h->rec[t]);
	}
	free(h->hkey);
	free(h->memo);
	free(h->dirty);
	free(h);
}

struct ranked {
	float s;
	unsigned id;
};

/* Better first: higher score, then lower id (newer), as search.js sorts. */
static int ranked_before(struct ranked a, struct ranked b)
{
	return a.s > b.s || (a.s == b.s && a.id < b.id);
}

/* Keep the max best in top[0..*nt), best first. */
static void rank_in(struct ranked *top, size_t *nt, size_t max, struct ranked r)
{
	if (*nt == max && !ranked_before(r, top[*nt - 1]))
		return;
	size_t at = *nt < max ? (*nt)++ : max - 1;
	while (at > 0 && ranked_before(r, top[at - 1])) {
		top[at] = top[at - 1];
		at--;
	}
	top[at] = r;
}

/* Append to ids the max best of hw. */
static void best_of(const struct hword *hw, size_t max, unsigned *ids, size_t *nids)
{
	struct ranked top[HINT_ROWS];
	size_t nt = 0;
	for (long k = 0; k < hw->n; k++)
		rank_in(top, &nt, max, (struct ranked){ hw->s[k], hw->ids[k] });
	for (size_t k = 0; k < nt; k++)
		ids[(*nids)++] = top[k].id;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	return x < y ? -1 : x > y;
}

/* ids[0..*n) ascending, once each. */
static void sort_ids(unsigned *ids, size_t *n)
{
	qsort(ids, *n, sizeof *ids, cmp_uint);
	size_t m = 0;
	for (size_t k = 0; k < *n; k++)
		if (!m || ids[k] != ids[m - 1])
			ids[m++] = ids[k];
	*n = m;
}

/* JSON [[id,slug,title,...],...] of the hints of r. */
static void put_hint_rows(struct buf *b, const struct hint_rec *r, const struct hints *h)
{
	struct buf row = BUF_INIT;
	buf_putc(b, '[');
	for (size_t k = 0; k < r->nids; k++) {
		buf_reset(&row);
		h->row(&row, r->ids[k], h->row_ctx);
		buf_printf(b, "%s[%u,", k ? "," : "", r->ids[k]);
		buf_putslice(b, (struct slice){ row.p + 1, row.n - 1 });
	}
	buf_putc(b, ']');
	buf_release(&row);
}

/* The head words sharing most postings with head word i (ties: the
 * first in word order), into partner[0..return).  One pass counts; the
 * words it met are then ranked once each (a top 4 by count, then word,
 * whatever order they come in) and their counts set back to zero. */
static size_t partners(const struct hints *h, unsigned *count, size_t i,
		       size_t partner[HINT_PARTNERS])
{
	unsigned shared[HINT_PARTNERS];
	size_t np = 0, nmet = 0, cap = 64;
	uint32_t self = (uint32_t)i, *met = xmalloc(cap * sizeof *met);
	for (long k = 0; k < h->hn[i]; k++) {
		unsigned id = h->hid[i][k];
		for (size_t f = h->fwd_at[id]; f < h->fwd_at[id + 1]; f++) {
			uint32_t j = h->fwd[f];
			if (count[j]++)
				continue;
			if (nmet == cap)
				met = xrealloc(met, (cap *= 2) * sizeof *met);
			met[nmet++] = j;
		}
	}
	for (size_t m = 0; m < nmet; m++) {
		uint32_t j = met[m];
		unsigned c = count[j];
		count[j] = 0; /* the table ends all zero */
		if (j == self)
			continue;
		size_t at = np;
		while (at > 0 && (shared[at - 1] < c || (shared[at - 1] == c && partner[at - 1] > j)))
			at--;
		if (at >= HINT_PARTNERS)
			continue;
		if (np < HINT_PARTNERS)
			np++;
		for (size_t q = np - 1; q > at; q--) {
			partner[q] = partner[q - 1];
			shared[q] = shared[q - 1];
		}
		partner[at] = j;
		shared[at] = c;
	}
	free(met);
	return np;
}

/*
 * Head word i's postings and scores, made once and kept; while another
 * thread is making them, made into *own (the caller releases it) rather
 * than waited for.  Either way the same numbers.
 */
static const struct hword *hword_of(struct hints *h, size_t i, struct hword *own)
{
	unsigned char st = __atomic_load_n(&h->made[i], __ATOMIC_ACQUIRE), none = 0;
	if (st == MADE)
		return &h->w[i];
	const struct hint_word *e = &h->head->v[i];
	const struct hint_word *be = search_hint_find(h->body, e->word);
	if (st == 0 && __atomic_compare_exchange_n(&h->made[i], &none, MAKING, 0, __ATOMIC_ACQ_REL,
						   __ATOMIC_ACQUIRE)) {
		hword_make(&h->w[i], e, be, h->n);
		__atomic_store_n(&h->made[i], MADE, __ATOMIC_RELEASE);
		return &h->w[i];
	}
	if (__atomic_load_n(&h->made[i], __ATOMIC_ACQUIRE) == MADE)
		return &h->w[i];
	hword_make(own, e, be, h->n);
	return own;
}

size_t search_hints_nhead(const struct hints *h)
{
	return h->head->n;
}

int search_hints_head(struct hints *h, size_t i, struct buf *b)
{
	return search_hints_head_r(h, i, b, h->count);
}

/* ---- the last index's hints ---------------------------------------- */

/*
 * The hints of a word are a function of n, of the lists and document
 * frequencies of the word and its partners (both tiers), and of which
 * words are its partners.  The key of a word is a hash of the first two.
 */
static uint64_t word_key(const struct hint_word *he, const struct hint_word *be)
{
	uint64_t v[4] = { he ? he->df : UINT64_MAX, he ? he->list.n : 0,
			  be ? be->df : UINT64_MAX, be ? be->list.n : 0 };
	uint64_t k = XXH3_64bits(v, sizeof v);
	if (he)
		k = XXH3_64bits_withSeed(he->list.p, he->list.n, k);
	if (be)
		k = XXH3_64bits_withSeed(be->list.p, be->list.n, k);
	return k;
}

/* Head word i's key, made once (either thread may make it: same value). */
static uint64_t head_key(struct hints *h, size_t i)
{
	uint64_t k = __atomic_load_n(&h->hkey[i], __ATOMIC_RELAXED);
	if (!k) {
		const struct hint_word *e = &h->head->v[i];
		k = word_key(e, search_hint_find(h->body, e->word)) | 1;
		__atomic_store_n(&h->hkey[i], k, __ATOMIC_RELAXED);
	}
	return k;
}

static int cmp_memo(unsigned tier, const char *w, const struct memo_entry *m)
{
	if (tier != m->tier)
		return tier < m->tier ? -1 : 1;
	size_t n = strlen(w);
	int c = memcmp(w, m->word.p, n < m->word.n ? n : m->word.n);
	return c ? c : n < m->word.n ? -1 : n > m->word.n;
}

/* The memo's entry of word w of tier t, or NULL (entries are in tier,
 * then byte order: as search_hints_memo writes them). */
static const struct memo_entry *memo_find(const struct hints *h, unsigned tier, const char *w)
{
	size_t lo = 0, hi = h->nmemo;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_memo(tier, w, &h->memo[mid]);
		if (!c)
			return &h->memo[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/*
 * r from the memo, when what its hints were made of is unchanged: the
 * word's key, and for a head word its partners (the same words, since no
 * changed posting has the word and the excluded words are the same) with
 * their keys.  1 when r was filled.
 */
static int from_memo(struct hints *h, unsigned tier, const char *w, uint64_t key, struct hint_rec *r)
{
	const struct memo_entry *m = h->memo ? memo_find(h, tier, w) : NULL;
	if (!m || m->key != key)
		return 0;
	for (unsigned p = 0; p < m->np; p++) {
		char *pw = xstrndup(m->pword[p].p, m->pword[p].n);
		const struct hint_word *e = search_hint_find(h->head, pw);
		free(pw);
		if (!e || !e->list.n || e->list.p[0] == '!')
			return 0; /* no longer a word any posting can share */
		size_t j = (size_t)(e - h->head->v);
		if (head_key(h, j) != m->pkey[p])
			return 0;
		r->partner[p] = (uint32_t)j;
	}
	r->key = key;
	r->np = m->np;
	r->nids = m->nids;
	for (unsigned k = 0; k < m->nids; k++) {
		uint32_t id;
		memcpy(&id, m->ids + 4 * k, 4);
		r->ids[k] = id;
	}
	return 1;
}

#define MEMO_MAGIC "HNT1"

size_t search_hints_reuse(struct hints *h, struct slice memo, const size_t *changed, size_t nchanged)
{
	struct reader r = reader_of(memo);
	const unsigned char *magic = reader_take(&r, 4);
	uint64_t n = reader_u(&r, 8), excluded = reader_u(&r, 8), count = reader_u(&r, 8);
	if (r.bad || memcmp(magic, MEMO_MAGIC, 4) || n != h->n || excluded != h->excluded ||
	    count > memo.n)
		return 0;
	struct memo_entry *v = xcalloc((size_t)count + 1, sizeof *v);
	size_t k = 0;
	for (; k < count && !r.bad; k++) {
		struct memo_entry *m = &v[k];
		m->tier = (unsigned)reader_u(&r, 1);
		m->word.n = (size_t)reader_u(&r, 4);
		m->word.p = (const char *)reader_take(&r, m->word.n);
		m->key = reader_u(&r, 8);
		m->np = (unsigned)reader_u(&r, 1);
		if (m->tier > 1 || m->np > HINT_PARTNERS || (m->tier && m->np)) {
			r.bad = 1;
			break;
		}
		for (unsigned p = 0; p < m->np; p++) {
			m->pword[p].n = (size_t)reader_u(&r, 4);
			m->pword[p].p = (const char *)reader_take(&r, m->pword[p].n);
			m->pkey[p] = reader_u(&r, 8);
		}
		m->nids = (unsigned)reader_u(&r, 1);
		if (m->nids > HINT_ROWS * (1 + HINT_PARTNERS)) {
			r.bad = 1;
			break;
		}
		m->ids = reader_take(&r, 4 * (size_t)m->nids);
		for (unsigned i = 0, prev = 0; m->ids && i < m->nids; i++) {
			uint32_t id;
			memcpy(&id, m->ids + 4 * i, 4);
			if (id >= n || (i && id <= prev))
				r.bad = 1; /* ids of postings there are, ascending */
			prev = id;
		}
	}
	if (r.bad || r.p != r.end) {
		free(v);
		return 0;
	}
	/* in tier, then byte order, each word once: memo_find searches them */
	for (size_t i = 1; i < k; i++) {
		const struct memo_entry *a = &v[i - 1], *b = &v[i];
		size_t m = a->word.n < b->word.n ? a->word.n : b->word.n;
		int c = a->tier != b->tier ? (a->tier < b->tier ? -1 : 1) : memcmp(a->word.p, b->word.p, m);
		if (!c)
			c = a->word.n < b->word.n ? -1 : a->word.n > b->word.n;
		if (c >= 0) {
			free(v);
			return 0;
		}
	}
	/* a head word on a changed posting: its partners may have changed */
	h->dirty = xcalloc(h->head->n + 1, 1);
	for (size_t c = 0; c < nchanged; c++) {
		if (changed[c] >= h->n) {
			free(v);
			free(h->dirty);
			h->dirty = NULL;
			return 0;
		}
		for (size_t f = h->fwd_at[changed[c]]; f < h->fwd_at[changed[c] + 1]; f++)
			h->dirty[h->fwd[f]] = 1;
	}
	h->memo = v;
	h->nmemo = k;
	return k;
}

static void put_u(struct buf *b, uint64_t v, size_t n)
{
	buf_put(b, &v, n); /* little-endian: the memo never leaves this machine */
}

void search_hints_memo(const struct hints *h, struct buf *out)
{
	size_t count = 0;
	for (int t = 0; t < 2; t++)
		for (size_t i = 0, nw = t ? h->body->n : h->head->n; i < nw; i++)
			count += h->rec[t][i] != NULL;
	buf_put(out, MEMO_MAGIC, 4);
	put_u(out, h->n, 8);
	put_u(out, h->excluded, 8);
	put_u(out, count, 8);
	for (unsigned t = 0; t < 2; t++) {
		const struct hint_tier *tier = t ? h->body : h->head;
		for (size_t i = 0; i < tier->n; i++) {
			const struct hint_rec *r = h->rec[t][i];
			if (!r)
				continue;
			size_t len = strlen(tier->v[i].word);
			put_u(out, t, 1);
			put_u(out, len, 4);
			buf_put(out, tier->v[i].word, len);
			put_u(out, r->key, 8);
			put_u(out, r->np, 1);
			for (unsigned p = 0; p < r->np; p++) {
				const char *pw = h->head->v[r->partner[p]].word;
				put_u(out, strlen(pw), 4);
				buf_puts(out, pw);
				put_u(out, h->hkey[r->partner[p]], 8);
			}
			put_u(out, r->nids, 1);
			for (unsigned k = 0; k < r->nids; k++)
				put_u(out, r->ids[k], 4);
		}
	}
}

void search_hints_counts(const struct hints *h, size_t *kept, size_t *made)
{
	*kept = h->nkept;
	*made = h->nmade;
}

/* Word i of tier t has hints r (r->made: ranked now, else from the memo):
 * their rows into b, r kept for the next index's memo. */
static int hinted(struct hints *h, unsigned t, size_t i, struct hint_rec *r, struct buf *b)
{
	__atomic_fetch_add(r->made ? &h->nmade : &h->nkept, 1, __ATOMIC_RELAXED);
	put_hint_rows(b, r, h);
	h->rec[t][i] = r;
	return 1;
}

int search_hints_head_r(struct hints *h, size_t i, struct buf *b, unsigned *count)
{
	if (!head_hinted(&h->head->v[i]))
		return 0;
	struct hint_rec *r = xcalloc(1, sizeof *r);
	uint64_t key = head_key(h, i);
	if (!h->memo || h->dirty[i] || !from_memo(h, 0, h->head->v[i].word, key, r)) {
		struct hword own_w = { 0 }, own_o = { 0 };
		const struct hword *hw = hword_of(h, i, &own_w);
		size_t nids = 0;
		memset(r, 0, sizeof *r);
		r->key = key;
		r->made = 1;
		best_of(hw, HINT_ROWS, r->ids, &nids);
		size_t partner[HINT_PARTNERS];
		size_t np = partners(h, count, i, partner);
		for (size_t p = 0; p < np; p++) {
			/* A query of both: the postings with both, scores added. */
			const struct hword *o = hword_of(h, partner[p], &own_o);
			struct hword both = { xmalloc(((size_t)hw->n + 1) * sizeof *both.ids),
					      xmalloc(((size_t)hw->n + 1) * sizeof *both.s), 0 };
			for (long a = 0, c = 0; a < hw->n && c < o->n;) {
				if (hw->ids[a] < o->ids[c]) {
					a++;
				} else if (hw->ids[a] > o->ids[c]) {
					c++;
				} else {
					both.ids[both.n] = hw->ids[a];
					both.s[both.n++] = hw->s[a++] + o->s[c++];
				}
			}
			best_of(&both, HINT_ROWS, r->ids, &nids);
			hword_release(&both);
			hword_release(&own_o);
			r->partner[p] = (uint32_t)partner[p];
			head_key(h, partner[p]); /* for the memo */
		}
		r->np = (unsigned)np;
		sort_ids(r->ids, &nids);
		r->nids = (unsigned)nids;
		hword_release(&own_w);
	}
	return hinted(h, 0, i, r, b);
}

int search_hints_body(struct hints *h, size_t i, struct buf *b)
{
	const struct hint_word *e = &h->body->v[i];
	const struct hint_word *he = search_hint_find(h->head, e->word);
	if (!e->in_file || e->list.p[0] == '*' || head_hinted(he))
		return 0;
	struct hint_rec *r = xcalloc(1, sizeof *r);
	uint64_t key = word_key(he, e);
	if (!from_memo(h, 1, e->word, key, r)) {
		struct hword hw;
		hword_make(&hw, he, e, h->n);
		size_t nids = 0;
		memset(r, 0, sizeof *r);
		r->key = key;
		r->made = 1;
		best_of(&hw, HINT_ROWS, r->ids, &nids);
		sort_ids(r->ids, &nids);
		r->nids = (unsigned)nids;
		hword_release(&hw);
	}
	return hinted(h, 1, i, r, b);
}
