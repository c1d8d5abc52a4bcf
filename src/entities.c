/*
 * entities.c - HTML character references.
 *
 * libxml2 knows the 253 HTML 4 names; the HTML 5 names seen in scraped
 * postings are added here.  Names that stand for two code points are left
 * out: they are mathematical and never turn up in job postings.
 */
#include "entities.h"

#include <string.h>

#include <libxml/HTMLparser.h>

#include "charsets.h"

struct named {
	const char *name;
	uint32_t cp;
};

/* HTML 5 additions to the HTML 4 set (which libxml2 provides). */
static const struct named html5_extra[] = {
	{ "AMP", '&' }, { "LT", '<' }, { "GT", '>' }, { "QUOT", '"' },
	{ "COPY", 0xA9 }, { "REG", 0xAE }, { "TRADE", 0x2122 },
	{ "apos", '\'' }, { "Tab", '\t' }, { "NewLine", '\n' },
	{ "excl", '!' }, { "num", '#' }, { "dollar", '$' }, { "percnt", '%' },
	{ "lpar", '(' }, { "rpar", ')' }, { "ast", '*' }, { "midast", '*' },
	{ "plus", '+' }, { "comma", ',' }, { "period", '.' }, { "sol", '/' },
	{ "colon", ':' }, { "semi", ';' }, { "equals", '=' }, { "quest", '?' },
	{ "commat", '@' }, { "lsqb", '[' }, { "lbrack", '[' }, { "bsol", '\\' },
	{ "rsqb", ']' }, { "rbrack", ']' }, { "Hat", '^' }, { "lowbar", '_' },
	{ "grave", '`' }, { "lcub", '{' }, { "lbrace", '{' }, { "verbar", '|' },
	{ "vert", '|' }, { "rcub", '}' }, { "rbrace", '}' },
	{ "NonBreakingSpace", 0xA0 }, { "half", 0xBD }, { "centerdot", 0xB7 },
	{ "hyphen", 0x2010 }, { "dash", 0x2010 }, { "horbar", 0x2015 },
	{ "nldr", 0x2025 }, { "mldr", 0x2026 }, { "bullet", 0x2022 },
	{ "lsquor", 0x201A }, { "rsquor", 0x2019 }, { "ldquor", 0x201E },
	{ "rdquor", 0x201D }, { "emsp13", 0x2004 }, { "emsp14", 0x2005 },
	{ "numsp", 0x2007 }, { "puncsp", 0x2008 }, { "hairsp", 0x200A },
	{ "ZeroWidthSpace", 0x200B }, { "NoBreak", 0x2060 },
	{ "check", 0x2713 }, { "checkmark", 0x2713 }, { "cross", 0x2717 },
	{ "star", 0x2606 }, { "starf", 0x2605 }, { "bigstar", 0x2605 },
	{ "phone", 0x260E }, { "female", 0x2640 }, { "male", 0x2642 },
	{ "sharp", 0x266F }, { "flat", 0x266D }, { "natural", 0x266E },
	{ "rightarrow", 0x2192 }, { "leftarrow", 0x2190 },
	{ "RightArrow", 0x2192 }, { "LeftArrow", 0x2190 },
	{ "copysr", 0x2117 }, { "incare", 0x2105 },
};

/* Names a browser still accepts without ';' (the common part of the list). */
static const char *const legacy[] = { "amp", "lt", "gt", "quot", "nbsp", "copy", "reg" };

uint32_t entity_lookup(const char *name, size_t n)
{
	char key[40];
	if (n == 0 || n >= sizeof(key))
		return 0;
	memcpy(key, name, n);
	key[n] = '\0';
	const htmlEntityDesc *d = htmlEntityLookup((const xmlChar *)key);
	if (d)
		return d->value;
	for (size_t i = 0; i < sizeof(html5_extra) / sizeof(html5_extra[0]); i++)
		if (strcmp(html5_extra[i].name, key) == 0)
			return html5_extra[i].cp;
	return 0;
}

static int is_alnum(int c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The code point a numeric reference stands for, as browsers read it. */
static uint32_t numeric_value(uint32_t v)
{
	if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0xFFFD;
	if (v >= 0x80 && v <= 0x9F) {
		uint32_t c = cp1252_c1(v);
		return c ? c : v;
	}
	return v;
}

/* "&#..." at s[0]; on success store the code point and return the length. */
static size_t parse_numeric(const char *s, size_t n, uint32_t *cp)
{
	size_t i = 2;
	int hex = 0;
	if (i < n && (s[i] == 'x' || s[i] == 'X'))
		hex = 1, i++;
	size_t start = i;
	uint32_t v = 0;
	for (; i < n; i++) {
		int d = hex ? hexval((unsigned char)s[i]) :
			      (s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);
		if (d < 0)
			break;
		v = v * (hex ? 16 : 10) + (uint32_t)d;
		if (v > 0x110000)
			v = 0x110000; /* saturate: any larger value is invalid alike */
	}
	if (i == start)
		return 0;
	if (i < n && s[i] == ';')
		i++;
	*cp = numeric_value(v);
	return i;
}

/* "&name..." at s[0]; on success store the code point and return the length. */
static size_t parse_named(const char *s, size_t n, uint32_t *cp)
{
	size_t i = 1;
	while (i < n && i < 40 && is_alnum((unsigned char)s[i]))
		i++;
	size_t len = i - 1;
	if (len == 0)
		return 0;
	if (i < n && s[i] == ';') {
		uint32_t c = entity_lookup(s + 1, len);
		if (c) {
			*cp = c;
			return i + 1;
		}
		return 0;
	}
	/* No ';': only the legacy names, and only as a whole word. */
	if (i < n && s[i] == '=')
		return 0;
	for (size_t k = 0; k < sizeof(legacy) / sizeof(legacy[0]); k++) {
		if (strlen(legacy[k]) == len && memcmp(legacy[k], s + 1, len) == 0) {
			*cp = entity_lookup(s + 1, len);
			return i;
		}
	}
	return 0;
}

size_t decode_entities(struct slice in, struct buf *out)
{
	size_t count = 0;
	const char *p = in.p, *end = in.p + in.n;
	buf_grow(out, in.n);
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		if (!amp) {
			buf_put(out, p, (size_t)(end - p));
			break;
		}
		buf_put(out, p, (size_t)(amp - p));
		size_t left = (size_t)(end - amp), len = 0;
		uint32_t cp = 0;
		if (left > 1 && amp[1] == '#')
			len = parse_numeric(amp, left, &cp);
		else if (left > 1)
			len = parse_named(amp, left, &cp);
		if (len) {
			buf_put_utf8(out, cp);
			count++;
			p = amp + len;
		} else {
			buf_putc(out, '&');
			p = amp + 1;
		}
	}
	return count;
}
