#include "schemaorg.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void schemaorg_script_escape(struct buf *out, const char *json)
{
	for (const unsigned char *c = (const unsigned char *)json; *c; c++) {
		if (*c == '<')
			buf_puts(out, "\\u003c");
		else if (*c == '>')
			buf_puts(out, "\\u003e");
		else if (*c == '&')
			buf_puts(out, "\\u0026");
		else if (c[0] == 0xe2 && c[1] == 0x80 && (c[2] == 0xa8 || c[2] == 0xa9)) {
			buf_puts(out, c[2] == 0xa8 ? "\\u2028" : "\\u2029");
			c += 2;
		} else
			buf_putc(out, *c);
	}
}

static json_t *typed(const char *type)
{
	json_t *o = json_object();
	json_object_set_new(o, "@type", json_string(type));
	return o;
}

static json_t *number(double v)
{
	if (v == floor(v) && fabs(v) < 9e15)
		return json_integer((json_int_t)v);
	return json_real(v);
}

static const char *unit_text(enum salary_period p)
{
	switch (p) {
	case PERIOD_HOUR: return "HOUR";
	case PERIOD_DAY: return "DAY";
	case PERIOD_WEEK: return "WEEK";
	case PERIOD_MONTH: return "MONTH";
	case PERIOD_YEAR: return "YEAR";
	default: return NULL;
	}
}

static const char *employment_text(enum employment_type t)
{
	switch (t) {
	case EMPLOYMENT_FULL_TIME: return "FULL_TIME";
	case EMPLOYMENT_PART_TIME: return "PART_TIME";
	case EMPLOYMENT_CONTRACT: return "CONTRACTOR";
	case EMPLOYMENT_TEMPORARY: return "TEMPORARY";
	case EMPLOYMENT_INTERNSHIP: return "INTERN";
	default: return NULL;
	}
}

static json_t *base_salary(const struct posting *p)
{
	const char *unit = unit_text(p->salary_period);
	if (!p->salary_currency || !unit || (isnan(p->salary_min) && isnan(p->salary_max)))
		return NULL;
	json_t *q = typed("QuantitativeValue");
	if (!isnan(p->salary_min) && !isnan(p->salary_max) && p->salary_min == p->salary_max) {
		json_object_set_new(q, "value", number(p->salary_min));
	} else {
		if (!isnan(p->salary_min))
			json_object_set_new(q, "minValue", number(p->salary_min));
		if (!isnan(p->salary_max))
			json_object_set_new(q, "maxValue", number(p->salary_max));
	}
	json_object_set_new(q, "unitText", json_string(unit));
	json_t *m = typed("MonetaryAmount");
	json_object_set_new(m, "currency", json_string(p->salary_currency));
	json_object_set_new(m, "value", q);
	return m;
}

static json_t *job_location(const struct posting *p, const char *state_name)
{
	if (!p->city && !state_name)
		return NULL;
	json_t *a = typed("PostalAddress");
	if (p->city)
		json_object_set_new(a, "addressLocality", json_string(p->city));
	if (state_name) {
		json_object_set_new(a, "addressRegion", json_string(p->state));
		json_object_set_new(a, "addressCountry", json_string("US"));
	}
	json_t *place = typed("Place");
	json_object_set_new(place, "address", a);
	return place;
}

int schemaorg_jobposting(struct buf *out, const struct site *s, const struct site_job *j,
			 const char *site_title, const char *page_url, const char **why)
{
	const struct posting *p = j->p;
	const char *desc = p->description_html ? p->description_html : p->description_text;
	const char *state_name = p->state[0] ? site_state_name(p->state) : NULL;
	int remote = p->workplace == WORKPLACE_REMOTE;
	if (j->closed)
		return *why = "the posting is closed", -1;
	if (!p->title || !*p->title)
		return *why = "no title", -1;
	if (!desc || !*desc)
		return *why = "no description", -1;
	/* Google requires datePosted; a posting that states none carries the
	 * date this board listed it, which the page shows as "Listed". */
	const char *date = p->date_posted[0] ? p->date_posted : s->build_date;
	if (!date[0])
		return *why = "no date posted", -1;
	if (!p->employer || !*p->employer)
		return *why = "no employer", -1;
	json_t *loc = remote ? NULL : job_location(p, state_name);
	if (remote && !state_name)
		return *why = "remote without a stated state or country", -1;
	if (!remote && !loc)
		return *why = "no location", -1;

	json_t *o = json_object();
	json_object_set_new(o, "@context", json_string("https://schema.org/"));
	json_object_set_new(o, "@type", json_string("JobPosting"));
	json_object_set_new(o, "title", json_string(p->title));
	json_object_set_new(o, "description", json_string(desc));
	json_object_set_new(o, "datePosted", json_string(date));
	if (p->valid_through[0])
		json_object_set_new(o, "validThrough", json_string(p->valid_through));
	json_t *org = typed("Organization");
	json_object_set_new(org, "name", json_string(p->employer));
	json_object_set_new(o, "hiringOrganization", org);
	if (loc)
		json_object_set_new(o, "jobLocation", loc);
	if (remote) {
		json_object_set_new(o, "jobLocationType", json_string("TELECOMMUTE"));
		json_t *st = typed("State");
		json_object_set_new(st, "name", json_string(state_name));
		json_object_set_new(o, "applicantLocationRequirements", st);
	}
	json_t *sal = base_salary(p);
	if (sal)
		json_object_set_new(o, "baseSalary", sal);
	const char *et = employment_text(p->employment_type);
	if (et)
		json_object_set_new(o, "employmentType", json_string(et));
	json_t *id = typed("PropertyValue");
	json_object_set_new(id, "name", json_string(site_title));
	json_object_set_new(id, "value", json_string(j->slug));
	json_object_set_new(o, "identifier", id);
	if (page_url)
		json_object_set_new(o, "url", json_string(page_url));
	/* Applying happens on the employer's site, which the page links to. */
	if (p->apply_url)
		json_object_set_new(o, "directApply", json_false());
	char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!text)
		return *why = "JSON encoding failed", -1;
	schemaorg_script_escape(out, text);
	free(text);
	return 0;
}
