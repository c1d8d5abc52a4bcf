#include "frontmatter.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "util.h"

/* Find the closing "---" (or "...") line after the opening one. */
static const char *find_close(struct slice text, size_t from, size_t *after)
{
	size_t i = from;
	while (i < text.n) {
		const char *nl = memchr(text.p + i, '\n', text.n - i);
		size_t end = nl ? (size_t)(nl - text.p) : text.n;
		struct slice line = { text.p + i, end - i };
		while (line.n && (line.p[line.n - 1] == ' ' || line.p[line.n - 1] == '\t'))
			line.n--;
		if (slice_eq_str(line, "---") || slice_eq_str(line, "...")) {
			*after = nl ? end + 1 : end;
			return text.p + i;
		}
		i = nl ? end + 1 : text.n;
	}
	return NULL;
}

static unsigned count_lines(const char *p, size_t n)
{
	unsigned lines = 0;
	for (size_t i = 0; i < n; i++)
		lines += p[i] == '\n';
	return lines;
}

static void add_entry(struct front_matter *fm, const char *key, size_t klen,
		      char *value, unsigned line, int quoted)
{
	fm->v = xgrow(fm->v, &fm->cap, fm->n + 1, sizeof *fm->v);
	struct fm_entry *e = &fm->v[fm->n++];
	e->key = xstrndup(key, klen);
	e->value = value;
	e->line = line;
	e->quoted = quoted;
}

static int is_null_scalar(const yaml_event_t *ev)
{
	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	const char *v = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;
	return n == 0 || (n == 1 && v[0] == '~') || (n == 4 && !ascii_ncasecmp(v, "null", 4));
}

/*
 * Walk the event stream of a one-document mapping.  Depth is tracked so
 * nested values are skipped without recursion.
 */
static int parse_yaml(const char *p, size_t n, unsigned first_line,
		      struct front_matter *fm, char **err, unsigned *err_line)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)p, n);

	int rc = 0, depth = 0, in_map = 0, saw_root = 0;
	char *key = NULL;
	unsigned key_line = 0;
	struct buf seq = BUF_INIT;
	int in_seq = 0;

	for (;;) {
		if (!yaml_parser_parse(&parser, &ev)) {
			*err = xstrdup(parser.problem ? parser.problem : "invalid YAML");
			*err_line = first_line + (unsigned)parser.problem_mark.line;
			rc = -1;
			break;
		}
		yaml_event_type_t t = ev.type;
		if (t == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		switch (t) {
		case YAML_MAPPING_START_EVENT:
			if (depth == 0) {
				in_map = 1;
				saw_root = 1;
			} else if (depth == 1 && key) {
				free(key); /* nested mapping value: ignored */
				key = NULL;
			}
			depth++;
			break;
		case YAML_SEQUENCE_START_EVENT:
			if (depth == 0) {
				saw_root = 1;
			} else if (depth == 1 && key) {
				in_seq = 1;
				buf_reset(&seq);
			}
			depth++;
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			depth--;
			if (depth == 1 && in_seq && t == YAML_SEQUENCE_END_EVENT) {
				add_entry(fm, key, strlen(key),
					  seq.n ? buf_detach(&seq, NULL) : NULL,
					  key_line, 0);
				free(key);
				key = NULL;
				in_seq = 0;
			}
			break;
		case YAML_SCALAR_EVENT:
			if (depth == 0) {
				saw_root = 1; /* a lone scalar document: not a mapping */
			} else if (depth == 1 && in_map) {
				if (!key) {
					key = xstrndup((const char *)ev.data.scalar.value,
						       ev.data.scalar.length);
					key_line = first_line + (unsigned)ev.start_mark.line;
				} else {
					char *v = is_null_scalar(&ev)
						? NULL
						: xstrndup((const char *)ev.data.scalar.value,
							   ev.data.scalar.length);
					add_entry(fm, key, strlen(key), v, key_line,
						  ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE);
					free(key);
					key = NULL;
				}
			} else if (depth == 2 && in_seq) {
				if (seq.n)
					buf_puts(&seq, ", ");
				buf_put(&seq, ev.data.scalar.value, ev.data.scalar.length);
			}
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (saw_root) {
				*err = xstrdup("more than one YAML document");
				*err_line = first_line + (unsigned)ev.start_mark.line;
				rc = -1;
			}
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (rc)
			break;
	}
	free(key);
	buf_release(&seq);
	yaml_parser_delete(&parser);
	if (rc == 0 && saw_root && !in_map) {
		*err = xstrdup("front matter is not a mapping of keys to values");
		*err_line = first_line;
		rc = -1;
	}
	return rc;
}

enum fm_result front_matter_parse(struct slice text, struct front_matter *fm,
				  struct slice *body, unsigned *body_line,
				  char **err, unsigned *err_line)
{
	memset(fm, 0, sizeof *fm);
	*body = text;
	*body_line = 1;
	*err = NULL;
	*err_line = 0;

	/* The opening line is exactly "---" (trailing blanks allowed). */
	size_t i = 0;
	if (text.n < 3 || memcmp(text.p, "---", 3) != 0)
		return FM_NONE;
	i = 3;
	while (i < text.n && (text.p[i] == ' ' || text.p[i] == '\t'))
		i++;
	if (i < text.n && text.p[i] != '\n')
		return FM_NONE; /* "----" rule or "--- text": not front matter */
	size_t yaml_start = i < text.n ? i + 1 : i;

	size_t after = 0;
	const char *close = find_close(text, yaml_start, &after);
	if (!close) {
		*err = xstrdup("front matter opened by '---' on line 1 never closes");
		*err_line = 1;
		return FM_UNCLOSED;
	}
	size_t yaml_len = (size_t)(close - text.p) - yaml_start;
	body->p = text.p + after;
	body->n = text.n - after;
	*body_line = 1 + count_lines(text.p, after);

	if (parse_yaml(text.p + yaml_start, yaml_len, 2, fm, err, err_line) < 0) {
		front_matter_release(fm);
		return FM_INVALID;
	}
	return FM_OK;
}

const struct fm_entry *front_matter_get(const struct front_matter *fm,
					const char *key)
{
	for (size_t i = 0; i < fm->n; i++)
		if (!ascii_casecmp(fm->v[i].key, key))
			return &fm->v[i];
	return NULL;
}

void front_matter_release(struct front_matter *fm)
{
	for (size_t i = 0; i < fm->n; i++) {
		free(fm->v[i].key);
		free(fm->v[i].value);
	}
	free(fm->v);
	memset(fm, 0, sizeof *fm);
}
