/*
 * geo.h - US states, larger US cities, and locations in posting text.
 *
 * Tables are static and read-only; every function is pure and thread-safe.
 * Returned strings are static (never freed).  Inputs are UTF-8 slices;
 * leftover Markdown emphasis (`*`, `_`, backticks), emoji badges and
 * non-breaking spaces are tolerated.
 */
#ifndef JOBSITE_GEO_H
#define JOBSITE_GEO_H

#include <stddef.h>

#include "buf.h"
#include "posting.h"

/*
 * USPS code of a US state or DC from its name ("Florida", "florida",
 * "District of Columbia", "Washington DC", "D.C."), its code ("FL"; any
 * case) or an AP abbreviation ("Fla.", "Calif.", "N.Y.").  NULL if none.
 */
const char *geo_state_code(struct slice name_or_code);

/* "FL" -> "Florida"; NULL for an unknown code. */
const char *geo_state_name(const char *code);

/*
 * The state of a US city ("Atlanta" -> "GA"; "St. Louis"/"Saint Louis" ->
 * "MO"), only when the name belongs to one state in the table; cities the
 * table knows in several states ("Portland", "Springfield", "Kansas City",
 * "Columbus") give NULL.  Case-insensitive.
 */
const char *geo_city_state(struct slice city);

/* 1 if the table knows `city` in `state` ("Portland", "ME"). */
int geo_city_in_state(struct slice city, const char *state);

struct location {
	char city[80];       /* as written, "" = none */
	char state[3];       /* USPS code, "" = none (also outside the US) */
	enum workplace workplace;   /* stated with the location ("Hybrid - X") */
	int remote_us;       /* "Remote - US", "anywhere in the US" */
	int foreign;         /* a country other than the US was named */
	size_t start, end;   /* byte span of what was understood, in the input */
};

/*
 * Parse a location value (front matter `location:`, "Location: ..." text):
 * "Atlanta, GA", "Atlanta, Georgia", "Atlanta, GA 30303", "Remote - US",
 * "Remote (US)", "US - Remote", "Remote (FL)", "Remote (must reside in
 * Florida)", "Remote - Florida residents only", "Hybrid - Austin, TX",
 * "Hybrid (Portland, ME)", "Denver, CO (On-site)", "Onsite in Denver, CO",
 * "Hybrid remote in Austin, TX", "In person", "Florida Market", "Florida",
 * "Atlanta" (state from the city table when unambiguous), "Toronto, ON,
 * Canada" (city, no state), "Washington, DC" (DC), "Washington" (WA).
 * Returns 1 if a city, a state or a workplace was understood, else 0.
 */
int location_parse(struct slice s, struct location *out);

/*
 * Find where a posting's job is, from its whole text.  In order of trust:
 * "Location:"-style lines; "Company | City, ST | 2024" heading lines;
 * emoji badges ("🌎 Remote", "🏢 Hybrid - Stamford, CT"); residence
 * phrases ("Must reside in Florida", "open to Texas residents only");
 * "based in / located in / in City, ST" in prose; "<State> Market"; "in our
 * Atlanta office" (known cities only); and as a last resort an
 * organization name ("University of Maryland ..." -> MD).  Two-letter
 * words are taken as states only in "City, ST" form, so "IN", "OR", "ME"
 * in prose and "CA and Metro NY" are ignored.  The workplace in *out is
 * only what the location phrases state (see workplace_find for prose).
 * Returns 1 if anything was found.
 */
int location_find(struct slice text, struct location *out);

#endif
