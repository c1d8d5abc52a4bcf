/*
 * search_hints.h - the rows a query shows first, for the search index's
 * list files (search_index.c writes them; the format is in search_index.h).
 *
 * A list in a file of its own also carries the rows of the postings that
 * search.js ranks first for a query of its word, so the first results of
 * most queries need no row block:
 *  - a head list (not a complement): the first 12 for its word alone, and
 *    the first 12 for its word with each of the 4 head words (any, not a
 *    complement) whose head lists share most postings with its own
 *    ("payer relations", "software engineer");
 *  - a body list whose word has no such head list: the first 12 for its
 *    word alone.
 * A word's postings are those of its head list and its stored body list;
 * the score is search.js's: BM25-style head field weights (title 3,
 * employer 2, city 1) boosted 1.5, plus the body's tf bucket, in floats as
 * its Float32Arrays; ties go to the newer posting (the lower id).  Hints
 * only save requests: search.js fetches the block of any row it ranks
 * first and has no hint for.
 */
#ifndef JOBSITE_SEARCH_HINTS_H
#define JOBSITE_SEARCH_HINTS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* The ranking's constants (the manifest gives them to search.js). */
extern const double SEARCH_K1, SEARCH_HEAD_BOOST;
extern const double SEARCH_FIELD_W[3], SEARCH_BUCKET_W[4];

/* The score bits of a list entry: head field mask, body tf bucket. */
#define SEARCH_SHIFT_HEAD 3
#define SEARCH_SHIFT_BODY 2

/* A word of one tier as the index writes it. */
struct hint_word {
	const char *word;
	uint32_t df;
	struct slice list;  /* its final list: varints, or "!", "~", "*" + ... */
	int in_file;        /* the list is in the word's list file */
};

/* One tier's words, sorted by word (strcmp). */
struct hint_tier {
	const struct hint_word *v;
	size_t n;
};

/* Word w of tier t, or NULL. */
const struct hint_word *search_hint_find(const struct hint_tier *t, const char *w);

/* Appends posting `id`'s row, a JSON array [slug, title, ...]. */
typedef void (*search_row_fn)(struct buf *b, size_t id, void *ctx);

struct hints;

/* For n postings; the tiers must outlive the result. */
struct hints *search_hints_new(const struct hint_tier *head, const struct hint_tier *body,
			       size_t n, search_row_fn row, void *row_ctx);
void search_hints_free(struct hints *h);

/*
 * If head word i (body word i) carries hints, append them to b as JSON
 * [[id, row fields...], ...], ids ascending, and return 1; else 0.
 */
int search_hints_head(struct hints *h, size_t i, struct buf *b);
int search_hints_body(struct hints *h, size_t i, struct buf *b);

/*
 * The same from several threads at once: each passes a scratch array of
 * search_hints_nhead() + 1 zeros of its own (left all zero), and calls
 * only these two on h (search_hints_body() is read-only).
 */
size_t search_hints_nhead(const struct hints *h);
int search_hints_head_r(struct hints *h, size_t i, struct buf *b, unsigned *count);

/*
 * The hints of the last index (bytes search_hints_memo gave it), to take
 * instead of ranking again every word whose hints cannot have changed:
 * same number of postings, the same lists and document frequencies of
 * the word and of its partners, none of its head postings among the
 * `changed` ids (records not those of the last index at the same id; they
 * may have other title words, so other partners), and the same words
 * excluded from partnership (complements).  Called before any hints are
 * made; returns the memo's words, 0 when it cannot be used (hints are
 * then all made).  The memo's bytes must outlive h.
 */
size_t search_hints_reuse(struct hints *h, struct slice memo, const size_t *changed, size_t nchanged);

/* Append the memo of the hints made so far (every hinted word's). */
void search_hints_memo(const struct hints *h, struct buf *out);

/* Hinted words so far: taken from the memo, ranked afresh. */
void search_hints_counts(const struct hints *h, size_t *kept, size_t *made);

#endif
