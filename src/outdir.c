#include "outdir.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static void set_error(struct outdir *o, const char *what, const char *path)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "cannot %s '%s': %s", what, path, strerror(errno));
	free(o->error);
	o->error = buf_detach(&b, NULL);
}

int outdir_open(struct outdir *o, const char *final)
{
	memset(o, 0, sizeof *o);
	size_t n = strlen(final);
	while (n > 1 && final[n - 1] == '/')
		n--;
	o->final = xstrndup(final, n);
	struct buf t = BUF_INIT;
	buf_printf(&t, "%s.tmp-XXXXXX", o->final);
	const char *slash = strrchr(o->final, '/');
	if (slash && slash != o->final) {
		char *parent = xstrndup(o->final, (size_t)(slash - o->final));
		if (mkdir_p(parent, 0755) < 0) {
			set_error(o, "create", parent);
			free(parent);
			buf_release(&t);
			return -1;
		}
		free(parent);
	}
	if (!mkdtemp(t.p)) {
		set_error(o, "create", t.p);
		buf_release(&t);
		return -1;
	}
	chmod(t.p, 0755);
	o->tmp = buf_detach(&t, NULL);
	return 0;
}

/* ---- writer threads ---- */

/* Queued at most, across the threads: bounds the memory held by pages
 * waiting for the disk. */
#define POOL_MAX_BYTES (8u << 20)
#define POOL_MAX_FILES 1024

struct wjob {
	struct wjob *next;
	char *path;
	size_t n;
	char data[];
};

struct wqueue {
	struct outdir_pool *pool;
	pthread_t th;
	pthread_cond_t cv;
	struct wjob *head, *tail;
};

struct outdir_pool {
	pthread_mutex_t lock;
	pthread_cond_t room, idle;
	struct wqueue *q;
	int n, stop;
	size_t pending, bytes;
	char *error; /* the first failure */
};

static void *writer(void *arg)
{
	struct wqueue *q = arg;
	struct outdir_pool *p = q->pool;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!q->head && !p->stop)
			pthread_cond_wait(&q->cv, &p->lock);
		struct wjob *j = q->head;
		if (!j)
			break;
		q->head = j->next;
		if (!q->head)
			q->tail = NULL;
		int failed = p->error != NULL;
		pthread_mutex_unlock(&p->lock);
		char *msg = NULL;
		if (!failed && write_file(j->path, j->data, j->n) < 0) {
			struct buf b = BUF_INIT;
			buf_printf(&b, "cannot write '%s': %s", j->path, strerror(errno));
			msg = buf_detach(&b, NULL);
		}
		size_t n = j->n;
		free(j->path);
		free(j);
		pthread_mutex_lock(&p->lock);
		if (msg && !p->error)
			p->error = msg;
		else
			free(msg);
		p->pending--;
		p->bytes -= n;
		pthread_cond_signal(&p->room);
		if (!p->pending)
			pthread_cond_broadcast(&p->idle);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

void outdir_start_writers(struct outdir *o, int n)
{
	if (n < 1 || o->pool)
		return;
	struct outdir_pool *p = xcalloc(1, sizeof *p);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->room, NULL);
	pthread_cond_init(&p->idle, NULL);
	p->q = xcalloc((size_t)n, sizeof *p->q);
	for (int i = 0; i < n; i++) {
		p->q[i].pool = p;
		pthread_cond_init(&p->q[i].cv, NULL);
		if (pthread_create(&p->q[i].th, NULL, writer, &p->q[i]) != 0)
			break;
		p->n++;
	}
	if (!p->n) {
		pthread_cond_destroy(&p->q[0].cv);
		free(p->q);
		free(p);
		return;
	}
	o->pool = p;
}

static int pool_failed(struct outdir *o)
{
	struct outdir_pool *p = o->pool;
	if (!p->error)
		return 0;
	free(o->error);
	o->error = xstrdup(p->error);
	return -1;
}

int outdir_wait(struct outdir *o)
{
	struct outdir_pool *p = o->pool;
	if (!p)
		return 0;
	pthread_mutex_lock(&p->lock);
	while (p->pending)
		pthread_cond_wait(&p->idle, &p->lock);
	int r = pool_failed(o);
	pthread_mutex_unlock(&p->lock);
	return r;
}

/* Write what is queued, then end the threads. */
static void pool_stop(struct outdir *o)
{
	struct outdir_pool *p = o->pool;
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	for (int i = 0; i < p->n; i++)
		pthread_cond_signal(&p->q[i].cv);
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; i < p->n; i++) {
		pthread_join(p->q[i].th, NULL);
		pthread_cond_destroy(&p->q[i].cv);
	}
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->room);
	pthread_cond_destroy(&p->idle);
	free(p->error);
	free(p->q);
	free(p);
	o->pool = NULL;
}

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int pool_write(struct outdir *o, const char *rel, struct slice data)
{
	struct outdir_pool *p = o->pool;
	struct wjob *j = xmalloc(sizeof *j + data.n);
	j->next = NULL;
	j->path = path_join(o->tmp, rel);
	j->n = data.n;
	if (data.n)
		memcpy(j->data, data.p, data.n);
	struct wqueue *q = &p->q[name_hash(rel) % (uint32_t)p->n];
	pthread_mutex_lock(&p->lock);
	while (!p->error && p->pending &&
	       (p->bytes + data.n > POOL_MAX_BYTES || p->pending >= POOL_MAX_FILES))
		pthread_cond_wait(&p->room, &p->lock);
	if (pool_failed(o) < 0) {
		pthread_mutex_unlock(&p->lock);
		free(j->path);
		free(j);
		return -1;
	}
	if (q->tail)
		q->tail->next = j;
	else
		q->head = j;
	q->tail = j;
	p->pending++;
	p->bytes += data.n;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&p->lock);
	o->files++, o->bytes += data.n;
	return 0;
}

int outdir_write(struct outdir *o, const char *rel, struct slice data)
{
	if (o->pool)
		return pool_write(o, rel, data);
	char *path = path_join(o->tmp, rel);
	int r = write_file(path, data.p, data.n);
	if (r < 0)
		set_error(o, "write", path);
	else
		o->files++, o->bytes += data.n;
	free(path);
	return r;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

long outdir_copy_tree(struct outdir *o, const char *src, const char *rel)
{
	DIR *d = opendir(src);
	if (!d)
		return errno == ENOENT ? 0 : (set_error(o, "read", src), -1);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		names = xgrow(names, &cap, n + 1, sizeof *names);
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_name);
	long copied = 0;
	struct buf data = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		char *from = path_join(src, names[i]);
		char *to = *rel ? path_join(rel, names[i]) : xstrdup(names[i]);
		struct stat st;
		long r = 0;
		if (lstat(from, &st) < 0) {
			set_error(o, "read", from);
			r = -1;
		} else if (S_ISDIR(st.st_mode)) {
			r = outdir_copy_tree(o, from, to);
		} else if (S_ISREG(st.st_mode)) {
			buf_reset(&data);
			if (read_file(from, &data, 0) < 0) {
				set_error(o, "read", from);
				r = -1;
			} else {
				r = outdir_write(o, to, buf_slice(&data)) < 0 ? -1 : 1;
			}
		}
		free(from);
		free(to);
		if (r < 0) {
			copied = -1;
			for (size_t k = i; k < n; k++)
				free(names[k]);
			break;
		}
		copied += r;
		free(names[i]);
	}
	buf_release(&data);
	free(names);
	return copied;
}

int outdir_commit(struct outdir *o)
{
	struct stat st;
	char *old = NULL;
	int failed = outdir_wait(o);
	pool_stop(o);
	if (failed < 0)
		return -1;
	if (lstat(o->final, &st) == 0) {
		struct buf b = BUF_INIT;
		buf_printf(&b, "%s.old-XXXXXX", o->final);
		/* mkdtemp reserves a unique name; rename() then replaces that empty dir. */
		if (!mkdtemp(b.p)) {
			set_error(o, "create", b.p);
			buf_release(&b);
			return -1;
		}
		old = buf_detach(&b, NULL);
		if (rename(o->final, old) < 0) {
			set_error(o, "move away", o->final);
			rmdir(old);
			free(old);
			return -1;
		}
	}
	if (rename(o->tmp, o->final) < 0) {
		set_error(o, "move into place", o->tmp);
		if (old && rename(old, o->final) < 0)
			perror("jobsite: cannot restore the previous output");
		free(old);
		return -1;
	}
	free(o->tmp);
	o->tmp = NULL;
	if (old) {
		remove_tree(old);
		free(old);
	}
	return 0;
}

void outdir_release(struct outdir *o)
{
	pool_stop(o);
	if (o->tmp)
		remove_tree(o->tmp);
	free(o->tmp);
	free(o->final);
	free(o->error);
	memset(o, 0, sizeof *o);
}
