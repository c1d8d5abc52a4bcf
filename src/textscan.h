/*
 * textscan.h - keyword prefilters for the field finders.
 *
 * Running a pattern over a whole posting costs several ns per byte when it
 * may start at any word; finding keywords first, all in one pass, and
 * matching only a window around each hit keeps every finder to a few
 * linear scans.  Thread-safe; nothing global.
 */
#ifndef JOBSITE_TEXTSCAN_H
#define JOBSITE_TEXTSCAN_H

#include <stddef.h>

#include "buf.h"
#include "rx.h"

#define KW_MAX 32        /* keywords per scan */

struct kw_hit {
	size_t at;       /* byte offset in the text */
	int id;          /* index in the keyword array */
};

/*
 * One pass over s: every place where one of kw[0..nkw) starts at a word
 * start (the byte before is not an ASCII letter), ASCII letters compared
 * case-insensitively (keywords are lowercase; other bytes exact).  Hits are
 * in text order, at most one per offset (the first keyword that matches),
 * at most max of them.  Returns the number of hits.
 */
size_t kw_scan(struct slice s, const char *const *kw, size_t nkw, struct kw_hit *hits,
	       size_t max);

/*
 * Match x in s, only in windows from `before` bytes before to `after`
 * bytes after each hit with keyword id (id < 0: any hit); windows start at
 * a word start and are tried in text order.  Returns 1 at the first match,
 * with *m relative to s.
 */
int rx_find_hits(const struct rx *x, struct slice s, const struct kw_hit *hits, size_t nhits,
		 int id, size_t before, size_t after, struct rx_match *m);

#endif
