/*
 * t_svgchart.c - the SVG charts: every text escaped, long labels cut on a
 * character boundary, numbers printed the same way every time, the
 * accessibility attributes in place, no style and no fixed size.
 */
#include <math.h>
#include <string.h>

#include "svgchart.h"
#include "tap.h"

static int has(const struct buf *b, const char *s)
{
	return strstr(buf_cstr(b), s) != NULL;
}

int main(void)
{
	struct buf b = BUF_INIT;

	svgchart_num(&b, 12.0);
	buf_putc(&b, ' ');
	svgchart_num(&b, 12.25);
	buf_putc(&b, ' ');
	svgchart_num(&b, -0.01);
	buf_putc(&b, ' ');
	svgchart_num(&b, 1.0 / 3);
	CHECK_STR(buf_cstr(&b), "12 12.3 0 0.3", "numbers: one decimal, .0 and -0 dropped");

	buf_reset(&b);
	svgchart_escape(&b, "A&B <i>\"x\" 'y'\x01");
	CHECK_STR(buf_cstr(&b), "A&amp;B &lt;i&gt;&quot;x&quot; &#39;y&#39;", "escape & < > \" ' and C0");

	const char *evil = "<i>A&B's \"Co\"";
	struct svgchart_bar bars[] = {
		{ evil, 3, "$90,000 (3)" },
		{ "Ünïcödé Employer With A Very Long Name That Will Not Fit In The Label Column", 1, "1" },
		{ "Zero", 0, "0" },
	};
	buf_reset(&b);
	svgchart_bars(&b, "c1", "Title <b>", "Desc & \"words\"", bars, 3);
	CHECK(!has(&b, "<i>") && !has(&b, "<b>"), "no raw markup from text");
	CHECK(has(&b, ">&lt;i&gt;A&amp;B&#39;s &quot;Co&quot;</text>"), "label escaped");
	CHECK(has(&b, "<title id=\"c1-t\">Title &lt;b&gt;</title>"), "title escaped, with its id");
	CHECK(has(&b, "<desc id=\"c1-d\">Desc &amp; &quot;words&quot;</desc>"), "desc escaped, with its id");
	CHECK(has(&b, "role=\"img\" aria-labelledby=\"c1-t c1-d\""), "role img, labelled by title and desc");
	CHECK(has(&b, "viewBox=\"0 0 360 "), "viewBox 360 wide");
	CHECK(!has(&b, " width=\"100") && !has(&b, "style"), "no fixed size, no style");
	CHECK(has(&b, "…</text>") && has(&b, ">Ünïcödé Employer"), "long label cut with …");
	CHECK(has(&b, "class=\"chart-bar\" x=\"") && has(&b, "width=\"0\""), "zero bar drawn empty");
	/* The cut label is valid UTF-8: no lone continuation byte before "…". */
	const char *cut = strstr(buf_cstr(&b), "…</text>");
	CHECK(cut && ((unsigned char)cut[-1] & 0xC0) != 0xC0, "cut on a character boundary");

	struct buf again = BUF_INIT;
	svgchart_bars(&again, "c1", "Title <b>", "Desc & \"words\"", bars, 3);
	CHECK_STR(buf_cstr(&again), buf_cstr(&b), "same input, same bytes");

	struct svgchart_range r[] = {
		{ 40000, 60000, 50000 },
		{ NAN, 90000, 90000 },  /* up to */
		{ NAN, NAN, NAN },      /* no pay: skipped */
		{ 120000, NAN, 120000 },/* from */
	};
	buf_reset(&b);
	svgchart_ranges(&b, "r", "Ranges", "3 postings", r, 4);
	size_t rects = 0, dots = 0;
	for (const char *p = buf_cstr(&b); (p = strstr(p, "class=\"chart-")); p++) {
		rects += !strncmp(p, "class=\"chart-range\"", 19);
		dots += !strncmp(p, "class=\"chart-mid\"", 17);
	}
	CHECK(rects == 1 && dots == 3, "ranges: 1 bar, 3 midpoints (got %zu, %zu)", rects, dots);
	CHECK(has(&b, ">$40k</text>") && has(&b, ">$120k</text>"), "ranges: dollar ticks");
	CHECK(!has(&b, "nan") && !has(&b, "inf"), "ranges: no NaN or inf printed");

	buf_release(&b);
	buf_release(&again);
	return test_done();
}
