/*
 * feeds.h - Atom feeds: the site's newest open postings (feed.xml) and one
 * feed per employer and per state (employers/<slug>/feed.xml, ...).
 *
 * Entry links are absolute when base_url is set, else relative to the feed
 * (Atom resolves them against the feed's own URL).  Entry ids are the
 * absolute page URL, or "urn:jobsite:jobs:<slug>" without base_url.
 * Dates come from the postings and the build date only.
 */
#ifndef JOBSITE_FEEDS_H
#define JOBSITE_FEEDS_H

#include "config.h"
#include "outdir.h"
#include "site.h"

/*
 * Write every feed; returns how many, or -1 on a write error (o->error).
 * With `key_base` (16 bytes, see pages.h) a feed made from the same
 * entries as the one in the output is kept as it is (incremental builds).
 */
long feeds_write(const struct site *s, const struct config *c, struct outdir *o,
		 const unsigned char *key_base);

#endif
