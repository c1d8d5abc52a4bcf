/*
 * descstore.c - descriptions kept in a file beside the output (descstore.h).
 */
#include "descstore.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "diag.h"
#include "ingest.h"
#include "jobfmt.h"
#include "rx.h"
#include "util.h"

#define DESC_MAGIC "JSDESC\0\0"
#define DESC_FORMAT 1u
#define DESC_HEADER DESC_FIRST /* magic, format, 0, id */

struct descstore {
	int fd;
	char *path;
	pthread_mutex_t lock;
	long long end;          /* the next free byte */
	unsigned char id[16];
	int read_failed;        /* the errno of the first failed read, 0 = none */
	int dropping;
	/* descstore_repair_with() */
	struct ingest_opts *reopts;
	struct diag *d;
	const char **said;      /* the postings' sources made again, each once */
	size_t nsaid, said_cap;
};

uint64_t descstore_check(const char *s, size_t n)
{
	return s ? XXH3_64bits(s, n) : 0;
}

static void new_id(unsigned char id[16])
{
	if (getrandom(id, 16, 0) == 16)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	long long seed[3] = { ts.tv_sec, ts.tv_nsec, getpid() };
	XXH128_hash_t h = XXH3_128bits(seed, sizeof seed);
	memcpy(id, &h.low64, 8);
	memcpy(id + 8, &h.high64, 8);
}

/* The file at `path` when it holds `want`: its fd, else -1. */
static int open_kept(const char *path, const unsigned char want[16], long long *size)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	unsigned char h[DESC_HEADER];
	struct stat st;
	uint32_t format;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= DESC_HEADER &&
	    pread(fd, h, sizeof h, 0) == (ssize_t)sizeof h && !memcmp(h, DESC_MAGIC, 8) &&
	    (memcpy(&format, h + 8, 4), format == DESC_FORMAT) && !memcmp(h + 16, want, 16)) {
		*size = (long long)st.st_size;
		return fd;
	}
	close(fd);
	return -1;
}

/* A new empty store file with a new id, in place of whatever was at `path`. */
static int open_new(const char *path, unsigned char id[16])
{
	char *tmpl = xmalloc(strlen(path) + 8);
	sprintf(tmpl, "%s.XXXXXX", path);
	int fd = mkostemp(tmpl, O_CLOEXEC);
	if (fd < 0) {
		free(tmpl);
		return -1;
	}
	fchmod(fd, 0644);
	unsigned char h[DESC_HEADER] = { 0 };
	memcpy(h, DESC_MAGIC, 8);
	uint32_t format = DESC_FORMAT;
	memcpy(h + 8, &format, 4);
	new_id(id);
	memcpy(h + 16, id, 16);
	if (pwrite(fd, h, sizeof h, 0) != (ssize_t)sizeof h || rename(tmpl, path) < 0) {
		unlink(tmpl);
		close(fd);
		fd = -1;
	}
	free(tmpl);
	return fd;
}

struct descstore *descstore_open(const char *path, const unsigned char want[16], int *kept)
{
	*kept = 0;
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir_p(dir, 0755) < 0) {
			free(dir);
			return NULL;
		}
	}
	free(dir);
	long long size = DESC_HEADER;
	unsigned char id[16];
	int fd = want ? open_kept(path, want, &size) : -1;
	if (fd >= 0) {
		memcpy(id, want, 16);
		*kept = 1;
	} else {
		fd = open_new(path, id);
	}
	if (fd < 0)
		return NULL;
	struct descstore *s = xcalloc(1, sizeof *s);
	s->fd = fd;
	s->path = xstrdup(path);
	s->end = size;
	memcpy(s->id, id, 16);
	pthread_mutex_init(&s->lock, NULL);
	return s;
}

const unsigned char *descstore_id(const struct descstore *s)
{
	return s->id;
}

long long descstore_size(const struct descstore *s)
{
	pthread_mutex_lock((pthread_mutex_t *)&s->lock);
	long long n = s->end;
	pthread_mutex_unlock((pthread_mutex_t *)&s->lock);
	return n;
}

void descstore_repair_with(struct descstore *s, const struct ingest_opts *o, struct diag *d)
{
	if (!s)
		return;
	free(s->reopts);
	s->reopts = xmalloc(sizeof *s->reopts);
	*s->reopts = *o;
	s->reopts->cache = NULL;
	s->reopts->spill = NULL;
	s->reopts->progress = NULL;
	s->reopts->each_file = NULL;
	s->reopts->jobs = 1;
	s->d = d;
}

unsigned descstore_repaired(const struct descstore *s)
{
	if (!s)
		return 0;
	pthread_mutex_lock((pthread_mutex_t *)&s->lock);
	unsigned n = (unsigned)s->nsaid;
	pthread_mutex_unlock((pthread_mutex_t *)&s->lock);
	return n;
}

void descstore_drop(struct descstore *s)
{
	if (!s || s->dropping || s->fd < 0)
		return;
	s->dropping = 1; /* reads fail from now on */
	close(s->fd);
	s->fd = -1;
}

void descstore_close(struct descstore *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	pthread_mutex_destroy(&s->lock);
	free(s->reopts);
	free(s->said);
	free(s->path);
	free(s);
}

static int write_all(int fd, const char *p, size_t n, long long off)
{
	while (n) {
		ssize_t w = pwrite(fd, p, n, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
		off += w;
	}
	return 0;
}

static int read_all(const struct descstore *s, char *p, size_t n, long long off)
{
	/* after descstore_drop() nothing is read any more */
	if (s->dropping) {
		errno = EBADF;
		return -1;
	}
	while (n) {
		ssize_t r = pread(s->fd, p, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
		off += r;
	}
	return 0;
}

static unsigned len_of(const char *s)
{
	return s ? (unsigned)strlen(s) : DESC_ABSENT;
}

static void say_failed(struct descstore *s)
{
	int e = errno ? errno : EIO, none = 0;
	__atomic_compare_exchange_n(&s->read_failed, &none, e, 0, __ATOMIC_RELAXED,
				    __ATOMIC_RELAXED);
}

int descstore_failed(const struct descstore *s)
{
	return s ? __atomic_load_n(&s->read_failed, __ATOMIC_RELAXED) : 0;
}

int descstore_put(struct descstore *s, struct posting *p)
{
	if (!s || p->borrowed || p->desc_store)
		return -1;
	const char *html = p->description_html, *text = p->description_text;
	size_t hn = html ? strlen(html) : 0, tn = text ? strlen(text) : 0;
	if ((html && hn >= DESC_ABSENT) || (text && tn >= DESC_ABSENT))
		return -1; /* cannot be: files are limited to far less */
	struct buf sum = BUF_INIT;
	posting_desc_summary(p, &sum);
	uint64_t h = posting_desc_hash(p);
	pthread_mutex_lock(&s->lock);
	long long off = s->end;
	s->end += (long long)(hn + tn);
	pthread_mutex_unlock(&s->lock);
	if ((hn && write_all(s->fd, html, hn, off) < 0) ||
	    (tn && write_all(s->fd, text, tn, off + (long long)hn) < 0)) {
		buf_release(&sum);
		return -1;
	}
	p->desc_store = s;
	p->desc_off = off;
	p->desc_html_len = len_of(html);
	p->desc_text_len = len_of(text);
	p->desc_check[0] = descstore_check(html, hn);
	p->desc_check[1] = descstore_check(text, tn);
	p->desc_summary = buf_detach(&sum, NULL);
	p->desc_hash = h;
	free(p->description_html);
	free(p->description_text);
	p->description_html = p->description_text = NULL;
	p->desc_loaded = 0;
	return 0;
}

static unsigned part_len(const struct posting *p, int which)
{
	return which ? p->desc_text_len : p->desc_html_len;
}

/*
 * Part `which` (0 the HTML, 1 the text) of a damaged description made
 * again from the posting's source file, into dst (room for its length and
 * a NUL).  Only a part that matches its check hash is taken.  0, or -1.
 */
static int remake(const struct posting *p, int which, char *dst)
{
	struct descstore *s = p->desc_store;
	if (!s->reopts || s->dropping || !p->source)
		return -1;
	struct diag quiet;
	diag_init(&quiet, NULL);
	struct posting_list l = { 0 };
	ingest_file(p->source, s->reopts, &quiet, &l);
	int r = -1;
	if (p->desc_nth < l.n) {
		const struct posting *q = l.v[p->desc_nth];
		const char *v = which ? q->description_text : q->description_html;
		size_t n = v ? strlen(v) : 0;
		if (len_of(v) == part_len(p, which) && descstore_check(v, n) == p->desc_check[which]) {
			memcpy(dst, v, n);
			dst[n] = 0;
			r = 0;
		}
	}
	posting_list_release(&l);
	diag_release(&quiet);
	ingest_thread_release();
	rx_thread_release();
	if (r == 0) {
		/* said once per posting, however many times it is read */
		pthread_mutex_lock(&s->lock);
		size_t i = 0;
		while (i < s->nsaid && s->said[i] != p->source)
			i++;
		int say = i == s->nsaid;
		if (say) {
			s->said = xgrow(s->said, &s->said_cap, s->nsaid + 1, sizeof *s->said);
			s->said[s->nsaid++] = p->source;
		}
		pthread_mutex_unlock(&s->lock);
		if (say && s->d)
			diag_report(s->d, DIAG_ADVISORY, s->path, 0, 0, NULL,
				    "build cache is damaged: the description of '%s' did not read "
				    "back as written; made again from that file",
				    p->source);
	}
	return r;
}

/* Part `which` of p's description into dst (room for its length and a
 * NUL), checked against its hash; a damaged one is made again.  0, or -1
 * (said once on the store). */
static int read_part(const struct posting *p, int which, char *dst)
{
	unsigned len = part_len(p, which);
	if (len == DESC_ABSENT)
		return 0;
	long long off = p->desc_off + (which ? (long long)(p->desc_html_len == DESC_ABSENT ? 0 : p->desc_html_len) : 0);
	errno = 0;
	if (read_all(p->desc_store, dst, len, off) == 0 &&
	    descstore_check(dst, len) == p->desc_check[which]) {
		dst[len] = 0;
		return 0;
	}
	int e = errno;
	if (remake(p, which, dst) == 0)
		return 0;
	errno = e ? e : EIO;
	say_failed(p->desc_store);
	dst[0] = 0;
	return -1;
}

/* Part `which` as a new string; NULL when absent or unreadable (*failed). */
static char *read_str(const struct posting *p, int which, int *failed)
{
	unsigned len = part_len(p, which);
	if (len == DESC_ABSENT)
		return NULL;
	char *v = xmalloc((size_t)len + 1);
	if (read_part(p, which, v) < 0) {
		free(v);
		*failed = 1;
		return NULL;
	}
	return v;
}

int posting_desc_load(struct posting *p)
{
	if (!p->desc_store || p->desc_loaded)
		return 0;
	int failed = 0;
	p->description_html = read_str(p, 0, &failed);
	p->description_text = read_str(p, 1, &failed);
	p->desc_loaded = 1;
	return failed ? -1 : 0;
}

void posting_desc_unload(struct posting *p)
{
	if (!p->desc_store)
		return;
	free(p->description_html);
	free(p->description_text);
	p->description_html = p->description_text = NULL;
	p->desc_loaded = 0;
}

struct slice posting_desc_text(const struct posting *p, struct buf *scratch)
{
	if (!p->desc_store || p->desc_loaded)
		return slice_from(p->description_text ? p->description_text : "");
	buf_reset(scratch);
	if (p->desc_text_len == DESC_ABSENT)
		return (struct slice){ "", 0 };
	buf_grow(scratch, (size_t)p->desc_text_len + 1);
	if (read_part(p, 1, scratch->p) < 0)
		return (struct slice){ "", 0 };
	scratch->n = p->desc_text_len;
	return buf_slice(scratch);
}

void posting_desc_read(const struct posting *p, struct buf *scratch, const char **html,
		       const char **text)
{
	*html = p->description_html;
	*text = p->description_text;
	if (!p->desc_store || p->desc_loaded)
		return;
	size_t tn = p->desc_text_len == DESC_ABSENT ? 0 : p->desc_text_len;
	size_t hn = posting_desc_bytes(p) - tn;
	buf_reset(scratch);
	buf_grow(scratch, hn + tn + 2);
	char *h = scratch->p, *t = scratch->p + hn + 1;
	h[0] = t[0] = 0;
	if (read_part(p, 0, h) < 0 || read_part(p, 1, t) < 0)
		h[0] = t[0] = 0;
	scratch->n = hn + tn + 2;
	*html = p->desc_html_len == DESC_ABSENT ? NULL : h;
	*text = p->desc_text_len == DESC_ABSENT ? NULL : t;
}

void posting_desc_summary(const struct posting *p, struct buf *out)
{
	if (p->desc_store)
		buf_puts(out, p->desc_summary ? p->desc_summary : "");
	else
		jobfmt_summary(out, p->description_text, DESC_SUMMARY_CHARS);
}

uint64_t posting_desc_hash(const struct posting *p)
{
	if (p->desc_store || p->desc_hash_known)
		return p->desc_hash;
	const char *d = p->description_html ? p->description_html
					    : p->description_text ? p->description_text : "";
	return XXH3_64bits(d, strlen(d));
}
