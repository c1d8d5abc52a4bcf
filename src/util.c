#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void die(const char *fmt, ...)
{
	va_list ap;
	fputs("jobsite: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die("out of memory (%zu bytes)", n);
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		die("out of memory (%zu x %zu bytes)", count, size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory (%zu bytes)", n);
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xslicedup(struct slice s)
{
	return xstrndup(s.p ? s.p : "", s.n);
}

void *xgrow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	size_t c = *cap ? *cap : 8;
	while (c < need) {
		if (c > SIZE_MAX / 2 / size)
			die("array size overflow");
		c *= 2;
	}
	*cap = c;
	return xrealloc(p, c * size);
}

int read_file(const char *path, struct buf *out, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		errno = EISDIR;
		return -1;
	}
	if (max && S_ISREG(st.st_mode) && (uint64_t)st.st_size > max) {
		close(fd);
		return -2;
	}
	size_t start = out->n;
	/* A regular file's size and one byte more, to see its end: no 64 KB
	 * buffer for every 10 KB posting (malloc then maps and unmaps it). */
	if (S_ISREG(st.st_mode) && st.st_size > 0)
		buf_grow(out, (size_t)st.st_size + 1);
	for (;;) {
		if (out->n + 1 >= out->cap)
			buf_grow(out, 65536);
		ssize_t r = read(fd, out->p + out->n, out->cap - out->n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			buf_truncate(out, start);
			errno = e;
			return -1;
		}
		if (r == 0)
			break;
		out->n += (size_t)r;
		out->p[out->n] = '\0';
		if (max && out->n - start > max) {
			close(fd);
			buf_truncate(out, start);
			return -2;
		}
	}
	close(fd);
	if (!out->p)
		buf_put(out, "", 0);
	return 0;
}

/*
 * Deepest first: one mkdir() when the parent exists (the usual case when
 * writing a site), climbing only on ENOENT.  Safe against another thread
 * creating the same folders (EEXIST is success).
 */
static int mkdir_up(char *tmp, size_t len, mode_t mode)
{
	if (mkdir(tmp, mode) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -1;
	size_t cut = len;
	while (cut > 0 && tmp[cut - 1] != '/')
		cut--;
	while (cut > 1 && tmp[cut - 1] == '/')
		cut--;
	if (cut <= 1 && tmp[0] == '/')
		return -1;
	if (cut == 0)
		return -1;
	char c = tmp[cut];
	tmp[cut] = '\0';
	int r = mkdir_up(tmp, cut, mode);
	tmp[cut] = c;
	if (r < 0)
		return -1;
	if (mkdir(tmp, mode) == 0 || errno == EEXIST)
		return 0;
	return -1;
}

int mkdir_p(const char *path, int mode)
{
	char *tmp = xstrdup(path);
	size_t len = strlen(tmp);
	while (len > 1 && tmp[len - 1] == '/')
		tmp[--len] = '\0';
	int r = len ? mkdir_up(tmp, len, (mode_t)mode) : 0;
	int e = errno;
	free(tmp);
	errno = e;
	return r;
}

int write_file(const char *path, const void *p, size_t n)
{
	/* Open first: the folder usually exists (siblings were written). */
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 && errno == ENOENT) {
		const char *slash = strrchr(path, '/');
		if (!slash || slash == path)
			return -1;
		char *dir = xstrndup(path, (size_t)(slash - path));
		int r = mkdir_p(dir, 0755);
		free(dir);
		if (r < 0)
			return -1;
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	}
	if (fd < 0)
		return -1;
	const char *c = p;
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return close(fd);
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

int remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	return nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS);
}

char *path_join(const char *a, const char *b)
{
	size_t la = strlen(a);
	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	size_t lb = strlen(b);
	if (la == 0)
		return xstrdup(b);
	char *p = xmalloc(la + 1 + lb + 1);
	memcpy(p, a, la);
	p[la] = '/';
	memcpy(p + la + 1, b, lb + 1);
	return p;
}

int ascii_ncasecmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int ca = ascii_lower((unsigned char)a[i]);
		int cb = ascii_lower((unsigned char)b[i]);
		if (ca != cb)
			return ca - cb;
		if (!ca)
			return 0;
	}
	return 0;
}

int ascii_casecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = ascii_lower((unsigned char)*a);
		int cb = ascii_lower((unsigned char)*b);
		if (ca != cb || !ca)
			return ca - cb;
	}
}

int copy_tree(const char *src, const char *dst)
{
	struct stat st;
	if (stat(src, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		struct buf b = BUF_INIT;
		int r = read_file(src, &b, 0) == 0 ? write_file(dst, b.p, b.n) : -1;
		buf_release(&b);
		return r;
	}
	if (mkdir_p(dst, 0755) < 0)
		return -1;
	DIR *d = opendir(src);
	if (!d)
		return -1;
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *s = path_join(src, e->d_name), *t = path_join(dst, e->d_name);
		rc = copy_tree(s, t);
		free(s);
		free(t);
	}
	closedir(d);
	return rc;
}
