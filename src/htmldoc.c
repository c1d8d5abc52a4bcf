#include "htmldoc.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int looks_like_html(struct slice t)
{
	/* Count tags of common block elements; Markdown may hold a few. */
	static const char *const tags[] = { "<p>", "<p ", "<div", "<li>", "<li ", "<br",
					    "<h1", "<h2", "<h3", "<ul", "<html", "<!doctype",
					    "<body", "<table", "<span", "<b>", "<strong>" };
	size_t scan = t.n < 65536 ? t.n : 65536;
	unsigned hits = 0;
	for (const char *lt = memchr(t.p, '<', scan); lt;
	     lt = memchr(lt + 1, '<', scan - (size_t)(lt + 1 - t.p))) {
		size_t i = (size_t)(lt - t.p);
		for (size_t k = 0; k < ARRAY_SIZE(tags); k++) {
			size_t n = strlen(tags[k]);
			if (i + n <= t.n && !ascii_ncasecmp(t.p + i, tags[k], n)) {
				hits++;
				if (k >= 10 && k <= 12) /* html, doctype, body */
					hits += 10;
				break;
			}
		}
		if (i + 1 >= scan)
			break;
	}
	/* Leading '<' tag is a strong sign; Markdown with a stray <br> is not. */
	struct slice s = slice_trim(t);
	int starts_tag = s.n > 2 && s.p[0] == '<' &&
			 ((s.p[1] | 32) >= 'a' && (s.p[1] | 32) <= 'z');
	if (starts_tag && hits >= 1)
		return 1;
	if (hits < 3)
		return 0;
	unsigned lines = 1;
	for (const char *nl = memchr(t.p, '\n', scan); nl;
	     nl = memchr(nl + 1, '\n', scan - (size_t)(nl + 1 - t.p)))
		lines++;
	return hits * 4 >= lines / 4;
}

static int name_is(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->name &&
	       !ascii_casecmp((const char *)n->name, name);
}

/*
 * The value of a plain attribute without allocating (the parser stores it
 * as one text child), or NULL.  Called for every element, so no copies.
 */
static const char *attr_value(xmlNodePtr n, const char *attr)
{
	for (xmlAttrPtr a = n->properties; a; a = a->next)
		if (a->name && !ascii_casecmp((const char *)a->name, attr))
			return a->children && a->children->type == XML_TEXT_NODE &&
					       a->children->content
				       ? (const char *)a->children->content
				       : "";
	return NULL;
}

static int attr_contains(xmlNodePtr n, const char *attr, const char *const *words)
{
	if (!n->properties)
		return 0;
	const char *v = attr_value(n, attr);
	if (!v)
		return 0;
	for (const char *const *w = words; *w; w++) {
		size_t wl = strlen(*w);
		for (const char *p = v; *p; p++)
			if (!ascii_ncasecmp(p, *w, wl))
				return 1;
	}
	return 0;
}

static int is_chrome(xmlNodePtr n)
{
	static const char *const chrome[] = { "nav", "header", "footer", "aside", "script",
					      "style", "form", "noscript", "template",
					      "iframe", "button", "select", "input",
					      "textarea", "svg", "link", "meta" };
	static const char *const banner_words[] = { "cookie", "consent", "gdpr", "onetrust",
						    "banner", "modal", "popup", NULL };
	for (size_t i = 0; i < ARRAY_SIZE(chrome); i++)
		if (name_is(n, chrome[i]))
			return 1;
	if (n->type == XML_ELEMENT_NODE && n->properties &&
	    (attr_contains(n, "id", banner_words) || attr_contains(n, "class", banner_words)))
		return 1;
	const char *role = n->properties ? attr_value(n, "role") : NULL;
	return role && (!ascii_casecmp(role, "navigation") || !ascii_casecmp(role, "banner") ||
			!ascii_casecmp(role, "contentinfo") || !ascii_casecmp(role, "dialog"));
}

/* Elements whose content is never text a reader sees. */
static int is_hidden_element(xmlNodePtr n)
{
	static const char *const names[] = { "script", "style", "template", "noscript" };
	if (n->type != XML_ELEMENT_NODE)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp((const char *)n->name, names[i]))
			return 1;
	return 0;
}

/* Visible text of a subtree with whitespace collapsed (iterative walk). */
static char *node_text(xmlNodePtr n)
{
	struct buf b = BUF_INIT;
	int space = 0;
	xmlNodePtr cur = n;
	while (cur) {
		if (cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE) {
			for (const unsigned char *p = cur->content; p && *p; p++) {
				if (ascii_isspace(*p)) {
					space = 1;
					continue;
				}
				if (space && b.n)
					buf_putc(&b, ' ');
				space = 0;
				buf_putc(&b, (char)*p);
			}
		}
		if (cur->children && cur->type == XML_ELEMENT_NODE && !is_hidden_element(cur)) {
			cur = cur->children;
			continue;
		}
		while (cur != n && !cur->next)
			cur = cur->parent;
		cur = cur == n ? NULL : cur->next;
	}
	if (!b.n) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/*
 * One iterative pass over the tree (no recursion: nesting may be deep):
 * collect JSON-LD, remember candidates, unlink chrome.
 */
struct walk {
	xmlNodePtr jobdesc, main, article, body, h1, h2, title, apply;
	int in_chrome;
	struct {
		xmlNodePtr *v;
		size_t n, cap;
	} scopes;   /* chrome elements being walked through */
};

static void leave_scope(struct walk *w, xmlNodePtr n)
{
	if (w->scopes.n && w->scopes.v[w->scopes.n - 1] == n) {
		w->scopes.n--;
		w->in_chrome--;
	}
}

static int is_jobdesc(xmlNodePtr n)
{
	static const char *const words[] = { "jobdescription", "job-description",
					     "job_description", "jobsearch-jobdescription",
					     "posting-description", "job-details",
					     "jobdetails", "description__text", NULL };
	return attr_contains(n, "id", words) || attr_contains(n, "class", words);
}

static void add_ld(struct htmldoc *h, xmlNodePtr n)
{
	xmlChar *c = xmlNodeGetContent(n);
	if (!c)
		return;
	h->ld = xrealloc(h->ld, (h->nld + 1) * sizeof *h->ld);
	h->ld_line = xrealloc(h->ld_line, (h->nld + 1) * sizeof *h->ld_line);
	buf_init(&h->ld[h->nld]);
	buf_puts(&h->ld[h->nld], (const char *)c);
	h->ld_line[h->nld] = (unsigned)xmlGetLineNo(n);
	h->nld++;
	xmlFree(c);
}

struct nodevec {
	xmlNodePtr *v;
	size_t n, cap;
};

/*
 * Walk in document order without recursion, collecting what we need;
 * chrome subtrees are recorded (to unlink afterwards) and not entered,
 * except that their ld+json scripts are still read.
 */
static void walk_tree(struct htmldoc *h, xmlNodePtr root, struct walk *w,
		      struct nodevec *dead)
{
	xmlNodePtr n = root;
	while (n) {
		int descend = n->type == XML_ELEMENT_NODE && n->children;
		if (n->type == XML_ELEMENT_NODE) {
			if (name_is(n, "script")) {
				xmlChar *type = xmlGetProp(n, (const xmlChar *)"type");
				if (type && !ascii_casecmp((char *)type, "application/ld+json"))
					add_ld(h, n);
				xmlFree(type);
			}
			if (name_is(n, "title")) {
				if (!w->title)
					w->title = n;
				descend = 0;
			} else if (name_is(n, "head")) {
				/* walk it for ld+json and <title>; dropped below */
				dead->v = xgrow(dead->v, &dead->cap, dead->n + 1, sizeof *dead->v);
				dead->v[dead->n++] = n;
			} else if (is_chrome(n)) {
				h->dropped++;
				if (name_is(n, "header") || name_is(n, "nav") ||
				    name_is(n, "footer") || name_is(n, "aside") ||
				    name_is(n, "form"))
					h->full_page = 1;
				dead->v = xgrow(dead->v, &dead->cap, dead->n + 1, sizeof *dead->v);
				dead->v[dead->n++] = n;
				/* scripts inside chrome may still carry JSON-LD */
				descend = descend && !name_is(n, "script") && !name_is(n, "style");
			} else if (!w->in_chrome) {
				if (!w->jobdesc && is_jobdesc(n))
					w->jobdesc = n;
				if (!w->main && (name_is(n, "main") ||
						 attr_contains(n, "role", (const char *const[]){ "main", NULL })))
					w->main = n;
				if (!w->article && name_is(n, "article"))
					w->article = n;
				if (!w->body && name_is(n, "body"))
					w->body = n;
				if (!w->h1 && name_is(n, "h1"))
					w->h1 = n;
				if (!w->h2 && name_is(n, "h2"))
					w->h2 = n;
				if (!w->apply && name_is(n, "a")) {
					xmlChar *t = xmlNodeGetContent(n);
					if (t && strstr((char *)t, "pply") && strlen((char *)t) < 60)
						w->apply = n;
					xmlFree(t);
				}
			}
		}
		if (descend) {
			if (dead->n && dead->v[dead->n - 1] == n && !name_is(n, "head") &&
			    !name_is(n, "form")) {
				w->scopes.v = xgrow(w->scopes.v, &w->scopes.cap,
						    w->scopes.n + 1, sizeof *w->scopes.v);
				w->scopes.v[w->scopes.n++] = n;
				w->in_chrome++;
			}
			n = n->children;
			continue;
		}
		/* next in document order, leaving finished subtrees */
		while (n && n != root && !n->next) {
			n = n->parent;
			leave_scope(w, n);
		}
		if (!n || n == root)
			return;
		n = n->next;
	}
}

/* Whether node n lies strictly inside node a. */
static int node_inside(xmlNodePtr n, xmlNodePtr a)
{
	for (xmlNodePtr p = n ? n->parent : NULL; p; p = p->parent)
		if (p == a)
			return 1;
	return 0;
}

int htmldoc_parse(struct htmldoc *h, struct slice html)
{
	memset(h, 0, sizeof *h);
	int opts = HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
		   HTML_PARSE_NOBLANKS * 0 | HTML_PARSE_COMPACT;
	htmlDocPtr doc = htmlReadMemory(html.p, (int)(html.n > INT32_MAX ? INT32_MAX : html.n),
					NULL, "UTF-8", opts);
	if (!doc)
		return -1;
	h->doc = doc;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (!root)
		return -1;
	struct walk w = { 0 };
	struct nodevec dead = { 0 };
	walk_tree(h, root, &w, &dead);

	xmlNodePtr tnode = w.h1 ? w.h1 : w.h2;
	if (tnode) {
		h->title = node_text(tnode);
		h->title_line = (unsigned)xmlGetLineNo(tnode);
		h->title_node = tnode;
	} else if (w.title) {
		h->title = node_text(w.title);
		h->title_line = (unsigned)xmlGetLineNo(w.title);
		/* "Title - Company | Careers": keep the part before the separator */
		if (h->title) {
			char *cut = strstr(h->title, " | ");
			if (!cut)
				cut = strstr(h->title, " - ");
			if (cut && cut != h->title)
				*cut = '\0';
		}
	}
	if (w.apply) {
		xmlChar *href = xmlGetProp(w.apply, (const xmlChar *)"href");
		if (href)
			h->apply_url = xstrdup((char *)href);
		xmlFree(href);
	}
	xmlNodePtr c = w.jobdesc ? w.jobdesc : w.article ? w.article : w.main ? w.main
		     : w.body ? w.body : root;
	h->container = c;
	/* Decide everything before freeing anything: a node freed with its
	 * subtree must not be looked at again. */
	xmlNodePtr drop_title = NULL;
	if (h->title_node && node_inside(h->title_node, c))
		drop_title = h->title_node;
	h->title_node = NULL;
	/* Mark chrome through _private (unused by the HTML parser) so that
	 * "inside another dead node" costs one walk up, not a scan. */
	for (size_t i = 0; i < dead.n; i++)
		if (dead.v[i] != c && !node_inside(c, dead.v[i]))
			dead.v[i]->_private = &dead;
	size_t keep = 0;
	for (size_t i = 0; i < dead.n; i++) {
		xmlNodePtr d = dead.v[i];
		int skip = d == c || node_inside(c, d) ||
			   (drop_title && node_inside(d, drop_title));
		for (xmlNodePtr p = d->parent; p && !skip; p = p->parent)
			if (p->_private == &dead)
				skip = 1;
		if (!skip)
			dead.v[keep++] = d;
	}
	dead.n = keep;
	/* The title heading is shown by the page itself, not in the body;
	 * chrome goes. None of these nodes lies inside another one. */
	if (drop_title) {
		for (size_t i = 0; i < dead.n; i++)
			if (node_inside(drop_title, dead.v[i]))
				drop_title = NULL;
	}
	if (drop_title) {
		xmlUnlinkNode(drop_title);
		xmlFreeNode(drop_title);
	}
	for (size_t i = 0; i < dead.n; i++) {
		xmlUnlinkNode(dead.v[i]);
		xmlFreeNode(dead.v[i]);
	}
	free(dead.v);
	free(w.scopes.v);
	return 0;
}

void htmldoc_release(struct htmldoc *h)
{
	if (h->doc)
		xmlFreeDoc(h->doc);
	free(h->title);
	free(h->apply_url);
	for (size_t i = 0; i < h->nld; i++)
		buf_release(&h->ld[i]);
	free(h->ld);
	free(h->ld_line);
	memset(h, 0, sizeof *h);
}

static int is_block(xmlNodePtr n)
{
	static const char *const blocks[] = {
		"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br", "ul",
		"ol", "table", "section", "article", "blockquote", "pre", "dt", "dd",
		"header", "hr", "main", "dl", "td", "th", "address", "figure", "center",
	};
	if (n->type != XML_ELEMENT_NODE)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(blocks); i++)
		if (!ascii_casecmp((const char *)n->name, blocks[i]))
			return 1;
	return 0;
}

/* Append text, folding whitespace; a newline is emitted lazily. */
struct textout {
	struct buf *b;
	int space, newline;
};

static void emit_break(struct textout *o)
{
	o->newline = 1;
}

static void emit_text(struct textout *o, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (ascii_isspace(*p)) {
			o->space = 1;
			continue;
		}
		if (o->b->n) {
			if (o->newline)
				buf_putc(o->b, '\n');
			else if (o->space)
				buf_putc(o->b, ' ');
		}
		o->newline = o->space = 0;
		buf_putc(o->b, (char)*p);
	}
}

void htmldoc_text(const struct htmldoc *h, struct buf *out)
{
	xmlNodePtr root = h->container;
	if (!root)
		return;
	struct textout o = { out, 0, 0 };
	xmlNodePtr n = root->children;
	while (n) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			if (n->content)
				emit_text(&o, (const char *)n->content);
		} else if (n->type == XML_ELEMENT_NODE) {
			if (is_block(n))
				emit_break(&o);
			if (n->children && !name_is(n, "script") && !name_is(n, "style")) {
				n = n->children;
				continue;
			}
		}
		/* leave finished elements, breaking after blocks */
		while (n && n != root && !n->next) {
			n = n->parent;
			if (n && is_block(n))
				emit_break(&o);
		}
		if (!n || n == root)
			break;
		if (is_block(n))
			emit_break(&o);
		n = n->next;
	}
}
