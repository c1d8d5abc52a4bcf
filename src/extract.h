/*
 * extract.h - from a posting's parts to the fields of struct posting.
 *
 * Sources, strongest first: YAML front matter, an embedded schema.org
 * JobPosting (JSON-LD), "Key: value" lines in the text, the document's
 * structure (headings, an HTML <h1>/<h2>), and last the prose ("Careers
 * with X", "Must reside in Florida").  Each field takes the first source
 * that states it; what no source states stays null with a warning.
 */
#ifndef JOBSITE_EXTRACT_H
#define JOBSITE_EXTRACT_H

#include "band.h"
#include "frontmatter.h"
#include "jsonld.h"
#include "posting.h"
#include "textdoc.h"

struct extract_src {
	const struct textdoc *doc;       /* the body as lines (required) */
	const struct front_matter *fm;   /* NULL when none */
	const struct ld_posting *ld;     /* NULL when none */
	const char *html_title;          /* <h1>/<h2> of an HTML page, or NULL */
	unsigned html_title_line;
	const char *html_apply_url;      /* an "Apply" link of an HTML page, or NULL */
	const struct band_table *bands;  /* NULL = band_default() */
};

/* Fill p's fields from src; warnings go on p. */
void extract_fields(const struct extract_src *src, struct posting *p);

/* Is this line a "Key: value" line naming a posting field ("Company: X")? */
int extract_is_field_line(struct slice line);

/* Employer name to slug, with legal suffixes (Inc., LLC, ...) removed. */
char *employer_slug_new(const char *name);

#endif
