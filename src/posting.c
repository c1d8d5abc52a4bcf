#include "posting.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "charsets.h"
#include "util.h"

const char *workplace_name(enum workplace w)
{
	static const char *names[] = { NULL, "remote", "hybrid", "onsite" };
	return (unsigned)w < ARRAY_SIZE(names) ? names[w] : NULL;
}

const char *salary_period_name(enum salary_period p)
{
	static const char *names[] = { NULL, "hour", "day", "week", "month", "year" };
	return (unsigned)p < ARRAY_SIZE(names) ? names[p] : NULL;
}

const char *employment_type_name(enum employment_type t)
{
	static const char *names[] = { NULL, "full-time", "part-time", "contract",
				       "temporary", "internship" };
	return (unsigned)t < ARRAY_SIZE(names) ? names[t] : NULL;
}

double salary_period_per_year(enum salary_period p)
{
	switch (p) {
	case PERIOD_HOUR: return 2080;
	case PERIOD_DAY: return 260;
	case PERIOD_WEEK: return 52;
	case PERIOD_MONTH: return 12;
	case PERIOD_YEAR: return 1;
	default: return NAN;
	}
}

void strlist_push(struct strlist *l, const char *s)
{
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
	l->v[l->n++] = xstrdup(s);
}

void strlist_pushf(struct strlist *l, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
	l->v[l->n++] = buf_detach(&b, NULL);
}

int strlist_has(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return 1;
	return 0;
}

void strlist_release(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

struct posting *posting_new(const char *source)
{
	struct posting *p = xcalloc(1, sizeof *p);
	p->source = xstrdup(source);
	p->salary_min = p->salary_max = NAN;
	p->annual_min = p->annual_max = NAN;
	p->salary_band = "not-disclosed";
	p->format = "text";
	return p;
}

void posting_free(struct posting *p)
{
	if (!p)
		return;
	if (!p->borrowed) {
		free(p->source);
		free(p->id);
		free(p->title);
		free(p->employer);
		free(p->employer_slug);
		free(p->city);
		free(p->salary_currency);
		free(p->apply_url);
		free(p->location_text);
		free(p->salary_text);
		free(p->desc_summary);
	}
	if (!p->borrowed || p->desc_store) {
		free(p->description_html);
		free(p->description_text);
	}
	for (size_t i = 0; i < p->nwarnings; i++) {
		free(p->warnings[i].kind);
		free(p->warnings[i].message);
	}
	free(p->warnings);
	free(p);
}

void posting_warn(struct posting *p, unsigned line, const char *kind,
		  const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	p->warnings = xgrow(p->warnings, &p->warnings_cap, p->nwarnings + 1,
			    sizeof *p->warnings);
	struct posting_warning *w = &p->warnings[p->nwarnings++];
	w->message = buf_detach(&b, NULL);
	w->kind = xstrdup(kind ? kind : w->message);
	w->line = line;
}

static json_t *jstr(const char *s)
{
	if (!s)
		return json_null();
	json_t *j = json_string(s);
	if (j)
		return j;
	/* not UTF-8 (a file name can be anything): show it with U+FFFD */
	struct buf b = BUF_INIT;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		uint32_t cp;
		size_t n = utf8_get(p, strlen((const char *)p), &cp);
		if (n == 0) {
			buf_puts(&b, "\xEF\xBF\xBD");
			p++;
		} else {
			buf_put(&b, p, n);
			p += n;
		}
	}
	j = json_string(buf_cstr(&b));
	buf_release(&b);
	return j ? j : json_string("");
}

static json_t *jnum(double v)
{
	if (isnan(v))
		return json_null();
	if (v == floor(v) && fabs(v) < 9e15)
		return json_integer((json_int_t)v);
	return json_real(v);
}

void posting_to_json(const struct posting *p, struct buf *out)
{
	json_t *o = json_object();
	json_object_set_new(o, "source", jstr(p->source));
	json_object_set_new(o, "id", jstr(p->id));
	json_object_set_new(o, "title", jstr(p->title));
	json_object_set_new(o, "employer", jstr(p->employer));
	json_object_set_new(o, "employer_slug", jstr(p->employer_slug));
	json_object_set_new(o, "city", jstr(p->city));
	json_object_set_new(o, "state", jstr(p->state[0] ? p->state : NULL));
	json_object_set_new(o, "workplace", jstr(workplace_name(p->workplace)));
	json_object_set_new(o, "salary_min", jnum(p->salary_min));
	json_object_set_new(o, "salary_max", jnum(p->salary_max));
	json_object_set_new(o, "salary_period", jstr(salary_period_name(p->salary_period)));
	json_object_set_new(o, "salary_currency", jstr(p->salary_currency));
	json_object_set_new(o, "annual_min", jnum(p->annual_min));
	json_object_set_new(o, "annual_max", jnum(p->annual_max));
	json_object_set_new(o, "salary_band", jstr(p->salary_band));
	json_object_set_new(o, "employment_type",
			    jstr(employment_type_name(p->employment_type)));
	json_object_set_new(o, "date_posted", jstr(p->date_posted[0] ? p->date_posted : NULL));
	json_object_set_new(o, "apply_url", jstr(p->apply_url));
	json_object_set_new(o, "format", jstr(p->format));
	json_t *w = json_array();
	for (size_t i = 0; i < p->nwarnings; i++)
		json_array_append_new(w, json_string(p->warnings[i].message));
	json_object_set_new(o, "warnings", w);
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	buf_puts(out, s);
	free(s);
	json_decref(o);
}
