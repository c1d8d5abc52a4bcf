/*
 * schemaorg.h - schema.org JobPosting JSON-LD for a posting page.
 *
 * The block follows Google's job-posting guidelines and says nothing the
 * page does not show: a property the posting lacks is left out.  When a
 * property Google requires cannot be filled (title, description,
 * datePosted, hiringOrganization, jobLocation - or for a remote job
 * jobLocationType TELECOMMUTE with applicantLocationRequirements, which
 * needs a stated state), no block is written at all: invalid structured
 * data earns nothing and risks the site's standing.  Closed postings get
 * none either.
 */
#ifndef JOBSITE_SCHEMAORG_H
#define JOBSITE_SCHEMAORG_H

#include "buf.h"
#include "site.h"

/*
 * Append the JSON (ready for <script type="application/ld+json">: '<',
 * '>', '&', U+2028 and U+2029 escaped as \uXXXX) to out and return 0; or
 * return -1, append nothing, and set *why to the reason (static string).
 * `page_url` is the absolute URL of the page or NULL; `site_title` names
 * the identifier's issuer.
 */
int schemaorg_jobposting(struct buf *out, const struct site *s, const struct site_job *j,
			 const char *site_title, const char *page_url, const char **why);

#endif
