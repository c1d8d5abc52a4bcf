/*
 * hugepages.c - let glibc's malloc ask for transparent huge pages.
 *
 * A rebuild after one edit of 100,000 postings touches about 450 MB of
 * fresh heap: 108,000 page faults of 4 KB, each zeroed and charged on
 * its own, 11 % of the run's CPU.  With glibc.malloc.hugetlb=1 malloc
 * madvise()s its heaps (the main one and each thread's) for huge pages
 * and the same run takes 4,400 faults: 2.50 -> 2.22 s of CPU, 1.48 ->
 * 1.27 s of wall (medians of 8 alternating runs).
 *
 * Tunables are read once, as the process starts, so the only way to set
 * one is to start again: jobsite execs itself with GLIBC_TUNABLES
 * extended.  It does so only when it helps and cannot mislead:
 *   - the kernel gives huge pages on request ("[madvise]"; with "[always]"
 *     every heap has them already, with "[never]" none can);
 *   - the user has not set the tunable (or JOBSITE_HUGEPAGES=0);
 *   - not under Valgrind (the new image would run outside it) nor with
 *     AddressSanitizer (its allocator is not glibc's).
 * If the exec fails the run goes on as it was.
 */
#include "hugepages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TUNABLE "glibc.malloc.hugetlb=1"
#define THP_MODE "/sys/kernel/mm/transparent_hugepage/enabled"

static int built_with_asan(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return 1;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	return 1;
#else
	return 0;
#endif
#else
	return 0;
#endif
}

/* The kernel's mode: "[madvise]" is the one a request changes. */
static int thp_on_request(void)
{
	char line[128];
	FILE *f = fopen(THP_MODE, "re");
	if (!f)
		return 0;
	int ok = fgets(line, sizeof line, f) && strstr(line, "[madvise]");
	fclose(f);
	return ok;
}

static int wanted(void)
{
	const char *off = getenv("JOBSITE_HUGEPAGES");
	if (off && !strcmp(off, "0"))
		return 0;
	const char *t = getenv("GLIBC_TUNABLES");
	if (t && strstr(t, "glibc.malloc.hugetlb"))
		return 0; /* the user's choice, or this is the second start */
	const char *pre = getenv("LD_PRELOAD");
	if (pre && strstr(pre, "vgpreload"))
		return 0;
	return !built_with_asan() && thp_on_request();
}

void hugepages_reexec(char **argv)
{
	if (!wanted())
		return;
	const char *t = getenv("GLIBC_TUNABLES");
	size_t n = (t ? strlen(t) + 1 : 0) + sizeof TUNABLE;
	char *v = malloc(n);
	if (!v)
		return;
	snprintf(v, n, "%s%s%s", t ? t : "", t && *t ? ":" : "", TUNABLE);
	if (setenv("GLIBC_TUNABLES", v, 1) == 0) {
		fflush(NULL);
		execv("/proc/self/exe", argv);
		/* no /proc, or no exec: go on as we are, and say nothing (the
		 * run is correct, only slower) */
		if (t)
			setenv("GLIBC_TUNABLES", t, 1);
		else
			unsetenv("GLIBC_TUNABLES");
	}
	free(v);
}

int hugepages_on(void)
{
	const char *t = getenv("GLIBC_TUNABLES");
	return t && strstr(t, TUNABLE) != NULL;
}
