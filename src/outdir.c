#include "outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "cache.h"
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
	o->final_fd = -1;
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

/* ---- the files of this build (for the manifest) ---- */

struct outdir_names {
	size_t *v;   /* index + 1 into o->items, 0 = empty */
	uint64_t *h; /* the hash of the path in v[i] (paths compared only when equal) */
	size_t cap;
};

static void names_alloc(struct outdir *o, size_t cap)
{
	o->names = xcalloc(1, sizeof *o->names);
	o->names->cap = cap;
	o->names->v = xcalloc(cap, sizeof *o->names->v);
	o->names->h = xcalloc(cap, sizeof *o->names->h);
}

static size_t *name_slot_h(struct outdir *o, const char *rel, uint64_t h)
{
	struct outdir_names *t = o->names;
	size_t i = (size_t)h & (t->cap - 1);
	while (t->v[i] && (t->h[i] != h || strcmp(o->items[t->v[i] - 1].path, rel)))
		i = (i + 1) & (t->cap - 1);
	return &t->v[i];
}

static size_t *name_slot(struct outdir *o, const char *rel)
{
	return name_slot_h(o, rel, XXH3_64bits(rel, strlen(rel)));
}

/* The item for `rel`, made if new; *fresh says which.  `entry`: its
 * number in the old manifest (cache_file.entry), or NO_ENTRY to look. */
#define NO_ENTRY ((size_t)-1)
static struct manifest_item *record_at(struct outdir *o, const char *rel, int *fresh,
				       size_t entry)
{
	if (o->cache && o->incremental) {
		const struct cache_file *f = entry == NO_ENTRY ? cache_manifest_find(o->cache, rel)
							      : NULL;
		if (f)
			entry = f->entry;
		if (entry != NO_ENTRY)
			cache_manifest_seen(o->cache, entry);
	}
	if (!o->names) {
		/* room for the last build's files without growing */
		size_t cap = 1024, n = o->cache ? cache_manifest_nfiles(o->cache) : 0;
		while (cap < 2 * n + 2)
			cap *= 2;
		names_alloc(o, cap);
	}
	uint64_t h = XXH3_64bits(rel, strlen(rel));
	size_t *slot = name_slot_h(o, rel, h);
	*fresh = !*slot;
	if (*slot)
		return &o->items[*slot - 1];
	o->items = xgrow(o->items, &o->items_cap, o->nitems + 1, sizeof *o->items);
	struct manifest_item *it = &o->items[o->nitems++];
	memset(it, 0, sizeof *it);
	it->path = xstrdup(rel);
	*slot = o->nitems;
	o->names->h[slot - o->names->v] = h;
	if (2 * o->nitems > o->names->cap) {
		struct outdir_names *old = o->names;
		names_alloc(o, old->cap * 2);
		for (size_t i = 0; i < old->cap; i++) {
			if (!old->v[i])
				continue;
			/* each path once: its probe ends at an empty slot */
			size_t *to = name_slot_h(o, o->items[old->v[i] - 1].path, old->h[i]);
			*to = old->v[i];
			o->names->h[to - o->names->v] = old->h[i];
		}
		free(old->v);
		free(old->h);
		free(old);
	}
	return it;
}

static struct manifest_item *record(struct outdir *o, const char *rel, int *fresh)
{
	return record_at(o, rel, fresh, NO_ENTRY);
}

/* Is the old manifest's entry `entry`, file `rel` of `size` bytes, on
 * disk as it says? */
static int unchanged_entry(const struct outdir *o, const char *rel, size_t entry, uint64_t size)
{
	/* the stat the helper took as the build started (cache.h) */
	int known = cache_manifest_entry_same(o->cache, entry);
	if (known >= 0)
		return known;
	/* Relative to the output folder: the lookup walks only rel's own
	 * components (a rebuild checks every kept page this way). */
	struct stat st;
	int same;
	if (o->final_fd >= 0) {
		same = fstatat(o->final_fd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0;
	} else {
		char *path = path_join(o->final, rel);
		same = lstat(path, &st) == 0;
		free(path);
	}
	return same && S_ISREG(st.st_mode) && (uint64_t)st.st_size == size;
}

/* Does the output already hold these bytes at `rel`? */
static int unchanged(const struct outdir *o, const char *rel, uint64_t size, struct cache_hash h)
{
	const struct cache_file *f = cache_manifest_find(o->cache, rel);
	return f && f->size == size && cache_hash_eq(f->hash, h) &&
	       unchanged_entry(o, rel, f->entry, size);
}

void outdir_use_cache(struct outdir *o, struct build_cache *c)
{
	struct stat st;
	o->cache = c;
	o->incremental = c && c->manifest_ok && lstat(o->final, &st) == 0 && S_ISDIR(st.st_mode);
	if (o->incremental && o->final_fd < 0)
		o->final_fd = open(o->final, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

int outdir_has(const struct outdir *o, const char *rel, uint64_t size, struct cache_hash h)
{
	return o->incremental && unchanged(o, rel, size, h);
}

void outdir_record(struct outdir *o, const char *rel, uint64_t size, struct cache_hash h, int kept)
{
	if (!o->cache)
		return;
	int fresh;
	struct manifest_item *it = record(o, rel, &fresh);
	it->size = size;
	it->hash = h;
	it->key = (struct cache_hash){ 0, 0 };
	o->unchanged += kept;
}

struct keep {
	struct outdir *o;
	const char *prefix, *counted;
	size_t plen, files, bytes;
	int pass, ok;
};

static int keep_one(void *ctx, const struct cache_file *f)
{
	struct keep *k = ctx;
	if (f->path_len < k->plen || memcmp(f->path, k->prefix, k->plen))
		return 0;
	char *rel = xstrndup(f->path, f->path_len);
	if (!k->pass) {
		k->ok = unchanged(k->o, rel, f->size, f->hash);
	} else {
		int fresh;
		struct manifest_item *it = record_at(k->o, rel, &fresh, f->entry);
		it->size = f->size;
		it->hash = f->hash;
		it->key = f->key;
		k->o->unchanged++;
		size_t cn = k->counted ? strlen(k->counted) : 0;
		if (!cn || (f->path_len >= cn && !memcmp(f->path + f->path_len - cn, k->counted, cn))) {
			k->files++;
			k->bytes += f->size;
		}
	}
	free(rel);
	return !k->ok;
}

long outdir_keep(struct outdir *o, const char *prefix, const char *counted, size_t *bytes)
{
	if (!o->incremental)
		return -1;
	struct keep k = { o, prefix, counted, strlen(prefix), 0, 0, 0, 1 };
	cache_manifest_each(o->cache, keep_one, &k);
	if (!k.ok)
		return -1;
	k.pass = 1;
	cache_manifest_each(o->cache, keep_one, &k);
	if (bytes)
		*bytes = k.bytes;
	return (long)k.files;
}

static int write_now(struct outdir *o, const char *rel, struct slice data)
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

int outdir_keep_file(struct outdir *o, const char *rel, const unsigned char *key)
{
	if (!o->incremental || !key)
		return 0;
	const struct cache_file *f = cache_manifest_find(o->cache, rel);
	struct cache_hash k = cache_hash_from16(key);
	if (!f || !cache_hash_eq(f->key, k))
		return 0;
	uint64_t size = f->size;
	struct cache_hash hash = f->hash;
	size_t entry = f->entry;
	if (!unchanged_entry(o, rel, entry, size))
		return 0;
	int fresh;
	struct manifest_item *it = record_at(o, rel, &fresh, entry);
	if (!fresh)
		return 0; /* made twice: the second must be written */
	it->size = size;
	it->hash = hash;
	it->key = k;
	o->unchanged++;
	return 1;
}

int outdir_write(struct outdir *o, const char *rel, struct slice data)
{
	return outdir_write_keyed(o, rel, data, NULL);
}

int outdir_write_keyed(struct outdir *o, const char *rel, struct slice data,
		       const unsigned char *key)
{
	if (!o->cache)
		return write_now(o, rel, data);
	int fresh;
	struct manifest_item *it = record(o, rel, &fresh);
	it->size = data.n;
	it->hash = cache_hash_bytes(data.p, data.n);
	it->key = key ? cache_hash_from16(key) : (struct cache_hash){ 0, 0 };
	/* A name written twice (a site's static file over the built-in one)
	 * is always written: its first bytes may be in tmp already. */
	if (o->incremental && fresh && unchanged(o, rel, it->size, it->hash)) {
		o->unchanged++;
		return 0;
	}
	return write_now(o, rel, data);
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

/* ---- the folders of this build ---- */

#define MTIME_UNKNOWN INT64_MIN

struct dirset {
	char **v;       /* owned paths, "" = the root, in the order added: a
			 * folder after its parents, near its first file */
	int64_t *mtime; /* per path: the folder's mtime once clean, or MTIME_UNKNOWN */
	size_t n, vcap;
	size_t *slot;   /* open addressing: index + 1 into v; 0 = empty */
	uint64_t *sh;   /* per slot: the hash of its path (compared first) */
	size_t cap;
};

static size_t *dir_slot_h(const struct dirset *d, const char *p, size_t n, uint64_t h)
{
	size_t i = (size_t)h & (d->cap - 1);
	while (d->slot[i] &&
	       (d->sh[i] != h || strncmp(d->v[d->slot[i] - 1], p, n) || d->v[d->slot[i] - 1][n]))
		i = (i + 1) & (d->cap - 1);
	return &d->slot[i];
}

static size_t *dir_slot(const struct dirset *d, const char *p, size_t n)
{
	return dir_slot_h(d, p, n, XXH3_64bits(p, n));
}

static int dir_has(const struct dirset *d, const char *p, size_t n)
{
	return d->cap && *dir_slot(d, p, n) != 0;
}

static void dir_add(struct dirset *d, const char *p, size_t n)
{
	if (2 * (d->n + 1) > d->cap) {
		free(d->slot);
		free(d->sh);
		d->cap = d->cap ? 2 * d->cap : 64;
		d->slot = xcalloc(d->cap, sizeof *d->slot);
		d->sh = xcalloc(d->cap, sizeof *d->sh);
		for (size_t i = 0; i < d->n; i++) {
			uint64_t h = XXH3_64bits(d->v[i], strlen(d->v[i]));
			size_t *at = dir_slot_h(d, d->v[i], strlen(d->v[i]), h);
			*at = i + 1;
			d->sh[at - d->slot] = h;
		}
	}
	uint64_t h = XXH3_64bits(p, n);
	size_t *s = dir_slot_h(d, p, n, h);
	if (!*s) {
		d->v = xgrow(d->v, &d->vcap, d->n + 1, sizeof *d->v);
		d->v[d->n++] = xstrndup(p, n);
		*s = d->n;
		d->sh[s - d->slot] = h;
	}
}

/*
 * Every folder that holds a file of this build, the root included.  The
 * folders a path shares with the path before it (the same bytes up to a
 * '/') were added for that one: at 100,000 postings half the lookups.
 */
static void dirs_of(const struct outdir *o, struct dirset *d)
{
	size_t cap = 64;
	while (cap < 2 * (o->nitems + 1))
		cap *= 2;
	d->cap = cap; /* sized once: no rehash as it fills */
	d->slot = xcalloc(cap, sizeof *d->slot);
	d->sh = xcalloc(cap, sizeof *d->sh);
	dir_add(d, "", 0);
	const char *prev = "";
	for (size_t i = 0; i < o->nitems; i++) {
		const char *p = o->items[i].path;
		size_t same = 0;
		while (p[same] && p[same] == prev[same])
			same++;
		for (const char *s = p; (s = strchr(s, '/')); s++)
			if ((size_t)(s - p) >= same)
				dir_add(d, p, (size_t)(s - p));
		prev = p;
	}
	d->mtime = xmalloc((d->n ? d->n : 1) * sizeof *d->mtime);
	for (size_t i = 0; i < d->n; i++)
		d->mtime[i] = MTIME_UNKNOWN;
}

static void dirs_free(struct dirset *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i]);
	free(d->v);
	free(d->slot);
	free(d->sh);
	free(d->mtime);
}

/* Move every file under tmp/rel into final/rel (an incremental commit);
 * the folders whose entries this changes go into `touched`. */
static int move_in(struct outdir *o, const char *rel, struct dirset *touched)
{
	char *dir = *rel ? path_join(o->tmp, rel) : xstrdup(o->tmp);
	DIR *d = opendir(dir);
	if (!d) {
		set_error(o, "read", dir);
		free(dir);
		return -1;
	}
	int r = 0;
	struct dirent *e;
	while (!r && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *sub = *rel ? path_join(rel, e->d_name) : xstrdup(e->d_name);
		char *from = path_join(o->tmp, sub), *to = path_join(o->final, sub);
		dir_add(touched, rel, strlen(rel)); /* an entry of final/rel made or replaced */
		struct stat st, dst;
		if (lstat(from, &st) < 0) {
			set_error(o, "read", from);
			r = -1;
		} else if (S_ISDIR(st.st_mode)) {
			/* a file where this build has a folder goes */
			if (lstat(to, &dst) == 0 && !S_ISDIR(dst.st_mode))
				unlink(to);
			if (mkdir(to, 0755) < 0 && errno != EEXIST) {
				set_error(o, "create", to);
				r = -1;
			} else {
				r = move_in(o, sub, touched);
			}
		} else {
			if (lstat(to, &dst) == 0 && S_ISDIR(dst.st_mode))
				remove_tree(to);
			if (rename(from, to) < 0) {
				set_error(o, "move into place", from);
				r = -1;
			}
		}
		free(sub);
		free(from);
		free(to);
	}
	closedir(d);
	free(dir);
	return r;
}

static int64_t mtime_of(const struct outdir *o, const char *rel)
{
	struct stat st;
	int ok;
	if (o->final_fd >= 0) {
		ok = fstatat(o->final_fd, *rel ? rel : ".", &st, AT_SYMLINK_NOFOLLOW) == 0;
	} else {
		char *path = *rel ? path_join(o->final, rel) : xstrdup(o->final);
		ok = lstat(path, &st) == 0;
		free(path);
	}
	return ok && S_ISDIR(st.st_mode)
		? (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec : -1;
}

/*
 * A file of the old output this build did not make: remove it, and the
 * highest folder above it that holds nothing of this build (with any
 * stray file in it).
 */
struct gone {
	struct outdir *o;
	const struct dirset *dirs;
	struct dirset *touched;
};

/* Every folder above `rel` (the root "" included) may have changed. */
static void touch_parents(struct dirset *touched, const char *rel)
{
	dir_add(touched, "", 0);
	for (const char *s = rel; (s = strchr(s, '/')); s++)
		dir_add(touched, rel, (size_t)(s - rel));
}

static int is_touched(const struct dirset *touched, const char *rel)
{
	return dir_has(touched, rel, strlen(rel));
}

static int remove_gone(void *ctx, const struct cache_file *f)
{
	struct gone *g = ctx;
	struct outdir *o = g->o;
	if (f->seen)
		return 0; /* this build made it */
	/* the manifest's paths end with a NUL in its bytes (put_str): looked
	 * up in place, copied only to be cut below */
	int own = f->path[f->path_len] != '\0';
	char *rel = own ? xstrndup(f->path, f->path_len) : (char *)f->path;
	if (!*name_slot_h(o, rel, XXH3_64bits(rel, f->path_len))) {
		if (!own) {
			rel = xstrndup(f->path, f->path_len);
			own = 1;
		}
		char *path = path_join(o->final, rel);
		touch_parents(g->touched, rel);
		unlink(path);
		free(path);
		for (char *s = rel; (s = strchr(s, '/')); s++) {
			if (!dir_has(g->dirs, rel, (size_t)(s - rel))) {
				*s = '\0';
				path = path_join(o->final, rel);
				remove_tree(path);
				free(path);
				break;
			}
		}
	}
	if (own)
		free(rel);
	return 0;
}

/*
 * Remove what this build did not make from folder `rel` (files put there
 * by hand, folders it no longer has).  Only folders whose mtime differs
 * from the manifest's are read: adding or removing an entry changes it.
 * A folder this commit did not touch and the helper found as the manifest
 * says (cache.h) is not even stat'ed again.
 */
static void clean_dir(struct outdir *o, const struct dirset *dirs, size_t slot,
		      const struct dirset *touched)
{
	const char *rel = dirs->v[slot];
	int64_t was;
	int same;
	int listed = cache_manifest_dir_nth(o->cache, slot, rel, &was, &same);
	if (listed && !is_touched(touched, rel) && same == 1) {
		dirs->mtime[slot] = was;
		return;
	}
	int64_t now = mtime_of(o, rel);
	dirs->mtime[slot] = now;
	if (listed && was == now)
		return;
	char *dir = *rel ? path_join(o->final, rel) : xstrdup(o->final);
	DIR *d = opendir(dir);
	struct dirent *e;
	int removed = 0;
	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *sub = *rel ? path_join(rel, e->d_name) : xstrdup(e->d_name);
		char *full = path_join(o->final, sub);
		/* the entry's type from the folder itself where the file system gives it */
		int is_dir = e->d_type == DT_DIR, known = e->d_type != DT_UNKNOWN;
		struct stat st;
		if (!known && lstat(full, &st) == 0)
			is_dir = S_ISDIR(st.st_mode), known = 1;
		if (known && is_dir) {
			if (!dir_has(dirs, sub, strlen(sub)))
				remove_tree(full), removed = 1;
		} else if (known && !*name_slot(o, sub)) {
			unlink(full);
			removed = 1;
		}
		free(full);
		free(sub);
	}
	if (d)
		closedir(d);
	free(dir);
	if (removed)
		dirs->mtime[slot] = mtime_of(o, rel);
}

static int commit_in_place(struct outdir *o, const struct dirset *dirs)
{
	struct dirset touched = { 0 };
	if (move_in(o, "", &touched) < 0) {
		dirs_free(&touched);
		return -1;
	}
	struct gone g = { o, dirs, &touched };
	cache_manifest_each_unseen(o->cache, remove_gone, &g);
	for (size_t i = 0; i < dirs->n; i++)
		clean_dir(o, dirs, i, &touched);
	dirs_free(&touched);
	remove_tree(o->tmp);
	free(o->tmp);
	o->tmp = NULL;
	return 0;
}

/*
 * The manifest of the output now in place: files, folders and mtimes.
 * Written on a helper thread while the build writes its report and lets
 * go of its memory (22 MB at 100,000 postings); outdir_release() waits
 * for it.  The folders' names go to it from the dirset (freed at commit).
 */
struct manifest_save {
	struct outdir *o;
	struct manifest_dir *v;
	size_t n;
	pthread_t th;
	int running;
};

static void *manifest_save_run(void *arg)
{
	struct manifest_save *m = arg;
	cache_manifest_save(m->o->cache, m->o->items, m->o->nitems, m->v, m->n);
	return NULL;
}

static void save_manifest(struct outdir *o, struct dirset *dirs)
{
	struct manifest_save *m = xcalloc(1, sizeof *m);
	m->o = o;
	m->v = xcalloc(dirs->n ? dirs->n : 1, sizeof *m->v);
	/* in the dirset's order (the cache's checks follow it); the paths
	 * are the manifest's now */
	for (size_t i = 0; i < dirs->n; i++) {
		int64_t t = dirs->mtime[i] != MTIME_UNKNOWN ? dirs->mtime[i]
							    : mtime_of(o, dirs->v[i]);
		m->v[m->n++] = (struct manifest_dir){ dirs->v[i], t };
		dirs->v[i] = NULL;
	}
	o->msave = m;
	m->running = pthread_create(&m->th, NULL, manifest_save_run, m) == 0;
	if (!m->running)
		manifest_save_run(m);
}

void outdir_manifest_wait(struct outdir *o)
{
	struct manifest_save *m = o->msave;
	if (!m)
		return;
	if (m->running)
		pthread_join(m->th, NULL);
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
	free(m);
	o->msave = NULL;
}

int outdir_commit(struct outdir *o)
{
	struct stat st;
	char *old = NULL;
	int failed = outdir_wait(o);
	pool_stop(o);
	if (failed < 0)
		return -1;
	if (o->cache) {
		/* Never a manifest that may not describe the output: gone
		 * until the new one is written. */
		cache_manifest_drop(o->cache);
		if (!o->names)
			names_alloc(o, 16);
	}
	struct dirset dirs = { 0 };
	if (o->cache)
		dirs_of(o, &dirs);
	if (o->incremental) {
		int r = commit_in_place(o, &dirs);
		if (r == 0)
			save_manifest(o, &dirs);
		dirs_free(&dirs);
		return r;
	}
	if (lstat(o->final, &st) == 0) {
		struct buf b = BUF_INIT;
		buf_printf(&b, "%s.old-XXXXXX", o->final);
		/* mkdtemp reserves a unique name; rename() then replaces that empty dir. */
		if (!mkdtemp(b.p)) {
			set_error(o, "create", b.p);
			buf_release(&b);
			dirs_free(&dirs);
			return -1;
		}
		old = buf_detach(&b, NULL);
		if (rename(o->final, old) < 0) {
			set_error(o, "move away", o->final);
			rmdir(old);
			free(old);
			dirs_free(&dirs);
			return -1;
		}
	}
	if (rename(o->tmp, o->final) < 0) {
		set_error(o, "move into place", o->tmp);
		if (old && rename(old, o->final) < 0)
			perror("jobsite: cannot restore the previous output");
		free(old);
		dirs_free(&dirs);
		return -1;
	}
	free(o->tmp);
	o->tmp = NULL;
	if (old) {
		remove_tree(old);
		free(old);
	}
	if (o->cache)
		save_manifest(o, &dirs);
	dirs_free(&dirs);
	return 0;
}

void outdir_finish(struct outdir *o)
{
	outdir_manifest_wait(o);
	pool_stop(o);
	if (o->final_fd >= 0)
		close(o->final_fd);
	o->final_fd = -1;
	if (o->tmp)
		remove_tree(o->tmp);
	free(o->tmp);
	o->tmp = NULL;
}

void outdir_release(struct outdir *o)
{
	outdir_finish(o);
	free(o->final);
	free(o->error);
	for (size_t i = 0; i < o->nitems; i++)
		free(o->items[i].path);
	free(o->items);
	if (o->names) {
		free(o->names->v);
		free(o->names->h);
	}
	free(o->names);
	memset(o, 0, sizeof *o);
}
