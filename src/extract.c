#include "extract.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "geo.h"
#include "jobtype.h"
#include "rx.h"
#include "salary.h"
#include "slug.h"
#include "util.h"

/* ---- "Key: value" lines ------------------------------------------------ */

enum label {
	L_TITLE, L_EMPLOYER, L_LOCATION, L_WORKPLACE, L_TYPE, L_SALARY,
	L_DATE, L_APPLY, L_EXPIRES, L_COUNT
};

static const struct {
	const char *name;
	enum label label;
} label_names[] = {
	{ "title", L_TITLE }, { "job title", L_TITLE }, { "position", L_TITLE },
	{ "position title", L_TITLE }, { "role", L_TITLE }, { "job", L_TITLE },
	{ "company", L_EMPLOYER }, { "employer", L_EMPLOYER },
	{ "organization", L_EMPLOYER }, { "organisation", L_EMPLOYER },
	{ "company name", L_EMPLOYER }, { "hiring organization", L_EMPLOYER },
	{ "hiring company", L_EMPLOYER },
	{ "location", L_LOCATION }, { "job location", L_LOCATION },
	{ "work location", L_LOCATION }, { "office location", L_LOCATION },
	{ "locations", L_LOCATION }, { "city", L_LOCATION },
	{ "workplace", L_WORKPLACE }, { "workplace type", L_WORKPLACE },
	{ "work arrangement", L_WORKPLACE }, { "work model", L_WORKPLACE },
	{ "remote", L_WORKPLACE },
	{ "job type", L_TYPE }, { "employment type", L_TYPE },
	{ "position type", L_TYPE }, { "employment", L_TYPE },
	{ "type", L_TYPE }, { "schedule", L_TYPE },
	{ "salary", L_SALARY }, { "salary range", L_SALARY },
	{ "base salary", L_SALARY }, { "pay", L_SALARY }, { "pay range", L_SALARY },
	{ "compensation", L_SALARY }, { "base pay", L_SALARY },
	{ "wage", L_SALARY }, { "hourly rate", L_SALARY }, { "pay rate", L_SALARY },
	{ "salary/wage", L_SALARY }, { "base compensation", L_SALARY },
	{ "date posted", L_DATE }, { "posted", L_DATE }, { "posting date", L_DATE },
	{ "posted on", L_DATE }, { "published", L_DATE }, { "date", L_DATE },
	{ "posted date", L_DATE }, { "publication date", L_DATE },
	{ "apply", L_APPLY }, { "apply at", L_APPLY }, { "url", L_APPLY },
	{ "job url", L_APPLY }, { "apply here", L_APPLY }, { "link", L_APPLY },
	{ "application link", L_APPLY }, { "apply online", L_APPLY },
	{ "apply url", L_APPLY }, { "job link", L_APPLY }, { "posting url", L_APPLY },
	{ "expires", L_EXPIRES }, { "valid through", L_EXPIRES },
};

struct kv {
	struct slice value;
	size_t line;     /* index into doc lines */
	int found;
};

static int match_label(struct slice key, enum label *out)
{
	char low[40];
	if (key.n == 0 || key.n >= sizeof low)
		return 0;
	for (size_t i = 0; i < key.n; i++)
		low[i] = (char)ascii_lower((unsigned char)key.p[i]);
	low[key.n] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(label_names); i++) {
		if (!strcmp(low, label_names[i].name)) {
			*out = label_names[i].label;
			return 1;
		}
	}
	return 0;
}

int extract_is_field_line(struct slice s)
{
	if (s.n > 400)
		return 0;
	const char *colon = memchr(s.p, ':', s.n < 40 ? s.n : 40);
	if (!colon)
		return 0;
	enum label l;
	return match_label(slice_trim((struct slice){ s.p, (size_t)(colon - s.p) }), &l);
}

static void scan_kv(const struct textdoc *doc, struct kv kv[L_COUNT])
{
	memset(kv, 0, sizeof(struct kv) * L_COUNT);
	for (size_t i = 0; i < doc->n; i++) {
		struct slice s = textdoc_line(doc, i);
		const char *colon = memchr(s.p, ':', s.n < 40 ? s.n : 40);
		if (!colon)
			continue;
		struct slice key = slice_trim((struct slice){ s.p, (size_t)(colon - s.p) });
		struct slice val = slice_trim((struct slice){ colon + 1, s.n - (size_t)(colon + 1 - s.p) });
		enum label l;
		if (!match_label(key, &l))
			continue;
		/* "URL: https://..." keeps the colon of the scheme in val: fine */
		if (!val.n && textdoc_url(doc, i).n)
			val = textdoc_url(doc, i);
		if (!val.n || kv[l].found)
			continue;
		if (val.n > 300) { /* a value, not a text: cut on a character boundary */
			val.n = 300;
			while (val.n && ((unsigned char)val.p[val.n] & 0xC0) == 0x80)
				val.n--;
		}
		kv[l].value = val;
		kv[l].line = i;
		kv[l].found = 1;
	}
}

/* ---- helpers ------------------------------------------------------------- */

static const char *fm_value(const struct front_matter *fm, const char *key,
			    unsigned *line)
{
	if (!fm)
		return NULL;
	const struct fm_entry *e = front_matter_get(fm, key);
	if (!e || !e->value || !*e->value)
		return NULL;
	if (line)
		*line = e->line;
	return e->value;
}

/* Clean text for a title or name: folded spaces, no surrounding junk. */
static char *clean_text(struct slice s, size_t max)
{
	s = slice_trim(s);
	while (s.n && (s.p[s.n - 1] == ':' || s.p[s.n - 1] == '|' || s.p[s.n - 1] == ','))
		s.n--;
	s = slice_trim(s);
	struct buf b = BUF_INIT;
	int space = 0;
	for (size_t i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (ascii_isspace(c)) {
			space = 1;
			continue;
		}
		if (space && b.n)
			buf_putc(&b, ' ');
		space = 0;
		buf_putc(&b, (char)c);
	}
	if (b.n > max) {
		/* cut on a UTF-8 boundary */
		size_t n = max;
		while (n && ((unsigned char)b.p[n] & 0xC0) == 0x80)
			n--;
		buf_truncate(&b, n);
	}
	if (!b.n) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

static int is_http_url(struct slice u)
{
	return (u.n > 7 && !ascii_ncasecmp(u.p, "http://", 7)) ||
	       (u.n > 8 && !ascii_ncasecmp(u.p, "https://", 8));
}

/* The first http(s) URL inside s. */
static struct slice find_url(struct slice s)
{
	for (size_t i = 0; i + 8 < s.n; i++) {
		if ((s.p[i] == 'h' || s.p[i] == 'H') && is_http_url((struct slice){ s.p + i, s.n - i })) {
			size_t j = i;
			while (j < s.n && !ascii_isspace((unsigned char)s.p[j]) && s.p[j] != '<' &&
			       s.p[j] != '>' && s.p[j] != '"' && s.p[j] != ')')
				j++;
			while (j > i && strchr(".,;:!?", s.p[j - 1]))
				j--;
			return (struct slice){ s.p + i, j - i };
		}
	}
	return (struct slice){ NULL, 0 };
}

/* Does s contain the ASCII word w, ignoring case? */
static int contains_ci(struct slice s, const char *w)
{
	size_t n = strlen(w);
	for (size_t i = 0; i + n <= s.n; i++)
		if (!ascii_ncasecmp(s.p + i, w, n))
			return 1;
	return 0;
}

/* ---- title --------------------------------------------------------------- */

static void extract_title(const struct extract_src *src, const struct kv *kv,
			  struct posting *p)
{
	const struct textdoc *doc = src->doc;
	const char *v;
	if ((v = fm_value(src->fm, "title", NULL))) {
		p->title = clean_text(slice_from(v), 200);
	} else if (src->ld && src->ld->title) {
		p->title = clean_text(slice_from(src->ld->title), 200);
	} else if (kv[L_TITLE].found) {
		p->title = clean_text(kv[L_TITLE].value, 200);
	} else if (src->html_title) {
		p->title = clean_text(slice_from(src->html_title), 200);
	}
	if (p->title)
		return;
	/* Markdown structure: the first heading near the top, a level-1 one
	 * anywhere before the body proper. */
	for (size_t i = 0; i < doc->n && i < 8; i++) {
		if (doc->v[i].heading == 1 ||
		    (doc->v[i].heading && i == 0 && doc->v[i].heading <= 2)) {
			p->title = clean_text(textdoc_line(doc, i), 200);
			return;
		}
	}
	/* Plain text: a short first line that is not a sentence. */
	if (doc->n) {
		struct slice first = textdoc_line(doc, 0);
		if (first.n && first.n <= 100 && !doc->v[0].list &&
		    !(first.n > 1 && first.p[first.n - 1] == '.') && !memchr(first.p, ':', first.n)) {
			p->title = clean_text(first, 200);
			if (p->title)
				return;
		}
	}
	/* Prose: "X is hiring a Title in City, ST" / "hiring a Title to" */
	static struct rx *hiring;
	struct rx_match m;
	struct slice all = textdoc_all(doc);
	if (rx_find(rx_lazy(&hiring,
			    "\\b(?:is|are) (?:hiring|seeking|looking for) (?:an? |one |two )?"
			    "(?:experienced |dedicated |motivated |talented )?"
			    "(\\p{Lu}[^\\n]{2,100}?)(?: to | in | for | who | at |[.,;]\\s| \\()",
			    0),
		    all, 0, &m)) {
		p->title = clean_text(rx_group(all, &m, 1), 200);
		if (p->title)
			return;
	}
}

/* ---- employer ------------------------------------------------------------ */

struct cand {
	char *name;
	double score;
};

struct cands {
	struct cand v[32];
	size_t n;
};

static int is_connector(struct slice w)
{
	static const char *const words[] = { "of", "and", "the", "de", "la", "del",
					     "for", "at", "y", "&", "in", "on", "a" };
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (slice_eq_str(w, words[i]))
			return 1;
	return 0;
}

/* Words that begin sentences, never an employer. */
static int is_not_a_name(const char *s)
{
	static const char *const stop[] = {
		"we", "our", "you", "your", "the company", "this", "the", "it",
		"all", "equal", "diversity", "us", "they", "he", "she", "company",
		"the organization", "organization", "employer", "an", "a", "in",
		"applicants", "candidates", "note", "please", "job", "role",
		"the role", "the team", "team", "position", "the position",
		"benefits", "what", "who", "why", "how", "where", "when", "here",
		"there", "each", "every", "any", "as", "if", "for", "and", "at",
		"about", "join", "careers", "apply", "overview", "summary",
		"description", "responsibilities", "qualifications", "requirements",
		"united states", "us citizens", "federal", "state", "local",
	};
	for (size_t i = 0; i < ARRAY_SIZE(stop); i++)
		if (!ascii_casecmp(s, stop[i]))
			return 1;
	return 0;
}

/* Tidy a captured name: trailing connectors and punctuation go. */
static char *tidy_name(struct slice s)
{
	s = slice_trim(s);
	for (;;) {
		while (s.n && strchr(",;:!?-–()\"“”'’ ", s.p[s.n - 1]) &&
		       !(s.n >= 1 && (unsigned char)s.p[s.n - 1] >= 0x80 && 0))
			s.n--;
		/* a trailing "." stays after Inc/Co/Corp/Ltd/Jr/St */
		if (s.n && s.p[s.n - 1] == '.') {
			size_t w = s.n - 1;
			while (w && s.p[w - 1] != ' ')
				w--;
			struct slice last = { s.p + w, s.n - 1 - w };
			if (!(slice_eq_str(last, "Inc") || slice_eq_str(last, "Co") ||
			      slice_eq_str(last, "Corp") || slice_eq_str(last, "Ltd") ||
			      slice_eq_str(last, "Jr") || slice_eq_str(last, "St") ||
			      slice_eq_str(last, "L.L.C") || slice_eq_str(last, "P.C") ||
			      slice_eq_str(last, "P.A") || slice_eq_str(last, "N.A") ||
			      slice_eq_str(last, "Dr") || slice_eq_str(last, "Mt"))) {
				s.n--;
				continue;
			}
		}
		/* a trailing connector word */
		size_t w = s.n;
		while (w && s.p[w - 1] != ' ')
			w--;
		if (w && is_connector((struct slice){ s.p + w, s.n - w })) {
			s.n = w - 1;
			continue;
		}
		break;
	}
	/* Only abbreviations carry a '.', and nothing follows "Inc. " */
	static const char *const terminal[] = { "Inc.", "Co.", "Corp.", "Ltd.", "P.A.",
						"P.C.", "L.L.C.", "N.A.", "LLC.", "LLP." };
	for (size_t i = 0; i + 1 < s.n; i++) {
		if (s.p[i] != '.' || s.p[i + 1] != ' ')
			continue;
		size_t w = i;
		while (w && s.p[w - 1] != ' ')
			w--;
		struct slice word = { s.p + w, i + 1 - w };
		for (size_t k = 0; k < ARRAY_SIZE(terminal); k++)
			if (slice_eq_str(word, terminal[k]))
				s.n = i + 1;
	}
	s = slice_trim(s);
	if (s.n < 2 || s.n > 80)
		return NULL;
	char *name = clean_text(s, 80);
	if (name && is_not_a_name(name)) {
		free(name);
		return NULL;
	}
	return name;
}

static void add_cand(struct cands *c, struct slice s, double w)
{
	char *name = tidy_name(s);
	if (!name)
		return;
	for (size_t i = 0; i < c->n; i++) {
		if (!strcmp(c->v[i].name, name)) {
			c->v[i].score += w;
			free(name);
			return;
		}
	}
	if (c->n == ARRAY_SIZE(c->v)) {
		free(name);
		return;
	}
	c->v[c->n].name = name;
	c->v[c->n].score = w;
	c->n++;
}

/* A capitalised name of up to 7 words, with connectors inside. */
#define WORD "(?:(?:Inc|Co|Corp|Ltd|Jr|St|Bros|Mfg|Assn|Dr|Mt|Ft|P\\.A|P\\.C|L\\.L\\.C|N\\.A)\\.|\\p{Lu}[\\p{L}\\p{N}'’&-]*)"
#define NAME "(" WORD "(?:,? (?:" WORD "|&|of|and|the|de|la|del|for|y)){0,6})"

/*
 * `after`: for a pattern that starts with NAME, the literals that can follow
 * NAME directly.  PCRE2 cannot skip ahead to a capital letter in UTF mode,
 * so such a pattern run over the whole text is tried at every capital, up
 * to 7 words deep; it made most of the time spent on fields.  Instead it is
 * run only over a window that ends just after each place one of `after`
 * occurs and reaches back over as many words as NAME may have (scan_cue).
 */
#define CUE_AFTER_MAX 12
static const struct cue {
	const char *pattern;
	double weight;
	const char *after[CUE_AFTER_MAX];
} cues[] = {
	{ "\\bCareers (?:with|at) " NAME, 4, { NULL } },
	{ "(?:^|[.!?:] |\\n)At " NAME ",? (?:we|our|you)\\b", 3, { NULL } },
	{ "(?:^|\\n)Why " NAME "\\?", 3, { NULL } },
	{ "(?:^|\\n)About " NAME "(?::|\\n|$)", 3, { NULL } },
	{ "\\b(?:J|j)oin " NAME "(?:[.!]|(?<=\\.)(?=\\s)| and | as | in | today)", 2, { NULL } },
	{ NAME " is an? (?:Equal|EEO|equal[ -]opportunity|Affirmative|proud equal)", 2,
	  { " is a" } },
	{ "Please note that " NAME " will", 2, { NULL } },
	{ NAME " (?:will not discriminate|participates in E-Verify|is a drug-free|"
	  "provides equal|will never ask|is one of the|is a not-for-profit|"
	  "is a nonprofit|is a leading|is redefining|is hiring|is seeking|"
	  "is committed|is proud|was founded|has been|offers (?:a|competitive|health)|"
	  "is an? (?:independent|national|regional|nationally|award|growing|fast)|"
	  "makes |builds |serves |operates |provides )", 1.5,
	  { " will not ", " participates ", " is ", " was founded", " has been",
	    " offers ", " makes ", " builds ", " serves ", " operates ", " provides " } },
	{ "(?:liaison|partnership|bridge) between " NAME " and", 1.5, { NULL } },
	{ NAME "(?:'s|’s|'|’) (?:team|mission|employees|people|culture|benefits)", 1.5,
	  { "' ", "'s ", "’ ", "’s " } },
	{ "\\bon behalf of " NAME, 1, { NULL } },
	{ "\\b(?:team|role|position|opportunity) (?:at|with) " NAME "(?:[.,!]|$)", 1, { NULL } },
	{ NAME ", part of ", 1.5, { ", part of " } },
};

/* How far before a literal a NAME may start (at most), and how far after it a cue ends. */
#define CUE_BACK 240
#define CUE_AHEAD 64
#define CUE_MAX_SPOTS 256

/* Where a cue's literals occur in the text, ascending; n == SIZE_MAX: too many to list. */
struct spots {
	size_t n;
	size_t pos[CUE_MAX_SPOTS];
};

/*
 * The spots of every cue's `after` literals (lits[k] for cue k), in one
 * pass over the text: the literals are few and most bytes start none of
 * them; the first two bytes are compared before memcmp.
 */
static void find_spots(struct slice all, const char *const *const *lits, size_t ncue,
		       struct spots *out)
{
	enum { MAX_LITS = 32 };
	struct {
		const char *s;
		size_t len;
		uint16_t head;
		size_t cue;
	} lit[MAX_LITS];
	unsigned char first[256] = { 0 };
	size_t nl = 0;
	for (size_t k = 0; k < ncue; k++) {
		out[k].n = 0;
		for (size_t i = 0; i < CUE_AFTER_MAX && lits[k][i] && nl < MAX_LITS; i++, nl++) {
			const char *l = lits[k][i];
			lit[nl].s = l;
			lit[nl].len = strlen(l);
			lit[nl].head = (uint16_t)((unsigned char)l[0] | (unsigned char)l[1] << 8);
			lit[nl].cue = k;
			first[(unsigned char)l[0]] = 1;
		}
	}
	for (size_t i = 0; i + 1 < all.n; i++) {
		if (!first[(unsigned char)all.p[i]])
			continue;
		uint16_t h = (uint16_t)((unsigned char)all.p[i] | (unsigned char)all.p[i + 1] << 8);
		for (size_t k = 0; k < nl; k++) {
			if (h != lit[k].head || lit[k].len > all.n - i ||
			    memcmp(all.p + i, lit[k].s, lit[k].len))
				continue;
			struct spots *sp = &out[lit[k].cue];
			if (sp->n == SIZE_MAX || (sp->n && sp->pos[sp->n - 1] == i))
				continue;
			if (sp->n == CUE_MAX_SPOTS)
				sp->n = SIZE_MAX;
			else
				sp->pos[sp->n++] = i;
		}
	}
}

/* Every match of cue r in `win`, from `from`, up to *hits < max_hits; returns where the last ended. */
static size_t scan_window(const struct rx *r, struct slice win, size_t from, double w,
			  int *hits, int max_hits, struct cands *c)
{
	struct rx_match m;
	size_t last = from;
	while (*hits < max_hits && rx_find(r, win, from, &m)) {
		add_cand(c, rx_group(win, &m, 1), w);
		from = m.end[0] > from ? m.end[0] : from + 1;
		last = from;
		(*hits)++;
	}
	return last;
}

/*
 * Run a cue over the text: over all of it, or, when `after` lists what
 * follows NAME, over a window around each place that occurs: from `words`
 * space-separated words before it (NAME has no more, and no line break).
 * Windows are taken left to right and never overlap a match already
 * taken, as in a scan of the whole text; one starts at a word, so a NAME
 * is never cut.
 */
static void scan_cue(const struct rx *r, struct slice all, const struct spots *sp,
		     size_t words, double w, int max_hits, struct cands *c)
{
	int hits = 0;
	if (!sp || sp->n == SIZE_MAX) {
		scan_window(r, all, 0, w, &hits, max_hits, c);
		return;
	}
	size_t done = 0;
	for (size_t i = 0; i < sp->n && hits < max_hits; i++) {
		size_t q = sp->pos[i];
		if (q < done)
			continue;
		/* back over at most `words` space-separated words: no NAME is longer */
		size_t ws = q, spaces = 0;
		while (ws > done && q - ws < CUE_BACK) {
			char ch = all.p[ws - 1];
			if (ch == '\n' || (ch == ' ' && ++spaces == words))
				break;
			ws--;
		}
		size_t we = q + CUE_AHEAD < all.n ? q + CUE_AHEAD : all.n;
		struct slice win = { all.p + ws, we - ws };
		size_t end = scan_window(r, win, 0, w, &hits, max_hits, c);
		if (end > 0)
			done = ws + end;
	}
}

static void employer_from_prose(struct slice all, struct cands *c)
{
	enum { NCUE = ARRAY_SIZE(cues), POSS = NCUE };
	/* Possessives of CamelCase brand names ("CareCredit’s"), weakly. */
	static const char *const apostrophe_s[CUE_AFTER_MAX] = { "'s", "’s" };
	const char *const *lits[NCUE + 1];
	for (size_t k = 0; k < NCUE; k++)
		lits[k] = cues[k].after;
	lits[POSS] = apostrophe_s;
	struct spots *sp = xmalloc((NCUE + 1) * sizeof *sp);
	find_spots(all, lits, NCUE + 1, sp);

	static struct rx *compiled[NCUE];
	for (size_t k = 0; k < NCUE; k++) {
		const struct rx *r = rx_lazy(&compiled[k], cues[k].pattern, 0);
		scan_cue(r, all, cues[k].after[0] ? &sp[k] : NULL, 7, cues[k].weight, 8, c);
	}
	static struct rx *poss;
	const struct rx *r = rx_lazy(&poss,
		"\\b(\\p{Lu}\\p{Ll}+\\p{Lu}[\\p{L}]+(?: \\p{Lu}[\\p{L}]+)?)(?:'s|’s)\\b", 0);
	scan_cue(r, all, &sp[POSS], 2, 0.75, 20, c);
	free(sp);
}

static size_t count_occurrences(struct slice all, const char *name)
{
	size_t n = strlen(name), count = 0;
	if (!n)
		return 0;
	for (const char *p = all.p; p && (size_t)(all.p + all.n - p) >= n;) {
		p = memmem(p, (size_t)(all.p + all.n - p), name, n);
		if (!p)
			break;
		count++;
		p += n;
	}
	return count;
}

static void extract_employer(const struct extract_src *src, const struct kv *kv,
			     struct posting *p)
{
	const struct textdoc *doc = src->doc;
	const char *v;
	if ((v = fm_value(src->fm, "employer", NULL)) ||
	    (v = fm_value(src->fm, "company", NULL)) ||
	    (v = fm_value(src->fm, "organization", NULL))) {
		p->employer = clean_text(slice_from(v), 120);
		return;
	}
	if (src->ld && src->ld->employer) {
		p->employer = clean_text(slice_from(src->ld->employer), 120);
		return;
	}
	if (kv[L_EMPLOYER].found) {
		p->employer = clean_text(kv[L_EMPLOYER].value, 120);
		return;
	}
	/* Structure: "## Company | City, ST | 2024" or the heading right after
	 * the title ("# [Title](url)" then "### Company"). */
	for (size_t i = 0; i < doc->n && i < 6; i++) {
		if (!doc->v[i].heading)
			continue;
		struct slice s = textdoc_line(doc, i);
		const char *bar = memchr(s.p, '|', s.n);
		if (bar && i > 0) {
			p->employer = clean_text((struct slice){ s.p, (size_t)(bar - s.p) }, 120);
			if (p->employer)
				return;
		}
		if (i > 0 && doc->v[i - 1].heading && doc->v[i - 1].heading < doc->v[i].heading &&
		    i <= 2 && s.n <= 80 && !memchr(s.p, ':', s.n) &&
		    ascii_ncasecmp(s.p, "about", 5) != 0) {
			p->employer = clean_text(s, 120);
			if (p->employer)
				return;
		}
	}
	/* Prose cues, voted. */
	struct cands c = { .n = 0 };
	struct slice all = textdoc_all(doc);
	employer_from_prose(all, &c);
	size_t best = SIZE_MAX;
	double best_score = 0;
	for (size_t i = 0; i < c.n; i++) {
		size_t occ = count_occurrences(all, c.v[i].name);
		double s = c.v[i].score + 0.25 * (double)(occ < 8 ? occ : 8);
		if (c.v[i].score >= 1 || occ >= 3) {
			if (best == SIZE_MAX || s > best_score ||
			    (s == best_score && strlen(c.v[i].name) > strlen(c.v[best].name))) {
				best = i;
				best_score = s;
			}
		}
	}
	if (best != SIZE_MAX && best_score >= 1.5) {
		p->employer = c.v[best].name;
		c.v[best].name = NULL;
	}
	for (size_t i = 0; i < c.n; i++)
		free(c.v[i].name);
}

char *employer_slug_new(const char *name)
{
	static const char *const suffixes[] = {
		"inc", "inc.", "incorporated", "llc", "l.l.c.", "ltd", "ltd.", "limited",
		"corp", "corp.", "corporation", "co", "co.", "plc", "lp", "llp",
		"pllc", "p.c.", "pc", "gmbh", "s.a.", "sa",
	};
	struct slice s = slice_trim(slice_from(name));
	/* strip trailing legal suffixes, with or without a comma */
	for (int again = 1; again;) {
		again = 0;
		size_t w = s.n;
		while (w && s.p[w - 1] != ' ' && s.p[w - 1] != ',')
			w--;
		if (w == 0)
			break;
		struct slice last = { s.p + w, s.n - w };
		for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
			if (last.n == strlen(suffixes[i]) &&
			    !ascii_ncasecmp(last.p, suffixes[i], last.n)) {
				s.n = w;
				while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == ','))
					s.n--;
				again = s.n > 0;
				break;
			}
		}
	}
	char *slug = slug_new(s.n ? s : slice_from(name));
	if (!*slug) {
		free(slug);
		slug = xstrdup("employer");
	}
	return slug;
}

/* ---- apply URL ----------------------------------------------------------- */

static void extract_apply(const struct extract_src *src, const struct kv *kv,
			  struct posting *p)
{
	const struct textdoc *doc = src->doc;
	const char *v;
	struct slice u = { NULL, 0 };
	if ((v = fm_value(src->fm, "apply_url", NULL)) || (v = fm_value(src->fm, "url", NULL)) ||
	    (v = fm_value(src->fm, "apply", NULL))) {
		u = find_url(slice_from(v));
	} else if (src->ld && src->ld->url) {
		u = find_url(slice_from(src->ld->url));
	} else if (kv[L_APPLY].found) {
		u = find_url(kv[L_APPLY].value);
		if (!u.n)
			u = textdoc_url(doc, kv[L_APPLY].line);
	}
	if (!u.n && src->html_apply_url)
		u = find_url(slice_from(src->html_apply_url));
	if (!u.n) {
		/* a title heading that is a link: "# [Title](url)" */
		for (size_t i = 0; i < doc->n && i < 3 && !u.n; i++)
			if (doc->v[i].heading && textdoc_url(doc, i).n)
				u = textdoc_url(doc, i);
	}
	if (!u.n) {
		/* a line that says apply and carries a link */
		for (size_t i = 0; i < doc->n && !u.n; i++) {
			struct slice s = textdoc_line(doc, i);
			if (s.n >= 200 || !contains_ci(s, "apply"))
				continue;
			u = textdoc_url(doc, i);
			if (!u.n)
				u = find_url(s);
		}
	}
	if (u.n && is_http_url(u))
		p->apply_url = xslicedup(u);
}

/* ---- location, workplace, salary, type, dates (fields helper's parsers) -- */

static void set_location(struct posting *p, const struct location *loc)
{
	if (loc->city[0] && !p->city)
		p->city = xstrdup(loc->city);
	if (loc->state[0] && !p->state[0])
		memcpy(p->state, loc->state, 3);
	if (loc->workplace && !p->workplace)
		p->workplace = loc->workplace;
}

static void extract_location(const struct extract_src *src, const struct kv *kv,
			     struct posting *p)
{
	const char *v;
	unsigned line = 0;
	struct location loc;
	int have = 0;
	const struct front_matter *fm = src->fm;
	if ((v = fm_value(fm, "location", &line)) && location_parse(slice_from(v), &loc)) {
		set_location(p, &loc);
		p->location_text = xstrdup(v);
		have = loc.city[0] || loc.state[0] || loc.foreign || loc.remote_us;
	}
	if ((v = fm_value(fm, "city", NULL)) && !p->city)
		p->city = clean_text(slice_from(v), 80);
	if ((v = fm_value(fm, "state", NULL)) && !p->state[0]) {
		const char *code = geo_state_code(slice_from(v));
		if (code)
			memcpy(p->state, code, 3);
	}
	if (p->city || p->state[0])
		have = 1;
	if (!have && src->ld && (src->ld->city || src->ld->region)) {
		if (src->ld->city)
			p->city = clean_text(slice_from(src->ld->city), 80);
		if (src->ld->region) {
			const char *code = geo_state_code(slice_from(src->ld->region));
			if (code && (!src->ld->country || !ascii_casecmp(src->ld->country, "US") ||
				     !ascii_casecmp(src->ld->country, "USA") ||
				     !ascii_casecmp(src->ld->country, "United States")))
				memcpy(p->state, code, 3);
		}
		have = 1;
	}
	if (!have && kv[L_LOCATION].found && location_parse(kv[L_LOCATION].value, &loc)) {
		set_location(p, &loc);
		p->location_text = xslicedup(kv[L_LOCATION].value);
		/* "Location: In person" or "Remote" names no place: look on */
		have = loc.city[0] || loc.state[0] || loc.foreign || loc.remote_us;
	}
	if (!have) {
		struct slice all = textdoc_all(src->doc);
		if (location_find(all, &loc)) {
			set_location(p, &loc);
			if (!p->location_text && loc.end > loc.start)
				p->location_text = xslicedup((struct slice){ all.p + loc.start,
									     loc.end - loc.start });
		}
	}
	if (!p->state[0] && !p->city && !p->workplace)
		posting_warn(p, 0, "no location found", "no location found");
}

static void extract_workplace(const struct extract_src *src, const struct kv *kv,
			      struct posting *p)
{
	const char *v;
	if ((v = fm_value(src->fm, "workplace", NULL))) {
		enum workplace w = workplace_parse(slice_from(v));
		if (w)
			p->workplace = w;
	} else if ((v = fm_value(src->fm, "remote", NULL)) &&
		   (!ascii_casecmp(v, "true") || !ascii_casecmp(v, "yes"))) {
		p->workplace = WORKPLACE_REMOTE;
	}
	if (p->workplace)
		return;
	if (src->ld && src->ld->telecommute) {
		p->workplace = WORKPLACE_REMOTE;
		return;
	}
	if (kv[L_WORKPLACE].found) {
		enum workplace w = workplace_parse(kv[L_WORKPLACE].value);
		if (w) {
			p->workplace = w;
			return;
		}
	}
	p->workplace = workplace_find(textdoc_all(src->doc));
}

static void set_salary(struct posting *p, const struct salary *s, struct slice as_written)
{
	p->salary_min = s->min;
	p->salary_max = s->max;
	p->salary_period = s->period;
	p->salary_currency = xstrdup(s->currency[0] ? s->currency : "USD");
	if (as_written.n)
		p->salary_text = clean_text(as_written, 120);
}

static void extract_salary(const struct extract_src *src, const struct kv *kv,
			   struct posting *p)
{
	const char *v;
	unsigned line = 0;
	struct salary s;
	const struct front_matter *fm = src->fm;
	const char *vmin = fm_value(fm, "salary_min", &line);
	const char *vmax = fm_value(fm, "salary_max", &line);
	if (vmin || vmax) {
		char *end;
		p->salary_min = vmin ? strtod(vmin, &end) : NAN;
		p->salary_max = vmax ? strtod(vmax, &end) : NAN;
		const char *per = fm_value(fm, "salary_period", NULL);
		struct salary tmp;
		p->salary_period = PERIOD_YEAR;
		if (per) {
			struct buf b = BUF_INIT;
			buf_printf(&b, "$1 per %s", per);
			if (salary_parse(buf_slice(&b), &tmp) && tmp.period)
				p->salary_period = tmp.period;
			else
				posting_warn(p, line, "salary period not understood",
					     "salary_period '%s' not understood; taken as year", per);
			buf_release(&b);
		}
		p->salary_currency = xstrdup("USD");
	} else if ((v = fm_value(fm, "salary", &line))) {
		if (salary_parse(slice_from(v), &s))
			set_salary(p, &s, slice_from(v));
		else
			posting_warn(p, line, "salary not understood", "salary '%s' not understood", v);
	} else if (src->ld && (!isnan(src->ld->salary_min) || !isnan(src->ld->salary_max))) {
		p->salary_min = src->ld->salary_min;
		p->salary_max = src->ld->salary_max;
		p->salary_period = PERIOD_YEAR;
		if (src->ld->salary_unit) {
			struct buf b = BUF_INIT;
			buf_printf(&b, "$1 per %s", src->ld->salary_unit);
			struct salary tmp;
			if (salary_parse(buf_slice(&b), &tmp) && tmp.period)
				p->salary_period = tmp.period;
			buf_release(&b);
		}
		p->salary_currency = xstrdup(src->ld->currency ? src->ld->currency : "USD");
	} else if (kv[L_SALARY].found && salary_parse(kv[L_SALARY].value, &s)) {
		set_salary(p, &s, kv[L_SALARY].value);
		if (s.period_inferred)
			posting_warn(p, src->doc->v[kv[L_SALARY].line].src_line, "salary period inferred",
				     "salary period not stated; taken as %s from the amount",
				     salary_period_name(s.period));
	} else {
		struct slice all = textdoc_all(src->doc);
		if (salary_find(all, &s)) {
			set_salary(p, &s, (struct slice){ all.p + s.start, s.end - s.start });
			if (s.period_inferred) {
				size_t li = textdoc_line_at(src->doc, s.start);
				posting_warn(p, src->doc->v[li].src_line, "salary period inferred",
					     "salary period not stated; taken as %s from the amount",
					     salary_period_name(s.period));
			}
		}
	}
	double k = salary_period_per_year(p->salary_period);
	if (!isnan(k)) {
		p->annual_min = isnan(p->salary_min) ? NAN : p->salary_min * k;
		p->annual_max = isnan(p->salary_max) ? NAN : p->salary_max * k;
	}
	p->salary_band = band_for(src->bands ? src->bands : band_default(), p->annual_min, p->annual_max);
}

static void extract_type(const struct extract_src *src, const struct kv *kv, struct posting *p)
{
	const char *v;
	if ((v = fm_value(src->fm, "employment_type", NULL)) ||
	    (v = fm_value(src->fm, "type", NULL)) || (v = fm_value(src->fm, "job_type", NULL))) {
		p->employment_type = employment_type_parse(slice_from(v));
		if (p->employment_type)
			return;
	}
	if (src->ld && src->ld->employment_type) {
		p->employment_type = employment_type_parse(slice_from(src->ld->employment_type));
		if (p->employment_type)
			return;
	}
	if (kv[L_TYPE].found) {
		p->employment_type = employment_type_parse(kv[L_TYPE].value);
		if (p->employment_type)
			return;
	}
	p->employment_type = employment_type_find(textdoc_all(src->doc));
}

static void extract_dates(const struct extract_src *src, const struct kv *kv, struct posting *p)
{
	const char *v;
	unsigned line = 0;
	if ((v = fm_value(src->fm, "date", &line)) || (v = fm_value(src->fm, "date_posted", &line))) {
		if (!date_parse(slice_from(v), p->date_posted))
			posting_warn(p, line, "date not understood", "date '%s' not understood", v);
	} else if (src->ld && src->ld->date_posted) {
		date_parse(slice_from(src->ld->date_posted), p->date_posted);
	} else if (kv[L_DATE].found && date_parse(kv[L_DATE].value, p->date_posted)) {
		/* done */
	} else {
		date_find(textdoc_all(src->doc), p->date_posted);
	}
	if ((v = fm_value(src->fm, "expires", &line)) || (v = fm_value(src->fm, "valid_through", &line))) {
		if (!date_parse(slice_from(v), p->valid_through))
			posting_warn(p, line, "date not understood", "expiry date '%s' not understood", v);
	} else if (src->ld && src->ld->valid_through) {
		date_parse(slice_from(src->ld->valid_through), p->valid_through);
	}
}

/* ---- entry point --------------------------------------------------------- */

void extract_fields(const struct extract_src *src, struct posting *p)
{
	struct kv kv[L_COUNT];
	scan_kv(src->doc, kv);

	extract_title(src, kv, p);
	if (!p->title)
		posting_warn(p, 0, "no title found", "no title found");
	extract_employer(src, kv, p);
	if (p->employer)
		p->employer_slug = employer_slug_new(p->employer);
	else
		posting_warn(p, 0, "no employer found", "no employer found");
	extract_apply(src, kv, p);
	extract_location(src, kv, p);
	extract_workplace(src, kv, p);
	extract_salary(src, kv, p);
	extract_type(src, kv, p);
	extract_dates(src, kv, p);
}
