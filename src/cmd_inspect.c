/*
 * cmd_inspect.c - `jobsite inspect [--json] PATH...`: show what jobsite
 * understands of postings, without building a site.
 */
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmds.h"
#include "diag.h"
#include "ingest.h"
#include "util.h"

static const char usage[] =
	"usage: jobsite inspect [--json] [--jobs N] PATH...\n"
	"\n"
	"Parse and normalize posting files (or every posting under a folder) and\n"
	"print what was understood: a table per posting, or with --json one JSON\n"
	"object per posting per line (shared/SCHEMA.md), in the order given.\n"
	"\n"
	"  --json        JSON Lines output\n"
	"  -j, --jobs N  worker threads (default: one per core)\n"
	"  -q, --quiet   do not print warnings to stderr\n"
	"  --max-file-size BYTES  refuse larger files (default 2 MiB)\n"
	"  -h, --help    this help\n";

static void fmt_money(struct buf *b, double v)
{
	if (isnan(v))
		return;
	long long whole = (long long)v;
	char digits[32];
	snprintf(digits, sizeof digits, "%lld", whole);
	size_t n = strlen(digits);
	buf_putc(b, '$');
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			buf_putc(b, ',');
		buf_putc(b, digits[i]);
	}
	double cents = v - (double)whole;
	if (cents > 0.004)
		buf_printf(b, ".%02d", (int)(cents * 100 + 0.5));
}

static void row(const char *name, const char *value)
{
	printf("  %-16s %s\n", name, value && *value ? value : "-");
}

/*
 * JSON Lines streamed in file order while files are still being read: each
 * worker formats the postings of the file it just read (and frees them);
 * whoever finishes the file that is next in order writes it and every
 * following file that is ready.  Nothing is held for the whole run.
 */
struct json_stream {
	pthread_mutex_t lock;
	char **text;          /* per file: its JSON lines, until written */
	size_t *len;
	unsigned char *ready;
	size_t n, next;       /* files; the next file to write */
};

static void json_each_file(void *ctx, size_t index, size_t total, struct posting_list *got)
{
	struct json_stream *js = ctx;
	struct buf b = BUF_INIT;
	for (size_t k = 0; k < got->n; k++) {
		posting_to_json(got->v[k], &b);
		buf_putc(&b, '\n');
		posting_free(got->v[k]);
	}
	got->n = 0;
	size_t len;
	char *text = buf_detach(&b, &len);
	pthread_mutex_lock(&js->lock);
	if (!js->ready) {
		js->n = total;
		js->text = xcalloc(total, sizeof *js->text);
		js->len = xcalloc(total, sizeof *js->len);
		js->ready = xcalloc(total, 1);
	}
	js->text[index] = text;
	js->len[index] = len;
	js->ready[index] = 1;
	while (js->next < js->n && js->ready[js->next]) {
		size_t i = js->next++;
		if (js->len[i])
			fwrite(js->text[i], 1, js->len[i], stdout);
		free(js->text[i]);
		js->text[i] = NULL;
	}
	pthread_mutex_unlock(&js->lock);
}

static void json_stream_end(struct json_stream *js)
{
	free(js->text);
	free(js->len);
	free(js->ready);
	memset(js, 0, sizeof *js);
}

static void print_table(const struct posting *p)
{
	struct buf b = BUF_INIT;
	printf("%s\n", p->source);
	row("title", p->title);
	if (p->employer)
		buf_printf(&b, "%s (%s)", p->employer, p->employer_slug);
	row("employer", buf_cstr(&b));
	buf_reset(&b);
	if (p->city)
		buf_printf(&b, "%s%s", p->city, p->state[0] ? ", " : "");
	buf_puts(&b, p->state);
	if (p->workplace)
		buf_printf(&b, "%s[%s]", b.n ? " " : "", workplace_name(p->workplace));
	row("location", buf_cstr(&b));
	buf_reset(&b);
	if (!isnan(p->salary_min) || !isnan(p->salary_max)) {
		if (isnan(p->salary_min))
			buf_puts(&b, "up to ");
		fmt_money(&b, p->salary_min);
		if (!isnan(p->salary_min) && !isnan(p->salary_max) && p->salary_max != p->salary_min)
			buf_puts(&b, " - ");
		if (isnan(p->salary_max))
			buf_puts(&b, " and up");
		else if (p->salary_max != p->salary_min || isnan(p->salary_min))
			fmt_money(&b, p->salary_max);
		buf_printf(&b, " per %s", salary_period_name(p->salary_period)
						  ? salary_period_name(p->salary_period) : "?");
		buf_printf(&b, "  [annual ");
		fmt_money(&b, p->annual_min);
		buf_puts(&b, "-");
		fmt_money(&b, p->annual_max);
		buf_printf(&b, ", band %s]", p->salary_band);
	}
	row("salary", buf_cstr(&b));
	row("employment type", employment_type_name(p->employment_type));
	row("date posted", p->date_posted);
	row("apply", p->apply_url);
	row("format", p->format);
	for (size_t i = 0; i < p->nwarnings; i++) {
		buf_reset(&b);
		if (p->warnings[i].line)
			buf_printf(&b, "line %u: ", p->warnings[i].line);
		buf_puts(&b, p->warnings[i].message);
		row(i ? "" : "warnings", buf_cstr(&b));
	}
	putchar('\n');
	buf_release(&b);
}

int cmd_inspect(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "max-file-size", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int json = 0, quiet = 0, jobs = 0, c;
	size_t max_file = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "j:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'J': json = 1; break;
		case 'q': quiet = 1; break;
		case 'j':
			jobs = atoi(optarg);
			if (jobs < 1) {
				fprintf(stderr, "jobsite inspect: --jobs wants a positive number, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'M': {
			char *end;
			unsigned long long v = strtoull(optarg, &end, 10);
			if (!*optarg || *end || v == 0) {
				fprintf(stderr, "jobsite inspect: --max-file-size wants a number of bytes, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			max_file = (size_t)v;
			break;
		}
		case 'h': fputs(usage, stdout); return EXIT_OK;
		default: fputs(usage, stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fputs("jobsite inspect: no path given\n", stderr);
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	struct diag d;
	diag_init(&d, quiet ? NULL : stderr);
	struct ingest_opts opts = { .jobs = jobs, .max_file_size = max_file };
	int status = EXIT_OK;
	for (int i = optind; i < argc; i++) {
		struct posting_list list = { 0 };
		struct json_stream js = { .lock = PTHREAD_MUTEX_INITIALIZER };
		opts.each_file = json ? json_each_file : NULL;
		opts.each_file_ctx = &js;
		if (ingest_path(argv[i], &opts, &d, &list) < 0)
			status = EXIT_CONTENT;
		json_stream_end(&js);
		for (size_t k = 0; k < list.n; k++)
			print_table(list.v[k]);
		posting_list_release(&list);
	}
	if (d.errors)
		status = EXIT_CONTENT;
	diag_release(&d);
	return status;
}
