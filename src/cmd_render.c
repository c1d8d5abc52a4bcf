/*
 * cmd_render.c - `jobsite render TEMPLATE [--data FILE.json] [--partials DIR]`:
 * render one template with JSON data to stdout.
 */
#include <errno.h>
#include <jansson.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "mdata_json.h"
#include "mustache.h"
#include "util.h"

static const char usage_text[] =
	"usage: jobsite render TEMPLATE [--data FILE.json] [--partials DIR]\n"
	"\n"
	"Render one Mustache template with JSON data to stdout.\n"
	"\n"
	"   --data FILE      the data (default: an empty object); '-' reads stdin\n"
	"   --partials DIR   where partial and parent 'x' is the file x.mustache\n"
	"                    (default: the directory of TEMPLATE)\n"
	"   -h, --help       this help\n"
	"\n"
	"Exit status: 0 ok, 1 template or data error, 2 usage error.\n";

static int usage_error(const char *fmt, const char *arg)
{
	fputs("jobsite render: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n", stderr);
	fputs(usage_text, stderr);
	return EXIT_USAGE;
}

static int read_stream(FILE *f, struct buf *out)
{
	char chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_put(out, chunk, got);
	return ferror(f) ? -1 : 0;
}

/* Print jansson's error as file:line:col with the line and a caret. */
static void json_error_print(const char *file, const struct buf *text,
			     const json_error_t *jerr)
{
	struct mustache_error err = { 0 };
	err.file = xstrdup(file);
	err.message = xstrdup(jerr->text);
	err.line = jerr->line > 0 ? (unsigned)jerr->line : 0;
	err.col = jerr->column > 0 ? (unsigned)jerr->column : 1;
	/* jansson counts lines from 1; find that line in the text */
	const char *p = buf_cstr(text), *end = p + text->n;
	for (int l = 1; l < jerr->line && p < end; l++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	const char *e = memchr(p, '\n', (size_t)(end - p));
	err.line_text = xstrndup(p, e ? (size_t)(e - p) : (size_t)(end - p));
	mustache_error_print(&err, stderr);
	mustache_error_release(&err);
}

/* The data document, or NULL after printing why. */
static json_t *load_data(const char *path)
{
	struct buf text = BUF_INIT;
	const char *name = path ? path : "<none>";
	if (!path) {
		buf_puts(&text, "{}");
	} else if (!strcmp(path, "-")) {
		name = "<stdin>";
		if (read_stream(stdin, &text)) {
			fprintf(stderr, "jobsite render: cannot read stdin: %s\n",
				strerror(errno));
			buf_release(&text);
			return NULL;
		}
	} else if (read_file(path, &text, 0)) {
		fprintf(stderr, "jobsite render: cannot read '%s': %s\n", path,
			strerror(errno));
		buf_release(&text);
		return NULL;
	}
	json_error_t jerr;
	json_t *data = json_loadb(buf_cstr(&text), text.n, JSON_DECODE_ANY, &jerr);
	if (!data)
		json_error_print(name, &text, &jerr);
	buf_release(&text);
	return data;
}

static int render(const char *tmpl_path, const char *data_path,
		  const char *partials)
{
	int rc = EXIT_CONTENT;
	struct buf src = BUF_INIT, out = BUF_INIT;
	struct mustache_error err = { 0 };
	struct mustache_set *set = NULL;
	char *dir = NULL;
	json_t *data = NULL;

	if (read_file(tmpl_path, &src, 0)) {
		fprintf(stderr, "jobsite render: cannot read '%s': %s\n",
			tmpl_path, strerror(errno));
		goto out;
	}
	if (!(data = load_data(data_path)))
		goto out;
	set = mustache_set_new();
	if (!partials) {
		dir = xstrdup(tmpl_path);
		partials = dirname(dir);
	}
	mustache_set_add_dir(set, partials);
	const struct mustache_tmpl *t =
		mustache_compile(set, tmpl_path, buf_slice(&src), &err);
	if (!t || mdata_json_render(t, data, &out, &err)) {
		mustache_error_print(&err, stderr);
		goto out;
	}
	if (fwrite(out.p ? out.p : "", 1, out.n, stdout) != out.n ||
	    fflush(stdout)) {
		fprintf(stderr, "jobsite render: cannot write output: %s\n",
			strerror(errno));
		goto out;
	}
	rc = EXIT_OK;
out:
	mustache_error_release(&err);
	mustache_set_free(set);
	json_decref(data);
	buf_release(&src);
	buf_release(&out);
	free(dir);
	return rc;
}

int cmd_render(int argc, char **argv)
{
	const char *tmpl = NULL, *data = NULL, *partials = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **opt = NULL;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage_text, stdout);
			return EXIT_OK;
		}
		if (!strcmp(a, "--data") || !strncmp(a, "--data=", 7))
			opt = &data;
		else if (!strcmp(a, "--partials") || !strncmp(a, "--partials=", 11))
			opt = &partials;
		if (opt) {
			const char *eq = strchr(a, '=');
			if (eq)
				*opt = eq + 1;
			else if (i + 1 < argc)
				*opt = argv[++i];
			else
				return usage_error("option '%s' needs a value", a);
			continue;
		}
		if (a[0] == '-' && a[1])
			return usage_error("unknown option '%s'", a);
		if (tmpl)
			return usage_error("unexpected argument '%s'", a);
		tmpl = a;
	}
	if (!tmpl)
		return usage_error("%s", "no template given");
	return render(tmpl, data, partials);
}
