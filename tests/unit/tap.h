/*
 * tap.h - the smallest test harness that says what failed.
 *
 *   CHECK(cond, "what %s", arg);        one assertion
 *   CHECK_STR(got, want, "what");       string equality (NULL-safe)
 *   hang_guard(60, "what"); ... ; hang_guard(0, NULL);
 *                                       fail if the code between runs 60 s
 *   return test_done();                 prints "N passed, N failed"
 */
#ifndef JOBSITE_TAP_H
#define JOBSITE_TAP_H

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

/*
 * A guard against an endless or quadratic loop on pathological input (a
 * posting must never hang a build): the test fails and stops if the code
 * after hang_guard(secs, what) has not reached hang_guard(0, NULL) in
 * `secs` seconds.  Far above the time the code takes, so a loaded machine
 * never trips it: speed is measured by make bench, not by unit tests.
 */
static const char *tap_guarded = "";

static void tap_hung(int sig)
{
	static const char m[] = "FAIL: still running at the hang guard's limit: ";
	(void)sig;
	if (write(2, m, sizeof m - 1) < 0 || write(2, tap_guarded, strlen(tap_guarded)) < 0 ||
	    write(2, "\n", 1) < 0)
		_exit(2);
	_exit(1);
}

static inline void hang_guard(unsigned secs, const char *what)
{
	tap_guarded = what ? what : "";
	signal(SIGALRM, tap_hung);
	alarm(secs);
}

static inline int test_done(void)
{
	printf("%u passed, %u failed\n", tap_pass, tap_fail);
	return tap_fail ? 1 : 0;
}

#endif
