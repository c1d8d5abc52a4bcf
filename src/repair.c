/*
 * repair.c - scraped bytes to clean NFC UTF-8; mojibake repair.
 *
 * The clean path is what matters for speed: the first pass copies runs of
 * ordinary bytes with memcpy and looks only at control and non-ASCII
 * bytes; the later passes run only when the text has '&' or non-ASCII
 * characters, and NFC only when a character could change under it.
 *
 * Mojibake repair works on code points.  For a character set (Windows-1252
 * with Latin-1, then MacRoman) it finds "candidates": a character that the
 * set encodes as a UTF-8 lead byte followed by characters it encodes as the
 * right number of continuation bytes, together valid UTF-8.  Each candidate
 * gets a score for how surely it is mojibake rather than real text, looking
 * at its characters and the characters around it (the idea of ftfy's
 * "badness"; the rules here are our own and were tuned on ftfy's test
 * cases: see the comments on each).  Adjacent candidates form a run, which
 * is re-decoded when its score reaches 1.  Passes repeat while something
 * changes, which undoes mojibake applied two or three times.
 */
#include "repair.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <utf8proc.h>

#include "charsets.h"
#include "entities.h"
#include "util.h"

/* ---- stage 1: bytes to valid UTF-8 ---------------------------------- */

/* 1 for bytes the copy loop must look at: controls but \t \n, DEL, non-ASCII. */
static const unsigned char special[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x7F] = 1,
	[0x80] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/* The first offset at or after i where s holds a special byte, or n. */
static size_t skip_plain(const unsigned char *s, size_t i, size_t n)
{
#ifdef __SSE2__
	/* 16 bytes at a time while all are printable ASCII, tab or line feed */
	const __m128i x1f = _mm_set1_epi8(0x1F), x7f = _mm_set1_epi8(0x7F);
	const __m128i tab = _mm_set1_epi8('\t'), lf = _mm_set1_epi8('\n');
	for (; i + 16 <= n; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		__m128i ok = _mm_and_si128(_mm_cmpgt_epi8(x, x1f), _mm_cmplt_epi8(x, x7f));
		ok = _mm_or_si128(ok, _mm_or_si128(_mm_cmpeq_epi8(x, tab), _mm_cmpeq_epi8(x, lf)));
		unsigned bad = ~(unsigned)_mm_movemask_epi8(ok) & 0xFFFFu;
		if (bad)
			return i + (size_t)__builtin_ctz(bad);
	}
#endif
	while (i < n && !special[s[i]])
		i++;
	return i;
}

/*
 * Length of the maximal subpart of an invalid sequence at s (Unicode
 * chapter 3, "U+FFFD substitution of maximal subparts"): the lead byte and
 * the continuation bytes that could still have begun a valid character.
 */
static size_t invalid_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t need;
	unsigned char lo = 0x80, hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF)
		need = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		need = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
	else if (c >= 0xF0 && c <= 0xF4)
		need = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
	else
		return 1;
	size_t i = 1;
	if (i < n && s[i] >= lo && s[i] <= hi) {
		for (i = 2; i < need && i < n && (s[i] & 0xC0) == 0x80; i++)
			;
	}
	return i;
}

/* Flags the first pass learns about its output. */
struct scan {
	int nonascii;
	int amp;
};

static void decode_utf8(const unsigned char *s, size_t n, struct buf *out,
			struct repair_report *rep, struct scan *sc)
{
	size_t i = 0, done = 0; /* s[done..i) is clean and not yet copied */
	buf_grow(out, n);
	while (i < n) {
		if (!special[s[i]]) {
			i = skip_plain(s, i + 1, n);
			continue;
		}
		unsigned char c = s[i];
		uint32_t cp;
		size_t len;
		if (c >= 0x80 && (len = utf8_get(s + i, n - i, &cp)) != 0) {
			sc->nonascii = 1;
			i += len;
			continue;
		}
		buf_put(out, s + done, i - done);
		if (c == '\r') {
			buf_putc(out, '\n');
			rep->crlf++;
			i += (i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
		} else if (c < 0x80) {
			rep->controls++;
			i++;
		} else {
			buf_put_utf8(out, 0xFFFD);
			rep->invalid_utf8++;
			sc->nonascii = 1;
			i += invalid_len(s + i, n - i);
		}
		done = i;
	}
	buf_put(out, s + done, n - done);
	if (!sc->amp && memchr(out->p, '&', out->n))
		sc->amp = 1;
}

/* UTF-16 (BOM already skipped) to UTF-8 bytes; lone surrogates -> U+FFFD. */
static void decode_utf16(const unsigned char *s, size_t n, int big_endian,
			 struct buf *out, struct repair_report *rep)
{
	size_t i = 0;
	buf_grow(out, n + n / 2);
	while (i + 1 < n) {
		uint32_t u = big_endian ? (uint32_t)(s[i] << 8 | s[i + 1]) :
					  (uint32_t)(s[i + 1] << 8 | s[i]);
		i += 2;
		if (u >= 0xD800 && u <= 0xDBFF && i + 1 < n) {
			uint32_t v = big_endian ? (uint32_t)(s[i] << 8 | s[i + 1]) :
						  (uint32_t)(s[i + 1] << 8 | s[i]);
			if (v >= 0xDC00 && v <= 0xDFFF) {
				u = 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00);
				i += 2;
			}
		}
		if (u >= 0xD800 && u <= 0xDFFF) {
			u = 0xFFFD;
			rep->invalid_utf8++;
		}
		buf_put_utf8(out, u);
	}
	if (i < n) { /* an odd byte at the end */
		buf_put_utf8(out, 0xFFFD);
		rep->invalid_utf8++;
	}
}

/* ---- mojibake -------------------------------------------------------- */

/* Decode valid UTF-8 (invalid bytes -> U+FFFD) into a code point array. */
static uint32_t *to_codepoints(struct slice s, size_t *count)
{
	uint32_t *cps = xmalloc((s.n + 1) * sizeof(*cps));
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0, n = 0;
	while (i < s.n) {
		size_t len = utf8_get(p + i, s.n - i, &cps[n]);
		if (!len)
			cps[n] = 0xFFFD, len = 1;
		i += len;
		n++;
	}
	*count = n;
	return cps;
}

static int is_letter(uint32_t c)
{
	if (c < 0x80)
		return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
	utf8proc_category_t k = utf8proc_category((utf8proc_int32_t)c);
	return k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO;
}

static int is_ascii_letter(uint32_t c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static int is_word(uint32_t c)
{
	return is_letter(c) || (c >= '0' && c <= '9');
}

static int is_c1(uint32_t c)
{
	return c >= 0x80 && c <= 0x9F;
}

/* Characters that next to an accented letter are almost only mojibake:
 * they are the second half of the UTF-8 of common letters and symbols. */
static int w_bad(uint32_t c)
{
	switch (c) {
	case 0xA4: case 0xA6: case 0xA7: case 0xA8: case 0xAA: case 0xAC:
	case 0xAF: case 0xB6: case 0xB8: case 0xBA:
	case 0x0152: case 0x0153: case 0x0160: case 0x0161: case 0x0178:
	case 0x017D: case 0x017E: case 0x0192: case 0x02C6: case 0x02DC:
	case 0x201A: case 0x201E: case 0x2020: case 0x2021: case 0x2030:
	case 0x2039: case 0x20AC:
		return 1;
	}
	return 0;
}

/* Numeric signs: glued to a letter they are mojibake ("Î³", "Ä±", "Ä°"). */
static int w_numeric(uint32_t c)
{
	switch (c) {
	case 0xB0: case 0xB1: case 0xB2: case 0xB3: case 0xB5: case 0xB9:
	case 0xBC: case 0xBD: case 0xBE:
		return 1;
	}
	return 0;
}

/* Punctuation that is odd between two letters ("RÄ«ga", "koriÅ¡teno");
 * apostrophes, spaces and the soft hyphen are not odd there. */
static int w_inword_punct(uint32_t c)
{
	switch (c) {
	case 0xA1: case 0xA9: case 0xAB: case 0xAE: case 0xB7: case 0xBB:
	case 0xBF: case 0x2013: case 0x2014: case 0x201C: case 0x201D:
	case 0x2022: case 0x2026: case 0x2122: case 0x203A:
		return 1;
	}
	return 0;
}

/* Punctuation that legitimately follows a letter, twice in a row
 * ("Brontë…”"): a 3-byte candidate made only of these is not evidence. */
static int soft_punct(uint32_t c)
{
	switch (c) {
	case 0xA0: case 0xA1: case 0xAB: case 0xAD: case 0xB4: case 0xB7:
	case 0xBB: case 0xBF: case 0x2013: case 0x2014: case 0x2018:
	case 0x2019: case 0x201C: case 0x201D: case 0x2026:
		return 1;
	}
	return 0;
}

/* Score of a Windows-1252/Latin-1 candidate x y[0..k-2], with the
 * characters p before and q after it (0 at the text's ends). */
static int w_score(const uint32_t *c, size_t k, uint32_t p, uint32_t q)
{
	uint32_t x = c[0], y = c[1];
	for (size_t i = 1; i < k; i++)
		if (is_c1(c[i]))
			return 3; /* C1 controls are not written on purpose */
	if (k == 4)
		return 3; /* "ðŸŒŽ": astral characters, nearly all emoji */
	if (k == 3) {
		if (x == 0xE2 && y == 0x20AC)
			return 3; /* "â€": U+2000-U+203F punctuation */
		if (soft_punct(y) && soft_punct(c[2]))
			return 0;
		return 2;
	}
	if (x == 0xC2 || x == 0xC3) {
		/* Â and Ã are rare as letters, and never before these. */
		if (y == 0x2019)
			return is_word(q) ? 0 : 1; /* "Ã’s" may be an apostrophe */
		if (x == 0xC3 && y == 0xA5)
			return 0; /* "Ã¥": also leetspeak and MacRoman; ftfy keeps it */
		if (x == 0xC2 && y < 0xA0)
			return 0; /* would give a C1 control: only inside a run */
		return 2;
	}
	if (x == 0xD7) /* × is a real sign before quotes and currency */
		return (y == 0xB2 || y == 0xB3) ? 2 : 0;
	if (w_bad(y) || w_numeric(y))
		return 2;
	if (w_inword_punct(y) && is_letter(p) && is_letter(q))
		return 2;
	return 0;
}

/* MacRoman: its lead bytes are common punctuation, so only the shapes that
 * are nearly always mojibake count on their own. */
static int r_score(const uint32_t *c, size_t k, uint32_t p, uint32_t q, uint32_t u)
{
	if (k == 2 && (c[0] == 0x221A || c[0] == 0x0192 || c[0] == 0x2248))
		/* "√©" "ƒÅ" "≈°": Latin letters, inside or at the edge of a word
		 * ("= √π" is math) */
		return (is_letter(u) && (is_ascii_letter(p) || is_ascii_letter(q))) ? 2 : 0;
	if (k == 3 && c[0] == 0x201A && c[1] == 0xC4)
		return 3; /* "‚Ä": U+2000-U+203F punctuation */
	if (k == 4 && c[0] == 0xF8FF)
		return 3;
	return 0;
}

struct cand {
	size_t start, k;
	uint32_t cp;
};

static int is_lead(int b)
{
	return b >= 0xC2 && b <= 0xF4;
}

static int is_cont(int b)
{
	return b >= 0x80 && b <= 0xBF;
}

/* A candidate at cps[i]: store it and return 1. */
static int candidate_at(const uint32_t *cps, size_t n, size_t i, enum charset cs,
			struct cand *out)
{
	int b0 = charset_encode(cs, cps[i]);
	if (!is_lead(b0))
		return 0;
	size_t k = b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4;
	if (i + k > n)
		return 0;
	unsigned char bytes[4] = { (unsigned char)b0 };
	for (size_t j = 1; j < k; j++) {
		int b = charset_encode(cs, cps[i + j]);
		if (!is_cont(b))
			return 0;
		bytes[j] = (unsigned char)b;
	}
	uint32_t u;
	if (utf8_get(bytes, k, &u) != k)
		return 0;
	utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)u);
	if (cat == UTF8PROC_CATEGORY_CN || cat == UTF8PROC_CATEGORY_CS ||
	    (cat == UTF8PROC_CATEGORY_CO && u != 0xF8FF) ||
	    (cat == UTF8PROC_CATEGORY_CC && !is_c1(u)))
		return 0;
	out->start = i;
	out->k = k;
	out->cp = u;
	return 1;
}

/* A lead byte, maybe with continuations, right before i that did not make
 * a candidate: the run at i sits in broken mojibake ("ã†â€™ãƒ"), where
 * re-decoding a piece only makes a different mess. */
static int broken_before(const uint32_t *cps, size_t i, enum charset cs)
{
	for (size_t back = 1; back <= 3 && back <= i; back++) {
		int b = charset_encode(cs, cps[i - back]);
		if (is_lead(b))
			return 1;
		if (!is_cont(b) || cps[i - back] < 0x80)
			return 0;
	}
	return 0;
}

/*
 * One pass over cps with one character set; returns the runs re-decoded.
 * whole: only act when every non-ASCII character is part of a candidate,
 * that is when the whole text went through the same wrong decoding; then
 * one clear span decides for all.  Otherwise each run decides for itself.
 */
static unsigned mojibake_pass(uint32_t *cps, size_t *np, enum charset cs, int whole)
{
	size_t n = *np, ncand = 0, cap = 0, loose = 0;
	struct cand *cands = NULL;
	for (size_t i = 0; i < n;) {
		struct cand c;
		if (cps[i] >= 0x80 && candidate_at(cps, n, i, cs, &c)) {
			cands = xgrow(cands, &cap, ncand + 1, sizeof(*cands));
			cands[ncand++] = c;
			i += c.k;
		} else {
			loose += cps[i] >= 0x80;
			i++;
		}
	}
	if (ncand == 0 || (whole && loose)) {
		free(cands);
		return 0;
	}

	/* Score the runs; mark the chosen candidates by setting k to 0 for
	 * the rejected ones. */
	unsigned char *fix = xcalloc(ncand, 1);
	int total = 0;
	unsigned runs = 0;
	for (size_t r = 0; r < ncand;) {
		size_t e = r + 1;
		while (e < ncand && cands[e].start == cands[e - 1].start + cands[e - 1].k)
			e++;
		int score = (int)(e - r - 1); /* adjacent candidates back each other */
		for (size_t j = r; j < e; j++) {
			const struct cand *c = &cands[j];
			uint32_t p = c->start ? cps[c->start - 1] : 0;
			uint32_t q = c->start + c->k < n ? cps[c->start + c->k] : 0;
			score += cs == CS_WINLATIN ?
					 w_score(cps + c->start, c->k, p, q) :
					 r_score(cps + c->start, c->k, p, q, c->cp);
		}
		total += score;
		if (!whole && score >= 1 && !broken_before(cps, cands[r].start, cs))
			memset(fix + r, 1, e - r);
		r = e;
	}
	if (whole && total >= 1)
		memset(fix, 1, ncand);

	size_t w = 0, rd = 0;
	for (size_t j = 0; j < ncand; j++) {
		if (!fix[j])
			continue;
		const struct cand *c = &cands[j];
		while (rd < c->start)
			cps[w++] = cps[rd++];
		cps[w++] = c->cp;
		rd += c->k;
		if (j == 0 || !fix[j - 1] || cands[j - 1].start + cands[j - 1].k != c->start)
			runs++;
	}
	while (rd < n)
		cps[w++] = cps[rd++];
	*np = w;
	free(fix);
	free(cands);
	return runs;
}

/* Cheap test: could any part of this text be a candidate, or is there a C1
 * control?  Clean text, even with curly quotes, answers no at once. */
static int maybe_mojibake(struct slice s)
{
	const unsigned char *p = (const unsigned char *)s.p;
	int prev_w = 0, prev_r = 0;
	size_t i = 0;
	while (i < s.n) {
		if (p[i] < 0x80) {
			prev_w = prev_r = 0;
			i++;
			continue;
		}
		uint32_t cp;
		size_t len = utf8_get(p + i, s.n - i, &cp);
		if (!len)
			return 1;
		if (is_c1(cp))
			return 1;
		int bw = charset_encode(CS_WINLATIN, cp), br = charset_encode(CS_MACROMAN, cp);
		if ((is_lead(prev_w) && is_cont(bw)) || (is_lead(prev_r) && is_cont(br)))
			return 1;
		prev_w = bw, prev_r = br;
		i += len;
	}
	return 0;
}

unsigned fix_mojibake(struct slice utf8, struct buf *out, struct repair_report *rep)
{
	if (!maybe_mojibake(utf8)) {
		buf_putslice(out, utf8);
		return 0;
	}
	size_t n;
	uint32_t *cps = to_codepoints(utf8, &n);
	unsigned spans = 0, c1 = 0;
	/*
	 * A reading that explains the whole text beats one that explains a
	 * piece: "profiter‚Ä¶" is MacRoman throughout, though "Ä¶" alone
	 * would pass for Windows-1252.  Each pass shortens the text, so this
	 * ends; the cap is for safety.
	 */
	for (int pass = 0; pass < 8; pass++) {
		unsigned f = mojibake_pass(cps, &n, CS_WINLATIN, 1);
		if (!f)
			f = mojibake_pass(cps, &n, CS_MACROMAN, 1);
		if (!f)
			f = mojibake_pass(cps, &n, CS_WINLATIN, 0);
		if (!f)
			f = mojibake_pass(cps, &n, CS_MACROMAN, 0);
		if (!f)
			break;
		spans += f;
	}
	buf_grow(out, n * 2);
	for (size_t i = 0; i < n; i++) {
		uint32_t c = cps[i];
		if (is_c1(c) && cp1252_c1(c)) {
			c = cp1252_c1(c);
			c1++;
		}
		buf_put_utf8(out, c);
	}
	free(cps);
	if (rep) {
		rep->mojibake += spans;
		rep->c1 += c1;
	}
	return spans + c1;
}

/* ---- stage 4 and 5: controls, spaces, NFC ----------------------------- */

/* Code points that NFC leaves alone whatever surrounds them: no
 * decomposition that NFC keeps, never combining, never the second half of
 * a composition.  Checked exhaustively against utf8proc in t_repair. */
int repair_nfc_inert(uint32_t c)
{
	return c < 0x300 || (c >= 0x2002 && c <= 0x20CF) || (c >= 0x2100 && c <= 0x2125) ||
	       (c >= 0x2190 && c <= 0x2328) || (c >= 0x232B && c <= 0x2ADB) ||
	       (c >= 0x1F000 && c <= 0x1FAFF);
}

/* Remove controls and BOMs, make no-break spaces plain; valid UTF-8 in.
 * Sets *needs_nfc when a character could change under NFC. */
static void finish(struct slice s, struct buf *out, struct repair_report *rep,
		   int *needs_nfc)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0, done = 0; /* p[done..i) is kept and not yet copied */
	buf_grow(out, s.n);
	while (i < s.n) {
		if (!special[p[i]]) {
			i = skip_plain(p, i + 1, s.n);
			continue;
		}
		uint32_t cp = p[i];
		size_t len = 1;
		if (p[i] >= 0x80) {
			len = utf8_get(p + i, s.n - i, &cp);
			if (!len) /* cannot happen: the input is valid */
				cp = 0xFFFD, len = 1;
			if (!is_c1(cp) && cp != 0xFEFF && cp != 0xA0 && cp != 0x2007 &&
			    cp != 0x202F) {
				if (!repair_nfc_inert(cp))
					*needs_nfc = 1;
				i += len;
				continue;
			}
		}
		buf_put(out, p + done, i - done);
		i += len;
		done = i;
		if (cp == '\r') { /* from &#13; */
			buf_putc(out, '\n');
			rep->crlf++;
		} else if (cp == 0xFEFF) {
			rep->bom++;
		} else if (cp == 0xA0 || cp == 0x2007 || cp == 0x202F) {
			buf_putc(out, ' ');
			rep->nbsp++;
		} else {
			rep->controls++;
		}
	}
	buf_put(out, p + done, s.n - done);
}

static void nfc(struct slice s, struct buf *out)
{
	utf8proc_uint8_t *dst = NULL;
	utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)s.p,
					  (utf8proc_ssize_t)s.n, &dst,
					  UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (r < 0) /* only on out-of-memory: keep the text as it is */
		buf_putslice(out, s);
	else
		buf_put(out, dst, (size_t)r);
	free(dst);
}

void repair_text(struct slice in, unsigned flags, struct buf *out,
		 struct repair_report *rep)
{
	struct repair_report local = { 0 };
	if (!rep)
		rep = &local;
	const unsigned char *s = (const unsigned char *)in.p;
	size_t n = in.n;
	struct buf a = BUF_INIT, b = BUF_INIT, u16 = BUF_INIT;
	struct scan sc = { 0, 0 };

	if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF))) {
		decode_utf16(s + 2, n - 2, s[0] == 0xFE, &u16, rep);
		rep->utf16++;
		rep->bom++;
		s = (const unsigned char *)u16.p;
		n = u16.n;
	} else if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
		rep->bom++;
		s += 3, n -= 3;
	}
	if (n == 0)
		goto done;
	decode_utf8(s, n, &a, rep, &sc);

	if ((flags & REPAIR_ENTITIES) && sc.amp) {
		unsigned k = (unsigned)decode_entities(buf_slice(&a), &b);
		if (k) {
			rep->entities += k;
			sc.nonascii = 1; /* may have made controls or no-break spaces */
			struct buf t = a;
			a = b, b = t;
		}
		buf_reset(&b);
	}
	if (!sc.nonascii)
		goto done;
	if (flags & REPAIR_MOJIBAKE) {
		fix_mojibake(buf_slice(&a), &b, rep);
		struct buf t = a;
		a = b, b = t;
		buf_reset(&b);
	}
	int needs_nfc = 0;
	finish(buf_slice(&a), &b, rep, &needs_nfc);
	struct buf t = a;
	a = b, b = t;
	buf_reset(&b);
	if ((flags & REPAIR_NFC) && needs_nfc) {
		nfc(buf_slice(&a), &b);
		t = a, a = b, b = t;
	}
done:
	buf_put(out, a.p ? a.p : "", a.n);
	buf_release(&a);
	buf_release(&b);
	buf_release(&u16);
}

int repair_report_describe(const struct repair_report *r, struct buf *out)
{
	int items = 0;
#define ITEM(cond, ...)                                           \
	do {                                                      \
		if (cond) {                                       \
			if (items++)                              \
				buf_puts(out, "; ");              \
			buf_printf(out, __VA_ARGS__);             \
		}                                                 \
	} while (0)
	ITEM(r->utf16, "decoded from UTF-16");
	ITEM(r->mojibake, "mojibake repaired (%u span%s)", r->mojibake,
	     r->mojibake == 1 ? "" : "s");
	ITEM(r->c1, "C1 control characters read as Windows-1252 (%u)", r->c1);
	ITEM(r->invalid_utf8, "invalid UTF-8 replaced (%u sequence%s)", r->invalid_utf8,
	     r->invalid_utf8 == 1 ? "" : "s");
	ITEM(r->controls, "control characters removed (%u)", r->controls);
#undef ITEM
	return items;
}
