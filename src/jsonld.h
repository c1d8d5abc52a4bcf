/*
 * jsonld.h - schema.org JobPosting objects from JSON-LD.
 *
 * Reads the JSON of a <script type="application/ld+json"> block or of a
 * .json posting file (one object, an array, or an object with "@graph") and
 * returns every JobPosting in it, flattened into plain strings and numbers.
 * Only what a posting record needs is kept.
 */
#ifndef JOBSITE_JSONLD_H
#define JOBSITE_JSONLD_H

#include "buf.h"

struct ld_posting {
	char *title;
	char *description;    /* HTML as written */
	char *date_posted;    /* as written */
	char *valid_through;
	char *employment_type; /* first value, as written ("FULL_TIME") */
	char *employer;       /* hiringOrganization.name (or a plain string) */
	char *city;           /* jobLocation.address.addressLocality */
	char *region;         /* addressRegion */
	char *country;        /* addressCountry (name or code) */
	char *url;            /* url (the posting / apply link) */
	char *identifier;     /* identifier.value or identifier */
	int telecommute;      /* jobLocationType TELECOMMUTE */
	char *applicant_region; /* applicantLocationRequirements name */
	double salary_min, salary_max; /* NAN when absent */
	char *salary_unit;    /* unitText: HOUR DAY WEEK MONTH YEAR */
	char *currency;
};

struct ld_list {
	struct ld_posting *v;
	size_t n, cap;
};

/*
 * Parse `json` and append its JobPostings to *out.  Returns the number
 * found (0 when the JSON parses but holds none), or -1 when it does not
 * parse; then *err (caller frees) says why and *line, *col where (1-based,
 * relative to the start of `json`).
 */
int jsonld_parse(struct slice json, struct ld_list *out, char **err,
		 unsigned *line, unsigned *col);

void ld_list_release(struct ld_list *l);

#endif
