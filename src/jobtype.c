#include "jobtype.h"

#include <string.h>

#include "rx.h"
#include "textscan.h"
#include "util.h"

static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int lower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

/*
 * Lowercase copy for word matching: markup dropped, '_' and '-' and blanks
 * (incl. NBSP) folded to one space, other bytes kept.
 */
static size_t fold(const char *p, size_t n, char *dst, size_t cap)
{
	size_t k = 0;
	int space = 0;
	for (size_t i = 0; i < n && k + 2 < cap; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == 0xC2 && i + 1 < n && (unsigned char)p[i + 1] == 0xA0) {
			i++;
			c = ' ';
		}
		if (c == '*' || c == '`' || c == '"' || c == '\'')
			continue;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '_' || c == '-') {
			space = k > 0;
			continue;
		}
		if (space) {
			dst[k++] = ' ';
			space = 0;
		}
		dst[k++] = (char)lower(c);
	}
	dst[k] = '\0';
	return k;
}

/* Position of word w in low (whole word), or -1. */
static long word_pos(const char *low, const char *w)
{
	size_t m = strlen(w);
	for (const char *q = low; (q = strstr(q, w)); q++)
		if ((q == low || !is_alpha((unsigned char)q[-1])) && !is_alpha((unsigned char)q[m]))
			return q - low;
	return -1;
}

static const struct { const char *w; enum employment_type t; } etype_words[] = {
	{ "full time", EMPLOYMENT_FULL_TIME }, { "fulltime", EMPLOYMENT_FULL_TIME },
	{ "part time", EMPLOYMENT_PART_TIME }, { "parttime", EMPLOYMENT_PART_TIME },
	{ "per diem", EMPLOYMENT_PART_TIME }, { "prn", EMPLOYMENT_PART_TIME },
	{ "contract", EMPLOYMENT_CONTRACT }, { "contractor", EMPLOYMENT_CONTRACT },
	{ "contract to hire", EMPLOYMENT_CONTRACT }, { "freelance", EMPLOYMENT_CONTRACT },
	{ "temporary", EMPLOYMENT_TEMPORARY }, { "temp", EMPLOYMENT_TEMPORARY },
	{ "seasonal", EMPLOYMENT_TEMPORARY }, { "internship", EMPLOYMENT_INTERNSHIP },
	{ "intern", EMPLOYMENT_INTERNSHIP }, { "co op", EMPLOYMENT_INTERNSHIP },
};

/* The earliest employment type word in a folded value. */
static enum employment_type etype_in(const char *low)
{
	long best = -1;
	enum employment_type t = EMPLOYMENT_NONE;
	for (size_t i = 0; i < sizeof etype_words / sizeof etype_words[0]; i++) {
		long at = word_pos(low, etype_words[i].w);
		if (at >= 0 && (best < 0 || at < best)) {
			best = at;
			t = etype_words[i].t;
		}
	}
	return t;
}

enum employment_type employment_type_parse(struct slice s)
{
	char low[128];
	if (s.n > 100)
		return EMPLOYMENT_NONE;
	fold(s.p, s.n, low, sizeof low);
	return etype_in(low);
}

enum workplace workplace_parse(struct slice s)
{
	char low[256];
	if (s.n > 200)
		s.n = 200;
	fold(s.p, s.n, low, sizeof low);
	if (word_pos(low, "hybrid") >= 0)
		return WORKPLACE_HYBRID;
	if (word_pos(low, "remote") >= 0 || word_pos(low, "work from home") >= 0 ||
	    word_pos(low, "wfh") >= 0 || word_pos(low, "telecommute") >= 0 ||
	    word_pos(low, "telework") >= 0)
		return WORKPLACE_REMOTE;
	if (word_pos(low, "on site") >= 0 || word_pos(low, "onsite") >= 0 ||
	    word_pos(low, "in office") >= 0 || word_pos(low, "in person") >= 0 ||
	    word_pos(low, "office based") >= 0)
		return WORKPLACE_ONSITE;
	return WORKPLACE_NONE;
}

/* ---- lines: labels, badges, heading rows ---- */

enum line_kind { LINE_OTHER, LINE_LABEL, LINE_BADGE, LINE_PIPE };

/*
 * Classify a line.  For a label line, *label is its folded label and
 * *val the value; for a badge the text after the symbol.
 */
static enum line_kind classify(const char *p, size_t n, char *label, size_t cap, struct slice *val)
{
	size_t i = 0;
	int tick = 0;
	while (i < n && (p[i] == '#' || p[i] == ' ' || p[i] == '`' || p[i] == '*' || p[i] == '>' ||
			 p[i] == '\t' || p[i] == '-' || p[i] == '_')) {
		tick |= p[i] == '`';
		i++;
	}
	if (i >= n)
		return LINE_OTHER;
	const char *colon = memchr(p + i, ':', n - i < 40 ? n - i : 40);
	if (colon) {
		size_t k = fold(p + i, (size_t)(colon - p - i), label, cap);
		while (k && label[k - 1] == ' ')
			label[--k] = '\0';
		int words = 1;
		for (size_t j = 0; j < k; j++)
			if (label[j] == ' ')
				words++;
		if (k && words <= 4 && is_alpha((unsigned char)label[0])) {
			*val = (struct slice){ colon + 1, n - (size_t)(colon + 1 - p) };
			return LINE_LABEL;
		}
	}
	unsigned char c = (unsigned char)p[i];
	if (n - i < 100 && (c >= 0xE2 || (tick && c >= 0x80)) &&
	    !(c == 0xE2 && i + 2 < n && (unsigned char)p[i + 1] == 0x80 &&
	      (unsigned char)p[i + 2] == 0xA2)) {   /* not a "•" bullet */
		while (i < n && ((unsigned char)p[i] >= 0x80 || p[i] == ' '))
			i++;
		*val = (struct slice){ p + i, n - i };
		return LINE_BADGE;
	}
	if (n < 300 && has_bar_sep(p, n)) {
		*val = (struct slice){ p, n };
		return LINE_PIPE;
	}
	return LINE_OTHER;
}

static int label_in(const char *label, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(label, list[i]) == 0)
			return 1;
	return 0;
}

/* ---- employment type ---- */

static const char *const etype_labels[] = {
	"employment type", "job type", "schedule type", "position type", "type of employment",
	"employment", "schedule", "type", "job status", "position status", "work type",
	"employment status", "contract type", "work schedule", "hours", "job schedule",
};

enum employment_type employment_type_find(struct slice text)
{
	static struct rx *r_prose;
	enum employment_type badge = EMPLOYMENT_NONE;
	char label[128];
	for (size_t a = 0; a < text.n;) {
		const char *nl = memchr(text.p + a, '\n', text.n - a);
		size_t e = nl ? (size_t)(nl - text.p) : text.n;
		struct slice val;
		enum line_kind k = classify(text.p + a, e - a, label, sizeof label, &val);
		if (k == LINE_LABEL &&
		    label_in(label, etype_labels, sizeof etype_labels / sizeof etype_labels[0])) {
			enum employment_type t = employment_type_parse(val);
			if (t != EMPLOYMENT_NONE)
				return t;
		} else if (k == LINE_BADGE && badge == EMPLOYMENT_NONE && val.n < 60) {
			badge = employment_type_parse(val);
		}
		a = e + 1;
	}
	if (badge != EMPLOYMENT_NONE)
		return badge;
	/* "This is a full-time position", "This role is a 6-month contract" */
	const struct rx *x = rx_lazy(&r_prose,
		"\\b(?:this|the)\\s+(?:(?:position|role|job|opportunity|assignment)\\s+)?(?:is|will\\s+be)\\s+"
		"(?:an?\\s+)?(?:[\\w%()/]+[\\s,-]+){0,3}?"
		"(full[\\s-]?time|part[\\s-]?time|contract|contractor|contract[\\s-]to[\\s-]hire|"
		"temporary|temp|internship|intern|per\\s+diem|seasonal|prn)\\b",
		RX_CASELESS);
	struct rx_match m;
	if (rx_find(x, text, 0, &m))
		return employment_type_parse(rx_group(text, &m, 1));
	return EMPLOYMENT_NONE;
}

/* ---- workplace ---- */

static const char *const wp_labels[] = {
	"workplace", "work arrangement", "work setting", "work model", "workplace type",
	"work location", "location", "job location", "remote", "work type", "location type",
	"work environment", "remote status", "on site", "onsite",
};

static int yes(struct slice v)
{
	char low[16];
	if (v.n > 12)
		return 0;
	fold(v.p, v.n, low, sizeof low);
	return strcmp(low, "true") == 0 || strcmp(low, "yes") == 0;
}

enum workplace workplace_find(struct slice text)
{
	static struct rx *r_hybrid, *r_onsite, *r_remote;
	enum workplace badge = WORKPLACE_NONE, pipe = WORKPLACE_NONE;
	char label[128];
	for (size_t a = 0; a < text.n;) {
		const char *nl = memchr(text.p + a, '\n', text.n - a);
		size_t e = nl ? (size_t)(nl - text.p) : text.n;
		struct slice val;
		enum line_kind k = classify(text.p + a, e - a, label, sizeof label, &val);
		if (k == LINE_LABEL && label_in(label, wp_labels, sizeof wp_labels / sizeof wp_labels[0])) {
			enum workplace w = strcmp(label, "remote") == 0 && yes(val) ? WORKPLACE_REMOTE
										   : workplace_parse(val);
			if (w != WORKPLACE_NONE)
				return w;
		} else if (k == LINE_BADGE && badge == WORKPLACE_NONE) {
			badge = workplace_parse(val);
		} else if (k == LINE_PIPE && pipe == WORKPLACE_NONE) {
			pipe = workplace_parse(val);
		}
		a = e + 1;
	}
	if (pipe != WORKPLACE_NONE)
		return pipe;
	if (badge != WORKPLACE_NONE)
		return badge;
	const struct rx *h = rx_lazy(&r_hybrid,
		"\\bhybrid[\\s-]+(?:work|model|schedule|role|position|arrangement|remote|opportunity|"
		"environment|setup|working|job)\\b|\\b(?:is|a|an)\\s+hybrid\\b", RX_CASELESS);
	const struct rx *o = rx_lazy(&r_onsite,
		"\\bfully\\s+on[\\s-]?site\\b|\\b(?:is|are|be|work|working|role|position)\\s+(?:fully\\s+|100%\\s+)?"
		"on[\\s-]?site\\b|\\bon[\\s-]?site\\s+(?:position|role|job)\\b|"
		"\\bnot\\s+(?:be\\s+)?eligible\\s+for\\s+remote\\b|\\b(?:an|a)\\s+(?:in[\\s-]office|in[\\s-]person)\\s+"
		"(?:position|role|job)\\b", RX_CASELESS);
	const struct rx *r = rx_lazy(&r_remote,
		"\\b(?:fully|100%|completely|entirely)\\s+remote\\b|(?<![\\w-])remote\\s+(?:position|role|job|"
		"opportunity|first|-first)\\b|\\b(?:is|a|an)\\s+remote\\b(?!\\s+(?:patient|monitoring|access|"
		"sites?|areas?|locations?|support|team|teams|device|devices|care|desktop|server))|"
		"\\bwork\\s+from\\s+home\\s+(?:position|role|job)\\b|\\bremote\\s+work\\s+environment\\b", RX_CASELESS);
	static const char *const kw[] = {
		"hybrid", "site", "onsite", "eligible", "in-office", "in office", "person",
		"remote", "work from home",
	};
	enum { KW_HYBRID, KW_SITE, KW_ONSITE, KW_ELIGIBLE, KW_INOFFICE, KW_INOFFICE2,
	       KW_PERSON, KW_REMOTE, KW_WFH };
	struct kw_hit hits[128];
	size_t nh = kw_scan(text, kw, sizeof kw / sizeof kw[0], hits, 128);
	int seen[9] = { 0 };
	for (size_t i = 0; i < nh; i++)
		seen[hits[i].id] = 1;
	if (seen[KW_HYBRID] && rx_find_hits(h, text, hits, nh, KW_HYBRID, 24, 46, NULL))
		return WORKPLACE_HYBRID;
	for (int k = KW_SITE; k <= KW_PERSON; k++)
		if (seen[k] && rx_find_hits(o, text, hits, nh, k, 40, 40, NULL))
			return WORKPLACE_ONSITE;
	if ((seen[KW_REMOTE] && rx_find_hits(r, text, hits, nh, KW_REMOTE, 30, 46, NULL)) ||
	    (seen[KW_WFH] && rx_find_hits(r, text, hits, nh, KW_WFH, 10, 44, NULL)))
		return WORKPLACE_REMOTE;
	return WORKPLACE_NONE;
}
