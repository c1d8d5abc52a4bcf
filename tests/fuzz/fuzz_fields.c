/*
 * fuzz_fields - every field parser on arbitrary input.
 *
 * The bytes are made valid UTF-8 first (each invalid byte becomes '?'), as
 * the loader guarantees, then given to each *_parse and *_find function.
 * Beyond not crashing, a few invariants are checked: spans lie inside the
 * input, dates are well formed, strings are terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "geo.h"
#include "jobtype.h"
#include "salary.h"

/* Length of a valid UTF-8 sequence at p, or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	size_t k;
	uint32_t cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		k = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		k = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		k = 4, cp = c & 0x07;
	else
		return 0;
	if (k > n)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return k;
}

static void check_date(const char *d)
{
	if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *t = malloc(size + 1);
	size_t k = 0;
	for (size_t i = 0; i < size;) {
		size_t l = utf8_len(data + i, size - i);
		if (l == 0) {
			t[k++] = '?';
			i++;
		} else {
			memcpy(t + k, data + i, l);
			k += l;
			i += l;
		}
	}
	t[k] = '\0';
	struct slice s = { t, k };

	struct salary sal;
	if (salary_parse(s, &sal) && (sal.start > k || sal.end > k || sal.start > sal.end))
		abort();
	if (salary_find(s, &sal) && (sal.start > k || sal.end > k || sal.start > sal.end))
		abort();
	double a, b;
	salary_annual(&sal, &a, &b);
	(void)salary_band(a, b, NULL);

	struct location loc;
	if (location_parse(s, &loc) && (strlen(loc.city) >= sizeof loc.city || strlen(loc.state) > 2))
		abort();
	if (location_find(s, &loc) && (loc.end > k || strlen(loc.state) > 2))
		abort();
	(void)geo_state_code(s);
	(void)geo_city_state(s);

	char d[11];
	if (date_parse(s, d))
		check_date(d);
	if (date_find(s, d))
		check_date(d);

	(void)employment_type_parse(s);
	(void)employment_type_find(s);
	(void)workplace_parse(s);
	(void)workplace_find(s);
	free(t);
	return 0;
}
