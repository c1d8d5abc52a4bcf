#!/usr/bin/env python3
"""paycheck.py - the pay figures and charts of a built site against figures
computed here, independently, from `jobsite inspect --json` of the same files.

  paycheck.py --inspect postings.jsonl --report build-report.json --site public/

The site's groups are rebuilt from the inspect records (employer_slug, state,
workplace, band by midpoint), its figures from annual_min/annual_max with the
method paystats.h defines (numpy's default "linear" percentile), and compared
with the numbers printed in each page's pay section and in the <desc> of its
SVG charts.  Every <svg> of every page must be well-formed XML (xmllint),
role="img", labelled by its own <title> and <desc>, with the hidden data
table right after it holding one row per mark.  Prints FAIL lines and a last
line "N passed, N failed".
"""
import argparse
import html
import json
import math
import os
import re
import subprocess
import sys
import tempfile

EDGES = [50000, 75000, 100000, 150000, 200000]
BAND_SLUGS = ["under-50k", "50k-75k", "75k-100k", "100k-150k", "150k-200k", "200k-plus"]
MIN_CHART = 3
STATE_NAMES = {}
for _pair in ("AK Alaska|AL Alabama|AR Arkansas|AS American Samoa|AZ Arizona|CA California|"
              "CO Colorado|CT Connecticut|DC District of Columbia|DE Delaware|FL Florida|GA Georgia|"
              "GU Guam|HI Hawaii|IA Iowa|ID Idaho|IL Illinois|IN Indiana|KS Kansas|KY Kentucky|"
              "LA Louisiana|MA Massachusetts|MD Maryland|ME Maine|MI Michigan|MN Minnesota|MO Missouri|"
              "MP Northern Mariana Islands|MS Mississippi|MT Montana|NC North Carolina|ND North Dakota|"
              "NE Nebraska|NH New Hampshire|NJ New Jersey|NM New Mexico|NV Nevada|NY New York|OH Ohio|"
              "OK Oklahoma|OR Oregon|PA Pennsylvania|PR Puerto Rico|RI Rhode Island|SC South Carolina|"
              "SD South Dakota|TN Tennessee|TX Texas|UT Utah|VA Virginia|VI U.S. Virgin Islands|"
              "VT Vermont|WA Washington|WI Wisconsin|WV West Virginia|WY Wyoming").split("|"):
    STATE_NAMES[_pair[:2]] = _pair[3:]
STATES = set(STATE_NAMES)

passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)
    return cond


def midpoint(r):
    lo, hi = r.get("annual_min"), r.get("annual_max")
    if lo is not None and hi is not None:
        return (lo + hi) / 2
    return lo if lo is not None else hi


def quantile(xs, q):
    """numpy.percentile(xs, 100*q), method "linear" (Hyndman & Fan 7)."""
    h = (len(xs) - 1) * q
    k = math.floor(h)
    if k + 1 >= len(xs):
        return xs[-1]
    return xs[k] + (h - k) * (xs[k + 1] - xs[k])


def money(v):
    """Whole dollars, halves up, thousands separators: 112500.5 -> $112,501."""
    return "${:,}".format(int(math.floor(v + 0.5)))


def figures(records):
    mids = sorted(m for m in (midpoint(r) for r in records) if m is not None)
    f = {"n": len(records), "n_pay": len(mids), "mids": mids}
    if mids:
        for k, q in (("min", 0), ("p25", .25), ("median", .5), ("p75", .75), ("max", 1)):
            f[k] = money(quantile(mids, q))
    return f


def band_of(m):
    i = 0
    while i < len(EDGES) and m >= EDGES[i]:
        i += 1
    return i


def read(path):
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def pay_section(page):
    m = re.search(r'<section class="pay" aria-labelledby="pay-h">(.*?)</section>', page, re.S)
    return m.group(1) if m else None


def desc_of(page, chart_id):
    m = re.search(r'<desc id="%s-d">(.*?)</desc>' % chart_id, page, re.S)
    return html.unescape(m.group(1)) if m else None


def check_group(page, f, where, want_hist, want_ranges):
    """The pay section of one page against the figures f."""
    sec = pay_section(page)
    if not check(sec is not None, f"{where}: has a pay section"):
        return
    if f["n_pay"] == 0:
        check("<svg" not in sec, f"{where}: no chart without pay")
        check(re.search(r"(None of these %d open jobs|This open job does not) state pay" % f["n"], sec),
              f"{where}: says no job states pay")
        return
    m = re.search(r'<span class="pay-n">(\d+)</span> of (\d+) open jobs state pay', sec)
    check(m and (int(m.group(1)), int(m.group(2))) == (f["n_pay"], f["n"]),
          f"{where}: {f['n_pay']} of {f['n']} state pay (page: {m and m.groups()})")
    for k in ("median", "p25", "p75", "min", "max"):
        got = re.search(r'<dd class="pay-%s">([^<]*)</dd>' % k, sec)
        check(got and got.group(1) == f[k], f"{where}: {k} {f[k]} (page: {got and got.group(1)})")
    if f["n_pay"] < MIN_CHART:
        check("<svg" not in sec, f"{where}: no chart with {f['n_pay']} postings with pay")
        check(re.search(r"No chart: only %d of these postings states? pay, and a chart needs at least 3"
                        % f["n_pay"], sec), f"{where}: says why there is no chart")
        return
    d = desc_of(sec, "pay-hist")
    if want_hist:
        if check(d is not None, f"{where}: histogram"):
            check(f"the {f['n_pay']} postings that state it" in d, f"{where}: histogram desc n_pay")
            words = "Median %s; 25th percentile %s; 75th percentile %s; lowest %s; highest %s." % (
                f["median"], f["p25"], f["p75"], f["min"], f["max"])
            check(words in d, f"{where}: histogram desc figures: want '{words}' in '{d}'")
            bins = [0] * (len(EDGES) + 1)
            for m in f["mids"]:
                bins[band_of(m)] += 1
            got = [int(x) for x in re.findall(r"(?:Under \$50k|\$[\dk]+ – \$[\dk]+|\$200k and up) (\d+)", d)]
            check(got == bins, f"{where}: histogram bins {bins} (desc: {got})")
    else:
        check(d is None, f"{where}: no histogram")
    d = desc_of(sec, "pay-ranges")
    if want_ranges and f["n_pay"] <= 50:
        if check(d is not None, f"{where}: range plot"):
            check(f"each of the {f['n_pay']} postings" in d, f"{where}: range desc n_pay")
            words = "Midpoints from %s to %s, median %s." % (f["min"], f["max"], f["median"])
            check(words in d, f"{where}: range desc figures: want '{words}' in '{d}'")
    else:
        check(d is None, f"{where}: no range plot with {f['n_pay']} postings with pay")


def check_svgs(site):
    """Every <svg> of every page: well-formed, labelled, with its data table."""
    svgs = []
    for d, _, fs in os.walk(site):
        for name in fs:
            if not name.endswith(".html"):
                continue
            path = os.path.join(d, name)
            page = read(path)
            for m in re.finditer(r"<svg\b.*?</svg>", page, re.S):
                svgs.append((os.path.relpath(path, site), m.group(0), page[m.end():m.end() + 200000]))
    check(len(svgs) > 0, "the site has charts")
    tmp = tempfile.mkdtemp(prefix="paycheck-")
    files = []
    bad = []
    for i, (where, svg, after) in enumerate(svgs):
        f = os.path.join(tmp, "%05d.svg" % i)
        with open(f, "w", encoding="utf-8") as fh:
            fh.write(svg)
        files.append(f)
        head = svg[:svg.index(">") + 1]
        ident = re.search(r'aria-labelledby="([\w-]+)-t \1-d"', head)
        ok = ('role="img"' in head and ident is not None and "viewBox=" in head
              and not re.search(r'\swidth="\d', head) and " style=" not in svg and "<style" not in svg)
        if ok:
            ok = (re.search(r'<title id="%s-t">[^<]+</title>' % ident.group(1), svg) is not None and
                  re.search(r'<desc id="%s-d">[^<]+</desc>' % ident.group(1), svg) is not None)
        table = re.match(r'\s*<div class="visually-hidden">\s*<table>(.*?)</table>', after, re.S)
        if ok and table:
            rows = len(re.findall(r'<tr><th scope="row">', table.group(1)))
            marks = len(re.findall(r'class="chart-(?:bar|mid)"', svg))
            ok = rows == marks and rows > 0
        else:
            ok = False
        if not ok:
            bad.append(where)
    check(not bad, "every svg: role=img, own <title> and <desc>, viewBox, no fixed width or style, "
          "hidden table with one row per mark: %d bad (%s)" % (len(bad), bad[:3]))
    r = subprocess.run(["xmllint", "--noout"] + files, capture_output=True, text=True)
    check(r.returncode == 0, "every svg well-formed (xmllint): " + r.stderr[:500])
    for f in files:
        os.unlink(f)
    os.rmdir(tmp)
    return len(svgs), sum(len(s) for _, s, _ in svgs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--inspect", required=True)
    ap.add_argument("--report", required=True)
    ap.add_argument("--site", required=True)
    a = ap.parse_args()
    records = [json.loads(line) for line in open(a.inspect, encoding="utf-8") if line.strip()]
    report = json.load(open(a.report, encoding="utf-8"))
    dups = {p["source"] for p in report.get("postings_with_warnings", [])
            if any(w["kind"] == "duplicate posting" for w in p["warnings"])}
    srcs = {os.path.normpath(r["source"]) for r in records}
    check(all(os.path.normpath(d) in srcs for d in dups), "duplicates are inspect records")
    recs = [r for r in records if os.path.normpath(r["source"]) not in {os.path.normpath(d) for d in dups}]
    site = a.site

    # The whole board: home and salary/.
    board = figures(recs)
    check_group(read(os.path.join(site, "index.html")), board, "home", True, False)
    check_group(read(os.path.join(site, "salary/index.html")), board, "salary/", True, False)

    # Workplace split on the home page: the Median row, one column per workplace.
    home = pay_section(read(os.path.join(site, "index.html"))) or ""
    want = [(name, figures([r for r in recs if r["workplace"] == wp]))
            for wp, name in (("remote", "Remote"), ("hybrid", "Hybrid"), ("onsite", "On-site"))]
    want = [(n, f) for n, f in want if f["n_pay"] >= MIN_CHART]
    head = re.findall(r'<th scope="col">([^<]*)</th>', home.split("pay-table", 1)[-1].split("</thead>")[0]) \
        if "pay-table" in home else []
    check(head == [n for n, _ in want], f"home: workplace columns {[n for n, _ in want]} (page: {head})")
    for label, key in (("Median", "median"), ("25th percentile", "p25"), ("75th percentile", "p75"),
                       ("Lowest", "min"), ("Highest", "max")):
        row = re.search(r'<tr><th scope="row">%s</th>(.*?)</tr>' % label, home)
        cells = re.findall(r"<td>([^<]*)</td>", row.group(1)) if row else []
        check(cells == [f[key] for _, f in want], f"home: workplace {label} row {cells}")

    # Groups.
    groups = {}
    for r in recs:
        if r.get("employer") and r.get("employer_slug"):
            groups.setdefault(("employers", r["employer_slug"]), []).append(r)
        st = r.get("state")
        if st in STATES:
            groups.setdefault(("states", st.lower()), []).append(r)
        if r.get("workplace") == "remote":
            groups.setdefault(("states", "remote"), []).append(r)
        elif st not in STATES:
            groups.setdefault(("states", "none"), []).append(r)
        m = midpoint(r)
        groups.setdefault(("salary", BAND_SLUGS[band_of(m)] if m is not None else "not-disclosed"), []).append(r)
    counts = {"employers": 0, "states": 0, "salary": 0, "few": 0, "none": 0}
    for (sec, slug), rs in sorted(groups.items()):
        path = os.path.join(site, sec, slug, "index.html")
        if not check(os.path.exists(path), f"page {sec}/{slug}/ exists"):
            continue
        f = figures(rs)
        check_group(read(path), f, f"{sec}/{slug}/", sec != "salary", True)
        counts[sec] += 1
        counts["few"] += 0 < f["n_pay"] < MIN_CHART
        counts["none"] += f["n_pay"] == 0
        # Page 2 and on carry the same figures.
        p2 = os.path.join(site, sec, slug, "page/2/index.html")
        if os.path.exists(p2):
            check_group(read(p2), f, f"{sec}/{slug}/page/2/", sec != "salary", True)

    # salary/: states by median, the largest employers.
    sal = read(os.path.join(site, "salary/index.html"))
    names = {}
    for r in recs:
        if r.get("employer") and r.get("employer_slug"):
            names.setdefault(r["employer_slug"], r["employer"])
    st = []
    for (sec, slug), rs in groups.items():
        if sec == "states" and slug.upper() in STATES:
            f = figures(rs)
            if f["n_pay"] >= MIN_CHART:
                st.append((slug, f))
    d = desc_of(sal, "pay-states") or ""
    got = [(n, m, int(c)) for n, m, c in re.findall(r"(?:: |; )([^;:]+?) (\$[\d,]+) \((\d+) postings?\)", d)]
    st.sort(key=lambda x: (-quantile(x[1]["mids"], .5), STATE_NAMES[x[0].upper()].lower()))
    want = [(STATE_NAMES[c.upper()], f["median"], f["n_pay"]) for c, f in st]
    check(want == got, f"salary/: {len(want)} states with >= 3 with pay, by median: want {want[:3]}..., "
          f"got {got[:3]}... ({len(got)})")
    emp = [(names[slug], figures(rs)) for (sec, slug), rs in groups.items() if sec == "employers"]
    emp.sort(key=lambda x: (-x[1]["n_pay"], x[0].lower()))
    top = [e for e in emp[:10] if e[1]["n_pay"] >= MIN_CHART]
    top.sort(key=lambda x: (-quantile(x[1]["mids"], .5), x[0].lower()))
    want = [(n, f["median"], f["n_pay"]) for n, f in top]
    d = desc_of(sal, "pay-employers") or ""
    got = [(n, m, int(c)) for n, m, c in re.findall(r"(?:: |; )(.+?) (\$[\d,]+) \((\d+) postings?\)", d)]
    check(want == got, f"salary/: top {len(want)} employers by postings with pay, by median: want {want[:3]}..., "
          f"got {got[:3]}...")

    nsvg, nbytes = check_svgs(site)
    print(f"groups checked: {counts['employers']} employers, {counts['states']} states, "
          f"{counts['salary']} bands; {counts['few']} with 1-2 postings with pay, {counts['none']} with none; "
          f"{nsvg} charts, {nbytes} bytes of SVG")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
