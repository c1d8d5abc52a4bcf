/*
 * t_descstore.c - descriptions set aside in a file and read back
 * (descstore.h): the same bytes, the same summary and duplicate hash as a
 * posting that kept them, from several threads at once.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "descstore.h"
#include "diag.h"
#include "ingest.h"
#include "jobfmt.h"
#include "site.h"
#include "tap.h"
#include "util.h"

/* A new store file `name` in dir. */
static struct descstore *open_in(const char *dir, const char *name)
{
	char *path = path_join(dir, name);
	int kept = 1;
	struct descstore *s = descstore_open(path, NULL, &kept);
	if (s && kept)
		s = NULL; /* leaked: the test fails below */
	free(path);
	return s;
}

static struct posting *mk(const char *src, const char *html, const char *text)
{
	struct posting *p = posting_new(src);
	p->id = xstrdup(src);
	p->title = xstrdup("Provider Relations Advocate");
	p->employer = xstrdup("Optum");
	memcpy(p->state, "FL", 3);
	memcpy(p->date_posted, "2026-11-01", 11);
	p->description_html = html ? xstrdup(html) : NULL;
	p->description_text = text ? xstrdup(text) : NULL;
	return p;
}

/* A text of n bytes with words and line breaks, different per seed. */
static char *long_text(size_t n, unsigned seed)
{
	char *t = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		unsigned r = (seed >> 16) % 13;
		t[i] = r == 0 ? ' ' : r == 1 ? '\n' : (char)('a' + (seed >> 8) % 26);
	}
	t[n] = 0;
	return t;
}

static void test_roundtrip(const char *dir)
{
	struct descstore *s = open_in(dir, "roundtrip.desc");
	CHECK(s != NULL, "a store opens in %s", dir);
	if (!s)
		return;
	char *big = long_text(70000, 7);
	struct {
		const char *html, *text;
	} cases[] = {
		{ "<p>Do the work.</p>", "Do the work." },
		{ NULL, "Only text, as a JSON posting without HTML gives." },
		{ "<p>Only HTML</p>", NULL },
		{ NULL, NULL },
		{ "", "" },
		{ "<p>caf\xc3\xa9 \xe2\x80\x94 na\xc3\xafve</p>", big },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct posting *kept = mk("kept.md", cases[i].html, cases[i].text);
		struct posting *p = mk("put.md", cases[i].html, cases[i].text);
		struct buf want = BUF_INIT, got = BUF_INIT, scratch = BUF_INIT;
		posting_desc_summary(kept, &want);
		uint64_t hash = posting_desc_hash(kept);

		CHECK(descstore_put(s, p) == 0, "case %zu: put", i);
		CHECK(!p->description_html && !p->description_text,
		      "case %zu: the fields are let go once put", i);
		posting_desc_summary(p, &got);
		CHECK_STR(buf_cstr(&got), buf_cstr(&want), "case %zu: the summary is kept", i);
		CHECK(posting_desc_hash(p) == hash, "case %zu: the duplicate hash is kept", i);

		struct slice t = posting_desc_text(p, &scratch);
		CHECK(t.n == (cases[i].text ? strlen(cases[i].text) : 0) &&
			      !memcmp(t.p, cases[i].text ? cases[i].text : "", t.n),
		      "case %zu: the text reads back without loading", i);
		CHECK(!p->desc_loaded && !p->description_text, "case %zu: and the posting is untouched", i);

		const char *h, *x;
		posting_desc_read(p, &scratch, &h, &x);
		CHECK_STR(h, cases[i].html, "case %zu: read, HTML", i);
		CHECK_STR(x, cases[i].text, "case %zu: read, text", i);

		for (int round = 0; round < 2; round++) {
			CHECK(posting_desc_load(p) == 0, "case %zu: load", i);
			CHECK_STR(p->description_html, cases[i].html, "case %zu: loaded HTML", i);
			CHECK_STR(p->description_text, cases[i].text, "case %zu: loaded text", i);
			/* loaded: the fields are what the readers see */
			t = posting_desc_text(p, &scratch);
			CHECK(t.p == (p->description_text ? p->description_text : t.p),
			      "case %zu: a loaded text is read in place", i);
			posting_desc_unload(p);
			CHECK(!p->description_html && !p->description_text && !p->desc_loaded,
			      "case %zu: unloaded", i);
		}
		CHECK(descstore_put(s, p) < 0, "case %zu: a posting is put once", i);
		buf_release(&want);
		buf_release(&got);
		buf_release(&scratch);
		posting_free(p);
		posting_free(kept);
	}
	/* a read that fails is remembered for the build to fail on */
	CHECK(descstore_failed(s) == 0, "no failed read yet");
	struct posting *lost = mk("lost.md", "<p>gone</p>", "gone");
	descstore_put(s, lost);
	lost->desc_off = 1LL << 40; /* past the end: the read comes back short */
	CHECK(posting_desc_load(lost) < 0, "a short read fails the load");
	CHECK(!lost->description_html && !lost->description_text, "and leaves the fields empty");
	CHECK(descstore_failed(s) != 0, "the store says a read failed");
	posting_free(lost);
	/* a posting never put passes through unchanged */
	struct posting *q = mk("q.md", "<p>x</p>", "x");
	posting_desc_load(q);
	posting_desc_unload(q);
	CHECK_STR(q->description_html, "<p>x</p>", "a posting never put keeps its HTML");
	CHECK_STR(q->description_text, "x", "and its text");
	posting_free(q);
	free(big);
	descstore_close(s);
}

struct putter {
	struct descstore *s;
	struct posting **v;
	size_t from, n, step;
};

static void *put_many(void *arg)
{
	struct putter *u = arg;
	for (size_t i = u->from; i < u->n; i += u->step)
		descstore_put(u->s, u->v[i]);
	return NULL;
}

static void test_threads(const char *dir)
{
	enum { N = 400 };
	struct descstore *s = open_in(dir, "threads.desc");
	if (!s)
		return;
	struct posting **v = xcalloc(N, sizeof *v);
	char **texts = xcalloc(N, sizeof *texts);
	for (size_t i = 0; i < N; i++) {
		texts[i] = long_text(100 + i * 37 % 5000, (unsigned)i);
		struct buf h = BUF_INIT;
		buf_printf(&h, "<p>%zu</p>", i);
		v[i] = mk("t.md", buf_cstr(&h), texts[i]);
		buf_release(&h);
	}
	struct putter a = { s, v, 0, N, 2 }, b = { s, v, 1, N, 2 };
	pthread_t th;
	int started = pthread_create(&th, NULL, put_many, &b) == 0;
	put_many(&a);
	if (started)
		pthread_join(th, NULL);
	else
		put_many(&b);
	size_t good = 0;
	struct buf scratch = BUF_INIT;
	for (size_t i = 0; i < N; i++) {
		struct slice t = posting_desc_text(v[i], &scratch);
		good += v[i]->desc_store && t.n == strlen(texts[i]) && !memcmp(t.p, texts[i], t.n);
	}
	CHECK(good == N, "two threads putting at once: %zu of %d texts read back intact", good, N);
	buf_release(&scratch);
	for (size_t i = 0; i < N; i++) {
		posting_free(v[i]);
		free(texts[i]);
	}
	free(v);
	free(texts);
	descstore_close(s);
}

/* The site model finds duplicates among put postings as among kept ones. */
static void test_duplicates(const char *dir)
{
	struct descstore *s = open_in(dir, "dups.desc");
	if (!s)
		return;
	for (int spill = 0; spill < 2; spill++) {
		struct posting_list l = { 0 };
		posting_list_push(&l, mk("a.md", "<p>Same work.</p>", "Same work."));
		posting_list_push(&l, mk("b.md", "<p>Same work.</p>", "Same work."));
		posting_list_push(&l, mk("c.md", "<p>Other work.</p>", "Other work."));
		free(l.v[2]->id);
		l.v[2]->id = xstrdup("c");
		for (size_t i = 0; spill && i < l.n; i++)
			descstore_put(s, l.v[i]);
		struct diag d;
		diag_init(&d, NULL);
		struct site *site = site_build(&l, NULL, "2026-11-23", &d);
		CHECK(site->nduplicates == 1, "%s: 1 duplicate, got %zu",
		      spill ? "put" : "kept", site->nduplicates);
		CHECK(!l.v[0]->desc_loaded && !l.v[1]->desc_loaded,
		      "%s: the comparison leaves nothing loaded", spill ? "put" : "kept");
		site_free(site);
		posting_list_release(&l);
		diag_release(&d);
	}
	descstore_close(s);
}

/* Dropped once every page is made: the store closes after, and a read
 * that still comes is a failure the build reports, not a crash. */
static void test_drop(const char *dir)
{
	struct descstore *s = open_in(dir, "drop.desc");
	if (!s) {
		CHECK(0, "a store opens");
		return;
	}
	struct posting *p = mk("put.md", "<p>Work.</p>", "Work.");
	CHECK(descstore_put(s, p) == 0, "put");
	CHECK(descstore_failed(s) == 0, "no failure before the drop");
	descstore_drop(s);
	descstore_drop(s); /* twice: nothing more */
	struct buf scratch = BUF_INIT;
	const char *html, *text;
	posting_desc_read(p, &scratch, &html, &text);
	CHECK(descstore_failed(s) != 0, "a read after the drop is a reported failure");
	buf_release(&scratch);
	posting_free(p);
	descstore_close(s);
	CHECK(1, "closed after the drop");
}

/* The file is kept by its id, and started again under any other. */
static void test_reopen(const char *dir)
{
	char *path = path_join(dir, "reopen.desc");
	int kept = 1;
	struct descstore *s = descstore_open(path, NULL, &kept);
	CHECK(s && !kept, "a new file");
	if (!s) {
		free(path);
		return;
	}
	unsigned char id[16];
	memcpy(id, descstore_id(s), 16);
	CHECK(descstore_size(s) == DESC_FIRST, "it holds its header only: %lld", descstore_size(s));
	struct posting *p = mk("a.md", "<p>Kept across builds.</p>", "Kept across builds.");
	descstore_put(s, p);
	long long size = descstore_size(s);
	descstore_close(s);

	s = descstore_open(path, id, &kept);
	CHECK(s && kept, "opened again with its id: kept");
	CHECK(s && descstore_size(s) == size, "with what it held (%lld bytes)", size);
	CHECK(s && !memcmp(descstore_id(s), id, 16), "and the same id");
	/* the old posting's record now points into the reopened file */
	p->desc_store = s;
	CHECK(s && posting_desc_load(p) == 0 && p->description_html &&
		      !strcmp(p->description_html, "<p>Kept across builds.</p>"),
	      "a description put by an earlier build reads back");
	posting_desc_unload(p);
	struct posting *q = mk("b.md", "<p>Added.</p>", "Added.");
	CHECK(s && descstore_put(s, q) == 0 && q->desc_off == size, "a new one goes at its end");
	descstore_close(s);

	unsigned char other[16];
	memcpy(other, id, 16);
	other[0] ^= 1;
	s = descstore_open(path, other, &kept);
	CHECK(s && !kept, "another id: not kept");
	CHECK(s && descstore_size(s) == DESC_FIRST && memcmp(descstore_id(s), id, 16),
	      "a new empty file with a new id");
	descstore_close(s);
	FILE *f = fopen(path, "r+");
	if (f) {
		fputs("garbage", f);
		fclose(f);
	}
	s = descstore_open(path, other, &kept);
	CHECK(s && !kept, "a damaged header: not kept");
	descstore_close(s);
	p->desc_store = q->desc_store = NULL; /* the stores are gone */
	posting_free(p);
	posting_free(q);
	free(path);
}

/* A description that does not read back as written is made again from
 * its source file, with a warning; without a way to, the read fails. */
static void test_damaged(const char *dir)
{
	char *src = path_join(dir, "posting.md");
	FILE *f = fopen(src, "w");
	if (!f) {
		CHECK(0, "write %s", src);
		free(src);
		return;
	}
	fputs("---\ntitle: Provider Relations Advocate\ncompany: Optum\nlocation: Tampa, FL\n---\n\n"
	      "Build **relationships** with providers across Florida.\n\n"
	      "- Resolve claims issues\n- Train office staff\n", f);
	fclose(f);
	struct ingest_opts o = { .keep_description = 1 };
	struct diag quiet, d;
	diag_init(&quiet, NULL);
	FILE *said = tmpfile();
	diag_init(&d, said);
	struct posting_list want = { 0 }, got = { 0 };
	ingest_file(src, &o, &quiet, &want);
	ingest_file(src, &o, &quiet, &got);
	CHECK(want.n == 1 && got.n == 1 && want.v[0]->description_html, "the source gives a posting");
	if (want.n != 1 || got.n != 1) {
		free(src);
		return;
	}
	struct descstore *s = open_in(dir, "damaged.desc");
	struct posting *p = got.v[0];
	CHECK(s && descstore_put(s, p) == 0, "put");
	if (!s) {
		free(src);
		return;
	}
	/* damage a byte of the HTML, and one of the text */
	char *path = path_join(dir, "damaged.desc");
	int fd = open(path, O_WRONLY);
	pwrite(fd, "#", 1, p->desc_off + 3);
	pwrite(fd, "#", 1, p->desc_off + p->desc_html_len + 2);
	close(fd);
	struct buf scratch = BUF_INIT;
	const char *h, *t;
	posting_desc_read(p, &scratch, &h, &t);
	CHECK(descstore_failed(s) != 0, "no way to make it again: the read fails");
	descstore_close(s);

	s = open_in(dir, "damaged2.desc");
	p->desc_store = NULL;
	p->description_html = xstrdup(want.v[0]->description_html);
	p->description_text = xstrdup(want.v[0]->description_text);
	descstore_put(s, p);
	descstore_repair_with(s, &o, &d);
	free(path);
	path = path_join(dir, "damaged2.desc");
	fd = open(path, O_WRONLY);
	pwrite(fd, "#", 1, p->desc_off + 3);
	close(fd);
	truncate(path, p->desc_off + p->desc_html_len + 5); /* the text cut short */
	CHECK(posting_desc_load(p) == 0, "a damaged description loads");
	CHECK_STR(p->description_html, want.v[0]->description_html, "its HTML as the source gives it");
	CHECK_STR(p->description_text, want.v[0]->description_text, "its text as the source gives it");
	posting_desc_unload(p);
	struct slice x = posting_desc_text(p, &scratch);
	CHECK(x.n == strlen(want.v[0]->description_text) &&
		      !memcmp(x.p, want.v[0]->description_text, x.n), "the text alone, too");
	CHECK(descstore_failed(s) == 0, "no failed read");
	CHECK(descstore_repaired(s) == 1, "the posting made again is counted once: %u",
	      descstore_repaired(s));
	int lines = 0;
	char line[512];
	rewind(said);
	while (fgets(line, sizeof line, said))
		lines += strstr(line, "damaged2.desc: warning: build cache is damaged") &&
			 strstr(line, "posting.md' did not read back as written") != NULL;
	CHECK(d.warnings + d.errors == 0 && lines == 1,
	      "and said once (%d), as a cache problem is (not counted as a warning)", lines);
	/* the source changed: what it gives now is not what was put */
	f = fopen(src, "a");
	fputs("\nA line added since.\n", f);
	fclose(f);
	posting_desc_read(p, &scratch, &h, &t);
	CHECK(descstore_failed(s) != 0, "a source that changed since is not taken");
	buf_release(&scratch);
	descstore_close(s);
	p->desc_store = NULL;
	posting_list_release(&want);
	posting_list_release(&got);
	diag_release(&quiet);
	diag_release(&d);
	fclose(said);
	free(path);
	free(src);
}

int main(void)
{
	char dir[] = "/tmp/t_descstore-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	char *sub = path_join(dir, "made/by/the/store");
	test_roundtrip(sub);
	test_threads(dir);
	test_drop(dir);
	test_duplicates(dir);
	test_reopen(dir);
	test_damaged(dir);
	int kept = 1;
	CHECK(descstore_open("/proc/no/such/place/x.desc", NULL, &kept) == NULL && !kept,
	      "a folder that cannot be made gives no store (descriptions stay in memory)");
	char *cmd = xmalloc(strlen(dir) + 16);
	sprintf(cmd, "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0, "clean up");
	free(cmd);
	free(sub);
	return test_done();
}
