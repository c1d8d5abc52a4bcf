/*
 * markdown.c - cmark to HTML, then the sanitizer.
 */
#include "markdown.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"

int markdown_to_html(const char *md, size_t len, struct buf *out,
		     struct buf *text, struct sanitize_report *rep)
{
	/* UNSAFE keeps raw HTML and every link for the sanitizer to judge;
	 * cmark's own "safe" mode would drop whole HTML blocks instead of
	 * keeping their harmless parts. */
	char *html = cmark_markdown_to_html(md ? md : "", md ? len : 0,
					    CMARK_OPT_UNSAFE |
						    CMARK_OPT_VALIDATE_UTF8);
	if (!html)
		return -1;
	int r = sanitize_html(html, strlen(html), out, text, rep);
	free(html);
	return r;
}
