#!/bin/bash
# Threads change nothing in the output: a 600-posting gen-corpus site built
# with -j 1 (everything in order on one thread), -j 2 and -j 4 (parallel
# reading, the search index beside the pages, files written by a thread
# pool) gives byte-identical folders, search index included, the same
# build-report.json apart from its timing (byte for byte: its warning
# kinds in name order, not in the order the threads met them), and the
# same messages in the same order.  A file the site's static/ overrides
# still ends up with the site's bytes.
set -u
cd "$(dirname "$0")/.."
: "${JOBSITE:=$PWD/jobsite}" "${TEST_TMP:=$(mktemp -d)}"
: "${SHARED:=$(cd .. && pwd)/shared}"
T=$TEST_TMP/threads
rm -rf "$T"; mkdir -p "$T"
. tests/lib/check.sh

python3 "$SHARED/tools/gen-corpus" --count 600 --seed 7 --out "$T/site/content" --quiet
check "gen-corpus wrote 600 postings" test "$(ls "$T/site/content" | wc -l)" -eq 600
printf 'title: Threads Board\nbase_url: https://jobs.example.org/\nbuild_date: 2026-06-01\n' > "$T/site/jobsite.yml"
# the site's own stylesheet replaces the built-in one (written twice)
mkdir -p "$T/site/static"
printf '/* the site stylesheet */\nbody { color: #123456 }\n' > "$T/site/static/site.css"

# report minus the fields that differ between any two runs
strip_report() {
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
r.pop("elapsed_ms", None)
r.pop("output", None)
json.dump(r, sys.stdout, indent=1, sort_keys=True)' "$1"
}

for j in 1 2 4 4; do
	out=$T/j$j
	[ -d "$out" ] && out=$T/j${j}b
	"$JOBSITE" build -s "$T/site" -o "$out/public" -j "$j" > "$out.stdout" 2> "$out.stderr"
	check "build -j $j exits 0" test $? -eq 0
	check "build -j $j report parses" strip_report "$out/build-report.json"
	strip_report "$out/build-report.json" > "$out.report" 2>/dev/null
	# the bytes as written: keys in the order the build writes them
	grep -v '^  "\(elapsed_ms\|output\)":' "$out/build-report.json" > "$out.raw"
	# in file order, whichever thread read the file (walk.c holds them)
	cp "$out.stderr" "$out.msgs"
done

R=$T/j1/public
check "reference has 600 posting pages" test "$(find "$R/jobs" -mindepth 2 -name index.html | wc -l)" -ge 590
check "reference has a search index" test -n "$(find "$R" -path '*search*' -name '*.json' | head -1)"
check "reference has sitemap.xml" test -s "$R/sitemap.xml"
check "site stylesheet wins (-j 1)" cmp "$R/static/site.css" "$T/site/static/site.css"
for o in j2 j4 j4b; do
	check "$o: same files, same bytes as -j 1" diff -r "$R" "$T/$o/public"
	check "$o: same build report" cmp "$T/j1.report" "$T/$o.report"
	check "$o: same build report bytes" cmp "$T/j1.raw" "$T/$o.raw"
	check "$o: same messages, same order" cmp "$T/j1.msgs" "$T/$o.msgs"
	check "$o: site stylesheet wins" cmp "$T/$o/public/static/site.css" "$T/site/static/site.css"
	check "$o: no temporary folder left" test -z "$(ls -d "$T/$o"/public.* 2>/dev/null)"
done
# the summary lines other than the time are the same too
for o in j2 j4; do
	check "$o: same summary" cmp <(sed '1d;/ ms$/d;s/, [0-9]* ms with/, N ms with/' "$T/j1.stdout") <(sed '1d;/ ms$/d;s/, [0-9]* ms with/, N ms with/' "$T/$o.stdout")
done

finish
