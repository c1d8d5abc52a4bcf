#!/bin/bash
# jobsite build on the sample postings: every page kind, key content, links,
# HTML validity, JSON-LD, feeds and sitemaps against their schemas,
# reproducibility, and atomic output on a failed build.
set -u
cd "$(dirname "$0")/.."
: "${JOBSITE:=$PWD/jobsite}" "${TEST_TMP:=$(mktemp -d)}"
T=$TEST_TMP/site
rm -rf "$T"; mkdir -p "$T"
. tests/lib/check.sh
BASE=https://jobs.example.org/
HV=tests/node_modules/.bin/html-validate

"$JOBSITE" build -s . -o "$T/a/public" --base-url "$BASE" --quiet >"$T/build.log" 2>&1
check "build exits 0" test $? -eq 0
P=$T/a/public
for f in index.html jobs/index.html employers/index.html states/index.html salary/index.html \
	search/index.html 404.html feed.xml sitemap.xml robots.txt static/site.css; do
	check "page $f exists" test -s "$P/$f"
done
check "5 posting pages" test "$(find "$P/jobs" -mindepth 2 -name index.html | wc -l)" -eq 5
check "a state page" test -n "$(find "$P/states" -mindepth 2 -name index.html | head -1)"
check "a salary band page" test -n "$(find "$P/salary" -mindepth 2 -name index.html | head -1)"
check "report beside the output" test -s "$T/a/build-report.json"
check "report not inside" test ! -e "$P/build-report.json"
check "report parses" python3 -c "import json,sys; r=json.load(open(sys.argv[1])); assert r['postings']==5 and r['ok']" "$T/a/build-report.json"

# Home: search form to search/, links to every index.
H=$P/index.html
check "home search form" has "$H" 'action="search/index.html" method="get"'
check "home search input q" has "$H" 'name="q"'
for l in jobs/index.html employers/index.html states/index.html salary/index.html; do
	check "home links $l" has "$H" "href=\"$l\""
done
check "CSP meta" has "$H" "Content-Security-Policy"
check "canonical absolute" has "$H" "<link rel=\"canonical\" href=\"$BASE\">"
check "no style attributes" sh -c "! grep -rl ' style=' '$P' --include=*.html"
check "no inline script" sh -c "! grep -rhoE '<script( [^>]*)?>' '$P' --include=*.html | grep -v 'application/ld+json' | grep -v ' src=\"'"
check "robots.txt names the sitemap" has "$P/robots.txt" "Sitemap: ${BASE}sitemap.xml"

# The Sidecar Health posting (needs the real ingest for its fields).
S=$(grep -l "Provider Network Development Manager" "$P"/jobs/*/index.html | head -1)
check "sidecar page exists" test -n "$S"
if [ -n "$S" ]; then
	check "sidecar salary" has "$S" '$125,000 – $140,000 a year'
	check "sidecar links its state" has "$S" 'href="../../states/fl/index.html"'
	check "sidecar links its employer" has "$S" 'href="../../employers/sidecar-health/index.html"'
	check "sidecar JSON-LD" has "$S" 'application/ld+json'
fi

# Every internal link resolves, none is absolute, every page is reachable.
check "link check" python3 tests/linkcheck.py "$P" "$BASE"

# Every page is valid HTML.
if [ -x "$HV" ]; then
	find "$P" -name '*.html' -print0 | xargs -0 "$HV" --config tests/html-validate.json >"$T/hv.log" 2>&1
	check "html-validate: 0 errors" test $? -eq 0
	# ... and the validator does fail on what we forbid.
	printf '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p style="color:red">x</p></body></html>' >"$T/bad.html"
	check "html-validate rejects style=" sh -c "! '$HV' --config tests/html-validate.json '$T/bad.html'"
else
	no "html-validate not installed (make deps)"
fi

# JSON-LD blocks parse, carry Google's required properties, cannot close </script>.
check "JSON-LD valid" python3 - "$P" <<'PY'
import json, os, re, sys
n = 0
for d, _, fs in os.walk(sys.argv[1]):
    for f in fs:
        if not f.endswith(".html"):
            continue
        html = open(os.path.join(d, f), encoding="utf-8").read()
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
            assert "<" not in block and ">" not in block, f
            j = json.loads(block)
            assert j["@type"] == "JobPosting"
            for k in ("title", "description", "datePosted", "hiringOrganization"):
                assert j.get(k), (f, k)
            assert j.get("jobLocation") or (j.get("jobLocationType") == "TELECOMMUTE" and j.get("applicantLocationRequirements")), f
            assert "jobs/" in os.path.relpath(os.path.join(d, f), sys.argv[1]), "JSON-LD on a list page"
            n += 1
print(n, "JSON-LD blocks")
PY

# Feeds and sitemaps: well-formed and valid.
for f in $(cd "$P" && find . -name feed.xml); do
	check "feed $f valid" xmllint --noout --relaxng tests/schemas/atom.rng "$P/$f"
done
check "sitemap valid" xmllint --noout --schema tests/schemas/sitemap.xsd "$P/sitemap.xml"

# A sitemap index once there are more URLs than fit in one file.
printf 'sitemap_max_urls: 4\nbase_url: %s\n' "$BASE" >"$T/small.yml"
"$JOBSITE" build -s . -c "$T/small.yml" -o "$T/idx/public" --quiet >/dev/null 2>&1
check "sitemap index build" test $? -eq 0
check "sitemap index valid" xmllint --noout --schema tests/schemas/siteindex.xsd "$T/idx/public/sitemap.xml"
check "sitemap parts valid" xmllint --noout --schema tests/schemas/sitemap.xsd "$T/idx/public/sitemap-1.xml"

# Without base_url: no canonical, no og:url, no sitemap, robots without Sitemap:.
"$JOBSITE" build -s . -c /dev/null -o "$T/nobase/public" --quiet >/dev/null 2>&1
check "build without base_url" test $? -eq 0
check "no canonical without base_url" sh -c "! grep -rl 'rel=\"canonical\"\|og:url' '$T/nobase/public'"
check "no sitemap without base_url" test ! -e "$T/nobase/public/sitemap.xml"
check "robots without Sitemap:" sh -c "! grep -q Sitemap: '$T/nobase/public/robots.txt'"
check "feed valid without base_url" xmllint --noout --relaxng tests/schemas/atom.rng "$T/nobase/public/feed.xml"

# Same input, same bytes.
"$JOBSITE" build -s . -o "$T/b/public" --base-url "$BASE" --quiet >/dev/null 2>&1
check "two builds byte-identical" diff -r "$P" "$T/b/public"

# A broken template (a site override) fails with file:line:col and leaves
# the previous output untouched; no stale temporary folder remains.
mkdir -p "$T/bad/templates"
cp -r content "$T/bad/"
printf '{{<base}}{{$main}}<p>{{#job}}unclosed</p>{{/main}}{{/base}}\n' >"$T/bad/templates/posting.mustache"
cp -r "$P" "$T/before"
"$JOBSITE" build -s "$T/bad" -o "$P" --base-url "$BASE" >"$T/bad.log" 2>&1
check "broken template exits 1" test $? -eq 1
check "error names file:line:col" grep -qE 'posting\.mustache:[0-9]+:[0-9]+:' "$T/bad.log"
check "previous output untouched" diff -r "$T/before" "$P"
check "no temporary folder left" sh -c "! ls -d '$T/a/public.'* 2>/dev/null"

# A stale file from an earlier build does not survive a rebuild.
echo stale >"$P/stale.html"
"$JOBSITE" build -s . -o "$P" --base-url "$BASE" --quiet >/dev/null 2>&1
check "rebuild exits 0" test $? -eq 0
check "stale file gone" test ! -e "$P/stale.html"

# Unknown config keys warn with file:line.
printf 'title: T\nbogus_key: 1\n' >"$T/unk.yml"
"$JOBSITE" build -s . -c "$T/unk.yml" -o "$T/unk/public" >"$T/unk.log" 2>&1
check "unknown key warns with file:line" grep -qF "$T/unk.yml:2:1: warning: unknown key 'bogus_key'" "$T/unk.log"

finish
