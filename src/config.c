#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>

#include "util.h"

void config_set_path(char **field, const char *site_dir, const char *value)
{
	free(*field);
	if (value[0] == '/' || !site_dir || !strcmp(site_dir, "."))
		*field = xstrdup(value);
	else
		*field = path_join(site_dir, value);
}

void config_set_base_url(struct config *c, const char *url)
{
	free(c->base_url);
	c->base_url = NULL;
	if (!url || !*url)
		return;
	size_t n = strlen(url);
	/* A trailing '/' makes joining "jobs/x/" onto it trivial. */
	c->base_url = xmalloc(n + 2);
	memcpy(c->base_url, url, n + 1);
	if (url[n - 1] != '/')
		memcpy(c->base_url + n, "/", 2);
}

void config_init(struct config *c, const char *site_dir)
{
	memset(c, 0, sizeof *c);
	c->site_dir = xstrdup(site_dir ? site_dir : ".");
	c->title = xstrdup("Jobs");
	c->description = xstrdup("Job postings, by employer, state and salary.");
	c->page_size = CONFIG_DEFAULT_PAGE_SIZE;
	c->bands = *band_default();
	config_set_path(&c->content_dir, c->site_dir, "content");
	config_set_path(&c->templates_dir, c->site_dir, "templates");
	config_set_path(&c->static_dir, c->site_dir, "static");
	config_set_path(&c->output_dir, c->site_dir, "public");
	c->max_file_size = 0;
	c->link_index = 1;
	c->sitemap_max = CONFIG_SITEMAP_MAX;
	c->feed_size = 50;
}

void config_release(struct config *c)
{
	free(c->site_dir);
	free(c->file);
	free(c->title);
	free(c->description);
	free(c->base_url);
	free(c->content_dir);
	free(c->templates_dir);
	free(c->static_dir);
	free(c->output_dir);
	memset(c, 0, sizeof *c);
}

static int valid_date(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	int d = (s[8] - '0') * 10 + (s[9] - '0');
	return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

int config_resolve_date(struct config *c, struct diag *d)
{
	if (c->build_date[0])
		return 0;
	const char *e = getenv("SOURCE_DATE_EPOCH");
	if (!e || !*e)
		return 0;
	char *end;
	errno = 0;
	long long v = strtoll(e, &end, 10);
	if (errno || *end || v < 0) {
		diag_error(d, NULL, 0, 0, "SOURCE_DATE_EPOCH '%s' is not a number of seconds", e);
		return -1;
	}
	time_t t = (time_t)v;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(c->build_date, sizeof c->build_date, "%Y-%m-%d", &tm);
	return 0;
}

/* The reader's state: the document, the file name for diagnostics. */
struct cfg_reader {
	struct config *c;
	yaml_document_t *doc;
	const char *file;
	struct diag *d;
};

static unsigned line_of(const yaml_node_t *n)
{
	return (unsigned)n->start_mark.line + 1;
}

static const char *scalar(struct cfg_reader *r, yaml_node_t *n, const char *key)
{
	if (n->type != YAML_SCALAR_NODE) {
		diag_warn(r->d, r->file, line_of(n), 0, "'%s' wants a single value", key);
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

static int parse_number(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

static void read_bands(struct cfg_reader *r, yaml_node_t *n)
{
	if (n->type != YAML_MAPPING_NODE) {
		diag_warn(r->d, r->file, line_of(n), 0,
			  "'salary_bands' wants a mapping with 'edges' (and 'labels')");
		return;
	}
	double edges[BAND_MAX];
	size_t nedges = 0;
	yaml_node_t *labels = NULL;
	int have_edges = 0;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	     p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(r->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(r->doc, p->value);
		const char *key = k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
		if (!strcmp(key, "labels")) {
			labels = v;
			continue;
		}
		if (strcmp(key, "edges")) {
			diag_warn(r->d, r->file, line_of(k), 0, "unknown key 'salary_bands.%s'", key);
			continue;
		}
		if (v->type != YAML_SEQUENCE_NODE) {
			diag_warn(r->d, r->file, line_of(v), 0, "'salary_bands.edges' wants a list of numbers");
			return;
		}
		have_edges = 1;
		for (yaml_node_item_t *it = v->data.sequence.items.start;
		     it < v->data.sequence.items.top; it++) {
			yaml_node_t *e = yaml_document_get_node(r->doc, *it);
			double x;
			if (nedges + 1 >= BAND_MAX || e->type != YAML_SCALAR_NODE ||
			    parse_number((const char *)e->data.scalar.value, &x) < 0) {
				diag_warn(r->d, r->file, line_of(e), 0,
					  "salary band edge not understood; default bands kept");
				return;
			}
			edges[nedges++] = x;
		}
	}
	if (!have_edges) {
		diag_warn(r->d, r->file, line_of(n), 0, "'salary_bands' has no 'edges'; default bands kept");
		return;
	}
	struct band_table t;
	if (band_table_from_edges(&t, edges, nedges) < 0) {
		diag_warn(r->d, r->file, line_of(n), 0,
			  "salary band edges must be positive and ascending; default bands kept");
		return;
	}
	if (labels) {
		size_t nl = labels->type == YAML_SEQUENCE_NODE
			? (size_t)(labels->data.sequence.items.top - labels->data.sequence.items.start) : 0;
		if (nl != t.n) {
			diag_warn(r->d, r->file, line_of(labels), 0,
				  "'salary_bands.labels' wants %zu labels (one per band); generated labels used", t.n);
		} else {
			for (size_t i = 0; i < nl; i++) {
				yaml_node_t *e = yaml_document_get_node(r->doc, labels->data.sequence.items.start[i]);
				if (e->type == YAML_SCALAR_NODE && e->data.scalar.length &&
				    e->data.scalar.length < sizeof t.v[i].label)
					memcpy(t.v[i].label, e->data.scalar.value, e->data.scalar.length + 1);
			}
		}
	}
	r->c->bands = t;
}

static void read_unsigned(struct cfg_reader *r, yaml_node_t *v, const char *key,
			  double lo, double hi, size_t *out)
{
	const char *s = scalar(r, v, key);
	double x;
	if (!s)
		return;
	if (parse_number(s, &x) < 0 || x != floor(x) || x < lo || x > hi) {
		diag_warn(r->d, r->file, line_of(v), 0, "'%s' wants a whole number from %.0f to %.0f, not '%s'",
			  key, lo, hi, s);
		return;
	}
	*out = (size_t)x;
}

static void read_pair(struct cfg_reader *r, const char *key, yaml_node_t *k, yaml_node_t *v)
{
	struct config *c = r->c;
	const char *s;
	char **path = NULL;
	if (!strcmp(key, "content"))
		path = &c->content_dir;
	else if (!strcmp(key, "templates"))
		path = &c->templates_dir;
	else if (!strcmp(key, "static"))
		path = &c->static_dir;
	else if (!strcmp(key, "output"))
		path = &c->output_dir;
	if (path) {
		if ((s = scalar(r, v, key)) && *s)
			config_set_path(path, c->site_dir, s);
		return;
	}
	if (!strcmp(key, "title") || !strcmp(key, "description")) {
		char **f = key[0] == 't' ? &c->title : &c->description;
		if ((s = scalar(r, v, key))) {
			free(*f);
			*f = xstrdup(s);
		}
	} else if (!strcmp(key, "base_url")) {
		if ((s = scalar(r, v, key))) {
			if (*s && strncmp(s, "https://", 8) && strncmp(s, "http://", 7))
				diag_warn(r->d, r->file, line_of(v), 0,
					  "'base_url' must start with http:// or https://; ignored");
			else
				config_set_base_url(c, s);
		}
	} else if (!strcmp(key, "page_size")) {
		size_t n = c->page_size;
		read_unsigned(r, v, key, 1, 10000, &n);
		c->page_size = (unsigned)n;
	} else if (!strcmp(key, "max_file_size")) {
		read_unsigned(r, v, key, 1, 1e12, &c->max_file_size);
	} else if (!strcmp(key, "sitemap_max_urls")) {
		read_unsigned(r, v, key, 1, CONFIG_SITEMAP_MAX, &c->sitemap_max);
	} else if (!strcmp(key, "feed_size")) {
		read_unsigned(r, v, key, 1, 10000, &c->feed_size);
	} else if (!strcmp(key, "build_date")) {
		if ((s = scalar(r, v, key))) {
			if (valid_date(s))
				memcpy(c->build_date, s, 11);
			else
				diag_warn(r->d, r->file, line_of(v), 0,
					  "'build_date' wants YYYY-MM-DD, not '%s'", s);
		}
	} else if (!strcmp(key, "link_index")) {
		if ((s = scalar(r, v, key))) {
			if (!strcmp(s, "true") || !strcmp(s, "yes"))
				c->link_index = 1;
			else if (!strcmp(s, "false") || !strcmp(s, "no"))
				c->link_index = 0;
			else
				diag_warn(r->d, r->file, line_of(v), 0, "'link_index' wants true or false");
		}
	} else if (!strcmp(key, "salary_bands")) {
		read_bands(r, v);
	} else {
		diag_warn(r->d, r->file, line_of(k), (unsigned)k->start_mark.column + 1,
			  "unknown key '%s'", key);
	}
}

int config_load(struct config *c, const char *path, struct diag *d)
{
	struct buf text = BUF_INIT;
	if (read_file(path, &text, 1u << 20) != 0) {
		diag_error(d, path, 0, 0, "cannot read '%s': %s", path,
			   errno ? strerror(errno) : "too large");
		buf_release(&text);
		return -1;
	}
	yaml_parser_t parser;
	yaml_document_t doc;
	int rc = -1;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text.p, text.n);
	if (!yaml_parser_load(&parser, &doc)) {
		diag_error(d, path, (unsigned)parser.problem_mark.line + 1,
			   (unsigned)parser.problem_mark.column + 1, "not valid YAML: %s",
			   parser.problem ? parser.problem : "parse error");
		goto out_parser;
	}
	free(c->file);
	c->file = xstrdup(path);
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (!root) { /* an empty file: all defaults */
		rc = 0;
		goto out_doc;
	}
	if (root->type != YAML_MAPPING_NODE) {
		diag_error(d, path, line_of(root), 0, "the configuration must be a mapping of keys to values");
		goto out_doc;
	}
	struct cfg_reader r = { c, &doc, path, d };
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&doc, p->value);
		if (k->type != YAML_SCALAR_NODE) {
			diag_warn(d, path, line_of(k), 0, "a key must be a plain name");
			continue;
		}
		read_pair(&r, (const char *)k->data.scalar.value, k, v);
	}
	rc = 0;
out_doc:
	yaml_document_delete(&doc);
out_parser:
	yaml_parser_delete(&parser);
	buf_release(&text);
	return rc;
}
