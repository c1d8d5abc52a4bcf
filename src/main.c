/*
 * main.c - the jobsite command line: a table of commands, as git has.
 */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "hugepages.h"
#include "sanitize.h"

static int cmd_help(int argc, char **argv);

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{ "build", cmd_build, "build the site from content/ into public/" },
	{ "help", cmd_help, "show a command's help (jobsite help COMMAND)" },
	{ "check", cmd_check, "parse and normalize postings, print warnings, write nothing" },
	{ "new", cmd_new, "create a new site from a working example" },
	{ "inspect", cmd_inspect, "show the normalized record of each posting" },
	{ "serve", cmd_serve, "build, then serve the site locally with live reload" },
	{ "render", cmd_render, "render one template with JSON data to stdout" },
};

static void usage(FILE *out)
{
	fputs("usage: jobsite <command> [options]\n"
	      "       jobsite <command> --help\n"
	      "       jobsite --version\n\n"
	      "commands:\n",
	      out);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "   %-10s %s\n", commands[i].name, commands[i].help);
}

/*
 * The heap grows 256 MB at a time, not glibc's 128 KB (M_TOP_PAD; address
 * space only, nothing is touched until used): a rebuild after one edit of
 * 100,000 postings takes 450 MB in small steps, each a brk() call, and
 * gives memory back between them.  1.47-1.51 -> 1.40-1.43 s (medians of 7
 * and 9 alternating runs), peak RSS +10 MiB; cold builds within noise.
 */
static void heap_in_big_steps(void)
{
	mallopt(M_TOP_PAD, 256 << 20);
}

/* The commands that hold hundreds of megabytes at 100,000 postings. */
static int big_heap(const char *cmd)
{
	return !strcmp(cmd, "build") || !strcmp(cmd, "serve") || !strcmp(cmd, "inspect") ||
	       !strcmp(cmd, "check");
}

int main(int argc, char **argv)
{
	if (argc >= 2 && big_heap(argv[1]))
		hugepages_reexec(argv);
	heap_in_big_steps();
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	/* libxml2 is initialised once, here, before any thread parses */
	sanitize_global_init();
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
		printf("jobsite %s\n", JOBSITE_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(commands[i].name, name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "jobsite: '%s' is not a jobsite command; see 'jobsite --help'\n",
		name);
	return EXIT_USAGE;
}

/* `jobsite help [COMMAND]`: the command's own --help (the man page,
 * jobsite(1), has the same text with more detail). */
static int cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		usage(stdout);
		puts("\nSee also: man jobsite");
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		puts("usage: jobsite help [COMMAND]\n\n"
		     "Show the help of COMMAND (the same as jobsite COMMAND --help), or\n"
		     "the list of commands.  The manual page, man jobsite, has them all.");
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (!strcmp(commands[i].name, argv[1]) && commands[i].fn != cmd_help) {
			char *args[] = { argv[1], "--help", NULL };
			return commands[i].fn(2, args);
		}
	}
	fprintf(stderr, "jobsite help: no command '%s'; see 'jobsite --help'\n", argv[1]);
	return EXIT_USAGE;
}
