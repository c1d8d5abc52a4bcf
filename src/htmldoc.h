/*
 * htmldoc.h - a posting given as HTML: a fragment from a job board, or a
 * whole applicant-tracking-system page saved from a browser.
 *
 * Parses with libxml2, collects <script type="application/ld+json"> blocks,
 * drops page chrome (nav, header, footer, aside, script, style, forms,
 * cookie banners), finds the posting's title (<h1>, else the first <h2>,
 * else <title>) and its container (#jobDescriptionText and similar, main,
 * article, [role=main], else body).
 */
#ifndef JOBSITE_HTMLDOC_H
#define JOBSITE_HTMLDOC_H

#include "buf.h"

struct htmldoc {
	void *doc;          /* xmlDocPtr */
	void *container;    /* xmlNodePtr: the posting's body, never NULL after a parse */
	char *title;        /* from h1/h2/<title>, or NULL */
	unsigned title_line;
	void *title_node;   /* xmlNodePtr of the title element (left out of the body) */
	char *apply_url;    /* href of an "Apply" link, or NULL */
	struct buf *ld;     /* JSON-LD script texts */
	unsigned *ld_line;  /* their lines */
	size_t nld;
	int full_page;      /* had <html>/<body> and chrome */
	unsigned dropped;   /* chrome elements removed */
};

/* Parse UTF-8 HTML. Returns 0, or -1 if libxml2 could not parse at all. */
int htmldoc_parse(struct htmldoc *h, struct slice html);
void htmldoc_release(struct htmldoc *h);

/*
 * The container's text, one block (paragraph, list item, heading, table
 * row, <br>-separated line) per line, whitespace folded, entities decoded.
 */
void htmldoc_text(const struct htmldoc *h, struct buf *out);

/* Does this text look like HTML (rather than Markdown or plain text)? */
int looks_like_html(struct slice text);

#endif
