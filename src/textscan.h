/*
 * textscan.h - keyword prefilters for the field finders.
 *
 * Running a pattern over a whole posting costs several ns per byte when it
 * may start at any word; finding a literal keyword first (memmem over a
 * lowercase copy) and matching only a window around each hit keeps the
 * finders to a few linear scans.  Thread-safe; nothing global.
 */
#ifndef JOBSITE_TEXTSCAN_H
#define JOBSITE_TEXTSCAN_H

#include <stddef.h>

#include "buf.h"
#include "rx.h"

/* A lowercase ASCII copy of a text (other bytes kept as they are). */
struct lowtext {
	char *p;
	size_t n;
};

void lowtext_init(struct lowtext *l, struct slice s);
void lowtext_release(struct lowtext *l);

/* Offset of the next `needle` (lowercase) at or after `from`, or SIZE_MAX. */
size_t lowtext_find(const struct lowtext *l, size_t from, const char *needle);

/*
 * Match x in s, only in windows from `before` bytes before to `after`
 * bytes after each occurrence of needle (windows start at a word start).
 * Windows are tried in text order; returns 1 at the first match, with *m
 * relative to s.
 */
int rx_find_near(const struct rx *x, struct slice s, const struct lowtext *l,
		 const char *needle, size_t before, size_t after, struct rx_match *m);

#endif
