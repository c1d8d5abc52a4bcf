/*
 * walk.c - find posting files under a path and ingest them on a small
 * thread pool, keeping input order so output never depends on timing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "descstore.h"
#include "ingest.h"
#include "rx.h"
#include "util.h"

static void filelist_push(struct ingest_found *f, char *path)
{
	f->v = xgrow(f->v, &f->cap, f->n + 1, sizeof *f->v);
	f->v[f->n++] = path;
}

static void filelist_push_st(struct ingest_found *f, char *path, const struct stat *st)
{
	f->st = xgrow(f->st, &f->st_cap, f->n + 1, sizeof *f->st);
	f->st[f->n] = *st;
	filelist_push(f, path);
}

/*
 * A folder's names, with their type byte in front, sorted in byte order
 * of the names.  Each carries its first 8 bytes as a big-endian number
 * (zero after the end), so most comparisons of a large folder are one of
 * integers, not a strcmp through a pointer (100,000 names: 50 ms less).
 */
struct named {
	uint64_t key;
	char *typed;
};

static uint64_t name_key(const char *name)
{
	uint64_t k = 0;
	int i = 0;
	for (; i < 8 && name[i]; i++)
		k = k << 8 | (unsigned char)name[i];
	return i ? k << (8 * (8 - i)) : 0; /* "" would shift by 64: undefined */
}

static int cmp_named(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	/* the same first 8 bytes: equal when either ended among them */
	const char *p = x->typed + 1, *q = y->typed + 1;
	return strnlen(p, 8) < 8 ? 0 : strcmp(p + 8, q + 8);
}

static int accepted(const char *name)
{
	static const char *const exts[] = { "md", "markdown", "html", "htm", "txt", "json" };
	const char *dot = strrchr(name, '.');
	if (!dot)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(exts); i++)
		if (!ascii_casecmp(dot + 1, exts[i]))
			return 1;
	return 0;
}

/* The set of directories on the current path (device, inode), for loops. */
struct seen {
	dev_t dev[64];
	ino_t ino[64];
	int n;
};

static void dirs_push(struct ingest_found *f, const char *dir, const struct stat *st)
{
	if (f->ndirs == f->dirs_cap) {
		f->dirs_cap = f->dirs_cap ? 2 * f->dirs_cap : 8;
		f->dirs = xrealloc(f->dirs, f->dirs_cap * sizeof *f->dirs);
		f->dir_mtime = xrealloc(f->dir_mtime, f->dirs_cap * sizeof *f->dir_mtime);
	}
	f->dirs[f->ndirs] = xstrdup(dir);
	f->dir_mtime[f->ndirs++] = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

static void note_skip(struct posting_list *out, struct diag *d, const char *path,
		      const char *reason)
{
	diag_report(d, DIAG_WARNING, path, 0, 0, "file skipped", "skipped: %s", reason);
	out->skipped = xgrow(out->skipped, &out->skipped_cap, out->nskipped + 1,
			     sizeof *out->skipped);
	out->skipped[out->nskipped].path = xstrdup(path);
	out->skipped[out->nskipped].reason = xstrdup(reason);
	out->nskipped++;
}

static int is_valid_utf8_name(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		int len = (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : (*p & 0xF8) == 0xF0 ? 4 : 0;
		if (!len || (len == 2 && *p < 0xC2))
			return 0;
		for (int i = 1; i < len; i++)
			if ((p[i] & 0xC0) != 0x80)
				return 0;
		p += len;
	}
	return 1;
}

/* `st`: dir's stat, taken before its names are read (dirs_push). */
static void collect(const char *dir, const struct stat *st_dir, const char *root_real,
		    struct seen *seen, struct ingest_found *files, struct posting_list *out,
		    struct diag *d)
{
	DIR *dh = opendir(dir);
	if (!dh) {
		files->unclean = 1;
		note_skip(out, d, dir, strerror(errno));
		return;
	}
	dirs_push(files, dir, st_dir);
	struct named *names = NULL;
	size_t nnames = 0, names_cap = 0;
	struct dirent *e;
	while ((e = readdir(dh))) {
		if (e->d_name[0] == '.')
			continue; /* hidden files, editor droppings, . and .. */
		/* the type from the folder where the file system gives it, in front */
		size_t len = strlen(e->d_name);
		char *typed = xmalloc(len + 2);
		typed[0] = (char)(e->d_type + 1);
		memcpy(typed + 1, e->d_name, len + 1);
		names = xgrow(names, &names_cap, nnames + 1, sizeof *names);
		names[nnames++] = (struct named){ name_key(e->d_name), typed };
	}
	closedir(dh);
	qsort(names, nnames, sizeof *names, cmp_named);
	for (size_t i = 0; i < nnames; i++) {
		unsigned char type = (unsigned char)(names[i].typed[0] - 1);
		const char *name = names[i].typed + 1;
		char *full = path_join(dir, name);
		if (type == DT_REG && accepted(name)) {
			/* a plain file: the worker that reads it takes its stat */
			static const struct stat unknown;
			if (!is_valid_utf8_name(name)) {
				files->unclean = 1;
				diag_report(d, DIAG_WARNING, full, 0, 0, "file name not UTF-8",
					    "file name is not valid UTF-8");
			}
			filelist_push_st(files, full, &unknown);
			continue;
		}
		struct stat lst, st;
		if (lstat(full, &lst) < 0) {
			files->unclean = 1;
			note_skip(out, d, full, strerror(errno));
			free(full);
			continue;
		}
		if (S_ISLNK(lst.st_mode)) {
			/* where it points can change with no folder changing */
			files->unclean = 1;
			char *real = realpath(full, NULL);
			if (!real) {
				note_skip(out, d, full, errno == ELOOP ? "symbolic link loop"
							 : "broken symbolic link");
				free(full);
				continue;
			}
			size_t rl = strlen(root_real);
			int inside = !strncmp(real, root_real, rl) && (real[rl] == '/' || real[rl] == '\0');
			free(real);
			if (!inside) {
				note_skip(out, d, full, "symbolic link points outside the content folder");
				free(full);
				continue;
			}
		}
		if (!S_ISLNK(lst.st_mode))
			st = lst;
		else if (stat(full, &st) < 0) {
			files->unclean = 1;
			note_skip(out, d, full, strerror(errno));
			free(full);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			int loop = 0;
			for (int k = 0; k < seen->n; k++)
				if (seen->dev[k] == st.st_dev && seen->ino[k] == st.st_ino)
					loop = 1;
			if (loop || seen->n == 64) {
				files->unclean = 1;
				note_skip(out, d, full, loop ? "directory loop" : "directories nested too deep");
			} else {
				seen->dev[seen->n] = st.st_dev;
				seen->ino[seen->n] = st.st_ino;
				seen->n++;
				collect(full, &st, root_real, seen, files, out, d);
				seen->n--;
			}
			free(full);
		} else if (!S_ISREG(st.st_mode)) {
			free(full);
		} else if (!accepted(name)) {
			if (d->verbose)
				diag_report(d, DIAG_NOTE, full, 0, 0, NULL, "not a posting file, ignored");
			free(full);
		} else {
			if (!is_valid_utf8_name(name)) {
				files->unclean = 1;
				diag_report(d, DIAG_WARNING, full, 0, 0, "file name not UTF-8",
					    "file name is not valid UTF-8");
			}
			filelist_push_st(files, full, &st);
		}
	}
	/* freed here, not in the loop: a skipped name leaves it early */
	for (size_t i = 0; i < nnames; i++)
		free(names[i].typed);
	free(names);
}

/*
 * A reading thread's messages, held (diag_init_held) so that they reach
 * the run's sink in file order, not in the order the threads finish:
 * the text it would have printed, and its records, by file (struct said).
 */
struct held {
	struct diag d;
	FILE *mem;
	char *text;
	size_t len;
};

/* Where file i's messages are: thread t's text [from, to), records [rfrom, rto). */
struct said {
	int t;
	size_t from, to, rfrom, rto;
};

struct pool {
	char **files;
	const struct stat *st;  /* per file, or NULL */
	size_t n;
	const struct ingest_opts *opts;
	struct diag *d;
	struct posting_list *results; /* one per file */
	atomic_size_t next;
	void (*progress)(void *ctx, size_t done, size_t total);
	void *progress_ctx;
	atomic_size_t done;
	struct held *held;      /* per thread, or NULL: straight to d */
	struct said *said;      /* per file */
};

struct worker_arg {
	struct pool *p;
	int t;
};

static void *worker(void *arg)
{
	struct pool *p = ((struct worker_arg *)arg)->p;
	int t = ((struct worker_arg *)arg)->t;
	struct held *h = p->held ? &p->held[t] : NULL;
	struct diag *d = h ? &h->d : p->d;
	for (;;) {
		size_t i = atomic_fetch_add(&p->next, 1);
		if (i >= p->n)
			break;
		if (h) {
			if (h->mem)
				fflush(h->mem);
			p->said[i] = (struct said){ t, h->len, 0, h->d.nrecords, 0 };
		}
		if (p->opts->cache)
			cache_ingest_file(p->opts->cache, i, p->files[i], p->st ? &p->st[i] : NULL,
					  p->opts, d, &p->results[i]);
		else
			ingest_file(p->files[i], p->opts, d, &p->results[i]);
		if (h) {
			if (h->mem)
				fflush(h->mem);
			p->said[i].to = h->len;
			p->said[i].rto = h->d.nrecords;
		}
		for (size_t k = 0; p->opts->spill && k < p->results[i].n; k++)
			if (!p->results[i].v[k]->borrowed) {
				p->results[i].v[k]->desc_nth = (unsigned)k;
				descstore_put(p->opts->spill, p->results[i].v[k]);
			}
		if (p->opts->each_file)
			p->opts->each_file(p->opts->each_file_ctx, i, p->n, &p->results[i]);
		size_t done = atomic_fetch_add(&p->done, 1) + 1;
		if (p->progress)
			p->progress(p->progress_ctx, done, p->n);
	}
	rx_thread_release();
	ingest_thread_release();
	return NULL;
}

/* Every file's messages and records to the run's sink, in file order. */
static void pass_held(struct pool *p, int jobs)
{
	for (int t = 0; t < jobs; t++)
		if (p->held[t].mem)
			fflush(p->held[t].mem);
	for (size_t i = 0; i < p->n; i++) {
		const struct said *s = &p->said[i];
		struct held *h = &p->held[s->t];
		if (s->to > s->from && p->d->out) {
			pthread_mutex_lock(&p->d->lock);
			fwrite(h->text + s->from, 1, s->to - s->from, p->d->out);
			pthread_mutex_unlock(&p->d->lock);
		}
		diag_pass_records(p->d, &h->d, s->rfrom, s->rto);
	}
	for (int t = 0; t < jobs; t++) {
		struct held *h = &p->held[t];
		diag_pass_counts(p->d, &h->d);
		if (h->mem)
			fclose(h->mem);
		free(h->text);
		diag_release(&h->d);
	}
	free(p->held);
	free(p->said);
	p->held = NULL;
	p->said = NULL;
}

static int ingest_files_st(char **files, const struct stat *st, size_t n,
			   const struct ingest_opts *opts, struct diag *d, struct posting_list *out)
{
	struct pool p = { .files = files, .st = st, .n = n, .opts = opts, .d = d };
	p.results = xcalloc(n ? n : 1, sizeof *p.results);
	if (opts->cache)
		cache_ingest_begin(opts->cache, n);
	atomic_init(&p.next, 0);
	atomic_init(&p.done, 0);
	p.progress = opts->progress;
	p.progress_ctx = opts->progress_ctx;
	int jobs = opts->jobs > 0 ? opts->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (jobs < 1)
		jobs = 1;
	if (jobs > 64)
		jobs = 64;
	if ((size_t)jobs > n)
		jobs = n ? (int)n : 1;
	/* one thread prints in file order anyway */
	if (jobs > 1) {
		p.held = xcalloc((size_t)jobs, sizeof *p.held);
		p.said = xcalloc(n, sizeof *p.said);
		int ok = 1;
		for (int t = 0; t < jobs; t++) {
			struct held *h = &p.held[t];
			h->mem = d->out ? open_memstream(&h->text, &h->len) : NULL;
			ok = ok && (h->mem || !d->out);
			diag_init_held(&h->d, d, h->mem);
		}
		if (!ok) /* no stream to hold them in: printed as they come */
			pass_held(&p, jobs);
	}
	pthread_t tids[64];
	struct worker_arg args[64];
	int started = 0;
	for (int t = 1; t < jobs; t++) {
		args[t] = (struct worker_arg){ &p, t };
		if (pthread_create(&tids[started], NULL, worker, &args[t]) == 0)
			started++;
	}
	args[0] = (struct worker_arg){ &p, 0 };
	worker(&args[0]); /* the calling thread works too */
	for (int t = 0; t < started; t++)
		pthread_join(tids[t], NULL);
	if (p.held)
		pass_held(&p, jobs);
	int total = 0;
	for (size_t i = 0; i < n; i++) {
		struct posting_list *r = &p.results[i];
		for (size_t k = 0; k < r->n; k++)
			posting_list_push(out, r->v[k]);
		total += (int)r->n;
		for (size_t k = 0; k < r->nskipped; k++) {
			out->skipped = xgrow(out->skipped, &out->skipped_cap, out->nskipped + 1,
					     sizeof *out->skipped);
			out->skipped[out->nskipped++] = r->skipped[k];
		}
		free(r->v);
		free(r->skipped);
	}
	free(p.results);
	return total;
}

int ingest_files(char **files, size_t n, const struct ingest_opts *opts,
		 struct diag *d, struct posting_list *out)
{
	return ingest_files_st(files, NULL, n, opts, d, out);
}

int ingest_walk(const char *path, struct ingest_found *f, struct diag *d,
		struct posting_list *out)
{
	memset(f, 0, sizeof *f);
	struct stat st;
	if (stat(path, &st) < 0) {
		diag_error(d, path, 0, 0, "cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		char *root_real = realpath(path, NULL);
		struct seen seen = { .n = 1 };
		seen.dev[0] = st.st_dev;
		seen.ino[0] = st.st_ino;
		collect(path, &st, root_real ? root_real : path, &seen, f, out, d);
		free(root_real);
	} else {
		f->unclean = 1; /* one file: nothing to remember */
		filelist_push_st(f, xstrdup(path), &st);
	}
	return 0;
}

int ingest_found_files(const struct ingest_found *f, const struct ingest_opts *opts,
		       struct diag *d, struct posting_list *out)
{
	return ingest_files_st(f->v, f->st, f->n, opts, d, out);
}

struct stat_part {
	struct ingest_found *f;
	size_t from, to;
};

/*
 * Each file by its name in its folder (fstatat on the folder, opened once
 * for the run of files in it): the kernel walks one component, not every
 * one of the content folder's path for each of 100,000 files.  Followed
 * links as stat() follows them.
 */
static void *stat_part_run(void *arg)
{
	struct stat_part *k = arg;
	int dfd = -1;
	const char *dir = NULL; /* the folder dfd is, as a prefix of the paths */
	size_t dlen = 0;
	for (size_t i = k->from; i < k->to; i++) {
		if (k->f->st[i].st_mode)
			continue;
		const char *path = k->f->v[i], *slash = strrchr(path, '/');
		int ok;
		if (!slash) {
			ok = stat(path, &k->f->st[i]) == 0;
		} else {
			size_t n = (size_t)(slash - path);
			if (!dir || n != dlen || memcmp(dir, path, n)) {
				if (dfd >= 0)
					close(dfd);
				char *d = xstrndup(path, n ? n : 1); /* "/x": the root */
				dfd = open(d, O_PATH | O_DIRECTORY | O_CLOEXEC);
				free(d);
				dir = path;
				dlen = n;
			}
			ok = dfd >= 0 ? fstatat(dfd, slash + 1, &k->f->st[i], 0) == 0
				      : stat(path, &k->f->st[i]) == 0;
		}
		if (!ok)
			memset(&k->f->st[i], 0, sizeof k->f->st[i]);
	}
	if (dfd >= 0)
		close(dfd);
	return NULL;
}

void ingest_found_stat(struct ingest_found *f)
{
	struct stat_part a = { f, 0, f->n / 2 }, b = { f, f->n / 2, f->n };
	pthread_t th;
	int helper = f->n > 256 && pthread_create(&th, NULL, stat_part_run, &b) == 0;
	stat_part_run(&a);
	if (helper)
		pthread_join(th, NULL);
	else
		stat_part_run(&b);
}

void ingest_found_release(struct ingest_found *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i]);
	free(f->v);
	free(f->st);
	for (size_t i = 0; i < f->ndirs; i++)
		free(f->dirs[i]);
	free(f->dirs);
	free(f->dir_mtime);
	memset(f, 0, sizeof *f);
}

int ingest_path(const char *path, const struct ingest_opts *opts,
		struct diag *d, struct posting_list *out)
{
	struct ingest_found files;
	if (ingest_walk(path, &files, d, out) < 0)
		return -1;
	int total = ingest_found_files(&files, opts, d, out);
	ingest_found_release(&files);
	return total;
}
