/*
 * t_repair.c - text repair: ftfy's test cases, table cases from
 * tests/data/repair/cases.txt, a seed posting, big and random inputs.
 *
 * Which ftfy cases are "in scope" is decided here, not kept as a list: a
 * case is in scope when its expected text, character by character, either
 * stays itself or turns into its UTF-8 mis-decoded as Windows-1252 (sloppy)
 * or Latin-1, once to three times in any order, or into its Windows-1252
 * byte read as a Latin-1 C1 control; or, as another family, as MacRoman
 * once to three times; and that reproduces `original` exactly.  Cases whose
 * expected text equals the original are in scope too: they must stay as
 * they are.  The expected text is `fixed-encoding` when the case has it,
 * else `fixed`; `fixed` also carries ftfy's other fixes (straight quotes,
 * ligatures, &-entities), which we do not do, and such a case cannot pass
 * the scope test unless those fixes left it alone, so no case is judged on
 * a fix we never claimed.
 *
 * SHARED (default ../shared) locates the ftfy cases and seeds; REPAIR_VERBOSE=1
 * lists the out-of-scope cases and what we made of them.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <utf8proc.h>

#include "charsets.h"
#include "repair.h"
#include "tap.h"
#include "util.h"

static const char *shared_dir;
static int verbose;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- mojibake forms for the scope test --------------------------------- */

/* Decode bytes one way: 'W' sloppy Windows-1252, 'L' Latin-1, 'R' MacRoman. */
static void decode_as(char how, struct slice bytes, struct buf *out)
{
	for (size_t i = 0; i < bytes.n; i++) {
		unsigned char b = (unsigned char)bytes.p[i];
		uint32_t cp = how == 'L' ? b :
			      charset_decode(how == 'R' ? CS_MACROMAN : CS_WINLATIN, b);
		buf_put_utf8(out, cp);
	}
}

/* The character c (UTF-8 in ch) after the mis-decodings in scheme. */
static void form(struct slice ch, const char *scheme, struct buf *out)
{
	struct buf cur = BUF_INIT, next = BUF_INIT;
	buf_putslice(&cur, ch);
	for (const char *s = scheme; *s; s++) {
		buf_reset(&next);
		decode_as(*s, buf_slice(&cur), &next);
		struct buf t = cur;
		cur = next, next = t;
	}
	buf_putslice(out, buf_slice(&cur));
	buf_release(&cur);
	buf_release(&next);
}

static const char *const family_wl[] = {
	"W", "L", "WW", "WL", "LW", "LL", "WWW", "WWL", "WLW", "WLL",
	"LWW", "LWL", "LLW", "LLL", NULL,
};
static const char *const family_r[] = { "R", "RR", "RRR", NULL };

/*
 * Can `orig` be made from `want` by replacing each character by itself or
 * by one of its forms in the family?  A breadth-first walk over positions
 * in orig (the strings are short).
 */
static int reachable(struct slice want, struct slice orig, const char *const *family,
		     int with_c1)
{
	unsigned char *reach = xcalloc(orig.n + 1, 1), *next = xcalloc(orig.n + 1, 1);
	reach[0] = 1;
	struct buf f = BUF_INIT;
	size_t i = 0;
	int ok = 0;
	while (i < want.n) {
		uint32_t cp;
		size_t len = utf8_get((const unsigned char *)want.p + i, want.n - i, &cp);
		if (!len)
			goto out;
		struct slice ch = { want.p + i, len };
		memset(next, 0, orig.n + 1);
		int any = 0;
		for (size_t j = 0; j <= orig.n; j++) {
			if (!reach[j])
				continue;
			for (int k = -2; k < 0 || family[k]; k++) {
				buf_reset(&f);
				if (k == -2) {
					buf_putslice(&f, ch);
				} else if (k == -1) {
					int b = charset_encode(CS_WINLATIN, cp);
					if (!with_c1 || cp < 0x100 || b < 0x80 || b > 0x9F)
						continue;
					buf_put_utf8(&f, (uint32_t)b);
				} else {
					form(ch, family[k], &f);
				}
				if (f.n <= orig.n - j && memcmp(orig.p + j, f.p, f.n) == 0) {
					next[j + f.n] = 1;
					any = 1;
				}
			}
		}
		if (!any)
			goto out;
		unsigned char *t = reach;
		reach = next, next = t;
		i += len;
	}
	ok = reach[orig.n];
out:
	buf_release(&f);
	free(reach);
	free(next);
	return ok;
}

/* ---- the ftfy case files -------------------------------------------- */

static struct slice jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_string(v))
		return (struct slice){ NULL, 0 };
	return (struct slice){ json_string_value(v), json_string_length(v) };
}

static json_t *load_cases(const char *name)
{
	char *path = path_join(shared_dir, name);
	json_error_t err;
	json_t *root = json_load_file(path, 0, &err);
	CHECK(json_is_array(root), "cannot load '%s': %s", path, err.text);
	free(path);
	return json_is_array(root) ? root : NULL;
}

/*
 * Run fix_mojibake over every case of a file.  Mojibake cases in scope and
 * unchanged cases must come out as expected; `required` = 0 only reports.
 */
static void ftfy_file(const char *name, int required)
{
	json_t *root = load_cases(name);
	if (!root)
		return;
	unsigned total = 0, in_scope = 0, in_fixed = 0, out_scope = 0, out_fixed = 0;
	unsigned unchanged = 0;
	size_t idx;
	json_t *c;
	struct buf got = BUF_INIT;
	json_array_foreach(root, idx, c) {
		struct slice orig = jstr(c, "original"), want = jstr(c, "fixed-encoding");
		const char *label = json_string_value(json_object_get(c, "label"));
		if (!want.p)
			want = jstr(c, "fixed");
		if (!orig.p || !want.p)
			continue;
		total++;
		int same = slice_eq(orig, want);
		int scope = same || reachable(want, orig, family_wl, 1) ||
			    reachable(want, orig, family_r, 0);
		buf_reset(&got);
		fix_mojibake(orig, &got, NULL);
		int ok = slice_eq(buf_slice(&got), want);
		if (scope) {
			in_scope++;
			unchanged += same;
			in_fixed += ok;
			if (required) {
				CHECK(ok, "%s: '%s'\n  orig: %.*s\n  got:  %s\n  want: %.*s",
				      name, label, (int)orig.n, orig.p, buf_cstr(&got),
				      (int)want.n, want.p);
			}
		} else {
			out_scope++;
			out_fixed += ok;
			if (verbose)
				printf("  out of scope%s: %s\n    got:  %s\n    want: %.*s\n",
				       ok ? " (fixed anyway)" : "", label, buf_cstr(&got),
				       (int)want.n, want.p);
		}
	}
	printf("%s: %u of %u in scope fixed (%u of them must stay unchanged; "
	       "%u out of scope, %u of those fixed anyway)\n",
	       name, in_fixed, in_scope, unchanged, out_scope, out_fixed);
	CHECK(total > 0, "%s: no cases", name);
	buf_release(&got);
	json_decref(root);
}

/* negative.json: nothing that is not mojibake may change.  The expected
 * text equals the original in every case but one, where ftfy reads a C1
 * control as Windows-1252 ("parlé\x85" -> "parlé…"), as we do too. */
static void ftfy_negative(void)
{
	json_t *root = load_cases("negative.json");
	if (!root)
		return;
	unsigned n = 0, ok_count = 0;
	size_t idx;
	json_t *c;
	struct buf got = BUF_INIT;
	json_array_foreach(root, idx, c) {
		struct slice orig = jstr(c, "original"), want = jstr(c, "fixed-encoding");
		if (!want.p)
			want = jstr(c, "fixed");
		buf_reset(&got);
		fix_mojibake(orig, &got, NULL);
		int ok = slice_eq(buf_slice(&got), want);
		n++;
		ok_count += ok;
		CHECK(ok, "negative.json: '%s'\n  got:  %s\n  want: %.*s",
		      json_string_value(json_object_get(c, "label")), buf_cstr(&got),
		      (int)want.n, want.p);
	}
	printf("negative.json: %u of %u left as they are\n", ok_count, n);
	buf_release(&got);
	json_decref(root);
}

/* ---- table cases ----------------------------------------------------- */

/* Undo the escapes of cases.txt: \xNN \n \r \t \0 \\ and \s (a space). */
static void unescape(const char *s, struct buf *out)
{
	while (*s) {
		if (*s != '\\' || !s[1]) {
			buf_putc(out, *s++);
			continue;
		}
		s++;
		switch (*s) {
		case 'n': buf_putc(out, '\n'); s++; break;
		case 'r': buf_putc(out, '\r'); s++; break;
		case 't': buf_putc(out, '\t'); s++; break;
		case '0': buf_putc(out, '\0'); s++; break;
		case 's': buf_putc(out, ' '); s++; break;
		case 'x': {
			char hex[3] = { s[1], s[2], 0 };
			buf_putc(out, (int)strtol(hex, NULL, 16));
			s += 3;
			break;
		}
		default: buf_putc(out, *s++); break;
		}
	}
}

static unsigned parse_flags(const char *s)
{
	unsigned f = 0;
	if (strstr(s, "all"))
		return REPAIR_ALL;
	if (strstr(s, "entities"))
		f |= REPAIR_ENTITIES;
	if (strstr(s, "mojibake"))
		f |= REPAIR_MOJIBAKE;
	if (strstr(s, "nfc"))
		f |= REPAIR_NFC;
	return f;
}

static unsigned *report_field(struct repair_report *r, const char *name, size_t n)
{
	static const char *const names[] = { "bom", "utf16", "crlf", "controls",
		"invalid_utf8", "entities", "nbsp", "mojibake", "c1" };
	unsigned *fields[] = { &r->bom, &r->utf16, &r->crlf, &r->controls,
		&r->invalid_utf8, &r->entities, &r->nbsp, &r->mojibake, &r->c1 };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strlen(names[i]) == n && memcmp(names[i], name, n) == 0)
			return fields[i];
	return NULL;
}

/* "crlf=2 controls=1": check each named count; unnamed ones must be 0. */
static void check_report(const char *name, struct repair_report *got, const char *spec)
{
	struct repair_report want = { 0 };
	const char *s = spec;
	while (s && *s) {
		while (*s == ' ')
			s++;
		const char *eq = strchr(s, '=');
		if (!eq)
			break;
		unsigned *f = report_field(&want, s, (size_t)(eq - s));
		CHECK(f != NULL, "%s: unknown report field in '%s'", name, spec);
		if (f)
			*f = (unsigned)strtoul(eq + 1, NULL, 10);
		s = strchr(eq, ' ');
	}
	CHECK(memcmp(&want, got, sizeof(want)) == 0,
	      "%s: report bom=%u utf16=%u crlf=%u controls=%u invalid_utf8=%u "
	      "entities=%u nbsp=%u mojibake=%u c1=%u, want '%s'", name, got->bom,
	      got->utf16, got->crlf, got->controls, got->invalid_utf8, got->entities,
	      got->nbsp, got->mojibake, got->c1, spec ? spec : "");
}

static void run_case(const char *name, const char *flags, const char *in,
		     const char *out, const char *report)
{
	struct buf bin = BUF_INIT, bout = BUF_INIT, got = BUF_INIT;
	unescape(in, &bin);
	unescape(out, &bout);
	struct repair_report rep = { 0 };
	repair_text(buf_slice(&bin), parse_flags(flags), &got, &rep);
	CHECK(slice_eq(buf_slice(&got), buf_slice(&bout)), "case '%s'\n  got:  %s\n  want: %s",
	      name, buf_cstr(&got), buf_cstr(&bout));
	if (report)
		check_report(name, &rep, report);
	buf_release(&bin);
	buf_release(&bout);
	buf_release(&got);
}

static char *field(char *line, const char *key)
{
	size_t n = strlen(key);
	if (strncmp(line, key, n) == 0 && line[n] == ':')
		return line + n + 1 + (line[n + 1] == ' ');
	return NULL;
}

/* cases.txt: blocks of "name:", "flags:", "in:", "out:", "report:" lines. */
static void table_cases(void)
{
	struct buf text = BUF_INIT;
	const char *path = "tests/data/repair/cases.txt";
	CHECK(read_file(path, &text, 0) == 0, "cannot read '%s'", path);
	char *name = NULL, *flags = NULL, *in = NULL, *out = NULL, *report = NULL;
	unsigned count = 0;
	char *save = NULL;
	for (char *line = strtok_r(text.p, "\n", &save);; line = strtok_r(NULL, "\n", &save)) {
		char *v = NULL;
		if (!line || (v = field(line, "name"))) {
			if (name) {
				CHECK(in && out, "case '%s' lacks in: or out:", name);
				if (in && out)
					run_case(name, flags ? flags : "all", in, out, report);
				count++;
			}
			if (!line)
				break;
			name = v, flags = in = out = report = NULL;
		} else if ((v = field(line, "flags"))) {
			flags = v;
		} else if ((v = field(line, "in"))) {
			in = v;
		} else if ((v = field(line, "out"))) {
			out = v;
		} else if ((v = field(line, "report"))) {
			report = v;
		}
	}
	printf("cases.txt: %u table cases\n", count);
	CHECK(count >= 40, "only %u table cases", count);
	buf_release(&text);
}

/* ---- properties of the output --------------------------------------- */

/* Valid UTF-8, no NUL, no C0 but \t \n, no C1. */
static int clean_utf8(struct slice s)
{
	size_t i = 0;
	while (i < s.n) {
		uint32_t cp;
		size_t len = utf8_get((const unsigned char *)s.p + i, s.n - i, &cp);
		if (!len || (cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7F ||
		    (cp >= 0x80 && cp <= 0x9F))
			return 0;
		i += len;
	}
	return 1;
}

static void big_inputs(void)
{
	/* 5 MB on one line, mixed ASCII, curly quotes, accents and emoji. */
	struct buf in = BUF_INIT, out = BUF_INIT;
	static const char piece[] = "Sidecar Health’s café team — remote 🌎 & more; ";
	while (in.n < 5u << 20)
		buf_puts(&in, piece);
	double t = now();
	hang_guard(60, "5 MB clean line");
	repair_text(buf_slice(&in), REPAIR_ALL, &out, NULL);
	hang_guard(0, NULL);
	double dt = now() - t;
	CHECK(slice_eq(buf_slice(&in), buf_slice(&out)), "5 MB clean line changed");
	printf("5 MB clean single line: %.1f ms (%.0f MB/s)\n", dt * 1e3, in.n / dt / 1e6);

	/* Posting-sized texts, the common case: the speed that matters.
	 * (Big buffers above are slower per byte: page faults dominate.) */
	buf_reset(&in);
	while (in.n < 4500)
		buf_puts(&in, "We are hiring a Senior Engineer in Atlanta, GA. Pay: $120,000 - "
			      "$140,000. It’s a “great” team — apply now.\n");
	size_t total = 0;
	t = now();
	for (int i = 0; i < 5000; i++) {
		buf_reset(&out);
		repair_text(buf_slice(&in), REPAIR_ALL, &out, NULL);
		total += in.n;
	}
	dt = now() - t;
	CHECK(slice_eq(buf_slice(&in), buf_slice(&out)), "clean posting changed");
	/* printed only: the speed is make bench's (bench-inspect.sh) */
	printf("clean 4.5 KB postings with curly quotes: %.0f MB/s\n", total / dt / 1e6);

	/* The same text as whole-file mojibake. */
	struct buf moj = BUF_INIT, clean = BUF_INIT;
	buf_reset(&in);
	while (in.n < 1u << 20)
		buf_puts(&in, piece);
	decode_as('W', buf_slice(&in), &moj);
	t = now();
	struct repair_report rep = { 0 };
	fix_mojibake(buf_slice(&moj), &clean, &rep);
	dt = now() - t;
	CHECK(slice_eq(buf_slice(&in), buf_slice(&clean)), "1 MB whole-file mojibake not undone");
	printf("1 MB whole-file mojibake undone: %.0f MB/s, %u spans\n", moj.n / dt / 1e6,
	       rep.mojibake);

	/* 1 MB of random bytes. */
	buf_reset(&in);
	buf_reset(&out);
	srand(12345);
	for (int i = 0; i < 1 << 20; i++)
		buf_putc(&in, rand() & 0xFF);
	t = now();
	hang_guard(60, "1 MB of random bytes");
	repair_text(buf_slice(&in), REPAIR_ALL, &out, NULL);
	hang_guard(0, NULL);
	dt = now() - t;
	CHECK(clean_utf8(buf_slice(&out)), "random bytes gave unclean output");
	printf("1 MB random bytes: %.1f ms\n", dt * 1e3);

	/* Random text made of the characters mojibake is made of. */
	static const char *const parts[] = { "Ã", "Â", "â", "€", "™", "©", "é", " ", "a",
		"\xC2\x81", "ð", "Ÿ", "√", "¬", "‚", "Ä", "×", "”", "&amp;", "&#", "\r" };
	unsigned bad = 0;
	for (int round = 0; round < 2000; round++) {
		buf_reset(&in);
		buf_reset(&out);
		for (int i = 0; i < 12; i++)
			buf_puts(&in, parts[rand() % ARRAY_SIZE(parts)]);
		repair_text(buf_slice(&in), REPAIR_ALL, &out, NULL);
		bad += !clean_utf8(buf_slice(&out));
	}
	CHECK(bad == 0, "%u random mojibake-alphabet texts gave unclean output", bad);
	buf_release(&in);
	buf_release(&out);
	buf_release(&moj);
	buf_release(&clean);
}

static void nfc_inert_ranges(void)
{
	unsigned bad = 0, inert = 0;
	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
		if (!repair_nfc_inert(cp) || (cp >= 0xD800 && cp <= 0xDFFF))
			continue;
		inert++;
		const utf8proc_property_t *p = utf8proc_get_property((utf8proc_int32_t)cp);
		unsigned char u[4];
		size_t n = utf8_encode(cp, u);
		utf8proc_uint8_t *dst = NULL;
		utf8proc_ssize_t r = utf8proc_map(u, (utf8proc_ssize_t)n, &dst,
						  UTF8PROC_STABLE | UTF8PROC_COMPOSE);
		int same = r == (utf8proc_ssize_t)n && memcmp(dst, u, n) == 0;
		free(dst);
		/* comb_index with bit 15 set: cp can be the second of a pair. */
		int second = p->comb_index != 0xFFFF && (p->comb_index & 0x8000);
		if (!same || p->combining_class != 0 || second) {
			if (bad++ < 5)
				fprintf(stderr, "U+%04X is not NFC-inert\n", cp);
		}
	}
	CHECK(bad == 0, "%u code points wrongly taken as NFC-inert", bad);
	CHECK(inert > 1000, "inert set too small");
}

/* ---- seeds, charsets, corpus ------------------------------------------ */

static void seed_posting(void)
{
	char *path = path_join(shared_dir, "seeds/000_02d64583221577ce.txt");
	struct buf in = BUF_INIT, out = BUF_INIT;
	CHECK(read_file(path, &in, 0) == 0, "cannot read '%s'", path);
	struct repair_report rep = { 0 };
	repair_text(buf_slice(&in), REPAIR_ALL, &out, &rep);
	const char *s = buf_cstr(&out);
	CHECK(strstr(s, "🌎") != NULL, "seed: no 🌎 after repair");
	CHECK(strstr(s, "Sidecar Health’s") != NULL, "seed: no 'Sidecar Health’s'");
	CHECK(strstr(s, "â€") == NULL, "seed: 'â€' left");
	CHECK(strstr(s, "ðŸ") == NULL, "seed: 'ðŸ' left");
	CHECK(rep.mojibake > 0, "seed: no mojibake reported");
	struct buf w = BUF_INIT;
	CHECK(repair_report_describe(&rep, &w) >= 1 && strstr(buf_cstr(&w), "mojibake repaired"),
	      "seed: warning '%s'", buf_cstr(&w));
	printf("seed 000: %u mojibake spans; warning: %s\n", rep.mojibake, buf_cstr(&w));
	buf_release(&w);
	buf_release(&in);
	buf_release(&out);
	free(path);
}

static void charset_tables(void)
{
	CHECK(charset_decode(CS_WINLATIN, 0x92) == 0x2019, "1252 0x92");
	CHECK(charset_decode(CS_WINLATIN, 0x81) == 0x81, "1252 0x81 sloppy");
	CHECK(charset_decode(CS_WINLATIN, 0xE9) == 0xE9, "1252 0xE9");
	CHECK(charset_encode(CS_WINLATIN, 0x20AC) == 0x80, "1252 euro");
	CHECK(charset_encode(CS_WINLATIN, 0x85) == 0x85, "latin-1 C1");
	CHECK(charset_encode(CS_WINLATIN, 0x3B3) == -1, "1252 gamma");
	CHECK(charset_decode(CS_MACROMAN, 0xC3) == 0x221A, "macroman sqrt");
	CHECK(charset_decode(CS_MACROMAN, 0xDB) == 0x20AC, "macroman euro");
	CHECK(charset_encode(CS_MACROMAN, 0x2019) == 0xD5, "macroman rsquo");
	CHECK(charset_encode(CS_MACROMAN, 0xFF) == 0xD8, "macroman y-diaeresis");
	CHECK(charset_encode(CS_MACROMAN, 0x80) == -1, "macroman has no C1");
	for (int b = 0x80; b < 0x100; b++) {
		CHECK(charset_encode(CS_MACROMAN, charset_decode(CS_MACROMAN, (unsigned char)b)) == b,
		      "macroman round trip 0x%02X", b);
		CHECK(charset_encode(CS_WINLATIN, charset_decode(CS_WINLATIN, (unsigned char)b)) == b,
		      "1252 round trip 0x%02X", b);
	}
}

/*
 * Optional: a synthetic corpus from shared/tools/gen-corpus.  Files
 * labelled mojibake must come out with no mojibake markers; every other
 * file must come out as repair without REPAIR_MOJIBAKE makes it.
 */
static void corpus(void)
{
	const char *tmp = getenv("TEST_TMP");
	char *gen = path_join(shared_dir, "tools/gen-corpus");
	struct stat st;
	if (!tmp || stat(gen, &st) != 0 || getenv("REPAIR_NO_CORPUS")) {
		printf("corpus: skipped (no TEST_TMP or gen-corpus)\n");
		free(gen);
		return;
	}
	struct buf cmd = BUF_INIT;
	buf_printf(&cmd, "python3 '%s' --count 2000 --seed 7 --out '%s/repair-corpus' "
		   "--labels '%s/repair-labels.jsonl' --quiet", gen, tmp, tmp);
	int rc = system(buf_cstr(&cmd));
	CHECK(rc == 0, "gen-corpus failed: %s", buf_cstr(&cmd));
	free(gen);
	if (rc != 0) {
		buf_release(&cmd);
		return;
	}
	buf_reset(&cmd);
	buf_printf(&cmd, "%s/repair-labels.jsonl", tmp);
	FILE *f = fopen(buf_cstr(&cmd), "r");
	CHECK(f != NULL, "cannot open '%s'", buf_cstr(&cmd));
	if (!f) {
		buf_release(&cmd);
		return;
	}
	unsigned moj = 0, moj_ok = 0, plain = 0, plain_ok = 0;
	double secs = 0;
	size_t bytes = 0;
	char line[8192];
	struct buf in = BUF_INIT, a = BUF_INIT, b = BUF_INIT;
	while (fgets(line, sizeof(line), f)) {
		json_t *o = json_loads(line, 0, NULL);
		if (!o)
			continue;
		const char *file = json_string_value(json_object_get(o, "file"));
		int is_moj = json_is_true(json_object_get(o, "mojibake"));
		buf_reset(&cmd);
		buf_printf(&cmd, "%s/repair-corpus/%s", tmp, file ? file : "");
		buf_reset(&in);
		buf_reset(&a);
		buf_reset(&b);
		if (!file || read_file(buf_cstr(&cmd), &in, 0) != 0) {
			CHECK(0, "cannot read '%s'", buf_cstr(&cmd));
			json_decref(o);
			continue;
		}
		struct repair_report rep = { 0 };
		double t = now();
		repair_text(buf_slice(&in), REPAIR_ALL, &a, &rep);
		secs += now() - t;
		bytes += in.n;
		if (is_moj) {
			moj++;
			const char *s = buf_cstr(&a);
			int ok = !strstr(s, "â€") && !strstr(s, "Ã") && !strstr(s, "Â") &&
				 !strstr(s, "ðŸ") && rep.mojibake > 0;
			moj_ok += ok;
			CHECK(ok, "corpus: mojibake left in '%s'", file);
		} else {
			plain++;
			repair_text(buf_slice(&in), REPAIR_ALL & ~REPAIR_MOJIBAKE, &b, NULL);
			int ok = slice_eq(buf_slice(&a), buf_slice(&b)) && rep.mojibake == 0 &&
				 rep.c1 == 0;
			plain_ok += ok;
			CHECK(ok, "corpus: clean file '%s' changed by mojibake repair", file);
		}
		json_decref(o);
	}
	fclose(f);
	printf("corpus: %u of %u mojibake files repaired, %u of %u clean files untouched; "
	       "%.0f MB/s over %.1f MB\n", moj_ok, moj, plain_ok, plain,
	       bytes / secs / 1e6, bytes / 1e6);
	CHECK(moj > 0, "corpus has no mojibake files");
	buf_release(&in);
	buf_release(&a);
	buf_release(&b);
	buf_release(&cmd);
}

int main(void)
{
	shared_dir = getenv("SHARED");
	if (!shared_dir || !*shared_dir)
		shared_dir = "../shared";
	verbose = getenv("REPAIR_VERBOSE") && *getenv("REPAIR_VERBOSE") == '1';
	char *ftfy = path_join(shared_dir, "ftfy-cases");
	const char *saved = shared_dir;
	shared_dir = ftfy;
	ftfy_file("in-the-wild.json", 1);
	ftfy_file("synthetic.json", 1);
	ftfy_negative();
	ftfy_file("language-names.json", 0);
	ftfy_file("known-failures.json", 0);
	shared_dir = saved;
	free(ftfy);

	charset_tables();
	table_cases();
	seed_posting();
	nfc_inert_ranges();
	big_inputs();
	corpus();
	return test_done();
}
