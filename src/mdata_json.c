#include "mdata_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void mdata_json_init(struct mdata_json *d, json_t *root)
{
	memset(d, 0, sizeof *d);
	d->stack = xgrow(NULL, &d->cap, 16, sizeof *d->stack);
	d->stack[0] = (struct mdata_json_frame){ root, NULL, 0 };
	d->n = 1;
}

void mdata_json_release(struct mdata_json *d)
{
	free(d->stack);
	memset(d, 0, sizeof *d);
}

static json_t *resolve(struct mdata_json *d, struct slice name)
{
	if (name.n == 1 && name.p[0] == '.')
		return d->stack[d->n - 1].v;
	const char *dot = memchr(name.p, '.', name.n);
	size_t first = dot ? (size_t)(dot - name.p) : name.n;
	json_t *v = NULL;
	for (size_t i = d->n; i-- > 0;) {
		json_t *c = d->stack[i].v;
		if (json_is_object(c) &&
		    (v = json_object_getn(c, name.p, first)))
			break;
	}
	/* The remaining parts resolve only inside what was found. */
	size_t pos = first;
	while (v && pos < name.n) {
		pos++; /* the dot */
		const char *e = memchr(name.p + pos, '.', name.n - pos);
		size_t len = e ? (size_t)(e - (name.p + pos)) : name.n - pos;
		v = json_is_object(v) ? json_object_getn(v, name.p + pos, len)
				      : NULL;
		pos += len;
	}
	return v;
}

static int truthy(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_NULL: case JSON_FALSE: return 0;
	case JSON_STRING: return json_string_length(v) > 0;
	case JSON_INTEGER: return json_integer_value(v) != 0;
	case JSON_REAL: return json_real_value(v) != 0.0;
	case JSON_ARRAY: return json_array_size(v) > 0;
	default: return 1;
	}
}

static int j_enter(void *ctx, struct slice name)
{
	struct mdata_json *d = ctx;
	json_t *v = resolve(d, name);
	if (!v || !truthy(v))
		return 0;
	d->stack = xgrow(d->stack, &d->cap, d->n + 1, sizeof *d->stack);
	if (json_is_array(v))
		d->stack[d->n++] = (struct mdata_json_frame){
			json_array_get(v, 0), v, 0 };
	else
		d->stack[d->n++] = (struct mdata_json_frame){ v, NULL, 0 };
	return 1;
}

static int j_next(void *ctx)
{
	struct mdata_json *d = ctx;
	struct mdata_json_frame *f = &d->stack[d->n - 1];
	if (!f->list || f->index + 1 >= json_array_size(f->list))
		return 0;
	f->v = json_array_get(f->list, ++f->index);
	return 1;
}

static void j_leave(void *ctx)
{
	struct mdata_json *d = ctx;
	if (d->n > 1)
		d->n--;
}

/* Decimal digits of x, written backwards from `end` (snprintf is slow). */
static struct slice format_integer(char *end, json_int_t x)
{
	char *p = end;
	unsigned long long u = x < 0 ? 0ULL - (unsigned long long)x
				     : (unsigned long long)x;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (x < 0)
		*--p = '-';
	return (struct slice){ p, (size_t)(end - p) };
}

/* The shortest %g form that reads back as the same double. */
static void format_real(char *out, size_t size, double x)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(out, size, "%.*g", prec, x);
		if (strtod(out, NULL) == x)
			return;
	}
}

static int j_get(void *ctx, struct slice name, struct slice *out)
{
	struct mdata_json *d = ctx;
	json_t *v = resolve(d, name);
	if (!v)
		return 0;
	switch (json_typeof(v)) {
	case JSON_STRING:
		*out = (struct slice){ json_string_value(v), json_string_length(v) };
		return 1;
	case JSON_INTEGER:
		*out = format_integer(d->num + sizeof d->num, json_integer_value(v));
		return 1;
	case JSON_REAL:
		format_real(d->num, sizeof d->num, json_real_value(v));
		*out = slice_from(d->num);
		return 1;
	case JSON_TRUE:
		*out = SLICE_LIT("true");
		return 1;
	case JSON_FALSE:
		*out = SLICE_LIT("false");
		return 1;
	default:
		return 0;
	}
}

const struct mustache_ops mdata_json_ops = {
	.enter = j_enter,
	.next = j_next,
	.leave = j_leave,
	.get = j_get,
};

int mdata_json_render(const struct mustache_tmpl *t, json_t *root,
		      struct buf *out, struct mustache_error *err)
{
	struct mdata_json d;
	mdata_json_init(&d, root);
	int rc = mustache_render(t, &mdata_json_ops, &d, out, err);
	mdata_json_release(&d);
	return rc;
}
