#define PCRE2_CODE_UNIT_WIDTH 8
#include "rx.h"

#include <pcre2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "util.h"

struct rx {
	pcre2_code *code;
};

static pcre2_match_context *match_ctx;
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t lazy_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_ulong limit_hits;
static _Thread_local pcre2_match_data *tl_md;

static void make_ctx(void)
{
	match_ctx = pcre2_match_context_create(NULL);
	if (!match_ctx)
		die("out of memory (pcre2 match context)");
	pcre2_set_match_limit(match_ctx, RX_MATCH_LIMIT);
	pcre2_set_depth_limit(match_ctx, RX_DEPTH_LIMIT);
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
	struct rx *r = xmalloc(sizeof *r);
	r->code = code;
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
	int rc = pcre2_match(r->code, (PCRE2_SPTR)(subject.p ? subject.p + skip : ""),
			     end - skip, from - skip, PCRE2_NO_UTF_CHECK, tl_md, match_ctx);
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
