/*
 * rx.h - PCRE2 patterns compiled once, JIT-compiled, matched with limits.
 *
 * Patterns are UTF-8 and matched in UTF mode with Unicode properties.  Every
 * match runs under a match limit and a depth limit (RX_MATCH_LIMIT,
 * RX_DEPTH_LIMIT), so no input can make a pattern run away; hitting a limit
 * counts as "no match" and is counted in rx_limit_hits().
 *
 * A compiled pattern is immutable and may be used from several threads at
 * once; match data is per thread.
 */
#ifndef JOBSITE_RX_H
#define JOBSITE_RX_H

#include <stdint.h>

#include "buf.h"

#define RX_MAX_GROUPS 16
#define RX_MATCH_LIMIT 1000000u
#define RX_DEPTH_LIMIT 10000u

/* Compile flags (a subset of PCRE2's, renamed to keep pcre2.h private). */
enum {
	RX_CASELESS = 1u << 0,
	RX_MULTILINE = 1u << 1,  /* ^ and $ match at line breaks */
	RX_DOTALL = 1u << 2,
	RX_EXTENDED = 1u << 3,   /* whitespace and # comments in the pattern */
};

struct rx;

struct rx_match {
	int ngroups;                        /* groups captured, incl. group 0 */
	size_t start[RX_MAX_GROUPS];        /* byte offsets; SIZE_MAX = unset */
	size_t end[RX_MAX_GROUPS];
};

/*
 * Compile `pattern`.  A pattern that does not compile is a programming
 * error: the message names it and the process aborts.
 */
struct rx *rx_compile(const char *pattern, unsigned flags);
void rx_free(struct rx *r);

/*
 * Compile on first use and cache in *slot (thread-safe).  For patterns kept
 * in a static variable: `static struct rx *r; rx_find(rx_lazy(&r, "..", 0), ..)`.
 */
const struct rx *rx_lazy(struct rx **slot, const char *pattern, unsigned flags);

/*
 * Find the first match in subject at or after byte `from`.  Returns 1 and
 * fills *m (may be NULL), or 0 when there is no match (or a limit was hit).
 */
int rx_find(const struct rx *r, struct slice subject, size_t from,
	    struct rx_match *m);

/* Group i of a match as a slice ({NULL,0} when unset). */
struct slice rx_group(struct slice subject, const struct rx_match *m, int i);

/* How many matches ended at a limit, since the start of the process. */
unsigned long rx_limit_hits(void);

/* Free the calling thread's match data (call before a worker thread ends). */
void rx_thread_release(void);

#endif
