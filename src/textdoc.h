/*
 * textdoc.h - a posting's text as lines, the input of field extraction.
 *
 * Every format is reduced to this: one block (heading, paragraph, list
 * item, table row, "Key: value" line) per line, markup removed, entities
 * decoded, whitespace folded.  Each line remembers its line number in the
 * source file (0 when unknown) and whether it was a heading (level 1-6) or a
 * list item, because structure carries meaning ("# Title", "### Company").
 */
#ifndef JOBSITE_TEXTDOC_H
#define JOBSITE_TEXTDOC_H

#include "buf.h"

struct tline {
	size_t off, len;      /* into textdoc.text */
	unsigned src_line;    /* 1-based line in the file, 0 = unknown */
	unsigned char heading;/* 1-6, 0 = not a heading */
	unsigned char list;   /* a list item */
	size_t url_off, url_len; /* first link target on the line, in urls */
};

struct textdoc {
	struct buf text;      /* the lines joined with '\n' */
	struct buf urls;      /* link targets, NUL-separated */
	struct tline *v;
	size_t n, cap;
};

void textdoc_init(struct textdoc *d);
void textdoc_release(struct textdoc *d);

/* Append a line (text is folded: runs of spaces become one, ends trimmed;
 * empty lines are dropped).  `url` may be empty. */
void textdoc_add(struct textdoc *d, struct slice text, unsigned src_line,
		 int heading, int list, struct slice url);

static inline struct slice textdoc_line(const struct textdoc *d, size_t i)
{
	return (struct slice){ d->text.p + d->v[i].off, d->v[i].len };
}
static inline struct slice textdoc_url(const struct textdoc *d, size_t i)
{
	return (struct slice){ d->v[i].url_len ? d->urls.p + d->v[i].url_off : NULL,
			       d->v[i].url_len };
}
/* The whole text, lines separated by '\n'. */
static inline struct slice textdoc_all(const struct textdoc *d)
{
	return buf_slice(&d->text);
}
/* The index of the line containing byte offset `off` of the text. */
size_t textdoc_line_at(const struct textdoc *d, size_t off);

/*
 * Markdown (or plain text, which is read the same way) to lines.  Inline
 * markup is removed: emphasis markers, code backticks, `[text](url)` links
 * become their text (the first URL is kept on the line), images their alt
 * text, inline HTML tags vanish, entities are decoded.  Hard-wrapped lines
 * of a paragraph are joined; short lines stay lines.
 */
void textdoc_from_markdown(struct textdoc *d, struct slice md, unsigned first_line);

/*
 * Lines of plain text as produced by an HTML-to-text pass (one block per
 * line): added as they are.
 */
void textdoc_from_lines(struct textdoc *d, struct slice text, unsigned first_line);

#endif
