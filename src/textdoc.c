#include "textdoc.h"

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "entities.h"
#include "util.h"

void textdoc_init(struct textdoc *d)
{
	memset(d, 0, sizeof *d);
}

void textdoc_release(struct textdoc *d)
{
	buf_release(&d->text);
	buf_release(&d->urls);
	free(d->v);
	memset(d, 0, sizeof *d);
}

static int is_fold_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/*
 * The first offset at or after i where whitespace needs folding: a space,
 * tab, line break, form feed or vertical tab other than one space followed
 * by a byte that is not whitespace.  Everything before it is copied as is.
 */
static size_t plain_until(struct slice s, size_t i)
{
	const unsigned char *p = (const unsigned char *)s.p;
#ifdef __SSE2__
	const __m128i x8 = _mm_set1_epi8(8), x14 = _mm_set1_epi8(14), sp = _mm_set1_epi8(' ');
	for (; i + 17 <= s.n; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		__m128i y = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 1));
		__m128i xc = _mm_and_si128(_mm_cmpgt_epi8(x, x8), _mm_cmplt_epi8(x, x14));
		__m128i yw = _mm_or_si128(_mm_cmpeq_epi8(y, sp),
					  _mm_and_si128(_mm_cmpgt_epi8(y, x8), _mm_cmplt_epi8(y, x14)));
		__m128i bad = _mm_or_si128(xc, _mm_and_si128(_mm_cmpeq_epi8(x, sp), yw));
		unsigned m = (unsigned)_mm_movemask_epi8(bad);
		if (m)
			return i + (size_t)__builtin_ctz(m);
	}
#endif
	for (; i < s.n; i++) {
		if (p[i] == ' ') {
			if (i + 1 < s.n && !is_fold_space(p[i + 1]))
				continue;
			return i;
		}
		if (is_fold_space(p[i]))
			return i;
	}
	return i;
}

/* Append s with whitespace folded to single spaces and trimmed; returns bytes added. */
static size_t put_folded(struct buf *b, struct slice s)
{
	size_t start = b->n, i = 0;
	while (i < s.n && is_fold_space((unsigned char)s.p[i]))
		i++;
	while (i < s.n) {
		size_t run = i;
		i = plain_until(s, i);
		buf_put(b, s.p + run, i - run);
		while (i < s.n && is_fold_space((unsigned char)s.p[i]))
			i++;
		if (i < s.n)
			buf_putc(b, ' ');
	}
	return b->n - start;
}

void textdoc_add(struct textdoc *d, struct slice text, unsigned src_line,
		 int heading, int list, struct slice url)
{
	size_t mark = d->text.n;
	if (d->n)
		buf_putc(&d->text, '\n');
	size_t off = d->text.n;
	size_t len = put_folded(&d->text, text);
	if (!len) {
		buf_truncate(&d->text, mark);
		return;
	}
	size_t url_off = 0, url_len = 0;
	if (url.n) {
		url_off = d->urls.n;
		url_len = put_folded(&d->urls, url);
		buf_putc(&d->urls, '\0');
	}
	d->v = xgrow(d->v, &d->cap, d->n + 1, sizeof *d->v);
	struct tline *l = &d->v[d->n++];
	l->off = off;
	l->len = len;
	l->src_line = src_line;
	l->heading = (unsigned char)heading;
	l->list = (unsigned char)list;
	l->url_off = url_off;
	l->url_len = url_len;
}

size_t textdoc_line_at(const struct textdoc *d, size_t off)
{
	size_t lo = 0, hi = d->n;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (d->v[mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* ---- Markdown lines ---------------------------------------------------- */

static int is_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c >= 0x80;
}

/*
 * Remove inline Markdown from one line: links keep their text (first URL
 * returned in *url), images their alt text, emphasis and code markers and
 * inline tags vanish.
 */
/* Bytes that may start inline Markdown; every other byte is copied as it is. */
static const unsigned char inline_special[256] = {
	['\\'] = 1, ['!'] = 1, ['['] = 1, [']'] = 1, ['<'] = 1, ['`'] = 1, ['*'] = 1, ['_'] = 1,
};

static void strip_inline(struct slice s, struct buf *out, struct buf *url)
{
	for (size_t i = 0; i < s.n; i++) {
		size_t run = i;
		while (i < s.n && !inline_special[(unsigned char)s.p[i]])
			i++;
		if (i > run)
			buf_put(out, s.p + run, i - run);
		if (i == s.n)
			break;
		unsigned char c = (unsigned char)s.p[i];
		if (c == '\\' && i + 1 < s.n && strchr("\\`*_{}[]()#+-.!<>|~", s.p[i + 1])) {
			buf_putc(out, s.p[++i]);
			continue;
		}
		if (c == '!' && i + 1 < s.n && s.p[i + 1] == '[')
			continue; /* image: keep the alt text as a link text */
		if (c == '[') {
			/* [text](url): find the matching "](" on this line */
			size_t j = i + 1;
			int depth = 1;
			while (j < s.n && depth) {
				if (s.p[j] == '[')
					depth++;
				else if (s.p[j] == ']')
					depth--;
				if (depth)
					j++;
			}
			if (j < s.n && j + 1 < s.n && s.p[j + 1] == '(') {
				const char *close = memchr(s.p + j + 2, ')', s.n - j - 2);
				if (close) {
					struct slice inner = { s.p + i + 1, j - i - 1 };
					strip_inline(inner, out, url);
					struct slice u = slice_trim((struct slice){
						s.p + j + 2, (size_t)(close - (s.p + j + 2)) });
					/* drop a title: (url "title") */
					const char *sp = memchr(u.p, ' ', u.n);
					if (sp)
						u.n = (size_t)(sp - u.p);
					if (!url->n && u.n)
						buf_putslice(url, u);
					i = (size_t)(close - s.p);
					continue;
				}
			}
			continue; /* a lone bracket: drop it */
		}
		if (c == ']')
			continue;
		if (c == '<') {
			/* inline tag or autolink */
			const char *gt = memchr(s.p + i, '>', s.n - i);
			if (gt && i + 1 < s.n &&
			    ((s.p[i + 1] >= 'a' && s.p[i + 1] <= 'z') ||
			     (s.p[i + 1] >= 'A' && s.p[i + 1] <= 'Z') || s.p[i + 1] == '/')) {
				struct slice tag = { s.p + i + 1, (size_t)(gt - s.p) - i - 1 };
				if (tag.n > 7 && (!memcmp(tag.p, "http://", 7) || !memcmp(tag.p, "https:/", 7))) {
					buf_putslice(out, tag);
					if (!url->n)
						buf_putslice(url, tag);
				} else {
					buf_putc(out, ' ');
				}
				i = (size_t)(gt - s.p);
				continue;
			}
		}
		if (c == '`')
			continue;
		if (c == '*')
			continue;
		if (c == '_') {
			int before = i > 0 && is_word((unsigned char)s.p[i - 1]);
			int after = i + 1 < s.n && is_word((unsigned char)s.p[i + 1]);
			if (before && after)
				buf_putc(out, '_'); /* snake_case, FULL_TIME */
			continue;
		}
		buf_putc(out, (char)c);
	}
}

struct line_kind {
	int heading, list, rule, fence;
	struct slice rest;
};

static struct line_kind classify(struct slice raw)
{
	struct line_kind k = { 0, 0, 0, 0, raw };
	size_t i = 0;
	while (i < raw.n && i < 4 && raw.p[i] == ' ')
		i++;
	struct slice s = { raw.p + i, raw.n - i };
	while (s.n && s.p[0] == '>') { /* blockquote */
		s.p++, s.n--;
		while (s.n && s.p[0] == ' ')
			s.p++, s.n--;
	}
	if (s.n >= 3 && (!memcmp(s.p, "```", 3) || !memcmp(s.p, "~~~", 3))) {
		k.fence = 1;
		return k;
	}
	/* thematic break: 3+ of the same of - * _ with spaces only */
	if (s.n >= 3 && (s.p[0] == '-' || s.p[0] == '*' || s.p[0] == '_')) {
		size_t cnt = 0, j;
		for (j = 0; j < s.n; j++) {
			if (s.p[j] == s.p[0])
				cnt++;
			else if (s.p[j] != ' ' && s.p[j] != '\t')
				break;
		}
		if (j == s.n && cnt >= 3) {
			k.rule = 1;
			return k;
		}
	}
	size_t h = 0;
	while (h < s.n && h < 7 && s.p[h] == '#')
		h++;
	if (h >= 1 && h <= 6 && (h == s.n || s.p[h] == ' ' || s.p[h] == '\t')) {
		k.heading = (int)h;
		struct slice r = { s.p + h, s.n - h };
		r = slice_trim(r);
		while (r.n && r.p[r.n - 1] == '#')
			r.n--;
		k.rest = slice_trim(r);
		return k;
	}
	/* list markers: - * + • o, "1." "1)" */
	size_t j = 0;
	if (s.n >= 2 && (s.p[0] == '-' || s.p[0] == '*' || s.p[0] == '+') &&
	    (s.p[1] == ' ' || s.p[1] == '\t')) {
		j = 2;
	} else if (s.n >= 4 && (unsigned char)s.p[0] == 0xE2 &&
		   (unsigned char)s.p[1] == 0x80 && (unsigned char)s.p[2] == 0xA2 &&
		   s.p[3] == ' ') {
		j = 4; /* • */
	} else if (s.n >= 3 && s.p[0] == 'o' && s.p[1] == ' ' &&
		   s.p[2] >= 'A' && s.p[2] <= 'Z') {
		j = 2;
	} else {
		size_t d = 0;
		while (d < s.n && d < 3 && s.p[d] >= '0' && s.p[d] <= '9')
			d++;
		if (d && d + 1 < s.n && (s.p[d] == '.' || s.p[d] == ')') && s.p[d + 1] == ' ')
			j = d + 2;
	}
	if (j) {
		k.list = 1;
		k.rest = slice_trim((struct slice){ s.p + j, s.n - j });
		return k;
	}
	k.rest = slice_trim(s);
	return k;
}

/* A "Key: value" line, which must stay a line of its own. */
static int looks_like_field(struct slice s)
{
	size_t i = 0;
	while (i < s.n && i < 40 && s.p[i] != ':')
		i++;
	if (i == 0 || i >= s.n || i >= 40)
		return 0;
	return s.p[0] >= 'A' && s.p[0] <= 'Z';
}

void textdoc_from_markdown(struct textdoc *d, struct slice md, unsigned first_line)
{
	struct buf para = BUF_INIT, url = BUF_INIT, tmp = BUF_INIT, dec = BUF_INIT;
	unsigned para_line = 0, lineno = first_line;
	int para_list = 0, in_fence = 0, last_len = 0, hard_break = 0;
	size_t pos = 0;

#define FLUSH()                                                              \
	do {                                                                 \
		if (para.n)                                                  \
			textdoc_add(d, buf_slice(&para), para_line, 0, para_list, \
				    buf_slice(&url));                        \
		buf_reset(&para);                                            \
		buf_reset(&url);                                             \
		para_list = 0;                                               \
	} while (0)

	while (pos <= md.n) {
		const char *nl = pos < md.n ? memchr(md.p + pos, '\n', md.n - pos) : NULL;
		size_t end = nl ? (size_t)(nl - md.p) : md.n;
		struct slice raw = { md.p + pos, end - pos };
		int trailing2 = raw.n >= 2 && raw.p[raw.n - 1] == ' ' && raw.p[raw.n - 2] == ' ';
		struct line_kind k = classify(raw);
		struct slice t = slice_trim(k.rest);

		if (k.fence) {
			FLUSH();
			in_fence = !in_fence;
		} else if (in_fence) {
			textdoc_add(d, raw, lineno, 0, 0, (struct slice){ 0, 0 });
		} else if (t.n == 0 || k.rule) {
			FLUSH();
		} else {
			buf_reset(&tmp);
			buf_reset(&dec);
			struct buf lurl = BUF_INIT;
			strip_inline(t, &tmp, &lurl);
			struct slice clean = slice_trim(buf_slice(&tmp));
			if (memchr(clean.p, '&', clean.n)) {
				decode_entities(clean, &dec);
				clean = slice_trim(buf_slice(&dec));
			}
			int indented = raw.n && (raw.p[0] == ' ' || raw.p[0] == '\t');
			if (k.heading) {
				FLUSH();
				textdoc_add(d, clean, lineno, k.heading, 0, buf_slice(&lurl));
			} else if (k.list) {
				FLUSH();
				para_line = lineno;
				para_list = 1;
				buf_putslice(&para, clean);
				buf_putslice(&url, buf_slice(&lurl));
			} else if (para.n && !hard_break && !looks_like_field(clean) &&
				   (last_len >= 55 || (para_list && indented))) {
				/* a hard-wrapped continuation */
				buf_putc(&para, ' ');
				buf_putslice(&para, clean);
				if (!url.n)
					buf_putslice(&url, buf_slice(&lurl));
			} else {
				FLUSH();
				para_line = lineno;
				buf_putslice(&para, clean);
				buf_putslice(&url, buf_slice(&lurl));
			}
			buf_release(&lurl);
			last_len = (int)raw.n;
			hard_break = trailing2;
		}
		if (!nl)
			break;
		pos = end + 1;
		lineno++;
	}
	FLUSH();
#undef FLUSH
	buf_release(&para);
	buf_release(&url);
	buf_release(&tmp);
	buf_release(&dec);
}

void textdoc_from_lines(struct textdoc *d, struct slice text, unsigned first_line)
{
	size_t pos = 0;
	unsigned lineno = first_line;
	while (pos < text.n) {
		const char *nl = memchr(text.p + pos, '\n', text.n - pos);
		size_t end = nl ? (size_t)(nl - text.p) : text.n;
		textdoc_add(d, (struct slice){ text.p + pos, end - pos },
			    first_line ? lineno : 0, 0, 0, (struct slice){ 0, 0 });
		pos = end + 1;
		lineno++;
	}
}
