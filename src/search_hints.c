/*
 * search_hints.c - the rows a query shows first, carried by list files
 * (see search_hints.h; the index format is in search_index.h).
 */
#include "search_hints.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
	unsigned **hid = h->hid = xcalloc(head->n + 1, sizeof *hid);
	long *hn = h->hn = xcalloc(head->n + 1, sizeof *hn);
	for (size_t i = 0; i < head->n; i++) {
		if (!head->v[i].list.n || head->v[i].list.p[0] == '!')
			continue;
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

/* JSON [[id,slug,title,...],...] of ids[0..n) sorted, once each. */
static void put_hint_rows(struct buf *b, unsigned *ids, size_t n, const struct hints *h)
{
	qsort(ids, n, sizeof *ids, cmp_uint);
	struct buf row = BUF_INIT;
	buf_putc(b, '[');
	for (size_t k = 0; k < n; k++) {
		if (k && ids[k] == ids[k - 1])
			continue;
		buf_reset(&row);
		h->row(&row, ids[k], h->row_ctx);
		buf_printf(b, "%s[%u,", k ? "," : "", ids[k]);
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

int search_hints_head_r(struct hints *h, size_t i, struct buf *b, unsigned *count)
{
	if (!head_hinted(&h->head->v[i]))
		return 0;
	struct hword own_w = { 0 }, own_o = { 0 };
	const struct hword *hw = hword_of(h, i, &own_w);
	unsigned ids[HINT_ROWS * (1 + HINT_PARTNERS)];
	size_t nids = 0;
	best_of(hw, HINT_ROWS, ids, &nids);
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
		best_of(&both, HINT_ROWS, ids, &nids);
		hword_release(&both);
		hword_release(&own_o);
	}
	put_hint_rows(b, ids, nids, h);
	hword_release(&own_w);
	return 1;
}

int search_hints_body(struct hints *h, size_t i, struct buf *b)
{
	const struct hint_word *e = &h->body->v[i];
	const struct hint_word *he = search_hint_find(h->head, e->word);
	if (!e->in_file || e->list.p[0] == '*' || head_hinted(he))
		return 0;
	struct hword hw;
	hword_make(&hw, he, e, h->n);
	unsigned ids[HINT_ROWS];
	size_t nids = 0;
	best_of(&hw, HINT_ROWS, ids, &nids);
	put_hint_rows(b, ids, nids, h);
	hword_release(&hw);
	return 1;
}

