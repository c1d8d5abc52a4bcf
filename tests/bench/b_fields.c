/*
 * b_fields - time of each field finder per posting.
 *
 *   b_fields FILE...   postings as plain text (e.g. prepared by
 *                      tests/t-fields-corpus.sh); prints µs per posting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dates.h"
#include "geo.h"
#include "jobtype.h"
#include "salary.h"
#include "util.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t n = (size_t)(argc - 1), bytes = 0;
	if (n == 0) {
		fprintf(stderr, "usage: b_fields FILE...\n");
		return 2;
	}
	struct buf *texts = xcalloc(n, sizeof *texts);
	for (size_t i = 0; i < n; i++) {
		if (read_file(argv[i + 1], &texts[i], 0) != 0) {
			fprintf(stderr, "cannot read '%s'\n", argv[i + 1]);
			return 1;
		}
		bytes += texts[i].n;
	}
	const char *names[] = { "salary_find", "location_find", "date_find",
				"employment_type_find", "workplace_find" };
	double total = 0;
	unsigned long sink = 0;
	const char *only = getenv("BENCH_ONLY");   /* one finder, repeated, for profiling */
	int reps = only ? 20 : 1;
	for (int f = 0; f < 5; f++) {
		if (only && atoi(only) != f)
			continue;
		double t0 = now();
		for (size_t i = 0; i < n * (size_t)reps; i++) {
			struct slice s = buf_slice(&texts[i % n]);
			struct salary sal;
			struct location loc;
			char d[11];
			switch (f) {
			case 0: sink += (unsigned long)salary_find(s, &sal); break;
			case 1: sink += (unsigned long)location_find(s, &loc); break;
			case 2: sink += (unsigned long)date_find(s, d); break;
			case 3: sink += employment_type_find(s); break;
			default: sink += workplace_find(s); break;
			}
		}
		double us = (now() - t0) / (double)(n * (size_t)reps) * 1e6;
		total += us;
		printf("%-22s %7.2f us/posting\n", names[f], us);
	}
	printf("%-22s %7.2f us/posting (%zu postings, %.1f KB avg, %lu)\n", "all", total, n,
	       (double)bytes / (double)n / 1024, sink);
	for (size_t i = 0; i < n; i++)
		buf_release(&texts[i]);
	free(texts);
	return 0;
}
