#define PCRE2_CODE_UNIT_WIDTH 8
#include "rx.h"

#include <pcre2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "util.h"

struct rx {
	pcre2_code *code;
	const char *pattern;      /* for JOBSITE_RXPROF */
	atomic_ulong calls, ns;   /* counted only under JOBSITE_RXPROF */
	struct rx *prof_next;
};

static pcre2_match_context *match_ctx;
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t lazy_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_ulong limit_hits;
static _Thread_local pcre2_match_data *tl_md;

/*
 * JOBSITE_RXPROF=1 in the environment: every pattern counts its calls and
 * the time spent matching, and the totals go to stderr at exit, costliest
 * first.  A tool for profiling; the JIT code shows in perf without names.
 */
static int prof_on;
static struct rx *prof_list;
static pthread_mutex_t prof_lock = PTHREAD_MUTEX_INITIALIZER;

static int prof_cmp(const void *a, const void *b)
{
	unsigned long x = atomic_load(&(*(struct rx *const *)a)->ns);
	unsigned long y = atomic_load(&(*(struct rx *const *)b)->ns);
	return x < y ? 1 : x > y ? -1 : 0;
}

static void prof_report(void)
{
	size_t n = 0;
	for (struct rx *r = prof_list; r; r = r->prof_next)
		n++;
	struct rx **v = xmalloc((n ? n : 1) * sizeof *v);
	n = 0;
	for (struct rx *r = prof_list; r; r = r->prof_next)
		v[n++] = r;
	qsort(v, n, sizeof *v, prof_cmp);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "rxprof %9.3f ms %9lu calls  %.100s\n",
			(double)atomic_load(&v[i]->ns) / 1e6,
			atomic_load(&v[i]->calls), v[i]->pattern);
	free(v);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void make_ctx(void)
{
	match_ctx = pcre2_match_context_create(NULL);
	if (!match_ctx)
		die("out of memory (pcre2 match context)");
	pcre2_set_match_limit(match_ctx, RX_MATCH_LIMIT);
	pcre2_set_depth_limit(match_ctx, RX_DEPTH_LIMIT);
}

static pthread_once_t prof_once = PTHREAD_ONCE_INIT;

static void prof_init(void)
{
	const char *e = getenv("JOBSITE_RXPROF");
	prof_on = e && *e && *e != '0';
	if (prof_on)
		atexit(prof_report);
}

struct rx *rx_compile(const char *pattern, unsigned flags)
{
	uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK;
	if (flags & RX_CASELESS)
		opts |= PCRE2_CASELESS;
	if (flags & RX_MULTILINE)
		opts |= PCRE2_MULTILINE;
	if (flags & RX_DOTALL)
		opts |= PCRE2_DOTALL;
	if (flags & RX_EXTENDED)
		opts |= PCRE2_EXTENDED;
	int errcode;
	PCRE2_SIZE erroff;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
					 opts, &errcode, &erroff, NULL);
	if (!code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(errcode, msg, sizeof msg);
		die("pattern does not compile at offset %zu: %s: %s",
		    (size_t)erroff, (const char *)msg, pattern);
	}
	/* JIT is an optimisation: without it (no JIT support) matching still works. */
	pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	struct rx *r = xcalloc(1, sizeof *r);
	r->code = code;
	r->pattern = pattern;
	pthread_once(&prof_once, prof_init);
	if (prof_on) {
		pthread_mutex_lock(&prof_lock);
		r->prof_next = prof_list;
		prof_list = r;
		pthread_mutex_unlock(&prof_lock);
	}
	return r;
}

void rx_free(struct rx *r)
{
	if (!r)
		return;
	pcre2_code_free(r->code);
	free(r);
}

const struct rx *rx_lazy(struct rx **slot, const char *pattern, unsigned flags)
{
	struct rx *r = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
	if (r)
		return r;
	pthread_mutex_lock(&lazy_lock);
	r = *slot;
	if (!r) {
		r = rx_compile(pattern, flags);
		__atomic_store_n(slot, r, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&lazy_lock);
	return r;
}

int rx_find(const struct rx *r, struct slice subject, size_t from,
	    struct rx_match *m)
{
	pthread_once(&ctx_once, make_ctx);
	if (!tl_md) {
		tl_md = pcre2_match_data_create(RX_MAX_GROUPS, NULL);
		if (!tl_md)
			die("out of memory (pcre2 match data)");
	}
	if (from > subject.n)
		return 0;
	/*
	 * Matching runs without PCRE2's UTF check (the text is valid UTF-8,
	 * repaired at load), so a subject cut out of it must not start or end
	 * inside a character: callers take windows around keyword hits.  Trim
	 * partial characters here, once, and shift the offsets back.
	 */
	size_t skip = 0;
	while (skip < subject.n && skip < 3 && ((unsigned char)subject.p[skip] & 0xC0) == 0x80)
		skip++;
	size_t end = subject.n;
	if (end > skip) {
		size_t k = end - 1, back = 0;
		while (k > skip && back < 3 && ((unsigned char)subject.p[k] & 0xC0) == 0x80)
			k--, back++;
		unsigned char lead = (unsigned char)subject.p[k];
		size_t need = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
		if (end - k < need)
			end = k;
	}
	if (from < skip)
		from = skip;
	if (from > end)
		return 0;
	uint64_t t0 = prof_on ? now_ns() : 0;
	int rc = pcre2_match(r->code, (PCRE2_SPTR)(subject.p ? subject.p + skip : ""),
			     end - skip, from - skip, PCRE2_NO_UTF_CHECK, tl_md, match_ctx);
	if (prof_on) {
		struct rx *w = (struct rx *)r;
		atomic_fetch_add(&w->ns, now_ns() - t0);
		atomic_fetch_add(&w->calls, 1);
	}
	if (rc < 0) {
		if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
		    rc == PCRE2_ERROR_JIT_STACKLIMIT)
			atomic_fetch_add(&limit_hits, 1);
		return 0;
	}
	if (m) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(tl_md);
		uint32_t n = pcre2_get_ovector_count(tl_md);
		if (n > RX_MAX_GROUPS)
			n = RX_MAX_GROUPS;
		m->ngroups = rc == 0 ? (int)n : rc;
		for (uint32_t i = 0; i < RX_MAX_GROUPS; i++) {
			if (i < n && (int)i < m->ngroups && ov[2 * i] != PCRE2_UNSET) {
				m->start[i] = ov[2 * i] + skip;
				m->end[i] = ov[2 * i + 1] + skip;
			} else {
				m->start[i] = m->end[i] = SIZE_MAX;
			}
		}
	}
	return 1;
}

struct slice rx_group(struct slice subject, const struct rx_match *m, int i)
{
	if (i < 0 || i >= RX_MAX_GROUPS || m->start[i] == SIZE_MAX)
		return (struct slice){ NULL, 0 };
	return (struct slice){ subject.p + m->start[i], m->end[i] - m->start[i] };
}

unsigned long rx_limit_hits(void)
{
	return atomic_load(&limit_hits);
}

void rx_thread_release(void)
{
	pcre2_match_data_free(tl_md);
	tl_md = NULL;
}
