#include "build.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "descstore.h"
#include "cmds.h"
#include "config.h"
#include "diag.h"
#include "feeds.h"
#include "hugepages.h"
#include "ingest.h"
#include "mdata_site.h"
#include "mustache.h"
#include "outdir.h"
#include "pages.h"
#include "search_index.h"
#include "site.h"
#include "sitemap.h"
#include "util.h"

static const char usage[] =
	"usage: jobsite build [options]\n"
	"\n"
	"Build the site from content/ into public/ (see jobsite.yml).\n"
	"\n"
	"  -s, --site DIR       the site folder (default: .)\n"
	"  -c, --config FILE    configuration (default: DIR/jobsite.yml if present)\n"
	"  -o, --output DIR     output folder (default: DIR/public)\n"
	"      --base-url URL   absolute address of the site, for canonical links,\n"
	"                       feeds, the sitemap and JSON-LD\n"
	"      --build-date D   YYYY-MM-DD to judge expiry by (else the config,\n"
	"                       SOURCE_DATE_EPOCH, or the newest posting)\n"
	"  -j, --jobs N         threads for reading postings and writing files\n"
	"                       (default: one per core; 1: everything on one)\n"
	"      --no-cache       a full build: trust nothing in .jobsite-cache/ beside\n"
	"                       the output (it is written afresh)\n"
	"      --strict         warnings fail the build\n"
	"  -q, --quiet          print errors only\n"
	"  -v, --verbose        print notes too (e.g. why a page has no JSON-LD)\n"
	"  -h, --help           this help\n";

/* Every page template; compiled before anything is written. */
static const char *page_templates[] = {
	"home", "jobs", "posting", "employers", "employer", "states", "state",
	"salary", "band", "search", "404",
};

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

char *build_data_dir(void)
{
	const char *env = getenv("JOBSITE_DATA");
	if (env && *env)
		return xstrdup(env);
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	static const char *up[] = { "../share/jobsite", ".", "..", "../.." };
	for (size_t i = 0; i < ARRAY_SIZE(up); i++) {
		char *dir = path_join(exe, up[i]);
		char *t = path_join(dir, "templates/base.mustache");
		int ok = access(t, R_OK) == 0;
		free(t);
		if (ok) {
			char *real = realpath(dir, NULL);
			free(dir);
			return real;
		}
		free(dir);
	}
	return NULL;
}

/* Same folder (after symlinks)? */
static int same_dir(const char *a, const char *b)
{
	char *ra = realpath(a, NULL), *rb = realpath(b, NULL);
	int same = ra && rb && !strcmp(ra, rb);
	free(ra);
	free(rb);
	return same;
}

static double now_ms(void)
{
	/* Only for the summary and the progress bar, never for output. */
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct progress {
	int on;           /* stderr is a terminal and not --quiet */
	double start, last;
	int shown;
};

/*
 * JOBSITE_TIMINGS=1: wall and CPU time of each stage on stderr (for
 * tests/bench/PROFILE.md).  Never touches the output.
 */
struct stage_clock {
	int on;
	double wall, cpu;
};

static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void stage_start(struct stage_clock *sc)
{
	const char *e = getenv("JOBSITE_TIMINGS");
	sc->on = e && *e && strcmp(e, "0");
	if (sc->on)
		fprintf(stderr, "timing: huge pages for malloc %s (GLIBC_TUNABLES=%s)\n",
			hugepages_on() ? "on" : "off",
			getenv("GLIBC_TUNABLES") ? getenv("GLIBC_TUNABLES") : "");
	sc->wall = now_ms();
	sc->cpu = cpu_ms();
}

static void stage_done(struct stage_clock *sc, const char *what)
{
	if (!sc->on)
		return;
	double w = now_ms(), c = cpu_ms();
	long rss = 0, hwm = 0;
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	while (f && fgets(line, sizeof line, f)) {
		if (!strncmp(line, "VmRSS:", 6))
			rss = atol(line + 6);
		else if (!strncmp(line, "VmHWM:", 6))
			hwm = atol(line + 6);
	}
	if (f)
		fclose(f);
	fprintf(stderr, "timing: %-14s %8.0f ms wall %8.0f ms cpu %6ld MiB rss %6ld MiB peak\n", what,
		w - sc->wall, c - sc->cpu, rss / 1024, hwm / 1024);
	sc->wall = w;
	sc->cpu = c;
}

static void progress_show(struct progress *pr, const char *what, size_t done, size_t total)
{
	if (!pr->on || !total)
		return;
	double t = now_ms();
	if (t - pr->start < 1000 || (t - pr->last < 100 && done < total))
		return;
	pr->last = t;
	pr->shown = 1;
	int width = 30, fill = (int)(done * (size_t)width / total);
	fprintf(stderr, "\r%-10s [%.*s%*s] %3zu%%", what, fill,
		"##############################", width - fill, "", done * 100 / total);
	fflush(stderr);
}

static void progress_end(struct progress *pr)
{
	if (pr->shown)
		fputs("\r\033[K", stderr);
	pr->shown = 0;
}

static void ingest_progress(void *ctx, size_t done, size_t total)
{
	/* Called from worker threads; the bar is cosmetic, a torn line is harmless. */
	progress_show(ctx, "reading", done, total);
}

struct kind_count {
	const char *kind;
	size_t n;
};

struct builder {
	struct config cfg;
	struct diag d;
	struct mustache_set *set;
	const struct mustache_tmpl *tmpl[ARRAY_SIZE(page_templates)];
	struct outdir out;
	struct sitemap sm;
	struct buf page;
	struct kind_count kinds[16];
	size_t nkinds, npages, pages_total;
	struct progress pr;
	int quiet, strict, jobs, no_cache;
	int search_kept;     /* the output's search index is this build's */
	size_t cache_hits, cache_misses;
	struct site *site;   /* set while the pages are written */
};

static void template_error(struct builder *b, struct mustache_error *err)
{
	/* to the run's sink (serve captures it); --quiet still shows errors */
	mustache_error_print(err, b->d.out ? b->d.out : stderr);
	b->d.errors++;
	mustache_error_release(err);
}

static int load_templates(struct builder *b, const char *data_dir)
{
	b->set = mustache_set_new();
	if (is_dir(b->cfg.templates_dir))
		mustache_set_add_dir(b->set, b->cfg.templates_dir);
	char *builtin = data_dir ? path_join(data_dir, "templates") : NULL;
	if (builtin && !same_dir(builtin, b->cfg.templates_dir))
		mustache_set_add_dir(b->set, builtin);
	free(builtin);
	int rc = 0;
	for (size_t i = 0; i < ARRAY_SIZE(page_templates); i++) {
		struct mustache_error err = { 0 };
		b->tmpl[i] = mustache_set_get(b->set, page_templates[i], &err);
		if (!b->tmpl[i]) {
			if (err.message)
				template_error(b, &err);
			else
				diag_error(&b->d, NULL, 0, 0, "template '%s.mustache' not found",
					   page_templates[i]);
			rc = -1;
		}
	}
	return rc;
}

/*
 * pages.c writes the posting pages in site order, after the feeds, and
 * nothing after them reads a description's HTML: free it, so the memory
 * the pages and the search index need next comes from it (100,000
 * postings hold ~450 MB of it).  The page's path is checked, so a change
 * of order there only keeps the HTML longer.
 */
static void posting_written(struct builder *b, const struct page_info *pi)
{
	if (!b->site || !pi->job)
		return;
	/* the site is the builder's: pages.c hands its jobs out as const */
	struct site_job *j = &b->site->jobs[pi->job - b->site->jobs];
	if (j->p->desc_store) {
		posting_desc_unload(j->p); /* read again should anything need it */
		return;
	}
	if (!j->p->borrowed)
		free(j->p->description_html);
	j->p->description_html = NULL;
}

/* A page is in the output: the sitemap, the counts, the progress bar. */
static void page_done(struct builder *b, const struct page_info *pi)
{
	if (!strcmp(pi->kind, "posting"))
		posting_written(b, pi);
	if (pi->sitemap)
		sitemap_add(&b->sm, pi->path, pi->lastmod);
	size_t k = 0;
	while (k < b->nkinds && strcmp(b->kinds[k].kind, pi->kind))
		k++;
	if (k == b->nkinds && k < ARRAY_SIZE(b->kinds))
		b->kinds[b->nkinds++] = (struct kind_count){ pi->kind, 0 };
	if (k < ARRAY_SIZE(b->kinds))
		b->kinds[k].n++;
	b->npages++;
	progress_show(&b->pr, "writing", b->npages, b->pages_total);
}

static int emit_page(void *ctx, const struct page_info *pi, const struct mv *data)
{
	struct builder *b = ctx;
	if (!data) {
		/* made from the same inputs as the file in the output? */
		if (!outdir_keep_file(&b->out, pi->file, pi->key))
			return 1;
		page_done(b, pi);
		return 0;
	}
	size_t t = 0;
	while (t < ARRAY_SIZE(page_templates) && strcmp(page_templates[t], pi->template))
		t++;
	if (t == ARRAY_SIZE(page_templates))
		die("no template '%s'", pi->template);
	struct mdata_ctx mc;
	struct mustache_error err = { 0 };
	mdata_ctx_init(&mc, data);
	buf_reset(&b->page);
	int r = mustache_render(b->tmpl[t], &mdata_site_ops, &mc, &b->page, &err);
	mdata_ctx_release(&mc);
	if (r < 0) {
		template_error(b, &err);
		return -1;
	}
	if (outdir_write_keyed(&b->out, pi->file, buf_slice(&b->page), pi->key) < 0) {
		diag_error(&b->d, NULL, 0, 0, "%s", b->out.error);
		return -1;
	}
	page_done(b, pi);
	return 0;
}

/* Every regular file of `dir` by name, into the key. */
static void key_dir(struct buf *k, const char *dir)
{
	struct dirent **names = NULL;
	int n = dir ? scandir(dir, &names, NULL, alphasort) : -1;
	struct buf data = BUF_INIT;
	for (int i = 0; i < n; i++) {
		char *path = path_join(dir, names[i]->d_name);
		struct stat st;
		if (names[i]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			buf_reset(&data);
			read_file(path, &data, 0);
			struct cache_hash h = cache_hash_bytes(data.p, data.n);
			buf_printf(k, "%s %016llx%016llx\n", names[i]->d_name,
				   (unsigned long long)h.hi, (unsigned long long)h.lo);
		}
		free(path);
		free(names[i]);
	}
	free(names);
	buf_release(&data);
}

/*
 * What every page shares, for the keys of pages.h: this binary, the
 * templates (the site's and the built-in ones), the config, the build
 * date.  -v turns keys off: a kept page would not print its notes.
 */
static int page_key_base(struct builder *b, const struct build_cache *c, const struct site *s,
			 const char *data_dir, unsigned char out[16])
{
	if (b->d.verbose || b->no_cache)
		return 0;
	const struct config *g = &b->cfg;
	struct buf k = BUF_INIT;
	buf_printf(&k, "%016llx%016llx\n", (unsigned long long)c->stamp.hi,
		   (unsigned long long)c->stamp.lo);
	key_dir(&k, g->templates_dir);
	buf_puts(&k, "--\n");
	char *builtin = data_dir ? path_join(data_dir, "templates") : NULL;
	key_dir(&k, builtin);
	free(builtin);
	buf_printf(&k, "%s\n%s\n%s\n%u\n%d\n%zu\n%zu\n%s\n%s\n%s\n", g->title ? g->title : "",
		   g->description ? g->description : "", g->base_url ? g->base_url : "",
		   g->page_size, g->link_index, g->sitemap_max, g->feed_size, g->build_date,
		   s->build_date, s->newest_date);
	for (size_t i = 0; i < g->bands.n; i++)
		buf_printf(&k, "%.17g %s %s\n", g->bands.v[i].min, g->bands.v[i].slug,
			   g->bands.v[i].label);
	cache_hash_to16(cache_hash_bytes(k.p, k.n), out);
	buf_release(&k);
	return 1;
}

/* Every file under `dir` (as outdir_copy_tree() copies them) by path, into the key. */
static void key_tree(struct buf *k, const char *dir, const char *rel)
{
	struct dirent **names = NULL;
	int n = dir ? scandir(dir, &names, NULL, alphasort) : -1;
	struct buf data = BUF_INIT;
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char *path = path_join(dir, name);
		char *sub = *rel ? path_join(rel, name) : xstrdup(name);
		struct stat st;
		if (name[0] != '.' && lstat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode)) {
				buf_printf(k, "%s/\n", sub);
				key_tree(k, path, sub);
			} else if (S_ISREG(st.st_mode)) {
				buf_reset(&data);
				read_file(path, &data, 0);
				struct cache_hash h = cache_hash_bytes(data.p, data.n);
				buf_printf(k, "%s %016llx%016llx\n", sub, (unsigned long long)h.hi,
					   (unsigned long long)h.lo);
			}
		}
		free(sub);
		free(path);
		free(names[i]);
	}
	free(names);
	buf_release(&data);
}

/*
 * What a build is made of besides its posting files, for the last build's
 * record (cache.h, "nothing to do"): this binary, the working folder, every
 * config value (the options that change the output set them: -s, -c, -o,
 * --base-url, --build-date; -j, -q and --strict change no byte), the
 * environment it reads, the templates and static files (the site's and the
 * built-in ones).
 */
static struct cache_hash inputs_key(struct builder *b, const struct build_cache *c,
				    const char *data_dir)
{
	const struct config *g = &b->cfg;
	struct buf k = BUF_INIT;
	buf_printf(&k, "jobsite inputs 1\n%016llx%016llx\n", (unsigned long long)c->stamp.hi,
		   (unsigned long long)c->stamp.lo);
	char cwd[PATH_MAX];
	buf_printf(&k, "%s\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	buf_printf(&k, "\n%s\n%s\n", sde ? sde : "-", data_dir ? data_dir : "-");
#define S(x) ((x) ? (x) : "-")
	buf_printf(&k, "%s\n%s\n%s\n%s\n%s\n%u\n%s\n%s\n%s\n%s\n%s\n%zu\n%d\n%zu\n%zu\n",
		   S(g->site_dir), S(g->file), S(g->title), S(g->description), S(g->base_url),
		   g->page_size, S(g->content_dir), S(g->templates_dir), S(g->static_dir),
		   S(g->output_dir), g->build_date, g->max_file_size, g->link_index, g->sitemap_max,
		   g->feed_size);
#undef S
	for (size_t i = 0; i < g->bands.n; i++)
		buf_printf(&k, "%.17g %s %s\n", g->bands.v[i].min, g->bands.v[i].slug,
			   g->bands.v[i].label);
	buf_puts(&k, "templates\n");
	key_dir(&k, g->templates_dir);
	char *builtin = data_dir ? path_join(data_dir, "templates") : NULL;
	buf_puts(&k, "--\n");
	key_dir(&k, builtin);
	free(builtin);
	buf_puts(&k, "static\n");
	key_tree(&k, g->static_dir, "");
	builtin = data_dir ? path_join(data_dir, "static") : NULL;
	buf_puts(&k, "--\n");
	key_tree(&k, builtin, "");
	free(builtin);
	struct cache_hash h = cache_hash_bytes(k.p, k.n);
	buf_release(&k);
	return h;
}

static char *report_path(const char *output)
{
	const char *slash = strrchr(output, '/');
	if (!slash)
		return xstrdup("build-report.json");
	char *dir = xstrndup(output, (size_t)(slash - output));
	char *p = path_join(*dir ? dir : "/", "build-report.json");
	free(dir);
	return p;
}

/*
 * build-report.json, written as jansson's json_dump_file() with
 * JSON_INDENT(2) | JSON_PRESERVE_ORDER wrote it, without building a tree
 * of a few hundred thousand nodes first (140 ms at 100,000 postings).
 */
struct rjson {
	struct buf b;
	int depth, first; /* first: nothing yet in the open object or array */
};

static void rj_indent(struct rjson *j)
{
	buf_putc(&j->b, '\n');
	for (int i = 0; i < j->depth; i++)
		buf_put(&j->b, "  ", 2);
}

/* The length of the valid UTF-8 sequence at s (as jansson's utf8_check
 * takes it), or 0. */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
	if (n < 2)
		return n;
	if (c == 0xc0 || c == 0xc1 || c > 0xf4)
		return 0;
	unsigned long cp = c & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* A JSON string; a byte that is not UTF-8 becomes U+FFFD (jansson left
 * the whole value out). */
static void rj_str(struct rjson *j, const char *s)
{
	buf_putc(&j->b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		/* printable ASCII but '"' and '\\' goes in one copy */
		const unsigned char *run = p;
		while (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
			p++;
		if (p > run) {
			buf_put(&j->b, run, (size_t)(p - run));
			continue;
		}
		size_t n = utf8_seq(p);
		if (!n) {
			buf_puts(&j->b, "\xef\xbf\xbd");
			p++;
			continue;
		}
		const char *esc = NULL;
		switch (*p) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		}
		if (esc)
			buf_puts(&j->b, esc);
		else if (*p < 0x20)
			buf_printf(&j->b, "\\u%04X", *p);
		else
			buf_put(&j->b, p, n);
		p += n;
	}
	buf_putc(&j->b, '"');
}

/* The next member of the open object ("key": ...), or element (key NULL). */
static void rj_key(struct rjson *j, const char *key)
{
	if (!j->first)
		buf_putc(&j->b, ',');
	j->first = 0;
	rj_indent(j);
	if (key) {
		rj_str(j, key);
		buf_put(&j->b, ": ", 2);
	}
}

static void rj_open(struct rjson *j, const char *key, char c)
{
	rj_key(j, key);
	buf_putc(&j->b, c);
	j->depth++;
	j->first = 1;
}

static void rj_close(struct rjson *j, char c)
{
	j->depth--;
	if (!j->first)
		rj_indent(j);
	buf_putc(&j->b, c);
	j->first = 0;
}

static void rj_string(struct rjson *j, const char *key, const char *v)
{
	rj_key(j, key);
	if (v)
		rj_str(j, v);
	else
		buf_puts(&j->b, "null");
}

static void rj_int(struct rjson *j, const char *key, long long v)
{
	rj_key(j, key);
	buf_printf(&j->b, "%lld", v);
}

static int cmp_kind(const void *a, const void *b)
{
	return strcmp(((const struct diag_kind *)a)->kind, ((const struct diag_kind *)b)->kind);
}

/* build-report.json up to its elapsed time (report_close() ends it). */
static void report_open(struct builder *b, const struct posting_list *l, const struct site *s,
			int ok, struct rjson *jp)
{
	struct rjson j = { BUF_INIT, 0, 1 };
	buf_putc(&j.b, '{');
	j.depth = 1;
	rj_key(&j, "ok");
	buf_puts(&j.b, ok ? "true" : "false");
	rj_string(&j, "output", b->cfg.output_dir);
	rj_string(&j, "build_date", s && s->build_date[0] ? s->build_date : NULL);
	rj_int(&j, "postings", (long long)l->n);
	rj_int(&j, "duplicates", s ? (long long)s->nduplicates : 0);
	rj_open(&j, "pages", '{');
	for (size_t i = 0; i < b->nkinds; i++)
		rj_int(&j, b->kinds[i].kind, (long long)b->kinds[i].n);
	rj_close(&j, '}');
	rj_int(&j, "warnings", b->d.warnings);
	rj_int(&j, "errors", b->d.errors);
	/* by name: the threads that read the postings meet each kind first
	 * in an order of their timing's */
	struct diag_kind *kinds = xmalloc((b->d.nkinds + 1) * sizeof *kinds);
	memcpy(kinds, b->d.kinds, b->d.nkinds * sizeof *kinds);
	qsort(kinds, b->d.nkinds, sizeof *kinds, cmp_kind);
	rj_open(&j, "warning_kinds", '{');
	for (size_t i = 0; i < b->d.nkinds; i++)
		rj_int(&j, kinds[i].kind, kinds[i].count);
	rj_close(&j, '}');
	free(kinds);
	rj_open(&j, "skipped", '[');
	for (size_t i = 0; i < l->nskipped; i++) {
		rj_open(&j, NULL, '{');
		rj_string(&j, "path", l->skipped[i].path);
		rj_string(&j, "reason", l->skipped[i].reason);
		rj_close(&j, '}');
	}
	rj_close(&j, ']');
	rj_open(&j, "postings_with_warnings", '[');
	for (size_t i = 0; i < l->n; i++) {
		const struct posting *p = l->v[i];
		if (!p->nwarnings)
			continue;
		rj_open(&j, NULL, '{');
		rj_string(&j, "source", p->source);
		rj_string(&j, "id", p->id);
		rj_open(&j, "warnings", '[');
		for (size_t k = 0; k < p->nwarnings; k++) {
			rj_open(&j, NULL, '{');
			rj_string(&j, "kind", p->warnings[k].kind);
			rj_string(&j, "message", p->warnings[k].message);
			if (p->warnings[k].line)
				rj_int(&j, "line", p->warnings[k].line);
			rj_close(&j, '}');
		}
		rj_close(&j, ']');
		rj_close(&j, '}');
	}
	rj_close(&j, ']');
	*jp = j;
}

static void report_close(struct builder *b, struct rjson *j, double ms)
{
	rj_int(j, "elapsed_ms", (long long)ms);
	rj_close(j, '}');
	char *path = report_path(b->cfg.output_dir);
	if (write_file(path, j->b.p, j->b.n) < 0)
		diag_warn(&b->d, NULL, 0, 0, "cannot write '%s'", path);
	free(path);
	buf_release(&j->b);
}

static void write_report(struct builder *b, const struct posting_list *l, const struct site *s,
			 double ms, int ok)
{
	struct rjson j;
	report_open(b, l, s, ok, &j);
	report_close(b, &j, ms);
}

/*
 * What a successful build ends with, made on a thread of its own while the
 * commit runs (which keeps one core busy and leaves the other idle): the
 * report but its elapsed time, the summary's lines, the last build's
 * record.  Nothing they are made from changes during the commit; they are
 * used only once it succeeded.
 */
struct tail_job {
	struct builder *b;
	const struct posting_list *list;
	const struct site *site;
	struct build_cache *cache;
	const struct ingest_found *found;
	int last;                    /* the record is kept (up_to_date_ok) */
	long statics, feeds, maps;
	const struct search_stats *search;
	const struct pages_stats *charts;
	int made;
	struct rjson report;
	struct buf head, tail, record;
};

static void summary_head(struct builder *b, const struct posting_list *l, const struct site *s,
			 long statics, long feeds, long maps, struct buf *o);
static void summary_tail(int search_kept, const struct search_stats *se,
			 const struct pages_stats *ch, struct buf *o);

static void *tail_run(void *arg)
{
	struct tail_job *t = arg;
	report_open(t->b, t->list, t->site, 1, &t->report);
	summary_head(t->b, t->list, t->site, t->statics, t->feeds, t->maps, &t->head);
	summary_tail(t->b->search_kept, t->search, t->charts, &t->tail);
	if (t->last)
		cache_last_payload(t->cache, t->found, &t->b->d, buf_cstr(&t->head),
				   buf_cstr(&t->tail), &t->record);
	t->made = 1;
	return NULL;
}

static void tail_release(struct tail_job *t)
{
	if (t->made)
		buf_release(&t->report.b);
	buf_release(&t->head);
	buf_release(&t->tail);
	buf_release(&t->record);
	t->made = 0;
}

/* The summary's lines above "files written" (the last build's record
 * keeps them for a build with nothing to do), */
static void summary_head(struct builder *b, const struct posting_list *l, const struct site *s,
			 long statics, long feeds, long maps, struct buf *o)
{
	size_t closed = s ? s->njobs - s->open.n : 0;
	buf_printf(o, "jobsite build: %s\n", b->cfg.output_dir);
	buf_printf(o, "  %-14s %8zu   (%zu skipped, %zu duplicates, %zu closed)\n", "postings", l->n,
		   l->nskipped, s ? s->nduplicates : 0, closed);
	buf_printf(o, "  %-14s %8zu  ", "pages", b->npages);
	for (size_t i = 0; i < b->nkinds; i++)
		buf_printf(o, " %s %zu%s", b->kinds[i].kind, b->kinds[i].n,
			   i + 1 < b->nkinds ? "," : "");
	buf_printf(o, "\n  %-14s %8ld\n", "feeds", feeds);
	buf_printf(o, "  %-14s %8ld%s\n", "sitemap files", maps,
		   b->cfg.base_url ? "" : "   (robots.txt only: no base_url)");
	buf_printf(o, "  %-14s %8ld\n", "static files", statics);
}

/* the lines below it, */
static void summary_tail(int search_kept, const struct search_stats *se,
			 const struct pages_stats *ch, struct buf *o)
{
	if (search_kept)
		buf_printf(o, "  %-14s %8zu   (%zu KB, unchanged)\n", "search files", se->files,
			   (se->bytes + 1023) / 1024);
	else if (se->from_last)
		buf_printf(o, "  %-14s %8zu   (%zu KB, %zu + %zu words; %s words of %zu postings patched in, "
			   "%zu final lists kept, hints of %zu of %zu words and %zu rows kept)\n", "search files",
			   se->files, (se->bytes + 1023) / 1024, se->terms[0], se->terms[1],
			   se->head_patched ? "head and body" : "body", se->patched, se->finals_kept,
			   se->hints_kept, se->hints_kept + se->hints_made, se->rows_kept);
	else if (se->hints_kept || se->rows_kept)
		buf_printf(o, "  %-14s %8zu   (%zu KB, %zu + %zu words; hints of %zu of %zu words and %zu rows "
			   "kept)\n", "search files", se->files, (se->bytes + 1023) / 1024, se->terms[0],
			   se->terms[1], se->hints_kept, se->hints_kept + se->hints_made, se->rows_kept);
	else
		buf_printf(o, "  %-14s %8zu   (%zu KB, %zu + %zu words)\n", "search files", se->files,
			   (se->bytes + 1023) / 1024, se->terms[0], se->terms[1]);
	buf_printf(o, "  %-14s %8zu   (on %zu pages, %zu KB of SVG, %.0f ms with the pay figures)\n",
		   "charts", ch->charts, ch->chart_pages, (ch->svg_bytes + 1023) / 1024, ch->pay_ms);
}

/* and the closing counts, which are this run's. */
static void summary_counts(const struct builder *b, double ms)
{
	printf("  %-14s %8u\n", "warnings", b->d.warnings);
	printf("  %-14s %8u\n", "errors", b->d.errors);
	printf("  %-14s %8.0f ms\n", "time", ms);
}

/* A build with nothing to do (cache_last_check() said so): the summary
 * again, or --strict failing on the warnings as the build would have. */
static int up_to_date(struct builder *b, int strict, const char *head, const char *tail,
		      void (*ready)(void *ctx), void *ready_ctx)
{
	if (b->d.errors || (strict && b->d.warnings)) {
		if (strict && b->d.warnings)
			diag_error(&b->d, NULL, 0, 0, "%u warnings and --strict: output left as it was",
				   b->d.warnings);
		fprintf(stderr, "jobsite build: failed with %u errors; '%s' left as it was\n",
			b->d.errors, b->cfg.output_dir);
		return EXIT_CONTENT;
	}
	if (ready)
		ready(ready_ctx);
	if (!b->quiet) {
		fputs(head, stdout);
		printf("  %-14s %8d   (nothing changed since the last build)\n", "files written", 0);
		fputs(tail, stdout);
		summary_counts(b, now_ms() - b->pr.start);
	}
	return EXIT_OK;
}

static int parse_args(struct builder *b, int argc, char **argv, char **config_file)
{
	static const struct option longopts[] = {
		{ "site", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ "output", required_argument, NULL, 'o' },
		{ "base-url", required_argument, NULL, 'B' },
		{ "build-date", required_argument, NULL, 'D' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "strict", no_argument, NULL, 'S' },
		{ "no-cache", no_argument, NULL, 'N' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* Flags override the file, so they are applied after it: keep them. */
	const char *site = ".", *output = NULL, *base = NULL, *date = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:c:o:j:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 's': site = optarg; break;
		case 'c': *config_file = optarg; break;
		case 'o': output = optarg; break;
		case 'B': base = optarg; break;
		case 'D': date = optarg; break;
		case 'j':
			if (atoi(optarg) < 1) {
				fprintf(stderr, "jobsite build: --jobs wants a positive number, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			b->jobs = atoi(optarg);
			break;
		case 'S': b->strict = 1; break;
		case 'N': b->no_cache = 1; break;
		case 'q': b->quiet = 1; break;
		case 'v': b->d.verbose = 1; break;
		case 'h': fputs(usage, stdout); return -1;
		default: fputs(usage, stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "jobsite build: unexpected argument '%s'\n%s", argv[optind], usage);
		return EXIT_USAGE;
	}
	if (base && *base && strncmp(base, "http://", 7) && strncmp(base, "https://", 8)) {
		fprintf(stderr, "jobsite build: --base-url must start with http:// or https://\n");
		return EXIT_USAGE;
	}
	if (date && (strlen(date) != 10 || date[4] != '-' || date[7] != '-')) {
		fprintf(stderr, "jobsite build: --build-date wants YYYY-MM-DD, not '%s'\n", date);
		return EXIT_USAGE;
	}
	config_release(&b->cfg);
	config_init(&b->cfg, site);
	char *auto_file = NULL;
	if (!*config_file) {
		auto_file = path_join(site, "jobsite.yml");
		if (access(auto_file, F_OK) == 0)
			*config_file = auto_file;
	}
	int rc = 0;
	if (*config_file && config_load(&b->cfg, *config_file, &b->d) < 0)
		rc = EXIT_CONTENT;
	free(auto_file);
	*config_file = NULL;
	if (output)
		config_set_path(&b->cfg.output_dir, NULL, output);
	if (base)
		config_set_base_url(&b->cfg, base);
	if (date)
		memcpy(b->cfg.build_date, date, 11);
	return rc;
}

/*
 * The search index over the open postings, in site order.  The index names
 * a posting by its page slug, which differs from p->id on a collision, so
 * it reads shallow copies whose id is the slug and whose facet values are
 * the slugs of the site's employer and band pages.
 */
struct search_job {
	struct builder *b;
	struct posting *copies;
	struct posting **ptrs;
	size_t n;
	struct search_stats *st;
	struct build_cache *cache; /* memo of body words, or NULL */
	int threads;
	int r;
	/* The index is made only when its key (cache_search_key) is not the
	 * one the output's index was made with: `keyed` says the key is still
	 * to be made, on the index's thread; `same_key` that it held. */
	int keyed, same_key;
	/* the files it made, for the manifest (outdir_record) */
	struct search_file {
		char *rel;
		uint64_t size;
		struct cache_hash hash;
		int kept;
	} *files;
	size_t nfiles, files_cap;
	pthread_mutex_t lock;   /* files: the index writes from two threads */
};

/* A search file: not written when the output has these bytes already. */
static int search_write(void *ctx, const char *rel, struct slice data)
{
	struct search_job *sj = ctx;
	struct outdir *o = &sj->b->out;
	struct cache_hash h = cache_hash_bytes(data.p, data.n);
	int kept = outdir_has(o, rel, data.n, h);
	/* from the index's two threads (search_index.c, rows_run) */
	pthread_mutex_lock(&sj->lock);
	sj->files = xgrow(sj->files, &sj->files_cap, sj->nfiles + 1, sizeof *sj->files);
	sj->files[sj->nfiles++] = (struct search_file){ xstrdup(rel), data.n, h, kept };
	pthread_mutex_unlock(&sj->lock);
	if (kept)
		return 0;
	char *path = path_join(o->tmp, rel);
	int r = write_file(path, data.p, data.n);
	free(path);
	return r;
}

/* After the index: its files into the manifest, on the main thread. */
static int cmp_search_file(const void *a, const void *b)
{
	return strcmp(((const struct search_file *)a)->rel, ((const struct search_file *)b)->rel);
}

static void search_files_done(struct search_job *sj, struct outdir *o)
{
	/* in name order: the index's threads finish files in any order */
	if (sj->nfiles)
		qsort(sj->files, sj->nfiles, sizeof *sj->files, cmp_search_file);
	for (size_t i = 0; i < sj->nfiles; i++) {
		outdir_record(o, sj->files[i].rel, sj->files[i].size, sj->files[i].hash,
			      sj->files[i].kept);
		free(sj->files[i].rel);
	}
	free(sj->files);
	sj->files = NULL;
	sj->nfiles = 0;
}

static void search_prepare(struct search_job *sj, const struct site *s)
{
	size_t n = s->open.n;
	struct posting *copies = xcalloc(n ? n : 1, sizeof *copies);
	struct posting **ptrs = xcalloc(n ? n : 1, sizeof *ptrs);
	for (size_t i = 0; i < n; i++) {
		const struct site_job *j = &s->jobs[s->open.v[i]];
		copies[i] = *j->p;
		copies[i].id = j->slug;
		/* Facet values are the site's groups, so a group page can
		 * scope the search to its own postings (pages.c, group.scope). */
		if (j->employer >= 0) {
			copies[i].employer_slug = s->employers[j->employer].slug;
			copies[i].employer = s->employers[j->employer].name;
		} else {
			copies[i].employer = NULL;
		}
		if (j->state < 0)
			copies[i].state[0] = 0;
		copies[i].salary_band = s->bands[j->band].slug;
		/* the index reads no HTML; the pages free it as they go */
		copies[i].description_html = NULL;
		ptrs[i] = &copies[i];
	}
	sj->copies = copies;
	sj->ptrs = ptrs;
	sj->n = n;
}

static struct slice words_get(void *ctx, const struct posting *p)
{
	return cache_words_get(ctx, p->record_key);
}

static void words_put(void *ctx, const struct posting *p, struct slice words)
{
	cache_words_put(ctx, p->record_key, words);
}

static int words_keep(void *ctx, const struct posting *p)
{
	return cache_words_keep(ctx, p->record_key);
}

static struct slice words_by_key(void *ctx, const unsigned long long key[2])
{
	return cache_words_get(ctx, key);
}

static struct slice body_get(void *ctx)
{
	return cache_body_get(ctx);
}

static void body_put(void *ctx, struct slice table)
{
	cache_body_put(ctx, table);
}

/* With the key held (same_key): the output's index files kept as they
 * are, counted as a written index is (.json files, each with a .js twin),
 * and the copies let go; 0 (same_key cleared: the index is to be made)
 * when one is not there as the manifest says. */
static int search_keep(struct builder *b, struct search_job *sj, struct search_stats *st)
{
	long kept;
	if (!sj->same_key ||
	    (kept = outdir_keep(&b->out, SEARCH_DEFAULT_DIR "/", ".json", &st->bytes)) < 0) {
		sj->same_key = 0; /* to be made */
		return 0;
	}
	st->files = (size_t)kept;
	b->search_kept = 1;
	free(sj->ptrs);
	free(sj->copies);
	sj->ptrs = NULL;
	sj->copies = NULL;
	return 1;
}

/* search_prepare()d copies to the index; on a thread of its own, next
 * to the pages, unless -j 1. */
static void *search_thread(void *arg)
{
	struct search_job *sj = arg;
	struct builder *b = sj->b;
	if (sj->keyed) {
		sj->keyed = 0;
		struct cache_hash skey = cache_search_key(sj->cache, sj->ptrs, sj->n, &b->cfg.bands);
		if (cache_hash_eq(skey, sj->cache->manifest_key)) {
			sj->same_key = 1; /* the caller keeps the output's files */
			return NULL;
		}
	}
	if (sj->cache)
		cache_words_begin(sj->cache);
	sj->r = search_index_write(sj->ptrs, sj->n, b->out.tmp,
				   &(struct search_opts){ .stats = sj->st, .bands = &b->cfg.bands,
						       .threads = sj->threads,
						       .write = b->out.cache ? search_write : NULL,
						       .write_ctx = sj,
						       .words_get = sj->cache ? words_get : NULL,
						       .words_put = sj->cache ? words_put : NULL,
						       .words_keep = sj->cache ? words_keep : NULL,
						       .words_by_key = sj->cache ? words_by_key : NULL,
						       .body_get = sj->cache ? body_get : NULL,
						       .body_put = sj->cache ? body_put : NULL,
						       .words_ctx = sj->cache },
				   &b->d);
	if (sj->cache)
		cache_words_end(sj->cache, sj->r == 0);
	free(sj->ptrs);
	free(sj->copies);
	sj->ptrs = NULL;
	sj->copies = NULL;
	return NULL;
}

struct cache_save_job {
	struct build_cache *cache;
	const struct posting_list *list;
};

static void *cache_save_thread(void *arg)
{
	struct cache_save_job *j = arg;
	cache_ingest_save(j->cache, j->list);
	return NULL;
}

/*
 * Whether a one-shot build may leave its memory to exit() (as git and
 * compilers do): the site, the postings and the cache's tables are ~400 MB
 * of small blocks at 100,000 postings, 70 ms to free one by one.  Not in
 * the preview server, which builds again in the same process, nor under a
 * leak checker: JOBSITE_TEARDOWN=1 (tests/t-valgrind.sh) or AddressSanitizer.
 */
static int may_skip_teardown(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return 0;
#else
	const char *e = getenv("JOBSITE_TEARDOWN");
	return !(e && *e && strcmp(e, "0"));
#endif
}

/* The build, with diagnostics going to `diag_out`; `one_shot`: the
 * process ends after it (cmd_build), so its memory need not be freed. */
static int build_main(int argc, char **argv, FILE *diag_out, void (*ready)(void *ctx),
		      void *ready_ctx, int one_shot)
{
	struct builder b;
	memset(&b, 0, sizeof b);
	diag_init(&b.d, diag_out);
	config_init(&b.cfg, ".");
	char *config_file = NULL;
	int rc = parse_args(&b, argc, argv, &config_file);
	int jobs = b.jobs, strict = b.strict;
	b.pr = (struct progress){ .on = !b.quiet && isatty(2), .start = now_ms() };
	if (b.quiet)
		b.d.out = NULL; /* the closing line still says how many errors */
	struct posting_list list = { 0 };
	struct site *site = NULL;
	long statics = 0, feeds = 0, maps = 0;
	struct search_stats search = { 0 };
	struct pages_stats charts = { 0 };
	struct tail_job tj = { .made = 0 };
	struct build_cache cache = { 0 };
	struct descstore *spill = NULL;
	struct ingest_found found = { 0 };
	struct cache_hash inputs = { 0, 0 };
	int up_to_date_ok = 0;
	char *data_dir = NULL;
	struct stage_clock sc = { 0 }; /* off until stage_start() */
	if (rc) {
		if (rc < 0)
			rc = EXIT_OK;
		goto out;
	}
	rc = EXIT_CONTENT;
	stage_start(&sc);
	if (config_resolve_date(&b.cfg, &b.d) < 0)
		goto out;
	data_dir = build_data_dir();
	if (load_templates(&b, data_dir) < 0)
		goto out;

	struct ingest_opts io = {
		.max_file_size = b.cfg.max_file_size,
		.build_date = b.cfg.build_date[0] ? b.cfg.build_date : NULL,
		.keep_description = 1,
		.jobs = jobs,
		.bands = &b.cfg.bands,
		.progress = ingest_progress,
		.progress_ctx = &b.pr,
	};
	cache_locate(&cache, b.cfg.output_dir, &b.d);
	if (!b.no_cache)
		cache_manifest_early(&cache, b.cfg.output_dir); /* beside the walk (cache.h) */
	unsigned said = b.d.warnings + b.d.errors;
	/* The last walk's list while no folder of it has changed (cache.h);
	 * not with -v, whose notes come from the walk. */
	int walk_kept = !b.no_cache && !b.d.verbose &&
			cache_walk_get(&cache, b.cfg.content_dir, &found);
	if (!walk_kept) {
		struct timespec t0;
		clock_gettime(CLOCK_REALTIME, &t0);
		if (ingest_walk(b.cfg.content_dir, &found, &b.d, &list) < 0) {
			diag_error(&b.d, NULL, 0, 0, "cannot read '%s': %s", b.cfg.content_dir,
				   strerror(errno));
			goto report;
		}
		cache_walk_put(&cache, b.cfg.content_dir, &found,
			       (int64_t)t0.tv_sec * 1000000000 + t0.tv_nsec);
	}
	/* Nothing to do when the inputs and the output are as the last build
	 * left them (cache.h).  Not with -v (notes are not kept), nor after the
	 * walk itself had something to say. */
	up_to_date_ok = !b.no_cache && !b.d.verbose && !list.nskipped && !b.d.shown_lines &&
			b.d.warnings + b.d.errors == said;
	stage_done(&sc, walk_kept ? "walk (kept)" : "walk");
	if (up_to_date_ok) {
		ingest_found_stat(&found);
		inputs = inputs_key(&b, &cache, data_dir);
		stage_done(&sc, "inputs");
		char *head = NULL, *tail = NULL;
		if (cache_last_check(&cache, inputs, &found, &b.d, &head, &tail)) {
			stage_done(&sc, "up to date");
			rc = up_to_date(&b, strict, head, tail, ready, ready_ctx);
			free(head);
			free(tail);
			goto out;
		}
	}
	cache_last_drop(&cache);
	b.d.keep = up_to_date_ok; /* for the next build's record */
	cache_read(&cache, &io);
	if (b.no_cache)
		cache_forget(&cache);
	io.cache = &cache;
	/* descriptions wait on disk until a page needs them (descstore.h) */
	spill = cache_descriptions(&cache, &io);
	io.spill = spill;
	stage_done(&sc, "cache");
	ingest_found_files(&found, &io, &b.d, &list);
	progress_end(&b.pr);
	stage_done(&sc, "ingest");
	/* The cache is saved beside the site model, which only reads the
	 * postings too (site.h); both are done before anything loads a
	 * description or marks a posting. */
	struct cache_save_job csj = { &cache, &list };
	pthread_t save_tid;
	int save_async = jobs != 1 && pthread_create(&save_tid, NULL, cache_save_thread, &csj) == 0;
	if (!save_async)
		cache_save_thread(&csj);
	stage_done(&sc, save_async ? "cache save (started)" : "cache save");
	/* The last build's model when it was made from the same fields
	 * (site.h); else made, and kept for the next build. */
	site = b.no_cache ? NULL
			  : site_from_memo(cache_site_get(&cache), &list, &b.cfg.bands,
					   b.cfg.build_date, &b.d);
	size_t patched = 0;
	int site_kept = site && site_memo_kept(site, &patched);
	if (!site)
		site = site_build(&list, &b.cfg.bands, b.cfg.build_date, &b.d);
	if (!b.no_cache && (!site_kept || patched)) {
		struct buf memo = BUF_INIT;
		if (site_memo_put(site, &memo) == 0)
			cache_site_put(&cache, buf_slice(&memo));
		buf_release(&memo);
	}
	stage_done(&sc, site_kept ? "site model (kept)" : "site model");
	if (save_async)
		pthread_join(save_tid, NULL);
	stage_done(&sc, save_async ? "cache save (wait)" : "cache save");
	site_mark_duplicates(site);
	b.pages_total = site->njobs + site->nemployers + site->nstates + site->nbands + 16;

	if (outdir_open(&b.out, b.cfg.output_dir) < 0) {
		diag_error(&b.d, NULL, 0, 0, "%s", b.out.error);
		goto report;
	}
	outdir_use_cache(&b.out, &cache);
	/*
	 * -j 1: everything in order on this thread.  Else the search index
	 * is built on a thread of its own while the pages are rendered, and
	 * files are written by `jobs` threads (outdir.c).  Every file gets
	 * the same bytes either way (tests/t-threads.sh).
	 */
	int threads = jobs > 0 ? jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
	struct search_job sj = { .b = &b, .st = &search, .threads = threads, .cache = &cache,
				 .lock = PTHREAD_MUTEX_INITIALIZER };
	search_prepare(&sj, site);
	/* The index reads only these copies: when their key is the one the
	 * output's index was made with, the output's index files are kept as
	 * they are (search_kept).  The key of 100,000 postings takes 50 ms:
	 * made on the index's thread, which then stops (same_key), unless
	 * -j 1. */
	sj.keyed = 1;
	if (threads <= 1) {
		sj.keyed = 0;
		struct cache_hash skey = cache_search_key(&cache, sj.ptrs, sj.n, &b.cfg.bands);
		sj.same_key = cache_hash_eq(skey, cache.manifest_key);
		search_keep(&b, &sj, &search);
	}
	stage_done(&sc, "search key");
	pthread_t search_tid;
	int search_async = 0;
	if (threads > 1)
		outdir_start_writers(&b.out, threads);
	if (threads > 1 && !b.search_kept)
		search_async = pthread_create(&search_tid, NULL, search_thread, &sj) == 0;
	/* Feeds first: besides its own page they are the one reader of a
	 * posting's description HTML, which emit_page() then frees. */
	unsigned char key_base[16];
	int keyed = page_key_base(&b, &cache, site, data_dir, key_base);
	if ((feeds = feeds_write(site, &b.cfg, &b.out, keyed ? key_base : NULL)) < 0) {
		diag_error(&b.d, NULL, 0, 0, "%s", b.out.error);
		goto fail_join;
	}
	stage_done(&sc, "feeds");
	b.site = site;
	struct mdata *md = mdata_new();
	int r = pages_generate(site, &b.cfg, md, &b.d, emit_page, &b, &charts,
			       keyed ? key_base : NULL);
	mdata_free(md);
	progress_end(&b.pr);
	stage_done(&sc, "pages");
	if (sc.on) /* the rest were kept by their keys (pages.h) */
		fprintf(stderr, "timing: pages made %zu of %zu (home, indexes and search: %zu)\n",
			charts.made, b.npages, charts.whole_made);
	if (r)
		goto fail_join;
	if (data_dir) {
		char *builtin = path_join(data_dir, "static");
		if (!same_dir(builtin, b.cfg.static_dir))
			statics = outdir_copy_tree(&b.out, builtin, "static");
		free(builtin);
	}
	long st2 = statics < 0 ? -1 : outdir_copy_tree(&b.out, b.cfg.static_dir, "static");
	if (statics < 0 || st2 < 0) {
		diag_error(&b.d, NULL, 0, 0, "%s", b.out.error);
		goto fail_join;
	}
	statics += st2;
	stage_done(&sc, "static files");
	if ((maps = sitemap_write(&b.sm, b.cfg.base_url, b.cfg.sitemap_max, &b.out)) < 0) {
		diag_error(&b.d, NULL, 0, 0, "%s", b.out.error);
		goto fail_join;
	}
	maps--; /* robots.txt */
	stage_done(&sc, "sitemap");
	if (search_async)
		pthread_join(search_tid, NULL);
	else if (!b.search_kept)
		search_thread(&sj);
	search_async = 0;
	/* the key held: the output's files are kept, or made after all if
	 * one is not there as the manifest says */
	if (sj.same_key && !b.search_kept && !search_keep(&b, &sj, &search))
		search_thread(&sj);
	stage_done(&sc, threads > 1 ? "search (wait)" : "search index");
	if (sj.r < 0)
		goto report;
	search_files_done(&sj, &b.out);
	if (outdir_wait(&b.out) < 0) {
		diag_error(&b.d, NULL, 0, 0, "%s", b.out.error);
		goto report;
	}
	stage_done(&sc, "write (wait)");
	if (descstore_failed(spill))
		diag_error(&b.d, cache.dir, 0, 0,
			   "cannot read back the descriptions kept during the build: %s",
			   strerror(descstore_failed(spill)));
	cache_descriptions_end(&cache); /* every page and the cache are made */
	if (b.d.errors || (strict && b.d.warnings)) {
		if (strict && b.d.warnings)
			diag_error(&b.d, NULL, 0, 0, "%u warnings and --strict: output left as it was",
				   b.d.warnings);
		goto report;
	}
	tj = (struct tail_job){ .b = &b, .list = &list, .site = site, .cache = &cache,
				.found = &found, .last = up_to_date_ok, .statics = statics,
				.feeds = feeds, .maps = maps, .search = &search, .charts = &charts,
				.head = BUF_INIT, .tail = BUF_INIT, .record = BUF_INIT };
	/* the commit's first step, here: it may report, which the tail reads */
	cache_manifest_drop(&cache);
	pthread_t tail_tid;
	int tail_async = threads > 1 && pthread_create(&tail_tid, NULL, tail_run, &tj) == 0;
	int committed = outdir_commit(&b.out);
	if (tail_async)
		pthread_join(tail_tid, NULL);
	if (committed < 0) {
		tail_release(&tj); /* it would say the build succeeded */
		diag_error(&b.d, NULL, 0, 0, "%s", b.out.error);
		goto report;
	}
	stage_done(&sc, "commit");
	rc = EXIT_OK;
	if (ready)
		ready(ready_ctx); /* the output is in place: the report can follow */
	goto report;
fail_join:
	if (search_async)
		pthread_join(search_tid, NULL);
	search_files_done(&sj, &b.out);
	free(sj.ptrs);
	free(sj.copies);
report:
	progress_end(&b.pr);
	double ms = now_ms() - b.pr.start;
	if (rc == EXIT_OK && !tj.made)
		tail_run(&tj); /* one thread (-j 1): here, as the commit is done */
	if (rc == EXIT_OK)
		report_close(&b, &tj.report, ms);
	else
		write_report(&b, &list, site, ms, 0);
	if (rc == EXIT_OK)
		stage_done(&sc, "report");
	b.cache_hits = cache.hits;
	b.cache_misses = cache.misses;
	if (rc == EXIT_OK) {
		if (!b.quiet) {
			fputs(buf_cstr(&tj.head), stdout);
			printf("  %-14s %8zu   (%zu unchanged; postings: %zu cached, %zu parsed)\n",
			       "files written", b.out.files, b.out.unchanged, b.cache_hits,
			       b.cache_misses);
			fputs(buf_cstr(&tj.tail), stdout);
			summary_counts(&b, ms);
		}
		if (up_to_date_ok)
			cache_last_write(&cache, inputs, buf_slice(&tj.record));
		tj.made = 0; /* the report's buffer went with report_close() */
		tail_release(&tj);
		outdir_manifest_wait(&b.out); /* written beside the report (outdir.c) */
		stage_done(&sc, "manifest (wait)");
	}
	else
		fprintf(stderr, "jobsite build: failed with %u errors; '%s' left as it was\n",
			b.d.errors, b.cfg.output_dir);
out:
	if (one_shot && rc == EXIT_OK && may_skip_teardown()) {
		/* the output and the cache are complete: only memory is left
		 * (the output's 144,000 names at 100,000 postings among it) */
		outdir_finish(&b.out);
		stage_done(&sc, "teardown (skipped)");
		return rc;
	}
	ingest_found_release(&found);
	free(data_dir);
	outdir_release(&b.out);
	sitemap_release(&b.sm);
	buf_release(&b.page);
	site_free(site);
	posting_list_release(&list);
	cache_close(&cache); /* after the postings: they may point into it and its descriptions */
	if (b.set)
		mustache_set_free(b.set);
	config_release(&b.cfg);
	diag_release(&b.d);
	if (rc == EXIT_OK)
		stage_done(&sc, "teardown");
	return rc;
}

int cmd_build(int argc, char **argv)
{
	return build_main(argc, argv, stderr, NULL, NULL, 1);
}

int build_for_serve(const char *site_dir, const char *out_dir, void (*ready)(void *ctx),
		    void *ready_ctx, struct buf *error_text)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f) {
		buf_printf(error_text, "jobsite: cannot capture the build's messages: %s\n",
			   strerror(errno));
		return -1;
	}
	char *argv[] = { "build", "-s", (char *)site_dir, "-o", (char *)out_dir, NULL };
	int rc = build_main(5, argv, f, ready, ready_ctx, 0);
	fclose(f);
	if (rc != EXIT_OK) {
		/* the errors, each with its line and caret; warnings stay out */
		int keep = 0;
		for (char *line = text, *next; line && *line; line = next) {
			next = strchr(line, '\n');
			if (next)
				*next++ = '\0';
			if (strstr(line, ": error: "))
				keep = 3;
			if (keep-- > 0) {
				buf_puts(error_text, line);
				buf_putc(error_text, '\n');
			}
		}
		if (!error_text->n)
			buf_puts(error_text, "jobsite: the build failed\n");
	} else if (len) {
		fwrite(text, 1, len, stderr); /* warnings, as a build prints them */
	}
	free(text);
	return rc;
}
