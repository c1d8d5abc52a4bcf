/*
 * cache.h - the build cache beside the output, for incremental builds.
 *
 *   .jobsite-cache/<output name>.postings   normalized postings per file
 *   .jobsite-cache/<output name>.desc       their descriptions (descstore.h)
 *   .jobsite-cache/<output name>.manifest   every output file: size, hash
 *
 * Both files start with a magic, a format version, a stamp of the jobsite
 * binary that wrote them (a hash of the executable, so a rebuilt jobsite
 * never trusts an older one's cache), a key of the options they depend on,
 * and an XXH3-128 checksum of the rest.  A file that fails any of these is
 * ignored: missing or from another version or other options quietly (a
 * note), corrupt or truncated with a warning; the build is then a full one.
 *
 * Postings: a file whose size, mtime, ctime and inode match its entry is
 * not read at all; one whose stat differs is read and hashed, and a
 * matching content hash still skips parsing.  Only files that gave
 * postings and no skip are cached.  Their warnings are reported again on a
 * hit, so a cached build prints and counts what a cold one does.
 *
 * Manifest: the size and XXH3-128 of every file in the output.  The output
 * folder writes only files whose bytes differ from it (outdir.h).
 */
#ifndef JOBSITE_CACHE_H
#define JOBSITE_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "band.h"
#include "buf.h"
#include "diag.h"
#include "ingest.h"

struct cache_hash {
	uint64_t lo, hi;
};

struct cache_hash cache_hash_bytes(const void *p, size_t n);
static inline int cache_hash_eq(struct cache_hash a, struct cache_hash b)
{
	return a.lo == b.lo && a.hi == b.hi;
}
/* As the 16 bytes page keys travel in (pages.h), and back. */
static inline void cache_hash_to16(struct cache_hash h, unsigned char out[16])
{
	memcpy(out, &h.lo, 8);
	memcpy(out + 8, &h.hi, 8);
}
static inline struct cache_hash cache_hash_from16(const unsigned char in[16])
{
	struct cache_hash h;
	memcpy(&h.lo, in, 8);
	memcpy(&h.hi, in + 8, 8);
	return h;
}

struct cache_table;     /* path -> entry, open addressing */
struct cache_fresh;     /* what a file of this run puts in the next cache */
struct stream;          /* a cache file being written */
struct words_out;       /* the next words file and its delta */

struct build_cache {
	char *dir;              /* ".jobsite-cache" beside the output */
	char *postings_path;
	char *manifest_path;
	struct cache_hash stamp;/* the binary + format version */
	struct diag *d;

	/* postings read at open (ingest); entries point into `pblob` or `pdblob` */
	char *postings_delta_path;
	struct buf pblob;       /* mapped (pmapped) or, in tests, read */
	int pmapped;
	struct cache_hash psum; /* its checksum: the key of its delta */
	size_t pbase_entries;
	struct buf pdblob;      /* the delta: entries changed since (mapped) */
	int pdmapped;
	struct cache_table *ptab;
	/* the postings file's entries in order: each one's ptab slot (the
	 * walk lists the files as the last build did: no lookup needed) */
	size_t *pslot_of, npslot;
	struct cache_hash ingest_key;
	/* this run's entries, one per file given to cache_ingest_begin() */
	struct cache_fresh *fresh;
	size_t nfresh;
	int pchanged;           /* something differs: write the file again */
	size_t hits, misses;

	/* the manifest read at open (mapped: mmapped); entries point into `mblob` */
	struct buf mblob;
	int mmapped;
	struct cache_table *mtab;
	unsigned char *mseen;           /* per mtab slot: cache_manifest_seen() */
	/* the manifest's files in order (at, as the helper lists them): each
	 * one's mtab slot, and each slot's place (cache_manifest_find) */
	size_t *mslot_of, *mat_of;
	struct cache_table *dtab;       /* the output's folders, with mtimes */
	int manifest_ok;
	struct cache_hash manifest_key; /* the search key of that output */
	struct cache_hash search_key;   /* this build's (cache_search_key) */

	/* each posting's body words for the search index, by record key */
	char *words_path, *words_delta_path;
	struct buf wblob;
	int wmapped;
	struct cache_hash wsum;
	size_t wbase_entries;
	struct buf wdblob;
	int wdmapped;

	char *last_path;        /* the last build's record */
	char *walk_path;        /* the walk's memo (cache_walk_get) */
	int manifest_read;

	/* the search index's body term table of the last build (search_index.h) */
	char *body_path;
	struct buf bblob;
	int bmapped, body_read;
	char *site_path;        /* the site model's memo */
	struct buf sblob;
	int smapped, site_read;
	struct cache_table *wtab;       /* read by cache_words_begin() */
	int words_forgotten;            /* --no-cache: read none */
	struct words_out *wout;         /* the next words file, being made */
	struct mprefetch *mpre;         /* cache_manifest_early() */

	/* the descriptions file the postings' records point into (descstore.h) */
	char *desc_path;
	unsigned char desc_id[16];      /* its id, as the postings file names it */
	struct descstore *store;        /* cache_descriptions() */
	long long desc_size;            /* its size when opened */
	int desc_short;                 /* a record pointed past its end */
	unsigned words_damaged;         /* words entries that failed their check */
};

/* A file of the old manifest. */
struct cache_file {
	const char *path;       /* relative to the output, not NUL-terminated */
	size_t path_len;
	uint64_t size;
	struct cache_hash hash;
	struct cache_hash key;  /* what the page was made from; 0 = unknown */
	size_t entry;           /* its number, for cache_manifest_entry_same/_seen */
	int seen;               /* this build makes it (cache_manifest_seen) */
};

/*
 * Open the cache of output folder `output` and read what is there.
 * Problems are reported to `d` (never counted as warnings) and leave the
 * part concerned empty.  `ingest` are the options that decide a posting's
 * record (their hash keys the postings file).
 */
void cache_open(struct build_cache *c, const char *output, const struct ingest_opts *ingest,
		struct diag *d);
/* cache_open() in two steps: where the files are (and this binary's
 * stamp), then reading them. */
void cache_locate(struct build_cache *c, const char *output, struct diag *d);
void cache_read(struct build_cache *c, const struct ingest_opts *ingest);
/*
 * The descriptions file (descstore.h), after cache_read(): the one the
 * postings cache names, kept and added to, or else a new one, and then
 * the postings cache is not used (said on the diag).  Damaged
 * descriptions are made again with `o`.  NULL when no file can be made:
 * no postings are taken from the cache or saved to it.  Closed by
 * cache_close(), after every posting that points to it is freed.
 */
struct descstore *cache_descriptions(struct build_cache *c, const struct ingest_opts *o);
/* No description is read any more (descstore_drop); when some had to be
 * made again, the postings cache and its descriptions go. */
void cache_descriptions_end(struct build_cache *c);
/* Trust nothing read (--no-cache); the files are still written afresh. */
void cache_forget(struct build_cache *c);
void cache_close(struct build_cache *c);

/* Before ingest_files(): `n` files, in order. */
void cache_ingest_begin(struct build_cache *c, size_t n);
/*
 * ingest_file() for file `i`, through the cache: the postings of an
 * unchanged file come from it, others are parsed and recorded.  Safe to
 * call from several threads for different `i`.  `st`: the file's stat as
 * the walk saw it, or NULL (or st_mode 0) to take it here.
 */
struct stat;
int cache_ingest_file(struct build_cache *c, size_t i, const char *path, const struct stat *st,
		      const struct ingest_opts *opts, struct diag *d, struct posting_list *out);
/* Write the postings file if anything changed (files added, edited, gone);
 * `l` is what ingest_files() made of the files, in their order.  0, or -1
 * (reported to d: the next build is then a cold one). */
int cache_ingest_save(struct build_cache *c, const struct posting_list *l);

/*
 * The hash of everything the search index reads (the postings as given,
 * in order, the band labels, this binary; a posting with a record key by
 * that key and the fields a copy may change), kept in the manifest: equal to
 * c->manifest_key, the index in the output is the one this build makes.
 */
struct cache_hash cache_search_key(struct build_cache *c, struct posting *const *v, size_t n,
				   const struct band_table *bands);

/*
 * The search index's memo of body words (search_index.h, words_get/put),
 * in .jobsite-cache/<output>.words: opaque bytes per record key.  The
 * file is read by cache_words_begin(), on the index's thread, only when
 * the index is rebuilt.  cache_words_get() is safe from any thread
 * after it; cache_words_put() takes
 * every posting of the index in order, between cache_words_begin() and
 * cache_words_end() (ok = 0: the index failed, keep the old file).
 */
struct slice cache_words_get(struct build_cache *c, const unsigned long long key[2]);
void cache_words_begin(struct build_cache *c);
void cache_words_put(struct build_cache *c, const unsigned long long key[2], struct slice words);
/* cache_words_put() of what the words file already holds for `key`,
 * without reading it: 1, or 0 when it must be put. */
int cache_words_keep(struct build_cache *c, const unsigned long long key[2]);
void cache_words_end(struct build_cache *c, int ok);

/*
 * The output as the build starts, checked against the old manifest on a
 * helper thread while the build walks, reads and models: each file's size
 * and type, each folder's mtime, one stat each.  cache_manifest_early(),
 * right after cache_locate(), starts the helper before the walk; it reads
 * and indexes the manifest itself, and cache_last_check() and cache_read()
 * wait for that.  Without it, cache_last_check() never says "nothing to
 * do" and outdir.c stats what it asks about itself.  The questions outdir.c
 * would otherwise answer with a stat of its own: 1 (as the manifest
 * says), 0 (not), or -1 (not known: no helper, or no such entry).  The
 * first question stats what is left beside the helper and waits for it.
 * A change made to the output during the build itself may go unseen, as
 * it may with the stats taken later.
 */
void cache_manifest_early(struct build_cache *c, const char *output);
/* The answer for the file of an entry cache_manifest_find() gave. */
int cache_manifest_entry_same(struct build_cache *c, size_t entry);
/*
 * Entry `entry` of the old manifest is among this build's files: the
 * commit then skips it when it looks for files to remove, without a
 * lookup of its own.  Threads may mark different entries at once.
 */
void cache_manifest_seen(struct build_cache *c, size_t entry);

/* The old manifest's entry for `rel`, or NULL. */
const struct cache_file *cache_manifest_find(const struct build_cache *c, const char *rel);
/* Every entry of the old manifest, in its order; fn returns nonzero to stop. */
void cache_manifest_each(const struct build_cache *c,
			 int (*fn)(void *ctx, const struct cache_file *f), void *ctx);
/* The same for the entries no cache_manifest_seen() marked. */
void cache_manifest_each_unseen(const struct build_cache *c,
				int (*fn)(void *ctx, const struct cache_file *f), void *ctx);
/* How many files the old manifest lists (0 without one). */
size_t cache_manifest_nfiles(const struct build_cache *c);
/* Forget the manifest on disk (before the output changes in place). */
void cache_manifest_drop(struct build_cache *c);
/* Write the manifest of the output just committed: `n` files. */
struct manifest_item {
	char *path;
	uint64_t size;
	struct cache_hash hash;
	struct cache_hash key;  /* page_info.key; 0 = none */
};
/* A folder of the output, and its mtime once the build was in place. */
struct manifest_dir {
	char *path;             /* "" = the output folder itself */
	int64_t mtime_ns;
};
int cache_manifest_save(struct build_cache *c, const struct manifest_item *v, size_t n,
			const struct manifest_dir *dirs, size_t ndirs);
/* The mtime the old manifest has for folder `rel`: 1, or 0 if none; and
 * in *same whether the folder was as it says when the build started, as
 * cache_manifest_entry_same() answers for a file. */
int cache_manifest_dir(struct build_cache *c, const char *rel, int64_t *mtime_ns, int *same);
/* The same for the folder this build lists k-th: the last build's k-th
 * folder when it is `rel` (one edit leaves the order as it was), which
 * spares a lookup of each of 120,000 folders; else cache_manifest_dir(). */
int cache_manifest_dir_nth(struct build_cache *c, size_t k, const char *rel, int64_t *mtime_ns,
			   int *same);

/*
 * For tests and fuzzing: take `payload` as the body of a postings file
 * (manifest = 0) or a manifest (1) whose envelope checked out, then decode
 * every postings entry as a cache hit would (postings appended to `out`,
 * warnings to `d`).  Returns the entries that decoded.
 */
void cache_load_payload(struct build_cache *c, int manifest, struct slice payload);
size_t cache_decode_all(struct build_cache *c, const struct ingest_opts *o, struct diag *d,
			struct posting_list *out);

/*
 * The search index's body term table as the last index left it (read on the
 * first call; empty when absent, damaged or forgotten), and the next one.
 */
struct slice cache_body_get(struct build_cache *c);
void cache_body_put(struct build_cache *c, struct slice table);
/* The same for the site model's memo (site.h). */
struct slice cache_site_get(struct build_cache *c);
void cache_site_put(struct build_cache *c, struct slice memo);

/*
 * "Nothing to do": the last build's record, .jobsite-cache/<output>.last.
 * It holds what the last successful build was made from: `key` (the
 * binary, the config, the templates and static files, the options: see
 * build.c), the posting files by path and stat as the walk saw them (the
 * same test an unchanged file passes in cache_ingest_file()), the warnings
 * it reported and its summary.  cache_last_check() returns 1 when all of
 * that holds again and the output is as the manifest says: every file
 * there with its size (as a kept page is checked), every folder with its
 * mtime (as commit checks for stray files), by the stats of the helper
 * cache_manifest_early() started (without it: 0).  The build would then write
 * nothing: the record's warnings are reported again to d, and its summary
 * (head and tail, to print around the "files written" line) is returned.
 * A record that is missing, corrupt or from another binary is ignored, as
 * every cache file is.  cache_last_drop() removes it: a build that may
 * change the output does so first, and only a successful one saves it.
 */
struct ingest_found;
int cache_last_check(struct build_cache *c, struct cache_hash key, const struct ingest_found *f,
		     struct diag *d, char **head, char **tail);
void cache_last_drop(struct build_cache *c);
int cache_last_save(struct build_cache *c, struct cache_hash key, const struct ingest_found *f,
		    const struct diag *d, const char *head, const char *tail);
/* ... in two steps: its payload appended to `out` (it only reads c), then saved. */
void cache_last_payload(const struct build_cache *c, const struct ingest_found *f,
			const struct diag *d, const char *head, const char *tail, struct buf *out);
int cache_last_write(struct build_cache *c, struct cache_hash key, struct slice payload);

/*
 * The walk's memo (`.walk`): the content folder's posting files as the
 * last full walk listed them, with every folder it read and that folder's
 * mtime.  Adding, removing or renaming an entry changes its folder's
 * mtime, so while every folder has the mtime it had, the walk would list
 * the same names and its readdir of 100,000 names can be skipped; the
 * files are still stat'ed, as ever, to find those edited in place.
 * cache_walk_get() fills `f` (paths only) and returns 1 when the memo is
 * of the same folder from the same working folder and every folder holds;
 * else 0 and `f` untouched.  cache_walk_put() saves it after a walk that
 * met nothing but folders and regular files and said nothing
 * (`f->unclean` unset), and only when every folder had been left alone
 * for RACY_SECONDS before the walk began (`started_ns`): a folder changed
 * within its mtime's granularity might change again unseen.  Else it
 * removes any memo.
 */
int cache_walk_get(struct build_cache *c, const char *content, struct ingest_found *f);
void cache_walk_put(struct build_cache *c, const char *content, const struct ingest_found *f,
		    int64_t started_ns);

#endif
