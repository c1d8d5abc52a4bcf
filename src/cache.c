#include "cache.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xxhash.h>

#include "descstore.h"
#include "util.h"

/* Bump when the layout of either file or of a posting record changes. */
#define CACHE_FORMAT 12u
#define CACHE_MAGIC "JSCACHE"   /* 8 bytes with its NUL */
#define KIND_POSTINGS 1u
#define KIND_MANIFEST 2u
#define KIND_WORDS 3u
#define KIND_POSTINGS_DELTA 4u  /* entries changed since the postings file */
#define KIND_WORDS_DELTA 5u     /* the same beside the words file */
#define KIND_BODY 6u            /* the search index's body term table */
#define KIND_LAST 7u            /* the last build's record ("nothing to do") */
#define KIND_SITE 8u            /* the site model's memo (site.h) */
#define KIND_WALK 9u            /* the walk's memo (cache_walk_get) */
#define HEADER_SIZE (8 + 4 + 4 + 16 + 16 + 8 + 16)
/* A file modified this recently may change again within its mtime's
 * granularity: its entry keeps no stat, so the next build hashes it. */
#define RACY_SECONDS 2

struct cache_hash cache_hash_bytes(const void *p, size_t n)
{
	XXH128_hash_t h = XXH3_128bits(p, n);
	return (struct cache_hash){ h.low64, h.high64 };
}

/* ---- a path -> index table (open addressing, keys borrowed) ---- */

struct slot {
	const char *key;
	size_t len;
	size_t value;
};

struct cache_table {
	struct slot *v;
	size_t cap; /* a power of two */
	size_t n;   /* the entries it was made for */
};

static struct cache_table *table_new(size_t n)
{
	struct cache_table *t = xcalloc(1, sizeof *t);
	t->n = n;
	t->cap = 16;
	while (t->cap < 2 * n)
		t->cap *= 2;
	t->v = xcalloc(t->cap, sizeof *t->v);
	return t;
}

static void table_free(struct cache_table *t)
{
	if (t)
		free(t->v);
	free(t);
}

static struct slot *table_slot(const struct cache_table *t, const char *key, size_t len)
{
	size_t i = (size_t)XXH3_64bits(key, len) & (t->cap - 1);
	while (t->v[i].key && (t->v[i].len != len || memcmp(t->v[i].key, key, len)))
		i = (i + 1) & (t->cap - 1);
	return &t->v[i];
}

static void table_put(struct cache_table *t, const char *key, size_t len, size_t value)
{
	struct slot *s = table_slot(t, key, len);
	*s = (struct slot){ key, len, value };
}

static const struct slot *table_get(const struct cache_table *t, const char *key, size_t len)
{
	if (!t)
		return NULL;
	const struct slot *s = table_slot(t, key, len);
	return s->key ? s : NULL;
}

/* ---- encoding: little-endian integers, strings as u32 length + bytes ---- */

#define NULL_STR 0xffffffffu

/* A u32 and a u64, little-endian, into room already made (put_entry:
 * the manifest's 265,000 entries at 100,000 postings, one buf_grow each) */
static unsigned char *at_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
	return p + 4;
}

static unsigned char *at_u64(unsigned char *p, uint64_t v)
{
	return at_u32(at_u32(p, (uint32_t)v), (uint32_t)(v >> 32));
}

static void put_u32(struct buf *b, uint32_t v)
{
	unsigned char x[4];
	at_u32(x, v);
	buf_put(b, x, 4);
}

static void put_u64(struct buf *b, uint64_t v)
{
	unsigned char x[8];
	at_u64(x, v);
	buf_put(b, x, 8);
}

static void put_f64(struct buf *b, double d)
{
	uint64_t v;
	memcpy(&v, &d, 8);
	put_u64(b, v);
}

static void put_str(struct buf *b, const char *s)
{
	if (!s) {
		put_u32(b, NULL_STR);
		return;
	}
	size_t n = strlen(s);
	put_u32(b, (uint32_t)n);
	buf_put(b, s, n + 1); /* with its NUL: decoded postings point at it */
}

static void put_hash(struct buf *b, struct cache_hash h)
{
	put_u64(b, h.lo);
	put_u64(b, h.hi);
}


static uint32_t get_u32(struct reader *r)
{
	const unsigned char *x = reader_take(r, 4);
	return x ? (uint32_t)x[0] | (uint32_t)x[1] << 8 | (uint32_t)x[2] << 16 |
		   (uint32_t)x[3] << 24 : 0;
}

static uint64_t get_u64(struct reader *r)
{
	uint64_t lo = get_u32(r);
	return lo | (uint64_t)get_u32(r) << 32;
}

static double get_f64(struct reader *r)
{
	uint64_t v = get_u64(r);
	double d;
	memcpy(&d, &v, 8);
	return d;
}

static struct cache_hash get_hash(struct reader *r)
{
	struct cache_hash h;
	h.lo = get_u64(r);
	h.hi = get_u64(r);
	return h;
}

/* A string in place: *len set, NULL for a null string (or on error). */
static const char *get_strref(struct reader *r, size_t *len)
{
	uint32_t n = get_u32(r);
	*len = 0;
	if (n == NULL_STR)
		return NULL;
	const unsigned char *s = reader_take(r, (size_t)n + 1);
	if (s && s[n]) {
		r->bad = 1;
		s = NULL;
	}
	if (s)
		*len = n;
	return (const char *)s;
}

/* A string in place, NUL-terminated (an inner NUL only shortens it). */
static char *get_str(struct reader *r)
{
	size_t n;
	return (char *)get_strref(r, &n);
}

static void get_fixed(struct reader *r, char *dst, size_t size)
{
	size_t n;
	const char *s = get_strref(r, &n);
	if (!s || n >= size || memchr(s, '\0', n)) {
		r->bad = 1;
		dst[0] = '\0';
		return;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* ---- postings ---- */

/* Every field of p but its description. */
static void put_fields(struct buf *b, const struct posting *p)
{
	put_str(b, p->source);
	put_str(b, p->id);
	put_str(b, p->title);
	put_str(b, p->employer);
	put_str(b, p->employer_slug);
	put_str(b, p->city);
	put_str(b, p->state);
	put_u32(b, (uint32_t)p->workplace);
	put_f64(b, p->salary_min);
	put_f64(b, p->salary_max);
	put_u32(b, (uint32_t)p->salary_period);
	put_str(b, p->salary_currency);
	put_f64(b, p->annual_min);
	put_f64(b, p->annual_max);
	put_str(b, p->salary_band);
	put_u32(b, (uint32_t)p->employment_type);
	put_str(b, p->date_posted);
	put_str(b, p->valid_through);
	put_str(b, p->apply_url);
	put_str(b, p->format);
	put_u32(b, (uint32_t)p->has_front_matter);
	put_str(b, p->location_text);
	put_str(b, p->salary_text);
}

static void put_warnings(struct buf *b, const struct posting *p)
{
	put_u32(b, (uint32_t)p->nwarnings);
	for (size_t i = 0; i < p->nwarnings; i++) {
		put_str(b, p->warnings[i].kind);
		put_str(b, p->warnings[i].message);
		put_u32(b, p->warnings[i].line);
	}
}

/* posting.shown_key: of put_fields()'s bytes and the card summary; and
 * posting.fields_key, of those bytes alone. */
static void shown_key(struct posting *p, struct slice fields, const char *summary)
{
	XXH128_hash_t f = XXH3_128bits(fields.p, fields.n);
	p->fields_key[0] = f.low64;
	p->fields_key[1] = f.high64 | 1; /* never 0 */
	uint64_t seed = f.low64;
	XXH128_hash_t h = XXH3_128bits_withSeed(summary, strlen(summary), seed);
	p->shown_key[0] = h.low64;
	p->shown_key[1] = h.high64 | 1; /* never 0 */
}

/* The same for a posting made this build, not read from its record. */
static void shown_key_made(struct posting *p)
{
	struct buf f = BUF_INIT, sum = BUF_INIT;
	put_fields(&f, p);
	posting_desc_summary(p, &sum);
	shown_key(p, buf_slice(&f), buf_cstr(&sum));
	buf_release(&f);
	buf_release(&sum);
}

/*
 * A posting's record.  Its description is in the descriptions file
 * (descstore.h): the record says where, with the check hashes it is read
 * back against, the card summary and the duplicate hash.
 */
static void put_posting(struct buf *b, const struct posting *p)
{
	put_fields(b, p);
	put_u64(b, (uint64_t)p->desc_off);
	put_u32(b, p->desc_html_len);
	put_u32(b, p->desc_text_len);
	put_u64(b, p->desc_check[0]);
	put_u64(b, p->desc_check[1]);
	put_str(b, p->desc_summary);
	put_u64(b, posting_desc_hash(p)); /* so a rebuild need not hash them again */
	put_warnings(b, p);
}

/* The static string among `v` equal to the encoded one; NULL = none. */
static const char *get_static(struct reader *r, const char *const *v, size_t n)
{
	size_t len;
	const char *s = get_strref(r, &len);
	for (size_t i = 0; s && i < n; i++)
		if (v[i] && strlen(v[i]) == len && !memcmp(v[i], s, len))
			return v[i];
	r->bad = 1;
	return NULL;
}

/*
 * A posting whose strings point into the cache's bytes (posting.h,
 * borrowed): decoding 100,000 postings is then no copy and no malloc per
 * field.  The cache must outlive it.
 */
static struct posting *get_posting(struct reader *r, struct build_cache *c,
				   const struct band_table *bands, unsigned nth)
{
	struct posting *p = xcalloc(1, sizeof *p);
	p->borrowed = 1;
	const unsigned char *fields = r->p; /* put_fields()'s bytes, for shown_key() */
	p->source = get_str(r);
	p->id = get_str(r);
	p->title = get_str(r);
	p->employer = get_str(r);
	p->employer_slug = get_str(r);
	p->city = get_str(r);
	get_fixed(r, p->state, sizeof p->state);
	uint32_t w = get_u32(r);
	p->workplace = w <= WORKPLACE_ONSITE ? (enum workplace)w : WORKPLACE_NONE;
	p->salary_min = get_f64(r);
	p->salary_max = get_f64(r);
	uint32_t per = get_u32(r);
	p->salary_period = per <= PERIOD_YEAR ? (enum salary_period)per : PERIOD_NONE;
	p->salary_currency = get_str(r);
	p->annual_min = get_f64(r);
	p->annual_max = get_f64(r);
	/* a static string: the table's slug for this pay, or "not-disclosed" */
	const char *band[] = { band_for(bands, p->annual_min, p->annual_max), BAND_NOT_DISCLOSED };
	p->salary_band = get_static(r, band, 2);
	uint32_t et = get_u32(r);
	p->employment_type = et <= EMPLOYMENT_INTERNSHIP ? (enum employment_type)et : EMPLOYMENT_NONE;
	get_fixed(r, p->date_posted, sizeof p->date_posted);
	get_fixed(r, p->valid_through, sizeof p->valid_through);
	p->apply_url = get_str(r);
	static const char *const formats[] = { "markdown", "html", "text", "json" };
	p->format = get_static(r, formats, 4);
	p->has_front_matter = (int)get_u32(r);
	p->location_text = get_str(r);
	p->salary_text = get_str(r);
	struct slice fields_bytes = { (const char *)fields, (size_t)(r->p - fields) };
	/* its description, where the descriptions file has it */
	p->desc_store = c->store;
	p->desc_nth = nth;
	p->desc_off = (long long)get_u64(r);
	p->desc_html_len = get_u32(r);
	p->desc_text_len = get_u32(r);
	p->desc_check[0] = get_u64(r);
	p->desc_check[1] = get_u64(r);
	p->desc_summary = get_str(r);
	if (!r->bad)
		shown_key(p, fields_bytes, p->desc_summary ? p->desc_summary : "");
	uint64_t dlen = posting_desc_bytes(p);
	if (p->desc_off < DESC_FIRST || (uint64_t)p->desc_off > (uint64_t)c->desc_size ||
	    dlen > (uint64_t)c->desc_size - (uint64_t)p->desc_off) {
		/* past the end of the descriptions file: it lost its tail */
		__atomic_store_n(&c->desc_short, 1, __ATOMIC_RELAXED);
		r->bad = 1;
	}
	p->desc_hash = get_u64(r);
	p->desc_hash_known = 1;
	uint32_t nw = get_u32(r);
	for (uint32_t i = 0; i < nw && !r->bad; i++) {
		const char *kind = get_str(r), *msg = get_str(r);
		unsigned line = get_u32(r);
		if (kind && msg)
			posting_warn(p, line, kind, "%s", msg);
		else
			r->bad = 1;
	}
	if (r->bad || !p->source) {
		posting_free(p);
		return NULL;
	}
	return p;
}

/* ---- file envelope ---- */

static void stamp_init(struct build_cache *c)
{
	struct buf exe = BUF_INIT;
	buf_printf(&exe, "jobsite cache %u %s\n", CACHE_FORMAT, JOBSITE_VERSION);
	/* the binary itself: a rebuilt jobsite may parse differently */
	read_file("/proc/self/exe", &exe, 0);
	c->stamp = cache_hash_bytes(exe.p, exe.n);
	buf_release(&exe);
}

static struct cache_hash ingest_key(const struct ingest_opts *o)
{
	struct buf b = BUF_INIT;
	const struct band_table *t = o->bands ? o->bands : band_default();
	put_u64(&b, o->max_file_size ? o->max_file_size : INGEST_DEFAULT_MAX_FILE);
	put_str(&b, o->build_date ? o->build_date : "");
	put_u32(&b, (uint32_t)o->keep_description);
	put_u32(&b, (uint32_t)t->n);
	for (size_t i = 0; i < t->n; i++) {
		put_f64(&b, t->v[i].min);
		put_str(&b, t->v[i].slug);
		put_str(&b, t->v[i].label);
	}
	struct cache_hash h = cache_hash_bytes(b.p, b.n);
	buf_release(&b);
	return h;
}

/* The postings depend on the binary; the manifest only describes bytes. */
static struct cache_hash stamp_of(const struct build_cache *c, uint32_t kind)
{
	return kind != KIND_MANIFEST ? c->stamp : (struct cache_hash){ CACHE_FORMAT, 0 };
}

static void header(struct buf *b, const struct build_cache *c, uint32_t kind, struct cache_hash key,
		   uint64_t len, struct cache_hash sum)
{
	buf_put(b, CACHE_MAGIC, 8);
	put_u32(b, CACHE_FORMAT);
	put_u32(b, kind);
	put_hash(b, stamp_of(c, kind));
	put_hash(b, key);
	put_u64(b, len);
	put_hash(b, sum);
}

/*
 * Read `path` into `blob` and check its envelope.  Returns the payload's
 * offset in blob, or 0 (blob emptied) when the file is absent or not to
 * be trusted; says why on d.
 */
/*
 * The postings file is mapped, not read: decoded postings point into it,
 * and pages of descriptions no page needs are never copied.  Private and
 * writable, so nothing can reach the file through it.  So are the words,
 * body and manifest files (the manifest: 22 MB at 100,000 postings, not
 * copied into fresh memory for every rebuild).
 */
static int read_blob(const char *path, struct buf *blob, int *mapped)
{
	if (!mapped)
		return read_file(path, blob, 0);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	void *m = MAP_FAILED;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		m = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	int e = errno;
	close(fd);
	if (m == MAP_FAILED) {
		errno = st.st_size == 0 ? 0 : e;
		return st.st_size == 0 ? 0 : -1; /* empty: not a cache, said below */
	}
	blob->p = m;
	blob->n = blob->cap = (size_t)st.st_size;
	*mapped = 1;
	return 0;
}

/* The flag saying whether `blob` is mapped, or NULL: read into memory. */
static int *mapped_of(struct build_cache *c, struct buf *blob)
{
	return blob == &c->pblob ? &c->pmapped : blob == &c->wblob ? &c->wmapped :
	       blob == &c->pdblob ? &c->pdmapped : blob == &c->wdblob ? &c->wdmapped :
	       blob == &c->bblob ? &c->bmapped : blob == &c->mblob ? &c->mmapped :
	       blob == &c->sblob ? &c->smapped : NULL;
}

static void blob_release(struct build_cache *c, struct buf *blob)
{
	int *mapped = mapped_of(c, blob);
	if (mapped && *mapped) {
		munmap(blob->p, blob->n);
		memset(blob, 0, sizeof *blob);
		*mapped = 0;
	} else {
		buf_release(blob);
	}
}

static int is_delta(uint32_t kind)
{
	return kind == KIND_POSTINGS_DELTA || kind == KIND_WORDS_DELTA;
}

/*
 * A words file (and its delta) ends with an index of its entries, and its
 * checksum covers that index only: a rebuild then touches the index, not
 * the 280 MB of words a 100,000-posting board has, and each entry is
 * checked against the hash its index record keeps when it is read
 * (cache_words_get).  The payload's last 8 bytes say where the index
 * starts; SIZE_MAX when they cannot.
 */
static int is_indexed(uint32_t kind)
{
	return kind == KIND_WORDS || kind == KIND_WORDS_DELTA;
}

static size_t index_start(const unsigned char *payload, size_t len)
{
	uint64_t at;
	if (len < 16)
		return SIZE_MAX;
	memcpy(&at, payload + len - 8, 8); /* little-endian, as put_u64 */
	return at <= len - 16 ? (size_t)at : SIZE_MAX;
}

/* What the header's checksum covers: all of the payload, or its index. */
static struct slice summed(uint32_t kind, const unsigned char *payload, size_t len)
{
	size_t from = is_indexed(kind) ? index_start(payload, len) : 0;
	if (from == SIZE_MAX)
		return (struct slice){ NULL, 0 };
	return (struct slice){ (const char *)payload + from, len - from };
}

static int sum_holds(uint32_t kind, const unsigned char *payload, size_t len, struct cache_hash sum)
{
	struct slice part = summed(kind, payload, len);
	return part.p && cache_hash_eq(sum, cache_hash_bytes(part.p, part.n));
}

static size_t load(struct build_cache *c, const char *path, uint32_t kind, struct cache_hash *key,
		   struct buf *blob, struct cache_hash *sum_out)
{
	if (read_blob(path, blob, mapped_of(c, blob)) < 0) {
		if (errno != ENOENT)
			diag_report(c->d, DIAG_ADVISORY, path, 0, 0, NULL,
				    "cannot read the build cache (%s); ignored, this is a full build",
				    strerror(errno));
		blob_release(c, blob);
		return 0;
	}
	struct reader r = { (const unsigned char *)blob->p, (const unsigned char *)blob->p + blob->n, 0 };
	const unsigned char *magic = reader_take(&r, 8);
	uint32_t format = get_u32(&r), k = get_u32(&r);
	struct cache_hash stamp = get_hash(&r), fkey = get_hash(&r);
	uint64_t len = get_u64(&r);
	struct cache_hash sum = get_hash(&r);
	const char *why = NULL;
	enum diag_level level = DIAG_ADVISORY;
	if (r.bad || memcmp(magic, CACHE_MAGIC, 8) || k != kind)
		why = "is not a jobsite cache file or is truncated";
	else if (format != CACHE_FORMAT || !cache_hash_eq(stamp, stamp_of(c, kind)))
		why = "is from another version of jobsite", level = DIAG_NOTE;
	else if ((kind == KIND_POSTINGS || kind == KIND_LAST) && !cache_hash_eq(fkey, *key))
		why = "was made with other options", level = DIAG_NOTE;
	else if (is_delta(kind) && !cache_hash_eq(fkey, *key))
		why = "belongs to another version of the file beside it", level = DIAG_NOTE;
	else if (len != (uint64_t)(r.end - r.p))
		why = len > (uint64_t)(r.end - r.p) ? "is truncated" : "has bytes past its end";
	else if (!sum_holds(kind, r.p, len, sum))
		why = "is corrupt (checksum mismatch)";
	if (why) {
		diag_report(c->d, level, path, 0, 0, NULL, "build cache %s; ignored, %s", why,
			    is_delta(kind)       ? "the files it held are read again"
			    : kind == KIND_SITE ? "the site model is made again"
			    : kind == KIND_WALK ? "the content folder is read again"
						 : "this is a full build");
		blob_release(c, blob);
		return 0;
	}
	*key = fkey;
	if (sum_out)
		*sum_out = sum;
	return HEADER_SIZE;
}

static int save(struct build_cache *c, const char *path, uint32_t kind, struct cache_hash key,
		struct slice payload)
{
	struct buf head = BUF_INIT, tmp = BUF_INIT;
	struct slice sum = summed(kind, (const unsigned char *)payload.p, payload.n);
	header(&head, c, kind, key, payload.n, cache_hash_bytes(sum.p, sum.n));
	buf_printf(&tmp, "%s.tmp", path);
	int r = -1;
	FILE *f = NULL;
	if (mkdir_p(c->dir, 0755) == 0 && (f = fopen(buf_cstr(&tmp), "wb"))) {
		int ok = fwrite(head.p, 1, head.n, f) == head.n &&
			 fwrite(payload.p, 1, payload.n, f) == payload.n;
		ok = (fclose(f) == 0) && ok;
		r = ok && rename(buf_cstr(&tmp), path) == 0 ? 0 : -1;
	}
	if (r < 0) {
		diag_report(c->d, DIAG_ADVISORY, path, 0, 0, NULL,
			    "cannot write the build cache (%s); the next build is a full one",
			    strerror(errno));
		unlink(buf_cstr(&tmp));
	}
	buf_release(&head);
	buf_release(&tmp);
	return r;
}

/* ---- open / close ---- */

/* Where a slot of the postings or words table points: an entry in a mapped file. */
static const unsigned char *slot_at(const struct slot *s)
{
	return (const unsigned char *)(uintptr_t)s->value;
}

static int in_blob(const struct buf *b, const unsigned char *p)
{
	return b->n && p >= (const unsigned char *)b->p && p < (const unsigned char *)b->p + b->n;
}

/*
 * Index the postings file's entries, then its delta's on top (an entry of
 * the delta replaces the file's for the same path).  Each slot points at
 * the entry's u32 length.  doff = 0: no delta.
 */
static void index_postings(struct build_cache *c, size_t off, size_t doff)
{
	struct reader r = { (const unsigned char *)c->pblob.p + off,
			    (const unsigned char *)c->pblob.p + c->pblob.n, 0 };
	struct reader dr = { doff ? (const unsigned char *)c->pdblob.p + doff : NULL,
			     doff ? (const unsigned char *)c->pdblob.p + c->pdblob.n : NULL, 0 };
	uint64_t n = get_u64(&r), dn = doff ? get_u64(&dr) : 0;
	if (n > c->pblob.n || dr.bad || dn > c->pdblob.n)
		r.bad = 1;
	struct cache_table *t = r.bad ? NULL : table_new((size_t)(n + dn));
	c->pbase_entries = (size_t)n;
	size_t *slot_of = r.bad ? NULL : xmalloc(((size_t)n + 1) * sizeof *slot_of);
	for (int pass = 0; pass < 2 && !r.bad; pass++) {
		struct reader *rr = pass ? &dr : &r;
		uint64_t count = pass ? dn : n;
		for (uint64_t i = 0; i < count && !rr->bad; i++) {
			const unsigned char *at = rr->p;
			uint32_t len = get_u32(rr);
			const unsigned char *entry = reader_take(rr, len);
			if (!entry)
				break;
			struct reader er = { entry, entry + len, 0 };
			size_t plen;
			const char *path = get_strref(&er, &plen);
			if (!path) {
				rr->bad = 1;
				break;
			}
			struct slot *sl = table_slot(t, path, plen);
			*sl = (struct slot){ path, plen, (size_t)(uintptr_t)at };
			if (!pass)
				slot_of[i] = (size_t)(sl - t->v);
		}
		if (rr->bad)
			r.bad = 1;
	}
	if (!r.bad) {
		free(c->pslot_of);
		c->pslot_of = slot_of;
		c->npslot = (size_t)n;
	} else {
		free(slot_of);
	}
	if (r.bad) {
		/* the checksums held, so this is a bug, not a bad disk */
		diag_report(c->d, DIAG_ADVISORY, c->postings_path, 0, 0, NULL,
			    "build cache cannot be parsed; ignored, this is a full build");
		table_free(t);
		t = NULL;
		blob_release(c, &c->pblob);
		blob_release(c, &c->pdblob);
	}
	c->ptab = t;
}

/*
 * The manifest's entries where they start in mblob: its files (*nfiles),
 * then its folders, *total in all.  NULL when the payload at `off` does
 * not parse (the caller says so, or not).
 */
static size_t *manifest_entries(const struct build_cache *c, size_t off, size_t *nfiles,
				size_t *total)
{
	const unsigned char *base = (const unsigned char *)c->mblob.p;
	struct reader r = { base + off, base + c->mblob.n, 0 };
	uint64_t n = get_u64(&r);
	if (r.bad || n > c->mblob.n)
		return NULL;
	size_t cap = (size_t)n + 1, k = 0;
	size_t *at = xmalloc(cap * sizeof *at);
	for (uint64_t i = 0; i < n && !r.bad; i++) {
		at[k++] = (size_t)(r.p - base);
		size_t plen;
		r.bad |= !get_strref(&r, &plen);
		get_u64(&r);
		get_hash(&r);
		get_hash(&r);
	}
	*nfiles = k;
	/* then the folders, with their mtimes */
	uint64_t nd = get_u64(&r);
	if (nd > c->mblob.n)
		r.bad = 1;
	for (uint64_t i = 0; i < nd && !r.bad; i++) {
		at = xgrow(at, &cap, k + 1, sizeof *at);
		at[k++] = (size_t)(r.p - base);
		size_t plen;
		r.bad |= !get_strref(&r, &plen);
		get_u64(&r);
	}
	if (r.bad) {
		free(at);
		return NULL;
	}
	*total = k;
	return at;
}

static void prefetch_free(struct build_cache *c);

/* The manifest's tables from its entries (manifest_entries()); without
 * them (NULL) the manifest is dropped: a full build. */
static void manifest_tables(struct build_cache *c, const size_t *at, size_t nfiles, size_t total)
{
	if (!at) {
		diag_report(c->d, DIAG_ADVISORY, c->manifest_path, 0, 0, NULL,
			    "build cache cannot be parsed; ignored, this is a full build");
		blob_release(c, &c->mblob);
		c->mtab = c->dtab = NULL;
		c->manifest_ok = 0;
		return;
	}
	struct cache_table *t = table_new(nfiles), *dt = table_new(total - nfiles);
	size_t *slot_of = xmalloc((nfiles ? nfiles : 1) * sizeof *slot_of);
	size_t *at_of = xmalloc(t->cap * sizeof *at_of);
	for (size_t i = 0; i < total; i++) {
		struct reader r = { (const unsigned char *)c->mblob.p + at[i],
				    (const unsigned char *)c->mblob.p + c->mblob.n, 0 };
		size_t plen;
		const char *path = get_strref(&r, &plen);
		if (i >= nfiles) {
			table_put(dt, path, plen, at[i]);
			continue;
		}
		struct slot *s = table_slot(t, path, plen);
		*s = (struct slot){ path, plen, at[i] };
		slot_of[i] = (size_t)(s - t->v);
		at_of[s - t->v] = i;
	}
	c->mslot_of = slot_of;
	c->mat_of = at_of;
	c->mtab = t;
	c->mseen = xcalloc(t->cap, 1);
	c->dtab = dt;
	c->manifest_ok = 1;
}

static void index_manifest(struct build_cache *c, size_t off)
{
	size_t nfiles = 0, total = 0;
	size_t *at = manifest_entries(c, off, &nfiles, &total);
	if (!at)
		prefetch_free(c); /* it reads the bytes about to go */
	manifest_tables(c, at, nfiles, total);
	free(at);
}

/* ---- the output checked against the manifest, on a helper thread ---- */

struct mprefetch {
	pthread_t th;
	pthread_mutex_t lock;   /* questions come from several threads */
	pthread_cond_t set_up_cond, all_done;
	int running;            /* joined at the first question */
	int set_up;             /* the manifest is read, at/seq made (or there is none) */
	char *output;           /* the output folder */
	int fd;                 /* the output folder (O_PATH) */
	size_t *at;             /* each entry's offset in mblob: files, then folders */
	size_t nfiles, total;
	size_t *seq;            /* the entries in check_order() */
	size_t next;            /* the next chunk of seq to stat (atomic) */
	size_t done;            /* entries stat'ed (under lock) */
	unsigned char *same;    /* per entry: as the manifest says */
};

/*
 * Is the manifest entry at offset `at` in mblob on disk as it says, under
 * the output folder `fd`: a file (`file`) with its size, or a folder with
 * its mtime?  One stat, of the path in place (NUL-terminated in mblob).
 */
static int entry_on_disk(const struct build_cache *c, int fd, size_t at, int file)
{
	const unsigned char *base = (const unsigned char *)c->mblob.p;
	struct reader r = { base + at, base + c->mblob.n, 0 };
	size_t plen;
	const char *path = get_strref(&r, &plen);
	uint64_t v = get_u64(&r);
	struct stat st;
	if (r.bad || !path || fstatat(fd, *path ? path : ".", &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	if (file)
		return S_ISREG(st.st_mode) && (uint64_t)st.st_size == v;
	return S_ISDIR(st.st_mode) &&
	       (int64_t)v == (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
}

/*
 * The order to stat the entries in: each folder just before the first
 * file under it, so the kernel finds a file's folders among the names it
 * has just looked up (a quarter less time than all files, then all
 * folders, at 100,000 postings).  The manifest lists folders in the order
 * of their first file (outdir.c), so one pass merges the two lists; any
 * folder left over comes last.
 */
static size_t *check_order(const struct build_cache *c, const size_t *at, size_t nfiles,
			   size_t total)
{
	const unsigned char *base = (const unsigned char *)c->mblob.p;
	size_t *seq = xmalloc((total ? total : 1) * sizeof *seq), k = 0, d = nfiles;
	for (size_t i = 0; i < nfiles; i++) {
		struct reader r = { base + at[i], base + c->mblob.n, 0 };
		size_t fl;
		const char *f = get_strref(&r, &fl);
		while (f && d < total) {
			struct reader dr = { base + at[d], base + c->mblob.n, 0 };
			size_t dl;
			const char *dp = get_strref(&dr, &dl);
			/* "" (the output folder) or a prefix ending at a '/' */
			if (!dp || (dl && (dl >= fl || f[dl] != '/' || memcmp(f, dp, dl))))
				break;
			seq[k++] = d++;
		}
		seq[k++] = i;
	}
	while (d < total)
		seq[k++] = d++;
	return seq;
}

#define PREFETCH_CHUNK 256

/* Stat the entries of seq a chunk at a time, beside any other thread
 * doing the same (the helper, and whoever waits for its answers). */
static void prefetch_stat(const struct build_cache *c, struct mprefetch *m)
{
	for (;;) {
		size_t k = __atomic_fetch_add(&m->next, PREFETCH_CHUNK, __ATOMIC_RELAXED);
		if (k >= m->total)
			return;
		size_t end = k + PREFETCH_CHUNK < m->total ? k + PREFETCH_CHUNK : m->total;
		for (size_t j = k; j < end; j++) {
			size_t i = m->seq[j];
			m->same[i] = (unsigned char)entry_on_disk(c, m->fd, m->at[i], i < m->nfiles);
		}
		pthread_mutex_lock(&m->lock);
		m->done += end - k;
		if (m->done == m->total)
			pthread_cond_broadcast(&m->all_done);
		pthread_mutex_unlock(&m->lock);
	}
}

/* fd, same and seq for the manifest's entries `at` (taken); none without. */
static void prefetch_use(struct build_cache *c, struct mprefetch *m, const char *output,
			 size_t *at, size_t nfiles, size_t total)
{
	m->at = at;
	m->nfiles = nfiles;
	m->total = total;
	if (m->at)
		m->fd = open(output, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (m->fd < 0) {
		free(m->at);
		m->at = NULL;
		m->nfiles = m->total = 0;
		return;
	}
	m->same = xcalloc(m->total ? m->total : 1, 1);
	m->seq = check_order(c, m->at, m->nfiles, m->total);
}

static int manifest_bytes(struct build_cache *c);

static void *prefetch_run(void *arg)
{
	struct build_cache *c = arg;
	struct mprefetch *m = c->mpre;
	/* the manifest read and indexed here, off the build's own thread */
	size_t nfiles = 0, total = 0, *at = NULL;
	if (manifest_bytes(c)) {
		at = manifest_entries(c, HEADER_SIZE, &nfiles, &total);
		manifest_tables(c, at, nfiles, total);
	}
	prefetch_use(c, m, m->output, at, nfiles, total);
	pthread_mutex_lock(&m->lock);
	m->set_up = 1;
	pthread_cond_broadcast(&m->set_up_cond);
	pthread_mutex_unlock(&m->lock);
	prefetch_stat(c, m);
	return NULL;
}

static struct mprefetch *prefetch_new(void)
{
	struct mprefetch *m = xcalloc(1, sizeof *m);
	m->fd = -1;
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->set_up_cond, NULL);
	pthread_cond_init(&m->all_done, NULL);
	return m;
}

void cache_manifest_early(struct build_cache *c, const char *output)
{
	if (c->mpre || c->manifest_read)
		return;
	struct mprefetch *m = prefetch_new();
	m->output = xstrdup(output);
	c->mpre = m;
	m->running = pthread_create(&m->th, NULL, prefetch_run, c) == 0;
	if (!m->running)
		prefetch_run(c);
}

/* The helper has read the manifest's bytes (or found none). */
static void prefetch_wait_set_up(struct build_cache *c)
{
	struct mprefetch *m = c->mpre;
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	while (!m->set_up)
		pthread_cond_wait(&m->set_up_cond, &m->lock);
	pthread_mutex_unlock(&m->lock);
}

/* Every answer in: this thread stats what is left beside the helper
 * and any other waiter, waits for their last chunks, then joins it. */
static void prefetch_wait(struct build_cache *c)
{
	struct mprefetch *m = c->mpre;
	if (!m || !__atomic_load_n(&m->running, __ATOMIC_ACQUIRE))
		return;
	prefetch_wait_set_up(c);
	prefetch_stat(c, m);
	pthread_mutex_lock(&m->lock);
	while (m->done < m->total)
		pthread_cond_wait(&m->all_done, &m->lock);
	if (m->running) {
		pthread_join(m->th, NULL);
		__atomic_store_n(&m->running, 0, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&m->lock);
}

static void prefetch_free(struct build_cache *c)
{
	prefetch_wait(c);
	struct mprefetch *m = c->mpre;
	if (!m)
		return;
	if (m->fd >= 0)
		close(m->fd);
	pthread_mutex_destroy(&m->lock);
	pthread_cond_destroy(&m->set_up_cond);
	pthread_cond_destroy(&m->all_done);
	free(m->at);
	free(m->seq);
	free(m->same);
	free(m->output);
	free(m);
	c->mpre = NULL;
}

/* The helper's verdict for "nothing to do": every entry there as the
 * manifest says; 0 without a helper (cache_manifest_early). */
static int prefetch_all_same(struct build_cache *c)
{
	if (!c->mpre)
		return 0;
	prefetch_wait(c);
	const struct mprefetch *m = c->mpre;
	if (!m->at)
		return 0;
	for (size_t i = 0; i < m->total; i++)
		if (!m->same[i])
			return 0;
	return 1;
}

/* The answer for the entry at slot s (its value: the entry's offset in
 * mblob), looked for among entries [lo, hi). */
static int prefetch_answer(struct build_cache *c, const struct slot *s, size_t lo, size_t hi)
{
	if (!s)
		return -1;
	prefetch_wait(c);
	const size_t *at = c->mpre->at;
	while (lo < hi) { /* the offsets grow with the entries */
		size_t mid = lo + (hi - lo) / 2;
		if (at[mid] < s->value)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->mpre->total && at[lo] == s->value ? c->mpre->same[lo] : -1;
}

int cache_manifest_entry_same(struct build_cache *c, size_t entry)
{
	if (!c->mpre || !c->manifest_ok || entry >= c->mtab->cap)
		return -1;
	if (c->mat_of && c->mpre->at) { /* its place, without a search */
		prefetch_wait(c);
		return c->mpre->same[c->mat_of[entry]];
	}
	return prefetch_answer(c, &c->mtab->v[entry], 0, c->mpre->nfiles);
}

void cache_manifest_seen(struct build_cache *c, size_t entry)
{
	if (c->manifest_ok && entry < c->mtab->cap)
		c->mseen[entry] = 1;
}

int cache_manifest_dir(struct build_cache *c, const char *rel, int64_t *mtime_ns, int *same)
{
	const struct slot *s = c->manifest_ok ? table_get(c->dtab, rel, strlen(rel)) : NULL;
	*same = -1;
	if (!s)
		return 0;
	if (c->mpre)
		*same = prefetch_answer(c, s, c->mpre->nfiles, c->mpre->total);
	struct reader r = { (const unsigned char *)c->mblob.p + s->value,
			    (const unsigned char *)c->mblob.p + c->mblob.n, 0 };
	size_t plen;
	get_strref(&r, &plen);
	*mtime_ns = (int64_t)get_u64(&r);
	return !r.bad;
}

/* Is the manifest's entry at offset `at` the one of path `rel`?  *r is
 * left just past its path. */
static int entry_is(const struct build_cache *c, size_t at, const char *rel, struct reader *r)
{
	*r = (struct reader){ (const unsigned char *)c->mblob.p + at,
			      (const unsigned char *)c->mblob.p + c->mblob.n, 0 };
	size_t plen;
	const char *path = get_strref(r, &plen);
	return path && !strncmp(path, rel, plen) && !rel[plen];
}

int cache_manifest_dir_nth(struct build_cache *c, size_t k, const char *rel, int64_t *mtime_ns,
			   int *same)
{
	const struct mprefetch *m = c->mpre;
	if (c->manifest_ok && m && m->at && k < m->total - m->nfiles) {
		prefetch_wait(c);
		size_t e = m->nfiles + k;
		struct reader r;
		if (entry_is(c, m->at[e], rel, &r)) {
			*mtime_ns = (int64_t)get_u64(&r);
			*same = m->same[e];
			return !r.bad;
		}
	}
	return cache_manifest_dir(c, rel, mtime_ns, same);
}

void cache_locate(struct build_cache *c, const char *output, struct diag *d)
{
	memset(c, 0, sizeof *c);
	c->d = d;
	size_t n = strlen(output);
	while (n > 1 && output[n - 1] == '/')
		n--;
	char *out = xstrndup(output, n);
	char *slash = strrchr(out, '/');
	const char *name = slash ? slash + 1 : out;
	if (slash == out)
		c->dir = xstrdup("/.jobsite-cache");
	else if (slash) {
		*slash = '\0';
		c->dir = path_join(out, ".jobsite-cache");
	} else {
		c->dir = xstrdup(".jobsite-cache");
	}
	struct buf p = BUF_INIT;
	buf_printf(&p, "%s/%s.postings", c->dir, name);
	c->postings_path = buf_detach(&p, NULL);
	buf_printf(&p, "%s/%s.manifest", c->dir, name);
	c->manifest_path = buf_detach(&p, NULL);
	buf_printf(&p, "%s/%s.words", c->dir, name);
	c->words_path = buf_detach(&p, NULL);
	buf_printf(&p, "%s.delta", c->postings_path);
	c->postings_delta_path = buf_detach(&p, NULL);
	buf_printf(&p, "%s.delta", c->words_path);
	c->words_delta_path = buf_detach(&p, NULL);
	buf_printf(&p, "%s/%s.body", c->dir, name);
	c->body_path = buf_detach(&p, NULL);
	buf_printf(&p, "%s/%s.site", c->dir, name);
	c->site_path = buf_detach(&p, NULL);
	buf_printf(&p, "%s/%s.last", c->dir, name);
	c->last_path = buf_detach(&p, NULL);
	buf_printf(&p, "%s/%s.walk", c->dir, name);
	c->walk_path = buf_detach(&p, NULL);
	buf_printf(&p, "%s/%s.desc", c->dir, name);
	c->desc_path = buf_detach(&p, NULL);
	free(out);
	stamp_init(c);
}

/* The manifest's bytes, read once: by the helper (cache_manifest_early)
 * or by the first to ask. */
static int manifest_bytes(struct build_cache *c)
{
	if (!c->manifest_read) {
		c->manifest_read = 1;
		load(c, c->manifest_path, KIND_MANIFEST, &c->manifest_key, &c->mblob, NULL);
	}
	return c->mblob.n > 0;
}

/* The manifest's bytes (cache_last_check() may have read them); 1 when
 * they are there.  `index`: its tables too, for the build. */
static int read_manifest(struct build_cache *c, int index)
{
	prefetch_wait_set_up(c);
	manifest_bytes(c);
	if (index && c->mblob.n && !c->manifest_ok)
		index_manifest(c, HEADER_SIZE);
	return c->mblob.n > 0;
}

void cache_read(struct build_cache *c, const struct ingest_opts *ingest)
{
	c->ingest_key = ingest_key(ingest);
	struct cache_hash key = c->ingest_key;
	size_t off = load(c, c->postings_path, KIND_POSTINGS, &key, &c->pblob, &c->psum);
	size_t doff = 0;
	if (off && c->pblob.n - off < 16) {
		diag_report(c->d, DIAG_ADVISORY, c->postings_path, 0, 0, NULL,
			    "build cache cannot be parsed; ignored, this is a full build");
		blob_release(c, &c->pblob);
		off = 0;
	}
	if (off) {
		/* the id of the descriptions file its records point into */
		memcpy(c->desc_id, c->pblob.p + off, 16);
		off += 16;
		struct cache_hash dkey = c->psum;
		doff = load(c, c->postings_delta_path, KIND_POSTINGS_DELTA, &dkey, &c->pdblob, NULL);
		index_postings(c, off, doff);
	}
	read_manifest(c, 1);
}

void cache_open(struct build_cache *c, const char *output, const struct ingest_opts *ingest,
		struct diag *d)
{
	cache_locate(c, output, d);
	cache_read(c, ingest);
}

/* The postings read are not to be used (their descriptions are not there). */
static void postings_drop(struct build_cache *c)
{
	table_free(c->ptab);
	c->ptab = NULL;
	free(c->pslot_of);
	c->pslot_of = NULL;
	c->npslot = 0;
	blob_release(c, &c->pblob);
	blob_release(c, &c->pdblob);
	c->pchanged = 1;
}

struct descstore *cache_descriptions(struct build_cache *c, const struct ingest_opts *o)
{
	if (c->store)
		return c->store;
	int kept = 0, existed = access(c->desc_path, F_OK) == 0;
	c->store = descstore_open(c->desc_path, c->ptab ? c->desc_id : NULL, &kept);
	if (c->ptab && !kept) {
		diag_report(c->d, existed ? DIAG_ADVISORY : DIAG_NOTE,
			    c->desc_path, 0, 0, NULL,
			    "build cache descriptions are missing or not the ones the postings "
			    "cache names; ignored, this is a full build");
		postings_drop(c);
	}
	if (!c->store)
		return NULL;
	c->desc_size = descstore_size(c->store);
	descstore_repair_with(c->store, o, c->d);
	return c->store;
}

void cache_descriptions_end(struct build_cache *c)
{
	if (!c->store)
		return;
	descstore_drop(c->store);
	unsigned n = descstore_repaired(c->store);
	if (!n)
		return;
	/* the damaged bytes stay where they are: start the file again */
	diag_report(c->d, DIAG_ADVISORY, c->desc_path, 0, 0, NULL,
		    "build cache: the descriptions of %u posting%s made again; the "
		    "postings cache is removed, the next build is a full one",
		    n, n == 1 ? " was" : "s were");
	unlink(c->postings_path);
	unlink(c->postings_delta_path);
	unlink(c->desc_path);
}

void cache_forget(struct build_cache *c)
{
	prefetch_free(c);
	postings_drop(c);
	table_free(c->mtab);
	free(c->mslot_of);
	free(c->mat_of);
	c->mslot_of = c->mat_of = NULL;
	free(c->mseen);
	c->mseen = NULL;
	table_free(c->dtab);
	table_free(c->wtab);
	c->mtab = c->dtab = c->wtab = NULL;
	c->words_forgotten = 1;
	blob_release(c, &c->wblob);
	blob_release(c, &c->wdblob);
	blob_release(c, &c->bblob);
	blob_release(c, &c->sblob);
	c->body_read = c->site_read = 1;
	blob_release(c, &c->mblob);
	c->manifest_ok = 0;
	c->pchanged = 1;
}

void cache_close(struct build_cache *c)
{
	cache_forget(c);
	free(c->fresh);
	free(c->words_path);
	free(c->postings_delta_path);
	free(c->words_delta_path);
	free(c->body_path);
	free(c->site_path);
	free(c->dir);
	free(c->postings_path);
	free(c->manifest_path);
	free(c->last_path);
	free(c->walk_path);
	free(c->desc_path);
	descstore_close(c->store);
	memset(c, 0, sizeof *c);
}

/* ---- ingest through the cache ---- */

struct fstat {
	uint64_t size, ino;
	int64_t mtime_ns, ctime_ns;
};

/*
 * What file i of this run puts in the next cache, decided on a worker and
 * written by cache_ingest_save() in file order.  Nothing is copied: the
 * bytes come from the old cache or from the postings themselves.
 */
struct cache_fresh {
	enum { FRESH_NONE, FRESH_OLD, FRESH_REHEAD, FRESH_NEW } how;
	uint32_t n;            /* postings the file gave (any how) */
	struct fstat st;       /* REHEAD, NEW */
	struct cache_hash hash;
	const unsigned char *old_at; /* OLD: whole entry; REHEAD: its postings */
	size_t old_len;
};

void cache_ingest_begin(struct build_cache *c, size_t n)
{
	c->fresh = xcalloc(n ? n : 1, sizeof *c->fresh);
	c->nfresh = n;
	/* a file gone since the last build changes the cache */
	size_t old = 0;
	for (size_t i = 0; c->ptab && i < c->ptab->cap; i++)
		old += c->ptab->v[i].key != NULL;
	if (old != n)
		c->pchanged = 1;
}


static struct fstat fstat_of(const struct stat *st)
{
	struct fstat f = {
		(uint64_t)st->st_size, (uint64_t)st->st_ino,
		(int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec,
		(int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec,
	};
	/* racily clean: keep no stat, so the next build hashes the bytes */
	if (st->st_mtim.tv_sec + RACY_SECONDS >= time(NULL) ||
	    st->st_ctim.tv_sec + RACY_SECONDS >= time(NULL))
		f.mtime_ns = f.ctime_ns = 0;
	return f;
}

/* Decode an entry's postings into out: their count, or -1. */
static int decode_entry(struct build_cache *c, struct reader *r, const struct ingest_opts *opts,
			long long mtime, struct diag *d, struct posting_list *out)
{
	uint32_t n = get_u32(r);
	struct posting_list tmp = { 0 };
	for (uint32_t i = 0; i < n && !r->bad; i++) {
		struct posting *p = get_posting(r, c, opts->bands ? opts->bands : band_default(), i);
		if (p)
			posting_list_push(&tmp, p);
	}
	if (r->bad || r->p != r->end || !n) {
		posting_list_release(&tmp);
		return -1;
	}
	for (size_t i = 0; i < tmp.n; i++) {
		struct posting *p = tmp.v[i];
		p->mtime = mtime;
		/* as ingest reports them (ingest.c, report_warnings) */
		for (size_t k = 0; k < p->nwarnings; k++)
			diag_report(d, DIAG_WARNING, p->source, p->warnings[k].line, 0,
				    p->warnings[k].kind, "%s", p->warnings[k].message);
		posting_list_push(out, p);
	}
	free(tmp.v);
	return (int)n;
}

static void put_entry_head(struct buf *b, const char *path, struct fstat f, struct cache_hash h)
{
	put_str(b, path);
	put_u64(b, f.size);
	put_u64(b, (uint64_t)f.mtime_ns);
	put_u64(b, (uint64_t)f.ctime_ns);
	put_u64(b, f.ino);
	put_hash(b, h);
}

int cache_ingest_file(struct build_cache *c, size_t i, const char *path, const struct stat *known,
		      const struct ingest_opts *opts, struct diag *d, struct posting_list *out)
{
	struct cache_fresh *f = &c->fresh[i];
	size_t before = out->n, skipped = out->nskipped;
	struct cache_hash oldhash = { 0, 0 };
	int n = 0;
	struct stat st;
	if (known && known->st_mode)
		st = *known;
	else if (stat(path, &st) < 0)
		st.st_mode = 0;
	if (!S_ISREG(st.st_mode)) {
		__atomic_store_n(&c->pchanged, 1, __ATOMIC_RELAXED);
		n = ingest_file(path, opts, d, out); /* says why it is skipped */
		goto done;
	}
	/* the entry at the file's own place first (the order of the last walk) */
	size_t plen0 = strlen(path);
	const struct slot *s = NULL;
	if (c->ptab && c->pslot_of && i < c->npslot) {
		const struct slot *q = &c->ptab->v[c->pslot_of[i]];
		if (q->key && q->len == plen0 && !memcmp(q->key, path, plen0))
			s = q;
	}
	if (!s)
		s = table_get(c->ptab, path, plen0);
	struct reader r = { 0 };
	struct fstat old = { 0 };
	f->st = fstat_of(&st);
	const unsigned char *entry = NULL, *body = NULL;
	uint32_t len = 0;
	if (s) {
		/* index_postings checked that the entry lies within its file */
		const unsigned char *at = slot_at(s);
		r = (struct reader){ at, at + 4, 0 };
		len = get_u32(&r);
		entry = r.p;
		r.end = r.p + len;
		size_t plen;
		get_strref(&r, &plen);
		old.size = get_u64(&r);
		old.mtime_ns = (int64_t)get_u64(&r);
		old.ctime_ns = (int64_t)get_u64(&r);
		old.ino = get_u64(&r);
		oldhash = get_hash(&r);
		body = r.p;
		if (old.mtime_ns && old.size == (uint64_t)st.st_size && old.ino == (uint64_t)st.st_ino &&
		    old.mtime_ns == (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec &&
		    old.ctime_ns == (int64_t)st.st_ctim.tv_sec * 1000000000 + st.st_ctim.tv_nsec) {
			n = decode_entry(c, &r, opts, (long long)st.st_mtime, d, out);
			if (n > 0) {
				f->how = FRESH_OLD;
				f->old_at = entry;
				f->old_len = len;
				__atomic_add_fetch(&c->hits, 1, __ATOMIC_RELAXED);
				goto done;
			}
			n = 0;
		}
	}
	__atomic_store_n(&c->pchanged, 1, __ATOMIC_RELAXED);
	size_t max = opts->max_file_size ? opts->max_file_size : INGEST_DEFAULT_MAX_FILE;
	struct buf raw = BUF_INIT;
	if (read_file(path, &raw, max) < 0) {
		buf_release(&raw);
		n = ingest_file(path, opts, d, out);
		goto done;
	}
	f->hash = cache_hash_bytes(raw.p, raw.n);
	if (body && cache_hash_eq(f->hash, oldhash)) {
		/* touched, not changed */
		r.p = body;
		r.bad = 0;
		n = decode_entry(c, &r, opts, (long long)st.st_mtime, d, out);
		if (n > 0) {
			f->how = FRESH_REHEAD;
			f->old_at = body;
			f->old_len = (size_t)(r.end - body);
			__atomic_add_fetch(&c->hits, 1, __ATOMIC_RELAXED);
			buf_release(&raw);
			goto done;
		}
		n = 0;
	}
	__atomic_add_fetch(&c->misses, 1, __ATOMIC_RELAXED);
	n = ingest_memory(path, buf_slice(&raw), opts, d, out);
	buf_release(&raw);
	for (size_t k = before; k < out->n; k++)
		out->v[k]->mtime = (long long)st.st_mtime;
	if (n > 0 && out->nskipped == skipped)
		f->how = FRESH_NEW;
done:
	f->n = (uint32_t)(out->n - before);
	if (f->how != FRESH_NONE) {
		/* the record is a function of these bytes and this binary */
		struct cache_hash fh = f->how == FRESH_OLD ? oldhash : f->hash;
		for (size_t k = before; k < out->n; k++) {
			struct cache_hash rk[4] = { c->stamp, c->ingest_key, fh, { k - before, 0 } };
			struct cache_hash h = cache_hash_bytes(rk, sizeof rk);
			out->v[k]->record_key[0] = h.lo;
			out->v[k]->record_key[1] = h.hi;
			if (f->how == FRESH_NEW)
				shown_key_made(out->v[k]);
		}
	}
	return n;
}

/* The payload goes to the file as it is made, hashed on the way. */
struct stream {
	FILE *f;
	struct buf b;
	XXH3_state_t *st;
	uint64_t len, count;
	int failed;
	int unsummed;   /* what is flushed now is not in the checksum (is_indexed) */
};

static void stream_flush(struct stream *w, size_t keep_below)
{
	if (w->b.n < keep_below)
		return;
	if (!w->unsummed)
		XXH3_128bits_update(w->st, w->b.p, w->b.n);
	if (fwrite(w->b.p, 1, w->b.n, w->f) != w->b.n)
		w->failed = 1;
	w->len += w->b.n;
	buf_reset(&w->b);
}

/* A cache file written as it is made, its payload hashed on the way: NULL if it cannot be created. */
static struct stream *stream_open(struct build_cache *c, const char *path)
{
	struct stream *w = xcalloc(1, sizeof *w);
	struct buf tmp = BUF_INIT;
	buf_printf(&tmp, "%s.tmp", path);
	static const char zero[HEADER_SIZE];
	if (mkdir_p(c->dir, 0755) == 0 && (w->f = fopen(buf_cstr(&tmp), "wb"))) {
		w->failed = fwrite(zero, 1, HEADER_SIZE, w->f) != HEADER_SIZE;
		w->st = XXH3_createState();
		XXH3_128bits_reset(w->st);
	} else {
		free(w);
		w = NULL;
	}
	buf_release(&tmp);
	return w;
}

/* Finish a stream as `path` (ok) or throw it away; 0 when written. */
static int stream_close(struct build_cache *c, struct stream *w, const char *path, uint32_t kind,
			struct cache_hash key, int ok)
{
	struct buf tmp = BUF_INIT;
	buf_printf(&tmp, "%s.tmp", path);
	stream_flush(w, 0);
	XXH128_hash_t h = XXH3_128bits_digest(w->st);
	XXH3_freeState(w->st);
	struct buf head = BUF_INIT;
	header(&head, c, kind, key, w->len,
	       (struct cache_hash){ h.low64, h.high64 });
	if (fseek(w->f, 0, SEEK_SET) < 0 || fwrite(head.p, 1, head.n, w->f) != head.n)
		w->failed = 1;
	w->failed |= fclose(w->f) != 0;
	int r = ok && !w->failed && rename(buf_cstr(&tmp), path) == 0 ? 0 : -1;
	if (r < 0)
		unlink(buf_cstr(&tmp));
	buf_release(&head);
	buf_release(&w->b);
	buf_release(&tmp);
	free(w);
	return r;
}

/* One entry of the next postings file (its bytes after the u32 length) into e. */
static void fresh_entry(struct buf *e, const struct cache_fresh *f, const struct posting_list *l,
			size_t k)
{
	if (f->how == FRESH_OLD) {
		buf_put(e, f->old_at, f->old_len);
		return;
	}
	put_entry_head(e, l->v[k]->source, f->st, f->hash);
	if (f->how == FRESH_REHEAD) {
		buf_put(e, f->old_at, f->old_len);
	} else {
		put_u32(e, f->n);
		for (size_t q = k; q < k + f->n; q++)
			put_posting(e, l->v[q]);
	}
}

/*
 * When most entries of the postings file still hold, only the others are
 * written, to its delta (KIND_POSTINGS_DELTA, keyed by the file's
 * checksum): an edit then writes a few KB instead of every posting.  The
 * whole file is written again once the delta would pass a quarter of it,
 * or a quarter of its entries are no longer used.  Returns 1 when the
 * delta was written (or removed), 0 when the whole file must be.
 */
static int save_postings_delta(struct build_cache *c, const struct posting_list *l)
{
	if (!c->ptab || !c->pblob.n)
		return 0;
	size_t kept = 0, count = 0;
	struct buf d = BUF_INIT, e = BUF_INIT;
	put_u64(&d, 0);
	for (size_t i = 0, k = 0; i < c->nfresh; k += c->fresh[i].n, i++) {
		const struct cache_fresh *f = &c->fresh[i];
		if (f->how == FRESH_NONE)
			continue;
		if (f->how == FRESH_OLD && in_blob(&c->pblob, f->old_at)) {
			kept++;
			continue;
		}
		buf_reset(&e);
		fresh_entry(&e, f, l, k);
		put_u32(&d, (uint32_t)e.n);
		buf_put(&d, e.p, e.n);
		count++;
		if (d.n > c->pblob.n / 4)
			break;
	}
	buf_release(&e);
	int ok = d.n <= c->pblob.n / 4 && kept * 4 >= c->pbase_entries * 3;
	if (ok && count) {
		uint64_t n = count;
		memcpy(d.p, &n, 8); /* little-endian, as put_u64 */
		ok = save(c, c->postings_delta_path, KIND_POSTINGS_DELTA, c->psum, buf_slice(&d)) == 0;
	} else if (ok) {
		unlink(c->postings_delta_path);
	}
	buf_release(&d);
	return ok;
}

/*
 * The descriptions file only grows (descstore.h): an edited posting
 * leaves its old description behind.  Once most of the file is such, the
 * postings cache goes with it and the next build is a full one, which
 * starts the file again.  Returns 1 when it went.
 */
static int descriptions_compact(struct build_cache *c, const struct posting_list *l)
{
	uint64_t live = DESC_FIRST;
	for (size_t i = 0; i < l->n; i++)
		live += posting_desc_bytes(l->v[i]);
	long long size = descstore_size(c->store);
	if ((uint64_t)size <= 2 * live + (64u << 20))
		return 0;
	diag_report(c->d, DIAG_NOTE, c->desc_path, 0, 0, NULL,
		    "build cache descriptions are %lld MB, %llu MB of them in use: the next "
		    "build is a full one, which writes them afresh",
		    size >> 20, (unsigned long long)(live >> 20));
	unlink(c->postings_path);
	unlink(c->postings_delta_path);
	unlink(c->desc_path);
	return 1;
}

int cache_ingest_save(struct build_cache *c, const struct posting_list *l)
{
	if (c->desc_short)
		diag_report(c->d, DIAG_ADVISORY, c->desc_path, 0, 0, NULL,
			    "build cache is truncated: descriptions some postings records point "
			    "to are not there; those files were read again");
	if (!c->pchanged)
		return 0;
	size_t total = 0, entries = 0;
	for (size_t i = 0; i < c->nfresh; i++) {
		total += c->fresh[i].n;
		entries += c->fresh[i].how != FRESH_NONE;
	}
	if (total != l->n) {
		/* not the postings of these files: keep the old cache */
		diag_report(c->d, DIAG_ADVISORY, c->postings_path, 0, 0, NULL,
			    "build cache not updated (%zu postings for %zu)", l->n, total);
		return -1;
	}
	/* records point into the descriptions file: none, no records */
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i]->desc_store != c->store || !c->store) {
			diag_report(c->d, DIAG_ADVISORY, c->desc_path, 0, 0, NULL,
				    "cannot write the build cache's descriptions; the postings "
				    "cache is left as it was");
			return -1;
		}
	if (descriptions_compact(c, l))
		return 0;
	if (save_postings_delta(c, l))
		return 0;
	struct stream *w = stream_open(c, c->postings_path);
	int r = -1;
	if (w) {
		buf_put(&w->b, descstore_id(c->store), 16);
		put_u64(&w->b, entries);
		struct buf e = BUF_INIT;
		for (size_t i = 0, k = 0; i < c->nfresh; k += c->fresh[i].n, i++) {
			const struct cache_fresh *f = &c->fresh[i];
			if (f->how == FRESH_NONE)
				continue;
			buf_reset(&e);
			fresh_entry(&e, f, l, k);
			put_u32(&w->b, (uint32_t)e.n);
			buf_put(&w->b, e.p, e.n);
			stream_flush(w, 1u << 20);
		}
		buf_release(&e);
		r = stream_close(c, w, c->postings_path, KIND_POSTINGS, c->ingest_key, 1);
		/* a delta keyed by the old file's checksum would be ignored; remove it */
		if (r == 0)
			unlink(c->postings_delta_path);
	}
	if (r < 0)
		diag_report(c->d, DIAG_ADVISORY, c->postings_path, 0, 0, NULL,
			    "cannot write the build cache (%s); the next build is a full one",
			    strerror(errno));
	return r;
}

/* ---- for tests and fuzzing ---- */

void cache_load_payload(struct build_cache *c, int manifest, struct slice payload)
{
	struct buf *blob = manifest ? &c->mblob : &c->pblob;
	blob_release(c, blob);
	buf_put(blob, "0123456789012345678901234567890123456789012345678901234567890123456789012",
		HEADER_SIZE);
	buf_put(blob, payload.p, payload.n);
	if (manifest)
		index_manifest(c, HEADER_SIZE);
	else if (payload.n >= 16) {
		/* no descriptions file: every record's place in it is taken as is */
		c->desc_size = LLONG_MAX;
		index_postings(c, HEADER_SIZE + 16, 0);
	}
}

size_t cache_decode_all(struct build_cache *c, const struct ingest_opts *o, struct diag *d,
			struct posting_list *out)
{
	size_t ok = 0;
	for (size_t i = 0; c->ptab && i < c->ptab->cap; i++) {
		if (!c->ptab->v[i].key)
			continue;
		const unsigned char *at = slot_at(&c->ptab->v[i]);
		struct reader r = { at, at + 4, 0 };
		uint32_t len = get_u32(&r);
		r.end = r.p + len;
		size_t plen;
		get_strref(&r, &plen);
		get_u64(&r);
		get_u64(&r);
		get_u64(&r);
		get_u64(&r);
		get_hash(&r);
		ok += !r.bad && decode_entry(c, &r, o, 0, d, out) > 0;
	}
	return ok;
}

/* ---- the search index's input ---- */

struct cache_hash cache_search_key(struct build_cache *c, struct posting *const *v, size_t n,
				   const struct band_table *bands)
{
	XXH3_state_t *st = XXH3_createState();
	struct buf b = BUF_INIT, text = BUF_INIT;
	put_hash(&b, c->stamp);
	put_u64(&b, n);
	for (size_t i = 0; i < bands->n; i++) {
		put_str(&b, bands->v[i].slug);
		put_str(&b, bands->v[i].label);
	}
	XXH3_128bits_reset(st);
	for (size_t i = 0; i < n; i++) {
		const struct posting *p = v[i];
		if (p->record_key[0] || p->record_key[1]) {
			/* the record by its key, and what the copy changed */
			put_u32(&b, 1);
			put_u64(&b, p->record_key[0]);
			put_u64(&b, p->record_key[1]);
			put_str(&b, p->id);
			put_str(&b, p->employer);
			put_str(&b, p->employer_slug);
			put_str(&b, p->state);
			put_str(&b, p->salary_band);
			put_str(&b, p->description_html);
		} else {
			put_u32(&b, 0);
			put_fields(&b, p);
			put_warnings(&b, p);
			/* what the index reads of its description */
			struct slice t = posting_desc_text(p, &text);
			put_u64(&b, t.n);
			buf_putslice(&b, t);
		}
		if (b.n > (1u << 16) || i + 1 == n) {
			XXH3_128bits_update(st, b.p, b.n);
			buf_reset(&b);
		}
	}
	XXH3_128bits_update(st, b.p, b.n);
	XXH128_hash_t h = XXH3_128bits_digest(st);
	XXH3_freeState(st);
	buf_release(&b);
	buf_release(&text);
	c->search_key = (struct cache_hash){ h.low64, h.high64 };
	return c->search_key;
}

/* ---- the manifest ---- */

static struct cache_file file_at(const struct build_cache *c, size_t at)
{
	struct reader r = { (const unsigned char *)c->mblob.p + at,
			    (const unsigned char *)c->mblob.p + c->mblob.n, 0 };
	struct cache_file f = { 0 };
	f.path = get_strref(&r, &f.path_len);
	f.size = get_u64(&r);
	f.hash = get_hash(&r);
	f.key = get_hash(&r);
	return f;
}

/*
 * Pages are kept in the order the last build made them, so the file
 * after the one found last is looked at first: at 100,000 postings this
 * spares 120,000 hash lookups, each a cache miss or two.  The place is the
 * calling thread's (the search index's thread asks too).
 */
const struct cache_file *cache_manifest_find(const struct build_cache *c, const char *rel)
{
	static _Thread_local struct cache_file f;
	static _Thread_local size_t next;
	if (!c->manifest_ok)
		return NULL;
	const struct mprefetch *m = c->mpre;
	size_t at = SIZE_MAX;
	struct reader r;
	if (m && m->at && c->mslot_of && next < m->nfiles && entry_is(c, m->at[next], rel, &r))
		at = next;
	size_t entry;
	if (at != SIZE_MAX) {
		entry = c->mslot_of[at];
	} else {
		const struct slot *s = table_get(c->mtab, rel, strlen(rel));
		if (!s)
			return NULL;
		entry = (size_t)(s - c->mtab->v);
		if (c->mat_of && m && m->at)
			at = c->mat_of[entry];
	}
	f = file_at(c, c->mtab->v[entry].value);
	f.entry = entry;
	f.seen = c->mseen[entry];
	if (at != SIZE_MAX)
		next = at + 1;
	return &f;
}

static void manifest_walk(const struct build_cache *c, int unseen,
			  int (*fn)(void *ctx, const struct cache_file *f), void *ctx)
{
	if (!c->manifest_ok)
		return;
	for (size_t i = 0; i < c->mtab->cap; i++) {
		/* a seen entry is not even read: most are, after an edit */
		if (!c->mtab->v[i].key || (unseen && c->mseen[i]))
			continue;
		struct cache_file f = file_at(c, c->mtab->v[i].value);
		f.entry = i;
		f.seen = c->mseen[i];
		if (fn(ctx, &f))
			return;
	}
}

void cache_manifest_each(const struct build_cache *c,
			 int (*fn)(void *ctx, const struct cache_file *f), void *ctx)
{
	manifest_walk(c, 0, fn, ctx);
}

void cache_manifest_each_unseen(const struct build_cache *c,
				int (*fn)(void *ctx, const struct cache_file *f), void *ctx)
{
	manifest_walk(c, 1, fn, ctx);
}

size_t cache_manifest_nfiles(const struct build_cache *c)
{
	return c->manifest_ok && c->mtab ? c->mtab->n : 0;
}

void cache_manifest_drop(struct build_cache *c)
{
	if (unlink(c->manifest_path) < 0 && errno != ENOENT)
		diag_report(c->d, DIAG_ADVISORY, c->manifest_path, 0, 0, NULL,
			    "cannot remove the build cache: %s", strerror(errno));
}

/* put_str of a path, and `words` u64s after it, as one write */
static void put_entry(struct buf *b, const char *path, const uint64_t *words, size_t nwords)
{
	size_t len = strlen(path);
	buf_grow(b, 4 + len + 1 + 8 * nwords);
	unsigned char *p = at_u32((unsigned char *)b->p + b->n, (uint32_t)len);
	memcpy(p, path, len + 1);
	p += len + 1;
	for (size_t i = 0; i < nwords; i++)
		p = at_u64(p, words[i]);
	b->n = (size_t)(p - (unsigned char *)b->p);
	b->p[b->n] = '\0';
}

int cache_manifest_save(struct build_cache *c, const struct manifest_item *v, size_t n,
			const struct manifest_dir *dirs, size_t ndirs)
{
	struct buf payload = BUF_INIT;
	/* about the last one's size: grown once, not doubled and copied */
	buf_grow(&payload, c->mblob.n + c->mblob.n / 8);
	put_u64(&payload, n);
	for (size_t i = 0; i < n; i++) {
		const uint64_t w[] = { v[i].size, v[i].hash.lo, v[i].hash.hi, v[i].key.lo, v[i].key.hi };
		put_entry(&payload, v[i].path, w, 5);
	}
	put_u64(&payload, ndirs);
	for (size_t i = 0; i < ndirs; i++) {
		const uint64_t w[] = { (uint64_t)dirs[i].mtime_ns };
		put_entry(&payload, dirs[i].path, w, 1);
	}
	int r = save(c, c->manifest_path, KIND_MANIFEST, c->search_key, buf_slice(&payload));
	buf_release(&payload);
	return r;
}

/* ---- the search index's body words ---- */

/*
 * entries: 16-byte record key, u32 length, bytes; then their index, one
 * record each (WORDS_IX bytes: key, u64 offset of the entry in the
 * payload, u32 length, u64 XXH3 of the bytes), then u64 count and u64
 * offset of the index (is_indexed).  The delta (KIND_WORDS_DELTA, keyed by
 * the words file's checksum) has the same layout and holds the records
 * added since.  Slots point at index records.
 */
#define WORDS_IX (16 + 8 + 4 + 8)

static size_t index_words_blob(struct build_cache *c, struct buf *blob, size_t off,
			       struct cache_table **t)
{
	const unsigned char *payload = (const unsigned char *)blob->p + off;
	size_t len = blob->n - off;
	size_t ix = index_start(payload, len);
	if (ix == SIZE_MAX)
		return SIZE_MAX;
	uint64_t n;
	memcpy(&n, payload + len - 16, 8);
	if (n != (len - 16 - ix) / WORDS_IX || (len - 16 - ix) % WORDS_IX)
		return SIZE_MAX;
	if (!*t)
		*t = table_new((size_t)n + (c->wdblob.n ? c->wdblob.n / 20 : 0));
	for (uint64_t i = 0; i < n; i++) {
		const unsigned char *rec = payload + ix + i * WORDS_IX;
		uint64_t at;
		uint32_t elen;
		memcpy(&at, rec + 16, 8);
		memcpy(&elen, rec + 24, 4);
		/* the entry lies before the index (its bytes are checked when read) */
		if (at > ix || ix - at < 20 || ix - at - 20 < elen)
			return SIZE_MAX;
		table_put(*t, (const char *)rec, 16, (size_t)(uintptr_t)rec);
	}
	return (size_t)n;
}

static void index_words(struct build_cache *c, size_t off, size_t doff)
{
	struct cache_table *t = NULL;
	size_t n = index_words_blob(c, &c->wblob, off, &t);
	size_t dn = n == SIZE_MAX || !doff ? 0 : index_words_blob(c, &c->wdblob, doff, &t);
	c->wbase_entries = n;
	if (n == SIZE_MAX || dn == SIZE_MAX) {
		diag_report(c->d, DIAG_ADVISORY, c->words_path, 0, 0, NULL,
			    "build cache cannot be parsed; ignored, this is a full build");
		table_free(t);
		t = NULL;
		blob_release(c, &c->wblob);
		blob_release(c, &c->wdblob);
	}
	c->wtab = t;
}

/* The entry an index record (in the words file or its delta) points to:
 * its key, length and bytes. */
static const unsigned char *words_entry(const struct build_cache *c, const unsigned char *rec)
{
	const struct buf *blob = in_blob(&c->wblob, rec) ? &c->wblob : &c->wdblob;
	uint64_t at;
	memcpy(&at, rec + 16, 8);
	return (const unsigned char *)blob->p + HEADER_SIZE + at;
}

struct slice cache_words_get(struct build_cache *c, const unsigned long long key[2])
{
	unsigned char k[16];
	memcpy(k, key, 16);
	const struct slot *s = (key[0] || key[1]) ? table_get(c->wtab, (const char *)k, 16) : NULL;
	if (!s)
		return (struct slice){ NULL, 0 };
	const unsigned char *rec = slot_at(s), *e = words_entry(c, rec);
	uint32_t len;
	uint64_t check;
	memcpy(&len, rec + 24, 4);
	memcpy(&check, rec + 28, 8);
	/* damaged: as if there were none (the index reads the posting again) */
	if (memcmp(e, rec, 16) || memcmp(e + 16, &len, 4) || XXH3_64bits(e + 20, len) != check) {
		__atomic_add_fetch(&c->words_damaged, 1, __ATOMIC_RELAXED);
		return (struct slice){ NULL, 0 };
	}
	return (struct slice){ (const char *)e + 20, len };
}

/*
 * The next words file.  With a words file in place, records it already has
 * are not written again: the new ones go to memory (`fresh`, its index
 * `fresh_ix`), and at the end to its delta, or, once that would pass a
 * quarter of the file or a quarter of its records are unused, into a
 * whole new file with the records still used (`kept`).  Without one, the
 * file is written as the index goes (`full`, its index in `ix`).
 */
struct words_out {
	struct stream *full;            /* writing a whole file now */
	struct buf ix;                  /* its index records */
	struct buf fresh, fresh_ix;     /* delta mode: the new entries */
	uint64_t nfresh;
	const unsigned char **kept;     /* delta mode: index records of used entries */
	size_t nkept, kept_cap;
};

void cache_words_begin(struct build_cache *c)
{
	/* read only now: most rebuilds do not run the index at all */
	if (!c->words_forgotten && !c->wtab) {
		struct cache_hash wkey;
		size_t off = load(c, c->words_path, KIND_WORDS, &wkey, &c->wblob, &c->wsum);
		if (off) {
			struct cache_hash dkey = c->wsum;
			size_t doff = load(c, c->words_delta_path, KIND_WORDS_DELTA, &dkey, &c->wdblob,
					   NULL);
			index_words(c, off, doff);
		}
	}
	struct words_out *o = xcalloc(1, sizeof *o);
	if (!c->wtab || !c->wblob.n) {
		o->full = stream_open(c, c->words_path);
		if (o->full)
			o->full->unsummed = 1;
	}
	c->wout = o;
}

/* An entry at payload offset `at` into b, its index record into ix. */
static void put_words_entry(struct buf *b, struct buf *ix, uint64_t at, const void *key,
			    struct slice words)
{
	buf_put(b, key, 16);
	put_u32(b, (uint32_t)words.n);
	buf_put(b, words.p, words.n);
	buf_put(ix, key, 16);
	put_u64(ix, at);
	put_u32(ix, (uint32_t)words.n);
	put_u64(ix, XXH3_64bits(words.p, words.n));
}

/* Index record `rec` again, for its entry now at payload offset `at`. */
static void put_words_moved(struct buf *ix, const unsigned char *rec, uint64_t at)
{
	buf_put(ix, rec, 16);
	put_u64(ix, at);
	buf_put(ix, rec + 24, 4 + 8); /* its length and hash */
}

/* The end of a words payload in b: its index, the count and where the
 * index starts (`at`, a payload offset). */
static void put_words_tail(struct buf *b, const struct buf *ix, uint64_t at)
{
	buf_put(b, ix->p, ix->n);
	put_u64(b, ix->n / WORDS_IX);
	put_u64(b, at);
}

int cache_words_keep(struct build_cache *c, const unsigned long long key[2])
{
	struct words_out *o = c->wout;
	if (!o || o->full || (!key[0] && !key[1]))
		return 0;
	const struct slot *s = table_get(c->wtab, (const char *)key, 16);
	if (!s || !in_blob(&c->wblob, slot_at(s)))
		return 0;
	o->kept = xgrow(o->kept, &o->kept_cap, o->nkept + 1, sizeof *o->kept);
	o->kept[o->nkept++] = slot_at(s);
	return 1;
}

void cache_words_put(struct build_cache *c, const unsigned long long key[2], struct slice words)
{
	struct words_out *o = c->wout;
	if (!o || (!key[0] && !key[1]))
		return;
	if (o->full) {
		put_words_entry(&o->full->b, &o->ix, o->full->len + o->full->b.n, key, words);
		o->full->count++;
		stream_flush(o->full, 1u << 20);
		return;
	}
	if (cache_words_keep(c, key))
		return;
	put_words_entry(&o->fresh, &o->fresh_ix, o->fresh.n, key, words);
	o->nfresh++;
}

/* Finish a whole words file: the index after the entries, summed alone. */
static int words_close(struct build_cache *c, struct stream *w, const struct buf *ix, int ok)
{
	stream_flush(w, 0);
	w->unsummed = 0;
	put_words_tail(&w->b, ix, w->len);
	return stream_close(c, w, c->words_path, KIND_WORDS, (struct cache_hash){ 0, 0 }, ok);
}

void cache_words_end(struct build_cache *c, int ok)
{
	struct words_out *o = c->wout;
	if (!o)
		return;
	c->wout = NULL;
	unsigned damaged = __atomic_load_n(&c->words_damaged, __ATOMIC_RELAXED);
	if (damaged)
		diag_report(c->d, DIAG_ADVISORY, c->words_path, 0, 0, NULL,
			    "build cache is corrupt: %u of its entries did not read back as "
			    "written; those postings' words were read again", damaged);
	if (o->full) {
		if (words_close(c, o->full, &o->ix, ok) == 0)
			unlink(c->words_delta_path);
	} else if (ok && o->fresh.n <= c->wblob.n / 4 && o->nkept * 4 >= c->wbase_entries * 3) {
		if (o->nfresh) {
			put_words_tail(&o->fresh, &o->fresh_ix, o->fresh.n);
			save(c, c->words_delta_path, KIND_WORDS_DELTA, c->wsum, buf_slice(&o->fresh));
		} else {
			unlink(c->words_delta_path);
		}
	} else if (ok) {
		struct stream *w = stream_open(c, c->words_path);
		struct buf ix = BUF_INIT;
		if (w)
			w->unsummed = 1;
		for (size_t i = 0; w && i < o->nkept; i++) {
			/* copied as they are, with the hash their record had */
			const unsigned char *rec = o->kept[i], *e = words_entry(c, rec);
			uint32_t len;
			memcpy(&len, rec + 24, 4);
			put_words_moved(&ix, rec, w->len + w->b.n);
			buf_put(&w->b, e, 16 + 4 + (size_t)len);
			w->count++;
			stream_flush(w, 1u << 20);
		}
		if (w) {
			uint64_t shift = w->len + w->b.n;
			buf_put(&w->b, o->fresh.p, o->fresh.n);
			/* the fresh entries' records, moved to where they now are */
			for (size_t i = 0; i + WORDS_IX <= o->fresh_ix.n; i += WORDS_IX) {
				const unsigned char *rec = (const unsigned char *)o->fresh_ix.p + i;
				uint64_t off;
				memcpy(&off, rec + 16, 8);
				put_words_moved(&ix, rec, off + shift);
			}
			if (words_close(c, w, &ix, 1) == 0)
				unlink(c->words_delta_path);
		}
		buf_release(&ix);
	}
	buf_release(&o->ix);
	buf_release(&o->fresh);
	buf_release(&o->fresh_ix);
	free(o->kept);
	free(o);
}

/* ---- the search index's body term table ---- */

struct slice cache_body_get(struct build_cache *c)
{
	if (!c->body_read) {
		/* read only now: most rebuilds do not run the index at all */
		c->body_read = 1;
		struct cache_hash key = { 0, 0 };
		load(c, c->body_path, KIND_BODY, &key, &c->bblob, NULL);
	}
	if (c->bblob.n <= HEADER_SIZE)
		return (struct slice){ NULL, 0 };
	return (struct slice){ c->bblob.p + HEADER_SIZE, c->bblob.n - HEADER_SIZE };
}

void cache_body_put(struct build_cache *c, struct slice table)
{
	save(c, c->body_path, KIND_BODY, (struct cache_hash){ 0, 0 }, table);
}

/* ---- the site model's memo ---- */

struct slice cache_site_get(struct build_cache *c)
{
	if (!c->site_read) {
		c->site_read = 1;
		struct cache_hash key = { 0, 0 };
		load(c, c->site_path, KIND_SITE, &key, &c->sblob, NULL);
	}
	if (c->sblob.n <= HEADER_SIZE)
		return (struct slice){ NULL, 0 };
	return (struct slice){ c->sblob.p + HEADER_SIZE, c->sblob.n - HEADER_SIZE };
}

void cache_site_put(struct build_cache *c, struct slice memo)
{
	save(c, c->site_path, KIND_SITE, (struct cache_hash){ 0, 0 }, memo);
}

/* ---- the last build's record ---- */

/*
 * Payload: u64 n, then per posting file its path and stat (size, ino,
 * mtime, ctime); u64 n, then per warning or error its level, file, line,
 * column, kind and message; the summary's head and tail.
 */
void cache_last_payload(const struct build_cache *c, const struct ingest_found *f,
			const struct diag *d, const char *head, const char *tail, struct buf *out)
{
	struct buf b = *out;
	put_u64(&b, f->n);
	for (size_t i = 0; i < f->n; i++) {
		struct fstat st = fstat_of(&f->st[i]);
		put_str(&b, f->v[i]);
		put_u64(&b, st.size);
		put_u64(&b, st.ino);
		put_u64(&b, (uint64_t)st.mtime_ns);
		put_u64(&b, (uint64_t)st.ctime_ns);
		/* Changed too recently for its stat to tell (racy): the hash of
		 * the bytes this build read, when it read them, for the next
		 * check to compare (as git does for a racily clean file). */
		const struct cache_fresh *fr = c->fresh && i < c->nfresh ? &c->fresh[i] : NULL;
		int known = !st.mtime_ns && fr && fr->how != FRESH_NONE && fr->how != FRESH_OLD &&
			    fr->st.size == st.size;
		put_u32(&b, (uint32_t)known);
		if (known)
			put_hash(&b, fr->hash);
	}
	put_u64(&b, d->nrecords);
	for (size_t i = 0; i < d->nrecords; i++) {
		const struct diag_record *x = &d->records[i];
		put_u32(&b, (uint32_t)x->level);
		put_str(&b, x->file);
		put_u32(&b, x->line);
		put_u32(&b, x->col);
		put_str(&b, x->kind);
		put_str(&b, x->message);
	}
	put_str(&b, head);
	put_str(&b, tail);
	*out = b;
}

int cache_last_write(struct build_cache *c, struct cache_hash key, struct slice payload)
{
	return save(c, c->last_path, KIND_LAST, key, payload);
}

int cache_last_save(struct build_cache *c, struct cache_hash key, const struct ingest_found *f,
		    const struct diag *d, const char *head, const char *tail)
{
	struct buf b = BUF_INIT;
	cache_last_payload(c, f, d, head, tail, &b);
	int r = cache_last_write(c, key, buf_slice(&b));
	buf_release(&b);
	return r;
}

void cache_last_drop(struct build_cache *c)
{
	if (unlink(c->last_path) < 0 && errno != ENOENT)
		diag_report(c->d, DIAG_ADVISORY, c->last_path, 0, 0, NULL,
			    "cannot remove the build cache: %s", strerror(errno));
}

/* Does the file at `path` hold `size` bytes hashing to `h`? */
static int same_bytes(const char *path, uint64_t size, struct cache_hash h)
{
	struct buf b = BUF_INIT;
	int same = read_file(path, &b, (size_t)size + 1) == 0 && b.n == size &&
		   cache_hash_eq(cache_hash_bytes(b.p, b.n), h);
	buf_release(&b);
	return same;
}

int cache_last_check(struct build_cache *c, struct cache_hash key, const struct ingest_found *f,
		     struct diag *d, char **head, char **tail)
{
	struct buf blob = BUF_INIT;
	struct cache_hash k = key;
	size_t off = load(c, c->last_path, KIND_LAST, &k, &blob, NULL);
	if (!off)
		return 0;
	struct reader r = { (const unsigned char *)blob.p + off,
			    (const unsigned char *)blob.p + blob.n, 0 };
	int same = get_u64(&r) == f->n;
	for (size_t i = 0; same && i < f->n && !r.bad; i++) {
		size_t plen;
		const char *path = get_strref(&r, &plen);
		struct fstat was = { 0 }, now = fstat_of(&f->st[i]);
		was.size = get_u64(&r);
		was.ino = get_u64(&r);
		was.mtime_ns = (int64_t)get_u64(&r);
		was.ctime_ns = (int64_t)get_u64(&r);
		int hashed = get_u32(&r) == 1;
		struct cache_hash h = hashed ? get_hash(&r) : (struct cache_hash){ 0, 0 };
		same = path && plen == strlen(f->v[i]) && !memcmp(path, f->v[i], plen) &&
		       f->st[i].st_mode && was.size == now.size;
		if (same && was.mtime_ns)
			same = was.ino == now.ino && was.mtime_ns == now.mtime_ns &&
			       was.ctime_ns == now.ctime_ns;
		else if (same) /* racy when recorded: its bytes, or not the same */
			same = hashed && same_bytes(f->v[i], was.size, h);
	}
	struct reader records = r;
	uint64_t nrec = same ? get_u64(&r) : 0;
	for (uint64_t i = 0; same && i < nrec && !r.bad; i++) {
		size_t len;
		get_u32(&r);
		get_strref(&r, &len);
		get_u32(&r);
		get_u32(&r);
		get_strref(&r, &len);
		same = get_strref(&r, &len) != NULL;
	}
	size_t hlen, tlen;
	const char *h = same ? get_strref(&r, &hlen) : NULL;
	const char *t = same ? get_strref(&r, &tlen) : NULL;
	same = same && !r.bad && h && t;
	if (same) {
		same = prefetch_all_same(c) && read_manifest(c, 0);
	}
	if (same) {
		r = records;
		nrec = get_u64(&r);
		for (uint64_t i = 0; i < nrec; i++) {
			size_t len;
			uint32_t level = get_u32(&r);
			const char *file = get_strref(&r, &len);
			uint32_t line = get_u32(&r), col = get_u32(&r);
			const char *kind = get_strref(&r, &len);
			const char *msg = get_strref(&r, &len);
			diag_report(d, level == DIAG_ERROR ? DIAG_ERROR : DIAG_WARNING, file, line, col,
				    kind, "%s", msg);
		}
		*head = xstrdup(h);
		*tail = xstrdup(t);
	}
	blob_release(c, &blob);
	return same;
}

/* ---- the walk's memo ---- */

/*
 * Payload: the working folder and the content path; u64 n, then per
 * folder its path and mtime; u64 n, then per posting file its path.
 */
static void walk_where(struct buf *b, const char *content)
{
	char cwd[PATH_MAX];
	put_str(b, getcwd(cwd, sizeof cwd) ? cwd : "");
	put_str(b, content);
}

int cache_walk_get(struct build_cache *c, const char *content, struct ingest_found *f)
{
	struct buf blob = BUF_INIT, where = BUF_INIT;
	struct cache_hash key = { 0, 0 };
	size_t off = load(c, c->walk_path, KIND_WALK, &key, &blob, NULL);
	if (!off)
		return 0;
	struct reader r = { (const unsigned char *)blob.p + off,
			    (const unsigned char *)blob.p + blob.n, 0 };
	walk_where(&where, content);
	int ok = reader_take(&r, where.n) && !memcmp(r.p - where.n, where.p, where.n);
	uint64_t ndirs = ok ? get_u64(&r) : 0;
	ok = ok && ndirs && ndirs <= blob.n;
	for (uint64_t i = 0; ok && i < ndirs; i++) {
		size_t plen;
		const char *dir = get_strref(&r, &plen);
		int64_t was = (int64_t)get_u64(&r);
		struct stat st;
		/* the content folder as the walk takes it (stat), the others as
		 * it met them (lstat: a folder now a link is not the same) */
		ok = dir && !r.bad &&
		     (i ? lstat(dir, &st) : stat(dir, &st)) == 0 && S_ISDIR(st.st_mode) &&
		     was == (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	}
	uint64_t n = ok ? get_u64(&r) : 0;
	ok = ok && !r.bad && n <= blob.n;
	struct ingest_found got = { 0 };
	for (uint64_t i = 0; ok && i < n; i++) {
		size_t plen;
		const char *path = get_strref(&r, &plen);
		if (!path || r.bad) {
			ok = 0;
			break;
		}
		got.v = xgrow(got.v, &got.cap, got.n + 1, sizeof *got.v);
		got.v[got.n++] = xstrndup(path, plen);
	}
	ok = ok && r.p == r.end;
	if (ok) {
		/* no stat yet: ingest_found_stat() takes them all */
		got.st = xcalloc(got.n ? got.n : 1, sizeof *got.st);
		got.st_cap = got.n;
		*f = got;
	} else {
		ingest_found_release(&got);
	}
	buf_release(&where);
	blob_release(c, &blob);
	return ok;
}

void cache_walk_put(struct build_cache *c, const char *content, const struct ingest_found *f,
		    int64_t started_ns)
{
	int ok = !f->unclean && f->ndirs;
	for (size_t i = 0; ok && i < f->ndirs; i++)
		ok = f->dir_mtime[i] <= started_ns - (int64_t)RACY_SECONDS * 1000000000;
	if (!ok) {
		unlink(c->walk_path);
		return;
	}
	struct buf b = BUF_INIT;
	walk_where(&b, content);
	put_u64(&b, f->ndirs);
	for (size_t i = 0; i < f->ndirs; i++) {
		put_str(&b, f->dirs[i]);
		put_u64(&b, (uint64_t)f->dir_mtime[i]);
	}
	put_u64(&b, f->n);
	for (size_t i = 0; i < f->n; i++)
		put_str(&b, f->v[i]);
	save(c, c->walk_path, KIND_WALK, (struct cache_hash){ 0, 0 }, buf_slice(&b));
	buf_release(&b);
}
