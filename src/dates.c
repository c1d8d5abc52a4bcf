#include "dates.h"

#include <stdio.h>
#include <string.h>

/*
 * A small scanner instead of patterns: the forms are few and fixed, and
 * the calendar check needs the numbers anyway.
 */

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int lower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int valid(int y, int m, int d)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (y < 1990 || y > 2099 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= mdays[m - 1] + (m == 2 && leap(y));
}

/* Up to `max` digits at p[*i] (at least `min`), not followed by a digit. */
static int digits(const char *p, size_t n, size_t *i, int min, int max, int *v)
{
	int k = 0, x = 0;
	while (*i < n && is_digit((unsigned char)p[*i]) && k < max) {
		x = x * 10 + (p[*i] - '0');
		(*i)++;
		k++;
	}
	if (k < min || (*i < n && is_digit((unsigned char)p[*i])))
		return 0;
	*v = x;
	return 1;
}

/* A month name or abbreviation at p[*i] ("Mar", "Mar.", "March", "Sept"). */
static int month_name(const char *p, size_t n, size_t *i)
{
	static const char *const names[] = {
		"january", "february", "march", "april", "may", "june", "july",
		"august", "september", "october", "november", "december",
	};
	size_t j = *i;
	char w[12];
	size_t k = 0;
	while (j < n && is_alpha((unsigned char)p[j])) {
		if (k >= sizeof w - 1)
			return 0;
		w[k++] = (char)lower((unsigned char)p[j++]);
	}
	w[k] = '\0';
	if (k < 3)
		return 0;
	for (int m = 0; m < 12; m++) {
		if (strcmp(w, names[m]) == 0 || (k == 3 && strncmp(w, names[m], 3) == 0) ||
		    (m == 8 && strcmp(w, "sept") == 0)) {
			if (j < n && p[j] == '.')
				j++;
			*i = j;
			return m + 1;
		}
	}
	return 0;
}

static size_t skip_sp(const char *p, size_t n, size_t i)
{
	while (i < n) {
		if (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r')
			i++;
		else if ((unsigned char)p[i] == 0xC2 && i + 1 < n && (unsigned char)p[i + 1] == 0xA0)
			i += 2;
		else
			break;
	}
	return i;
}

/* "5th" -> skip the ordinal suffix. */
static size_t skip_ordinal(const char *p, size_t n, size_t i)
{
	static const char *const suf[] = { "st", "nd", "rd", "th" };
	for (int k = 0; k < 4; k++)
		if (i + 2 <= n && lower((unsigned char)p[i]) == suf[k][0] &&
		    lower((unsigned char)p[i + 1]) == suf[k][1] &&
		    !(i + 2 < n && is_alpha((unsigned char)p[i + 2])))
			return i + 2;
	return i;
}

/*
 * A date starting at p[i].  Returns 1 with *end past it and y/m/d set
 * (calendar-checked).
 */
static int scan_date(const char *p, size_t n, size_t i, size_t *end, int *y, int *m, int *d)
{
	size_t j = i;
	int a, b, c;
	if (i > 0 && (is_digit((unsigned char)p[i - 1]) || is_alpha((unsigned char)p[i - 1])))
		return 0;
	if (j < n && is_digit((unsigned char)p[j])) {
		/* ISO "2024-03-05", "2024/03/05" */
		size_t t = j;
		if (digits(p, n, &t, 4, 4, &a) && t < n && (p[t] == '-' || p[t] == '/')) {
			char sep = p[t++];
			if (digits(p, n, &t, 1, 2, &b) && t < n && p[t] == sep) {
				t++;
				if (digits(p, n, &t, 1, 2, &c) && valid(a, b, c)) {
					*y = a, *m = b, *d = c, *end = t;
					return 1;
				}
			}
			return 0;
		}
		/* "03/05/2024", "3/5/2024", "03-05-2024": month first */
		t = j;
		if (digits(p, n, &t, 1, 2, &a) && t < n && (p[t] == '/' || p[t] == '-')) {
			char sep = p[t++];
			size_t t2 = t;
			if (digits(p, n, &t, 1, 2, &b) && t < n && p[t] == sep) {
				t++;
				if (digits(p, n, &t, 4, 4, &c) && valid(c, a, b)) {
					*y = c, *m = a, *d = b, *end = t;
					return 1;
				}
				return 0;
			}
			/* "05-Mar-2024" */
			t = t2;
			int mo = month_name(p, n, &t);
			if (mo && t < n && p[t] == sep) {
				t++;
				if (digits(p, n, &t, 4, 4, &c) && valid(c, mo, a)) {
					*y = c, *m = mo, *d = a, *end = t;
					return 1;
				}
			}
			return 0;
		}
		/* "5 March 2024" */
		t = j;
		if (digits(p, n, &t, 1, 2, &a)) {
			t = skip_ordinal(p, n, t);
			t = skip_sp(p, n, t);
			int mo = month_name(p, n, &t);
			if (mo) {
				if (t < n && p[t] == ',')
					t++;
				t = skip_sp(p, n, t);
				if (digits(p, n, &t, 4, 4, &c) && valid(c, mo, a)) {
					*y = c, *m = mo, *d = a, *end = t;
					return 1;
				}
			}
		}
		return 0;
	}
	/* "March 5, 2024", "Mar. 5th 2024" */
	int mo = month_name(p, n, &j);
	if (!mo)
		return 0;
	j = skip_sp(p, n, j);
	if (!digits(p, n, &j, 1, 2, &a))
		return 0;
	j = skip_ordinal(p, n, j);
	if (j < n && p[j] == ',')
		j++;
	j = skip_sp(p, n, j);
	if (!digits(p, n, &j, 4, 4, &c) || !valid(c, mo, a))
		return 0;
	*y = c, *m = mo, *d = a, *end = j;
	return 1;
}

static void put(char out[11], int y, int m, int d)
{
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

static int junk(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '"' || c == '\'' ||
	       c == '*' || c == '_' || c == '`';
}

int date_parse(struct slice s, char out[11])
{
	const char *p = s.p;
	size_t n = s.n, i = 0, end;
	int y, m, d;
	out[0] = '\0';
	while (i < n && junk((unsigned char)p[i]))
		i++;
	while (n > i && (junk((unsigned char)p[n - 1]) || p[n - 1] == '.'))
		n--;
	if (!scan_date(p, n, i, &end, &y, &m, &d))
		return 0;
	/* only a time of day may follow: "T10:00:00Z", " 10:00", "+02:00" */
	for (size_t j = end; j < n; j++)
		if (!strchr("0123456789:.+-TZ ", p[j]) && !strchr("UTCGMAPutcgmap", p[j]))
			return 0;
	if (end < n && !(p[end] == 'T' || p[end] == ' '))
		return 0;
	put(out, y, m, d);
	return 1;
}

/* ---- the posting date in a whole text ---- */

static int match_ci(const char *p, size_t n, size_t i, const char *w)
{
	size_t k = strlen(w);
	if (i + k > n)
		return 0;
	for (size_t j = 0; j < k; j++)
		if (lower((unsigned char)p[i + j]) != (unsigned char)w[j])
			return 0;
	return 1;
}

/* Words that make a date something other than the posting date. */
static int bad_before(const char *p, size_t line, size_t i)
{
	static const char *const bad[] = {
		"deadline", "closing", "closes", "close", "expir", "start", "end", "valid",
		"due", "until", "apply by", "effective", "hire", "last day", "through",
		"updated", "modified", "birth",
	};
	size_t a = i > line + 60 ? i - 60 : line;
	for (size_t j = a; j < i; j++)
		for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
			if ((j == 0 || !is_alpha((unsigned char)p[j - 1])) && match_ci(p, i, j, bad[k]))
				return 1;
	return 0;
}

/* The date right after a cue ending at p[i]: blanks, ':', markup, "on". */
static int date_after(const char *p, size_t n, size_t i, char out[11])
{
	size_t lim = i + 16 < n ? i + 16 : n, end;
	int y, m, d;
	while (i < lim) {
		unsigned char c = (unsigned char)p[i];
		if (c == ' ' || c == ':' || c == '*' || c == '_' || c == '`' || c == '-' || c == '(' ||
		    c == '\t' || c == '\n' || c == '\r') {
			i++;
		} else if (c == 0xC2 && i + 1 < n && (unsigned char)p[i + 1] == 0xA0) {
			i += 2;
		} else if (c == 0xE2 && i + 2 < n && (unsigned char)p[i + 1] == 0x80) {
			i += 3;   /* dashes */
		} else if (match_ci(p, n, i, "on ")) {
			i += 3;
		} else {
			break;
		}
	}
	if (scan_date(p, n, i, &end, &y, &m, &d)) {
		put(out, y, m, d);
		return 1;
	}
	return 0;
}

/* Does the line hold nothing but a date (and markup or a badge symbol)? */
static int bare_date_line(const char *p, size_t n, char out[11])
{
	size_t i = 0, end;
	int y, m, d;
	while (i < n && (junk((unsigned char)p[i]) || p[i] == '#' || p[i] == '>' ||
			 (unsigned char)p[i] >= 0x80))
		i++;
	while (n > i && (junk((unsigned char)p[n - 1]) || p[n - 1] == '.'))
		n--;
	if (i >= n || !scan_date(p, n, i, &end, &y, &m, &d) || end != n)
		return 0;
	put(out, y, m, d);
	return 1;
}

int date_find(struct slice text, char out[11])
{
	static const char *const cues[] = {
		"date posted", "posting date", "post date", "posted", "published", "listed",
		"date", "\xF0\x9F\x93\x85" /* calendar badge */, "\xF0\x9F\x97\x93",
	};
	const char *p = text.p;
	size_t n = text.n, line = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '\n') {
			line = i + 1;
			continue;
		}
		if (!(c == 'd' || c == 'D' || c == 'p' || c == 'P' || c == 'l' || c == 'L' || c == 0xF0))
			continue;
		if (i > 0 && is_alpha((unsigned char)p[i - 1]))
			continue;
		for (size_t k = 0; k < sizeof cues / sizeof cues[0]; k++) {
			size_t m = strlen(cues[k]);
			if (!match_ci(p, n, i, cues[k]) || (i + m < n && is_alpha((unsigned char)p[i + m])))
				continue;
			if (!bad_before(p, line, i) && date_after(p, n, i + m, out))
				return 1;
			break;
		}
	}
	line = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || p[i] == '\n') {
			if (i - line < 64 && bare_date_line(p + line, i - line, out))
				return 1;
			line = i + 1;
		}
	}
	out[0] = '\0';
	return 0;
}
