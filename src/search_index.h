/*
 * search_index.h - the static search index read by static/search.js.
 *
 * search_index_write() turns the postings of a site into a folder of small
 * files that the browser fetches on demand, so the first query of a large
 * site costs tens of kilobytes, not the whole index.  Every file is written
 * twice: NAME.json (for fetch) and NAME.js, which is
 *     __jobsiteSearch.load("NAME",<the same JSON>);
 * so that the page also works from file:// (where fetch is refused) under a
 * CSP of script-src 'self'.
 *
 * Ids: posting i of the array is id i.  The caller passes the postings in
 * site order (newest first), so "newest" is id order and costs nothing.
 *
 * Files (all under OUTDIR/<opts->dir>/, JSON):
 *   manifest.json   fixed name, a few KB: tokenizer rules, the ranking's
 *                   constants ("rank": k1, head boost, field and tf-bucket
 *                   weights), shard ranges and names, row-block groups,
 *                   facet values with counts and pack names, salary
 *                   chunks, the typo vocabulary's name.
 *   w<T>-<k>-<h>    word shard k of tier T (0: title, employer, city;
 *                   1: description), alphabetical ranges cut by byte size:
 *                   {"w":[words],"d":[doc freq],"p":[lists]}.  A list is a
 *                   string of varints (see below) of (gap << S) | score, S = 3
 *                   for tier 0 (score = field mask: 1 title, 2 employer,
 *                   4 city) and S = 2 for tier 1 (score = term frequency
 *                   bucket: 0 = 1, 1 = 2, 2 = 3-4, 3 = 5+).  A list that
 *                   starts with "!" holds, with S = 0, the ids that do NOT
 *                   have the word (words in more than half the postings).
 *                   A list that starts with "@" names the word's list
 *                   file (l-<h>): lists longer than an eighth of the
 *                   shard size (512 bytes by default) live there, so a
 *                   shard is mostly words and a query fetches only the
 *                   lists it reads.  One file per word holds both tiers'
 *                   long lists and hints: {"h": head list, "b": body
 *                   list, "r": [[id, row fields...], ...]}, with what the
 *                   word has.  The hints "r" are the rows (as in a row
 *                   block) of the postings a query ranks first: in a file
 *                   with a head list (not a complement), the first 12 for
 *                   the word alone and the first 12 for the word with each
 *                   of the 4 head words sharing most of its postings; else
 *                   in a file with a body list, the first 12 for the word
 *                   alone.  They spare the first page its row blocks and
 *                   never change it.  On sites of
 *                   5,000 postings or more, a body word in more than a
 *                   tenth of the postings is pruned (full lists of these
 *                   would take the body tier from ~25 to ~117 B/posting of
 *                   entropy at 100,000): "~" + the list of only the
 *                   postings where it is most frequent (tf >= 2, else 3,
 *                   else 5, whichever first fits in a tenth), or "*" when
 *                   none fits; the query treats "*" as a body stopword.
 *   r<k>-<h>        row block k: rows of ids [k*R, k*R+R), each
 *                   [slug, title, employer, city, state, workplace, salary
 *                   as displayed, date, employment type];
 *                   "" for a missing value.  <h> is the hash of the group of
 *                   G blocks the block is in, so the manifest lists N/(R*G)
 *                   hashes, not one per block.
 *                   Facet groups: {"name", "nvalues", "values", "packs"};
 *                   values is [[value, label, count, pack index], ...] in
 *                   display order (count, or pay for bands), or the name
 *                   of a file fv-<group>-<h> holding that array when the
 *                   group has more than 64 values (employers); such a
 *                   group also has "top": its first 9 values, which the
 *                   page shows (8 and "Show all") until a filter or
 *                   "Show all" needs the rest.
 *   f-<group>-<k>-<h> facet pack: {"value": list (S = 0), ...}.
 *   s<k>-<h>        salary chunk k: 2 characters per id (ids k*C...): the
 *                   annual top of the pay range in $1,000 (0 = not stated).
 *   v-<h>           typo vocabulary: {"w":[words],"d":[doc freq]}, sorted.
 *
 * Varints: base64url digits (A-Z a-z 0-9 - _ = 0..63), 5 value bits each,
 * low bits first, 32 = "more digits follow".  gap = id - previous id - 1,
 * the previous id of the first entry being -1.
 *
 * <h> is the first 10 hex digits of the 64-bit XXH3 of the content, so a
 * host may cache every file but the manifest forever.  Output depends only
 * on the input (no threads, no clock): same postings, same bytes.
 */
#ifndef JOBSITE_SEARCH_INDEX_H
#define JOBSITE_SEARCH_INDEX_H

#include <stddef.h>

#include "band.h"
#include "buf.h"
#include "diag.h"
#include "posting.h"

/* What was written, for the build report. */
struct search_stats {
	size_t files;       /* logical files (each also has a .js twin) */
	size_t bytes;       /* bytes of the .json files */
	size_t terms[2];    /* distinct words per tier */
	size_t shards[2];   /* shards per tier */
	size_t patched;     /* body table from the last index, postings patched in; 0 = made afresh */
	int from_last;      /* 1: the body table came from the last index */
	int head_patched;   /* 1: and the head table, postings patched in */
	size_t finals_kept; /* of its lists, final forms ("!", "~") as the last index made them */
	size_t hints_kept;  /* words whose hints the last index's memo gave */
	size_t hints_made;  /* words whose hints were ranked afresh */
	size_t rows_kept;   /* rows taken from the last index's */
};

struct search_opts {
	const char *dir;        /* folder under outdir; NULL = SEARCH_DEFAULT_DIR */
	size_t shard_bytes;     /* target size of a word shard (a facet pack: 4 times it); 0 = 4096 */
	size_t rows_per_block;  /* 0 = 10 */
	int no_script_twins;    /* 1: do not write the .js files */
	const struct band_table *bands; /* band labels; NULL = made from slugs */
	struct search_stats *stats; /* filled when not NULL */
	int threads;            /* > 1: body words read on 2 threads (same bytes) */
	/* When set, files go through this instead of being written into
	 * OUTDIR: `rel` is "<dir>/<name>"; 0 or -1 (errno set). */
	int (*write)(void *ctx, const char *rel, struct slice data);
	void *write_ctx;
	/*
	 * A memo of each posting's body words, the slow part of the index
	 * (the build cache keeps it by record): words_get returns the bytes
	 * words_put was once given for this posting's record, or an empty
	 * slice (called from two threads); words_put gets every posting's, in
	 * id order, on the index's thread.  The bytes are this file's own.
	 */
	struct slice (*words_get)(void *ctx, const struct posting *p);
	void (*words_put)(void *ctx, const struct posting *p, struct slice words);
	/* Instead of words_put with the words words_get gives (a patched
	 * index's unchanged postings): 1 when the memo keeps them without
	 * reading them, 0 when words_put must be called.  May be NULL. */
	int (*words_keep)(void *ctx, const struct posting *p);
	void *words_ctx;
	/*
	 * The body term table of the last index (bytes body_put was given,
	 * or empty), to patch for the few postings whose record changed
	 * instead of reading every posting's words again; words_by_key finds
	 * the words of a record that is gone.  All may be NULL.
	 */
	struct slice (*body_get)(void *ctx);
	void (*body_put)(void *ctx, struct slice table);
	struct slice (*words_by_key)(void *ctx, const unsigned long long key[2]);
};

#define SEARCH_DEFAULT_DIR "search/data"

/*
 * Write the index of postings[0..n) into OUTDIR/<dir>/ (created; files of an
 * older index there are left alone: names differ when contents do).  The
 * postings must be in site order, newest first; postings[i]->id is the page
 * slug (jobs/<id>/).  Reads the postings, keeps no pointer to them.  Returns
 * 0, or -1 after reporting the failing path to `d`.
 */
int search_index_write(struct posting *const *postings, size_t n,
		       const char *outdir, const struct search_opts *opts,
		       struct diag *d);

/* The two word tiers. */
enum search_tier { SEARCH_TIER_HEAD = 0, SEARCH_TIER_BODY = 1 };

/*
 * Split text into index words exactly as search.js does: NFKD, marks
 * removed, case folded, runs of letters and digits; words of 2 to 24
 * characters; stopwords dropped; in the body tier, words of digits only are
 * dropped too.  Appends the words (in text order, repeats kept) to out.
 */
void search_tokenize(struct slice text, enum search_tier tier,
		     struct strlist *out);

/* Decode a varint list (without "!"/"@" prefix) into ids and scores.
 * Returns the number of entries, or -1 if malformed.  *ids and *scores
 * (may be NULL) are malloc'd; the caller frees them. */
long search_list_decode(struct slice list, unsigned shift, unsigned **ids,
			unsigned **scores);

#endif
