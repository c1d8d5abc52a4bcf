/*
 * jobfmt.h - how a posting's values read on a page: pay, dates, labels.
 *
 *   $125,000 – $140,000 a year     $25.50 – $32.00 an hour
 *   Up to $90,000 a year           From $60,000 a year
 *
 * All functions append to `out`.  Nothing here reads the clock or locale.
 */
#ifndef JOBSITE_JOBFMT_H
#define JOBSITE_JOBFMT_H

#include "buf.h"
#include "posting.h"

/* An amount with thousands separators; cents when `cents` ("$25.50"). */
void jobfmt_money(struct buf *out, double v, const char *currency, int cents);
/* The pay range with its period; returns 0 (and appends nothing) when the
 * posting states no pay. */
int jobfmt_salary(struct buf *out, const struct posting *p);
/* "2024-03-01" -> "March 1, 2024"; anything else is appended as it is. */
void jobfmt_date(struct buf *out, const char *ymd);
/* Display labels: "Remote", "Hybrid", "On-site"; "Full-time", ... ; NULL for NONE. */
const char *jobfmt_workplace(enum workplace w);
const char *jobfmt_employment(enum employment_type t);

/* 1 when url is an absolute http: or https: URL (the only links we follow out). */
int jobfmt_http_url(const char *url);

/*
 * Plain text folded to single spaces and cut to about `max` bytes at a
 * word boundary, with "…" when cut (for meta descriptions and cards).
 */
void jobfmt_summary(struct buf *out, const char *text, size_t max);

/* Escape text for XML (& < > " '); drops bytes XML 1.0 forbids. */
void jobfmt_xml(struct buf *out, const char *s);

#endif
