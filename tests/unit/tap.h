/*
 * tap.h - the smallest test harness that says what failed.
 *
 *   CHECK(cond, "what %s", arg);        one assertion
 *   CHECK_STR(got, want, "what");       string equality (NULL-safe)
 *   return test_done();                 prints "N passed, N failed"
 */
#ifndef JOBSITE_TAP_H
#define JOBSITE_TAP_H

#include <stdio.h>
#include <string.h>

static unsigned tap_pass, tap_fail;

#define CHECK(cond, ...)                                                   \
	do {                                                               \
		if (cond) {                                                \
			tap_pass++;                                        \
		} else {                                                   \
			tap_fail++;                                        \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                      \
			fputc('\n', stderr);                               \
		}                                                          \
	} while (0)

static inline int tap_streq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

#define CHECK_STR(got, want, ...)                                           \
	do {                                                                \
		const char *g_ = (got), *w_ = (want);                       \
		if (tap_streq(g_, w_)) {                                    \
			tap_pass++;                                         \
		} else {                                                    \
			tap_fail++;                                         \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);  \
			fprintf(stderr, __VA_ARGS__);                       \
			fprintf(stderr, "\n  got:  %s%s%s\n  want: %s%s%s\n", \
				g_ ? "\"" : "", g_ ? g_ : "null", g_ ? "\"" : "", \
				w_ ? "\"" : "", w_ ? w_ : "null", w_ ? "\"" : ""); \
		}                                                           \
	} while (0)

static inline int test_done(void)
{
	printf("%u passed, %u failed\n", tap_pass, tap_fail);
	return tap_fail ? 1 : 0;
}

#endif
