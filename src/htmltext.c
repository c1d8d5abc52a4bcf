/*
 * htmltext.c - plain text of an HTML tree, one block per line.
 *
 * One iterative walk (parent/next pointers); separators are kept pending
 * and written only when the next word arrives, so nothing trails a line
 * and no line is empty.
 */
#include "htmltext.h"

#include <libxml/tree.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "util.h"

enum tk { T_INLINE, T_SKIP, T_BLOCK, T_CELL, T_BR, T_PRE };

struct tel {
	const char *name;
	unsigned char kind;
};

/* Sorted by name.  Names not here are inline. */
static const struct tel TELS[] = {
	{ "address", T_BLOCK }, { "applet", T_SKIP }, { "article", T_BLOCK },
	{ "aside", T_BLOCK }, { "audio", T_SKIP }, { "blockquote", T_BLOCK },
	{ "body", T_BLOCK }, { "br", T_BR }, { "button", T_SKIP },
	{ "canvas", T_SKIP }, { "caption", T_BLOCK }, { "center", T_BLOCK },
	{ "datalist", T_SKIP }, { "dd", T_BLOCK }, { "details", T_BLOCK },
	{ "dialog", T_BLOCK }, { "dir", T_BLOCK }, { "div", T_BLOCK },
	{ "dl", T_BLOCK }, { "dt", T_BLOCK },
	{ "fieldset", T_BLOCK }, { "figcaption", T_BLOCK },
	{ "figure", T_BLOCK }, { "footer", T_BLOCK }, { "form", T_BLOCK },
	{ "frame", T_SKIP }, { "frameset", T_SKIP }, { "h1", T_BLOCK },
	{ "h2", T_BLOCK }, { "h3", T_BLOCK }, { "h4", T_BLOCK },
	{ "h5", T_BLOCK }, { "h6", T_BLOCK }, { "head", T_SKIP },
	{ "header", T_BLOCK }, { "hgroup", T_BLOCK }, { "hr", T_BLOCK },
	{ "html", T_BLOCK }, { "iframe", T_SKIP }, { "legend", T_BLOCK },
	{ "li", T_BLOCK }, { "listing", T_SKIP }, { "main", T_BLOCK },
	{ "map", T_SKIP }, { "math", T_SKIP }, { "menu", T_BLOCK },
	{ "meter", T_SKIP }, { "nav", T_BLOCK }, { "noembed", T_SKIP },
	{ "noframes", T_SKIP }, { "noscript", T_SKIP }, { "object", T_SKIP },
	{ "ol", T_BLOCK }, { "optgroup", T_SKIP }, { "option", T_SKIP },
	{ "output", T_SKIP }, { "p", T_BLOCK }, { "plaintext", T_SKIP },
	{ "pre", T_PRE }, { "progress", T_SKIP }, { "script", T_SKIP },
	{ "search", T_BLOCK }, { "section", T_BLOCK }, { "select", T_SKIP },
	{ "style", T_SKIP }, { "summary", T_BLOCK }, { "svg", T_SKIP },
	{ "table", T_BLOCK }, { "tbody", T_BLOCK }, { "td", T_CELL },
	{ "template", T_SKIP }, { "textarea", T_SKIP }, { "tfoot", T_BLOCK },
	{ "th", T_CELL }, { "thead", T_BLOCK }, { "title", T_SKIP },
	{ "tr", T_BLOCK }, { "ul", T_BLOCK }, { "video", T_SKIP },
	{ "xmp", T_SKIP },
};

static int tel_cmp(const void *key, const void *e)
{
	return strcmp(key, ((const struct tel *)e)->name);
}

static int tkind(const xmlNode *n)
{
	if (!n->name)
		return T_INLINE;
	const struct tel *t = bsearch(n->name, TELS, ARRAY_SIZE(TELS),
				      sizeof TELS[0], tel_cmp);
	return t ? t->kind : T_INLINE;
}

struct tx {
	struct buf *out;
	size_t start;
	int line_has_text; /* something written on the current line */
	int pending_nl, pending_tab, pending_space;
	unsigned pre;      /* open <pre> elements */
};

static void brk(struct tx *t)
{
	t->pending_nl = 1;
	t->pending_tab = t->pending_space = 0;
}

static void put_sep(struct tx *t)
{
	if (t->pending_nl) {
		if (t->out->n > t->start)
			buf_putc(t->out, '\n');
		t->line_has_text = 0;
	} else if (t->line_has_text && t->pending_tab) {
		buf_putc(t->out, '\t');
	} else if (t->line_has_text && t->pending_space) {
		buf_putc(t->out, ' ');
	}
	t->pending_nl = t->pending_tab = t->pending_space = 0;
}

/* Length of a whitespace character at p (ASCII or U+00A0), else 0. */
static size_t ws_len(const char *p, size_t n)
{
	unsigned c = (unsigned char)p[0];
	if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')
		return 1;
	if (c == 0xc2 && n > 1 && (unsigned char)p[1] == 0xa0)
		return 2;
	return 0;
}

/* Append s[0..n) replacing invalid UTF-8 by U+FFFD. */
static void put_utf8(struct buf *b, const char *s, size_t n)
{
	size_t i = 0, run = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t len = 1;
		if (c >= 0x80) {
			unsigned cp;
			size_t need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
			int ok = c >= 0xc2 && c <= 0xf4 && i + need <= n;
			cp = c & (0x3f >> (need - 1));
			for (size_t k = 1; ok && k < need; k++) {
				if (((unsigned char)s[i + k] & 0xc0) != 0x80)
					ok = 0;
				cp = (cp << 6) | ((unsigned char)s[i + k] & 0x3f);
			}
			if (ok && ((need == 3 && cp < 0x800) ||
				   (need == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
				   (cp >= 0xd800 && cp <= 0xdfff)))
				ok = 0;
			if (!ok) {
				buf_put(b, s + run, i - run);
				buf_puts(b, "\xef\xbf\xbd");
				run = i + 1;
			} else {
				len = need;
			}
		}
		i += len;
	}
	buf_put(b, s + run, n - run);
}

static void text(struct tx *t, const char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t w = ws_len(p + i, n - i);
		if (w) {
			if (t->pre && (p[i] == '\n' || p[i] == '\r')) {
				if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n')
					i++;
				brk(t);
			} else if (!t->pending_nl) {
				t->pending_space = 1;
			}
			i += w;
			continue;
		}
		size_t j = i;
		while (j < n) {
			unsigned char c = (unsigned char)p[j];
			if ((c > ' ' && c != 0xc2) || !ws_len(p + j, n - j))
				j++;
			else
				break;
		}
		put_sep(t);
		put_utf8(t->out, p + i, j - i);
		t->line_has_text = 1;
		i = j;
	}
}

/* Returns 1 if the children are to be walked. */
static int enter(struct tx *t, const xmlNode *n)
{
	switch (n->type) {
	case XML_TEXT_NODE:
		if (n->content)
			text(t, (const char *)n->content,
			     strlen((const char *)n->content));
		return 0;
	case XML_DOCUMENT_NODE:
	case XML_HTML_DOCUMENT_NODE:
	case XML_DOCUMENT_FRAG_NODE:
		return 1;
	case XML_ELEMENT_NODE:
		break;
	default:
		return 0;
	}
	switch (tkind(n)) {
	case T_SKIP:
		return 0;
	case T_BR:
		brk(t);
		return 0;
	case T_CELL:
		if (!t->pending_nl) {
			t->pending_tab = 1;
			t->pending_space = 0;
		}
		return 1;
	case T_PRE:
		t->pre++;
		brk(t);
		return 1;
	case T_BLOCK:
		brk(t);
		return 1;
	}
	return 1;
}

static void leave(struct tx *t, const xmlNode *n)
{
	if (n->type != XML_ELEMENT_NODE)
		return;
	switch (tkind(n)) {
	case T_PRE:
		t->pre--;
		brk(t);
		break;
	case T_BLOCK:
		brk(t);
		break;
	case T_CELL:
		if (!t->pending_nl)
			t->pending_space = 1;
		break;
	}
}

void node_to_text(const xmlNode *top, struct buf *out)
{
	struct tx t = { .out = out, .start = out->n };
	const xmlNode *n = top;
	while (n) {
		int in = enter(&t, n);
		if (in && n->children) {
			n = n->children;
			continue;
		}
		if (in)
			leave(&t, n);
		while (n != top && !n->next) {
			n = n->parent;
			leave(&t, n);
		}
		if (n == top)
			break;
		n = n->next;
	}
	if (out->n > t.start)
		buf_putc(out, '\n');
	buf_put(out, "", 0);
}

int html_to_text(const char *html, size_t len, struct buf *out)
{
	buf_put(out, "", 0);
	if (len == 0)
		return 0;
	if (len > INT_MAX)
		return -1; /* libxml2 takes an int length */
	xmlDoc *doc = sanitize_parse_html(html, len);
	if (!doc)
		return 0; /* nothing but markup libxml2 keeps no node for */
	node_to_text((const xmlNode *)doc, out);
	xmlFreeDoc(doc);
	return 0;
}
