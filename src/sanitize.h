/*
 * sanitize.h - untrusted HTML to a small, safe, well-formed HTML subset.
 *
 * Every posting description ends up here before it is placed in a page with
 * {{{description}}}.  The input is parsed with libxml2's HTML parser; the
 * tree is walked without recursion and the output is written by this module
 * (never by libxml2's serializer), so every byte of output is either markup
 * chosen here or escaped text.
 *
 * What comes out:
 *   - elements: p br ul ol li h2-h6 (h1 becomes h2) em i strong b a
 *     blockquote code pre table thead tbody (tfoot becomes tbody) tr th td
 *     hr dl dt dd.  Nothing else, and only in places where the HTML content
 *     model allows them: inline content sits in a block (loose text at the
 *     top level or in a blockquote gets a <p>), a block met inside inline
 *     content closes that content and reopens it after the block, a list
 *     holds only <li>, a table only rows and cells (missing wrappers are
 *     supplied), links never nest.  This is what makes the output parse
 *     back to the same tree, so sanitizing it again yields the same bytes.
 *   - attributes: only href on <a>, only with an http, https or mailto
 *     scheme (after entity decoding, trimming, removal of tabs, newlines
 *     and control characters, and case folding; "//host/x" becomes
 *     "https://host/x"), always followed by
 *     rel="nofollow noopener noreferrer ugc".  A link without a usable href
 *     is unwrapped (its text kept).
 *   - dropped with their content: script style iframe object embed svg
 *     math template noscript head title meta link base textarea select
 *     button input frame frameset applet audio video canvas img and the
 *     other embedded or form-control elements; comments, processing
 *     instructions, CDATA and browser "bogus comments" (<!x>, <?x>, </ x>).
 *   - unwrapped (content kept): every other element.  Block-like ones (div,
 *     section, article, center, form, ...) still separate their content:
 *     a new paragraph at the top level, a <br> inside other content.
 *   - whitespace: runs folded to one space outside <pre>, none at the start
 *     or end of a block; empty elements are not written; at most two <br>
 *     in a row and none at the start or end of a block; leading newlines
 *     of a <pre> dropped; one block per line for readable output.
 *   - text: & < > escaped; invalid UTF-8 replaced by U+FFFD.
 *   - nesting deeper than SANITIZE_MAX_DEPTH output levels is flattened:
 *     the deeper elements are unwrapped, their text kept.  The parser is
 *     run with XML_PARSE_HUGE because libxml2 otherwise stops at depth 256
 *     and silently loses everything after that point.
 *
 * Threads: call sanitize_global_init() once from the main thread before
 * any other function here is used from several threads; after that every
 * function is reentrant (no global state of our own).
 *
 * Ownership: output is appended to a caller's struct buf; nothing returned
 * needs freeing except the xmlDoc from sanitize_parse_html().
 */
#ifndef JOBSITE_SANITIZE_H
#define JOBSITE_SANITIZE_H

#include <stddef.h>

#include "buf.h"

/* libxml2's node and document types, without including libxml2 headers:
 * xmlNode is `struct _xmlNode`, xmlDoc is `struct _xmlDoc`. */
struct _xmlNode;
struct _xmlDoc;

/* Output nesting limit (levels of elements written). */
#define SANITIZE_MAX_DEPTH 200

/*
 * What was removed, for posting warnings.  Counts add up across calls with
 * the same report (zero it with SANITIZE_REPORT_INIT or memset first).
 */
struct sanitize_report {
	unsigned dropped;         /* elements removed with their content */
	unsigned unwrapped;       /* elements removed, content kept */
	unsigned attrs_removed;   /* attributes removed */
	unsigned links_bad_scheme; /* <a href> with a scheme not allowed */
	unsigned links_relative;  /* <a href> relative or empty: unwrapped */
	unsigned depth_flattened; /* elements unwrapped for nesting depth */
	/* The name of the first element dropped with content (a static
	 * string, e.g. "script"), NULL if none. */
	const char *first_dropped;
};

#define SANITIZE_REPORT_INIT { 0, 0, 0, 0, 0, 0, NULL }

/* Once, in the main thread, before threads use this module (xmlInitParser). */
void sanitize_global_init(void);

/*
 * Sanitize an HTML fragment or document of len bytes of UTF-8 (it need not
 * be NUL-terminated).  The sanitized HTML is appended to out.  If text is
 * not NULL, the plain text of the input (see htmltext.h) is appended to it
 * from the same parse.  rep may be NULL.  Returns 0, or -1 if libxml2
 * could not parse the input at all (too large for libxml2, out of memory);
 * empty input gives empty output and 0.
 */
int sanitize_html(const char *html, size_t len, struct buf *out,
		  struct buf *text, struct sanitize_report *rep);

/*
 * Sanitize the subtree at node (an element, or a document: then all of
 * it), e.g. the posting's container picked from a page the caller parsed
 * itself.  The node itself goes through the same rules as its descendants
 * (a <div> container is unwrapped, a <p> kept).  The tree is not modified.
 */
void sanitize_node(const struct _xmlNode *node, struct buf *out,
		   struct sanitize_report *rep);

/*
 * Parse HTML the way sanitize_html() does (UTF-8, no network, no error
 * output, no depth limit, bogus comments removed first).  Returns a
 * document the caller frees with xmlFreeDoc(), or NULL (empty input, too
 * large, out of memory).
 */
struct _xmlDoc *sanitize_parse_html(const char *html, size_t len);

#endif
