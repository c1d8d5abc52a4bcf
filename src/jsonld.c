#include "jsonld.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define LD_MAX_DEPTH 32

static int is_type(json_t *o, const char *type)
{
	json_t *t = json_object_get(o, "@type");
	if (json_is_string(t)) {
		const char *s = json_string_value(t);
		const char *colon = strrchr(s, '/'); /* "http://schema.org/JobPosting" */
		return !strcmp(colon ? colon + 1 : s, type);
	}
	if (json_is_array(t)) {
		size_t i;
		json_t *v;
		json_array_foreach(t, i, v)
			if (json_is_string(v) && !strcmp(json_string_value(v), type))
				return 1;
	}
	return 0;
}

/* Text of a value that may be a string, a number, or {"name": ...}. */
static char *text_of(json_t *v)
{
	if (json_is_array(v))
		v = json_array_get(v, 0);
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		return *s ? xstrdup(s) : NULL;
	}
	if (json_is_integer(v)) {
		struct buf b = BUF_INIT;
		buf_printf(&b, "%lld", (long long)json_integer_value(v));
		return buf_detach(&b, NULL);
	}
	if (json_is_object(v)) {
		json_t *n = json_object_get(v, "name");
		if (!n)
			n = json_object_get(v, "value");
		if (json_is_string(n) || json_is_integer(n))
			return text_of(n);
	}
	return NULL;
}

static double num_of(json_t *v)
{
	if (json_is_number(v))
		return json_number_value(v);
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;
		/* allow "125,000" */
		char tmp[64];
		size_t j = 0;
		for (; *s && j < sizeof tmp - 1; s++)
			if (*s != ',' && *s != '$' && *s != ' ')
				tmp[j++] = *s;
		tmp[j] = '\0';
		double d = strtod(tmp, &end);
		if (end != tmp && *end == '\0')
			return d;
	}
	return NAN;
}

static void read_salary(json_t *bs, struct ld_posting *p)
{
	if (json_is_array(bs))
		bs = json_array_get(bs, 0);
	if (!json_is_object(bs))
		return;
	p->currency = text_of(json_object_get(bs, "currency"));
	json_t *v = json_object_get(bs, "value");
	if (json_is_object(v)) {
		p->salary_min = num_of(json_object_get(v, "minValue"));
		p->salary_max = num_of(json_object_get(v, "maxValue"));
		double one = num_of(json_object_get(v, "value"));
		if (isnan(p->salary_min) && isnan(p->salary_max) && !isnan(one))
			p->salary_min = p->salary_max = one;
		p->salary_unit = text_of(json_object_get(v, "unitText"));
	} else {
		double one = num_of(v);
		p->salary_min = num_of(json_object_get(bs, "minValue"));
		p->salary_max = num_of(json_object_get(bs, "maxValue"));
		if (isnan(p->salary_min) && isnan(p->salary_max) && !isnan(one))
			p->salary_min = p->salary_max = one;
	}
	if (!p->salary_unit)
		p->salary_unit = text_of(json_object_get(bs, "unitText"));
}

static void read_location(json_t *loc, struct ld_posting *p)
{
	if (json_is_array(loc))
		loc = json_array_get(loc, 0);
	if (!json_is_object(loc))
		return;
	json_t *addr = json_object_get(loc, "address");
	if (json_is_array(addr))
		addr = json_array_get(addr, 0);
	if (json_is_object(addr)) {
		p->city = text_of(json_object_get(addr, "addressLocality"));
		p->region = text_of(json_object_get(addr, "addressRegion"));
		p->country = text_of(json_object_get(addr, "addressCountry"));
	} else if (json_is_string(addr)) {
		p->city = text_of(addr); /* a free-text address; parsed later */
	}
}

static void read_posting(json_t *o, struct ld_posting *p)
{
	memset(p, 0, sizeof *p);
	p->salary_min = p->salary_max = NAN;
	p->title = text_of(json_object_get(o, "title"));
	if (!p->title)
		p->title = text_of(json_object_get(o, "name"));
	p->description = text_of(json_object_get(o, "description"));
	p->date_posted = text_of(json_object_get(o, "datePosted"));
	p->valid_through = text_of(json_object_get(o, "validThrough"));
	p->employment_type = text_of(json_object_get(o, "employmentType"));
	p->employer = text_of(json_object_get(o, "hiringOrganization"));
	p->url = text_of(json_object_get(o, "url"));
	p->identifier = text_of(json_object_get(o, "identifier"));
	read_location(json_object_get(o, "jobLocation"), p);
	char *lt = text_of(json_object_get(o, "jobLocationType"));
	p->telecommute = lt && !ascii_casecmp(lt, "TELECOMMUTE");
	free(lt);
	p->applicant_region = text_of(json_object_get(o, "applicantLocationRequirements"));
	read_salary(json_object_get(o, "baseSalary"), p);
}

/* Collect JobPostings breadth-first (bounded depth, no recursion blow-up). */
static void collect(json_t *v, struct ld_list *out, int depth)
{
	if (depth > LD_MAX_DEPTH)
		return;
	if (json_is_array(v)) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
			collect(e, out, depth + 1);
	} else if (json_is_object(v)) {
		if (is_type(v, "JobPosting")) {
			out->v = xgrow(out->v, &out->cap, out->n + 1, sizeof *out->v);
			read_posting(v, &out->v[out->n++]);
			return;
		}
		json_t *g = json_object_get(v, "@graph");
		if (g)
			collect(g, out, depth + 1);
	}
}

int jsonld_parse(struct slice json, struct ld_list *out, char **err,
		 unsigned *line, unsigned *col)
{
	json_error_t e;
	json_t *root = json_loadb(json.p, json.n, JSON_DECODE_ANY, &e);
	if (!root) {
		*err = xstrdup(e.text);
		*line = e.line > 0 ? (unsigned)e.line : 0;
		*col = e.column > 0 ? (unsigned)e.column : 0;
		return -1;
	}
	size_t before = out->n;
	collect(root, out, 0);
	json_decref(root);
	return (int)(out->n - before);
}

static void ld_posting_release(struct ld_posting *p)
{
	free(p->title);
	free(p->description);
	free(p->date_posted);
	free(p->valid_through);
	free(p->employment_type);
	free(p->employer);
	free(p->city);
	free(p->region);
	free(p->country);
	free(p->url);
	free(p->identifier);
	free(p->applicant_region);
	free(p->salary_unit);
	free(p->currency);
}

void ld_list_release(struct ld_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		ld_posting_release(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}
