/*
 * sanitize.c - allowlist HTML sanitizer over libxml2's HTML tree.
 *
 * The source tree is walked once, iteratively (parent/next pointers, no
 * recursion).  Kept elements become frames on an explicit stack; a frame's
 * start tag is written lazily, when the first content inside it arrives, so
 * empty elements vanish on their own.  Before a frame is pushed the stack is
 * repaired so the child is allowed there (implicit <p>, <li>, <tr>, <td>,
 * <ul>, <dl>, <table>; inline frames suspended around a block).  The output
 * therefore follows a content model libxml2 (and a browser) parses back to
 * the same tree, which is what makes sanitizing idempotent.
 */
#include "sanitize.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "charsets.h"
#include "htmltext.h"
#include "util.h"

#define NONE SIZE_MAX

enum kind {
	K_ROOT, K_DIV, /* transparent flow containers: never written */
	K_P, K_H2, K_H3, K_H4, K_H5, K_H6, K_PRE, K_DT,
	K_UL, K_OL, K_LI, K_DL, K_DD, K_BLOCKQUOTE,
	K_TABLE, K_THEAD, K_TBODY, K_TR, K_TH, K_TD,
	K_A, K_EM, K_I, K_STRONG, K_B, K_CODE,
	K_BR, K_HR,
	K_TEXT /* pseudo kind: character data */
};

/* Content classes: what a frame of the kind may hold. */
enum cls {
	C_FLOW,   /* blocks and inline (inline via an implicit <p> if autop) */
	C_PBLOCK, /* a block holding only inline content */
	C_INLINE, /* inline holding only inline content */
	C_LIST,   /* only <li> */
	C_DLIST,  /* only <dt>, <dd> */
	C_TABLE,  /* only <thead>, <tbody>, <tr> */
	C_TSECT,  /* only <tr> */
	C_ROW,    /* only <td>, <th> */
	C_VOID,
};

static const struct kind_info {
	const char *tag;
	unsigned char cls;
	unsigned char autop;    /* loose inline content gets a <p> */
	unsigned char headroom; /* implicit levels content may need below */
} KINDS[] = {
	[K_ROOT] = { NULL, C_FLOW, 1, 1 },
	[K_DIV] = { NULL, C_FLOW, 1, 1 },
	[K_P] = { "p", C_PBLOCK, 0, 0 },
	[K_H2] = { "h2", C_PBLOCK, 0, 0 },
	[K_H3] = { "h3", C_PBLOCK, 0, 0 },
	[K_H4] = { "h4", C_PBLOCK, 0, 0 },
	[K_H5] = { "h5", C_PBLOCK, 0, 0 },
	[K_H6] = { "h6", C_PBLOCK, 0, 0 },
	[K_PRE] = { "pre", C_PBLOCK, 0, 0 },
	[K_DT] = { "dt", C_PBLOCK, 0, 0 },
	[K_UL] = { "ul", C_LIST, 0, 1 },
	[K_OL] = { "ol", C_LIST, 0, 1 },
	[K_LI] = { "li", C_FLOW, 0, 0 },
	[K_DL] = { "dl", C_DLIST, 0, 1 },
	[K_DD] = { "dd", C_FLOW, 0, 0 },
	[K_BLOCKQUOTE] = { "blockquote", C_FLOW, 1, 1 },
	[K_TABLE] = { "table", C_TABLE, 0, 2 },
	[K_THEAD] = { "thead", C_TSECT, 0, 2 },
	[K_TBODY] = { "tbody", C_TSECT, 0, 2 },
	[K_TR] = { "tr", C_ROW, 0, 1 },
	[K_TH] = { "th", C_FLOW, 0, 0 },
	[K_TD] = { "td", C_FLOW, 0, 0 },
	[K_A] = { "a", C_INLINE, 0, 0 },
	[K_EM] = { "em", C_INLINE, 0, 0 },
	[K_I] = { "i", C_INLINE, 0, 0 },
	[K_STRONG] = { "strong", C_INLINE, 0, 0 },
	[K_B] = { "b", C_INLINE, 0, 0 },
	[K_CODE] = { "code", C_INLINE, 0, 0 },
	[K_BR] = { "br", C_VOID, 0, 0 },
	[K_HR] = { "hr", C_VOID, 0, 0 },
	[K_TEXT] = { NULL, C_INLINE, 0, 0 },
};

static int cls_of(int k)
{
	return KINDS[k].cls;
}

/* Inline content: may sit in a paragraph. */
static int is_phrasing(int k)
{
	return cls_of(k) == C_INLINE || k == K_BR;
}

/* Starting or ending one of these separates lines of content. */
static int is_blockish(int k)
{
	return !is_phrasing(k);
}

/* Blocks a flow container takes directly. */
static int is_flow_block(int k)
{
	switch (k) {
	case K_DIV: case K_P: case K_H2: case K_H3: case K_H4: case K_H5:
	case K_H6: case K_PRE: case K_UL: case K_OL: case K_DL:
	case K_BLOCKQUOTE: case K_TABLE: case K_HR:
		return 1;
	}
	return 0;
}

/* Start tags followed by a newline: containers of blocks. */
static int nl_after_start(int k)
{
	int c = cls_of(k);
	return c == C_LIST || c == C_DLIST || c == C_TABLE || c == C_TSECT ||
	       c == C_ROW || k == K_BLOCKQUOTE;
}

/*
 * A_VOID: dropped, but its children are walked: it is void in HTML5, so
 * any children libxml2 gave it (it does for <embed>, <source>, <wbr>...)
 * are content that followed it.
 */
enum act { A_KEEP, A_DROP, A_INLINE, A_BLOCK, A_VOID };

struct elem {
	const char *name;
	unsigned char act;
	unsigned char kind;
};

/* Sorted by name for bsearch.  Names not here are unwrapped (A_INLINE). */
static const struct elem ELEMS[] = {
	{ "a", A_KEEP, K_A },
	{ "abbr", A_INLINE, 0 },
	{ "address", A_BLOCK, 0 },
	{ "applet", A_DROP, 0 },
	{ "area", A_VOID, 0 },
	{ "article", A_BLOCK, 0 },
	{ "aside", A_BLOCK, 0 },
	{ "audio", A_DROP, 0 },
	{ "b", A_KEEP, K_B },
	{ "base", A_VOID, 0 },
	{ "basefont", A_VOID, 0 },
	{ "bgsound", A_VOID, 0 },
	{ "blockquote", A_KEEP, K_BLOCKQUOTE },
	{ "body", A_BLOCK, 0 },
	{ "br", A_KEEP, K_BR },
	{ "button", A_DROP, 0 },
	{ "canvas", A_DROP, 0 },
	{ "caption", A_BLOCK, 0 },
	{ "center", A_BLOCK, 0 },
	{ "code", A_KEEP, K_CODE },
	{ "col", A_VOID, 0 },
	{ "colgroup", A_DROP, 0 },
	{ "datalist", A_DROP, 0 },
	{ "dd", A_KEEP, K_DD },
	{ "details", A_BLOCK, 0 },
	{ "dialog", A_BLOCK, 0 },
	{ "dir", A_KEEP, K_UL },
	{ "div", A_BLOCK, 0 },
	{ "dl", A_KEEP, K_DL },
	{ "dt", A_KEEP, K_DT },
	{ "em", A_KEEP, K_EM },
	{ "embed", A_VOID, 0 },
	{ "fieldset", A_BLOCK, 0 },
	{ "figcaption", A_BLOCK, 0 },
	{ "figure", A_BLOCK, 0 },
	{ "footer", A_BLOCK, 0 },
	{ "form", A_BLOCK, 0 },
	{ "frame", A_VOID, 0 },
	{ "frameset", A_DROP, 0 },
	{ "h1", A_KEEP, K_H2 },
	{ "h2", A_KEEP, K_H2 },
	{ "h3", A_KEEP, K_H3 },
	{ "h4", A_KEEP, K_H4 },
	{ "h5", A_KEEP, K_H5 },
	{ "h6", A_KEEP, K_H6 },
	{ "head", A_DROP, 0 },
	{ "header", A_BLOCK, 0 },
	{ "hgroup", A_BLOCK, 0 },
	{ "hr", A_KEEP, K_HR },
	{ "html", A_BLOCK, 0 },
	{ "i", A_KEEP, K_I },
	{ "iframe", A_DROP, 0 },
	{ "image", A_VOID, 0 },
	{ "img", A_VOID, 0 },
	{ "input", A_VOID, 0 },
	{ "isindex", A_VOID, 0 },
	{ "keygen", A_VOID, 0 },
	{ "legend", A_BLOCK, 0 },
	{ "li", A_KEEP, K_LI },
	{ "link", A_VOID, 0 },
	{ "listing", A_DROP, 0 },
	{ "main", A_BLOCK, 0 },
	{ "map", A_DROP, 0 },
	{ "math", A_DROP, 0 },
	{ "menu", A_KEEP, K_UL },
	{ "meta", A_VOID, 0 },
	{ "meter", A_DROP, 0 },
	{ "nav", A_BLOCK, 0 },
	{ "noembed", A_DROP, 0 },
	{ "noframes", A_DROP, 0 },
	{ "noscript", A_DROP, 0 },
	{ "object", A_DROP, 0 },
	{ "ol", A_KEEP, K_OL },
	{ "optgroup", A_DROP, 0 },
	{ "option", A_DROP, 0 },
	{ "output", A_DROP, 0 },
	{ "p", A_KEEP, K_P },
	{ "param", A_VOID, 0 },
	{ "picture", A_DROP, 0 },
	{ "plaintext", A_DROP, 0 },
	{ "portal", A_DROP, 0 },
	{ "pre", A_KEEP, K_PRE },
	{ "progress", A_DROP, 0 },
	{ "script", A_DROP, 0 },
	{ "search", A_BLOCK, 0 },
	{ "section", A_BLOCK, 0 },
	{ "select", A_DROP, 0 },
	{ "source", A_VOID, 0 },
	{ "strong", A_KEEP, K_STRONG },
	{ "style", A_DROP, 0 },
	{ "summary", A_BLOCK, 0 },
	{ "svg", A_DROP, 0 },
	{ "table", A_KEEP, K_TABLE },
	{ "tbody", A_KEEP, K_TBODY },
	{ "td", A_KEEP, K_TD },
	{ "template", A_DROP, 0 },
	{ "textarea", A_DROP, 0 },
	{ "tfoot", A_KEEP, K_TBODY },
	{ "th", A_KEEP, K_TH },
	{ "thead", A_KEEP, K_THEAD },
	{ "title", A_DROP, 0 },
	{ "tr", A_KEEP, K_TR },
	{ "track", A_VOID, 0 },
	{ "ul", A_KEEP, K_UL },
	{ "video", A_DROP, 0 },
	{ "wbr", A_VOID, 0 },
	{ "xmp", A_DROP, 0 },
};

static int elem_cmp(const void *key, const void *e)
{
	return strcmp(key, ((const struct elem *)e)->name);
}

static const struct elem *elem_lookup(const xmlNode *n)
{
	static const struct elem unknown = { "", A_INLINE, 0 };
	const struct elem *e = NULL;
	if (n->name && !n->ns)
		e = bsearch(n->name, ELEMS, ARRAY_SIZE(ELEMS), sizeof ELEMS[0],
			    elem_cmp);
	return e ? e : &unknown;
}

struct frame {
	unsigned char kind;
	unsigned char implicit;  /* inserted by us, no source element */
	unsigned char emitted;   /* start tag written, end tag not yet */
	unsigned char suspended; /* closed around a block, reopens after */
	size_t susp_from;        /* frames [susp_from, this) resume on pop */
};

/* A source element that owns a frame. */
struct owner {
	const xmlNode *node;
	size_t frame;
};

struct san {
	struct buf *out;
	size_t out_start;
	struct sanitize_report *rep;
	struct frame *st;
	size_t n, cap;
	struct owner *own;
	size_t on, ocap;
	size_t pending_susp;
	struct buf href; /* of the open link: links never nest */
	unsigned a_open;
	int at_block_start;
	int pending_space;
	unsigned pending_br;
};

/* ---- output ---------------------------------------------------------- */

/* Escape & < > (and " in attributes); replace invalid UTF-8 by U+FFFD. */
static void put_escaped(struct buf *b, const char *s, size_t n, int attr)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;
	buf_grow(b, n);
	while (i < n) {
		unsigned c = p[i];
		const char *rep = NULL;
		size_t skip = 1;
		if (c == '&')
			rep = "&amp;";
		else if (c == '<')
			rep = "&lt;";
		else if (c == '>')
			rep = "&gt;";
		else if (c == '"' && attr)
			rep = "&quot;";
		else if (c >= 0x80) {
			uint32_t cp;
			skip = utf8_get(p + i, n - i, &cp);
			if (!skip) {
				rep = "\xef\xbf\xbd";
				skip = 1;
			}
		}
		if (rep) {
			buf_put(b, s + run, i - run);
			buf_puts(b, rep);
			run = i + skip;
		}
		i += skip;
	}
	buf_put(b, s + run, n - run);
}

static int out_at_line_start(const struct san *s)
{
	return s->out->n == s->out_start || s->out->p[s->out->n - 1] == '\n';
}

static void emit_start(struct san *s, struct frame *f)
{
	const char *tag = KINDS[f->kind].tag;
	f->emitted = 1;
	if (!tag)
		return;
	if (is_blockish(f->kind) && !out_at_line_start(s))
		buf_putc(s->out, '\n');
	buf_putc(s->out, '<');
	buf_puts(s->out, tag);
	if (f->kind == K_A) {
		buf_puts(s->out, " href=\"");
		put_escaped(s->out, s->href.p, s->href.n, 1);
		buf_puts(s->out, "\" rel=\"nofollow noopener noreferrer ugc\"");
	}
	buf_putc(s->out, '>');
	if (nl_after_start(f->kind))
		buf_putc(s->out, '\n');
}

static void emit_end(struct san *s, struct frame *f)
{
	const char *tag = KINDS[f->kind].tag;
	f->emitted = 0;
	if (!tag)
		return;
	buf_puts(s->out, "</");
	buf_puts(s->out, tag);
	buf_putc(s->out, '>');
	if (is_blockish(f->kind))
		buf_putc(s->out, '\n');
}

/* A logical block boundary: nothing pending carries across it. */
static void block_boundary(struct san *s)
{
	s->at_block_start = 1;
	s->pending_space = 0;
	s->pending_br = 0;
}

/* A line break inside content (an unwrapped div in a list item, say). */
static void soft_break(struct san *s)
{
	if (!s->at_block_start && s->pending_br == 0)
		s->pending_br = 1;
	s->pending_space = 0;
}

/* Write the start tags of every frame that is open but not yet written. */
static void open_lazy(struct san *s)
{
	size_t i = s->n;
	while (i > 0 && (!s->st[i - 1].emitted || s->st[i - 1].suspended))
		i--;
	for (; i < s->n; i++)
		if (!s->st[i].suspended && !s->st[i].emitted)
			emit_start(s, &s->st[i]);
}

/* Inside <pre> (through inline frames only)? */
static int in_pre(const struct san *s)
{
	size_t i = s->n;
	while (i > 0 && cls_of(s->st[i - 1].kind) == C_INLINE)
		i--;
	return i > 0 && s->st[i - 1].kind == K_PRE;
}

/* Flush pending breaks and space, open lazy frames: content follows. */
static void before_content(struct san *s, int pre)
{
	if (s->pending_br) {
		unsigned k = s->pending_br > 2 ? 2 : s->pending_br;
		while (k--)
			buf_puts(s->out, pre ? "<br>" : "<br>\n");
	} else if (s->pending_space && !s->at_block_start) {
		buf_putc(s->out, ' ');
	}
	s->pending_br = 0;
	s->pending_space = 0;
	open_lazy(s);
	s->at_block_start = 0;
}

/* ---- the frame stack ------------------------------------------------- */

static size_t push(struct san *s, int kind, int implicit)
{
	s->st = xgrow(s->st, &s->cap, s->n + 1, sizeof *s->st);
	struct frame *f = &s->st[s->n];
	f->kind = (unsigned char)kind;
	f->implicit = (unsigned char)implicit;
	f->emitted = kind == K_ROOT || kind == K_DIV;
	f->suspended = 0;
	f->susp_from = s->pending_susp;
	s->pending_susp = NONE;
	if (kind == K_A)
		s->a_open++;
	if (is_blockish(kind))
		block_boundary(s);
	return s->n++;
}

static void unsuspend(struct san *s, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		s->st[i].suspended = 0;
}

static void pop(struct san *s)
{
	struct frame *f = &s->st[s->n - 1];
	if (f->emitted && f->kind != K_ROOT && f->kind != K_DIV)
		emit_end(s, f);
	if (f->kind == K_A)
		s->a_open--;
	if (f->susp_from != NONE)
		unsuspend(s, f->susp_from, s->n - 1);
	if (is_blockish(f->kind))
		block_boundary(s);
	s->n--;
}

static void close_to(struct san *s, size_t idx)
{
	while (s->n > idx)
		pop(s);
}

/*
 * A block arrives inside inline content: close the inline frames (and the
 * paragraph holding them) now and reopen them after the block.  A lone
 * implicit paragraph is simply ended.
 */
static void suspend_chain(struct san *s)
{
	size_t i = s->n;
	while (i > 1 && cls_of(s->st[i - 1].kind) == C_INLINE)
		i--;
	if (i > 1 && cls_of(s->st[i - 1].kind) == C_PBLOCK)
		i--;
	if (i == s->n - 1 && s->st[i].implicit) {
		pop(s);
		return;
	}
	for (size_t j = s->n; j-- > i;) {
		if (s->st[j].emitted)
			emit_end(s, &s->st[j]);
		s->st[j].suspended = 1;
	}
	s->pending_susp = i;
	block_boundary(s);
}

static int accepts(const struct frame *p, int k)
{
	switch (cls_of(p->kind)) {
	case C_FLOW:
		if (is_phrasing(k))
			return !KINDS[p->kind].autop;
		return is_flow_block(k);
	case C_PBLOCK:
	case C_INLINE:
		return is_phrasing(k);
	case C_LIST:
		return k == K_LI;
	case C_DLIST:
		return k == K_DT || k == K_DD;
	case C_TABLE:
		return k == K_THEAD || k == K_TBODY || k == K_TR;
	case C_TSECT:
		return k == K_TR;
	case C_ROW:
		return k == K_TD || k == K_TH;
	}
	return 0;
}

static int is_cell(int k)
{
	return k == K_TD || k == K_TH;
}

/* Would f take a child of kind k, directly or through an implicit <p>? */
static int accepts_loosely(const struct frame *f, int k)
{
	return accepts(f, k) || (cls_of(f->kind) == C_FLOW && is_phrasing(k));
}

/*
 * Close implicit frames on top of the stack if an ancestor reached through
 * implicit frames only takes the child (text after an implicit list item
 * leaves the implicit list).  Returns 1 if it closed any.
 */
static int close_implicit_for(struct san *s, int k)
{
	size_t j = s->n - 1;
	while (!accepts_loosely(&s->st[j], k)) {
		if (!s->st[j].implicit || j == 0)
			return 0;
		j--;
	}
	if (j == s->n - 1)
		return 0;
	close_to(s, j + 1);
	return 1;
}

/*
 * Repair the stack until its top accepts a child of kind k: close implicit
 * frames, suspend inline content around a block, or push implicit
 * wrappers.  Returns 0, or -1 if it could not (the caller then unwraps the
 * child; not expected to happen).
 */
static int fix_structure(struct san *s, int k)
{
	for (int guard = 0; guard < 16; guard++) {
		/* Suspended frames stay on the stack until the block that
		 * suspended them is pushed above them. */
		int susp = s->pending_susp != NONE;
		struct frame *t = &s->st[susp ? s->pending_susp - 1 : s->n - 1];
		if (accepts(t, k))
			return 0;
		if (!susp && close_implicit_for(s, k))
			continue;
		switch (cls_of(t->kind)) {
		case C_PBLOCK:
		case C_INLINE:
			suspend_chain(s);
			break;
		case C_FLOW:
			if (is_phrasing(k))
				push(s, K_P, 1);
			else if (k == K_LI)
				push(s, K_UL, 1);
			else if (k == K_DT || k == K_DD)
				push(s, K_DL, 1);
			else if (is_cell(k) || k == K_TR || k == K_THEAD ||
				 k == K_TBODY)
				push(s, K_TABLE, 1);
			else
				return -1;
			break;
		case C_LIST:
			push(s, K_LI, 1);
			break;
		case C_DLIST:
			push(s, K_DD, 1);
			break;
		case C_TABLE:
		case C_TSECT:
			push(s, K_TR, 1);
			break;
		case C_ROW:
			push(s, K_TD, 1);
			break;
		default:
			return -1;
		}
	}
	return -1;
}

/* Undo fix_structure() down to n0 frames (the child was not pushed). */
static void rollback(struct san *s, size_t n0)
{
	close_to(s, n0);
	if (s->pending_susp != NONE) {
		unsuspend(s, s->pending_susp, s->n);
		s->pending_susp = NONE;
	}
}

/* Push a frame of kind k for a source element; NONE if flattened. */
static size_t open_child(struct san *s, int k)
{
	size_t n0 = s->n;
	if (fix_structure(s, k) == 0 &&
	    s->n + KINDS[k].headroom < SANITIZE_MAX_DEPTH) {
		size_t idx = push(s, k, 0);
		if (is_cell(k))
			open_lazy(s); /* an empty cell still holds its place */
		return idx;
	}
	rollback(s, n0);
	return NONE;
}

/* ---- content --------------------------------------------------------- */

static int is_ws(unsigned c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int only_nbsp(const char *p, size_t n)
{
	if (n == 0 || n % 2)
		return 0;
	for (size_t i = 0; i < n; i += 2)
		if ((unsigned char)p[i] != 0xc2 || (unsigned char)p[i + 1] != 0xa0)
			return 0;
	return 1;
}

/*
 * The next word of p[*i..n) outside <pre>: its end, with *i at its start;
 * white space and spacers (<p>&nbsp;</p>: no-break spaces alone) before it
 * only leave a space pending.  0 at the end.
 */
static inline size_t next_word(struct san *s, const char *p, size_t *i, size_t n)
{
	size_t k = *i;
	while (k < n) {
		if (is_ws((unsigned char)p[k])) {
			s->pending_space = 1;
			k++;
			continue;
		}
		size_t j = k;
		while (j < n && !is_ws((unsigned char)p[j]))
			j++;
		if (!only_nbsp(p + k, j - k)) {
			*i = k;
			return j;
		}
		s->pending_space = 1;
		k = j;
	}
	*i = n;
	return 0;
}

/*
 * The words of a text node after its first, outside <pre>: the first one
 * opened every frame and the top accepts text, and nothing here changes
 * that, so all that is left is one space for each gap between words.
 */
static void rest_of_text(struct san *s, const char *p, size_t i, size_t n)
{
	for (size_t j; (j = next_word(s, p, &i, n)); i = j) {
		if (s->pending_space)
			buf_putc(s->out, ' ');
		s->pending_space = 0;
		put_escaped(s->out, p + i, j - i, 0);
	}
}

static void text(struct san *s, const char *p, size_t n)
{
	int pre = -1;
	size_t i = 0;
	while (i < n) {
		if (pre < 0)
			pre = in_pre(s);
		if (!pre) {
			size_t j = next_word(s, p, &i, n);
			if (!j)
				return;
			if (fix_structure(s, K_TEXT) < 0)
				return;
			pre = in_pre(s);
			before_content(s, pre);
			put_escaped(s->out, p + i, j - i, 0);
			i = j;
			if (!pre) {
				rest_of_text(s, p, i, n);
				return;
			}
			continue;
		}
		/* Browsers drop a newline right after <pre>: drop them all
		 * there, so the output reads back the same. */
		if (s->at_block_start && (p[i] == '\n' || p[i] == '\r')) {
			i++;
			continue;
		}
		before_content(s, 1);
		size_t j = i;
		while (j < n && p[j] != '\r')
			j++;
		put_escaped(s->out, p + i, j - i, 0);
		if (j < n) {
			/* CR and CRLF become LF, which libxml2 keeps as is. */
			buf_putc(s->out, '\n');
			j += (j + 1 < n && p[j + 1] == '\n') ? 2 : 1;
		}
		i = j;
	}
}

static void hr(struct san *s)
{
	size_t n0 = s->n;
	if (fix_structure(s, K_HR) < 0) {
		rollback(s, n0);
		return;
	}
	open_lazy(s);
	buf_puts(s->out, "<hr>\n");
	if (s->pending_susp != NONE) {
		unsuspend(s, s->pending_susp, s->n);
		s->pending_susp = NONE;
	}
	block_boundary(s);
}

static void br(struct san *s)
{
	if (!s->at_block_start)
		s->pending_br++;
	s->pending_space = 0;
}

/* ---- links ----------------------------------------------------------- */

static const char *attr_value(const xmlAttr *a, xmlChar **tofree)
{
	*tofree = NULL;
	if (!a->children)
		return "";
	if (a->children->type == XML_TEXT_NODE && !a->children->next)
		return a->children->content ? (const char *)a->children->content
					    : "";
	*tofree = xmlNodeListGetString(a->doc, a->children, 1);
	return *tofree ? (const char *)*tofree : "";
}

enum { HREF_OK, HREF_BAD_SCHEME, HREF_RELATIVE };

/*
 * Clean an href value into out: control characters and spaces trimmed at
 * both ends, tab/CR/LF and other control characters removed anywhere (a
 * browser's URL parser skips them too, so "java\tscript:" is a scheme),
 * scheme lowercased.  Only http, https and mailto pass; "//host" is made
 * https.
 */
static int clean_href(const char *v, struct buf *out)
{
	size_t n = strlen(v);
	while (n && (unsigned char)v[n - 1] <= ' ')
		n--;
	while (n && (unsigned char)*v <= ' ')
		v++, n--;
	buf_reset(out);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] >= ' ' && v[i] != 0x7f)
			buf_putc(out, v[i]);
	char *u = out->p;
	size_t un = out->n;
	if (un >= 2 && u[0] == '/' && u[1] == '/') {
		char *t = xstrndup(u, un);
		buf_reset(out);
		buf_puts(out, "https:");
		buf_puts(out, t);
		free(t);
		return HREF_OK;
	}
	size_t i = 0;
	while (i < un && ((u[i] >= 'a' && u[i] <= 'z') || (u[i] >= 'A' && u[i] <= 'Z') ||
			  (i > 0 && ((u[i] >= '0' && u[i] <= '9') || u[i] == '+' ||
				     u[i] == '-' || u[i] == '.'))))
		i++;
	if (i == 0 || i >= un || u[i] != ':')
		return HREF_RELATIVE;
	for (size_t j = 0; j < i; j++)
		u[j] = (char)ascii_lower(u[j]);
	if ((i == 4 && !memcmp(u, "http", 4)) ||
	    (i == 5 && !memcmp(u, "https", 5)) ||
	    (i == 6 && !memcmp(u, "mailto", 6)))
		return HREF_OK;
	return HREF_BAD_SCHEME;
}

/* ---- the walk -------------------------------------------------------- */

static void count_attrs(struct san *s, const xmlNode *n, const xmlAttr *keep)
{
	if (!s->rep)
		return;
	for (const xmlAttr *a = n->properties; a; a = a->next)
		if (a != keep)
			s->rep->attrs_removed++;
}

static const xmlAttr *find_href(const xmlNode *n)
{
	for (const xmlAttr *a = n->properties; a; a = a->next)
		if (a->name && !a->ns && !strcmp((const char *)a->name, "href"))
			return a;
	return NULL;
}

static void own(struct san *s, const xmlNode *n, size_t frame)
{
	s->own = xgrow(s->own, &s->ocap, s->on + 1, sizeof *s->own);
	s->own[s->on].node = n;
	s->own[s->on].frame = frame;
	s->on++;
}

#define REP(s, field) do { if ((s)->rep) (s)->rep->field++; } while (0)

/* An unwrapped div-like element: a new paragraph or a line break. */
static void enter_div(struct san *s, const xmlNode *n)
{
	size_t t = s->n - 1;
	if (s->st[t].kind == K_P && s->st[t].implicit)
		t--;
	if (cls_of(s->st[t].kind) == C_FLOW && KINDS[s->st[t].kind].autop) {
		size_t idx = open_child(s, K_DIV);
		if (idx != NONE) {
			own(s, n, idx);
			return;
		}
	}
	soft_break(s);
}

/* Link: push a frame if its href is usable; 0 if it was unwrapped. */
static int enter_link(struct san *s, const xmlNode *n)
{
	const xmlAttr *h = find_href(n);
	if (s->a_open || !h) {
		count_attrs(s, n, NULL);
		REP(s, unwrapped);
		return 0;
	}
	xmlChar *tofree;
	const char *v = attr_value(h, &tofree);
	int r = clean_href(v, &s->href);
	xmlFree(tofree);
	if (r != HREF_OK) {
		count_attrs(s, n, NULL);
		REP(s, unwrapped);
		if (r == HREF_BAD_SCHEME)
			REP(s, links_bad_scheme);
		else
			REP(s, links_relative);
		return 0;
	}
	count_attrs(s, n, h);
	size_t idx = open_child(s, K_A);
	if (idx == NONE) {
		REP(s, depth_flattened);
		return 0;
	}
	own(s, n, idx);
	return 1;
}

/* Returns 1 if the element's children are to be walked. */
static int enter_element(struct san *s, const xmlNode *n)
{
	const struct elem *e = elem_lookup(n);
	switch (e->act) {
	case A_DROP:
	case A_VOID:
		if (s->rep) {
			s->rep->dropped++;
			if (!s->rep->first_dropped)
				s->rep->first_dropped = e->name;
		}
		return e->act == A_VOID;
	case A_INLINE:
		count_attrs(s, n, NULL);
		REP(s, unwrapped);
		return 1;
	case A_BLOCK:
		count_attrs(s, n, NULL);
		if (strcmp(e->name, "html") && strcmp(e->name, "body"))
			REP(s, unwrapped);
		enter_div(s, n);
		return 1;
	}
	if (e->kind == K_A) {
		enter_link(s, n);
		return 1;
	}
	count_attrs(s, n, NULL);
	if (e->kind == K_BR) {
		br(s);
		return 0;
	}
	if (e->kind == K_HR) {
		hr(s);
		return 0;
	}
	size_t idx = open_child(s, e->kind);
	if (idx == NONE) {
		REP(s, depth_flattened);
		if (is_blockish(e->kind))
			soft_break(s);
		return 1;
	}
	own(s, n, idx);
	return 1;
}

static void leave_element(struct san *s, const xmlNode *n)
{
	if (s->on && s->own[s->on - 1].node == n) {
		close_to(s, s->own[--s->on].frame);
		return;
	}
	const struct elem *e = elem_lookup(n);
	if (e->act == A_BLOCK ||
	    (e->act == A_KEEP && is_blockish(e->kind) && e->kind != K_BR &&
	     e->kind != K_HR))
		soft_break(s);
}

static int enter(struct san *s, const xmlNode *n)
{
	switch (n->type) {
	case XML_ELEMENT_NODE:
		return enter_element(s, n);
	case XML_TEXT_NODE:
		if (n->content)
			text(s, (const char *)n->content,
			     strlen((const char *)n->content));
		return 0;
	case XML_DOCUMENT_NODE:
	case XML_HTML_DOCUMENT_NODE:
	case XML_DOCUMENT_FRAG_NODE:
		return 1;
	default: /* comments, PIs, CDATA, DTDs, entity references */
		return 0;
	}
}

static void leave(struct san *s, const xmlNode *n)
{
	if (n->type == XML_ELEMENT_NODE)
		leave_element(s, n);
}

void sanitize_node(const xmlNode *top, struct buf *out,
		   struct sanitize_report *rep)
{
	struct san s = { .out = out, .out_start = out->n, .rep = rep,
			 .pending_susp = NONE, .at_block_start = 1 };
	push(&s, K_ROOT, 1);
	const xmlNode *n = top;
	while (n) {
		if (enter(&s, n) && n->children) {
			n = n->children;
			continue;
		}
		if (n->type == XML_ELEMENT_NODE)
			leave(&s, n);
		while (n != top && !n->next) {
			n = n->parent;
			leave(&s, n);
		}
		if (n == top)
			break;
		n = n->next;
	}
	close_to(&s, 0);
	free(s.st);
	free(s.own);
	buf_release(&s.href);
	buf_put(out, "", 0); /* out->p valid even when nothing was written */
}

/* ---- parsing --------------------------------------------------------- */

void sanitize_global_init(void)
{
	xmlInitParser();
}

static const char *find_ci(const char *p, const char *end, const char *needle)
{
	size_t k = strlen(needle);
	while (p + k <= end) {
		const char *q = memchr(p, '<', (size_t)(end - p));
		if (!q || q + k > end)
			return NULL;
		if (!ascii_ncasecmp(q, needle, k))
			return q;
		p = q + 1;
	}
	return NULL;
}

/* After `<name`, does the tag name end here? */
static int name_ends(const char *p, const char *end)
{
	return p >= end || is_ws((unsigned char)*p) || *p == '>' || *p == '/';
}

/*
 * Browsers read <!x>, <?x> and </ x> (not comments, not a doctype) as
 * "bogus comments" up to the next '>'; libxml2 2.9 keeps them as text, so
 * "<![CDATA[...]]>" would show up literally.  Remove them here, stepping
 * over comments and the raw content of <script> and <style>.  Returns the
 * input itself when nothing needs removing, else the copy in tmp.
 */
static const char *strip_bogus(const char *in, size_t *len, struct buf *tmp)
{
	const char *end = in + *len, *p = in, *done = in;
	int copied = 0;
	const char *q;
	while ((q = memchr(p, '<', (size_t)(end - p)))) {
		const char *r = q + 1, *skip_to = NULL;
		size_t left = (size_t)(end - r);
		if (left >= 3 && !memcmp(r, "!--", 3)) {
			const char *c = memmem(r + 3, left - 3, "-->", 3);
			p = c ? c + 3 : end;
			continue;
		}
		if (left >= 6 && !ascii_ncasecmp(r, "script", 6) &&
		    name_ends(r + 6, end)) {
			const char *c = find_ci(r + 6, end, "</script");
			p = c ? c + 8 : end;
			continue;
		}
		if (left >= 5 && !ascii_ncasecmp(r, "style", 5) &&
		    name_ends(r + 5, end)) {
			const char *c = find_ci(r + 5, end, "</style");
			p = c ? c + 7 : end;
			continue;
		}
		if (left >= 1 && (*r == '?' ||
				  (*r == '!' && !(left >= 8 && !ascii_ncasecmp(r + 1, "doctype", 7))) ||
				  (*r == '/' && left >= 2 &&
				   !((r[1] >= 'a' && r[1] <= 'z') ||
				     (r[1] >= 'A' && r[1] <= 'Z'))))) {
			const char *gt = memchr(r, '>', left);
			skip_to = gt ? gt + 1 : end;
		}
		if (!skip_to) {
			p = r;
			continue;
		}
		if (!copied) {
			buf_reset(tmp);
			copied = 1;
		}
		buf_put(tmp, done, (size_t)(q - done));
		done = p = skip_to;
	}
	if (!copied)
		return in;
	buf_put(tmp, done, (size_t)(end - done));
	*len = tmp->n;
	return tmp->p;
}

xmlDoc *sanitize_parse_html(const char *html, size_t len)
{
	struct buf tmp = BUF_INIT;
	const char *p = strip_bogus(html, &len, &tmp);
	xmlDoc *doc = NULL;
	if (len > 0 && len <= INT_MAX)
		doc = htmlReadMemory(p, (int)len, NULL, "UTF-8",
				     HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
					     HTML_PARSE_NONET | HTML_PARSE_RECOVER |
					     XML_PARSE_HUGE);
	buf_release(&tmp);
	return doc;
}

int sanitize_html(const char *html, size_t len, struct buf *out,
		  struct buf *text_out, struct sanitize_report *rep)
{
	buf_put(out, "", 0);
	if (text_out)
		buf_put(text_out, "", 0);
	if (len == 0)
		return 0;
	xmlDoc *doc = sanitize_parse_html(html, len);
	if (!doc) {
		/* Input that was only bogus comments parses to nothing. */
		size_t n = len;
		struct buf tmp = BUF_INIT;
		strip_bogus(html, &n, &tmp);
		buf_release(&tmp);
		return n == 0 ? 0 : -1;
	}
	sanitize_node((const xmlNode *)doc, out, rep);
	if (text_out)
		node_to_text((const xmlNode *)doc, text_out);
	xmlFreeDoc(doc);
	return 0;
}
