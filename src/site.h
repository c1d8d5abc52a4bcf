/*
 * site.h - the site model: postings in their site order, with unique page
 * slugs, grouped by employer, state and salary band.
 *
 * Everything is arrays of indexes into one sorted array of postings, so
 * sorting and grouping compare strings once and pages take slices of index
 * arrays.  The site does not own the postings (the posting_list does, and
 * must outlive the site); it owns every slug, group and index array.
 *
 * Order: newest first by date_posted, undated last, then title (byte
 * order), then source path.  Duplicates (same title, employer, location and
 * description) keep the first in that order; the others are reported as
 * warnings and built no page.  Postings whose valid_through is before the
 * build date are "closed": they get a page (saying so, noindex) but are in
 * no list, feed or sitemap.
 */
#ifndef JOBSITE_SITE_H
#define JOBSITE_SITE_H

#include <stddef.h>

#include "band.h"
#include "diag.h"
#include "ingest.h"
#include "posting.h"

/* A list of posting indexes (into site->jobs), in site order. */
struct site_ids {
	size_t *v;
	size_t n, cap;
};

struct site_job {
	struct posting *p;
	char *slug;          /* unique page slug: p->id, or "x-2" on collision */
	int closed;          /* expired at the build date */
	long employer;       /* index into site->employers, -1 = none */
	long state;          /* index into site->states, -1 = none */
	int remote;          /* also listed under "Remote" */
	size_t band;         /* index into site->bands */
};

/* Postings sharing an employer, a state or a salary band. */
struct site_group {
	char *slug;          /* URL segment: "sidecar-health", "fl", "100k-150k" */
	char *name;          /* "Sidecar Health", "Florida", "$100k – $150k" */
	char *code;          /* states: "FL" (NULL for remote/none); others NULL */
	struct site_ids jobs;/* open postings, in site order */
};

struct site {
	struct site_job *jobs;   /* every posting with a page, in site order */
	size_t njobs;
	struct site_ids open;    /* the open postings, in site order */

	struct site_group *employers; /* A to Z by name (case-insensitive) */
	size_t nemployers;
	/*
	 * States A to Z by full name, then "remote" and "none" (location not
	 * stated) when they have postings; state_remote/state_none index them
	 * or are -1.
	 */
	struct site_group *states;
	size_t nstates;
	long state_remote, state_none;
	/* One group per band of the table, then "not-disclosed". */
	struct site_group *bands;
	size_t nbands;

	size_t nduplicates;      /* postings dropped as duplicates */
	struct site_dup {        /* ... each, and the posting it repeats */
		struct posting *p;
		const struct posting *first;
	} *dups;
	char build_date[11];     /* the date expiry was judged against */
	char newest_date[11];    /* newest date_posted among open postings */
	struct site_memo *memo;  /* for site_memo_put() */
};

/*
 * Build the model from `l` (which must outlive it).  `build_date` may be
 * empty: then the newest date_posted stands in for it (the build never
 * reads the clock).  Bands are recomputed from annual_min/max with `bands`
 * so the site's own table wins over the one ingest used.  Duplicates are
 * reported to `d`.  The postings are only read: another thread may read
 * them meanwhile (build.c saves the build cache beside it).
 */
struct site *site_build(struct posting_list *l, const struct band_table *bands,
			const char *build_date, struct diag *d);
/*
 * The model's memo, kept between builds (.jobsite-cache/<out>.site):
 * site_memo_put() appends it to `out` (-1 when there is none to put).
 * site_from_memo() gives the model site_build() would give for the same
 * arguments, or NULL: it holds when every posting's fields but its
 * description, their order, the band table and the build date are as
 * they were (a hash of them all), and each description edited since
 * (at most 64) neither was nor now is in a duplicate's key.  It reports
 * the duplicates as site_build() does.  site_memo_kept() says whether a
 * model came from a memo, and how many descriptions were patched in.
 */
struct buf;
int site_memo_put(const struct site *s, struct buf *out);
struct site *site_from_memo(struct slice memo, struct posting_list *l,
			    const struct band_table *bands, const char *build_date, struct diag *d);
int site_memo_kept(const struct site *s, size_t *patched);

/* Then each duplicate's warning on its posting (for the build report). */
void site_mark_duplicates(struct site *s);
void site_free(struct site *s);

/* Full name of a USPS state code ("FL" -> "Florida"), or NULL. */
const char *site_state_name(const char *code);

/*
 * Root-relative folders of pages ("jobs/<slug>/", "employers/<slug>/",
 * "states/fl/page/2/"), appended to out.  `section` is "employers",
 * "states" or "salary"; page numbers start at 1 (page 1 has no suffix).
 */
void site_job_path(struct buf *out, const struct site_job *j);
void site_group_path(struct buf *out, const char *section, const struct site_group *g,
		     size_t page);

/*
 * Links between pages: `root` is the way from the linking page up to the
 * site root ("../../", "" at the root, or base_url for absolute links);
 * `path` a root-relative folder ("" = home) or file.  With link_index,
 * folder links end in "index.html" so they also work from file://.
 */
void site_link(struct buf *out, const char *root, const char *path, int link_index);
/* "../" once per folder in `path` ("jobs/x/" -> "../../"). */
void site_root(struct buf *out, const char *path);

/* Band slug -> index into s->bands, or -1. */
long site_band_index(const struct site *s, const char *slug);

#endif
