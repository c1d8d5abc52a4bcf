/*
 * posting.h - the normalized posting record (shared/SCHEMA.md).
 *
 * A struct posting owns every string in it; posting_free() releases them.
 * A field the posting does not state is NULL (strings), NAN (numbers) or
 * the *_NONE value (enums): never a guess dressed as a fact.
 */
#ifndef JOBSITE_POSTING_H
#define JOBSITE_POSTING_H

#include <stddef.h>

#include "buf.h"

#define DESC_ABSENT 0xffffffffu

enum workplace { WORKPLACE_NONE, WORKPLACE_REMOTE, WORKPLACE_HYBRID, WORKPLACE_ONSITE };
enum salary_period {
	PERIOD_NONE, PERIOD_HOUR, PERIOD_DAY, PERIOD_WEEK, PERIOD_MONTH, PERIOD_YEAR
};
enum employment_type {
	EMPLOYMENT_NONE, EMPLOYMENT_FULL_TIME, EMPLOYMENT_PART_TIME,
	EMPLOYMENT_CONTRACT, EMPLOYMENT_TEMPORARY, EMPLOYMENT_INTERNSHIP
};

/* "remote", ... or NULL for *_NONE. */
const char *workplace_name(enum workplace w);
const char *salary_period_name(enum salary_period p);
const char *employment_type_name(enum employment_type t);
/* Multiplier to a year: hour 2080, day 260, week 52, month 12, year 1. */
double salary_period_per_year(enum salary_period p);

/* A list of owned strings. */
struct strlist {
	char **v;
	size_t n, cap;
};
void strlist_push(struct strlist *l, const char *s);
void strlist_pushf(struct strlist *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int strlist_has(const struct strlist *l, const char *s);
void strlist_release(struct strlist *l);

/* A warning about one posting, with the line it refers to (0 = none). */
struct posting_warning {
	char *kind;     /* stable label, e.g. "no employer found" */
	char *message;  /* full text, e.g. "no employer found" or "salary 'DOE' not understood" */
	unsigned line;
};

struct posting {
	char *source;            /* the input path as given */
	char *id;                /* URL slug of the posting page, unique in a site */
	char *title;
	char *employer;          /* display name as written */
	char *employer_slug;     /* ASCII slug, suffixes normalized */
	char *city;
	char state[3];           /* USPS code, "" = null */
	enum workplace workplace;
	double salary_min, salary_max;   /* in salary_period units; NAN = null */
	enum salary_period salary_period;
	char *salary_currency;   /* "USD" */
	double annual_min, annual_max;   /* NAN = null */
	const char *salary_band; /* static string: band slug, "not-disclosed" */
	enum employment_type employment_type;
	char date_posted[11];    /* "YYYY-MM-DD", "" = null */
	char valid_through[11];  /* expiry date, "" = none */
	char *apply_url;
	const char *format;      /* "markdown", "html", "text", "json" (static) */
	int has_front_matter;
	long long mtime;         /* the file's modification time (seconds), 0 = unknown */

	char *location_text;     /* the location as written, for display */
	char *salary_text;       /* the pay as written, for display */
	char *description_html;  /* sanitized description; may be NULL once written */
	char *description_text;  /* plain text of the description, for search */
	/* Set when the two above wait in a file (descstore.h): then they are
	 * NULL unless loaded, and these stand in for them on every page. */
	struct descstore *desc_store;
	long long desc_off;
	unsigned desc_html_len, desc_text_len; /* DESC_ABSENT: was NULL */
	int desc_loaded;
	unsigned long long desc_check[2]; /* descstore_check() of the HTML, the text */
	unsigned desc_nth;       /* its place among its file's postings */
	char *desc_summary;      /* the card summary */
	unsigned long long desc_hash;
	int desc_hash_known;     /* desc_hash holds without desc_store (cache.c) */

	struct posting_warning *warnings;
	size_t nwarnings, warnings_cap;
	/* The string fields point into the build cache (cache.c), which
	 * outlives the posting: posting_free() leaves them alone (not the
	 * descriptions loaded from a store, which are its own). */
	int borrowed;
	/* Names this record's bytes (cache.c: the file's hash, the binary,
	 * the ingest options, its place in the file); 0 = unknown. */
	unsigned long long record_key[2];
	/* What a list shows of it (cards, pay figures): its fields and card
	 * summary, hashed (cache.c); 0 = unknown.  An edit of the body alone
	 * leaves it, and the list pages it is on, as they were. */
	unsigned long long shown_key[2];
	/* Its fields alone (cache.c, put_fields), hashed with the shown_key;
	 * 0 = unknown.  The site model's memo compares these rather than
	 * every field of 100,000 postings (site.c, model_key). */
	unsigned long long fields_key[2];
};

struct posting *posting_new(const char *source);
void posting_free(struct posting *p);
void posting_warn(struct posting *p, unsigned line, const char *kind,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Append the SCHEMA.md JSON object (one line, no newline) to out. */
void posting_to_json(const struct posting *p, struct buf *out);

#endif
