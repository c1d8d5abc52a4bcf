/*
 * search_index.c - write the static search index (format in search_index.h).
 */
#include "search_index.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <xxhash.h>

#include "band.h"
#include "descstore.h"
#include "jobfmt.h"
#include "search_hints.h"
#include "util.h"

#define MIN_WORD 2
#define MAX_WORD 24
#define GROUP_BLOCKS 64     /* row blocks per hash group */
#define SALARY_CHUNK 8192   /* ids per salary chunk */
#define VOCAB_MAX 20000     /* words in the typo vocabulary */
#define COMMON_MIN_SITE 5000 /* sites this large drop common body lists */
#define COMMON_SHARE 10     /* ... of words in more than 1/10 of postings */
#define INLINE_VALUES 64    /* facet groups with more values get a file */
#define FACET_TOP 9         /* ... and their first values in the manifest */
#define LIST_INLINE_SHARE 8 /* lists over 1/8 of a shard get a file */
#define FACET_PACK_SHARDS 4 /* a facet pack is this many shards' size */

static const char B64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Kept short on purpose: "it", "us", "it's" carry meaning in job titles. */
static const char *const STOPWORDS[] = {
	"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has",
	"have", "in", "is", "of", "on", "or", "our", "that", "the", "their",
	"this", "to", "was", "we", "will", "with", "you", "your",
};

static const unsigned SHIFT[2] = { SEARCH_SHIFT_HEAD, SEARCH_SHIFT_BODY };

/* ---- tokenizer ---------------------------------------------------- */

/* Bit n of STOP_LENGTHS[c - 'a']: a stopword starts with c and has n bytes. */
static uint8_t STOP_LENGTHS[26];
static pthread_once_t stop_once = PTHREAD_ONCE_INIT;

static void stop_lengths_init(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(STOPWORDS); i++)
		STOP_LENGTHS[STOPWORDS[i][0] - 'a'] |= (uint8_t)(1u << strlen(STOPWORDS[i]));
}

static int is_stopword(const char *w, size_t n)
{
	/* the longest is "their"; most words are ruled out by the table */
	if (n > 5 || w[0] < 'a' || w[0] > 'z' || !(STOP_LENGTHS[w[0] - 'a'] & (1u << n)))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(STOPWORDS); i++)
		if (STOPWORDS[i][0] == w[0] && !strncmp(STOPWORDS[i], w, n) && !STOPWORDS[i][n])
			return 1;
	return 0;
}

/*
 * Distinct words and how often each occurs (a posting's body), in the
 * order each first occurs.  The words' bytes live in one arena, so a
 * posting costs a few allocations, not one per word.
 */
struct wcount {
	size_t off;     /* into the arena */
	size_t n;
	unsigned count;
};

struct counter {
	struct wcount *v;   /* distinct words, first occurrence first */
	size_t n, cap;
	uint32_t *slots;    /* index + 1 into v; 0 = empty */
	size_t nslots;
	struct buf bytes;   /* the arena */
};

static const char *counter_word(const struct counter *c, size_t i)
{
	return c->bytes.p + c->v[i].off;
}

static void counter_release(struct counter *c)
{
	free(c->v);
	free(c->slots);
	buf_release(&c->bytes);
	memset(c, 0, sizeof *c);
}

static void counter_add(struct counter *c, const char *w, size_t n)
{
	if (2 * (c->n + 1) > c->nslots) {
		size_t ns = c->nslots ? 2 * c->nslots : 512;
		free(c->slots);
		c->slots = xcalloc(ns, sizeof *c->slots);
		c->nslots = ns;
		for (size_t i = 0; i < c->n; i++) {
			size_t k = (size_t)XXH3_64bits(counter_word(c, i), c->v[i].n) & (ns - 1);
			while (c->slots[k])
				k = (k + 1) & (ns - 1);
			c->slots[k] = (uint32_t)i + 1;
		}
	}
	size_t k = (size_t)XXH3_64bits(w, n) & (c->nslots - 1);
	while (c->slots[k]) {
		struct wcount *e = &c->v[c->slots[k] - 1];
		if (e->n == n && !memcmp(c->bytes.p + e->off, w, n)) {
			e->count++;
			return;
		}
		k = (k + 1) & (c->nslots - 1);
	}
	c->v = xgrow(c->v, &c->cap, c->n + 1, sizeof *c->v);
	c->v[c->n] = (struct wcount){ c->bytes.n, n, 1 };
	buf_put(&c->bytes, w, n);
	c->slots[k] = (uint32_t)++c->n;
}

/* Words in one buffer, each with the field it came from (the head tier's
 * fields of one posting; reused from posting to posting). */
struct wlist {
	struct buf bytes;
	struct wref {
		uint32_t off, n;
		unsigned field;
	} *v;
	size_t n, cap;
};

/* Where the tokenizer puts words: a list of every occurrence, counts, or
 * a wlist (tagged `field`). */
struct sink {
	struct strlist *list;
	struct counter *count;
	struct wlist *words;
	unsigned field;
};

static int is_alnum_cp(utf8proc_int32_t c)
{
	if (c < 128)
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		       (c >= '0' && c <= '9');
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		return 1;
	default:
		return 0;
	}
}

static void emit_word(const char *w, size_t n, size_t ncp, int digits,
		      enum search_tier tier, struct sink *out)
{
	if (ncp < MIN_WORD || ncp > MAX_WORD || is_stopword(w, n))
		return;
	if (digits && tier == SEARCH_TIER_BODY)
		return;
	if (out->count) {
		counter_add(out->count, w, n);
		return;
	}
	if (out->words) {
		struct wlist *l = out->words;
		l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
		l->v[l->n++] = (struct wref){ (uint32_t)l->bytes.n, (uint32_t)n, out->field };
		buf_put(&l->bytes, w, n);
		return;
	}
	struct strlist *l = out->list;
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
	l->v[l->n++] = xstrndup(w, n);
}

/* Words of `text` as folded (NFKD, no marks, case-folded) text. */
static void tokenize_folded(struct slice text, enum search_tier tier, struct sink *out)
{
	utf8proc_uint8_t *folded = NULL;
	utf8proc_ssize_t len = 0;
	if (text.n)
		len = utf8proc_map((const utf8proc_uint8_t *)text.p,
				   (utf8proc_ssize_t)text.n, &folded,
				   UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT |
				   UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD);
	if (len < 0) {
		/* Not valid UTF-8: keep the ASCII letters and digits only. */
		folded = xmalloc(text.n + 1);
		for (size_t i = 0; i < text.n; i++) {
			unsigned char c = (unsigned char)text.p[i];
			folded[i] = c < 128 ? (utf8proc_uint8_t)ascii_lower(c) : ' ';
		}
		len = (utf8proc_ssize_t)text.n;
	}
	const char *s = (const char *)folded;
	size_t start = 0, ncp = 0;
	int digits = 1;
	utf8proc_ssize_t i = 0;
	while (i < len) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(folded + i, len - i, &c);
		if (k <= 0) {
			c = ' ';
			k = 1;
		}
		if (is_alnum_cp(c)) {
			if (!ncp) {
				start = (size_t)i;
				digits = 1;
			}
			ncp++;
			if (c < '0' || c > '9')
				digits = 0;
		} else if (ncp) {
			emit_word(s + start, (size_t)i - start, ncp, digits, tier, out);
			ncp = 0;
		}
		i += k;
	}
	if (ncp)
		emit_word(s + start, (size_t)len - start, ncp, digits, tier, out);
	free(folded);
}

/*
 * Folding maps ASCII to itself, and an ASCII byte that is not a letter or
 * digit is a separator before and after it, so the text is cut at those
 * first and only the pieces with other bytes go through utf8proc: most
 * postings are mostly ASCII.  The words are the same as folding it whole.
 *
 * TOK: 0 for an ASCII byte that is not a letter or digit (a separator),
 * else TOK_WORD, with TOK_DIGIT for a digit and TOK_HIGH for a byte of 0x80
 * and up.
 */
enum { TOK_WORD = 1, TOK_DIGIT = 2, TOK_HIGH = 4 };
#define TOK_D TOK_WORD | TOK_DIGIT
#define TOK_H4 TOK_WORD | TOK_HIGH, TOK_WORD | TOK_HIGH, TOK_WORD | TOK_HIGH, TOK_WORD | TOK_HIGH
#define TOK_H16 TOK_H4, TOK_H4, TOK_H4, TOK_H4
static const unsigned char TOK[256] = {
	['0'] = TOK_D, ['1'] = TOK_D, ['2'] = TOK_D, ['3'] = TOK_D, ['4'] = TOK_D,
	['5'] = TOK_D, ['6'] = TOK_D, ['7'] = TOK_D, ['8'] = TOK_D, ['9'] = TOK_D,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
	['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
	['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
	['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
	['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1,
	[0x80] = TOK_H16, TOK_H16, TOK_H16, TOK_H16, TOK_H16, TOK_H16, TOK_H16, TOK_H16,
};
#undef TOK_D
#undef TOK_H4
#undef TOK_H16

static void tokenize(struct slice text, enum search_tier tier, struct sink *out)
{
	pthread_once(&stop_once, stop_lengths_init);
	const unsigned char *p = (const unsigned char *)text.p;
	size_t i = 0, n = text.n;
	char word[MAX_WORD + 1];
	while (i < n) {
		while (i < n && !TOK[p[i]])
			i++;
		size_t start = i;
		unsigned any = 0, all = TOK_WORD | TOK_DIGIT | TOK_HIGH;
		for (unsigned c; i < n && (c = TOK[p[i]]); i++) {
			any |= c;
			all &= c;
			if (i - start < MAX_WORD)
				word[i - start] = (char)ascii_lower(p[i]);
		}
		size_t len = i - start;
		if (!len)
			continue;
		if (any & TOK_HIGH)
			tokenize_folded((struct slice){ text.p + start, len }, tier, out);
		else if (len >= MIN_WORD && len <= MAX_WORD)
			emit_word(word, len, len, (all & TOK_DIGIT) != 0, tier, out);
	}
}

void search_tokenize(struct slice text, enum search_tier tier, struct strlist *out)
{
	tokenize(text, tier, &(struct sink){ .list = out });
}

/* ---- varint lists ------------------------------------------------- */

static void put_varint(struct buf *b, uint64_t v)
{
	do {
		unsigned d = v & 31;
		v >>= 5;
		buf_putc(b, B64[d | (v ? 32 : 0)]);
	} while (v);
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '-') return 62;
	if (c == '_') return 63;
	return -1;
}

/* One varint of put_varint's at list.p[*i], *i moved past it; -1 if malformed. */
static int get_varint(struct slice list, size_t *i, uint64_t *out)
{
	uint64_t v = 0;
	unsigned bits = 0;
	int d;
	do {
		if (*i >= list.n || bits > 40 || (d = b64_value((unsigned char)list.p[(*i)++])) < 0)
			return -1;
		v |= (uint64_t)(d & 31) << bits;
		bits += 5;
	} while (d & 32);
	*out = v;
	return 0;
}

long search_list_decode(struct slice list, unsigned shift, unsigned **ids,
			unsigned **scores)
{
	size_t cap = list.n ? list.n : 1;
	unsigned *iv = xmalloc(cap * sizeof *iv);
	unsigned *sv = scores ? xmalloc(cap * sizeof *sv) : NULL;
	long n = 0;
	int64_t prev = -1;
	size_t i = 0;
	while (i < list.n) {
		uint64_t v;
		if (get_varint(list, &i, &v) < 0)
			goto bad;
		prev += (int64_t)(v >> shift) + 1;
		if (prev > UINT32_MAX)
			goto bad;
		iv[n] = (unsigned)prev;
		if (sv)
			sv[n] = (unsigned)(v & ((1u << shift) - 1));
		n++;
	}
	*ids = iv;
	if (scores)
		*scores = sv;
	return n;
bad:
	free(iv);
	free(sv);
	*ids = NULL;
	if (scores)
		*scores = NULL;
	return -1;
}

/* ---- a table of words (or facet values) with their lists ----------- */

struct term {
	char *word;
	size_t len;         /* of word */
	uint64_t hash;      /* of word (term_hash) */
	char *label;        /* facets: display label */
	double key;         /* facets: sort key (bands: lowest annual pay) */
	uint32_t df;
	int64_t last;       /* last id appended, -1 = none */
	struct buf enc;
	char *file;         /* words: the list file its list is in, or NULL */
	/* finish_tier() put enc in its final form ("!" or "~" lists): raw is
	 * the list as indexed, kept for the body snapshot (keep_raw) */
	int finished;
	struct buf raw;
	/* from the body snapshot: the final form the last index gave this
	 * very list (has_fin), used while no edit touches it */
	int has_fin;
	struct buf fin;
	uint32_t ix0;       /* its number in the order made (head_fwd) */
};

struct termtab {
	struct term *v;
	size_t n, cap;
	uint32_t *slots;    /* index + 1; 0 = empty */
	size_t nslots;
	uint32_t made;      /* terms made so far: the next ix0 */
};

/*
 * A term's lists (enc, raw, fin) are its own, or lent: taken as they are
 * from the last index's snapshot (body_from_snapshot), which stays mapped
 * while the index is made.  A lent list has cap 0 and no NUL after it;
 * it is replaced, never grown, and never freed.
 */
static void list_release(struct buf *b)
{
	if (b->cap)
		buf_release(b);
	else
		*b = (struct buf)BUF_INIT;
}

static struct buf list_lent(const char *p, size_t n)
{
	return (struct buf){ (char *)p, n, 0 };
}

/* The hash that names a file by its content (XXH3: a 20 MB of row blocks
 * hash in milliseconds, not the tens of a byte-at-a-time hash). */
static uint64_t content_hash(const void *p, size_t n, uint64_t seed)
{
	return XXH3_64bits_withSeed(p, n, seed);
}

/* The term table's own hash (XXH3: short words hash in a few ns). */
static uint64_t term_hash(const char *w, size_t n)
{
	return XXH3_64bits(w, n);
}

static void termtab_rehash(struct termtab *t)
{
	size_t ns = t->nslots ? t->nslots * 2 : 1024;
	free(t->slots);
	t->slots = xcalloc(ns, sizeof *t->slots);
	t->nslots = ns;
	for (size_t i = 0; i < t->n; i++) {
		size_t h = (size_t)t->v[i].hash & (ns - 1);
		while (t->slots[h])
			h = (h + 1) & (ns - 1);
		t->slots[h] = (uint32_t)i + 1;
	}
}

static struct term *termtab_get(struct termtab *t, const char *w, size_t n)
{
	if ((t->n + 1) * 2 > t->nslots)
		termtab_rehash(t);
	uint64_t hash = term_hash(w, n);
	size_t h = (size_t)hash & (t->nslots - 1);
	while (t->slots[h]) {
		struct term *e = &t->v[t->slots[h] - 1];
		if (e->hash == hash && e->len == n && !memcmp(e->word, w, n))
			return e;
		h = (h + 1) & (t->nslots - 1);
	}
	t->v = xgrow(t->v, &t->cap, t->n + 1, sizeof *t->v);
	struct term *e = &t->v[t->n];
	memset(e, 0, sizeof *e);
	e->word = xstrndup(w, n);
	e->len = n;
	e->hash = hash;
	e->last = -1;
	e->key = INFINITY;
	e->ix0 = t->made++;
	t->slots[h] = (uint32_t)++t->n;
	return e;
}

static void term_add(struct term *e, size_t id, unsigned shift, unsigned score)
{
	uint64_t gap = (uint64_t)((int64_t)id - e->last - 1);
	put_varint(&e->enc, (gap << shift) | score);
	e->last = (int64_t)id;
	e->df++;
}

static void term_release(struct term *e)
{
	free(e->word);
	free(e->label);
	free(e->file);
	list_release(&e->enc);
	list_release(&e->raw);
	list_release(&e->fin);
}

static void termtab_release(struct termtab *t)
{
	for (size_t i = 0; i < t->n; i++)
		term_release(&t->v[i]);
	free(t->v);
	free(t->slots);
	memset(t, 0, sizeof *t);
}

/* Words no posting has any more (a patched table's) go, as in a table
 * made afresh; the slots are made again for those left. */
static void termtab_drop_empty(struct termtab *t)
{
	size_t keep = 0;
	for (size_t i = 0; i < t->n; i++) {
		struct term *e = &t->v[i];
		if (e->df)
			t->v[keep++] = *e;
		else
			term_release(e);
	}
	if (keep == t->n)
		return;
	t->n = keep;
	size_t ns = 1024;
	while (ns < 2 * (t->n + 1))
		ns *= 2;
	t->nslots = ns / 2; /* termtab_rehash doubles it */
	termtab_rehash(t);
}

static int cmp_term_word(const void *a, const void *b)
{
	return strcmp(((const struct term *)a)->word, ((const struct term *)b)->word);
}

/* ---- JSON output -------------------------------------------------- */

/* Bytes json_str() writes as they are: all but controls, '"', '\\', '<',
 * DEL and the first byte of U+2028/2029 (0xe2, checked further). */
static int json_plain(unsigned char c)
{
	return c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != 0x7f && c != 0xe2;
}

/* The n bytes at s as a JSON string (a NUL among them is escaped). */
static void json_strn(struct buf *b, const char *s, size_t n)
{
	buf_putc(b, '"');
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		/* a run that needs no escape goes in one copy */
		const unsigned char *run = p;
		while (p < end && json_plain(*p))
			p++;
		if (p > run)
			buf_put(b, run, (size_t)(p - run));
		if (p == end)
			break;
		unsigned char c = *p;
		if (c == '"' || c == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, c);
		} else if (c < 0x20 || c == '<' || c == 0x7f) {
			buf_printf(b, "\\u%04x", c);
		} else if (end - p >= 3 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) {
			/* U+2028/2029 end a line in older JavaScript. */
			buf_printf(b, "\\u%04x", p[2] == 0xa8 ? 0x2028 : 0x2029);
			p += 2;
		} else {
			buf_putc(b, c);
		}
		p++;
	}
	buf_putc(b, '"');
}

static void json_str(struct buf *b, const char *s)
{
	json_strn(b, s ? s : "", s ? strlen(s) : 0);
}

/* A term's list (its own or lent: no NUL after it) as a JSON string. */
static void json_list(struct buf *b, const struct buf *list)
{
	json_strn(b, list->p ? list->p : "", list->n);
}

/* ---- the writer --------------------------------------------------- */

struct writer {
	const char *dir;        /* OUTDIR/<dir> */
	const char *sub;        /* <dir> */
	const struct search_opts *o;
	int twins;
	struct diag *d;
	struct search_stats st;
	int failed;
	/* names of the hashed files written so far: the same bytes come
	 * out more than once (identical shards), and are written once */
	uint64_t *names;
	size_t nnames, names_cap;   /* open addressing; 0 = empty */
};

/* 1 if `name` was seen before; else it is added. */
static int name_seen(struct writer *w, const char *name)
{
	uint64_t h = content_hash(name, strlen(name), 0) | 1;
	if (2 * (w->nnames + 1) > w->names_cap) {
		size_t cap = w->names_cap ? 2 * w->names_cap : 1024;
		uint64_t *v = xcalloc(cap, sizeof *v);
		for (size_t i = 0; i < w->names_cap; i++) {
			if (!w->names[i])
				continue;
			size_t k = (size_t)w->names[i] & (cap - 1);
			while (v[k])
				k = (k + 1) & (cap - 1);
			v[k] = w->names[i];
		}
		free(w->names);
		w->names = v;
		w->names_cap = cap;
	}
	size_t k = (size_t)h & (w->names_cap - 1);
	while (w->names[k]) {
		if (w->names[k] == h)
			return 1;
		k = (k + 1) & (w->names_cap - 1);
	}
	w->names[k] = h;
	w->nnames++;
	return 0;
}

static void hash_hex(const char *p, size_t n, char out[11])
{
	uint64_t h = content_hash(p, n, 0);
	snprintf(out, 11, "%010llx", (unsigned long long)(h >> 24));
}

/* Write NAME.json (and NAME.js); `name` is the full name (with hash). */
/* OUTDIR/<dir>/<name><ext>, or through opts->write. */
static int write_one(struct writer *w, const char *name, const char *ext, struct slice data)
{
	struct buf path = BUF_INIT;
	int r;
	if (w->o->write) {
		buf_printf(&path, "%s/%s%s", w->sub, name, ext);
		r = w->o->write(w->o->write_ctx, buf_cstr(&path), data);
	} else {
		buf_printf(&path, "%s/%s%s", w->dir, name, ext);
		r = write_file(buf_cstr(&path), data.p, data.n);
	}
	if (r < 0) {
		diag_error(w->d, buf_cstr(&path), 0, 0, "cannot write '%s': %s", buf_cstr(&path),
			   strerror(errno));
		w->failed = 1;
	}
	buf_release(&path);
	return r;
}

static void put_file(struct writer *w, const char *name, struct slice json)
{
	if (w->failed || write_one(w, name, ".json", json) < 0)
		return;
	w->st.files++;
	w->st.bytes += json.n;
	if (w->twins) {
		struct buf js = BUF_INIT;
		buf_printf(&js, "__jobsiteSearch.load(\"%s\",", name);
		buf_putslice(&js, json);
		buf_puts(&js, ");\n");
		write_one(w, name, ".js", buf_slice(&js));
		buf_release(&js);
	}
}

/* Write a file named PREFIX-<hash of json>; the name goes to `name_out`. */
static void put_hashed(struct writer *w, const char *prefix, struct slice json,
		       struct buf *name_out)
{
	char h[11];
	hash_hex(json.p, json.n, h);
	buf_reset(name_out);
	buf_printf(name_out, "%s-%s", prefix, h);
	if (!name_seen(w, buf_cstr(name_out)))
		put_file(w, buf_cstr(name_out), json);
}

/* ---- per posting: tier 0 words with field masks, tier 1 words with counts ---- */

/* a < b as strcmp() orders them (words hold no NUL). */
static int wref_less(const struct wlist *l, const struct wref *a, const struct wref *b)
{
	size_t n = a->n < b->n ? a->n : b->n;
	int c = memcmp(l->bytes.p + a->off, l->bytes.p + b->off, n);
	return c < 0 || (c == 0 && a->n < b->n);
}

static int wref_same(const struct wlist *l, const struct wref *a, const struct wref *b)
{
	return a->n == b->n && !memcmp(l->bytes.p + a->off, l->bytes.p + b->off, a->n);
}

/*
 * Each posting's head words by their term's ix0, in posting order: what
 * the next index patches the head table from (head_from_snapshot).
 */
struct head_fwd {
	uint32_t *ix;
	size_t n, cap;
	size_t *at;         /* posting i's words: ix[at[i] .. at[i + 1]) */
	size_t nat;
};

static void fwd_push(struct head_fwd *fw, uint32_t ix0)
{
	if (fw) {
		fw->ix = xgrow(fw->ix, &fw->cap, fw->n + 1, sizeof *fw->ix);
		fw->ix[fw->n++] = ix0;
	}
}

/* The next posting's words start here. */
static void fwd_next(struct head_fwd *fw, size_t nposts)
{
	if (!fw)
		return;
	if (!fw->at)
		fw->at = xcalloc(nposts + 1, sizeof *fw->at);
	fw->at[++fw->nat] = fw->n;
}

static void fwd_release(struct head_fwd *fw)
{
	free(fw->ix);
	free(fw->at);
	memset(fw, 0, sizeof *fw);
}

/* A posting's head words (title, employer, city) into wl, in word order,
 * each once with the fields it is in (wref.field: a mask of them). */
static void head_words(const struct posting *p, struct wlist *wl)
{
	const char *fields[3] = { p->title, p->employer, p->city };
	wl->n = 0;
	buf_reset(&wl->bytes);
	for (unsigned f = 0; f < 3; f++)
		tokenize(slice_from(fields[f]), SEARCH_TIER_HEAD, &(struct sink){ .words = wl, .field = f });
	/* a dozen words or so: insertion sort, stable */
	for (size_t i = 1; i < wl->n; i++) {
		struct wref x = wl->v[i];
		size_t k = i;
		while (k && wref_less(wl, &x, &wl->v[k - 1])) {
			wl->v[k] = wl->v[k - 1];
			k--;
		}
		wl->v[k] = x;
	}
	size_t out = 0;
	for (size_t i = 0; i < wl->n;) {
		unsigned mask = 0;
		size_t k = i;
		while (k < wl->n && wref_same(wl, &wl->v[i], &wl->v[k]))
			mask |= 1u << wl->v[k++].field;
		wl->v[out] = wl->v[i];
		wl->v[out++].field = mask;
		i = k;
	}
	wl->n = out;
}

/* Posting id's head words into t (and fw); `wl` is scratch. */
static void index_head(struct termtab *t, const struct posting *p, size_t id, struct wlist *wl,
		       struct head_fwd *fw)
{
	head_words(p, wl);
	for (size_t i = 0; i < wl->n; i++) {
		struct term *e = termtab_get(t, wl->bytes.p + wl->v[i].off, wl->v[i].n);
		term_add(e, id, SHIFT[0], wl->v[i].field);
		fwd_push(fw, e->ix0);
	}
}

static unsigned tf_bucket(size_t tf)
{
	return tf <= 1 ? 0 : tf == 2 ? 1 : tf <= 4 ? 2 : 3;
}

/* A posting's distinct body words, in the order they first occur, with their counts. */
static struct counter body_words(const struct posting *p)
{
	struct counter c = { 0 };
	struct buf scratch = BUF_INIT; /* a description set aside is read into it */
	tokenize(posting_desc_text(p, &scratch), SEARCH_TIER_BODY, &(struct sink){ .count = &c });
	buf_release(&scratch);
	return c;
}

/* Each distinct body word once, with its tf bucket (the order does not
 * matter: each word's list only gains this id). */
static void index_words(struct termtab *t, struct counter *c, size_t id)
{
	for (size_t i = 0; i < c->n; i++)
		term_add(termtab_get(t, counter_word(c, i), c->v[i].n), id, SHIFT[1],
			 tf_bucket(c->v[i].count));
	counter_release(c);
}

/*
 * Reading the body words is most of the index's time and needs nothing
 * shared: a helper thread reads every other posting of a batch while this
 * one reads the rest, then the words go into the table in id order, so
 * the index is the same byte for byte.
 */
#define BODY_BATCH 512

/*
 * The memo's bytes for a body: each distinct word (first occurrence first) as a
 * length byte, the word, and its count as a base-128 varint.
 */
static void words_encode(const struct counter *c, struct buf *out)
{
	for (size_t i = 0; i < c->n; i++) {
		buf_putc(out, (int)c->v[i].n);
		buf_put(out, counter_word(c, i), c->v[i].n);
		unsigned v = c->v[i].count;
		do {
			buf_putc(out, (int)((v & 127) | (v > 127 ? 128 : 0)));
			v >>= 7;
		} while (v);
	}
}

/*
 * The next word of a words memo (length byte, word, 7-bit varint count):
 * 1 with *w and *count set, 0 at the end, -1 when the bytes do not parse.
 */
static int memo_next(const unsigned char **pp, const unsigned char *end, struct slice *w,
		     unsigned *count)
{
	const unsigned char *p = *pp;
	if (p == end)
		return 0;
	size_t n = *p++;
	if (!n || n > (size_t)(end - p))
		return -1;
	*w = (struct slice){ (const char *)p, n };
	p += n;
	unsigned v = 0, shift = 0;
	do {
		if (p == end || shift > 28)
			return -1;
		v |= (unsigned)(*p & 127) << shift;
		shift += 7;
	} while (*p++ & 128);
	*count = v;
	*pp = p;
	return 1;
}

/* Add memo bytes' words to t as posting id, or only check them (t NULL).  0 if well formed. */
static int words_walk(struct slice s, struct termtab *t, size_t id)
{
	const unsigned char *p = (const unsigned char *)s.p, *end = p + s.n;
	struct slice w;
	unsigned v;
	int r;
	while ((r = memo_next(&p, end, &w, &v)) > 0)
		if (t)
			term_add(termtab_get(t, w.p, w.n), id, SHIFT[1], tf_bucket(v));
	return r;
}

struct body_batch {
	struct posting *const *postings;
	struct counter *out;
	struct slice *memo;
	size_t from, to;
};

static void *body_worker(void *arg)
{
	struct body_batch *b = arg;
	for (size_t i = b->from + 1; i < b->to; i += 2)
		if (!b->memo[i - b->from].n)
			b->out[i - b->from] = body_words(b->postings[i]);
	return NULL;
}

/* What words_put is to be given, kept by a half indexed on a helper thread. */
struct put_list {
	struct slice *v;        /* memo slices, or bytes owned when own[i] */
	unsigned char *own;
	size_t n, cap, own_cap;
};

static void put_later(struct put_list *l, struct slice s, int own)
{
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
	l->own = xgrow(l->own, &l->own_cap, l->n + 1, 1);
	l->v[l->n] = own ? (struct slice){ xslicedup(s), s.n } : s;
	l->own[l->n++] = (unsigned char)own;
}

/*
 * Postings [lo, hi) into t, in batches: the memo where it holds, else the
 * text, read on `threads` threads.  words_put goes to `later` when set (a
 * helper thread must not call it), else straight to o->words_put.
 */
static void index_body_range(struct termtab *t, struct posting *const *postings, size_t lo,
			     size_t hi, const struct search_opts *o, int threads,
			     struct put_list *later)
{
	struct counter *words = xcalloc(BODY_BATCH, sizeof *words);
	struct slice *memo = xcalloc(BODY_BATCH, sizeof *memo);
	struct buf enc = BUF_INIT;
	for (size_t from = lo; from < hi; from += BODY_BATCH) {
		size_t to = from + BODY_BATCH < hi ? from + BODY_BATCH : hi;
		for (size_t i = from; i < to; i++) {
			memo[i - from] = o->words_get ? o->words_get(o->words_ctx, postings[i])
						      : (struct slice){ NULL, 0 };
			if (memo[i - from].n && words_walk(memo[i - from], NULL, 0) < 0)
				memo[i - from] = (struct slice){ NULL, 0 };
		}
		struct body_batch b = { postings, words, memo, from, to };
		pthread_t th;
		int helper = threads > 1 && to - from > 1 &&
			     pthread_create(&th, NULL, body_worker, &b) == 0;
		for (size_t i = from; i < to; i += helper ? 2 : 1)
			if (!memo[i - from].n)
				words[i - from] = body_words(postings[i]);
		if (helper)
			pthread_join(th, NULL);
		for (size_t i = from; i < to; i++) {
			if (memo[i - from].n) {
				words_walk(memo[i - from], t, i);
				if (o->words_put && later)
					put_later(later, memo[i - from], 0);
				else if (o->words_put)
					o->words_put(o->words_ctx, postings[i], memo[i - from]);
				continue;
			}
			if (o->words_put) {
				buf_reset(&enc);
				words_encode(&words[i - from], &enc);
				if (later)
					put_later(later, buf_slice(&enc), 1);
				else
					o->words_put(o->words_ctx, postings[i], buf_slice(&enc));
			}
			index_words(t, &words[i - from], i);
		}
	}
	buf_release(&enc);
	free(memo);
	free(words);
}

struct body_half {
	struct termtab t;
	struct posting *const *postings;
	size_t lo, hi;
	const struct search_opts *o;
	struct put_list later;
};

static void *body_half_worker(void *arg)
{
	struct body_half *h = arg;
	index_body_range(&h->t, h->postings, h->lo, h->hi, h->o, 1, &h->later);
	return NULL;
}

/*
 * Append the table of the later ids (every id above those in t) to t: a
 * term's list continues its list in t, with the first gap taken again
 * from t's last id.  The result is the table one thread would have made.
 */
static void termtab_append(struct termtab *t, struct termtab *later, unsigned shift)
{
	for (size_t i = 0; i < later->n; i++) {
		struct term *b = &later->v[i];
		struct term *e = termtab_get(t, b->word, b->len);
		if (e->last < 0) {
			list_release(&e->enc);
			e->enc = b->enc;
			b->enc = (struct buf)BUF_INIT;
		} else {
			size_t len = 0;
			uint64_t v = 0;
			get_varint(buf_slice(&b->enc), &len, &v); /* made by term_add: well formed */
			uint64_t score = v & ((1u << shift) - 1);
			int64_t id = (int64_t)(v >> shift); /* the first gap counts from id -1 */
			put_varint(&e->enc, ((uint64_t)(id - e->last - 1) << shift) | score);
			buf_put(&e->enc, b->enc.p + len, b->enc.n - len);
		}
		e->df += b->df;
		e->last = b->last;
	}
}

/*
 * The body words of every posting.  On two threads, in rounds of two
 * chunks: this thread adds the first to t while a helper makes a table of
 * the second, which is then appended to t, so memory stays bounded and t
 * is what one thread would have made.  words_put sees the postings in order.
 */
#define BODY_CHUNK (2 * BODY_BATCH)

static void index_bodies(struct termtab *t, struct posting *const *postings, size_t n,
			 const struct search_opts *o)
{
	if (o->threads < 2 || n < 2 * BODY_BATCH) {
		index_body_range(t, postings, 0, n, o, o->threads, NULL);
		return;
	}
	for (size_t lo = 0; lo < n; lo += 2 * BODY_CHUNK) {
		size_t mid = lo + BODY_CHUNK < n ? lo + BODY_CHUNK : n;
		size_t hi = mid + BODY_CHUNK < n ? mid + BODY_CHUNK : n;
		struct body_half h = { .postings = postings, .lo = mid, .hi = hi, .o = o };
		pthread_t th;
		if (mid == hi || pthread_create(&th, NULL, body_half_worker, &h) != 0) {
			index_body_range(t, postings, lo, hi, o, 1, NULL);
			continue;
		}
		index_body_range(t, postings, lo, mid, o, 1, NULL);
		pthread_join(th, NULL);
		termtab_append(t, &h.t, SHIFT[1]);
		for (size_t i = 0; i < h.later.n; i++) {
			if (o->words_put)
				o->words_put(o->words_ctx, postings[h.lo + i], h.later.v[i]);
			if (h.later.own[i])
				free((void *)h.later.v[i].p);
		}
		free(h.later.v);
		free(h.later.own);
		termtab_release(&h.t);
	}
}

/* ---- the body table between builds ------------------------------- */

/*
 * Layout: u64 n, n record keys (16 bytes each, by id), u64 terms, then per
 * term: u32 word length, the word, u32 df, u64 last, u32 list length, the
 * list.  Integers little-endian (this machine's order: the file never
 * leaves it).  The snapshot the index saves has the hints' memo after it
 * (snap_parts).
 */
#define SNAP_NO_FIN 0xffffffffu

/* A term as a snapshot holds it: u32 word length, the word, u32 df, u64
 * last, u32 list length, the list as indexed (raw when finished). */
static void put_term(struct buf *out, const struct term *e)
{
	const struct buf *raw = e->finished ? &e->raw : &e->enc;
	uint32_t len = (uint32_t)e->len, df = e->df, enc = (uint32_t)raw->n;
	uint64_t last = (uint64_t)e->last;
	buf_put(out, &len, 4);
	buf_put(out, e->word, len);
	buf_put(out, &df, 4);
	buf_put(out, &last, 8);
	buf_put(out, &enc, 4);
	buf_put(out, raw->p ? raw->p : "", enc);
}

/* ... read back: the word and list point into the snapshot; 0 when r
 * runs out or the word is empty. */
struct snap_term {
	const char *word, *list;
	uint32_t len, df, nlist;
	int64_t last;
};

static int get_term(struct reader *r, struct snap_term *st)
{
	st->len = (uint32_t)reader_u(r, 4);
	st->word = (const char *)reader_take(r, st->len);
	st->df = (uint32_t)reader_u(r, 4);
	st->last = (int64_t)reader_u(r, 8);
	st->nlist = (uint32_t)reader_u(r, 4);
	st->list = (const char *)reader_take(r, st->nlist);
	return !r->bad && st->len && st->word && st->list;
}

static void body_snapshot(const struct termtab *t, struct posting *const *postings, size_t n,
			  struct buf *out)
{
	uint64_t v = n;
	buf_put(out, &v, 8);
	for (size_t i = 0; i < n; i++)
		buf_put(out, postings[i]->record_key, 16);
	v = t->n;
	buf_put(out, &v, 8);
	for (size_t i = 0; i < t->n; i++) {
		const struct term *e = &t->v[i];
		/* the list as indexed, then its final form (SNAP_NO_FIN: the same) */
		uint32_t fin = e->finished ? (uint32_t)e->enc.n : SNAP_NO_FIN;
		put_term(out, e);
		buf_put(out, &fin, 4);
		if (e->finished)
			buf_put(out, e->enc.p ? e->enc.p : "", fin);
	}
}

/* Take id out of e's list, and with add put it back with this score; -1 if the list does not decode. */
static int list_edit(struct term *e, size_t id, int add, unsigned score, unsigned shift)
{
	unsigned *ids, *sc;
	long k = search_list_decode(buf_slice(&e->enc), shift, &ids, &sc);
	if (k < 0)
		return -1;
	struct buf out = BUF_INIT;
	int64_t prev = -1;
	uint32_t df = 0;
	int done = !add;
	for (long j = 0; j <= k; j++) {
		if (!done && (j == k || ids[j] > id)) {
			put_varint(&out, ((uint64_t)((int64_t)id - prev - 1) << shift) | score);
			prev = (int64_t)id;
			df++;
			done = 1;
		}
		if (j == k)
			break;
		if (ids[j] == id) /* the old entry of this id: dropped (or replaced above) */
			continue;
		put_varint(&out, ((uint64_t)((int64_t)ids[j] - prev - 1) << shift) | sc[j]);
		prev = (int64_t)ids[j];
		df++;
	}
	free(ids);
	free(sc);
	list_release(&e->enc);
	e->enc = out;
	e->df = df;
	e->last = prev;
	/* the last index's final form was of the list before this edit */
	list_release(&e->fin);
	e->has_fin = 0;
	return 0;
}

/* A memo's words with their tf buckets, for memo_change. */
struct mword {
	struct slice w;
	unsigned bucket;
};

static int cmp_mword(const void *a, const void *b)
{
	const struct mword *x = a, *y = b;
	if (x->w.n != y->w.n)
		return x->w.n < y->w.n ? -1 : 1;
	return memcmp(x->w.p, y->w.p, x->w.n);
}

/* The words of memo s, sorted (cmp_mword); -1 when it does not parse. */
static long memo_words(struct slice s, struct mword **out)
{
	const unsigned char *p = (const unsigned char *)s.p, *end = p + s.n;
	struct mword *v = NULL;
	size_t n = 0, cap = 0;
	struct slice w;
	unsigned count;
	int r;
	while ((r = memo_next(&p, end, &w, &count)) > 0) {
		v = xgrow(v, &cap, n + 1, sizeof *v);
		v[n++] = (struct mword){ w, tf_bucket(count) };
	}
	if (r < 0) {
		free(v);
		return -1;
	}
	if (n)
		qsort(v, n, sizeof *v, cmp_mword);
	*out = v;
	return (long)n;
}

/*
 * Posting id's words go from memo `old` to memo `now`: only the lists of
 * words it gained, lost or whose tf bucket moved are edited (an edit to a
 * description changes a few words of hundreds).  0, or -1 when a memo or
 * a list does not parse.
 */
static int memo_change(struct slice old, struct slice now, struct termtab *t, size_t id)
{
	struct mword *a = NULL, *b = NULL;
	long na = memo_words(old, &a), nb = na < 0 ? -1 : memo_words(now, &b);
	int r = na < 0 || nb < 0 ? -1 : 0;
	for (long i = 0, j = 0; !r && (i < na || j < nb);) {
		int c = i == na ? 1 : j == nb ? -1 : cmp_mword(&a[i], &b[j]);
		if (c < 0) { /* gone */
			r = list_edit(termtab_get(t, a[i].w.p, a[i].w.n), id, 0, 0, SHIFT[1]);
			i++;
		} else if (c > 0 || a[i].bucket != b[j].bucket) { /* new, or another bucket */
			r = list_edit(termtab_get(t, b[j].w.p, b[j].w.n), id, 1, b[j].bucket, SHIFT[1]);
			i += c == 0;
			j++;
		} else {
			i++;
			j++;
		}
	}
	free(a);
	free(b);
	return r;
}

#define SNAP_MAX_CHANGED 32

/*
 * The last index's snapshot: the body table (body_snapshot), the head
 * table (head_snapshot), the hints' memo (search_hints_memo), the rows
 * (rows_memo), then the lengths of the last three (u64 each).  0 when it
 * is not that shape.
 */
struct snap {
	struct slice body, head, hints, rows;
};

static int snap_parts(struct slice snap, struct snap *out)
{
	uint64_t len[3];
	if (snap.n < sizeof len)
		return 0;
	memcpy(len, snap.p + snap.n - sizeof len, sizeof len);
	size_t left = snap.n - sizeof len;
	for (int i = 0; i < 3; i++) {
		if (len[i] > left)
			return 0;
		left -= (size_t)len[i];
	}
	out->body = (struct slice){ snap.p, left };
	out->head = (struct slice){ snap.p + left, (size_t)len[0] };
	out->hints = (struct slice){ out->head.p + out->head.n, (size_t)len[1] };
	out->rows = (struct slice){ out->hints.p + out->hints.n, (size_t)len[2] };
	return 1;
}

/*
 * The ids whose record is not the one the last index had at that id, into
 * *changed (the caller frees it); -1 when the last index had another
 * number of postings or a record has no key (nothing can be compared).
 */
static long snap_changed(struct slice body, struct posting *const *postings, size_t n, size_t **changed)
{
	struct reader r = reader_of(body);
	*changed = NULL;
	if (reader_u(&r, 8) != n || r.bad)
		return -1;
	const unsigned char *keys = reader_take(&r, n * 16);
	if (!keys)
		return -1;
	size_t nch = 0, cap = 0;
	for (size_t i = 0; i < n; i++) {
		const unsigned long long *k = postings[i]->record_key;
		if (!k[0] && !k[1]) {
			free(*changed);
			*changed = NULL;
			return -1;
		}
		if (memcmp(keys + 16 * i, k, 16)) {
			*changed = xgrow(*changed, &cap, nch + 1, sizeof **changed);
			(*changed)[nch++] = i;
		}
	}
	return (long)nch;
}

/*
 * The body table from the last index's snapshot, patched for the ids whose
 * record changed (at most SNAP_MAX_CHANGED, same number of postings): the
 * old record's words out, the new one's in.  1 when t is the table
 * index_bodies would have made, 0 (t empty) when that must run.
 */
static int body_from_snapshot(struct termtab *t, struct posting *const *postings, size_t n,
			      const struct search_opts *o, struct slice snap, const size_t *changed,
			      long nchanged, size_t *patched)
{
	if (!o->words_by_key || !o->words_get || nchanged < 0 || nchanged > SNAP_MAX_CHANGED)
		return 0;
	size_t nch = (size_t)nchanged;
	/* snap_changed() read the same n and keys */
	struct reader r = reader_of(snap);
	reader_u(&r, 8);
	const unsigned char *keys = reader_take(&r, n * 16);
	if (!keys)
		return 0;
	/* every changed posting's old and new words, before the table is built;
	 * new words not yet in the memo are read from the posting now */
	struct slice old[SNAP_MAX_CHANGED], now[SNAP_MAX_CHANGED];
	struct buf fresh[SNAP_MAX_CHANGED];
	int ok = 1;
	for (size_t c = 0; c < nch; c++) {
		fresh[c] = (struct buf)BUF_INIT;
		unsigned long long k[2];
		memcpy(k, keys + 16 * changed[c], 16);
		old[c] = o->words_by_key(o->words_ctx, k);
		now[c] = o->words_get(o->words_ctx, postings[changed[c]]);
		if (!now[c].n) {
			struct counter words = body_words(postings[changed[c]]);
			words_encode(&words, &fresh[c]);
			counter_release(&words);
			now[c] = buf_slice(&fresh[c]);
		}
		if (!old[c].n || words_walk(old[c], NULL, 0) < 0 || words_walk(now[c], NULL, 0) < 0)
			ok = 0;
	}
	uint64_t nterms = ok ? reader_u(&r, 8) : 0;
	if (!ok || r.bad || nterms > snap.n) {
		for (size_t c = 0; c < nch; c++)
			buf_release(&fresh[c]);
		return 0;
	}
	for (uint64_t i = 0; i < nterms && !r.bad; i++) {
		struct snap_term st;
		int got = get_term(&r, &st);
		uint32_t flen = (uint32_t)reader_u(&r, 4);
		const char *fin = flen == SNAP_NO_FIN ? NULL : (const char *)reader_take(&r, flen);
		if (!got || r.bad) {
			r.bad = 1;
			break;
		}
		struct term *e = termtab_get(t, st.word, st.len);
		e->df = st.df;
		e->last = st.last;
		/* lent, not copied: 38 MB at 100,000 postings */
		list_release(&e->enc);
		e->enc = list_lent(st.list, st.nlist);
		if (fin) {
			list_release(&e->fin);
			e->fin = list_lent(fin, flen);
			e->has_fin = 1;
		}
	}
	ok = !r.bad && r.p == r.end;
	for (size_t c = 0; ok && c < nch; c++)
		ok = memo_change(old[c], now[c], t, changed[c]) == 0;
	if (!ok) {
		for (size_t c = 0; c < nch; c++)
			buf_release(&fresh[c]);
		termtab_release(t);
		return 0;
	}
	termtab_drop_empty(t);
	/* the words cache must still see every posting (it keeps what is put) */
	for (size_t i = 0, c = 0; o->words_put && i < n; i++) {
		if (c < nch && changed[c] == i)
			o->words_put(o->words_ctx, postings[i], now[c++]);
		else if (!o->words_keep || !o->words_keep(o->words_ctx, postings[i]))
			o->words_put(o->words_ctx, postings[i], o->words_get(o->words_ctx, postings[i]));
	}
	for (size_t c = 0; c < nch; c++)
		buf_release(&fresh[c]);
	*patched = nch;
	return 1;
}

/*
 * The head table as indexed (finish_tier kept e->raw), for the next
 * index: u64 terms, then per term u32 word length, the word, u32 df, u64
 * last, u32 list length, the list; then per posting u32 count and its
 * words' numbers in this order of terms (head_fwd, by ix0).
 */
static void head_snapshot(const struct termtab *t, const struct head_fwd *fw, size_t n,
			  struct buf *out)
{
	/* every ix0 is below t->made; one of no term left (a snapshot that
	 * did not hold) is written as none, which the next index refuses */
	uint32_t *pos = xmalloc(((size_t)t->made + 1) * sizeof *pos);
	memset(pos, 0xff, ((size_t)t->made + 1) * sizeof *pos);
	uint64_t v = t->n;
	buf_put(out, &v, 8);
	for (size_t i = 0; i < t->n; i++) {
		put_term(out, &t->v[i]);
		pos[t->v[i].ix0] = (uint32_t)i;
	}
	for (size_t p = 0; p < n; p++) {
		uint32_t k = (uint32_t)(fw->at[p + 1] - fw->at[p]);
		buf_put(out, &k, 4);
		for (size_t j = fw->at[p]; j < fw->at[p + 1]; j++)
			buf_put(out, &pos[fw->ix[j] <= t->made ? fw->ix[j] : t->made], 4);
	}
	free(pos);
}

/*
 * The head table from the last index's snapshot, with the postings whose
 * record changed (`changed`, ascending; at most SNAP_MAX_CHANGED, the
 * same number of postings) taken out of their old words' lists and put
 * into their new ones'.  1 when t (and fw) are what index_head would
 * have made of every posting, 0 (both empty) when that must run.
 */
/* A list of df ids, ascending, the last `last`, all below n (what is
 * read from a snapshot is checked before anything indexes by its ids). */
static int list_holds(struct slice list, unsigned shift, uint32_t df, int64_t last, size_t n)
{
	unsigned *ids;
	long k = search_list_decode(list, shift, &ids, NULL);
	int ok = k > 0 && (uint64_t)k == df && last >= 0 && (uint64_t)last < n &&
		 ids[k - 1] == (uint64_t)last;
	for (long i = 1; ok && i < k; i++)
		ok = ids[i - 1] < ids[i];
	if (k >= 0)
		free(ids);
	return ok;
}

static int head_from_snapshot(struct termtab *t, struct head_fwd *fw, struct posting *const *postings,
			      size_t n, struct slice snap, const size_t *changed, long nchanged,
			      struct wlist *wl)
{
	if (!snap.n || nchanged < 0 || nchanged > SNAP_MAX_CHANGED)
		return 0;
	struct reader r = reader_of(snap);
	uint64_t nterms = reader_u(&r, 8);
	int ok = !r.bad && nterms < UINT32_MAX && nterms <= snap.n;
	for (uint64_t i = 0; ok && i < nterms; i++) {
		struct snap_term st;
		ok = get_term(&r, &st) &&
		     list_holds((struct slice){ st.list, st.nlist }, SHIFT[0], st.df, st.last, n);
		size_t had = t->n;
		struct term *e = ok ? termtab_get(t, st.word, st.len) : NULL;
		ok = ok && t->n == had + 1; /* each word once: its ix0 is i */
		if (ok) {
			e->df = st.df;
			e->last = st.last;
			e->enc = list_lent(st.list, st.nlist);
		}
	}
	fw->at = xcalloc(n + 1, sizeof *fw->at);
	size_t c = 0;
	for (size_t p = 0; ok && p < n; p++) {
		uint32_t k = (uint32_t)reader_u(&r, 4);
		const unsigned char *ix = reader_take(&r, (size_t)k * 4);
		ok = !r.bad && ix;
		if (!ok)
			break;
		int edited = c < (size_t)nchanged && changed[c] == p;
		for (uint32_t j = 0; j < k && ok; j++) {
			uint32_t x;
			memcpy(&x, ix + 4 * j, 4);
			ok = x < nterms;
			if (ok && edited) /* its old words: it leaves their lists */
				ok = list_edit(&t->v[x], p, 0, 0, SHIFT[0]) == 0;
			else if (ok)
				fwd_push(fw, x);
		}
		if (edited) {
			head_words(postings[p], wl);
			for (size_t i = 0; ok && i < wl->n; i++) {
				struct term *e = termtab_get(t, wl->bytes.p + wl->v[i].off, wl->v[i].n);
				ok = list_edit(e, p, 1, wl->v[i].field, SHIFT[0]) == 0;
				fwd_push(fw, e->ix0);
			}
			c++;
		}
		fw->at[++fw->nat] = fw->n;
	}
	ok = ok && r.p == r.end && c == (size_t)nchanged;
	if (!ok) {
		termtab_release(t);
		fwd_release(fw);
		return 0;
	}
	termtab_drop_empty(t);
	return 1;
}

/* e's list in its final form is `fin`; the list as indexed stays in
 * e->raw for the body snapshot (finish_tier frees it when not wanted). */
static void set_final(struct term *e, struct buf fin)
{
	list_release(&e->raw);
	e->raw = e->enc;
	e->enc = fin;
	e->finished = 1;
}

/* A word in more than half the postings: store the ids without it. */
static void complement(struct term *e, size_t n, unsigned shift)
{
	unsigned *ids;
	long k = search_list_decode(buf_slice(&e->enc), shift, &ids, NULL);
	if (k < 0)
		die("search index: bad list for '%s'", e->word);
	struct buf out = BUF_INIT;
	buf_putc(&out, '!');
	int64_t prev = -1;
	size_t j = 0;
	for (size_t id = 0; id < n; id++) {
		if (j < (size_t)k && ids[j] == id) {
			j++;
			continue;
		}
		put_varint(&out, (uint64_t)((int64_t)id - prev - 1));
		prev = (int64_t)id;
	}
	free(ids);
	set_final(e, out);
}

/*
 * A body word in more than `max` postings keeps only the postings where it
 * is most frequent (tf bucket >= 1, else >= 2, >= 3), as a list marked "~":
 * the query still finds the postings about it, and the ones that mention it
 * in passing only through the head tier.  "*" when even that is too long.
 */
static void prune(struct term *e, size_t max, unsigned shift)
{
	unsigned *ids, *sc;
	long k = search_list_decode(buf_slice(&e->enc), shift, &ids, &sc);
	if (k < 0)
		die("search index: bad list for '%s'", e->word);
	struct buf out = BUF_INIT;
	for (unsigned min = 1; min <= 3; min++) {
		size_t kept = 0;
		for (long i = 0; i < k; i++)
			kept += sc[i] >= min;
		if (kept > max)
			continue;
		buf_putc(&out, '~');
		int64_t prev = -1;
		for (long i = 0; i < k; i++)
			if (sc[i] >= min) {
				put_varint(&out, ((uint64_t)((int64_t)ids[i] - prev - 1) << shift) | sc[i]);
				prev = ids[i];
			}
		break;
	}
	if (!out.n)
		buf_putc(&out, '*');
	free(ids);
	free(sc);
	set_final(e, out);
}

/*
 * Sort one tier's words and give its lists their final form.  A list the
 * body snapshot holds unchanged takes the final form the last index made
 * of it (the same n: the snapshot is of the same postings), which at
 * 100,000 postings spares decoding and re-encoding a few hundred lists of
 * 10,000 and more entries.  keep_raw: keep the lists as indexed (e->raw)
 * for the next snapshot.
 */
static size_t finish_tier(struct termtab *t, int tier, size_t n, int keep_raw)
{
	size_t kept = 0;
	if (t->n)
		qsort(t->v, t->n, sizeof *t->v, cmp_term_word);
	int drop_common = tier == SEARCH_TIER_BODY && n >= COMMON_MIN_SITE;
	for (size_t i = 0; i < t->n; i++) {
		struct term *e = &t->v[i];
		int pruned = drop_common && e->df > n / COMMON_SHARE;
		if ((pruned || (e->df * 2 > n && n > 1)) && e->has_fin) {
			set_final(e, e->fin);
			e->fin = (struct buf)BUF_INIT;
			e->has_fin = 0;
			kept++;
		} else if (pruned) {
			prune(e, n / COMMON_SHARE, SHIFT[tier]);
		} else if (e->df * 2 > n && n > 1) {
			complement(e, n, SHIFT[tier]);
		}
		list_release(&e->fin);
		e->has_fin = 0;
		if (!keep_raw)
			list_release(&e->raw);
	}
	return kept;
}

/* ---- list files ---------------------------------------------------- */

static void put_row(struct buf *b, const struct posting *p);

/*
 * Every posting's row, made once (rows_make) for the row blocks and the
 * list files' hints, which would otherwise make 50,000 of them again at
 * 100,000 postings.  On the rows' helper when there is one: the hints
 * wait for them (rows_wait); they are made long before.
 */
struct rows_job {
	struct writer w;
	struct posting *const *ps;
	size_t n, per, target;
	struct buf rows, facets, salary;
	struct buf all;         /* the rows, one after another */
	size_t *at;             /* row i is all[at[i] .. at[i + 1]) */
	pthread_mutex_t lock;
	pthread_cond_t made;
	int ready;
	/* the last index's rows (rows_memo), and the ids whose record changed
	 * since (sorted): a row of another id is taken when its slug holds */
	struct slice last;
	const size_t *changed;
	long nchanged;          /* -1: no memo to take rows from */
	size_t rows_kept;
};

#define ROWS_MAGIC "ROW1"

/* The rows' memo: magic, u64 n, n + 1 u64 offsets into the rows that follow. */
static void rows_memo(const struct rows_job *j, struct buf *out)
{
	uint64_t n = j->n;
	buf_put(out, ROWS_MAGIC, 4);
	buf_put(out, &n, 8);
	for (size_t i = 0; i <= j->n; i++) {
		uint64_t at = j->at[i];
		buf_put(out, &at, 8);
	}
	buf_putslice(out, buf_slice(&j->all));
}

/* Row i of the memo `last` of n rows when it is the row of p (its slug),
 * else an empty slice. */
static struct slice memo_row(struct slice last, size_t n, size_t i, const struct posting *p)
{
	const unsigned char *at = (const unsigned char *)last.p + 12;
	uint64_t a, b;
	memcpy(&a, at + 8 * i, 8);
	memcpy(&b, at + 8 * (i + 1), 8);
	size_t base = 12 + 8 * (n + 1), len = strlen(p->id ? p->id : "");
	if (a > b || b > last.n - base || b - a < len + 4)
		return (struct slice){ NULL, 0 };
	const char *r = last.p + base + a;
	if (memcmp(r, "[\"", 2) || memcmp(r + 2, p->id ? p->id : "", len) || r[2 + len] != '"')
		return (struct slice){ NULL, 0 };
	return (struct slice){ r, (size_t)(b - a) };
}

/* 1 when `last` is a rows memo of n rows. */
static int rows_memo_ok(struct slice last, size_t n)
{
	uint64_t m;
	if (last.n < 12 || memcmp(last.p, ROWS_MAGIC, 4))
		return 0;
	memcpy(&m, last.p + 4, 8);
	return m == n && (last.n - 12) / 8 > n;
}

static void rows_make(struct rows_job *j)
{
	size_t *at = xmalloc((j->n + 1) * sizeof *at);
	int memo = j->nchanged >= 0 && rows_memo_ok(j->last, j->n);
	for (size_t i = 0, c = 0; i < j->n; i++) {
		at[i] = j->all.n;
		if (memo && c < (size_t)j->nchanged && j->changed[c] == i) {
			c++;
		} else if (memo) {
			struct slice r = memo_row(j->last, j->n, i, j->ps[i]);
			if (r.n) {
				buf_putslice(&j->all, r);
				j->rows_kept++;
				continue;
			}
		}
		put_row(&j->all, j->ps[i]);
	}
	at[j->n] = j->all.n;
	pthread_mutex_lock(&j->lock);
	j->at = at;
	j->ready = 1;
	pthread_cond_broadcast(&j->made);
	pthread_mutex_unlock(&j->lock);
}

static void rows_wait(struct rows_job *j)
{
	pthread_mutex_lock(&j->lock);
	while (!j->ready)
		pthread_cond_wait(&j->made, &j->lock);
	pthread_mutex_unlock(&j->lock);
}

static struct slice row_of(const struct rows_job *j, size_t id)
{
	return (struct slice){ j->all.p + j->at[id], j->at[id + 1] - j->at[id] };
}


static int has_file(const struct term *e, size_t target)
{
	return e && e->enc.n > target / LIST_INLINE_SHARE;
}

/* A finished tier as search_hints.h reads it: entry i is term i. */
static struct hint_tier hint_view(const struct termtab *t, size_t target)
{
	struct hint_word *v = xcalloc(t->n + 1, sizeof *v);
	for (size_t i = 0; i < t->n; i++)
		v[i] = (struct hint_word){ t->v[i].word, t->v[i].df, buf_slice(&t->v[i].enc),
					   has_file(&t->v[i], target) };
	return (struct hint_tier){ v, t->n };
}

static void hint_row(struct buf *b, size_t id, void *ctx)
{
	buf_putslice(b, row_of(ctx, id));
}

/* A list file to write: its word's entries in the two tiers, and hints. */
struct list_file {
	struct term *he, *be;   /* either may be NULL */
	size_t head_i;          /* he's index in tier 0 */
	int hinted;
	struct buf hl;          /* the hints' JSON */
};

struct hint_job {
	struct hints *h;
	struct termtab *body;
	struct list_file *v;
	size_t n, next;         /* the next file to take (atomic) */
};

/* A head word's hints, else the body word's (search_hints.h): the files
 * in turn, whichever thread comes first; each file's bytes the same. */
static void *hint_run(void *arg)
{
	struct hint_job *j = arg;
	unsigned *count = xcalloc(search_hints_nhead(j->h) + 1, sizeof *count);
	for (size_t k; (k = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED)) < j->n;) {
		struct list_file *f = &j->v[k];
		f->hinted = f->he && search_hints_head_r(j->h, f->head_i, &f->hl, count);
		if (!f->hinted && f->be)
			f->hinted = search_hints_body(j->h, (size_t)(f->be - j->body->v), &f->hl);
	}
	free(count);
	return NULL;
}

/*
 * Put every list too long for a shard in a file of its own, one file per
 * word: {"h": head list, "b": body list, "r": hints}, with what the word
 * has; a query of the word then fetches one file for both tiers.
 * e->file gets the name.  hv: the tiers' views (hint_view).  The hints
 * are the costly part (a fifth of a rebuild after one edit of 100,000):
 * with threads to spare, made on two; the files are then written in order.
 */
static void write_list_files(struct writer *w, struct termtab tabs[2],
			     const struct hint_tier hv[2], struct hints *h)
{
	struct list_file *v = NULL;
	size_t n = 0, cap = 0;
	for (int tier = 0; tier < 2; tier++)
		for (size_t i = 0; i < tabs[tier].n; i++) {
			struct term *e = &tabs[tier].v[i];
			if (e->file || !hv[tier].v[i].in_file)
				continue;
			struct list_file f = { NULL, e, i, 0, BUF_INIT };
			if (tier == SEARCH_TIER_HEAD) {
				/* The body entry of the word, by its index in the view. */
				const struct hint_word *bw = search_hint_find(&hv[1], e->word);
				f.he = e;
				f.be = bw && bw->in_file ? &tabs[1].v[bw - hv[1].v] : NULL;
			}
			/* marked now: the word's body entry has its file with it */
			e->file = (char *)"";
			if (f.be)
				f.be->file = (char *)"";
			v = xgrow(v, &cap, n + 1, sizeof *v);
			v[n++] = f;
		}
	struct hint_job job = { h, &tabs[1], v, n, 0 };
	pthread_t th;
	int helper = w->o->threads > 1 && n > 1 && pthread_create(&th, NULL, hint_run, &job) == 0;
	hint_run(&job);
	if (helper)
		pthread_join(th, NULL);
	struct buf j = BUF_INIT, name = BUF_INIT;
	for (size_t k = 0; k < n; k++) {
		struct list_file *f = &v[k];
		buf_reset(&j);
		buf_putc(&j, '{');
		if (f->he) {
			buf_puts(&j, "\"h\":");
			json_list(&j, &f->he->enc);
		}
		if (f->be) {
			buf_puts(&j, f->he ? ",\"b\":" : "\"b\":");
			json_list(&j, &f->be->enc);
		}
		if (f->hinted) {
			buf_puts(&j, ",\"r\":");
			buf_putslice(&j, buf_slice(&f->hl));
		}
		buf_putc(&j, '}');
		buf_release(&f->hl);
		put_hashed(w, "l", buf_slice(&j), &name);
		if (f->he)
			f->he->file = xstrdup(buf_cstr(&name));
		if (f->be)
			f->be->file = xstrdup(buf_cstr(&name));
	}
	free(v);
	buf_release(&j);
	buf_release(&name);
}

/* Cut the sorted words of one tier into shards; manifest gets the ranges.
 * Lists too long for a shard are in their files (write_list_files). */
static void write_tier(struct writer *w, struct termtab *t, int tier,
		       size_t target, struct buf *man)
{
	struct buf firsts = BUF_INIT, files = BUF_INIT, json = BUF_INIT;
	struct buf wl = BUF_INIT, dl = BUF_INIT, pl = BUF_INIT, name = BUF_INIT;
	char prefix[32];
	size_t nshards = 0, start = 0;
	for (size_t i = 0; i <= t->n; i++) {
		if (i < t->n) {
			struct term *e = &t->v[i];
			if (wl.n) {
				buf_putc(&wl, ',');
				buf_putc(&dl, ',');
				buf_putc(&pl, ',');
			}
			json_str(&wl, e->word);
			buf_printf(&dl, "%u", e->df);
			if (e->file) {
				buf_putc(&pl, '"');
				buf_putc(&pl, '@');
				buf_puts(&pl, e->file);
				buf_putc(&pl, '"');
			} else {
				json_list(&pl, &e->enc);
			}
		}
		int last = i + 1 >= t->n;
		if (i < t->n && !last && wl.n + pl.n + dl.n < target)
			continue;
		if (i >= t->n && !wl.n)
			break;
		buf_reset(&json);
		buf_puts(&json, "{\"w\":[");
		buf_putslice(&json, buf_slice(&wl));
		buf_puts(&json, "],\"d\":[");
		buf_putslice(&json, buf_slice(&dl));
		buf_puts(&json, "],\"p\":[");
		buf_putslice(&json, buf_slice(&pl));
		buf_puts(&json, "]}");
		snprintf(prefix, sizeof prefix, "w%d-%zu", tier, nshards);
		put_hashed(w, prefix, buf_slice(&json), &name);
		if (nshards) {
			buf_putc(&firsts, ',');
			buf_putc(&files, ',');
		}
		json_str(&firsts, t->v[start].word);
		json_str(&files, buf_cstr(&name));
		nshards++;
		start = i + 1;
		buf_reset(&wl);
		buf_reset(&dl);
		buf_reset(&pl);
		if (i >= t->n || last)
			break;
	}
	buf_printf(man, "{\"shift\":%u,\"first\":[%s],\"files\":[%s]}", SHIFT[tier],
		   buf_cstr(&firsts), buf_cstr(&files));
	w->st.terms[tier] = t->n;
	w->st.shards[tier] = nshards;
	buf_release(&firsts);
	buf_release(&files);
	buf_release(&json);
	buf_release(&wl);
	buf_release(&dl);
	buf_release(&pl);
	buf_release(&name);
}

/* ---- rows ------------------------------------------------------------ */

/* As the site's cards show it: "$125,000 – $140,000 a year". */
static void salary_display(const struct posting *p, struct buf *b)
{
	jobfmt_salary(b, p);
}

/* The salary as json_str() would write it, made in place (no buffer of
 * its own for each of 100,000 rows). */
static void put_salary(struct buf *b, const struct posting *p)
{
	size_t at = b->n;
	buf_putc(b, '"');
	salary_display(p, b);
	int plain = 1;
	const unsigned char *x = (const unsigned char *)b->p;
	for (size_t i = at + 1; i < b->n && plain; i++)
		plain = json_plain(x[i]) ||
			(x[i] == 0xe2 && !(x[i + 1] == 0x80 && (x[i + 2] == 0xa8 || x[i + 2] == 0xa9)));
	if (plain) {
		buf_putc(b, '"');
		return;
	}
	char *t = xstrndup(b->p + at + 1, b->n - at - 1);
	buf_truncate(b, at);
	json_str(b, t);
	free(t);
}

static void put_row(struct buf *b, const struct posting *p)
{
	const char *v[] = {
		p->id, p->title, p->employer, p->city, p->state,
		jobfmt_workplace(p->workplace), NULL /* the salary */, p->date_posted,
		jobfmt_employment(p->employment_type),
	};
	buf_putc(b, '[');
	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		if (i)
			buf_putc(b, ',');
		if (i == 6)
			put_salary(b, p);
		else
			json_str(b, v[i] ? v[i] : "");
	}
	buf_putc(b, ']');
}

static void write_rows(struct writer *w, const struct rows_job *j, size_t n,
		       size_t per, struct buf *man)
{
	size_t nblocks = (n + per - 1) / per;
	size_t ngroups = (nblocks + GROUP_BLOCKS - 1) / GROUP_BLOCKS;
	buf_printf(man, "{\"size\":%zu,\"group\":%d,\"hashes\":[", per, GROUP_BLOCKS);
	struct buf *blocks = xcalloc(GROUP_BLOCKS, sizeof *blocks);
	for (size_t g = 0; g < ngroups; g++) {
		size_t b0 = g * GROUP_BLOCKS;
		size_t b1 = b0 + GROUP_BLOCKS < nblocks ? b0 + GROUP_BLOCKS : nblocks;
		uint64_t h = 0;
		for (size_t k = b0; k < b1; k++) {
			struct buf *b = &blocks[k - b0];
			buf_reset(b);
			buf_putc(b, '[');
			for (size_t id = k * per; id < n && id < (k + 1) * per; id++) {
				if (id > k * per)
					buf_putc(b, ',');
				buf_putslice(b, row_of(j, id));
			}
			buf_putc(b, ']');
			h = content_hash(b->p, b->n, h);
		}
		char hex[11];
		snprintf(hex, sizeof hex, "%010llx", (unsigned long long)(h >> 24));
		buf_printf(man, "%s\"%s\"", g ? "," : "", hex);
		for (size_t k = b0; k < b1; k++) {
			char name[64];
			snprintf(name, sizeof name, "r%zu-%s", k, hex);
			put_file(w, name, buf_slice(&blocks[k - b0]));
		}
	}
	for (size_t i = 0; i < GROUP_BLOCKS; i++)
		buf_release(&blocks[i]);
	free(blocks);
	buf_puts(man, "]}");
}

/* ---- facets ---------------------------------------------------------- */

enum facet { F_EMPLOYER, F_STATE, F_BAND, F_WORKPLACE, F_TYPE, F_COUNT };
static const char *const FACET_NAMES[F_COUNT] = {
	"employer", "state", "band", "workplace", "type"
};

static const char *facet_value(const struct posting *p, enum facet f,
			       const char **label)
{
	switch (f) {
	case F_EMPLOYER:
		*label = p->employer;
		return p->employer && p->employer_slug && *p->employer_slug
			? p->employer_slug : NULL;
	case F_STATE:
		/* As the site's state pages: a remote posting with no state is
		 * under "Remote" only; others without one are "none". */
		if (p->state[0])
			return *label = p->state;
		if (p->workplace == WORKPLACE_REMOTE)
			return NULL;
		*label = "Location not stated";
		return "none";
	case F_BAND:
		*label = p->salary_band;
		return p->salary_band;
	case F_WORKPLACE:
		*label = jobfmt_workplace(p->workplace);
		return workplace_name(p->workplace);
	case F_TYPE:
		*label = jobfmt_employment(p->employment_type);
		return employment_type_name(p->employment_type);
	default:
		return NULL;
	}
}

/* "100k-150k" -> "$100k–$150k", "under-50k" -> "Under $50k", ... */
static char *band_label_of(const char *slug)
{
	struct buf b = BUF_INIT;
	const char *dash = strchr(slug, '-');
	if (!strcmp(slug, "not-disclosed"))
		buf_puts(&b, "Not disclosed");
	else if (!strncmp(slug, "under-", 6))
		buf_printf(&b, "Under $%s", slug + 6);
	else if (dash && !strcmp(dash, "-plus"))
		buf_printf(&b, "$%.*s+", (int)(dash - slug), slug);
	else if (dash)
		buf_printf(&b, "$%.*s–$%s", (int)(dash - slug), slug, dash + 1);
	else
		buf_puts(&b, slug);
	return buf_detach(&b, NULL);
}

static enum facet cmp_facet;

static int cmp_facet_value(const void *a, const void *b)
{
	const struct term *x = a, *y = b;
	if (cmp_facet == F_BAND) {
		/* Pay order; "not disclosed" (no pay at all) last. */
		if (x->key != y->key)
			return x->key < y->key ? -1 : 1;
	} else if (x->df != y->df) {
		return x->df > y->df ? -1 : 1;
	}
	return strcmp(x->word, y->word);
}

static void write_facet(struct writer *w, struct posting *const *ps, size_t n,
			enum facet f, size_t target, const struct band_table *bands,
			struct buf *man)
{
	struct termtab t = { 0 };
	for (size_t id = 0; id < n; id++) {
		const char *label = NULL;
		const char *v = facet_value(ps[id], f, &label);
		if (!v || !*v)
			continue;
		struct term *e = termtab_get(&t, v, strlen(v));
		if (!e->label) {
			const char *bl = f == F_BAND && bands ? band_label(bands, v) : NULL;
			if (bl)
				e->label = xstrdup(bl);
			else if (f == F_BAND)
				e->label = band_label_of(v);
			else
				e->label = xstrdup(label && *label ? label : v);
		}
		if (f == F_BAND) {
			double a = !isnan(ps[id]->annual_min) ? ps[id]->annual_min
								: ps[id]->annual_max;
			if (!isnan(a) && a < e->key)
				e->key = a;
		}
		term_add(e, id, 0, 0);
	}
	cmp_facet = f;
	if (t.n)
		qsort(t.v, t.n, sizeof *t.v, cmp_facet_value);

	struct buf vals = BUF_INIT, packs = BUF_INIT, json = BUF_INIT, name = BUF_INIT;
	char prefix[48];
	size_t npacks = 0, top_len = 0;
	for (size_t i = 0; i < t.n; i++) {
		struct term *e = &t.v[i];
		json.n ? buf_putc(&json, ',') : buf_putc(&json, '{');
		json_str(&json, e->word);
		buf_putc(&json, ':');
		json_list(&json, &e->enc);
		if (i)
			buf_putc(&vals, ',');
		buf_putc(&vals, '[');
		json_str(&vals, e->word);
		buf_putc(&vals, ',');
		json_str(&vals, e->label);
		buf_printf(&vals, ",%u,%zu]", e->df, npacks);
		if (i + 1 == FACET_TOP)
			top_len = vals.n;
		if (i + 1 < t.n && json.n < target)
			continue;
		buf_putc(&json, '}');
		snprintf(prefix, sizeof prefix, "f-%s-%zu", FACET_NAMES[f], npacks);
		put_hashed(w, prefix, buf_slice(&json), &name);
		if (npacks)
			buf_putc(&packs, ',');
		json_str(&packs, buf_cstr(&name));
		npacks++;
		buf_reset(&json);
	}
	buf_printf(man, "{\"name\":\"%s\",\"nvalues\":%zu,\"values\":", FACET_NAMES[f], t.n);
	if (t.n > INLINE_VALUES) {
		/* Keeps the manifest small whatever the number of employers. */
		struct buf vj = BUF_INIT;
		buf_printf(&vj, "[%s]", buf_cstr(&vals));
		snprintf(prefix, sizeof prefix, "fv-%s", FACET_NAMES[f]);
		put_hashed(w, prefix, buf_slice(&vj), &name);
		json_str(man, buf_cstr(&name));
		/* The first ones, which the page shows before "Show all". */
		buf_printf(man, ",\"top\":[%.*s]", (int)top_len, vals.p);
		buf_release(&vj);
	} else {
		buf_printf(man, "[%s]", buf_cstr(&vals));
	}
	buf_printf(man, ",\"packs\":[%s]}", buf_cstr(&packs));
	buf_release(&vals);
	buf_release(&packs);
	buf_release(&json);
	buf_release(&name);
	termtab_release(&t);
}

/* ---- salary chunks, vocabulary --------------------------------------- */

static unsigned salary_key(const struct posting *p)
{
	double a = !isnan(p->annual_max) ? p->annual_max : p->annual_min;
	if (isnan(a) || a <= 0)
		return 0;
	double k = floor(a / 1000 + 0.5);
	return k < 1 ? 1 : k > 4095 ? 4095 : (unsigned)k;
}

static void write_salary(struct writer *w, struct posting *const *ps, size_t n,
			 struct buf *man)
{
	struct buf json = BUF_INIT, name = BUF_INIT;
	char prefix[32];
	buf_printf(man, "{\"chunk\":%d,\"files\":[", SALARY_CHUNK);
	for (size_t c = 0; c * SALARY_CHUNK < n; c++) {
		buf_reset(&json);
		buf_putc(&json, '"');
		for (size_t id = c * SALARY_CHUNK; id < n && id < (c + 1) * SALARY_CHUNK; id++) {
			unsigned k = salary_key(ps[id]);
			buf_putc(&json, B64[k >> 6]);
			buf_putc(&json, B64[k & 63]);
		}
		buf_putc(&json, '"');
		snprintf(prefix, sizeof prefix, "s%zu", c);
		put_hashed(w, prefix, buf_slice(&json), &name);
		buf_printf(man, "%s\"%s\"", c ? "," : "", buf_cstr(&name));
	}
	buf_puts(man, "]}");
	buf_release(&json);
	buf_release(&name);
}

struct vword {
	const char *w;
	uint32_t df;
};

static int cmp_vword_df(const void *a, const void *b)
{
	const struct vword *x = a, *y = b;
	if (x->df != y->df)
		return x->df > y->df ? -1 : 1;
	return strcmp(x->w, y->w);
}

static int cmp_vword_w(const void *a, const void *b)
{
	return strcmp(((const struct vword *)a)->w, ((const struct vword *)b)->w);
}

/*
 * Words a typo may be corrected to: every head word, and body words seen in
 * at least n/20000 postings (a word found once in 100,000 descriptions is
 * more likely a typo itself than a correction), at most VOCAB_MAX by
 * document frequency.  Both tables are sorted by word here.
 */
static void write_vocab(struct writer *w, struct termtab tabs[2], size_t n,
			struct buf *name)
{
	uint32_t min_df = n / 20000 > 1 ? (uint32_t)(n / 20000) : 1;
	struct vword *v = xmalloc((tabs[0].n + tabs[1].n + 1) * sizeof *v);
	size_t nv = 0, i = 0, j = 0;
	while (i < tabs[0].n || j < tabs[1].n) {
		int c = i >= tabs[0].n ? 1 : j >= tabs[1].n ? -1
			: strcmp(tabs[0].v[i].word, tabs[1].v[j].word);
		if (c <= 0) {
			uint32_t df = tabs[0].v[i].df + (c == 0 ? tabs[1].v[j].df : 0);
			v[nv++] = (struct vword){ tabs[0].v[i].word, df };
			i++;
			j += c == 0;
		} else {
			if (tabs[1].v[j].df >= min_df)
				v[nv++] = (struct vword){ tabs[1].v[j].word, tabs[1].v[j].df };
			j++;
		}
	}
	if (nv > VOCAB_MAX) {
		qsort(v, nv, sizeof *v, cmp_vword_df);
		nv = VOCAB_MAX;
		qsort(v, nv, sizeof *v, cmp_vword_w);
	}
	struct buf json = BUF_INIT;
	buf_puts(&json, "{\"w\":[");
	for (size_t k = 0; k < nv; k++) {
		if (k)
			buf_putc(&json, ',');
		json_str(&json, v[k].w);
	}
	buf_puts(&json, "],\"d\":[");
	for (size_t k = 0; k < nv; k++)
		buf_printf(&json, "%s%u", k ? "," : "", v[k].df);
	buf_puts(&json, "]}");
	put_hashed(w, "v", buf_slice(&json), name);
	buf_release(&json);
	free(v);
}

/*
 * The rows, facets and salary files need only the postings, not the word
 * tables: with threads to spare they are made on a helper beside the
 * tiers (a rebuild's index is mostly these two halves), each half with a
 * writer of its own, and their manifest parts joined in their place.
 */
static void *rows_run(void *arg)
{
	struct rows_job *j = arg;
	struct buf part = BUF_INIT;
	if (!j->ready)
		rows_make(j);
	write_rows(&j->w, j, j->n, j->per, &j->rows);
	for (int f = 0; f < F_COUNT; f++) {
		buf_reset(&part);
		write_facet(&j->w, j->ps, j->n, (enum facet)f, j->target * FACET_PACK_SHARDS,
			    j->w.o->bands, &part);
		buf_printf(&j->facets, "%s%s", f ? "," : "", buf_cstr(&part));
	}
	write_salary(&j->w, j->ps, j->n, &j->salary);
	buf_release(&part);
	return NULL;
}

int search_index_write(struct posting *const *postings, size_t n,
		       const char *outdir, const struct search_opts *opts,
		       struct diag *d)
{
	static const struct search_opts defaults = { 0 };
	if (!opts)
		opts = &defaults;
	size_t target = opts->shard_bytes ? opts->shard_bytes : 4096;
	size_t per = opts->rows_per_block ? opts->rows_per_block : 10;
	char *dir = path_join(outdir, opts->dir ? opts->dir : SEARCH_DEFAULT_DIR);
	struct writer w = { .dir = dir, .sub = opts->dir ? opts->dir : SEARCH_DEFAULT_DIR, .o = opts,
			    .twins = !opts->no_script_twins, .d = d };
	struct termtab tabs[2] = { { 0 }, { 0 } };
	struct buf man = BUF_INIT, part = BUF_INIT, vname = BUF_INIT;
	int rc = -1;
	/* the rows' writer starts as a copy of w (its files are counted apart) */
	struct rows_job rj = { .w = w, .ps = postings, .n = n, .per = per, .target = target,
			       .lock = PTHREAD_MUTEX_INITIALIZER, .made = PTHREAD_COND_INITIALIZER };
	pthread_t rows_tid;
	int rows_async = 0;
	size_t *changed = NULL;

	if (mkdir_p(dir, 0777) < 0) {
		diag_error(d, dir, 0, 0, "cannot create '%s': %s", dir, strerror(errno));
		goto out;
	}
	/* the last index's snapshot, and the ids whose record changed since */
	struct slice snap = { NULL, 0 };
	struct snap last = { { NULL, 0 }, { NULL, 0 }, { NULL, 0 }, { NULL, 0 } };
	if (opts->body_get)
		snap = opts->body_get(opts->words_ctx);
	if (!snap_parts(snap, &last))
		memset(&last, 0, sizeof last);
	long nchanged = last.body.n ? snap_changed(last.body, postings, n, &changed) : -1;
	rj.last = last.rows;
	rj.changed = changed;
	rj.nchanged = nchanged;
	rows_async = opts->threads > 1 && pthread_create(&rows_tid, NULL, rows_run, &rj) == 0;
	if (!rows_async)
		rows_make(&rj);
	size_t patched = 0;
	if (body_from_snapshot(&tabs[1], postings, n, opts, last.body, changed, nchanged, &patched)) {
		w.st.from_last = 1;
		w.st.patched = patched;
	} else {
		index_bodies(&tabs[1], postings, n, opts);
	}
	/* the head table too: each posting's words, for the next index */
	struct wlist head = { BUF_INIT, NULL, 0, 0 };
	struct head_fwd fw = { 0 };
	if (head_from_snapshot(&tabs[0], &fw, postings, n, last.head, changed, nchanged, &head)) {
		w.st.head_patched = 1;
	} else {
		for (size_t id = 0; id < n; id++) {
			index_head(&tabs[0], postings[id], id, &head, &fw);
			fwd_next(&fw, n);
		}
	}
	buf_release(&head.bytes);
	free(head.v);

	buf_printf(&man, "{\"version\":1,\"n\":%zu,\"minlen\":%d,\"maxlen\":%d,", n, MIN_WORD, MAX_WORD);
	/* The ranking's constants: search.js reads them here, the hints were
	 * ranked with them. */
	buf_printf(&man, "\"rank\":{\"k1\":%g,\"boost\":%g,\"field\":[%g,%g,%g],"
		   "\"bucket\":[%g,%g,%g,%g]},\"stopwords\":[", SEARCH_K1, SEARCH_HEAD_BOOST,
		   SEARCH_FIELD_W[0], SEARCH_FIELD_W[1], SEARCH_FIELD_W[2], SEARCH_BUCKET_W[0],
		   SEARCH_BUCKET_W[1], SEARCH_BUCKET_W[2], SEARCH_BUCKET_W[3]);
	for (size_t i = 0; i < ARRAY_SIZE(STOPWORDS); i++)
		buf_printf(&man, "%s\"%s\"", i ? "," : "", STOPWORDS[i]);
	buf_puts(&man, "],\"tiers\":[");
	finish_tier(&tabs[0], SEARCH_TIER_HEAD, n, opts->body_put != NULL);
	w.st.finals_kept = finish_tier(&tabs[1], SEARCH_TIER_BODY, n, opts->body_put != NULL);
	/* the body table as indexed and as finished, for the next index (the
	 * hints' memo goes after it) */
	struct buf next = BUF_INIT;
	uint64_t snap_len[3] = { 0, 0, 0 }; /* head, hints, rows (snap_parts) */
	if (opts->body_put) {
		/* about the last one's size: grown once, not doubled and copied
		 * five times over (60 MB at 100,000 postings) */
		if (snap.n)
			buf_grow(&next, snap.n + snap.n / 8);
		body_snapshot(&tabs[1], postings, n, &next);
		size_t at = next.n;
		head_snapshot(&tabs[0], &fw, n, &next);
		snap_len[0] = next.n - at;
		for (int t = 0; t < 2; t++)
			for (size_t i = 0; i < tabs[t].n; i++)
				list_release(&tabs[t].v[i].raw);
	}
	fwd_release(&fw);
	struct hint_tier hv[2] = { hint_view(&tabs[0], target), hint_view(&tabs[1], target) };
	rows_wait(&rj);
	struct hints *hints = search_hints_new(&hv[0], &hv[1], n, hint_row, &rj);
	if (nchanged >= 0 && last.hints.n)
		search_hints_reuse(hints, last.hints, changed, (size_t)nchanged);
	write_list_files(&w, tabs, hv, hints);
	search_hints_counts(hints, &w.st.hints_kept, &w.st.hints_made);
	if (opts->body_put) {
		size_t at = next.n;
		search_hints_memo(hints, &next);
		snap_len[1] = next.n - at;
		at = next.n;
		rows_memo(&rj, &next);
		snap_len[2] = next.n - at;
		buf_put(&next, snap_len, sizeof snap_len);
		opts->body_put(opts->words_ctx, buf_slice(&next));
	}
	buf_release(&next);
	for (int t = 0; t < 2; t++) {
		buf_reset(&part);
		write_tier(&w, &tabs[t], t, target, &part);
		buf_printf(&man, "%s%s", t ? "," : "", buf_cstr(&part));
	}
	search_hints_free(hints);
	free((void *)hv[0].v);
	free((void *)hv[1].v);
	write_vocab(&w, tabs, n, &vname);
	buf_printf(&man, "],\"vocab\":\"%s\",\"rows\":", buf_cstr(&vname));
	if (rows_async)
		pthread_join(rows_tid, NULL);
	else
		rows_run(&rj);
	rows_async = 0;
	w.st.files += rj.w.st.files;
	w.st.bytes += rj.w.st.bytes;
	w.st.rows_kept = rj.rows_kept;
	w.failed |= rj.w.failed;
	buf_putslice(&man, buf_slice(&rj.rows));
	buf_puts(&man, ",\"facets\":[");
	buf_putslice(&man, buf_slice(&rj.facets));
	buf_puts(&man, "],\"salary\":");
	buf_putslice(&man, buf_slice(&rj.salary));
	buf_puts(&man, "}");
	put_file(&w, "manifest", buf_slice(&man));
	rc = w.failed ? -1 : 0;
out:
	if (rows_async)
		pthread_join(rows_tid, NULL);
	buf_release(&rj.rows);
	buf_release(&rj.facets);
	buf_release(&rj.salary);
	buf_release(&rj.all);
	free(rj.at);
	free(changed);
	pthread_mutex_destroy(&rj.lock);
	pthread_cond_destroy(&rj.made);
	free(rj.w.names);
	if (opts->stats)
		*opts->stats = w.st;
	termtab_release(&tabs[0]);
	termtab_release(&tabs[1]);
	buf_release(&man);
	buf_release(&part);
	buf_release(&vname);
	free(w.names);
	free(dir);
	return rc;
}
