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

/* One slice of the postings formatted as JSON Lines. */
struct json_part {
	struct posting *const *v;
	size_t n;
	struct buf out;
};

static void *format_part(void *arg)
{
	struct json_part *j = arg;
	for (size_t k = 0; k < j->n; k++) {
		posting_to_json(j->v[k], &j->out);
		buf_putc(&j->out, '\n');
	}
	return NULL;
}

/*
 * JSON Lines on stdout, in list order.  Formatting is a tenth of the work of
 * inspect, so blocks of postings are formatted on up to `jobs` threads at
 * once and written in order; only one block is held at a time.
 */
static void print_json(const struct posting_list *list, int jobs)
{
	enum { PER_PART = 256, MAX_PARTS = 8 };
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int nparts = jobs > 0 ? jobs : cores > 0 ? (int)cores : 1;
	if (nparts > MAX_PARTS)
		nparts = MAX_PARTS;
	struct json_part part[MAX_PARTS];
	for (int t = 0; t < nparts; t++)
		part[t].out = (struct buf)BUF_INIT;
	for (size_t at = 0; at < list->n;) {
		pthread_t tid[MAX_PARTS];
		int started[MAX_PARTS] = { 0 }, used = 0;
		for (int t = 0; t < nparts && at < list->n; t++, used++) {
			size_t n = list->n - at < PER_PART ? list->n - at : PER_PART;
			part[t].v = list->v + at;
			part[t].n = n;
			buf_reset(&part[t].out);
			at += n;
			if (t > 0)
				started[t] = pthread_create(&tid[t], NULL, format_part, &part[t]) == 0;
		}
		format_part(&part[0]);
		for (int t = 0; t < used; t++) {
			if (t > 0 && started[t])
				pthread_join(tid[t], NULL);
			else if (t > 0)
				format_part(&part[t]);
			fwrite(part[t].out.p, 1, part[t].out.n, stdout);
		}
	}
	for (int t = 0; t < nparts; t++)
		buf_release(&part[t].out);
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
		if (ingest_path(argv[i], &opts, &d, &list) < 0)
			status = EXIT_CONTENT;
		if (json)
			print_json(&list, jobs);
		else
			for (size_t k = 0; k < list.n; k++)
				print_table(list.v[k]);
		posting_list_release(&list);
	}
	if (d.errors)
		status = EXIT_CONTENT;
	diag_release(&d);
	return status;
}
