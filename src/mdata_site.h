/*
 * mdata_site.h - the template data of one page, and the struct
 * mustache_ops adapter through which the engine reads it.
 *
 * A page's data is a small tree of values (strings, booleans, lists,
 * objects) built from the site model by pages.c.  Every value lives in an
 * arena owned by a struct mdata; mdata_reset() drops them all at once, so
 * one struct mdata serves every page of a build with no per-value frees.
 *
 * Strings are either copied into the arena (mv_str) or borrowed (mv_ref:
 * the caller keeps them alive until the next reset).  Object keys are
 * always borrowed: pass string literals.  A NULL or empty string is not
 * set at all, so {{^x}} sees it as missing.
 */
#ifndef JOBSITE_MDATA_SITE_H
#define JOBSITE_MDATA_SITE_H

#include "buf.h"
#include "mustache.h"

struct mdata;
struct mv;

struct mdata *mdata_new(void);
void mdata_free(struct mdata *m);
/* Forget every value; keep the memory for the next page. */
void mdata_reset(struct mdata *m);
/* Arena allocation that lives until the next reset. */
void *mdata_alloc(struct mdata *m, size_t n);
char *mdata_strdup(struct mdata *m, struct slice s);
char *mdata_printf(struct mdata *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

struct mv *mv_obj(struct mdata *m);
struct mv *mv_list(struct mdata *m);

/* obj[key] = value.  Setting a key twice keeps the first value. */
void mv_set(struct mdata *m, struct mv *obj, const char *key, struct mv *val);
void mv_str(struct mdata *m, struct mv *obj, const char *key, const char *s);
void mv_ref(struct mdata *m, struct mv *obj, const char *key, const char *s);
void mv_strf(struct mdata *m, struct mv *obj, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Set only when b is non-zero (false is the same as missing). */
void mv_bool(struct mdata *m, struct mv *obj, const char *key, int b);
void mv_num(struct mdata *m, struct mv *obj, const char *key, size_t n);
/* Append to a list. */
void mv_push(struct mdata *m, struct mv *list, struct mv *val);
size_t mv_len(const struct mv *list);

/* Look up a dotted name from `obj` (for tests and for pages.c). */
const struct mv *mv_lookup(const struct mv *obj, const char *dotted);
/* The string of a string value, else NULL. */
const char *mv_text(const struct mv *v);

/* The adapter state for one render: a stack of contexts over `root`. */
struct mdata_ctx {
	struct mdata_frame *v;
	size_t n, cap;
};

void mdata_ctx_init(struct mdata_ctx *c, const struct mv *root);
void mdata_ctx_release(struct mdata_ctx *c);

extern const struct mustache_ops mdata_site_ops;

#endif
