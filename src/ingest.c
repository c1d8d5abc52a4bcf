/*
 * ingest.c - one posting file to struct posting(s).
 *
 *   read (size limit) -> binary check -> repair -> .json? JSON-LD records
 *   -> front matter -> format (html / markdown / text) -> lines (textdoc)
 *   -> extract fields -> description (sanitized HTML, plain text)
 */
#include "ingest.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extract.h"
#include "frontmatter.h"
#include "htmldoc.h"
#include "htmltext.h"
#include "jsonld.h"
#include "markdown.h"
#include "mustache.h"
#include "repair.h"
#include "rx.h"
#include "sanitize.h"
#include "slug.h"
#include "textdoc.h"
#include "util.h"

void posting_list_push(struct posting_list *l, struct posting *p)
{
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
	l->v[l->n++] = p;
}

void posting_list_release(struct posting_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		posting_free(l->v[i]);
	free(l->v);
	for (size_t i = 0; i < l->nskipped; i++) {
		free(l->skipped[i].path);
		free(l->skipped[i].reason);
	}
	free(l->skipped);
	memset(l, 0, sizeof *l);
}

static void skip(struct posting_list *out, struct diag *d, const char *path,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void skip(struct posting_list *out, struct diag *d, const char *path,
		 const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	diag_report(d, DIAG_WARNING, path, 0, 0, "file skipped", "skipped: %s", buf_cstr(&b));
	out->skipped = xgrow(out->skipped, &out->skipped_cap, out->nskipped + 1,
			     sizeof *out->skipped);
	out->skipped[out->nskipped].path = xstrdup(path);
	out->skipped[out->nskipped].reason = buf_detach(&b, NULL);
	out->nskipped++;
}

/* Name the kind of a binary file from its magic bytes, or NULL for text. */
static const char *binary_kind(struct slice s)
{
	static const struct {
		const char *magic;
		size_t n;
		const char *name;
	} magics[] = {
		{ "\x89PNG\r\n\x1a\n", 8, "PNG image" }, { "\x7f" "ELF", 4, "ELF executable" },
		{ "GIF8", 4, "GIF image" }, { "\xff\xd8\xff", 3, "JPEG image" },
		{ "%PDF-", 5, "PDF document" }, { "PK\x03\x04", 4, "ZIP archive" },
		{ "\x1f\x8b", 2, "gzip data" }, { "BZh", 3, "bzip2 data" },
		{ "\xd0\xcf\x11\xe0", 4, "MS Office document" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(magics); i++)
		if (s.n >= magics[i].n && !memcmp(s.p, magics[i].magic, magics[i].n))
			return magics[i].name;
	/* UTF-16 with a BOM is text (decoded by repair) */
	if (s.n >= 2 && (((unsigned char)s.p[0] == 0xFF && (unsigned char)s.p[1] == 0xFE) ||
			 ((unsigned char)s.p[0] == 0xFE && (unsigned char)s.p[1] == 0xFF)))
		return NULL;
	/* control bytes other than tab, line feed, form feed and return; NUL too */
	static const unsigned char ctl_byte[256] = {
		1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 1, 1,
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	};
	size_t scan = s.n < 8192 ? s.n : 8192, nul = 0, ctl = 0;
	for (size_t i = 0; i < scan; i++)
		ctl += ctl_byte[(unsigned char)s.p[i]];
	if (ctl)
		for (const char *z = memchr(s.p, 0, scan); z;
		     z = memchr(z + 1, 0, scan - (size_t)(z + 1 - s.p)))
			nul++;
	if (nul * 100 > scan || ctl * 10 > scan)
		return "binary data";
	return NULL;
}

static const char *ext_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash : path, '.');
	return dot ? dot + 1 : "";
}

/* Report a posting's warnings to the sink, as file:line: warning: ... */
static void report_warnings(struct diag *d, const struct posting *p)
{
	for (size_t i = 0; i < p->nwarnings; i++)
		diag_report(d, DIAG_WARNING, p->source, p->warnings[i].line, 0,
			    p->warnings[i].kind, "%s", p->warnings[i].message);
}

static void repair_warnings(struct posting *p, const struct repair_report *r)
{
	struct buf b = BUF_INIT;
	if (repair_report_describe(r, &b))
		posting_warn(p, 0, r->mojibake ? "mojibake repaired" : "text repaired", "%s",
			     buf_cstr(&b));
	buf_release(&b);
}

/*
 * The page's own title is its <h1> and the description sits under it, so
 * the description's headings start at <h2> and keep their relative levels
 * (Markdown's "### Company Overview" becomes <h2>, "####" <h3>).  Safe as
 * text: sanitizer output escapes every '<' of content and puts no
 * attributes on headings.
 */
static void shift_headings(char *html)
{
	int min = 7;
	for (char *q = html; (q = strstr(q, "<h")); q += 2)
		if (q[2] >= '2' && q[2] <= '6' && q[3] == '>' && q[2] - '0' < min)
			min = q[2] - '0';
	if (min == 7 || min == 2)
		return;
	int by = min - 2;
	for (char *q = html; (q = strchr(q, '<')); q++) {
		char *h = q + 1 + (q[1] == '/');
		if (h[0] == 'h' && h[1] >= '2' && h[1] <= '6' && h[2] == '>')
			h[1] = (char)(h[1] - by);
	}
}

/* What the sanitizer removed that a person would want to know about. */
static void sanitize_warnings(struct posting *p, const struct sanitize_report *r)
{
	if (r->dropped)
		posting_warn(p, 0, "unsafe markup removed",
			     "unsafe markup removed from the description (%u elements, first <%s>)",
			     r->dropped, r->first_dropped ? r->first_dropped : "?");
	if (r->links_bad_scheme)
		posting_warn(p, 0, "unsafe links removed",
			     "links with unsafe schemes removed (%u)", r->links_bad_scheme);
	if (r->depth_flattened)
		posting_warn(p, 0, "nesting flattened",
			     "HTML nested too deeply: %u elements flattened", r->depth_flattened);
}

/* Plain text into paragraphs for the description: blank lines split. */
static void text_to_html(struct slice t, struct buf *out)
{
	struct buf para = BUF_INIT;
	size_t pos = 0;
	int in_list = 0;
	while (pos <= t.n) {
		const char *nl = pos < t.n ? memchr(t.p + pos, '\n', t.n - pos) : NULL;
		size_t end = nl ? (size_t)(nl - t.p) : t.n;
		struct slice line = slice_trim((struct slice){ t.p + pos, end - pos });
		int bullet = line.n > 2 && (line.p[0] == '-' || line.p[0] == '*' ||
					    (line.p[0] == 'o' && line.p[1] == ' ')) && line.p[1] == ' ';
		if (!bullet && line.n > 4 && !memcmp(line.p, "\xe2\x80\xa2 ", 4))
			bullet = 2;
		if (!line.n || bullet) {
			if (para.n) {
				buf_puts(out, "<p>");
				buf_putslice(out, buf_slice(&para));
				buf_puts(out, "</p>\n");
				buf_reset(&para);
			}
		}
		if (bullet) {
			if (!in_list)
				buf_puts(out, "<ul>\n");
			in_list = 1;
			struct slice item = slice_trim((struct slice){
				line.p + (bullet == 2 ? 4 : 2), line.n - (bullet == 2 ? 4 : 2) });
			buf_puts(out, "<li>");
			mustache_escape_html(out, item);
			buf_puts(out, "</li>\n");
		} else if (line.n) {
			if (in_list)
				buf_puts(out, "</ul>\n");
			in_list = 0;
			if (para.n)
				buf_puts(&para, line.n < 60 ? "<br>\n" : " ");
			mustache_escape_html(&para, line);
		} else if (in_list) {
			buf_puts(out, "</ul>\n");
			in_list = 0;
		}
		if (!nl)
			break;
		pos = end + 1;
	}
	if (para.n) {
		buf_puts(out, "<p>");
		buf_putslice(out, buf_slice(&para));
		buf_puts(out, "</p>\n");
	}
	if (in_list)
		buf_puts(out, "</ul>\n");
	buf_release(&para);
}

/* ---- JSON files ----------------------------------------------------------- */

static char *make_id(const struct posting *p, const char *path)
{
	struct buf b = BUF_INIT;
	if (p->title) {
		slugify(slice_from(p->title), &b, 60);
		if (p->employer_slug && *p->employer_slug) {
			buf_putc(&b, '-');
			buf_puts(&b, p->employer_slug);
		}
	}
	if (!b.n) {
		const char *base = strrchr(path, '/');
		base = base ? base + 1 : path;
		const char *dot = strrchr(base, '.');
		slugify((struct slice){ base, dot ? (size_t)(dot - base) : strlen(base) }, &b, 60);
	}
	if (!b.n)
		buf_puts(&b, "posting");
	if (b.n > SLUG_MAX) {
		buf_truncate(&b, SLUG_MAX);
		while (b.n && b.p[b.n - 1] == '-')
			buf_truncate(&b, b.n - 1);
	}
	return buf_detach(&b, NULL);
}

/*
 * A buffer's text, sized to fit when it stays in memory: a description
 * kept for the whole build would hold the slack a growing buffer leaves
 * (up to half; ~20 % of a 100,000-posting build's memory).  One set aside
 * at once (opts->spill, descstore.h) is not shrunk: that only churned the
 * heap.
 */
static char *detach_fit(struct buf *b, const struct ingest_opts *opts)
{
	size_t n;
	char *p = buf_detach(b, &n);
	if (opts->spill)
		return p;
	char *q = realloc(p, n + 1);
	return q ? q : p;
}

/* Sanitized HTML and plain text of an HTML description (the JSON-LD one). */
static void describe_html(struct posting *p, struct slice html, struct textdoc *doc,
			  const struct ingest_opts *opts)
{
	struct buf text = BUF_INIT, out = BUF_INIT;
	struct sanitize_report rep = SANITIZE_REPORT_INIT;
	/* one parse gives both the safe HTML and the text */
	sanitize_html(html.p, html.n, &out, &text, &rep);
	textdoc_from_lines(doc, buf_slice(&text), 0);
	if (opts->keep_description) {
		p->description_html = detach_fit(&out, opts);
		shift_headings(p->description_html);
	}
	sanitize_warnings(p, &rep);
	buf_release(&out);
	buf_release(&text);
}

static int ingest_json(const char *path, struct slice text, const struct ingest_opts *opts,
		       struct diag *d, struct posting_list *out)
{
	struct ld_list ld = { 0 };
	char *err = NULL;
	unsigned line = 0, col = 0;
	int n = jsonld_parse(text, &ld, &err, &line, &col);
	if (n < 0) {
		struct buf why = BUF_INIT;
		buf_printf(&why, "JSON does not parse at line %u, column %u: %s", line, col, err);
		skip(out, d, path, "%s", buf_cstr(&why));
		buf_release(&why);
		free(err);
		return 0;
	}
	if (n == 0) {
		skip(out, d, path, "no schema.org JobPosting in this JSON file");
		ld_list_release(&ld);
		return 0;
	}
	for (size_t i = 0; i < ld.n; i++) {
		struct posting *p = posting_new(path);
		p->format = "json";
		struct textdoc doc;
		textdoc_init(&doc);
		if (ld.v[i].description)
			describe_html(p, slice_from(ld.v[i].description), &doc, opts);
		struct extract_src src = { .doc = &doc, .ld = &ld.v[i], .bands = opts->bands };
		extract_fields(&src, p);
		p->id = make_id(p, path);
		if (ld.n > 1) {
			/* several postings in one file: keep their ids apart */
			struct buf b = BUF_INIT;
			buf_printf(&b, "%s-%zu", p->id, i + 1);
			free(p->id);
			p->id = buf_detach(&b, NULL);
		}
		if (opts->keep_description)
			p->description_text = xslicedup(textdoc_all(&doc));
		textdoc_release(&doc);
		report_warnings(d, p);
		posting_list_push(out, p);
	}
	ld_list_release(&ld);
	return n;
}

/* ---- Markdown, text and HTML postings ----------------------------------- */

/*
 * The posting's own header (title, employer, badges, "Key: value" lines)
 * and a closing "Apply" line are shown by the page itself: find the source
 * lines [*first, *last] of the description proper.  0 = no cut.
 */
static void description_lines(const struct textdoc *doc, const struct posting *p,
			      unsigned *first, unsigned *last)
{
	*first = *last = 0;
	size_t i = 0;
	for (; i < doc->n && i < 12; i++) {
		const struct tline *l = &doc->v[i];
		struct slice s = textdoc_line(doc, i);
		int header = 0;
		if (p->title && s.n == strlen(p->title) && !memcmp(s.p, p->title, s.n))
			header = 1;
		else if (extract_is_field_line(s))
			header = 1;
		else if (l->heading && i < 3 && (memchr(s.p, '|', s.n) ||
						  (p->employer && s.n == strlen(p->employer) &&
						   !memcmp(s.p, p->employer, s.n))))
			header = 1;
		else if (l->heading >= 3 && i < 6 && s.n <= 48 && (unsigned char)s.p[0] >= 0x80)
			header = 1; /* a remote-board badge: "🌎 Remote" */
		if (!header || !l->src_line)
			break;
	}
	if (i > 0 && i < doc->n && doc->v[i].src_line)
		*first = doc->v[i].src_line;
	if (doc->n > 1) {
		size_t k = doc->n - 1;
		struct slice s = textdoc_line(doc, k);
		if (s.n < 80 && (textdoc_url(doc, k).n || memmem(s.p, s.n, "http", 4)) &&
		    (memmem(s.p, s.n, "APPLY", 5) || memmem(s.p, s.n, "Apply", 5)) && doc->v[k].src_line)
			*last = doc->v[k].src_line - 1;
	}
}

/* The part of text from line `first` to line `last` (1-based, of text whose
 * first line is `base`); 0 leaves that end as is. */
static struct slice line_range(struct slice t, unsigned base, unsigned first, unsigned last)
{
	unsigned line = base;
	size_t i = 0, start = 0, end = t.n;
	for (; i < t.n; i++) {
		if (first && line == first && start == 0 && (i == 0 || t.p[i - 1] == '\n'))
			start = i;
		if (t.p[i] == '\n') {
			if (last && line == last) {
				end = i + 1;
				break;
			}
			line++;
		}
	}
	if (end < start)
		end = start;
	return (struct slice){ t.p + start, end - start };
}

static int has_markdown(struct slice t)
{
	static struct rx *r;
	return rx_find(rx_lazy(&r, "(?m)^(?:#{1,6} |\\s{0,3}[-*+] |\\*\\*[^*\\n]+\\*\\*|.*\\]\\(https?://)", 0),
		       t, 0, NULL);
}

static int ingest_document(const char *path, struct slice text, struct repair_report *rep,
			   const struct ingest_opts *opts, struct diag *d,
			   struct posting_list *out)
{
	struct posting *p = posting_new(path);
	repair_warnings(p, rep);

	struct front_matter fm;
	struct slice body;
	unsigned body_line = 1, err_line = 0;
	char *err = NULL;
	enum fm_result fr = front_matter_parse(text, &fm, &body, &body_line, &err, &err_line);
	if (fr == FM_UNCLOSED || fr == FM_INVALID) {
		posting_warn(p, err_line, fr == FM_UNCLOSED ? "front matter never closes"
							    : "front matter not understood",
			     "%s%s", fr == FM_INVALID ? "front matter ignored: " : "", err);
		free(err);
	}
	p->has_front_matter = fr == FM_OK;

	struct textdoc doc;
	textdoc_init(&doc);
	struct htmldoc html;
	memset(&html, 0, sizeof html);
	struct ld_list ld = { 0 };
	int is_html = looks_like_html(body), md = 0;
	if (is_html && htmldoc_parse(&html, body) == 0) {
		p->format = "html";
		for (size_t i = 0; i < html.nld; i++) {
			char *lerr = NULL;
			unsigned l = 0, c = 0;
			if (jsonld_parse(buf_slice(&html.ld[i]), &ld, &lerr, &l, &c) < 0) {
				posting_warn(p, html.ld_line[i] + (l ? l - 1 : 0) + body_line - 1,
					     "JSON-LD not understood",
					     "JSON-LD block does not parse: %s", lerr);
				free(lerr);
			}
		}
		struct buf t = BUF_INIT;
		node_to_text(html.container, &t);
		textdoc_from_lines(&doc, buf_slice(&t), 0);
		buf_release(&t);
		if (opts->keep_description) {
			struct buf h = BUF_INIT;
			struct sanitize_report srep = SANITIZE_REPORT_INIT;
			sanitize_node(html.container, &h, &srep);
			p->description_html = detach_fit(&h, opts);
			sanitize_warnings(p, &srep);
		}
	} else {
		md = has_markdown(body);
		p->format = md ? "markdown" : "text";
		textdoc_from_markdown(&doc, body, body_line);
	}

	struct extract_src src = {
		.doc = &doc,
		.fm = fr == FM_OK ? &fm : NULL,
		.ld = ld.n ? &ld.v[0] : NULL,
		.html_title = html.title,
		.html_title_line = html.title_line ? html.title_line + body_line - 1 : 0,
		.html_apply_url = html.apply_url,
		.bands = opts->bands,
	};
	extract_fields(&src, p);
	const struct fm_entry *slug = fr == FM_OK ? front_matter_get(&fm, "slug") : NULL;
	if (!slug && fr == FM_OK)
		slug = front_matter_get(&fm, "id");
	if (slug && slug->value && *slug->value) {
		/* a stable URL chosen by the author survives title edits */
		p->id = slug_new(slice_from(slug->value));
		if (!*p->id) {
			posting_warn(p, slug->line, "slug not usable",
				     "slug '%s' has no letters or digits; ignored", slug->value);
			free(p->id);
			p->id = NULL;
		}
	}
	if (!p->id)
		p->id = make_id(p, path);
	if (opts->keep_description) {
		p->description_text = xslicedup(textdoc_all(&doc));
		if (!p->description_html) {
			unsigned first, last;
			description_lines(&doc, p, &first, &last);
			struct slice part = line_range(body, body_line, first, last);
			struct buf h = BUF_INIT;
			if (md) {
				struct sanitize_report srep = SANITIZE_REPORT_INIT;
				markdown_to_html(part.p, part.n, &h, NULL, &srep);
				sanitize_warnings(p, &srep);
			} else {
				text_to_html(part, &h);
			}
			p->description_html = detach_fit(&h, opts);
		}
	}
	if (p->description_html)
		shift_headings(p->description_html);

	textdoc_release(&doc);
	htmldoc_release(&html);
	ld_list_release(&ld);
	front_matter_release(&fm);
	report_warnings(d, p);
	posting_list_push(out, p);
	return 1;
}

/*
 * Per-thread scratch for a file's bytes and its repaired text, reused from
 * file to file: a fresh large buffer per file made malloc consolidate its
 * free lists every time.  One that grew past SCRATCH_KEEP is let go.
 */
#define SCRATCH_KEEP (1u << 20)
static _Thread_local struct buf tl_raw, tl_text;

static void scratch_done(struct buf *b)
{
	if (b->cap > SCRATCH_KEEP)
		buf_release(b);
	else
		buf_reset(b);
}

void ingest_thread_release(void)
{
	buf_release(&tl_raw);
	buf_release(&tl_text);
}

int ingest_memory(const char *path, struct slice raw, const struct ingest_opts *opts,
		  struct diag *d, struct posting_list *out)
{
	int n = 0;
	const char *bin = binary_kind(raw);
	if (bin) {
		skip(out, d, path, "%s, not a posting", bin);
		return 0;
	}
	struct buf text = tl_text;
	tl_text = (struct buf)BUF_INIT;   /* not shared with a nested call */
	buf_reset(&text);
	struct repair_report rep = { 0 };
	/* Entities are decoded later: by the HTML parser for HTML, per line
	 * for Markdown and text (so "&lt;b&gt;" never becomes markup). */
	repair_text(raw, REPAIR_ALL & ~REPAIR_ENTITIES, &text, &rep);
	if (slice_trim(buf_slice(&text)).n == 0)
		skip(out, d, path, raw.n ? "only whitespace, no posting" : "empty file");
	else if (!ascii_casecmp(ext_of(path), "json"))
		n = ingest_json(path, buf_slice(&text), opts, d, out);
	else
		n = ingest_document(path, buf_slice(&text), &rep, opts, d, out);
	scratch_done(&text);
	buf_release(&tl_text);
	tl_text = text;
	return n;
}

int ingest_file(const char *path, const struct ingest_opts *opts,
		struct diag *d, struct posting_list *out)
{
	size_t max = opts->max_file_size ? opts->max_file_size : INGEST_DEFAULT_MAX_FILE;
	struct buf raw = tl_raw;
	tl_raw = (struct buf)BUF_INIT;
	buf_reset(&raw);
	int n = 0;
	int r = read_file(path, &raw, max);
	if (r == -2)
		skip(out, d, path, "file is larger than the limit of %zu bytes (max_file_size)", max);
	else if (r < 0)
		skip(out, d, path, "cannot read: %s", strerror(errno));
	else
		n = ingest_memory(path, buf_slice(&raw), opts, d, out);
	struct stat st;
	if (n > 0 && stat(path, &st) == 0)
		for (size_t i = out->n - (size_t)n; i < out->n; i++)
			out->v[i]->mtime = (long long)st.st_mtime;
	scratch_done(&raw);
	buf_release(&tl_raw);
	tl_raw = raw;
	return n;
}
