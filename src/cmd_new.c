/*
 * cmd_new.c - `jobsite new DIR`: start a site from a working example.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "cmds.h"
#include "util.h"

static const char usage[] =
	"usage: jobsite new DIR\n"
	"\n"
	"Create a new site in DIR (which must not exist or be empty): jobsite.yml,\n"
	"the built-in templates and static files to adapt, and two example\n"
	"postings.  Then: jobsite build -s DIR, or jobsite serve -s DIR.\n";

static const char config[] =
	"# jobsite configuration.  Every key is optional; flags override.\n"
	"title: My Job Board\n"
	"description: Jobs worth applying for.\n"
	"# The address the site will be published at: used only for absolute URLs\n"
	"# (canonical links, feeds, the sitemap, JSON-LD).  Internal links are relative.\n"
	"base_url: https://jobs.example.com/\n"
	"page_size: 20\n"
	"salary_bands:\n"
	"  edges: [50000, 75000, 100000, 150000, 200000]\n"
	"content: content\n"
	"templates: templates\n"
	"static: static\n"
	"output: public\n";

static const char posting1[] =
	"---\n"
	"title: Provider Relations Representative\n"
	"company: Example Health Plan\n"
	"location: Tampa, FL\n"
	"workplace: hybrid\n"
	"salary: $58,000 - $66,000 per year\n"
	"employment_type: full-time\n"
	"date: 2024-05-01\n"
	"apply_url: https://jobs.example.com/apply/provider-relations-representative\n"
	"---\n"
	"\n"
	"## About the role\n"
	"\n"
	"You will be the first call for the physician practices in our network: answer their\n"
	"questions, resolve claims issues and run orientation for new providers.\n"
	"\n"
	"## What you bring\n"
	"\n"
	"- 2+ years in provider relations, claims or practice management\n"
	"- Clear writing and a calm phone manner\n";

static const char posting2[] =
	"---\n"
	"title: Payer Contracting Analyst\n"
	"company: Example Health Plan\n"
	"location: Remote - US\n"
	"salary: $38 - $45 per hour\n"
	"employment_type: contract\n"
	"date: 2024-04-22\n"
	"apply_url: https://jobs.example.com/apply/payer-contracting-analyst\n"
	"---\n"
	"\n"
	"Model reimbursement scenarios for hospital and physician contracts and keep the\n"
	"contract database current.  A six-month contract, fully remote.\n";

static int put(const char *dir, const char *name, const char *text)
{
	char *path = path_join(dir, name);
	int r = write_file(path, text, strlen(text));
	if (r < 0)
		fprintf(stderr, "jobsite new: cannot write '%s': %s\n", path, strerror(errno));
	free(path);
	return r;
}

int cmd_new(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	if (argc != 2 || argv[1][0] == '-') {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	const char *dir = argv[1];
	char *cfg = path_join(dir, "jobsite.yml");
	int exists = access(cfg, F_OK) == 0;
	free(cfg);
	if (exists) {
		fprintf(stderr, "jobsite new: '%s' already holds a site (jobsite.yml); nothing written\n", dir);
		return EXIT_CONTENT;
	}
	char *data = build_data_dir();
	if (!data) {
		fprintf(stderr, "jobsite new: the built-in templates are not installed "
				"(set JOBSITE_DATA to the folder holding templates/ and static/)\n");
		return EXIT_CONTENT;
	}
	int rc = EXIT_OK;
	static const char *const parts[] = { "templates", "static" };
	for (size_t i = 0; i < ARRAY_SIZE(parts) && rc == EXIT_OK; i++) {
		char *from = path_join(data, parts[i]), *to = path_join(dir, parts[i]);
		if (copy_tree(from, to) < 0) {
			fprintf(stderr, "jobsite new: cannot copy '%s' to '%s': %s\n", from, to,
				strerror(errno));
			rc = EXIT_CONTENT;
		}
		free(from);
		free(to);
	}
	if (rc == EXIT_OK &&
	    (put(dir, "jobsite.yml", config) < 0 ||
	     put(dir, "content/provider-relations-representative.md", posting1) < 0 ||
	     put(dir, "content/payer-contracting-analyst.md", posting2) < 0))
		rc = EXIT_CONTENT;
	free(data);
	if (rc == EXIT_OK)
		printf("created a site in '%s'; build it with: jobsite build -s %s\n", dir, dir);
	return rc;
}
