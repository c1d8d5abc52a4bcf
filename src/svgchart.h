/*
 * svgchart.h - small accessible SVG charts drawn at build time: horizontal
 * bars (a histogram over bands, a comparison of groups) and a range plot
 * (one bar from the lowest to the highest pay of each posting).
 *
 * Output is an inline <svg> for an HTML page: role="img", labelled by its
 * own <title> and <desc> (ids "<id>-t", "<id>-d"), a viewBox and no fixed
 * size (site.css makes it 100% wide), colors by class only (site.css
 * .chart-*), so dark mode and the CSP (no style attributes) both hold.
 * Every text (titles, labels: employer and state names are untrusted) is
 * XML-escaped; coordinates are printed with one decimal in the C locale,
 * so the same input gives the same bytes.  The caller writes the words of
 * the title and desc (the figures said in full) and the data table beside.
 */
#ifndef JOBSITE_SVGCHART_H
#define JOBSITE_SVGCHART_H

#include <stddef.h>

#include "buf.h"

/* The width of every chart's viewBox, in user units (~px at 360 px). */
#define SVGCHART_WIDTH 360

struct svgchart_bar {
	const char *label;      /* left of the bar, cut with "…" when long */
	double value;           /* bar length; >= 0 */
	const char *value_text; /* right of the bar ("$95,000 · 12") */
};

/* One row per item, bars scaled to the largest value. */
void svgchart_bars(struct buf *out, const char *id, const char *title, const char *desc,
		   const struct svgchart_bar *v, size_t n);

struct svgchart_range {
	double lo, hi;          /* annual bounds; either may be NAN */
	double mid;             /* paystats_midpoint(); rows with NAN are skipped */
};

/* One row per item in the order given, on a shared dollar axis. */
void svgchart_ranges(struct buf *out, const char *id, const char *title, const char *desc,
		     const struct svgchart_range *v, size_t n);

/* Append s with & < > " ' escaped and bytes XML 1.0 forbids dropped. */
void svgchart_escape(struct buf *out, const char *s);

/* A coordinate: one decimal, ".0" dropped ("12", "12.5", "-3"). */
void svgchart_num(struct buf *out, double v);

#endif
