#include "jobfmt.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void jobfmt_money(struct buf *out, double v, const char *currency, int cents)
{
	if (!currency || !strcmp(currency, "USD"))
		buf_putc(out, '$');
	else
		buf_printf(out, "%s ", currency);
	char digits[64];
	double whole = floor(v);
	size_t n = 0;
	if (whole >= 0 && whole < 1e15) {
		/* exact as an integer: the digits without printf's float path */
		char rev[20];
		size_t k = 0;
		uint64_t u = (uint64_t)whole;
		do {
			rev[k++] = (char)('0' + u % 10);
			u /= 10;
		} while (u);
		while (k)
			digits[n++] = rev[--k];
		digits[n] = '\0';
	} else {
		snprintf(digits, sizeof digits, "%.0f", whole);
		n = strlen(digits);
	}
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			buf_putc(out, ',');
		buf_putc(out, digits[i]);
	}
	if (cents) {
		long c = lround((v - whole) * 100);
		c = c > 99 ? 99 : c < 0 ? 0 : c;
		buf_putc(out, '.');
		buf_putc(out, (int)('0' + c / 10));
		buf_putc(out, (int)('0' + c % 10));
	}
}

static const char *period_phrase(enum salary_period p)
{
	switch (p) {
	case PERIOD_HOUR: return " an hour";
	case PERIOD_DAY: return " a day";
	case PERIOD_WEEK: return " a week";
	case PERIOD_MONTH: return " a month";
	case PERIOD_YEAR: return " a year";
	default: return "";
	}
}

static int has_cents(double v)
{
	return !isnan(v) && v != floor(v);
}

int jobfmt_salary(struct buf *out, const struct posting *p)
{
	double lo = p->salary_min, hi = p->salary_max;
	if (isnan(lo) && isnan(hi))
		return 0;
	/* Both amounts take cents when either has them: "$25.50 – $32.00". */
	int cents = has_cents(lo) || has_cents(hi);
	const char *cur = p->salary_currency;
	if (!isnan(lo) && !isnan(hi) && lo != hi) {
		jobfmt_money(out, lo, cur, cents);
		buf_puts(out, " – ");
		jobfmt_money(out, hi, cur, cents);
	} else if (!isnan(lo) && !isnan(hi)) {
		jobfmt_money(out, lo, cur, cents);
	} else if (!isnan(hi)) {
		buf_puts(out, "Up to ");
		jobfmt_money(out, hi, cur, cents);
	} else {
		buf_puts(out, "From ");
		jobfmt_money(out, lo, cur, cents);
	}
	buf_puts(out, period_phrase(p->salary_period));
	return 1;
}

void jobfmt_date(struct buf *out, const char *ymd)
{
	static const char *months[] = { "January", "February", "March", "April", "May", "June",
					"July", "August", "September", "October", "November",
					"December" };
	int y, m, d;
	char tail;
	if (sscanf(ymd, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 ||
	    d > 31) {
		buf_puts(out, ymd);
		return;
	}
	buf_printf(out, "%s %d, %d", months[m - 1], d, y);
}

const char *jobfmt_workplace(enum workplace w)
{
	switch (w) {
	case WORKPLACE_REMOTE: return "Remote";
	case WORKPLACE_HYBRID: return "Hybrid";
	case WORKPLACE_ONSITE: return "On-site";
	default: return NULL;
	}
}

const char *jobfmt_employment(enum employment_type t)
{
	switch (t) {
	case EMPLOYMENT_FULL_TIME: return "Full-time";
	case EMPLOYMENT_PART_TIME: return "Part-time";
	case EMPLOYMENT_CONTRACT: return "Contract";
	case EMPLOYMENT_TEMPORARY: return "Temporary";
	case EMPLOYMENT_INTERNSHIP: return "Internship";
	default: return NULL;
	}
}

int jobfmt_http_url(const char *url)
{
	if (!url)
		return 0;
	size_t n = strncmp(url, "https://", 8) == 0 ? 8 : strncmp(url, "http://", 7) == 0 ? 7 : 0;
	if (!n || !url[n] || url[n] == '/')
		return 0;
	for (const char *c = url; *c; c++)
		if ((unsigned char)*c <= ' ')
			return 0;
	return 1;
}

void jobfmt_summary(struct buf *out, const char *text, size_t max)
{
	size_t start = out->n, last_space = 0;
	int pending_space = 0;
	if (!text)
		return;
	for (const char *c = text; *c; c++) {
		if (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r' || *c == '\f' || *c == '\v') {
			pending_space = out->n > start;
			continue;
		}
		if (pending_space) {
			if (out->n - start >= max)
				break;
			last_space = out->n;
			buf_putc(out, ' ');
			pending_space = 0;
		}
		buf_putc(out, *c);
		if (out->n - start > max + 40) { /* one very long word */
			size_t cut = out->n - 1;
			while (cut > start && ((unsigned char)out->p[cut] & 0xc0) == 0x80)
				cut--;
			buf_truncate(out, cut);
			buf_puts(out, "…");
			return;
		}
	}
	if (out->n - start >= max && last_space > start) {
		buf_truncate(out, last_space);
		buf_puts(out, "…");
	}
}

/* What jobfmt_xml() makes of each byte: 0 itself, 1-5 an entity, 6 nothing. */
static const unsigned char xml_class[256] = {
	[0x01] = 6, [0x02] = 6, [0x03] = 6, [0x04] = 6, [0x05] = 6, [0x06] = 6, [0x07] = 6,
	[0x08] = 6, [0x0b] = 6, [0x0c] = 6, [0x0e] = 6, [0x0f] = 6, [0x10] = 6, [0x11] = 6,
	[0x12] = 6, [0x13] = 6, [0x14] = 6, [0x15] = 6, [0x16] = 6, [0x17] = 6, [0x18] = 6,
	[0x19] = 6, [0x1a] = 6, [0x1b] = 6, [0x1c] = 6, [0x1d] = 6, [0x1e] = 6, [0x1f] = 6,
	['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\''] = 5,
};

void jobfmt_xml(struct buf *out, const char *s)
{
	static const char *const ent[] = { NULL, "&amp;", "&lt;", "&gt;", "&quot;", "&#39;" };
	static const unsigned char len[] = { 0, 5, 4, 4, 6, 5 };
	if (!s)
		return;
	size_t n = strlen(s);
	buf_grow(out, 6 * n); /* "&quot;" for every byte at most */
	char *o = out->p + out->n;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		unsigned k = xml_class[*c];
		if (!k) {
			*o++ = (char)*c;
		} else if (k < 6) {
			memcpy(o, ent[k], len[k]);
			o += len[k];
		}
	}
	out->n = (size_t)(o - out->p);
	out->p[out->n] = '\0';
}
