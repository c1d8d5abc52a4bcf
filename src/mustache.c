/*
 * mustache.c - compile Mustache templates to flat op arrays and render them.
 *
 * Compiling takes three passes over a template: scan() cuts the source into
 * tags (following set-delimiter changes and matching sections), mark_*()
 * decides which tags stand alone on their line and which source bytes they
 * remove, and emit() turns the tags and the text between them into ops.
 * A container op (section, block, parent) is followed by its body and
 * records where the body ends, so rendering walks one array without
 * allocating.
 *
 * Indentation of standalone partials, parents and blocks is applied while
 * rendering: each op knows whether it starts a source line (F_BOL), and the
 * renderer emits the chain of indentations in effect before such ops.  That
 * is what indenting the partial's source would do, without compiling one
 * copy of a partial per indentation.  Blocks whose opening tag stands alone
 * are dedented at compile time (their common indentation is stripped from
 * their text) and reindented where they are expanded, as the spec requires.
 */
#include "mustache.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define DEFAULT_MAX_STEPS 1000000000UL
#define DEFAULT_MAX_OUTPUT ((size_t)1 << 30)
#define MAX_NAME 255

enum op_kind {
	OP_TEXT,
	OP_VAR,      /* {{x}}: escaped */
	OP_RAW,      /* {{{x}}}, {{&x}} */
	OP_SECTION,  /* {{#x}} */
	OP_INVERTED, /* {{^x}} */
	OP_PARTIAL,  /* {{>x}} */
	OP_PARENT,   /* {{<x}}: body holds only the overriding blocks */
	OP_BLOCK,    /* {{$x}} */
};

enum {
	F_BOL = 1,        /* starts a source line: indentation goes before it */
	F_LINES = 2,      /* text with line starts inside it */
	F_STANDALONE = 4, /* partial/parent/block that indents its content */
	F_DYNAMIC = 8,    /* {{>*x}}, {{<*x}}: the name is read from data */
};

struct op {
	uint8_t kind, flags;
	uint32_t next;   /* containers: index of the op after the body */
	size_t off;      /* source offset of the tag, for render errors */
	struct slice s;  /* text, or the name */
	struct slice indent;
	const struct mustache_tmpl *target; /* static partial or parent */
};

struct mustache_tmpl {
	struct mustache_set *set;
	char *file;
	char *src;      /* the source, for error lines */
	size_t n;
	char *pool;     /* text of the ops (dedented copies) */
	struct op *ops;
	uint32_t nops;
	unsigned long mark; /* visit mark for has_block(), under the set lock */
};

struct entry {
	char *name;
	struct mustache_tmpl *t; /* NULL: known to be missing */
};

struct memtmpl {
	char *name;
	char *src;
	size_t n;
};

struct mustache_set {
	pthread_rwlock_t lock;
	char **dirs;
	size_t ndirs, dirs_cap;
	struct memtmpl *mem;
	size_t nmem, mem_cap;
	struct entry *map;
	size_t nmap, map_cap;
	struct mustache_tmpl **all;     /* owned: every template compiled */
	size_t nall, all_cap;
	struct mustache_tmpl **pending; /* compiled, partials not linked yet */
	size_t npending, pending_cap;
	unsigned long max_steps;
	size_t max_output;
	unsigned long marks;
};

/* ------------------------------------------------------------------ */
/* errors */

void mustache_error_release(struct mustache_error *err)
{
	if (!err)
		return;
	free(err->file);
	free(err->message);
	free(err->line_text);
	memset(err, 0, sizeof *err);
}

static void error_vset(struct mustache_error *err, const char *file,
		       const char *src, size_t n, size_t off, const char *fmt,
		       va_list ap)
{
	if (!err)
		return;
	mustache_error_release(err);
	struct buf msg = BUF_INIT;
	buf_vprintf(&msg, fmt, ap);
	err->message = buf_detach(&msg, NULL);
	err->file = xstrdup(file ? file : "<string>");
	if (!src) {
		err->line_text = xstrdup("");
		return;
	}
	if (off > n)
		off = n;
	size_t ls = off;
	while (ls > 0 && src[ls - 1] != '\n')
		ls--;
	size_t le = off;
	while (le < n && src[le] != '\n')
		le++;
	if (le > ls && src[le - 1] == '\r')
		le--;
	unsigned line = 1;
	for (size_t i = 0; i < ls; i++)
		line += src[i] == '\n';
	/* Columns count characters, not bytes, so carets line up. */
	unsigned col = 1;
	for (size_t i = ls; i < off; i++)
		col += ((unsigned char)src[i] & 0xC0) != 0x80;
	err->line = line;
	err->col = col;
	err->line_text = xstrndup(src + ls, le - ls);
}

static void error_set(struct mustache_error *err, const char *file,
		      const char *src, size_t n, size_t off, const char *fmt,
		      ...) __attribute__((format(printf, 6, 7)));
static void error_set(struct mustache_error *err, const char *file,
		      const char *src, size_t n, size_t off, const char *fmt,
		      ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_vset(err, file, src, n, off, fmt, ap);
	va_end(ap);
}

void mustache_error_print(const struct mustache_error *err, void *out_FILE)
{
	FILE *out = out_FILE;
	const char *file = err->file ? err->file : "<string>";
	if (err->line)
		fprintf(out, "%s:%u:%u: error: %s\n", file, err->line, err->col,
			err->message ? err->message : "unknown error");
	else
		fprintf(out, "%s: error: %s\n", file,
			err->message ? err->message : "unknown error");
	if (!err->line || !err->line_text)
		return;
	fprintf(out, "  %s\n  ", err->line_text);
	/* One space per character before the column; keep tabs. */
	unsigned col = 1;
	for (const char *p = err->line_text; *p && col < err->col; p++) {
		if (((unsigned char)*p & 0xC0) == 0x80)
			continue;
		fputc(*p == '\t' ? '\t' : ' ', out);
		col++;
	}
	fputs("^\n", out);
}

/* ------------------------------------------------------------------ */
/* scanning */

enum tok_kind {
	T_VAR, T_RAW, T_SECTION, T_INVERTED, T_CLOSE, T_PARTIAL, T_PARENT,
	T_BLOCK, T_COMMENT, T_DELIM,
};

struct tok {
	uint8_t kind;
	uint8_t dynamic;
	uint8_t standalone;     /* indents its content (partial/parent/block) */
	size_t start, end;      /* the tag */
	size_t cut_start, cut_end; /* source bytes it removes */
	struct slice name;      /* without the '*' of a dynamic name */
	struct slice raw;       /* the name as written, for matching closes */
	struct slice before;    /* whitespace before a standalone tag */
	size_t match;           /* open <-> close */
};

struct compiler {
	const char *file;
	const char *src;
	size_t n;
	struct mustache_error *err;
	struct tok *toks;
	size_t ntoks, toks_cap;
	struct op *ops;
	size_t nops, ops_cap;
	char *pool;
	size_t pool_n;
};

static int cerror(struct compiler *c, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int cerror(struct compiler *c, size_t off, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_vset(c->err, c->file, c->src, c->n, off, fmt, ap);
	va_end(ap);
	return -1;
}

static int is_blank(int ch)
{
	return ch == ' ' || ch == '\t';
}

static const char *find(const char *hay, size_t n, struct slice needle)
{
	return memmem(hay, n, needle.p, needle.n);
}

static const char *kind_name(int kind)
{
	switch (kind) {
	case T_BLOCK: return "block";
	case T_PARENT: return "parent";
	case T_INVERTED: return "inverted section";
	default: return "section";
	}
}

static int has_space(struct slice s)
{
	for (size_t i = 0; i < s.n; i++)
		if (ascii_isspace((unsigned char)s.p[i]))
			return 1;
	return 0;
}

/* "=<% %>=": the content between the tag's delimiters.  0 or -1. */
static int parse_delims(struct slice content, struct slice *open,
			struct slice *close)
{
	if (content.n < 2 || content.p[content.n - 1] != '=')
		return -1;
	struct slice in = slice_trim((struct slice){ content.p + 1,
						     content.n - 2 });
	size_t i = 0;
	while (i < in.n && !ascii_isspace((unsigned char)in.p[i]))
		i++;
	*open = (struct slice){ in.p, i };
	while (i < in.n && ascii_isspace((unsigned char)in.p[i]))
		i++;
	*close = (struct slice){ in.p + i, in.n - i };
	if (!open->n || !close->n || has_space(*close) ||
	    memchr(open->p, '=', open->n) || memchr(close->p, '=', close->n))
		return -1;
	return 0;
}

static struct tok *push_tok(struct compiler *c)
{
	c->toks = xgrow(c->toks, &c->toks_cap, c->ntoks + 1, sizeof *c->toks);
	struct tok *t = &c->toks[c->ntoks++];
	memset(t, 0, sizeof *t);
	return t;
}

/* Classify the tag's content [p, p+n) (after the opening delimiter). */
static int classify(struct compiler *c, struct tok *t, struct slice content)
{
	static const char types[] = "!=#^/><$&";
	static const uint8_t kinds[] = { T_COMMENT, T_DELIM, T_SECTION,
		T_INVERTED, T_CLOSE, T_PARTIAL, T_PARENT, T_BLOCK, T_RAW };
	const char *k = content.n ? strchr(types, content.p[0]) : NULL;
	if (k && *k) {
		t->kind = kinds[k - types];
		content.p++;
		content.n--;
	}
	if (t->kind == T_COMMENT || t->kind == T_DELIM)
		return 0;
	struct slice name = slice_trim(content);
	t->raw = name;
	if ((t->kind == T_PARTIAL || t->kind == T_PARENT || t->kind == T_CLOSE) &&
	    name.n && name.p[0] == '*') {
		t->dynamic = t->kind != T_CLOSE;
		name = slice_trim((struct slice){ name.p + 1, name.n - 1 });
	}
	if (!name.n)
		return cerror(c, t->start, "empty tag name");
	if (has_space(name))
		return cerror(c, t->start, "bad tag name '%.*s'", (int)name.n,
			      name.p);
	t->name = name;
	return 0;
}

static int close_matches(const struct tok *open, const struct tok *close)
{
	if (slice_eq(open->raw, close->raw))
		return 1;
	/* a dynamic parent may close with or without its asterisk */
	return open->dynamic && slice_eq(open->name, close->name);
}

/* Cut the source into tags, following delimiter changes; match sections. */
static int scan(struct compiler *c)
{
	struct slice otag = SLICE_LIT("{{"), ctag = SLICE_LIT("}}");
	size_t stack[MUSTACHE_MAX_NESTING];
	size_t depth = 0, pos = 0;
	for (;;) {
		const char *p = find(c->src + pos, c->n - pos, otag);
		if (!p)
			break;
		size_t start = (size_t)(p - c->src), q = start + otag.n;
		struct tok *t = push_tok(c);
		t->start = start;
		t->kind = T_VAR;
		struct slice content;
		const char *e;
		if (q < c->n && c->src[q] == '{') {
			/* {{{x}}}: the closer is "}" + the closing delimiter */
			e = c->src + q + 1;
			for (;;) {
				e = find(e, c->n - (size_t)(e - c->src), ctag);
				if (!e || (e > c->src + q + 1 && e[-1] == '}'))
					break;
				e++;
			}
			if (!e)
				return cerror(c, start, "unterminated tag");
			content = (struct slice){ c->src + q + 1,
				(size_t)(e - 1 - (c->src + q + 1)) };
			t->kind = T_RAW;
			/* a leading '&' or '!' inside {{{ }}} is just a name */
			struct slice name = slice_trim(content);
			if (!name.n)
				return cerror(c, start, "empty tag name");
			if (has_space(name))
				return cerror(c, start, "bad tag name '%.*s'",
					      (int)name.n, name.p);
			t->name = t->raw = name;
		} else {
			e = find(c->src + q, c->n - q, ctag);
			if (!e)
				return cerror(c, start, "unterminated tag");
			content = (struct slice){ c->src + q,
						  (size_t)(e - (c->src + q)) };
			if (classify(c, t, content))
				return -1;
		}
		t->end = (size_t)(e - c->src) + ctag.n;
		t->cut_start = t->start;
		t->cut_end = t->end;
		t->match = (size_t)-1;
		pos = t->end;
		size_t ti = c->ntoks - 1;
		switch (t->kind) {
		case T_DELIM:
			if (parse_delims(content, &otag, &ctag))
				return cerror(c, start, "bad delimiter change '%.*s'",
					      (int)(t->end - t->start),
					      c->src + t->start);
			break;
		case T_SECTION: case T_INVERTED: case T_PARENT: case T_BLOCK:
			if (depth == MUSTACHE_MAX_NESTING)
				return cerror(c, start,
					      "sections nested too deeply (limit %d)",
					      MUSTACHE_MAX_NESTING);
			stack[depth++] = ti;
			break;
		case T_CLOSE: {
			if (!depth)
				return cerror(c, start,
					      "closing tag '%.*s' without an open section",
					      (int)t->raw.n, t->raw.p);
			struct tok *o = &c->toks[stack[depth - 1]];
			if (!close_matches(o, t))
				return cerror(c, start,
					      "mismatched closing tag '%.*s': the open %s is '%.*s'",
					      (int)t->raw.n, t->raw.p,
					      kind_name(o->kind), (int)o->raw.n,
					      o->raw.p);
			o->match = ti;
			t->match = stack[--depth];
			break;
		}
		default:
			break;
		}
	}
	if (depth) {
		const struct tok *o = &c->toks[stack[depth - 1]];
		return cerror(c, o->start, "unclosed %s '%.*s'", kind_name(o->kind),
			      (int)o->raw.n, o->raw.p);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* standalone lines */

static size_t line_start(const struct compiler *c, size_t off)
{
	while (off > 0 && c->src[off - 1] != '\n')
		off--;
	return off;
}

static int blank_before(const struct compiler *c, size_t off, size_t *ls)
{
	*ls = line_start(c, off);
	for (size_t i = *ls; i < off; i++)
		if (!is_blank(c->src[i]))
			return 0;
	return 1;
}

/* Only blanks from off to the end of the line?  *le: after its newline. */
static int blank_after(const struct compiler *c, size_t off, size_t *le)
{
	while (off < c->n && is_blank(c->src[off]))
		off++;
	if (off == c->n) {
		*le = off;
		return 1;
	}
	if (c->src[off] == '\n') {
		*le = off + 1;
		return 1;
	}
	if (c->src[off] == '\r' && off + 1 < c->n && c->src[off + 1] == '\n') {
		*le = off + 2;
		return 1;
	}
	return 0;
}

static int col0(const struct compiler *c, size_t off)
{
	return off == 0 || c->src[off - 1] == '\n';
}

static void mark_standalone(struct compiler *c)
{
	for (size_t i = 0; i < c->ntoks; i++) {
		struct tok *t = &c->toks[i];
		size_t ls, le;
		if (t->kind == T_VAR || t->kind == T_RAW)
			continue;
		if (blank_before(c, t->start, &ls) && blank_after(c, t->end, &le)) {
			t->cut_start = ls;
			t->cut_end = le;
			t->before = (struct slice){ c->src + ls, t->start - ls };
			t->standalone = 1;
		}
	}
	/*
	 * The inheritance spec also lets a pair of adjacent tags stand alone:
	 * "{{<p}}{{/p}}", "{{$b}}{{/b}}" (which keeps its newline),
	 * "{{<p}}{{$b}}" and "{{/b}}{{/p}}".
	 */
	for (size_t i = 0; i + 1 < c->ntoks; i++) {
		struct tok *a = &c->toks[i], *b = &c->toks[i + 1];
		size_t ls, le;
		if (a->end != b->start || !blank_before(c, a->start, &ls) ||
		    !blank_after(c, b->end, &le))
			continue;
		int pair = (a->kind == T_PARENT || a->kind == T_BLOCK) &&
			   a->match == i + 1;
		int open2 = a->kind == T_PARENT && b->kind == T_BLOCK;
		int close2 = a->kind == T_CLOSE && b->kind == T_CLOSE &&
			     c->toks[a->match].kind == T_BLOCK &&
			     c->toks[b->match].kind == T_PARENT;
		if (!pair && !open2 && !close2)
			continue;
		a->cut_start = ls;
		a->cut_end = a->end;
		b->cut_start = b->start;
		b->cut_end = a->kind == T_BLOCK ? b->end : le;
		if (pair || open2) {
			a->standalone = 1;
			a->before = (struct slice){ c->src + ls, a->start - ls };
		}
		if (open2)
			b->standalone = 1;
	}
}

/* ------------------------------------------------------------------ */
/* emitting ops */

enum mode { M_EMIT, M_PARENT, M_DROP };

struct level {
	uint8_t mode;
	size_t op;          /* the container op, or (size_t)-1 if dropped */
	struct slice dedent;/* stripped from each line of text inside */
};

static struct op *push_op(struct compiler *c, int kind, size_t off)
{
	c->ops = xgrow(c->ops, &c->ops_cap, c->nops + 1, sizeof *c->ops);
	struct op *op = &c->ops[c->nops++];
	memset(op, 0, sizeof *op);
	op->kind = (uint8_t)kind;
	op->off = off;
	return op;
}

/* Skip up to dedent.n bytes of p that match dedent. */
static size_t strip_len(const char *p, size_t n, struct slice dedent)
{
	size_t i = 0;
	while (i < dedent.n && i < n && p[i] == dedent.p[i])
		i++;
	return i;
}

/* ws without the part of its prefix that the enclosing dedent strips */
static struct slice relative(struct slice ws, struct slice dedent)
{
	if (!ws.n)
		return (struct slice){ "", 0 };
	size_t k = strip_len(ws.p, ws.n, dedent);
	return (struct slice){ ws.p + k, ws.n - k };
}

/*
 * Common indentation of the lines in [a, b) that hold something other
 * than blanks, as textwrap.dedent() computes it; `outer` if there are none.
 */
static struct slice common_indent(const struct compiler *c, size_t a, size_t b,
				  struct slice outer)
{
	struct slice best = { NULL, 0 };
	int have = 0;
	size_t i = a;
	if (!col0(c, i)) {
		while (i < b && c->src[i] != '\n')
			i++;
		i++;
	}
	while (i < b) {
		size_t j = i;
		while (j < b && is_blank(c->src[j]))
			j++;
		size_t k = j;
		while (k < b && c->src[k] != '\n')
			k++;
		int content = j < k && !(k - j == 1 && c->src[j] == '\r');
		if (content) {
			struct slice ws = { c->src + i, j - i };
			if (!have) {
				best = ws;
				have = 1;
			} else {
				size_t m = 0;
				while (m < best.n && m < ws.n && best.p[m] == ws.p[m])
					m++;
				best.n = m;
			}
		}
		i = k + 1;
	}
	return have ? best : outer;
}

static void emit_text(struct compiler *c, size_t a, size_t b,
		      const struct level *lv, int *bol_force)
{
	if (a >= b || lv->mode != M_EMIT)
		return;
	char *out = c->pool + c->pool_n, *w = out;
	size_t i = a;
	int at_line = col0(c, a);
	int first_bol = at_line || *bol_force;
	while (i < b) {
		if (at_line) {
			i += strip_len(c->src + i, b - i, lv->dedent);
			at_line = 0;
			continue;
		}
		char ch = c->src[i++];
		*w++ = ch;
		at_line = ch == '\n';
	}
	size_t len = (size_t)(w - out);
	if (!len)
		return; /* a dedented indentation: the next op starts the line */
	*bol_force = 0;
	struct op *op = push_op(c, OP_TEXT, a);
	op->s = (struct slice){ out, len };
	c->pool_n += len;
	/* Empty lines get no indentation. */
	if (first_bol && out[0] != '\n' && !(out[0] == '\r' && len > 1 &&
					       out[1] == '\n'))
		op->flags |= F_BOL;
	const char *nl = memchr(out, '\n', len);
	if (nl && nl != out + len - 1)
		op->flags |= F_LINES;
}

static int emit(struct compiler *c)
{
	struct level stack[MUSTACHE_MAX_NESTING + 1];
	size_t depth = 0, pos = 0;
	int bol_force = 0;
	stack[0] = (struct level){ M_EMIT, (size_t)-1, { "", 0 } };
	c->pool = xmalloc(c->n + 1);
	for (size_t ti = 0; ti < c->ntoks; ti++) {
		struct tok *t = &c->toks[ti];
		const struct level *lv = &stack[depth];
		size_t cut = t->cut_start > pos ? t->cut_start : pos;
		emit_text(c, pos, cut, lv, &bol_force);
		if (t->cut_end > pos)
			pos = t->cut_end;
		if (t->kind == T_COMMENT || t->kind == T_DELIM)
			continue;
		if (t->kind == T_CLOSE) {
			struct level *top = &stack[depth--];
			if (top->op != (size_t)-1)
				c->ops[top->op].next = (uint32_t)c->nops;
			continue;
		}
		int container = t->kind == T_SECTION || t->kind == T_INVERTED ||
				t->kind == T_PARENT || t->kind == T_BLOCK;
		int keep = lv->mode == M_EMIT ||
			   (lv->mode == M_PARENT && t->kind == T_BLOCK);
		if (!keep) {
			if (container)
				stack[++depth] = (struct level){ M_DROP, (size_t)-1,
								 lv->dedent };
			continue;
		}
		static const uint8_t op_of[] = {
			[T_VAR] = OP_VAR, [T_RAW] = OP_RAW, [T_SECTION] = OP_SECTION,
			[T_INVERTED] = OP_INVERTED, [T_PARTIAL] = OP_PARTIAL,
			[T_PARENT] = OP_PARENT, [T_BLOCK] = OP_BLOCK,
		};
		size_t opi = c->nops;
		struct op *op = push_op(c, op_of[t->kind], t->start);
		op->s = t->name;
		op->next = (uint32_t)c->nops;
		if (t->dynamic)
			op->flags |= F_DYNAMIC;
		int sa_content = t->standalone && (t->kind == T_PARTIAL ||
						   t->kind == T_PARENT ||
						   t->kind == T_BLOCK);
		if (sa_content) {
			op->flags |= F_STANDALONE;
			op->indent = relative(t->before, lv->dedent);
		} else if (!t->standalone && (col0(c, t->cut_start) || bol_force)) {
			op->flags |= F_BOL;
		}
		if (!t->standalone || sa_content)
			bol_force = 0;
		if (!container)
			continue;
		struct level nl = { M_EMIT, opi, lv->dedent };
		if (t->kind == T_PARENT)
			nl.mode = M_PARENT;
		if (t->kind == T_BLOCK) {
			/* Its body is a template of its own: it starts a line. */
			bol_force = 1;
			if (t->standalone) {
				const struct tok *cl = &c->toks[t->match];
				struct slice d = common_indent(c, t->cut_end,
							       cl->cut_start,
							       lv->dedent);
				nl.dedent = d;
				struct slice rel = relative(d, lv->dedent);
				if (rel.n)
					op->indent = rel;
			}
		}
		stack[++depth] = nl;
	}
	emit_text(c, pos, c->n, &stack[0], &bol_force);
	return 0;
}

/* ------------------------------------------------------------------ */
/* the set */

struct mustache_set *mustache_set_new(void)
{
	struct mustache_set *set = xcalloc(1, sizeof *set);
	pthread_rwlock_init(&set->lock, NULL);
	set->max_steps = DEFAULT_MAX_STEPS;
	set->max_output = DEFAULT_MAX_OUTPUT;
	return set;
}

void mustache_set_limits(struct mustache_set *set, unsigned long max_steps,
			 size_t max_output)
{
	set->max_steps = max_steps ? max_steps : DEFAULT_MAX_STEPS;
	set->max_output = max_output ? max_output : DEFAULT_MAX_OUTPUT;
}

void mustache_set_add_dir(struct mustache_set *set, const char *dir)
{
	pthread_rwlock_wrlock(&set->lock);
	set->dirs = xgrow(set->dirs, &set->dirs_cap, set->ndirs + 1,
			  sizeof *set->dirs);
	set->dirs[set->ndirs++] = xstrdup(dir);
	pthread_rwlock_unlock(&set->lock);
}

static void forget(struct mustache_set *set, const char *name)
{
	for (size_t i = 0; i < set->nmap; i++) {
		if (!strcmp(set->map[i].name, name)) {
			free(set->map[i].name);
			set->map[i] = set->map[--set->nmap];
			return;
		}
	}
}

void mustache_set_add(struct mustache_set *set, const char *name,
		      struct slice source)
{
	pthread_rwlock_wrlock(&set->lock);
	forget(set, name);
	struct memtmpl *m = NULL;
	for (size_t i = 0; i < set->nmem; i++)
		if (!strcmp(set->mem[i].name, name))
			m = &set->mem[i];
	if (m) {
		free(m->src);
	} else {
		set->mem = xgrow(set->mem, &set->mem_cap, set->nmem + 1,
				 sizeof *set->mem);
		m = &set->mem[set->nmem++];
		m->name = xstrdup(name);
	}
	m->src = xslicedup(source);
	m->n = source.n;
	pthread_rwlock_unlock(&set->lock);
}

static void tmpl_free(struct mustache_tmpl *t)
{
	free(t->file);
	free(t->src);
	free(t->pool);
	free(t->ops);
	free(t);
}

void mustache_set_free(struct mustache_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->nall; i++)
		tmpl_free(set->all[i]);
	for (size_t i = 0; i < set->nmap; i++)
		free(set->map[i].name);
	for (size_t i = 0; i < set->nmem; i++) {
		free(set->mem[i].name);
		free(set->mem[i].src);
	}
	for (size_t i = 0; i < set->ndirs; i++)
		free(set->dirs[i]);
	free(set->all);
	free(set->pending);
	free(set->map);
	free(set->mem);
	free(set->dirs);
	pthread_rwlock_destroy(&set->lock);
	free(set);
}

/* Compile one template; the set owns it.  Partials are linked later. */
static struct mustache_tmpl *compile_one(struct mustache_set *set,
					 const char *file, struct slice source,
					 struct mustache_error *err)
{
	struct mustache_tmpl *t = xcalloc(1, sizeof *t);
	t->set = set;
	t->file = xstrdup(file ? file : "<string>");
	t->src = xslicedup(source);
	t->n = source.n;
	struct compiler c = { .file = t->file, .src = t->src, .n = t->n,
			      .err = err };
	int rc = scan(&c);
	if (!rc) {
		mark_standalone(&c);
		rc = emit(&c);
	}
	free(c.toks);
	t->ops = c.ops;
	t->pool = c.pool;
	if (c.nops > UINT32_MAX - 1)
		rc = cerror(&c, 0, "template too large");
	t->nops = (uint32_t)c.nops;
	if (rc) {
		tmpl_free(t);
		return NULL;
	}
	set->all = xgrow(set->all, &set->all_cap, set->nall + 1,
			 sizeof *set->all);
	set->all[set->nall++] = t;
	set->pending = xgrow(set->pending, &set->pending_cap,
			     set->npending + 1, sizeof *set->pending);
	set->pending[set->npending++] = t;
	return t;
}

/* Names come from data in dynamic partials: keep them inside the dirs. */
static int valid_name(const char *name)
{
	size_t n = strlen(name);
	if (!n || n > MAX_NAME || name[0] == '/')
		return 0;
	for (const char *p = name; *p; ) {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == 2 && p[0] == '.' && p[1] == '.')
			return 0;
		if (!e)
			break;
		p = e + 1;
	}
	return 1;
}

/*
 * Find or compile `name` (lock held for writing).  Returns the template,
 * or NULL: *missing = 1 if there is no such template, else *err is set.
 */
static struct mustache_tmpl *get_locked(struct mustache_set *set,
					const char *name, int *missing,
					struct mustache_error *err)
{
	*missing = 0;
	for (size_t i = 0; i < set->nmap; i++) {
		if (!strcmp(set->map[i].name, name)) {
			*missing = !set->map[i].t;
			return set->map[i].t;
		}
	}
	struct mustache_tmpl *t = NULL;
	if (!valid_name(name)) {
		*missing = 1;
		return NULL;
	}
	int found = 0;
	for (size_t i = 0; i < set->nmem && !found; i++) {
		if (!strcmp(set->mem[i].name, name)) {
			found = 1;
			t = compile_one(set, name,
					(struct slice){ set->mem[i].src,
							set->mem[i].n }, err);
		}
	}
	for (size_t i = 0; i < set->ndirs && !found; i++) {
		struct buf file = BUF_INIT, src = BUF_INIT;
		buf_printf(&file, "%s.mustache", name);
		char *path = path_join(set->dirs[i], buf_cstr(&file));
		if (read_file(path, &src, 0) == 0) {
			found = 1;
			t = compile_one(set, path, buf_slice(&src), err);
		} else if (errno != ENOENT && errno != ENOTDIR) {
			found = 1;
			error_set(err, path, NULL, 0, 0, "cannot read '%s': %s",
				  path, strerror(errno));
		}
		free(path);
		buf_release(&file);
		buf_release(&src);
	}
	if (found && !t)
		return NULL;
	set->map = xgrow(set->map, &set->map_cap, set->nmap + 1,
			 sizeof *set->map);
	set->map[set->nmap++] = (struct entry){ xstrdup(name), t };
	*missing = !t;
	return t;
}

/* Resolve the static partials and parents of every pending template. */
static int link_pending(struct mustache_set *set, struct mustache_error *err)
{
	char name[MAX_NAME + 1];
	while (set->npending) {
		struct mustache_tmpl *t = set->pending[--set->npending];
		for (uint32_t i = 0; i < t->nops; i++) {
			struct op *op = &t->ops[i];
			if ((op->kind != OP_PARTIAL && op->kind != OP_PARENT) ||
			    (op->flags & F_DYNAMIC))
				continue;
			int missing = 1;
			const struct mustache_tmpl *target = NULL;
			if (op->s.n <= MAX_NAME && !memchr(op->s.p, 0, op->s.n)) {
				memcpy(name, op->s.p, op->s.n);
				name[op->s.n] = '\0';
				target = get_locked(set, name, &missing, err);
			}
			if (!target && !missing)
				return -1;
			if (!target && op->kind == OP_PARENT) {
				error_set(err, t->file, t->src, t->n, op->off,
					  "unknown parent '%.*s'", (int)op->s.n,
					  op->s.p);
				return -1;
			}
			op->target = target;
		}
	}
	return 0;
}

/*
 * Can `name` be a block of t or of what t includes?  Yes when a dynamic
 * name makes it unknowable.
 */
static int has_block(struct mustache_tmpl *t, struct slice name,
		     unsigned long mark)
{
	if (t->mark == mark)
		return 0;
	t->mark = mark;
	for (uint32_t i = 0; i < t->nops; i++) {
		const struct op *op = &t->ops[i];
		if (op->kind == OP_BLOCK && slice_eq(op->s, name))
			return 1;
		if (op->kind != OP_PARTIAL && op->kind != OP_PARENT)
			continue;
		if (op->flags & F_DYNAMIC)
			return 1;
		/* targets are owned by the set: the cast drops only const */
		if (op->target &&
		    has_block((struct mustache_tmpl *)op->target, name, mark))
			return 1;
	}
	return 0;
}

/* Every block a parent tag overrides must exist in that parent. */
static int check_blocks(struct mustache_set *set, size_t from,
			struct mustache_error *err)
{
	for (size_t k = from; k < set->nall; k++) {
		struct mustache_tmpl *t = set->all[k];
		for (uint32_t i = 0; i < t->nops; i++) {
			const struct op *op = &t->ops[i];
			if (op->kind != OP_PARENT || !op->target)
				continue;
			for (uint32_t j = i + 1; j < op->next; j = t->ops[j].next) {
				const struct op *b = &t->ops[j];
				if (has_block((struct mustache_tmpl *)op->target,
					      b->s, ++set->marks))
					continue;
				error_set(err, t->file, t->src, t->n, b->off,
					  "unknown block '%.*s': parent '%.*s' has none",
					  (int)b->s.n, b->s.p, (int)op->s.n, op->s.p);
				return -1;
			}
		}
	}
	return 0;
}

/* After a failed compile: forget what it added (the set still owns it). */
static void rollback(struct mustache_set *set, size_t nmap)
{
	while (set->nmap > nmap)
		free(set->map[--set->nmap].name);
	set->npending = 0;
}

static const struct mustache_tmpl *get_or_compile(struct mustache_set *set,
						  const char *name,
						  int *missing,
						  struct mustache_error *err)
{
	pthread_rwlock_rdlock(&set->lock);
	for (size_t i = 0; i < set->nmap; i++) {
		if (!strcmp(set->map[i].name, name)) {
			const struct mustache_tmpl *t = set->map[i].t;
			pthread_rwlock_unlock(&set->lock);
			*missing = !t;
			return t;
		}
	}
	pthread_rwlock_unlock(&set->lock);
	pthread_rwlock_wrlock(&set->lock);
	size_t nmap = set->nmap, nall = set->nall;
	struct mustache_tmpl *t = get_locked(set, name, missing, err);
	if (t && (link_pending(set, err) || check_blocks(set, nall, err))) {
		rollback(set, nmap);
		t = NULL;
		*missing = 0;
	}
	pthread_rwlock_unlock(&set->lock);
	return t;
}

const struct mustache_tmpl *mustache_set_get(struct mustache_set *set,
					     const char *name,
					     struct mustache_error *err)
{
	int missing;
	const struct mustache_tmpl *t = get_or_compile(set, name, &missing, err);
	if (!t && missing)
		error_set(err, name, NULL, 0, 0, "template '%s' not found", name);
	return t;
}

const struct mustache_tmpl *mustache_compile(struct mustache_set *set,
					     const char *filename,
					     struct slice source,
					     struct mustache_error *err)
{
	pthread_rwlock_wrlock(&set->lock);
	size_t nmap = set->nmap, nall = set->nall;
	struct mustache_tmpl *t = compile_one(set, filename, source, err);
	if (t && (link_pending(set, err) || check_blocks(set, nall, err))) {
		rollback(set, nmap);
		t = NULL;
	}
	pthread_rwlock_unlock(&set->lock);
	return t;
}

/* ------------------------------------------------------------------ */
/* rendering */

/* Indentations in effect, innermost first. */
struct indent {
	struct slice s;
	const struct indent *outer;
};

/* The blocks a parent tag passes to its parent template. */
struct frame {
	const struct mustache_tmpl *t;
	uint32_t first, end;
	const struct frame *outer;
};

struct render {
	const struct mustache_ops *ops;
	void *ctx;
	struct buf *out;
	struct mustache_error *err;
	const struct frame *frames;
	unsigned depth;
	unsigned long steps, max_steps;
	size_t out_start, max_output;
};

static int rerror(struct render *r, const struct mustache_tmpl *t,
		  const struct op *op, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int rerror(struct render *r, const struct mustache_tmpl *t,
		  const struct op *op, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_vset(r->err, t->file, t->src, t->n, op->off, fmt, ap);
	va_end(ap);
	return -1;
}

static const unsigned char needs_escape[256] = {
	['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['\''] = 1,
};

/* buf_put() without a call when the bytes fit, which they mostly do. */
static inline void put(struct buf *out, const char *p, size_t n)
{
	if (out->cap - out->n <= n)
		buf_grow(out, n);
	memcpy(out->p + out->n, p, n);
	out->n += n;
	out->p[out->n] = '\0';
}

void mustache_escape_html(struct buf *out, struct slice s)
{
	const unsigned char *p = (const unsigned char *)s.p, *e = p + s.n;
	/* Room for all the input stays reserved: runs are copied unchecked. */
	buf_grow(out, s.n);
	while (p < e) {
		const unsigned char *q = p;
		while (q < e && !needs_escape[*q])
			q++;
		memcpy(out->p + out->n, p, (size_t)(q - p));
		out->n += (size_t)(q - p);
		if (q == e)
			break;
		const char *ent;
		switch (*q) {
		case '&': ent = "&amp;"; break;
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '"': ent = "&quot;"; break;
		default: ent = "&#39;"; break;
		}
		size_t len = strlen(ent);
		buf_grow(out, (size_t)(e - q) + len);
		memcpy(out->p + out->n, ent, len);
		out->n += len;
		p = q + 1;
	}
	out->p[out->n] = '\0';
}

static void put_indent(struct buf *out, const struct indent *ind)
{
	if (!ind)
		return;
	put_indent(out, ind->outer);
	buf_put(out, ind->s.p, ind->s.n);
}

/* Text with line starts inside: indent each line that is not empty. */
static void put_lines(struct buf *out, struct slice s, const struct indent *ind)
{
	const char *p = s.p, *e = s.p + s.n, *nl;
	while ((nl = memchr(p, '\n', (size_t)(e - p)))) {
		buf_put(out, p, (size_t)(nl + 1 - p));
		p = nl + 1;
		if (p < e && *p != '\n' && !(*p == '\r' && p + 1 < e && p[1] == '\n'))
			put_indent(out, ind);
	}
	buf_put(out, p, (size_t)(e - p));
}

static const struct indent *deeper(struct indent *tmp, const struct op *op,
				   const struct indent *ind)
{
	if (!(op->flags & F_STANDALONE))
		return NULL;
	if (!op->indent.n)
		return ind;
	tmp->s = op->indent;
	tmp->outer = ind;
	return tmp;
}

static int render_ops(struct render *r, const struct mustache_tmpl *t,
		      uint32_t i, uint32_t end, const struct indent *ind);

/* The template a partial or parent op names, or NULL (render nothing). */
static int resolve(struct render *r, const struct mustache_tmpl *t,
		   const struct op *op, const struct mustache_tmpl **target)
{
	*target = op->target;
	if (!(op->flags & F_DYNAMIC))
		return 0;
	struct slice v;
	char name[MAX_NAME + 1];
	if (!r->ops->get(r->ctx, op->s, &v) || !v.n || v.n > MAX_NAME ||
	    memchr(v.p, 0, v.n))
		return 0;
	memcpy(name, v.p, v.n);
	name[v.n] = '\0';
	int missing;
	*target = get_or_compile(t->set, name, &missing, r->err);
	if (!*target && !missing)
		return -1;
	return 0;
}

static int enter_depth(struct render *r, const struct mustache_tmpl *t,
		       const struct op *op)
{
	if (++r->depth > MUSTACHE_MAX_DEPTH) {
		static const char *what[] = { [OP_PARTIAL] = "partial",
			[OP_PARENT] = "parent", [OP_BLOCK] = "block" };
		return rerror(r, t, op, "%s '%.*s' nested too deeply (limit %d)",
			      what[op->kind], (int)op->s.n, op->s.p,
			      MUSTACHE_MAX_DEPTH);
	}
	return 0;
}

static int render_partial(struct render *r, const struct mustache_tmpl *t,
			  const struct op *op, const struct indent *ind)
{
	const struct mustache_tmpl *target;
	if (resolve(r, t, op, &target))
		return -1;
	if (!target)
		return 0;
	if (enter_depth(r, t, op))
		return -1;
	struct indent tmp;
	int rc = render_ops(r, target, 0, target->nops, deeper(&tmp, op, ind));
	r->depth--;
	return rc;
}

static int render_parent(struct render *r, const struct mustache_tmpl *t,
			 uint32_t i, const struct indent *ind)
{
	const struct op *op = &t->ops[i];
	const struct mustache_tmpl *target;
	if (resolve(r, t, op, &target))
		return -1;
	if (!target)
		return 0;
	if (enter_depth(r, t, op))
		return -1;
	struct frame f = { t, i + 1, op->next, r->frames };
	struct indent tmp;
	r->frames = &f;
	int rc = render_ops(r, target, 0, target->nops, deeper(&tmp, op, ind));
	r->frames = f.outer;
	r->depth--;
	return rc;
}

static int render_block(struct render *r, const struct mustache_tmpl *t,
			uint32_t i, const struct indent *ind)
{
	const struct op *op = &t->ops[i];
	const struct frame *found = NULL;
	uint32_t at = 0;
	/* The outermost override wins. */
	for (const struct frame *f = r->frames; f; f = f->outer) {
		for (uint32_t j = f->first; j < f->end; j = f->t->ops[j].next) {
			if (slice_eq(f->t->ops[j].s, op->s)) {
				found = f;
				at = j;
			}
		}
	}
	struct indent tmp;
	const struct indent *bind = deeper(&tmp, op, ind);
	if (!found)
		return render_ops(r, t, i + 1, op->next,
				  (op->flags & F_STANDALONE) ? bind : ind);
	if (enter_depth(r, t, op))
		return -1;
	/* Blocks inside an override resolve against the frames around it. */
	const struct frame *saved = r->frames;
	r->frames = found->outer;
	int rc = render_ops(r, found->t, at + 1, found->t->ops[at].next, bind);
	r->frames = saved;
	r->depth--;
	return rc;
}

static int render_ops(struct render *r, const struct mustache_tmpl *t,
		      uint32_t i, uint32_t end, const struct indent *ind)
{
	const struct mustache_ops *ops = r->ops;
	struct buf *out = r->out;
	while (i < end) {
		const struct op *op = &t->ops[i];
		if (++r->steps > r->max_steps)
			return rerror(r, t, op, "render stopped after %lu steps",
				      r->max_steps);
		if (ind && (op->flags & F_BOL))
			put_indent(out, ind);
		struct slice v;
		switch ((enum op_kind)op->kind) {
		case OP_TEXT:
			if (ind && (op->flags & F_LINES))
				put_lines(out, op->s, ind);
			else
				put(out, op->s.p, op->s.n);
			i++;
			break;
		case OP_VAR:
			if (ops->get(r->ctx, op->s, &v))
				mustache_escape_html(out, v);
			i++;
			break;
		case OP_RAW:
			if (ops->get(r->ctx, op->s, &v))
				put(out, v.p, v.n);
			i++;
			break;
		case OP_SECTION:
			if (ops->enter(r->ctx, op->s)) {
				do {
					if (render_ops(r, t, i + 1, op->next, ind)) {
						ops->leave(r->ctx);
						return -1;
					}
				} while (ops->next(r->ctx));
				ops->leave(r->ctx);
			}
			i = op->next;
			break;
		case OP_INVERTED:
			if (ops->enter(r->ctx, op->s))
				ops->leave(r->ctx);
			else if (render_ops(r, t, i + 1, op->next, ind))
				return -1;
			i = op->next;
			break;
		case OP_PARTIAL:
			if (render_partial(r, t, op, ind))
				return -1;
			i++;
			break;
		case OP_PARENT:
			if (render_parent(r, t, i, ind))
				return -1;
			i = op->next;
			break;
		case OP_BLOCK:
			if (render_block(r, t, i, ind))
				return -1;
			i = op->next;
			break;
		}
		if (out->n - r->out_start > r->max_output)
			return rerror(r, t, op, "render stopped: output over %zu bytes",
				      r->max_output);
	}
	return 0;
}

int mustache_render(const struct mustache_tmpl *t,
		    const struct mustache_ops *ops, void *ctx,
		    struct buf *out, struct mustache_error *err)
{
	struct render r = {
		.ops = ops, .ctx = ctx, .out = out, .err = err,
		.max_steps = t->set->max_steps, .out_start = out->n,
		.max_output = t->set->max_output,
	};
	/* buf_grow() alone leaves a new buffer without its terminating NUL */
	buf_grow(out, t->n);
	out->p[out->n] = '\0';
	return render_ops(&r, t, 0, t->nops, NULL);
}
