/*
 * descstore.c - descriptions set aside in an unlinked file (descstore.h).
 */
#include "descstore.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "jobfmt.h"
#include "util.h"

struct descstore {
	int fd;
	pthread_mutex_t lock;
	long long end;          /* the next free byte */
	int read_failed;        /* the errno of the first failed read, 0 = none */
	pthread_t dropper;      /* descstore_drop()'s thread, while `dropping` */
	int dropping;
};

struct descstore *descstore_open(const char *dir)
{
	if (mkdir_p(dir, 0755) < 0)
		return NULL;
	int fd = -1;
#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#endif
	if (fd < 0) {
		/* a file system without O_TMPFILE: a named file, unlinked at once */
		char *tmpl = path_join(dir, "descriptions-XXXXXX");
		fd = mkostemp(tmpl, O_CLOEXEC);
		if (fd >= 0)
			unlink(tmpl);
		free(tmpl);
	}
	if (fd < 0)
		return NULL;
	struct descstore *s = xcalloc(1, sizeof *s);
	s->fd = fd;
	pthread_mutex_init(&s->lock, NULL);
	return s;
}

static void *drop_run(void *arg)
{
	close(((struct descstore *)arg)->fd);
	return NULL;
}

void descstore_drop(struct descstore *s)
{
	if (!s || s->dropping || s->fd < 0)
		return;
	s->dropping = 1; /* reads fail from now on */
	if (pthread_create(&s->dropper, NULL, drop_run, s) != 0) {
		close(s->fd);
		s->fd = -1;
		s->dropping = 0;
	}
}

void descstore_close(struct descstore *s)
{
	if (!s)
		return;
	if (s->dropping)
		pthread_join(s->dropper, NULL);
	else if (s->fd >= 0)
		close(s->fd);
	pthread_mutex_destroy(&s->lock);
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

static size_t bytes_of(unsigned len)
{
	return len == DESC_ABSENT ? 0 : len;
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
	p->desc_summary = buf_detach(&sum, NULL);
	p->desc_hash = h;
	free(p->description_html);
	free(p->description_text);
	p->description_html = p->description_text = NULL;
	p->desc_loaded = 0;
	return 0;
}

/* Read `len` bytes at `off` as a new string; NULL for DESC_ABSENT or a
 * failed read (said once). */
static char *read_str(struct descstore *s, long long off, unsigned len, int *failed)
{
	if (len == DESC_ABSENT)
		return NULL;
	char *v = xmalloc((size_t)len + 1);
	if (read_all(s, v, len, off) < 0) {
		free(v);
		*failed = 1;
		return NULL;
	}
	v[len] = 0;
	return v;
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

int posting_desc_load(struct posting *p)
{
	if (!p->desc_store || p->desc_loaded)
		return 0;
	int failed = 0;
	p->description_html = read_str(p->desc_store, p->desc_off, p->desc_html_len, &failed);
	p->description_text = read_str(p->desc_store, p->desc_off + (long long)bytes_of(p->desc_html_len),
				       p->desc_text_len, &failed);
	p->desc_loaded = 1;
	if (failed)
		say_failed(p->desc_store);
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
	if (read_all(p->desc_store, scratch->p, p->desc_text_len,
		     p->desc_off + (long long)bytes_of(p->desc_html_len)) < 0) {
		say_failed(p->desc_store);
		return (struct slice){ "", 0 };
	}
	scratch->n = p->desc_text_len;
	scratch->p[scratch->n] = 0;
	return buf_slice(scratch);
}

void posting_desc_read(const struct posting *p, struct buf *scratch, const char **html,
		       const char **text)
{
	*html = p->description_html;
	*text = p->description_text;
	if (!p->desc_store || p->desc_loaded)
		return;
	size_t hn = bytes_of(p->desc_html_len), tn = bytes_of(p->desc_text_len);
	buf_reset(scratch);
	buf_grow(scratch, hn + tn + 2);
	char *h = scratch->p, *t = scratch->p + hn + 1;
	if ((hn && read_all(p->desc_store, h, hn, p->desc_off) < 0) ||
	    (tn && read_all(p->desc_store, t, tn, p->desc_off + (long long)hn) < 0)) {
		say_failed(p->desc_store);
		hn = tn = 0;
	}
	h[hn] = 0;
	t[tn] = 0;
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
