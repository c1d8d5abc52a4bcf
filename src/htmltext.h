/*
 * htmltext.h - plain text of HTML, for the search index and for field
 * extraction.
 *
 * One block per line: every paragraph, heading, list item, table row,
 * <br>-separated line and div-like block (div, section, article, ...) is
 * on a line of its own; no empty lines; the text ends with a newline unless
 * it is empty.  Cells of a table row are separated by one tab.  Inline
 * elements are joined as written (`<b>Pay:</b> 10` gives "Pay: 10",
 * `<b>Pay:</b>10` gives "Pay:10").  Runs of whitespace (including U+00A0)
 * fold to one space; lines carry no leading or trailing space.  Inside <pre>
 * newlines are kept as line breaks.  Entities are decoded (by libxml2).
 * Text of script, style, head, title, noscript, template, svg, math,
 * iframe, object, form controls and comments is left out, as are the
 * browser "bogus comments" the sanitizer removes.  Invalid UTF-8 is
 * replaced by U+FFFD.
 *
 * Threads: as sanitize.h (sanitize_global_init() first).
 */
#ifndef JOBSITE_HTMLTEXT_H
#define JOBSITE_HTMLTEXT_H

#include <stddef.h>

#include "buf.h"

struct _xmlNode;

/*
 * Append the text of len bytes of UTF-8 HTML to out (parsed as
 * sanitize_parse_html() does).  Returns 0, or -1 if the input is too large
 * for libxml2 (over INT_MAX bytes).
 */
int html_to_text(const char *html, size_t len, struct buf *out);

/* Append the text of the subtree at node (element or document) to out. */
void node_to_text(const struct _xmlNode *node, struct buf *out);

#endif
