/*
 * markdown.c - cmark to sanitized HTML.
 *
 * Two ways to the same bytes:
 *
 *   - Markdown with raw HTML in it (HTML blocks or inline HTML): cmark's
 *     HTML is parsed again by libxml2's HTML parser and the tree goes
 *     through the sanitizer, as any HTML does.
 *   - Everything else: the tree libxml2 would have built from cmark's HTML
 *     is built straight from cmark's own tree (md_tree()), and goes through
 *     the same sanitizer.  Parsing the HTML again was ~40 % of reading a
 *     Markdown posting.
 *
 * "The tree libxml2 would have built": cmark's HTML renderer puts each
 * node in its element (a list item's paragraphs without <p> in a tight
 * list, a hard break as <br> and a newline, a soft break as a newline, a
 * code block as <pre><code>), escapes text (libxml2 decodes it back) and
 * percent-encodes link destinations (kept here as libxml2 would read
 * them).  The newlines cmark writes between blocks are left out: the
 * sanitizer drops whitespace at block edges either way.  t_sanitize checks
 * both ways give the same bytes and reports on every Markdown posting of a
 * generated corpus, the seeds and cases made to find differences.
 */
#include "markdown.h"

#include <cmark.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "htmltext.h"
#include "sanitize.h"

#define MD_OPTIONS (CMARK_OPT_UNSAFE | CMARK_OPT_VALIDATE_UTF8)

/* What cmark's HTML renderer leaves as it is in a link destination (its
 * escape_href), after libxml2 has decoded the entities it writes for & and
 * ': letters, digits and -_.+!*(),%#@?=;:/$~&'.  Every other byte is %XX. */
static int href_keeps(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("-_.+!*(),%#@?=;:/$~&'", c));
}

static void set_href(xmlNode *a, const char *url)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf b = BUF_INIT;
	for (const unsigned char *p = (const unsigned char *)(url ? url : ""); *p; p++) {
		if (href_keeps(*p)) {
			buf_putc(&b, *p);
		} else {
			buf_putc(&b, '%');
			buf_putc(&b, hex[*p >> 4]);
			buf_putc(&b, hex[*p & 15]);
		}
	}
	xmlNewProp(a, BAD_CAST "href", BAD_CAST buf_cstr(&b));
	buf_release(&b);
}

/* Text the HTML parser would not keep byte for byte: control characters
 * (other than tab and newline) and carriage returns. */
static int plain_text(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7f)
			return 0;
	return 1;
}

/* A text child, merged with a text child before it (as the parser does). */
static int add_text(xmlNode *parent, const char *s)
{
	if (!s || !*s)
		return 1;
	if (!plain_text(s))
		return 0;
	xmlNode *t = xmlNewText(BAD_CAST s);
	xmlAddChild(parent, t); /* merges into a text node before it */
	return 1;
}

static xmlNode *add_elem(xmlNode *parent, const char *name)
{
	return xmlNewChild(parent, NULL, BAD_CAST name, NULL);
}

static int tight_paragraph(cmark_node *n)
{
	cmark_node *item = cmark_node_parent(n);
	cmark_node *list = item ? cmark_node_parent(item) : NULL;
	return list && cmark_node_get_type(list) == CMARK_NODE_LIST && cmark_node_get_list_tight(list);
}

/*
 * The tree of cmark's HTML for `root`, or NULL when it has raw HTML (or
 * text the parser would change): then cmark's HTML is parsed instead.
 */
static xmlDoc *md_tree(cmark_node *root)
{
	xmlDoc *doc = htmlNewDocNoDtD(NULL, NULL);
	xmlNode *html = xmlNewDocNode(doc, NULL, BAD_CAST "html", NULL);
	xmlDocSetRootElement(doc, html);
	xmlNode *cur = add_elem(html, "body");
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	cmark_node *image = NULL; /* inside an image: its text is the alt attribute */
	int ok = 1;
	char tag[3] = "h1";
	while (ok && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		int enter = ev == CMARK_EVENT_ENTER;
		cmark_node_type type = cmark_node_get_type(n);
		if (image) {
			if (n == image && !enter)
				image = NULL;
			continue;
		}
		switch (type) {
		case CMARK_NODE_DOCUMENT:
			break;
		case CMARK_NODE_BLOCK_QUOTE:
		case CMARK_NODE_ITEM:
		case CMARK_NODE_EMPH:
		case CMARK_NODE_STRONG:
		case CMARK_NODE_HEADING:
		case CMARK_NODE_LIST:
		case CMARK_NODE_LINK:
			if (!enter) {
				cur = cur->parent;
				break;
			}
			if (type == CMARK_NODE_HEADING) {
				int level = cmark_node_get_heading_level(n);
				tag[1] = (char)('0' + (level >= 1 && level <= 6 ? level : 1));
				cur = add_elem(cur, tag);
			} else if (type == CMARK_NODE_LIST) {
				int ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
				cur = add_elem(cur, ordered ? "ol" : "ul");
				int start = cmark_node_get_list_start(n);
				if (ordered && start != 1) {
					char num[24];
					snprintf(num, sizeof num, "%d", start);
					xmlNewProp(cur, BAD_CAST "start", BAD_CAST num);
				}
			} else if (type == CMARK_NODE_LINK) {
				cur = add_elem(cur, "a");
				set_href(cur, cmark_node_get_url(n));
				const char *title = cmark_node_get_title(n);
				if (title && *title)
					xmlNewProp(cur, BAD_CAST "title", BAD_CAST title);
			} else {
				cur = add_elem(cur, type == CMARK_NODE_BLOCK_QUOTE ? "blockquote"
						    : type == CMARK_NODE_ITEM       ? "li"
						    : type == CMARK_NODE_EMPH       ? "em"
										    : "strong");
			}
			break;
		case CMARK_NODE_PARAGRAPH:
			/* no <p> in a tight list's item */
			if (!tight_paragraph(n))
				cur = enter ? add_elem(cur, "p") : cur->parent;
			break;
		case CMARK_NODE_CODE_BLOCK: {
			xmlNode *code = add_elem(add_elem(cur, "pre"), "code");
			const char *info = cmark_node_get_fence_info(n);
			if (info && *info) {
				size_t k = strcspn(info, " \t\r\n");
				char *cls = malloc(k + 10);
				if (cls) {
					memcpy(cls, "language-", 9);
					memcpy(cls + 9, info, k);
					cls[9 + k] = 0;
					xmlNewProp(code, BAD_CAST "class", BAD_CAST cls);
					free(cls);
				}
			}
			ok = add_text(code, cmark_node_get_literal(n));
			break;
		}
		case CMARK_NODE_THEMATIC_BREAK:
			add_elem(cur, "hr");
			break;
		case CMARK_NODE_TEXT:
			ok = add_text(cur, cmark_node_get_literal(n));
			break;
		case CMARK_NODE_SOFTBREAK:
			ok = add_text(cur, "\n");
			break;
		case CMARK_NODE_LINEBREAK:
			add_elem(cur, "br");
			ok = add_text(cur, "\n");
			break;
		case CMARK_NODE_CODE:
			ok = add_text(add_elem(cur, "code"), cmark_node_get_literal(n));
			break;
		case CMARK_NODE_IMAGE:
			/* dropped by the sanitizer, which counts it: only the element matters */
			if (enter) {
				add_elem(cur, "img");
				image = n;
			}
			break;
		default: /* raw HTML, custom nodes: the HTML parser's business */
			ok = 0;
			break;
		}
	}
	cmark_iter_free(it);
	if (!ok) {
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

int markdown_to_html(const char *md, size_t len, struct buf *out,
		     struct buf *text, struct sanitize_report *rep)
{
	cmark_node *root = cmark_parse_document(md ? md : "", md ? len : 0, MD_OPTIONS);
	if (!root)
		return -1;
	xmlDoc *doc = md_tree(root);
	int r = 0;
	if (doc) {
		buf_put(out, "", 0); /* out->p valid, as sanitize_html() leaves it */
		if (text)
			buf_put(text, "", 0);
		sanitize_node((const xmlNode *)doc, out, rep);
		if (text)
			node_to_text((const xmlNode *)doc, text);
		xmlFreeDoc(doc);
	} else {
		r = markdown_to_html_parsed(root, out, text, rep);
	}
	cmark_node_free(root);
	return r;
}

int markdown_to_html_parsed(struct cmark_node *root, struct buf *out, struct buf *text,
			    struct sanitize_report *rep)
{
	/* UNSAFE keeps raw HTML and every link for the sanitizer to judge;
	 * cmark's own "safe" mode would drop whole HTML blocks instead of
	 * keeping their harmless parts. */
	char *html = cmark_render_html(root, MD_OPTIONS);
	if (!html)
		return -1;
	int r = sanitize_html(html, strlen(html), out, text, rep);
	free(html);
	return r;
}
