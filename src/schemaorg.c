#include "schemaorg.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "charsets.h"
#include "util.h"

/*
 * The JSON is written here, not by jansson: the description is most of a
 * posting page's bytes, and building jansson values for it (with their
 * UTF-8 checks and copies) then dumping them was 6 % of a build.  The
 * bytes are those json_dumps(JSON_COMPACT | JSON_PRESERVE_ORDER) gave,
 * with the script escaping (schemaorg.h) applied in the same pass: keys in order,
 * no spaces, strings escaped as jansson does (\" \\ \b \f \n \r \t, other
 * control characters as \u00XX), a string that is not valid UTF-8 left
 * out as jansson leaves it out, integers as integers, other numbers with
 * 17 significant digits.
 */
struct jw {
	struct buf *b;
	int first; /* no member yet in the object being written */
};

/* ASCII bytes put_jstr() cannot copy as they are: controls, '"', '\\' and
 * the three the script escaping takes out (< > &), as bit masks. */
#define JSTR_LO (((1ull << 32) - 1) | 1ull << '"' | 1ull << '&' | 1ull << '<' | 1ull << '>')
#define JSTR_HI (1ull << ('\\' - 64))

static int jstr_plain(unsigned char c)
{
	return c < 64 ? !((JSTR_LO >> c) & 1) : c < 128 && !((JSTR_HI >> (c - 64)) & 1);
}

/*
 * s as a JSON string: -1, with part of it written, if s is not valid
 * UTF-8 (the caller takes the member out).  One pass checks and escapes.
 */
static int put_jstr(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	buf_putc(b, '"');
	const unsigned char *c = (const unsigned char *)s;
	for (;;) {
		/* a run that needs no escape goes in one copy */
		const unsigned char *run = c;
		for (;;) {
			if (jstr_plain(*c)) {
				c++;
			} else if (*c >= 0x80) {
				uint32_t cp;
				/* stops at the first byte that is not a continuation (the NUL) */
				size_t k = utf8_get(c, 4, &cp);
				if (!k)
					return -1;
				if (c[0] == 0xe2 && c[1] == 0x80 && (c[2] == 0xa8 || c[2] == 0xa9))
					break; /* U+2028, U+2029: JavaScript's line ends */
				c += k;
			} else {
				break;
			}
		}
		if (c > run)
			buf_put(b, run, (size_t)(c - run));
		if (!*c)
			break;
		if (*c >= 0x80) {
			buf_puts(b, c[2] == 0xa8 ? "\\u2028" : "\\u2029");
			c += 3;
			continue;
		}
		switch (*c) {
		case '"': buf_puts(b, "\\\""); break;
		case '\\': buf_puts(b, "\\\\"); break;
		case '\b': buf_puts(b, "\\b"); break;
		case '\f': buf_puts(b, "\\f"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\r': buf_puts(b, "\\r"); break;
		case '\t': buf_puts(b, "\\t"); break;
		/* the script escaping: nothing in it can end the element */
		case '<': buf_puts(b, "\\u003c"); break;
		case '>': buf_puts(b, "\\u003e"); break;
		case '&': buf_puts(b, "\\u0026"); break;
		default:
			buf_puts(b, "\\u00");
			buf_putc(b, hex[*c >> 4]);
			buf_putc(b, hex[*c & 15]);
		}
		c++;
	}
	buf_putc(b, '"');
	return 0;
}

static void key(struct jw *w, const char *k)
{
	if (!w->first)
		buf_putc(w->b, ',');
	w->first = 0;
	put_jstr(w->b, k);
	buf_putc(w->b, ':');
}

static void member_str(struct jw *w, const char *k, const char *v)
{
	if (!v)
		return;
	size_t at = w->b->n;
	int first = w->first;
	key(w, k);
	if (put_jstr(w->b, v) < 0) {
		/* left out, as jansson leaves out a string that is not UTF-8 */
		w->b->n = at;
		w->first = first;
	}
}

static void member_num(struct jw *w, const char *k, double v)
{
	key(w, k);
	if (v == floor(v) && fabs(v) < 9e15) {
		buf_printf(w->b, "%lld", (long long)v);
		return;
	}
	char t[64];
	snprintf(t, sizeof t, "%.17g", v);
	/* a real keeps a '.' or an exponent; an exponent loses '+' and leading zeros */
	char *e = strchr(t, 'e');
	if (!e && !strchr(t, '.'))
		strcat(t, ".0");
	if (e) {
		char *from = e + 1, *to = e + 1;
		if (*from == '-')
			*to++ = *from++;
		else if (*from == '+')
			from++;
		while (*from == '0' && from[1])
			from++;
		memmove(to, from, strlen(from) + 1);
	}
	buf_puts(w->b, t);
}

/* "key":{"@type":"type" ... : the caller writes the members, then close(). */
static struct jw open_typed(struct jw *w, const char *k, const char *type)
{
	if (k)
		key(w, k);
	buf_putc(w->b, '{');
	struct jw in = { w->b, 1 };
	member_str(&in, "@type", type);
	return in;
}

static void close_obj(struct jw *w)
{
	buf_putc(w->b, '}');
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

static void base_salary(struct jw *w, const struct posting *p)
{
	const char *unit = unit_text(p->salary_period);
	if (!p->salary_currency || !unit || (isnan(p->salary_min) && isnan(p->salary_max)))
		return;
	struct jw m = open_typed(w, "baseSalary", "MonetaryAmount");
	member_str(&m, "currency", p->salary_currency);
	struct jw q = open_typed(&m, "value", "QuantitativeValue");
	if (!isnan(p->salary_min) && !isnan(p->salary_max) && p->salary_min == p->salary_max) {
		member_num(&q, "value", p->salary_min);
	} else {
		if (!isnan(p->salary_min))
			member_num(&q, "minValue", p->salary_min);
		if (!isnan(p->salary_max))
			member_num(&q, "maxValue", p->salary_max);
	}
	member_str(&q, "unitText", unit);
	close_obj(&q);
	close_obj(&m);
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
	int has_loc = !remote && (p->city || state_name);
	if (remote && !state_name)
		return *why = "remote without a stated state or country", -1;
	if (!remote && !has_loc)
		return *why = "no location", -1;

	struct jw o = { out, 1 };
	buf_putc(out, '{');
	member_str(&o, "@context", "https://schema.org/");
	member_str(&o, "@type", "JobPosting");
	member_str(&o, "title", p->title);
	member_str(&o, "description", desc);
	member_str(&o, "datePosted", date);
	if (p->valid_through[0])
		member_str(&o, "validThrough", p->valid_through);
	struct jw org = open_typed(&o, "hiringOrganization", "Organization");
	member_str(&org, "name", p->employer);
	close_obj(&org);
	if (has_loc) {
		struct jw place = open_typed(&o, "jobLocation", "Place");
		struct jw a = open_typed(&place, "address", "PostalAddress");
		member_str(&a, "addressLocality", p->city);
		if (state_name) {
			member_str(&a, "addressRegion", p->state);
			member_str(&a, "addressCountry", "US");
		}
		close_obj(&a);
		close_obj(&place);
	}
	if (remote) {
		member_str(&o, "jobLocationType", "TELECOMMUTE");
		struct jw st = open_typed(&o, "applicantLocationRequirements", "State");
		member_str(&st, "name", state_name);
		close_obj(&st);
	}
	base_salary(&o, p);
	member_str(&o, "employmentType", employment_text(p->employment_type));
	struct jw id = open_typed(&o, "identifier", "PropertyValue");
	member_str(&id, "name", site_title);
	member_str(&id, "value", j->slug);
	close_obj(&id);
	member_str(&o, "url", page_url);
	/* Applying happens on the employer's site, which the page links to. */
	if (p->apply_url) {
		key(&o, "directApply");
		buf_puts(out, "false");
	}
	close_obj(&o);
	return 0;
}
