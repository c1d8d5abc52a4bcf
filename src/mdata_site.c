#include "mdata_site.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

enum mv_kind { MV_STR, MV_BOOL, MV_LIST, MV_OBJ };

struct mv_field {
	const char *key;
	size_t klen;        /* strlen(key): most keys differ in length */
	struct mv *val;
	struct mv_field *next;
};

struct mv_item {
	struct mv *val;
	struct mv_item *next;
};

struct mv {
	enum mv_kind kind;
	union {
		struct slice s;
		struct {
			struct mv_field *head, *tail;
		} obj;
		struct {
			struct mv_item *head, *tail;
			size_t n;
		} list;
	} u;
};

struct chunk {
	struct chunk *next;
	size_t used, size;
	max_align_t data[];
};

struct mdata {
	struct chunk *first, *cur;
};

#define CHUNK_SIZE (256u << 10)

static struct chunk *chunk_new(size_t size)
{
	struct chunk *c = xmalloc(sizeof *c + size);
	c->next = NULL;
	c->used = 0;
	c->size = size;
	return c;
}

struct mdata *mdata_new(void)
{
	struct mdata *m = xcalloc(1, sizeof *m);
	m->first = m->cur = chunk_new(CHUNK_SIZE);
	return m;
}

void mdata_free(struct mdata *m)
{
	if (!m)
		return;
	for (struct chunk *c = m->first, *n; c; c = n) {
		n = c->next;
		free(c);
	}
	free(m);
}

void mdata_reset(struct mdata *m)
{
	/* Oversized chunks are not kept: one huge page should not pin memory. */
	struct chunk **pp = &m->first->next;
	while (*pp) {
		struct chunk *c = *pp;
		if (c->size > CHUNK_SIZE) {
			*pp = c->next;
			free(c);
			continue;
		}
		c->used = 0;
		pp = &c->next;
	}
	m->first->used = 0;
	m->cur = m->first;
}

void *mdata_alloc(struct mdata *m, size_t n)
{
	const size_t align = sizeof(max_align_t);
	n = (n + align - 1) / align * align;
	for (;;) {
		struct chunk *c = m->cur;
		if (c->size - c->used >= n) {
			void *p = (char *)c->data + c->used;
			c->used += n;
			return p;
		}
		if (c->next && c->next->size - c->next->used >= n) {
			m->cur = c->next;
			continue;
		}
		struct chunk *nc = chunk_new(n > CHUNK_SIZE ? n : CHUNK_SIZE);
		nc->next = c->next;
		c->next = nc;
		m->cur = nc;
	}
}

char *mdata_strdup(struct mdata *m, struct slice s)
{
	char *p = mdata_alloc(m, s.n + 1);
	if (s.n)
		memcpy(p, s.p, s.n);
	p[s.n] = '\0';
	return p;
}

static char *mdata_vprintf(struct mdata *m, const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT;
	buf_vprintf(&b, fmt, ap);
	char *p = mdata_strdup(m, buf_slice(&b));
	buf_release(&b);
	return p;
}

char *mdata_printf(struct mdata *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = mdata_vprintf(m, fmt, ap);
	va_end(ap);
	return p;
}

static struct mv *mv_new(struct mdata *m, enum mv_kind k)
{
	struct mv *v = mdata_alloc(m, sizeof *v);
	memset(v, 0, sizeof *v);
	v->kind = k;
	return v;
}

struct mv *mv_obj(struct mdata *m)
{
	return mv_new(m, MV_OBJ);
}

struct mv *mv_list(struct mdata *m)
{
	return mv_new(m, MV_LIST);
}

static struct mv_field *find_field(const struct mv *obj, const char *key, size_t n)
{
	for (struct mv_field *f = obj->u.obj.head; f; f = f->next)
		if (f->klen == n && !memcmp(f->key, key, n))
			return f;
	return NULL;
}

void mv_set(struct mdata *m, struct mv *obj, const char *key, struct mv *val)
{
	size_t n = strlen(key);
	if (!val || find_field(obj, key, n))
		return;
	struct mv_field *f = mdata_alloc(m, sizeof *f);
	f->key = key;
	f->klen = n;
	f->val = val;
	f->next = NULL;
	if (obj->u.obj.tail)
		obj->u.obj.tail->next = f;
	else
		obj->u.obj.head = f;
	obj->u.obj.tail = f;
}

static void set_slice(struct mdata *m, struct mv *obj, const char *key, struct slice s)
{
	if (!s.p || !s.n)
		return;
	struct mv *v = mv_new(m, MV_STR);
	v->u.s = s;
	mv_set(m, obj, key, v);
}

void mv_str(struct mdata *m, struct mv *obj, const char *key, const char *s)
{
	if (s && *s)
		set_slice(m, obj, key, slice_from(mdata_strdup(m, slice_from(s))));
}

void mv_ref(struct mdata *m, struct mv *obj, const char *key, const char *s)
{
	set_slice(m, obj, key, slice_from(s));
}

void mv_strf(struct mdata *m, struct mv *obj, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = mdata_vprintf(m, fmt, ap);
	va_end(ap);
	set_slice(m, obj, key, slice_from(p));
}

void mv_bool(struct mdata *m, struct mv *obj, const char *key, int b)
{
	if (!b)
		return;
	struct mv *v = mv_new(m, MV_BOOL);
	mv_set(m, obj, key, v);
}

void mv_num(struct mdata *m, struct mv *obj, const char *key, size_t n)
{
	/* 0 is a real count ("0 jobs"), so it is set, unlike an empty string. */
	struct mv *v = mv_new(m, MV_STR);
	v->u.s = slice_from(mdata_printf(m, "%zu", n));
	mv_set(m, obj, key, v);
}

void mv_push(struct mdata *m, struct mv *list, struct mv *val)
{
	struct mv_item *it = mdata_alloc(m, sizeof *it);
	it->val = val;
	it->next = NULL;
	if (list->u.list.tail)
		list->u.list.tail->next = it;
	else
		list->u.list.head = it;
	list->u.list.tail = it;
	list->u.list.n++;
}

size_t mv_len(const struct mv *list)
{
	return list && list->kind == MV_LIST ? list->u.list.n : 0;
}

const char *mv_text(const struct mv *v)
{
	return v && v->kind == MV_STR ? v->u.s.p : NULL;
}

/* Descend from v through the dot-separated parts of name. */
static const struct mv *descend(const struct mv *v, struct slice name)
{
	while (v && name.n) {
		const char *dot = memchr(name.p, '.', name.n);
		size_t len = dot ? (size_t)(dot - name.p) : name.n;
		if (v->kind != MV_OBJ)
			return NULL;
		struct mv_field *f = find_field(v, name.p, len);
		v = f ? f->val : NULL;
		if (!dot)
			break;
		name.p = dot + 1;
		name.n -= len + 1;
	}
	return v;
}

const struct mv *mv_lookup(const struct mv *obj, const char *dotted)
{
	return descend(obj, slice_from(dotted));
}

struct mdata_frame {
	const struct mv *val;       /* the value entered */
	const struct mv_item *item; /* for a list: the current element */
};

static const struct mv *frame_top(const struct mdata_frame *f)
{
	return f->item ? f->item->val : f->val;
}

void mdata_ctx_init(struct mdata_ctx *c, const struct mv *root)
{
	memset(c, 0, sizeof *c);
	c->v = xgrow(c->v, &c->cap, 1, sizeof *c->v);
	c->v[0] = (struct mdata_frame){ root, NULL };
	c->n = 1;
}

void mdata_ctx_release(struct mdata_ctx *c)
{
	free(c->v);
	memset(c, 0, sizeof *c);
}

/*
 * Spec name resolution: "." is the top context; otherwise the first part
 * is looked up from the innermost context outwards, and the rest only
 * inside what it found.
 */
static const struct mv *resolve(struct mdata_ctx *c, struct slice name)
{
	if (name.n == 1 && name.p[0] == '.')
		return frame_top(&c->v[c->n - 1]);
	const char *dot = memchr(name.p, '.', name.n);
	size_t len = dot ? (size_t)(dot - name.p) : name.n;
	for (size_t i = c->n; i-- > 0;) {
		const struct mv *top = frame_top(&c->v[i]);
		if (!top || top->kind != MV_OBJ)
			continue;
		struct mv_field *f = find_field(top, name.p, len);
		if (!f)
			continue;
		if (!dot)
			return f->val;
		return descend(f->val, (struct slice){ dot + 1, name.n - len - 1 });
	}
	return NULL;
}

static int op_enter(void *ctx, struct slice name)
{
	struct mdata_ctx *c = ctx;
	const struct mv *v = resolve(c, name);
	if (!v)
		return 0;
	struct mdata_frame f = { v, NULL };
	if (v->kind == MV_LIST) {
		if (!v->u.list.head)
			return 0;
		f.item = v->u.list.head;
	}
	c->v = xgrow(c->v, &c->cap, c->n + 1, sizeof *c->v);
	c->v[c->n++] = f;
	return 1;
}

static int op_next(void *ctx)
{
	struct mdata_ctx *c = ctx;
	struct mdata_frame *f = &c->v[c->n - 1];
	if (!f->item || !f->item->next)
		return 0;
	f->item = f->item->next;
	return 1;
}

static void op_leave(void *ctx)
{
	struct mdata_ctx *c = ctx;
	if (c->n > 1)
		c->n--;
}

static int op_get(void *ctx, struct slice name, struct slice *out)
{
	const struct mv *v = resolve(ctx, name);
	if (!v)
		return 0;
	switch (v->kind) {
	case MV_STR:
		*out = v->u.s;
		return 1;
	case MV_BOOL:
		*out = SLICE_LIT("true");
		return 1;
	default:
		return 0;
	}
}

const struct mustache_ops mdata_site_ops = {
	.enter = op_enter,
	.next = op_next,
	.leave = op_leave,
	.get = op_get,
};
