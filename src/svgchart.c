/*
 * svgchart.c - build-time SVG charts (see svgchart.h).  Layout is in user
 * units of a SVGCHART_WIDTH-wide viewBox with 12-unit text, so at a 360 px
 * screen the text is about 12 px and nothing needs to scroll sideways.
 */
#include "svgchart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "jobfmt.h"

enum {
	FONT = 12,
	ROW = 22,        /* bars: row height */
	BAR = 14,        /* bars: bar thickness */
	RROW = 9,        /* ranges: row height */
	RBAR = 5,        /* ranges: bar thickness */
	AXIS = 24,       /* ranges: room for the tick labels below */
	LABEL_MAX = 150, /* bars: widest label column */
	VALUE_MAX = 120, /* bars: widest value text */
};

/* An estimate of text width: ~0.62 em per character (code point), on the
 * wide side for digits and capitals in common sans-serif fonts. */
static double text_width(const char *s, size_t *chars)
{
	size_t n = 0;
	for (const unsigned char *c = (const unsigned char *)s; c && *c; c++)
		n += (*c & 0xC0) != 0x80;
	if (chars)
		*chars = n;
	return (double)n * FONT * 0.62;
}

void svgchart_escape(struct buf *out, const char *s)
{
	jobfmt_xml(out, s);
}

void svgchart_num(struct buf *out, double v)
{
	char t[64];
	/* +0.0 turns -0 into 0; the C locale (never set otherwise) gives '.' */
	snprintf(t, sizeof t, "%.1f", round(v * 10) / 10 + 0.0);
	size_t n = strlen(t);
	if (n > 2 && !strcmp(t + n - 2, ".0"))
		t[n - 2] = '\0';
	if (!strcmp(t, "-0"))
		strcpy(t, "0");
	buf_puts(out, t);
}

/* The text of a label cut to `max_chars` code points, "…" when cut. */
static void put_cut(struct buf *out, const char *s, size_t max_chars)
{
	size_t chars;
	text_width(s, &chars);
	if (chars <= max_chars) {
		svgchart_escape(out, s);
		return;
	}
	struct buf t = BUF_INIT;
	size_t k = 0;
	const char *c = s;
	for (; *c; c++) {
		if ((*(const unsigned char *)c & 0xC0) != 0x80 && k++ == max_chars - 1)
			break;
	}
	buf_put(&t, s, (size_t)(c - s));
	while (t.n && t.p[t.n - 1] == ' ')
		buf_truncate(&t, t.n - 1);
	buf_puts(&t, "…");
	svgchart_escape(out, buf_cstr(&t));
	buf_release(&t);
}

static void open_svg(struct buf *out, const char *id, const char *title, const char *desc,
		     double height)
{
	buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart-svg\" "
			"viewBox=\"0 0 %d ", SVGCHART_WIDTH);
	svgchart_num(out, height);
	buf_puts(out, "\" role=\"img\" aria-labelledby=\"");
	svgchart_escape(out, id);
	buf_puts(out, "-t ");
	svgchart_escape(out, id);
	buf_printf(out, "-d\" font-size=\"%d\"><title id=\"", FONT);
	svgchart_escape(out, id);
	buf_puts(out, "-t\">");
	svgchart_escape(out, title);
	buf_puts(out, "</title><desc id=\"");
	svgchart_escape(out, id);
	buf_puts(out, "-d\">");
	svgchart_escape(out, desc);
	buf_puts(out, "</desc>");
}

/* <tag class="cls" a="v" ...>: attribute values are numbers. */
static void attr(struct buf *out, const char *name, double v)
{
	buf_printf(out, " %s=\"", name);
	svgchart_num(out, v);
	buf_putc(out, '"');
}

void svgchart_bars(struct buf *out, const char *id, const char *title, const char *desc,
		   const struct svgchart_bar *v, size_t n)
{
	double lw = 0, vw = 0, max = 0;
	for (size_t i = 0; i < n; i++) {
		double w = text_width(v[i].label, NULL);
		lw = w > lw ? w : lw;
		w = text_width(v[i].value_text, NULL);
		vw = w > vw ? w : vw;
		max = v[i].value > max ? v[i].value : max;
	}
	lw = lw > LABEL_MAX ? LABEL_MAX : lw;
	vw = vw > VALUE_MAX ? VALUE_MAX : vw;
	size_t label_chars = (size_t)(LABEL_MAX / (FONT * 0.62));
	double x0 = lw + 10, x1 = SVGCHART_WIDTH - vw - 8, span = x1 - x0;
	double height = (double)n * ROW + 4;
	open_svg(out, id, title, desc, height);
	for (size_t i = 0; i < n; i++) {
		double y = 2 + (double)i * ROW, cy = y + ROW / 2.0;
		double w = max > 0 && v[i].value > 0 ? span * v[i].value / max : 0;
		buf_puts(out, "<text class=\"chart-label\"");
		attr(out, "x", x0 - 6);
		attr(out, "y", cy + FONT * 0.35);
		buf_puts(out, " text-anchor=\"end\">");
		put_cut(out, v[i].label ? v[i].label : "", label_chars);
		buf_puts(out, "</text><rect class=\"chart-bar\"");
		attr(out, "x", x0);
		attr(out, "y", cy - BAR / 2.0);
		attr(out, "width", w);
		attr(out, "height", BAR);
		buf_puts(out, "/><text class=\"chart-value\"");
		attr(out, "x", x0 + w + 4);
		attr(out, "y", cy + FONT * 0.35);
		buf_putc(out, '>');
		svgchart_escape(out, v[i].value_text ? v[i].value_text : "");
		buf_puts(out, "</text>");
	}
	buf_puts(out, "<line class=\"chart-axis\"");
	attr(out, "x1", x0);
	attr(out, "y1", 0);
	attr(out, "x2", x0);
	attr(out, "y2", height);
	buf_puts(out, "/></svg>");
}

/* A tick step of 1, 2, 2.5 or 5 times a power of ten giving <= max ticks. */
static double tick_step(double span, int max)
{
	double base = pow(10, floor(log10(span > 0 ? span : 1)));
	static const double mult[] = { 0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10 };
	for (size_t i = 0; i < sizeof mult / sizeof *mult; i++)
		if (span / (base * mult[i]) <= max)
			return base * mult[i];
	return base * 10;
}

/* "$50k", "$1.2M", "$750". */
static void money_short(struct buf *out, double v)
{
	if (v >= 1e6) {
		buf_putc(out, '$');
		svgchart_num(out, v / 1e6);
		buf_putc(out, 'M');
	} else if (v >= 1000) {
		buf_putc(out, '$');
		svgchart_num(out, v / 1000);
		buf_putc(out, 'k');
	} else {
		buf_printf(out, "$%.0f", v);
	}
}

void svgchart_ranges(struct buf *out, const char *id, const char *title, const char *desc,
		     const struct svgchart_range *v, size_t n)
{
	double lo = INFINITY, hi = -INFINITY;
	size_t rows = 0;
	for (size_t i = 0; i < n; i++) {
		if (isnan(v[i].mid))
			continue;
		rows++;
		double a = isnan(v[i].lo) ? v[i].mid : v[i].lo;
		double b = isnan(v[i].hi) ? v[i].mid : v[i].hi;
		lo = a < lo ? a : lo;
		hi = b > hi ? b : hi;
	}
	if (!rows)
		lo = 0, hi = 1;
	double step = tick_step(hi - lo, 4);
	double from = floor(lo / step) * step, to = ceil(hi / step) * step;
	if (to <= from)
		to = from + step;
	double x0 = 24, x1 = SVGCHART_WIDTH - 24, top = 4;
	double plot_h = (double)rows * RROW, height = top + plot_h + AXIS;
#define X(val) (x0 + ((val) - from) / (to - from) * (x1 - x0))
	open_svg(out, id, title, desc, height);
	/* Grid and tick labels first, so the bars are drawn over them. */
	for (double t = from; t <= to + step / 2; t += step) {
		buf_puts(out, "<line class=\"chart-grid\"");
		attr(out, "x1", X(t));
		attr(out, "y1", top);
		attr(out, "x2", X(t));
		attr(out, "y2", top + plot_h);
		buf_puts(out, "/><text class=\"chart-tick\"");
		attr(out, "x", X(t));
		attr(out, "y", top + plot_h + 16);
		buf_puts(out, " text-anchor=\"middle\">");
		money_short(out, t);
		buf_puts(out, "</text>");
	}
	size_t r = 0;
	for (size_t i = 0; i < n; i++) {
		if (isnan(v[i].mid))
			continue;
		double cy = top + (double)r++ * RROW + RROW / 2.0;
		if (!isnan(v[i].lo) && !isnan(v[i].hi)) {
			double a = X(v[i].lo), w = X(v[i].hi) - a;
			if (w < 2)
				a -= (2 - w) / 2, w = 2;
			buf_puts(out, "<rect class=\"chart-range\"");
			attr(out, "x", a);
			attr(out, "y", cy - RBAR / 2.0);
			attr(out, "width", w);
			attr(out, "height", RBAR);
			buf_puts(out, "/>");
		}
		/* The midpoint: a tick across the bar, or the one bound alone. */
		buf_puts(out, "<circle class=\"chart-mid\"");
		attr(out, "cx", X(v[i].mid));
		attr(out, "cy", cy);
		attr(out, "r", 2.5);
		buf_puts(out, "/>");
	}
#undef X
	buf_puts(out, "<line class=\"chart-axis\"");
	attr(out, "x1", x0);
	attr(out, "y1", top + plot_h);
	attr(out, "x2", x1);
	attr(out, "y2", top + plot_h);
	buf_puts(out, "/></svg>");
}
