/*
 * watch.c - recursive, debounced inotify watcher.  See watch.h.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "watch.h"

#define WATCH_MASK                                                          \
	(IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_CREATE | IN_DELETE |   \
	 IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF |      \
	 IN_EXCL_UNLINK | IN_ONLYDIR)

/* Deeper trees than this are not real sites; the limit keeps a symlink or
 * bind-mount loop from recursing forever. */
#define MAX_DEPTH 64

/* One watched directory.  `all` says every entry counts; otherwise only
 * the entries named in `names` (the files and missing roots watched
 * through this parent). */
struct wdir {
	int wd;
	char *path;
	int all;
	char **names;
	size_t nnames, capnames;
};

struct watch {
	int fd;
	struct wdir *dirs;
	size_t n, cap;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct watch *watch_new(void)
{
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct watch *w = xcalloc(1, sizeof *w);
	w->fd = fd;
	return w;
}

static void wdir_release(struct wdir *d)
{
	free(d->path);
	for (size_t i = 0; i < d->nnames; i++)
		free(d->names[i]);
	free(d->names);
}

void watch_free(struct watch *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++)
		wdir_release(&w->dirs[i]);
	free(w->dirs);
	close(w->fd);
	free(w);
}

int watch_count(const struct watch *w)
{
	return (int)w->n;
}

static struct wdir *find_wd(struct watch *w, int wd)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->dirs[i].wd == wd)
			return &w->dirs[i];
	return NULL;
}

static void forget(struct watch *w, struct wdir *d)
{
	wdir_release(d);
	*d = w->dirs[--w->n];
}

/* Watch one directory; `name` NULL means all of it.  inotify gives the same
 * wd for a directory watched twice, so entries merge. */
static struct wdir *add_one(struct watch *w, const char *path, const char *name,
			    int follow)
{
	int wd = inotify_add_watch(w->fd, path,
				   WATCH_MASK | (follow ? 0 : IN_DONT_FOLLOW));
	if (wd < 0)
		return NULL;
	struct wdir *d = find_wd(w, wd);
	if (!d) {
		w->dirs = xgrow(w->dirs, &w->cap, w->n + 1, sizeof *w->dirs);
		d = &w->dirs[w->n++];
		memset(d, 0, sizeof *d);
		d->wd = wd;
		d->path = xstrdup(path);
	} else if (strcmp(d->path, path)) {
		/* renamed since, or reached by another spelling */
		free(d->path);
		d->path = xstrdup(path);
	}
	if (!name) {
		d->all = 1;
	} else if (!d->all) {
		for (size_t i = 0; i < d->nnames; i++)
			if (!strcmp(d->names[i], name))
				return d;
		d->names = xgrow(d->names, &d->capnames, d->nnames + 1,
				 sizeof *d->names);
		d->names[d->nnames++] = xstrdup(name);
	}
	return d;
}

static int is_dir(const char *path, int follow)
{
	struct stat st;
	return (follow ? stat(path, &st) : lstat(path, &st)) == 0 &&
	       S_ISDIR(st.st_mode);
}

/* Watch `path` and every directory below it; symlinks below the top are
 * not followed.  Returns how many directories were added. */
static int add_tree(struct watch *w, const char *path, int depth)
{
	if (depth > MAX_DEPTH || !add_one(w, path, NULL, depth == 0))
		return 0;
	int count = 1;
	DIR *dir = opendir(path);
	if (!dir)
		return count;
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)
			continue;
		char *sub = path_join(path, e->d_name);
		if (is_dir(sub, 0))
			count += add_tree(w, sub, depth + 1);
		free(sub);
	}
	closedir(dir);
	return count;
}

/* Stop watching `path` and everything below it (it moved out of sight;
 * its watches would report under a stale name). */
static void drop_tree(struct watch *w, const char *path)
{
	size_t len = strlen(path);
	for (size_t i = 0; i < w->n;) {
		const char *p = w->dirs[i].path;
		if (!strncmp(p, path, len) && (p[len] == '\0' || p[len] == '/')) {
			inotify_rm_watch(w->fd, w->dirs[i].wd);
			forget(w, &w->dirs[i]);
		} else {
			i++;
		}
	}
}

int watch_add(struct watch *w, const char *path)
{
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	char *p = xstrndup(path, len);
	const char *slash = strrchr(p, '/');
	char *parent, *base;
	if (!slash) {
		parent = xstrdup(".");
		base = xstrdup(p);
	} else {
		parent = slash == p ? xstrdup("/") : xstrndup(p, (size_t)(slash - p));
		base = xstrdup(slash + 1);
	}
	int ok = 0, err = 0;
	/* The parent sees the path being replaced, deleted or created. */
	if (*base && strcmp(base, ".") && strcmp(base, "..")) {
		if (add_one(w, parent, base, 1))
			ok = 1;
		else
			err = errno;
	}
	if (is_dir(p, 1)) {
		if (add_tree(w, p, 0) > 0)
			ok = 1;
		else
			err = errno;
	}
	free(p);
	free(parent);
	free(base);
	if (!ok) {
		errno = err ? err : ENOENT;
		return -1;
	}
	return 0;
}

/* Files editors write beside the one being edited. */
static int is_noise(const char *name)
{
	size_t n = strlen(name);
	if (n == 0)
		return 0;
	if (name[n - 1] == '~' || !strcmp(name, "4913") || !strncmp(name, ".#", 2))
		return 1;
	if (name[0] == '#' && n > 1 && name[n - 1] == '#')
		return 1;
	if (n > 4 && name[0] == '.' &&
	    (!strcmp(name + n - 4, ".swp") || !strcmp(name + n - 4, ".swx")))
		return 1;
	return 0;
}

static int wants(const struct wdir *d, const char *name)
{
	if (d->all)
		return 1;
	for (size_t i = 0; i < d->nnames; i++)
		if (!strcmp(d->names[i], name))
			return 1;
	return 0;
}

/* After an event queue overflow nothing is known: watch every tree again. */
static void rescan(struct watch *w)
{
	size_t n = w->n;
	char **roots = xcalloc(n ? n : 1, sizeof *roots);
	for (size_t i = 0; i < n; i++)
		if (w->dirs[i].all)
			roots[i] = xstrdup(w->dirs[i].path);
	for (size_t i = 0; i < n; i++) {
		if (roots[i] && is_dir(roots[i], 1))
			add_tree(w, roots[i], 1);
		free(roots[i]);
	}
	free(roots);
}

/* Handle one event; returns 0 if it is no change, 2 if it completes one
 * (a file closed after writing, renamed or removed; a folder), 1 if more
 * may follow (a file being written). */
static int handle(struct watch *w, const struct inotify_event *ev)
{
	if (ev->mask & IN_Q_OVERFLOW) {
		rescan(w);
		return 2;
	}
	struct wdir *d = find_wd(w, ev->wd);
	if (!d)
		return 0;
	if (ev->mask & IN_IGNORED) {
		forget(w, d);
		return 0;
	}
	if (ev->len == 0 || !ev->name[0]) {
		/* the directory itself went away or moved: its parent's
		 * watch (if any) reports the name that matters */
		if (ev->mask & IN_MOVE_SELF) {
			inotify_rm_watch(w->fd, d->wd);
			forget(w, d);
		}
		return (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) ? 2 : 0;
	}
	if (!wants(d, ev->name) || is_noise(ev->name))
		return 0;
	if (ev->mask & IN_ISDIR) {
		char *sub = path_join(d->path, ev->name);
		if (ev->mask & (IN_CREATE | IN_MOVED_TO))
			add_tree(w, sub, 1);
		else if (ev->mask & IN_MOVED_FROM)
			drop_tree(w, sub);
		free(sub);
		return 2;
	}
	return ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE) ? 2 : 1;
}

/* Read what is queued; returns handle()'s value for the last change (0
 * if none), -1 on a read error. */
static int drain(struct watch *w)
{
	_Alignas(struct inotify_event) char buf[16384];
	int changed = 0;
	for (;;) {
		ssize_t len = read(w->fd, buf, sizeof buf);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return changed;
			return -1;
		}
		if (len == 0)
			return changed;
		for (char *p = buf; p < buf + len;) {
			const struct inotify_event *ev = (const void *)p;
			int c = handle(w, ev);
			if (c)
				changed = c;
			p += sizeof *ev + ev->len;
		}
	}
}

int watch_wait(struct watch *w, int stop_fd, int quiet_ms, int max_ms)
{
	int64_t first = -1, last = -1;
	int settled = 0; /* the last change completed a file */
	for (;;) {
		int timeout = -1;
		if (first >= 0) {
			int64_t now = now_ms();
			int64_t due = last + (settled && quiet_ms > WATCH_SETTLED_MS
					      ? WATCH_SETTLED_MS : quiet_ms);
			if (first + max_ms < due)
				due = first + max_ms;
			if (now >= due)
				return 1;
			timeout = (int)(due - now);
		}
		struct pollfd pfd[2] = { { w->fd, POLLIN, 0 }, { stop_fd, POLLIN, 0 } };
		int r = poll(pfd, stop_fd >= 0 ? 2 : 1, timeout);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (stop_fd >= 0 && pfd[1].revents)
			return 0;
		if (pfd[0].revents) {
			int c = drain(w);
			if (c < 0)
				return -1;
			if (c) {
				last = now_ms();
				settled = c == 2;
				if (first < 0)
					first = last;
			}
		}
	}
}
