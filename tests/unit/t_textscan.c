/*
 * t_textscan.c - the scanners that look at 16 bytes at a time (SSE2),
 * against byte-at-a-time references: kw_scan (textscan.h) and the
 * whitespace folding of textdoc_add (textdoc.h).
 *
 * Fixed cases cover word starts at and around the 16-byte edges, then
 * random texts built from keyword pieces, letters and separators must
 * give the same hits and the same folded text.
 */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "textdoc.h"
#include "textscan.h"
#include "util.h"

static int is_letter(unsigned char c)
{
	return ((c | 32u) - 'a') < 26u;
}

static size_t ref_scan(struct slice s, const char *const *kw, size_t nkw, struct kw_hit *hits,
		       size_t max)
{
	size_t nh = 0;
	for (size_t i = 0; i < s.n; i++) {
		if (i > 0 && is_letter((unsigned char)s.p[i - 1]))
			continue;
		for (size_t k = 0; k < nkw; k++) {
			size_t n = strlen(kw[k]), j = 0;
			if (i + n > s.n)
				continue;
			while (j < n && ascii_lower((unsigned char)s.p[i + j]) == (unsigned char)kw[k][j])
				j++;
			if (j == n) {
				hits[nh].at = i;
				hits[nh].id = (int)k;
				if (++nh == max)
					return nh;
				break;
			}
		}
	}
	return nh;
}

static const char *const kw[] = { "pay", "salar", "$", "401", "\xE2\x82\xAC", "per hour", "us$", "p" };
enum { NKW = sizeof kw / sizeof kw[0] };

static int same(const char *text, size_t n, size_t max, const char *what)
{
	struct kw_hit a[300], b[300];
	struct slice s = { text, n };
	size_t na = kw_scan(s, kw, NKW, a, max), nb = ref_scan(s, kw, NKW, b, max);
	int ok = na == nb;
	for (size_t i = 0; ok && i < na; i++)
		ok = a[i].at == b[i].at && a[i].id == b[i].id;
	CHECK(ok, "%s: %zu hits, reference %zu (text \"%.*s\")", what, na, nb, (int)n, text);
	return ok;
}

static void fixed_cases(void)
{
	struct kw_hit h[8];
	const char *t = "Pay is $5; repay us$ 401k SALARY";
	size_t n = kw_scan(slice_from(t), kw, NKW, h, 8);
	CHECK(n == 5, "hits in \"%s\": %zu", t, n);
	CHECK(n > 0 && h[0].at == 0 && h[0].id == 0, "\"Pay\" at 0");
	CHECK(n > 1 && h[1].at == 7 && h[1].id == 2, "\"$\" at 7");
	CHECK(n > 2 && h[2].at == 17 && h[2].id == 6, "\"us$\" at 17, not \"pay\" inside \"repay\"");
	CHECK(n > 3 && h[3].at == 21 && h[3].id == 3, "\"401\" at 21");
	CHECK(n > 4 && h[4].at == 26 && h[4].id == 1, "\"SALARY\" at 26");
	/* a word start on each side of every 16-byte edge */
	char buf[80];
	for (size_t at = 0; at + 3 < 60; at++) {
		memset(buf, 'x', sizeof buf);
		buf[at] = ' ';
		memcpy(buf + at + 1, "pay", 3);
		same(buf, 60, 64, "edge");
		buf[at] = 'q'; /* now inside a word: no hit */
		same(buf, 60, 64, "edge, in a word");
	}
	/* a keyword cut off by the end of the text */
	same("xx pa", 5, 8, "cut");
	same("", 0, 8, "empty");
	/* the limit on hits */
	same("pay pay pay pay pay pay pay pay pay pay pay pay pay pay pay pay pay pay", 71, 3, "max");
}

/* Pieces picked at random (an LCG from *seed) up to a random length below max. */
static size_t random_text(unsigned *seed, const char *const *pieces, size_t npieces, size_t max,
			  char *text, size_t cap)
{
	size_t n = 0;
	*seed = *seed * 1103515245u + 12345u;
	size_t want = (*seed >> 16) % max;
	while (n < want) {
		*seed = *seed * 1103515245u + 12345u;
		const char *p = pieces[(*seed >> 16) % npieces];
		size_t l = strlen(p);
		if (n + l >= cap)
			break;
		memcpy(text + n, p, l);
		n += l;
	}
	return n;
}

static void random_cases(void)
{
	static const char *const pieces[] = {
		"pay", "Pay", "PAY", "salar", "y", "$", "us$", "US$", "401", "4", "\xE2\x82\xAC",
		"per hour", "per", " ", "  ", "\n", ",", ".", "a", "z", "Q", "_", "-", "0", "\xC3\xA9",
		"p", "P",
	};
	unsigned seed = 12345;
	char text[400];
	int bad = 0;
	for (int round = 0; round < 20000 && bad < 5; round++) {
		size_t n = random_text(&seed, pieces, sizeof pieces / sizeof pieces[0], 120, text,
				       sizeof text);
		if (!same(text, n, 300, "random"))
			bad++;
	}
	CHECK(bad == 0, "random texts agree with the reference");
}

/* Whitespace runs to one space, none at either end: the definition. */
static void ref_fold(const char *p, size_t n, struct buf *out)
{
	int space = 0;
	for (size_t i = 0; i < n; i++) {
		if (strchr(" \t\n\r\f\v", p[i]) && p[i]) {
			space = 1;
			continue;
		}
		if (space && out->n)
			buf_putc(out, ' ');
		space = 0;
		buf_putc(out, p[i]);
	}
}

static void fold_cases(void)
{
	static const char *const pieces[] = {
		" ", "  ", "\t", "\n", "\r\n", "\f", "\v", "a", "word", "x.", "\xC3\xA9", "|",
	};
	unsigned seed = 777;
	char text[200];
	int bad = 0;
	for (int round = 0; round < 20000 && bad < 5; round++) {
		size_t n = random_text(&seed, pieces, sizeof pieces / sizeof pieces[0], 90, text,
				       sizeof text);
		struct textdoc d;
		textdoc_init(&d);
		textdoc_add(&d, (struct slice){ text, n }, 1, 0, 0, (struct slice){ NULL, 0 });
		struct buf want_buf = BUF_INIT;
		ref_fold(text, n, &want_buf);
		int ok = d.n == (want_buf.n ? 1u : 0u) &&
			 slice_eq(textdoc_all(&d), buf_slice(&want_buf));
		CHECK(ok, "folded \"%.*s\": \"%.*s\", want \"%s\"", (int)n, text,
		      (int)textdoc_all(&d).n, textdoc_all(&d).p, want_buf.p ? want_buf.p : "");
		bad += !ok;
		buf_release(&want_buf);
		textdoc_release(&d);
	}
}

int main(void)
{
	fixed_cases();
	random_cases();
	fold_cases();
	return test_done();
}
