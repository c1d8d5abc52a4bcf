#include "outdir.h"

#include <dirent.h>
#include <errno.h>
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

int outdir_write(struct outdir *o, const char *rel, struct slice data)
{
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
	if (o->tmp)
		remove_tree(o->tmp);
	free(o->tmp);
	free(o->final);
	free(o->error);
	memset(o, 0, sizeof *o);
}
