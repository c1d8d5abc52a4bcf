/*
 * b_floor - the least work any build of these postings must do, timed.
 *
 *   b_floor POSTS_DIR OUT_DIR
 *
 * On one thread, for every file in POSTS_DIR: read it; parse it once with
 * the library that parses its format (.html: libxml2's HTML parser; .md:
 * cmark, parse and render to HTML; .txt and others: nothing); and write the
 * result as OUT_DIR/jobs/<name>/index.html, one folder per page as pretty
 * URLs need.  No field extraction, repair, sanitizing, templates, JSON-LD,
 * lists, feeds or search index: those are all still to pay for.  Prints
 * microseconds per posting for each part and the time that work alone
 * needs on two cores, a lower bound for `jobsite build` on the same
 * postings (issue #7 compares it with its targets).
 */
#include <cmark.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *ext(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot ? dot + 1 : "";
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: b_floor POSTS_DIR OUT_DIR\n");
		return 2;
	}
	DIR *dir = opendir(argv[1]);
	if (!dir) {
		fprintf(stderr, "b_floor: cannot open '%s': %s\n", argv[1], strerror(errno));
		return 1;
	}
	size_t n = 0, cap = 0;
	char **names = NULL;
	for (struct dirent *e; (e = readdir(dir));) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			names = xrealloc(names, cap * sizeof *names);
		}
		names[n++] = xstrdup(e->d_name);
	}
	closedir(dir);
	if (n == 0) {
		fprintf(stderr, "b_floor: no files in '%s'\n", argv[1]);
		return 1;
	}
	qsort(names, n, sizeof *names, by_name);

	struct buf *raw = xcalloc(n, sizeof *raw);
	char **out = xcalloc(n, sizeof *out);
	size_t *outn = xcalloc(n, sizeof *outn);
	size_t bytes_in = 0, bytes_out = 0, nhtml = 0, nmd = 0;
	char path[4096];

	double t0 = now();
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", argv[1], names[i]);
		if (read_file(path, &raw[i], 0) != 0) {
			fprintf(stderr, "b_floor: cannot read '%s'\n", path);
			return 1;
		}
		bytes_in += raw[i].n;
	}
	double t1 = now(), t_html = 0, t_md = 0;
	for (size_t i = 0; i < n; i++) {
		const char *x = ext(names[i]);
		double s = now();
		if (!strcmp(x, "html")) {
			htmlDocPtr doc = htmlReadMemory(raw[i].p, (int)raw[i].n, NULL, "UTF-8",
							HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
							HTML_PARSE_NONET | HTML_PARSE_RECOVER);
			xmlFreeDoc(doc);
			out[i] = raw[i].p;   /* a parsed HTML page is written as it came */
			outn[i] = raw[i].n;
			t_html += now() - s;
			nhtml++;
		} else if (!strcmp(x, "md")) {
			cmark_node *root = cmark_parse_document(raw[i].p, raw[i].n, CMARK_OPT_UNSAFE);
			out[i] = cmark_render_html(root, CMARK_OPT_UNSAFE);
			outn[i] = strlen(out[i]);
			cmark_node_free(root);
			t_md += now() - s;
			nmd++;
		} else {
			out[i] = raw[i].p;
			outn[i] = raw[i].n;
		}
		bytes_out += outn[i];
	}
	double t2 = now();
	snprintf(path, sizeof path, "%s/jobs", argv[2]);
	if (mkdir(argv[2], 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "b_floor: cannot create '%s': %s\n", argv[2], strerror(errno));
		return 1;
	}
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "b_floor: cannot create '%s': %s\n", path, strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/jobs/%s", argv[2], names[i]);
		char *dot = strrchr(path, '.');
		*dot = 0;
		if (mkdir(path, 0755) != 0 && errno != EEXIST) {
			fprintf(stderr, "b_floor: cannot create '%s': %s\n", path, strerror(errno));
			return 1;
		}
		strcat(path, "/index.html");
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, out[i], outn[i]) != (ssize_t)outn[i] || close(fd) != 0) {
			fprintf(stderr, "b_floor: cannot write '%s': %s\n", path, strerror(errno));
			return 1;
		}
	}
	double t3 = now();

	double us = 1e6 / (double)n;
	double per = (t3 - t0) * us;
	printf("floor: %zu postings (%zu HTML, %zu Markdown, %zu other), %.0f MB read, %.0f MB written\n",
	       n, nhtml, nmd, n - nhtml - nmd, bytes_in / 1e6, bytes_out / 1e6);
	printf("floor: read %.0f us, parse %.0f us (HTML %.0f us each, Markdown %.0f us each), "
	       "write one page in its folder %.0f us: %.0f us per posting on one thread\n",
	       (t1 - t0) * us, (t2 - t1) * us, nhtml ? t_html * 1e6 / nhtml : 0,
	       nmd ? t_md * 1e6 / nmd : 0, (t3 - t2) * us, per);
	printf("floor: this alone needs %.2f s on 2 cores for %zu postings "
	       "(%.2f s for 100,000; %.2f s for 10,000)\n",
	       per * (double)n / 2e6, n, per * 1e5 / 2e6, per * 1e4 / 2e6);
	for (size_t i = 0; i < n; i++) {
		if (out[i] != raw[i].p)
			free(out[i]);
		buf_release(&raw[i]);
		free(names[i]);
	}
	free(names);
	free(raw);
	free(out);
	free(outn);
	return 0;
}
