/*
 * t_search_index.c - the search index, written and read back.
 *
 * Hand-made postings are indexed into a temp folder with small shards (so
 * there are many shards, external lists and complement lists); then every
 * file is decoded here and compared with the postings: every word of every
 * posting is in the shard whose range holds it, with the right id and
 * score, and nothing else is; rows, facet lists and salary keys are equal.
 */
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jobfmt.h"
#include "search_index.h"
#include "tap.h"
#include "util.h"

static const char *const WORDS[] = {
	"nurse", "manager", "payer", "relations", "provider", "network",
	"senior", "director", "analyst", "engineer", "software", "clinical",
	"registered", "care", "health", "data", "sales", "account", "remote",
	"contract", "payor", "specialist", "coordinator", "lead", "patient",
};
static const char *const EMPLOYERS[][2] = {
	{ "Anthem", "anthem" }, { "Optum", "optum" },
	{ "Clínica Santa María", "clinica-santa-maria" },
	{ "O'Brien & Sons Freight", "obrien-and-sons-freight" },
	{ "Sidecar Health", "sidecar-health" },
};
static const char *const CITIES[] = { "Atlanta", "Tampa", "São Paulo", "Austin" };
static const char *const STATES[] = { "GA", "FL", "", "TX", "DC" };
static const char *const BANDS[] = {
	"under-50k", "50k-75k", "100k-150k", "200k-plus", "not-disclosed"
};

static unsigned long rng = 12345;
static unsigned rnd(unsigned n)
{
	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((rng >> 33) % n);
}

static struct posting *make_posting(size_t i)
{
	char src[64], id[64];
	snprintf(src, sizeof src, "p%zu.md", i);
	snprintf(id, sizeof id, "job-%zu", i);
	struct posting *p = posting_new(src);
	p->id = xstrdup(id);
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s %s", WORDS[rnd(ARRAY_SIZE(WORDS))],
		   WORDS[rnd(ARRAY_SIZE(WORDS))]);
	if (i % 7 == 0)
		buf_puts(&b, " of the IT Team – Straße 2024");
	p->title = buf_detach(&b, NULL);
	unsigned e = rnd(ARRAY_SIZE(EMPLOYERS) + 1);
	if (e < ARRAY_SIZE(EMPLOYERS)) {
		p->employer = xstrdup(EMPLOYERS[e][0]);
		p->employer_slug = xstrdup(EMPLOYERS[e][1]);
	}
	unsigned c = rnd(ARRAY_SIZE(CITIES) + 1);
	if (c < ARRAY_SIZE(CITIES))
		p->city = xstrdup(CITIES[c]);
	strcpy(p->state, STATES[rnd(ARRAY_SIZE(STATES))]);
	p->workplace = (enum workplace)rnd(4);
	p->employment_type = (enum employment_type)rnd(6);
	unsigned band = rnd(ARRAY_SIZE(BANDS));
	p->salary_band = BANDS[band];
	if (band != 4) {
		p->salary_min = 40000 + 30000.0 * band;
		p->salary_max = p->salary_min + (i % 3) * 10000;
		p->salary_period = PERIOD_YEAR;
		p->annual_min = p->salary_min;
		p->annual_max = p->salary_max;
		p->salary_currency = xstrdup("USD");
	}
	if (i % 2)
		snprintf(p->date_posted, sizeof p->date_posted, "2024-%02zu-%02zu",
			 1 + i % 12, 1 + i % 28);
	/* "common" is in every description: stored as a complement list.
	 * "everywhere" is in most: a long list, kept in its own file. */
	buf_puts(&b, "We offer common benefits; ");
	unsigned nw = 3 + rnd(30);
	for (unsigned k = 0; k < nw; k++) {
		buf_puts(&b, WORDS[rnd(ARRAY_SIZE(WORDS))]);
		buf_puts(&b, k % 5 == 4 ? ". " : " ");
	}
	if (i % 5 < 2)
		buf_puts(&b, " frequent");
	if (i % 25 == 0)
		buf_puts(&b, " seldom");
	if (i % 3)
		buf_puts(&b, " everywhere and Zürich <script>\"quoted\" \\ 100,000");
	p->description_text = buf_detach(&b, NULL);
	return p;
}

/* ---- reading the index back ---------------------------------------- */

static const char *dir;
static unsigned n_external, n_common;

static json_t *load(const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s.json", dir, name);
	json_error_t err;
	json_t *j = json_load_file(path, JSON_DECODE_ANY, &err);
	CHECK(j != NULL, "cannot parse '%s': %s", path, err.text);
	/* The script twin holds the same JSON. */
	struct buf js = BUF_INIT, want = BUF_INIT, data = BUF_INIT;
	snprintf(path, sizeof path, "%s/%s.js", dir, name);
	read_file(path, &js, 0);
	snprintf(path, sizeof path, "%s/%s.json", dir, name);
	read_file(path, &data, 0);
	buf_printf(&want, "__jobsiteSearch.load(\"%s\",%s);\n", name, buf_cstr(&data));
	CHECK_STR(buf_cstr(&js), buf_cstr(&want), "script twin of %s", name);
	buf_release(&js);
	buf_release(&want);
	buf_release(&data);
	return j;
}

/* Word -> decoded list, for one tier. */
struct entry {
	char *word;
	unsigned *ids, *scores;
	long n;
	unsigned df;
	int complement;
	int common;     /* 1 "*": not stored; 2 "~": pruned to frequent ones */
	unsigned kept;  /* pruned: lowest tf bucket kept */
	char *file;     /* the list is in this file of its own, or NULL */
	json_t *hints;  /* the file's hints: [[id, row...], ...] */
};
struct tier { struct entry *v; size_t n, cap; };

static void decode_list(const char *s, int tier, unsigned shift, size_t nposts,
			struct entry *e)
{
	e->complement = e->common = 0;
	e->hints = NULL;
	e->file = NULL;
	json_t *ext = NULL;
	if (!strcmp(s, "*")) {
		e->common = 1;
		e->n = 0;
		e->ids = e->scores = NULL;
		n_common++;
		return;
	}
	if (s[0] == '@') {
		/* {"h": head list, "b": body list, "r": hints} */
		ext = load(s + 1);
		n_external++;
		e->file = xstrdup(s + 1);
		CHECK(json_is_object(ext), "list file of %s is an object", e->word);
		e->hints = json_incref(json_object_get(ext, "r"));
		s = json_string_value(json_object_get(ext, tier ? "b" : "h"));
		CHECK(s != NULL, "list file of %s has the tier's list", e->word);
		if (!s)
			s = "";
	}
	if (s[0] == '~') {
		e->n = search_list_decode(slice_from(s + 1), shift, &e->ids, &e->scores);
		CHECK(e->n >= 0 && (size_t)e->n * 10 <= nposts, "pruned list of '%s'", e->word);
		for (long i = 0; i < e->n; i++)
			CHECK(e->scores[i] >= 1, "pruned list of '%s' keeps frequent only", e->word);
		e->common = 2;
		e->kept = 4;
		for (long i = 0; i < e->n; i++)
			e->kept = e->scores[i] < e->kept ? e->scores[i] : e->kept;
		n_common++;
	} else if (s[0] == '!') {
		unsigned *not;
		long k = search_list_decode(slice_from(s + 1), 0, &not, NULL);
		CHECK(k >= 0, "complement list of '%s' decodes", e->word);
		e->ids = xmalloc((nposts + 1) * sizeof *e->ids);
		e->scores = NULL;
		e->n = 0;
		for (size_t id = 0, j = 0; id < nposts; id++) {
			if (j < (size_t)(k > 0 ? k : 0) && not[j] == id)
				j++;
			else
				e->ids[e->n++] = (unsigned)id;
		}
		e->complement = 1;
		free(not);
	} else {
		e->n = search_list_decode(slice_from(s), shift, &e->ids, &e->scores);
		CHECK(e->n >= 0, "list of '%s' decodes", e->word);
	}
	json_decref(ext);
}

static void read_tier(json_t *man, int t, size_t nposts, struct tier *out)
{
	json_t *tier = json_array_get(json_object_get(man, "tiers"), t);
	json_t *first = json_object_get(tier, "first");
	json_t *files = json_object_get(tier, "files");
	unsigned shift = (unsigned)json_integer_value(json_object_get(tier, "shift"));
	CHECK(json_array_size(first) == json_array_size(files) &&
	      (json_array_size(files) > 0 || nposts == 0), "tier %d has shards", t);
	char *prev = xstrdup("");
	for (size_t k = 0; k < json_array_size(files); k++) {
		json_t *sh = load(json_string_value(json_array_get(files, k)));
		json_t *w = json_object_get(sh, "w"), *d = json_object_get(sh, "d");
		json_t *p = json_object_get(sh, "p");
		const char *lo = json_string_value(json_array_get(first, k));
		const char *hi = k + 1 < json_array_size(first)
			? json_string_value(json_array_get(first, k + 1)) : NULL;
		CHECK(json_array_size(w) && json_array_size(w) == json_array_size(d) &&
		      json_array_size(w) == json_array_size(p), "shard %zu shape", k);
		for (size_t i = 0; i < json_array_size(w); i++) {
			const char *word = json_string_value(json_array_get(w, i));
			CHECK(strcmp(prev, word) < 0, "words sorted: '%s' then '%s'", prev, word);
			CHECK(strcmp(word, lo) >= 0 && (!hi || strcmp(word, hi) < 0),
			      "'%s' in the range of shard %zu", word, k);
			free(prev);
			prev = xstrdup(word);
			out->v = xgrow(out->v, &out->cap, out->n + 1, sizeof *out->v);
			struct entry *e = &out->v[out->n++];
			e->word = xstrdup(word);
			e->df = (unsigned)json_integer_value(json_array_get(d, i));
			decode_list(json_string_value(json_array_get(p, i)), t, shift, nposts, e);
			CHECK((long)e->df == e->n || (e->common && e->df * 10 > nposts &&
			      nposts >= 5000), "df of '%s': %u vs %ld", word, e->df, e->n);
		}
		json_decref(sh);
	}
	free(prev);
}

/* Entries are in word order (checked by read_tier), ids ascending. */
static struct entry *find(struct tier *t, const char *w)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
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

static long find_id(const struct entry *e, unsigned id)
{
	long lo = 0, hi = e->n;
	while (lo < hi) {
		long mid = (lo + hi) / 2;
		if (e->ids[mid] == id)
			return mid;
		if (e->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static void tier_release(struct tier *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].word);
		free(t->v[i].ids);
		free(t->v[i].scores);
		json_decref(t->v[i].hints);
		free(t->v[i].file);
	}
	free(t->v);
}

static void check_words(struct posting **ps, size_t n, struct tier tiers[2])
{
	size_t want[2] = { 0, 0 }, got[2] = { 0, 0 };
	int any_common = 0;
	for (size_t i = 0; i < tiers[1].n; i++)
		any_common |= tiers[1].v[i].common;
	for (int t = 0; t < 2; t++)
		for (size_t i = 0; i < tiers[t].n; i++)
			got[t] += (size_t)tiers[t].v[i].n;
	for (size_t id = 0; id < n; id++) {
		struct strlist f[3] = { { 0 } }, body = { 0 };
		const char *fields[3] = { ps[id]->title, ps[id]->employer, ps[id]->city };
		for (int k = 0; k < 3; k++)
			search_tokenize(slice_from(fields[k]), SEARCH_TIER_HEAD, &f[k]);
		struct strlist seen = { 0 };
		for (int k = 0; k < 3; k++)
			for (size_t i = 0; i < f[k].n; i++) {
				const char *w = f[k].v[i];
				if (strlist_has(&seen, w))
					continue;
				strlist_push(&seen, w);
				unsigned mask = 0;
				for (int m = 0; m < 3; m++)
					mask |= strlist_has(&f[m], w) ? 1u << m : 0;
				struct entry *e = find(&tiers[0], w);
				long at = e ? find_id(e, (unsigned)id) : -1;
				CHECK(at >= 0, "head word '%s' of posting %zu found", w, id);
				if (at >= 0 && !e->complement)
					CHECK(e->scores[at] == mask, "field mask of '%s' in %zu", w, id);
				want[0]++;
			}
		strlist_release(&seen);
		search_tokenize(slice_from(ps[id]->description_text), SEARCH_TIER_BODY, &body);
		for (size_t i = 0; i < body.n; i++) {
			const char *w = body.v[i];
			size_t tf = 0, firstpos = i;
			for (size_t j = 0; j < body.n; j++)
				if (!strcmp(body.v[j], w)) {
					if (j < firstpos)
						firstpos = j;
					tf++;
				}
			if (firstpos != i)
				continue;
			unsigned bucket = tf <= 1 ? 0 : tf == 2 ? 1 : tf <= 4 ? 2 : 3;
			struct entry *e = find(&tiers[1], w);
			if (e && (e->common == 1 || (e->common == 2 && bucket < e->kept)))
				continue;
			long at = e ? find_id(e, (unsigned)id) : -1;
			CHECK(at >= 0, "body word '%s' of posting %zu found", w, id);
			if (at >= 0 && !e->complement)
				CHECK(e->scores[at] == bucket, "tf bucket of '%s' in %zu", w, id);
			want[1]++;
		}
		for (int k = 0; k < 3; k++)
			strlist_release(&f[k]);
		strlist_release(&body);
	}
	/* Same number of (word, id) pairs: nothing indexed that is not there. */
	CHECK(want[0] == got[0], "head pairs %zu vs %zu", want[0], got[0]);
	CHECK(want[1] == got[1] || any_common, "body pairs %zu vs %zu", want[1], got[1]);
}

static const char *s_or_empty(const char *s)
{
	return s ? s : "";
}

/* ---- hints: rows the first results of a query need ------------------ */

static void check_row(json_t *r, size_t at, const struct posting *p);

#define HINTS 12    /* per query */
#define PARTNERS 4  /* two-word queries per head word */

struct scored {
	float s;
	unsigned id;
};

static int better(struct scored a, struct scored b)
{
	return a.s > b.s || (a.s == b.s && a.id < b.id);
}

static int cmp_scored(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;
	return better(*x, *y) ? -1 : better(*y, *x);
}

static int cmp_unsigned(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	return x < y ? -1 : x > y;
}

static double idf_of(size_t n, double df)
{
	return log(1 + ((double)n - df + 0.5) / (df + 0.5));
}

/* A word's postings (head list and stored body list) and search.js's
 * score of each for a query of that word alone: head (field weights,
 * boosted) plus body (tf bucket), each in a float of its Float32Arrays. */
struct wscores {
	unsigned *ids;
	float *s;
	size_t n;
};

static struct wscores word_scores(const struct entry *he, const struct entry *be, size_t n)
{
	static const double K1 = 1.2, BOOST = 1.5, FW[3] = { 3, 2, 1 };
	static const double BW[4] = { 1, 2, 3.5, 6 };
	struct wscores w = { xmalloc((n + 1) * sizeof *w.ids), xmalloc((n + 1) * sizeof *w.s), 0 };
	if (be && be->common == 1)
		be = NULL; /* "*": not stored */
	double f0 = he ? idf_of(n, he->df) : 0, f1 = be ? idf_of(n, be->df) : 0;
	for (size_t id = 0; id < n; id++) {
		long a = he ? find_id(he, (unsigned)id) : -1;
		long c = be ? find_id(be, (unsigned)id) : -1;
		if (a < 0 && c < 0)
			continue;
		float hs = 0, bs = 0;
		if (a >= 0) {
			unsigned m = he->complement ? 1 : he->scores[a];
			double t = 0;
			for (int f = 0; f < 3; f++)
				if (m & (1u << f))
					t += FW[f];
			hs = (float)(BOOST * f0 * t * (K1 + 1) / (t + K1));
		}
		if (c >= 0) {
			double t = BW[be->complement ? 0 : be->scores[c]];
			bs = (float)(f1 * t * (K1 + 1) / (t + K1));
		}
		w.ids[w.n] = (unsigned)id;
		w.s[w.n++] = hs + bs;
	}
	return w;
}

/* Append the ids of the max best of v[0..k). */
static void best_ids(struct scored *v, size_t k, size_t max, unsigned *out, size_t *nout)
{
	qsort(v, k, sizeof *v, cmp_scored);
	for (size_t i = 0; i < k && i < max; i++)
		out[(*nout)++] = v[i].id;
}

static int head_hinted(const struct entry *e)
{
	return e && e->file && !e->complement;
}

/* The hints of e are rows of the postings want[0..nw), once each. */
static void same_hints(const struct entry *e, unsigned *want, size_t nw,
		       struct posting **ps, size_t n)
{
	qsort(want, nw, sizeof *want, cmp_unsigned);
	size_t nu = 0;
	for (size_t a = 0; a < nw; a++)
		if (!nu || want[nu - 1] != want[a])
			want[nu++] = want[a];
	CHECK(json_array_size(e->hints) == nu, "'%s': %zu hints, want %zu",
	      e->word, json_array_size(e->hints), nu);
	for (size_t a = 0; a < json_array_size(e->hints) && a < nu; a++) {
		json_t *r = json_array_get(e->hints, a);
		json_int_t id = json_integer_value(json_array_get(r, 0));
		CHECK(id == (json_int_t)want[a], "'%s': hint %zu is posting %u, got %lld",
		      e->word, a, want[a], (long long)id);
		if (id >= 0 && (size_t)id < n)
			check_row(r, 1, ps[id]);
	}
}

/*
 * A head list in a file of its own (not a complement) carries the rows of
 * the first 12 results of a query of its word, and of its word with each
 * of the four head words (not complements) whose head lists share most
 * postings with its own; a body list in a file of its own whose word has no such head
 * list, the first 12 of its word alone; no other list has hints.
 * Computed here from the decoded lists, apart from the writer's code.
 */
static size_t check_hints(struct posting **ps, size_t n, struct tier tiers[2])
{
	struct tier *head = &tiers[0], *body = &tiers[1];
	struct wscores *ws = xcalloc(head->n + 1, sizeof *ws);
	for (size_t i = 0; i < head->n; i++)
		if (!head->v[i].complement)
			ws[i] = word_scores(&head->v[i], find(body, head->v[i].word), n);
	struct scored *v = xmalloc((n + 1) * sizeof *v);
	unsigned want[HINTS * (1 + PARTNERS)];
	size_t nhinted = 0;
	for (size_t i = 0; i < head->n; i++) {
		struct entry *e = &head->v[i];
		if (!head_hinted(e)) {
			CHECK(!e->hints, "no hints with head '%s' (list inline or complement)", e->word);
			continue;
		}
		nhinted++;
		size_t nw = 0, k = 0;
		for (size_t a = 0; a < ws[i].n; a++)
			v[k++] = (struct scored){ ws[i].s[a], ws[i].ids[a] };
		best_ids(v, k, HINTS, want, &nw);
		/* Partners: most postings shared (head lists), then word order. */
		size_t part[PARTNERS], np = 0;
		long shared[PARTNERS];
		for (size_t j = 0; j < head->n; j++) {
			struct entry *o = &head->v[j];
			if (j == i || o->complement)
				continue;
			long c = 0;
			for (long a = 0; a < e->n; a++)
				c += find_id(o, e->ids[a]) >= 0;
			if (!c)
				continue;
			size_t at = np;
			while (at > 0 && shared[at - 1] < c)
				at--;
			if (at >= PARTNERS)
				continue;
			if (np < PARTNERS)
				np++;
			for (size_t m = np - 1; m > at; m--) {
				part[m] = part[m - 1];
				shared[m] = shared[m - 1];
			}
			part[at] = j;
			shared[at] = c;
		}
		for (size_t p = 0; p < np; p++) {
			const struct wscores *o = &ws[part[p]];
			k = 0;
			for (size_t a = 0, c = 0; a < ws[i].n && c < o->n;) {
				if (ws[i].ids[a] < o->ids[c])
					a++;
				else if (ws[i].ids[a] > o->ids[c])
					c++;
				else {
					v[k++] = (struct scored){ ws[i].s[a] + o->s[c], o->ids[c] };
					a++;
					c++;
				}
			}
			best_ids(v, k, HINTS, want, &nw);
		}
		same_hints(e, want, nw, ps, n);
	}
	for (size_t i = 0; i < body->n; i++) {
		struct entry *e = &body->v[i];
		struct entry *he = find(head, e->word);
		/* One file per word: both tiers' lists when both are long. */
		if (e->file && he && he->file)
			CHECK_STR(e->file, he->file, "'%s': one list file for both tiers", e->word);
		if (!e->file || e->common == 1 || head_hinted(he)) {
			CHECK(!e->hints || (he && he->hints && !strcmp(e->file, he->file)),
			      "no hints of its own with body '%s'", e->word);
			continue;
		}
		nhinted++;
		struct wscores w = word_scores(he, e, n);
		size_t nw = 0;
		for (size_t a = 0; a < w.n; a++)
			v[a] = (struct scored){ w.s[a], w.ids[a] };
		best_ids(v, w.n, HINTS, want, &nw);
		same_hints(e, want, nw, ps, n);
		free(w.ids);
		free(w.s);
	}
	for (size_t i = 0; i < head->n; i++) {
		free(ws[i].ids);
		free(ws[i].s);
	}
	free(ws);
	free(v);
	return nhinted;
}

static void check_rows(json_t *man, struct posting **ps, size_t n)
{
	json_t *rows = json_object_get(man, "rows");
	size_t per = (size_t)json_integer_value(json_object_get(rows, "size"));
	size_t group = (size_t)json_integer_value(json_object_get(rows, "group"));
	json_t *hashes = json_object_get(rows, "hashes");
	CHECK(per > 0 && group > 0, "rows geometry");
	if (!per || !group)
		return;
	CHECK(json_array_size(hashes) == ((n + per - 1) / per + group - 1) / group,
	      "one hash per group of blocks");
	for (size_t k = 0; k * per < n; k++) {
		char name[64];
		snprintf(name, sizeof name, "r%zu-%s", k,
			 json_string_value(json_array_get(hashes, k / group)));
		json_t *b = load(name);
		CHECK(json_array_size(b) == (n - k * per < per ? n - k * per : per),
		      "rows in block %zu", k);
		for (size_t i = 0; i < json_array_size(b); i++)
			check_row(json_array_get(b, i), 0, ps[k * per + i]);
		json_decref(b);
	}
}

static void check_row(json_t *r, size_t at, const struct posting *p)
{
	CHECK(json_array_size(r) == at + 9, "row of %s has 9 fields", p->id);
	const char *want[9] = {
		p->id, p->title, s_or_empty(p->employer), s_or_empty(p->city), p->state,
		s_or_empty(jobfmt_workplace(p->workplace)), NULL, p->date_posted,
		s_or_empty(jobfmt_employment(p->employment_type)),
	};
	static const char *const what[9] = {
		"slug", "title", "employer", "city", "state", "workplace",
		"salary as on the site", "date", "type",
	};
	struct buf sal = BUF_INIT;
	jobfmt_salary(&sal, p);
	want[6] = buf_cstr(&sal);
	for (size_t f = 0; f < 9; f++)
		CHECK_STR(json_string_value(json_array_get(r, at + f)), want[f], "%s", what[f]);
	buf_release(&sal);
}

static const char *facet_of(const struct posting *p, const char *g)
{
	if (!strcmp(g, "employer"))
		return p->employer_slug;
	if (!strcmp(g, "state")) /* as the site's state pages: remote, or "none" */
		return p->state[0] ? p->state : p->workplace == WORKPLACE_REMOTE ? NULL : "none";
	if (!strcmp(g, "band"))
		return p->salary_band;
	if (!strcmp(g, "workplace"))
		return workplace_name(p->workplace);
	return employment_type_name(p->employment_type);
}

static void check_facets(json_t *man, struct posting **ps, size_t n)
{
	json_t *groups = json_object_get(man, "facets");
	CHECK(json_array_size(groups) == 5, "five facet groups");
	for (size_t g = 0; g < json_array_size(groups); g++) {
		json_t *grp = json_array_get(groups, g);
		const char *gname = json_string_value(json_object_get(grp, "name"));
		json_t *vals = json_object_get(grp, "values"), *vfile = NULL;
		if (json_is_string(vals))
			vals = vfile = load(json_string_value(vals));
		CHECK(json_integer_value(json_object_get(grp, "nvalues")) ==
		      (json_int_t)json_array_size(vals), "%s: nvalues", gname);
		json_t *packs = json_object_get(grp, "packs");
		size_t covered = 0, with = 0;
		for (size_t id = 0; id < n; id++)
			with += facet_of(ps[id], gname) != NULL;
		for (size_t i = 0; i < json_array_size(vals); i++) {
			json_t *v = json_array_get(vals, i);
			const char *value = json_string_value(json_array_get(v, 0));
			long count = (long)json_integer_value(json_array_get(v, 2));
			size_t pk = (size_t)json_integer_value(json_array_get(v, 3));
			json_t *pack = load(json_string_value(json_array_get(packs, pk)));
			const char *list = json_string_value(json_object_get(pack, value));
			CHECK(list != NULL, "%s=%s in its pack", gname, value);
			unsigned *ids = NULL;
			long k = search_list_decode(slice_from(list ? list : ""), 0, &ids, NULL);
			CHECK(k == count, "%s=%s count %ld vs %ld", gname, value, k, count);
			long want = 0;
			for (size_t id = 0; id < n; id++) {
				const char *fv = facet_of(ps[id], gname);
				if (fv && !strcmp(fv, value)) {
					want++;
					struct entry e = { .ids = ids, .n = k };
					CHECK(k >= 0 && find_id(&e, (unsigned)id) >= 0,
					      "%s=%s has posting %zu", gname, value, id);
				}
			}
			CHECK(want == count, "%s=%s counted %ld, postings %ld", gname, value,
			      count, want);
			covered += (size_t)count;
			free(ids);
			json_decref(pack);
		}
		CHECK(covered == with, "%s: every posting with a value is in a list", gname);
		json_decref(vfile);
	}
	if (n < 100)
		return;
	/* Bands in pay order, "not disclosed" last. */
	json_t *bands = json_object_get(json_array_get(groups, 2), "values");
	const char *lastb = json_string_value(
		json_array_get(json_array_get(bands, json_array_size(bands) - 1), 0));
	CHECK_STR(lastb, "not-disclosed", "last band");
	CHECK_STR(json_string_value(json_array_get(json_array_get(bands, 0), 1)),
		  "Under $50k", "band label");
}

static void check_salary(json_t *man, struct posting **ps, size_t n)
{
	json_t *sal = json_object_get(man, "salary");
	size_t chunk = (size_t)json_integer_value(json_object_get(sal, "chunk"));
	json_t *files = json_object_get(sal, "files");
	for (size_t c = 0; c < json_array_size(files); c++) {
		json_t *s = load(json_string_value(json_array_get(files, c)));
		const char *v = json_string_value(s);
		for (size_t id = c * chunk; id < n && id < (c + 1) * chunk; id++) {
			const char *B = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
			size_t o = (id - c * chunk) * 2;
			unsigned key = (unsigned)((strchr(B, v[o]) - B) * 64 + (strchr(B, v[o + 1]) - B));
			double top = ps[id]->annual_max;
			unsigned want = isnan(top) ? 0 : (unsigned)(top / 1000 + 0.5);
			CHECK(key == want, "salary key of %zu: %u vs %u", id, key, want);
		}
		json_decref(s);
	}
}

/* ---- tokenizer ------------------------------------------------------ */

static void check_tokens(const char *text, enum search_tier t, const char *want)
{
	struct strlist l = { 0 };
	struct buf got = BUF_INIT;
	search_tokenize(slice_from(text), t, &l);
	for (size_t i = 0; i < l.n; i++)
		buf_printf(&got, "%s%s", i ? " " : "", l.v[i]);
	CHECK_STR(buf_cstr(&got), want, "tokens of '%s'", text);
	buf_release(&got);
	strlist_release(&l);
}

static void test_tokenizer(void)
{
	check_tokens("Clínica Santa María", SEARCH_TIER_HEAD, "clinica santa maria");
	check_tokens("O'Brien & Sons Freight", SEARCH_TIER_HEAD, "brien sons freight");
	check_tokens("Director of the IT Team", SEARCH_TIER_HEAD, "director it team");
	check_tokens("Paid $100,000 in 2024", SEARCH_TIER_HEAD, "paid 100 000 2024");
	check_tokens("Paid $100,000 in 2024", SEARCH_TIER_BODY, "paid");
	check_tokens("STRASSE Straße ＡＢＣ", SEARCH_TIER_HEAD, "strasse strasse abc");
	check_tokens("Payer/payor—Relations", SEARCH_TIER_HEAD, "payer payor relations");
	check_tokens("x y 401k", SEARCH_TIER_HEAD, "401k");
	check_tokens("\xff\xfe bad utf8 Ab", SEARCH_TIER_HEAD, "bad utf8 ab");
	check_tokens("", SEARCH_TIER_BODY, "");
	check_tokens("abcdefghijklmnopqrstuvwxyz short", SEARCH_TIER_BODY, "short");
	/* every ASCII byte that is not a letter or digit cuts words, those
	 * next to letters and digits in the byte order too */
	check_tokens("az{az|az}az~az\x7f" "az@az[az`az/az:az" "AZ09", SEARCH_TIER_HEAD,
		     "az az az az az az az az az az azaz09");
	check_tokens("nurse\x01nurse\x1fnurse\tnurse nurse", SEARCH_TIER_HEAD,
		     "nurse nurse nurse nurse nurse");
	check_tokens("2024 Q4 x9 99", SEARCH_TIER_BODY, "q4 x9");
	check_tokens("r\xc3\xa9sum\xc3\xa9 resume", SEARCH_TIER_BODY, "resume resume");
}

/* ---- determinism ------------------------------------------------------ */

static int same_tree(const char *a, const char *b)
{
	DIR *d = opendir(a);
	if (!d)
		return 0;
	int same = 1, count = 0;
	struct dirent *e;
	while ((e = readdir(d)) && same) {
		if (e->d_name[0] == '.')
			continue;
		char *pa = path_join(a, e->d_name), *pb = path_join(b, e->d_name);
		struct buf x = BUF_INIT, y = BUF_INIT;
		same = read_file(pa, &x, 0) == 0 && read_file(pb, &y, 0) == 0 &&
		       x.n == y.n && !memcmp(x.p, y.p, x.n);
		count++;
		buf_release(&x);
		buf_release(&y);
		free(pa);
		free(pb);
	}
	closedir(d);
	return same && count > 0;
}

static void run_round_trip(size_t n, size_t shard_bytes)
{
	char tmpl[] = "/tmp/t_search_index.XXXXXX";
	char *root = mkdtemp(tmpl);
	CHECK(root != NULL, "mkdtemp");
	if (!root)
		return;
	rng = 12345 + n;
	struct posting **ps = xcalloc(n + 1, sizeof *ps);
	for (size_t i = 0; i < n; i++)
		ps[i] = make_posting(i);
	struct diag d;
	diag_init(&d, stderr);
	struct search_stats st;
	/* two threads (body words, rows, hints: search_index.c); checked
	 * below, then compared with the bytes of one */
	struct search_opts o = { .shard_bytes = shard_bytes, .rows_per_block = 7,
				 .stats = &st, .threads = 2 };
	CHECK(search_index_write(ps, n, root, &o, &d) == 0, "index written");
	char *sub = path_join(root, SEARCH_DEFAULT_DIR);
	dir = sub;
	/* the stats count the .json files there are (a file made twice is one) */
	size_t njson = 0, jbytes = 0;
	DIR *dd = opendir(sub);
	for (struct dirent *e; dd && (e = readdir(dd));) {
		size_t len = strlen(e->d_name);
		if (len > 5 && !strcmp(e->d_name + len - 5, ".json")) {
			char *fp = path_join(sub, e->d_name);
			struct stat fst;
			if (stat(fp, &fst) == 0)
				njson++, jbytes += (size_t)fst.st_size;
			free(fp);
		}
	}
	if (dd)
		closedir(dd);
	CHECK(st.files == njson && st.bytes == jbytes, "stats: %zu files, %zu bytes; there are %zu, %zu",
	      st.files, st.bytes, njson, jbytes);
	json_t *man = load("manifest");
	CHECK((size_t)json_integer_value(json_object_get(man, "n")) == n, "n");
	/* search.js ranks with the manifest's constants: those check_hints uses. */
	json_t *rank = json_object_get(man, "rank");
	CHECK(json_real_value(json_object_get(rank, "k1")) == 1.2 &&
	      json_real_value(json_object_get(rank, "boost")) == 1.5 &&
	      json_number_value(json_array_get(json_object_get(rank, "field"), 0)) == 3 &&
	      json_real_value(json_array_get(json_object_get(rank, "bucket"), 2)) == 3.5,
	      "the ranking's constants are in the manifest");
	n_external = n_common = 0;
	if (shard_bytes && shard_bytes < 1000)
		CHECK(st.shards[0] > 1 && st.shards[1] > 1, "many shards: %zu %zu",
		      st.shards[0], st.shards[1]);
	struct tier tiers[2] = { { 0 }, { 0 } };
	read_tier(man, 0, n, &tiers[0]);
	read_tier(man, 1, n, &tiers[1]);
	check_words(ps, n, tiers);
	if (n > 100) {
		struct entry *common = find(&tiers[1], "common");
		if (n < 5000)
			CHECK(common && common->complement && common->n == (long)n,
			      "word in every posting stored as a complement");
		else
			CHECK(common && common->common && n_common > 1 &&
			      find(&tiers[1], "seldom") && !find(&tiers[1], "seldom")->common,
			      "large site: common body words not stored");
		CHECK(find(&tiers[1], "everywhere") && !find(&tiers[1], "100") &&
		      !find(&tiers[1], "the") && find(&tiers[1], "zurich"),
		      "body words: folded, no digits, no stopwords");
	}
	if (shard_bytes && shard_bytes < 1000)
		CHECK(n_external > 0, "long lists in files of their own");
	check_rows(man, ps, n);
	size_t nhinted = check_hints(ps, n, tiers);
	if (n >= 600)
		CHECK(nhinted > 5, "head lists in files carry hints: %zu", nhinted);
	check_facets(man, ps, n);
	check_salary(man, ps, n);

	json_t *vocab = load(json_string_value(json_object_get(man, "vocab")));
	json_t *vw = json_object_get(vocab, "w");
	for (size_t i = 0; i < tiers[0].n; i++) {
		int found = 0;
		for (size_t k = 0; k < json_array_size(vw) && !found; k++)
			found = !strcmp(json_string_value(json_array_get(vw, k)),
					tiers[0].v[i].word);
		CHECK(found, "head word '%s' in the typo vocabulary", tiers[0].v[i].word);
	}
	json_decref(vocab);

	/* Same input, same bytes, on one thread too. */
	o.threads = 1;
	char *root2 = path_join(root, "again");
	CHECK(search_index_write(ps, n, root2, &o, &d) == 0, "index written again");
	char *sub2 = path_join(root2, SEARCH_DEFAULT_DIR);
	CHECK(same_tree(sub, sub2), "output is deterministic");

	CHECK(d.errors == 0, "no errors reported");
	json_decref(man);
	tier_release(&tiers[0]);
	tier_release(&tiers[1]);
	for (size_t i = 0; i < n; i++)
		posting_free(ps[i]);
	free(ps);
	diag_release(&d);
	if (!getenv("KEEP_INDEX")) remove_tree(root); else fprintf(stderr, "kept %s\n", root);
	free(sub);
	free(sub2);
	free(root2);
}

/* ---- the hints' memo between indexes --------------------------------- */

/* A record key for p: a hash of what the index reads of it. */
static void set_key(struct posting *p)
{
	const char *f[] = { p->id, p->title, p->employer, p->city, p->state, p->description_text };
	unsigned long long h[2] = { 1469598103934665603ULL, 7809847782465536322ULL };
	for (size_t i = 0; i < ARRAY_SIZE(f); i++)
		for (const char *c = f[i] ? f[i] : "\x01"; ; c++) {
			h[0] = (h[0] ^ (unsigned char)*c) * 1099511628211ULL;
			h[1] = (h[1] ^ (unsigned char)*c) * 1099511628211ULL + 1;
			if (!*c)
				break;
		}
	p->record_key[0] = h[0] | 1;
	p->record_key[1] = h[1];
}

struct memo_io {
	struct buf last, next;
};

static struct slice memo_get(void *ctx)
{
	struct memo_io *m = ctx;
	return buf_slice(&m->last);
}

static void memo_put(void *ctx, struct slice s)
{
	struct memo_io *m = ctx;
	buf_reset(&m->next);
	buf_putslice(&m->next, s);
}

/* Both ways: every file of a is in b with its bytes, and of b in a. */
static int same_trees(const char *a, const char *b)
{
	return same_tree(a, b) && same_tree(b, a);
}

/*
 * An index made with the last one's snapshot (body table and hints'
 * memo) is the bytes of one made afresh, after each of many rounds of
 * changes: titles (the partners move), descriptions, employers; then a
 * posting more, and a damaged memo.  Most hints come from the memo, and
 * each check of what can change them (dirty head words, the partners'
 * keys) is needed: without either, some rounds give other bytes.
 */
#define EDIT_ROUNDS 24

static void test_hint_memo(void)
{
	char tmpl[] = "/tmp/t_search_memo.XXXXXX";
	char *root = mkdtemp(tmpl);
	CHECK(root != NULL, "mkdtemp");
	if (!root)
		return;
	rng = 777;
	size_t n = 600;
	struct posting **ps = xcalloc(n + 2, sizeof *ps);
	for (size_t i = 0; i < n; i++) {
		ps[i] = make_posting(i);
		set_key(ps[i]);
	}
	struct diag d;
	diag_init(&d, stderr);
	struct memo_io io = { BUF_INIT, BUF_INIT };
	struct search_stats st;
	struct search_opts with = { .shard_bytes = 400, .rows_per_block = 60, .stats = &st, .threads = 2,
				    .no_script_twins = 1, .body_get = memo_get, .body_put = memo_put,
				    .words_ctx = &io };
	struct search_opts fresh = { .shard_bytes = 400, .rows_per_block = 60, .threads = 1,
				     .no_script_twins = 1 };
	size_t kept_all = 0, made_all = 0;
	for (int round = 0; round < EDIT_ROUNDS + 4; round++) {
		const char *what = "first";
		if (round == 1) {
			what = "nothing changed";
		} else if (round == EDIT_ROUNDS + 2) {
			what = "a posting more";
			ps[n] = make_posting(n);
			set_key(ps[n]);
			n++;
		} else if (round == EDIT_ROUNDS + 3) {
			what = "a truncated memo";
			if (io.last.n > 20)
				io.last.n -= 20;
		} else if (round == EDIT_ROUNDS + 1) {
			/* a slug the site model changed (another posting came to
			 * share it), the record as it was */
			what = "a slug";
			free(ps[5]->id);
			ps[5]->id = xstrdup("job-5-2");
		} else if (round > 1) {
			/* one to eight postings: titles, descriptions or employers */
			unsigned k = 1 + rnd(8);
			what = round % 3 == 0 ? "titles" : round % 3 == 1 ? "descriptions" : "employers";
			for (unsigned c = 0; c < k; c++) {
				struct posting *p = ps[rnd((unsigned)n)];
				struct buf b = BUF_INIT;
				if (round % 3 == 0) {
					/* two of the commonest title words: partners move */
					buf_printf(&b, "%s %s", WORDS[rnd(4)], WORDS[rnd(ARRAY_SIZE(WORDS))]);
					free(p->title);
					p->title = buf_detach(&b, NULL);
				} else if (round % 3 == 1) {
					buf_printf(&b, "%s everywhere frequent %s", WORDS[rnd(ARRAY_SIZE(WORDS))],
						   p->description_text);
					free(p->description_text);
					p->description_text = buf_detach(&b, NULL);
				} else {
					unsigned e = rnd(ARRAY_SIZE(EMPLOYERS));
					free(p->employer);
					free(p->employer_slug);
					p->employer = xstrdup(EMPLOYERS[e][0]);
					p->employer_slug = xstrdup(EMPLOYERS[e][1]);
				}
				set_key(p);
			}
		}
		char a[64], b[64];
		snprintf(a, sizeof a, "memo-%d", round);
		snprintf(b, sizeof b, "fresh-%d", round);
		char *ra = path_join(root, a), *rb = path_join(root, b);
		CHECK(search_index_write(ps, n, ra, &with, &d) == 0 &&
		      search_index_write(ps, n, rb, &fresh, &d) == 0, "memo round %d: written", round);
		char *sa = path_join(ra, SEARCH_DEFAULT_DIR), *sb = path_join(rb, SEARCH_DEFAULT_DIR);
		CHECK(same_trees(sa, sb), "memo round %d (%s): the bytes of an index made afresh", round, what);
		size_t hinted = st.hints_kept + st.hints_made;
		CHECK(hinted > 20, "memo round %d: %zu words hinted", round, hinted);
		/* the head table from the snapshot, the changed postings patched in,
		 * whenever there is one of as many postings (the body table needs
		 * the words memo too, which these opts do not give) */
		CHECK(st.head_patched == (round > 0 && round < EDIT_ROUNDS + 2),
		      "memo round %d (%s): head table patched: %d", round, what, st.head_patched);
		if (round == 0 || round >= EDIT_ROUNDS + 2) {
			CHECK(st.hints_kept == 0 && st.rows_kept == 0,
			      "memo round %d (%s): no hints or rows taken (%zu, %zu)", round, what,
			      st.hints_kept, st.rows_kept);
		} else if (round == 1 || round == EDIT_ROUNDS + 1) {
			/* every row but the renamed one's; every hint (their ids hold) */
			size_t want = round == 1 ? n : n - 1;
			CHECK(st.hints_kept == hinted && st.rows_kept == want,
			      "%s: hints taken %zu of %zu, rows %zu of %zu", what, st.hints_kept, hinted,
			      st.rows_kept, n);
		} else {
			/* up to 8 records changed: their rows are made again */
			CHECK(st.hints_kept > 0 && st.rows_kept + 8 >= n && st.rows_kept <= n,
			      "memo round %d (%s): hints taken %zu, made %zu; rows taken %zu of %zu", round,
			      what, st.hints_kept, st.hints_made, st.rows_kept, n);
		}
		if (round > 1 && round <= EDIT_ROUNDS) {
			kept_all += st.hints_kept;
			made_all += st.hints_made;
		}
		struct buf t = io.last;
		io.last = io.next;
		io.next = t;
		free(ra);
		free(rb);
		free(sa);
		free(sb);
	}
	/* Damaged memos (a cache file's checksum keeps such bytes out; a
	 * buggy writer might not): read without a fault, whatever they say.
	 * The snapshot ends with the lengths of its head table, hints' memo
	 * and rows; each part in turn is damaged, from the head table on. */
	struct buf good = BUF_INIT;
	buf_putslice(&good, buf_slice(&io.last)); /* the last round's */
	uint64_t len[3] = { 0, 0, 0 };
	if (good.n >= sizeof len)
		memcpy(len, good.p + good.n - sizeof len, sizeof len);
	uint64_t tail = len[0] + len[1] + len[2];
	CHECK(len[0] > 100 && len[1] > 100 && len[2] > 100 && tail + sizeof len < good.n,
	      "the snapshot ends with the head table, hints and rows (%llu, %llu, %llu bytes)",
	      (unsigned long long)len[0], (unsigned long long)len[1], (unsigned long long)len[2]);
	char *rd = path_join(root, "damaged");
	for (int k = 0; k < 90 && tail + sizeof len < good.n; k++) {
		buf_reset(&io.last);
		buf_putslice(&io.last, buf_slice(&good));
		/* part k % 3: its offset and length */
		int part = k % 3;
		size_t from = good.n - sizeof len - (size_t)tail;
		for (int i = 0; i < part; i++)
			from += (size_t)len[i];
		unsigned plen = (unsigned)len[part];
		if (k % 4 == 3) {
			io.last.n = from + rnd(plen); /* cut short */
		} else {
			for (unsigned f = 0; f <= (unsigned)k % 4; f++)
				io.last.p[from + rnd(plen)] ^= (char)(1 + rnd(255));
		}
		CHECK(search_index_write(ps, n, rd, &with, &d) == 0, "damaged memo %d: index written", k);
	}
	free(rd);
	buf_release(&good);
	CHECK(made_all > kept_all / 10 && kept_all > made_all / 10,
	      "memo: %zu hints taken, %zu made over %d rounds of edits", kept_all, made_all, EDIT_ROUNDS);
	CHECK(d.errors == 0, "memo: no errors reported");
	for (size_t i = 0; i < n; i++)
		posting_free(ps[i]);
	free(ps);
	buf_release(&io.last);
	buf_release(&io.next);
	diag_release(&d);
	remove_tree(root);
}

static void test_unwritable(void)
{
	struct diag d;
	diag_init(&d, NULL);
	struct posting *p = make_posting(1);
	CHECK(search_index_write(&p, 1, "/proc/no/such/dir", NULL, &d) == -1 &&
	      d.errors == 1, "unwritable folder is an error, reported once");
	posting_free(p);
	diag_release(&d);
}

int main(void)
{
	test_tokenizer();
	run_round_trip(0, 0);
	run_round_trip(1, 0);
	run_round_trip(600, 400);
	run_round_trip(300, 0);
	run_round_trip(6000, 0);
	test_hint_memo();
	test_unwritable();
	return test_done();
}
