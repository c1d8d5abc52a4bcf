/*
 * descstore.h - descriptions kept in a file beside the output.
 *
 * A posting's description HTML and text are most of its bytes (about
 * 9 KB of the 10 KB a generated posting holds), and a build needs them
 * only now and then: once for the posting's page, once for the search
 * index, for a feed's newest items.  Held in memory they were the whole
 * of a 100,000-posting build's 1.1 GiB peak.
 *
 * descstore_put() writes them to .jobsite-cache/<output>.desc (the page
 * cache holds it, not the process) and leaves in the posting what the
 * rest of a build reads of them on every page: the card summary and a
 * hash for finding duplicates.  The file is also the build cache's copy
 * of the descriptions (cache.h): a cached posting's record says where its
 * description is, so a cold build writes each description once, and a
 * rebuild reads only those its pages need.  The file starts with an id,
 * which the postings cache names; new descriptions are added at its end.
 *
 * Every description is read back against the check hashes taken when it
 * was put.  One that does not match (a damaged or truncated file) is made
 * again from the posting's source file, with a warning on the store's
 * diag (descstore_repair_with); only when that fails too does the read
 * fail.
 *
 * A posting that was put has description_html and description_text NULL
 * until posting_desc_load(), which reads them back into memory;
 * posting_desc_unload() lets them go again.  posting_desc_text() reads
 * the text for another thread (the search index's) without touching the
 * posting.  Loading and unloading change the posting: one thread at a
 * time, and not while another reads its description fields.  Postings
 * never put (built without a store) pass through all of these unchanged.
 */
#ifndef JOBSITE_DESCSTORE_H
#define JOBSITE_DESCSTORE_H

#include <stdint.h>

#include "buf.h"
#include "posting.h"

/* The first byte of the file a description can be at (after its header). */
#define DESC_FIRST 32

/* The bytes p's description takes in the store (HTML and text). */
static inline size_t posting_desc_bytes(const struct posting *p)
{
	return (p->desc_html_len == DESC_ABSENT ? 0 : p->desc_html_len) +
	       (size_t)(p->desc_text_len == DESC_ABSENT ? 0 : p->desc_text_len);
}

/* The card summary's length (jobfmt_summary), kept for every posting. */
#define DESC_SUMMARY_CHARS 180

struct descstore;
struct diag;
struct ingest_opts;

/*
 * The store in file `path` (its folder is created if missing), or NULL
 * when it cannot be made: postings then keep their descriptions in
 * memory.  `want`: the id the postings cache names, or NULL for none.
 * When the file holds that id it is kept and added to (*kept = 1);
 * otherwise a new, empty file with a new id replaces it (*kept = 0).
 */
struct descstore *descstore_open(const char *path, const unsigned char want[16], int *kept);
void descstore_close(struct descstore *s);
/* The file's id (16 bytes) and its size in bytes. */
const unsigned char *descstore_id(const struct descstore *s);
long long descstore_size(const struct descstore *s);
/* Damaged descriptions are made again from the posting's source with
 * these options (copied; no cache, no store) and said on `d`. */
void descstore_repair_with(struct descstore *s, const struct ingest_opts *o, struct diag *d);
/* How many postings' descriptions were made again so far. */
unsigned descstore_repaired(const struct descstore *s);
/* No description is read any more: the file is closed, and a read after
 * this fails. */
void descstore_drop(struct descstore *s);
/* 0, or the errno of the first read that failed: the build must fail,
 * some page or index lacks its description. */
int descstore_failed(const struct descstore *s);
/* The check hash a description part is read back against (NULL: absent). */
uint64_t descstore_check(const char *s, size_t n);

/* Move p's descriptions into the store (any thread).  Returns 0, or -1
 * when they stay in memory (a write failed; nothing is lost). */
int descstore_put(struct descstore *s, struct posting *p);

/* Read p's descriptions back into description_html/_text.  0, or -1 when
 * the store cannot be read (the fields stay NULL; descstore_failed() says so). */
int posting_desc_load(struct posting *p);
/* Free what posting_desc_load() read (a posting never put is left alone). */
void posting_desc_unload(struct posting *p);

/* p's description text as a slice: in memory, or read into `scratch`
 * (a put posting; safe from any thread). */
struct slice posting_desc_text(const struct posting *p, struct buf *scratch);
/* Both, as description_html and _text would be (NULL when absent); read
 * into `scratch` for a put posting.  Safe from any thread. */
void posting_desc_read(const struct posting *p, struct buf *scratch, const char **html,
		       const char **text);
/* The card summary of p's text (DESC_SUMMARY_CHARS), appended to out. */
void posting_desc_summary(const struct posting *p, struct buf *out);
/* A hash of the description a duplicate must share (the HTML, else the text). */
uint64_t posting_desc_hash(const struct posting *p);

#endif
