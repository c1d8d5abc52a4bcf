/*
 * band.h - salary bands: annual pay ranges with a slug and a label.
 *
 * A posting's band is chosen by the midpoint of its annual range, or by the
 * one bound it gives ("up to X", "starting at X"); lower edges are
 * inclusive.  No pay: BAND_NOT_DISCLOSED.  The default table is
 * under-50k, 50k-75k, 75k-100k, 100k-150k, 150k-200k, 200k-plus; a site's
 * jobsite.yml may give its own edges and labels.
 */
#ifndef JOBSITE_BAND_H
#define JOBSITE_BAND_H

#include <stddef.h>

#define BAND_NOT_DISCLOSED "not-disclosed"
#define BAND_MAX 32

struct band {
	double min;        /* inclusive lower edge, annual USD */
	char slug[40];     /* "100k-150k" */
	char label[80];    /* "$100k – $150k" */
};

struct band_table {
	struct band v[BAND_MAX]; /* ascending by min; v[0].min is 0 */
	size_t n;
};

/* The default bands of SCHEMA.md. */
const struct band_table *band_default(void);

/*
 * Build a table from ascending edges (e.g. 50000, 75000, ...): n edges give
 * n + 1 bands with generated slugs and labels.  Returns 0, or -1 when the
 * edges are not ascending and positive or too many.
 */
int band_table_from_edges(struct band_table *t, const double *edges, size_t n);

/* The band slug for an annual range (either bound may be NAN). Static string
 * owned by the table, or BAND_NOT_DISCLOSED. */
const char *band_for(const struct band_table *t, double annual_min, double annual_max);

/* The label of a band slug ("Not disclosed" for BAND_NOT_DISCLOSED), or NULL. */
const char *band_label(const struct band_table *t, const char *slug);

#endif
