/*
 * config.h - the site configuration: jobsite.yml plus command-line flags.
 *
 *   title: Health-care jobs
 *   description: Provider-relations jobs across the US
 *   base_url: https://jobs.example.org/     # only for absolute URLs
 *   page_size: 20
 *   salary_bands:                           # annual USD edges, optional labels
 *     edges: [50000, 75000, 100000, 150000, 200000]
 *     labels: [Under $50k, ..., $200k and up]   # edges + 1 labels
 *   content: content        # these four paths are relative to the site dir
 *   templates: templates
 *   static: static
 *   output: public
 *   build_date: 2024-06-01  # "today" for expiry; else SOURCE_DATE_EPOCH
 *   max_file_size: 2097152
 *   link_index: true        # internal links end in index.html (file://)
 *
 * Every string is owned by the struct config; config_release() frees them.
 * Paths are stored already joined with the site directory.
 */
#ifndef JOBSITE_CONFIG_H
#define JOBSITE_CONFIG_H

#include <stddef.h>

#include "band.h"
#include "diag.h"

#define CONFIG_DEFAULT_PAGE_SIZE 20
#define CONFIG_SITEMAP_MAX 50000

/* Every field counts in build.c's inputs_key(): a build with nothing to do
 * is told by it. */
struct config {
	char *site_dir;       /* "." */
	char *file;           /* the config file read, NULL if none */
	char *title;
	char *description;
	char *base_url;       /* NULL or ends in '/' */
	unsigned page_size;
	struct band_table bands;
	char *content_dir;
	char *templates_dir;  /* the site's own templates (override built-ins) */
	char *static_dir;
	char *output_dir;
	char build_date[11];  /* "YYYY-MM-DD", "" = not known yet */
	size_t max_file_size;
	int link_index;       /* links end in "index.html" (default 1) */
	size_t sitemap_max;   /* URLs per sitemap file (default 50,000) */
	size_t feed_size;     /* entries per feed (default 50) */
};

/* Defaults for a site in `site_dir` (NULL = "."). */
void config_init(struct config *c, const char *site_dir);
void config_release(struct config *c);

/*
 * Read `path` (YAML mapping) over the current values.  Unknown keys and bad
 * values are warnings with file:line; a file that is not YAML or not a
 * mapping is an error.  Returns 0, or -1 on an error (reported to d).
 */
int config_load(struct config *c, const char *path, struct diag *d);

/* Setters used by both the file and the flags; they copy. */
void config_set_base_url(struct config *c, const char *url);
void config_set_path(char **field, const char *site_dir, const char *value);

/*
 * Fill build_date from SOURCE_DATE_EPOCH when neither the config nor a flag
 * gave one.  Returns -1 (reported) when SOURCE_DATE_EPOCH is not a number.
 */
int config_resolve_date(struct config *c, struct diag *d);

#endif
