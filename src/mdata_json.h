/*
 * mdata_json.h - a jansson document as Mustache data (struct mustache_ops).
 *
 * Name resolution follows the spec: "." is the top of the context stack;
 * "a.b.c" looks "a" up from the top of the stack down, then "b" and "c"
 * only inside what was found.  Falsy (JavaScript's `!!data`, which the spec
 * cites): false, null, "", 0, 0.0 and the empty list.  Strings interpolate
 * as they are, integers in decimal, reals in the shortest form that reads
 * back the same (1.210 -> "1.21"), true/false as "true"/"false"; null,
 * objects and lists as nothing.
 *
 * The adapter borrows the document: keep it alive while rendering.  One
 * struct mdata_json per render at a time (it is the context stack).
 */
#ifndef JOBSITE_MDATA_JSON_H
#define JOBSITE_MDATA_JSON_H

#include <jansson.h>

#include "mustache.h"

struct mdata_json_frame {
	json_t *v;      /* the context value */
	json_t *list;   /* the list being iterated, or NULL */
	size_t index;
};

struct mdata_json {
	struct mdata_json_frame *stack;
	size_t n, cap;
	char num[40];   /* text of the last number interpolated */
};

extern const struct mustache_ops mdata_json_ops;

void mdata_json_init(struct mdata_json *d, json_t *root);
void mdata_json_release(struct mdata_json *d);

/* Render t with `root` as the data (mustache_render with this adapter). */
int mdata_json_render(const struct mustache_tmpl *t, json_t *root,
		      struct buf *out, struct mustache_error *err);

#endif
