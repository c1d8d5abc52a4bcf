/*
 * markdown.h - Markdown (CommonMark, via libcmark) to sanitized HTML.
 *
 * Raw HTML inside the Markdown is kept by cmark (CMARK_OPT_UNSAFE) and then
 * goes through the sanitizer with everything else: cmark's output is never
 * used unsanitized.  Smart punctuation is off; invalid UTF-8 is replaced.
 *
 * Threads: as sanitize.h (sanitize_global_init() first); cmark itself keeps
 * no global state.
 */
#ifndef JOBSITE_MARKDOWN_H
#define JOBSITE_MARKDOWN_H

#include <stddef.h>

#include "buf.h"

struct sanitize_report;

/*
 * Convert len bytes of Markdown to sanitized HTML appended to out (see
 * sanitize_html() for what the HTML may contain).  If text is not NULL the
 * plain text (htmltext.h) is appended to it from the same parse.  rep may
 * be NULL.  Returns 0, or -1 if the HTML could not be parsed.
 */
int markdown_to_html(const char *md, size_t len, struct buf *out,
		     struct buf *text, struct sanitize_report *rep);

/*
 * The same for a parsed document, always by way of cmark's HTML and the
 * HTML parser (markdown_to_html() does that only for Markdown with raw
 * HTML in it).  For tests that both ways agree.
 */
struct cmark_node;
int markdown_to_html_parsed(struct cmark_node *root, struct buf *out, struct buf *text,
			    struct sanitize_report *rep);

#endif
