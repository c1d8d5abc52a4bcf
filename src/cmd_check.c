/*
 * cmd_check.c - `jobsite check [--strict] [PATH...]`: lint postings in CI.
 * Parses and normalizes like a build, writes nothing, and prints every
 * warning as file:line: warning: ... .
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmds.h"
#include "diag.h"
#include "ingest.h"

static const char usage[] =
	"usage: jobsite check [--strict] [--quiet] [PATH...]\n"
	"\n"
	"Parse and normalize postings without writing a site, and print what\n"
	"could not be understood as file:line: warning: ... (default PATH: content/).\n"
	"Exit status 1 on errors (unreadable or skipped files), and with --strict\n"
	"on warnings too.\n"
	"\n"
	"  --strict      warnings make the exit status 1\n"
	"  -q, --quiet   print only the summary line\n"
	"  -j, --jobs N  worker threads (default: one per core)\n"
	"  -h, --help    this help\n";

int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "strict", no_argument, NULL, 'S' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int strict = 0, quiet = 0, jobs = 0, c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "qj:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'S': strict = 1; break;
		case 'q': quiet = 1; break;
		case 'j':
			jobs = atoi(optarg);
			if (jobs < 1) {
				fprintf(stderr, "jobsite check: --jobs wants a positive number, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h': fputs(usage, stdout); return EXIT_OK;
		default: fputs(usage, stderr); return EXIT_USAGE;
		}
	}
	struct diag d;
	diag_init(&d, quiet ? NULL : stdout);
	struct ingest_opts opts = { .jobs = jobs };
	size_t postings = 0, skipped = 0;
	char *def[] = { "content", NULL };
	char **paths = optind < argc ? argv + optind : def;
	for (; *paths; paths++) {
		struct posting_list list = { 0 };
		ingest_path(*paths, &opts, &d, &list);
		postings += list.n;
		skipped += list.nskipped;
		posting_list_release(&list);
	}
	unsigned errors = d.errors + (unsigned)skipped;
	printf("%zu postings checked, %zu files skipped, %u warnings, %u errors\n",
	       postings, skipped, d.warnings - (unsigned)skipped, errors);
	int status = errors || (strict && d.warnings) ? EXIT_CONTENT : EXIT_OK;
	diag_release(&d);
	return status;
}
