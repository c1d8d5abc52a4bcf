#!/bin/bash
# Pay figures and SVG charts (issue #9): a 400-posting gen-corpus site and a
# small hand-made one (names to escape, groups with 0, 1 and 3 postings with
# pay), checked by tests/lib/paycheck.py against figures it computes itself
# from `jobsite inspect --json` of the same files; every SVG well-formed and
# labelled; the chart pages valid HTML; two builds byte-identical.
set -u
cd "$(dirname "$0")/.."
: "${JOBSITE:=$PWD/jobsite}" "${TEST_TMP:=$(mktemp -d)}"
: "${SHARED:=$(cd .. && pwd)/shared}"
T=$TEST_TMP/charts
rm -rf "$T"; mkdir -p "$T"
. tests/lib/check.sh
HV=$PWD/tests/node_modules/.bin/html-validate CONF=$PWD/tests/html-validate.json

# paycheck.py prints FAIL lines and "N passed, N failed"; add its counts.
paycheck() {
	local label=$1 dir=$2
	"$JOBSITE" inspect --json -q "$dir/content" >"$dir/inspect.jsonl" 2>/dev/null
	python3 tests/lib/paycheck.py --inspect "$dir/inspect.jsonl" --report "$dir/build-report.json" \
		--site "$dir/public" >"$dir/paycheck.log" 2>&1
	local rc=$? line
	sed -n 's/^FAIL: /FAIL: '"$label"': /p' "$dir/paycheck.log" | head -20
	grep '^groups checked' "$dir/paycheck.log" | sed "s/^/$label: /"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$dir/paycheck.log" | tail -1)
	if [ -z "$line" ]; then
		no "$label: paycheck.py did not finish"; tail -5 "$dir/paycheck.log"; return
	fi
	pass=$((pass + ${line%% passed*}))
	local f=${line#*passed, }; fail=$((fail + ${f%% failed*}))
	[ $rc -eq 0 ] || [ "${f%% failed*}" -ne 0 ] || no "$label: paycheck.py exit $rc"
}

# 1. The gen-corpus site.
C=$T/corpus
python3 "$SHARED/tools/gen-corpus" --count 400 --seed 7 --out "$C/content/posts" \
	--labels "$C/labels.jsonl" --quiet
check "gen-corpus wrote 400 postings" test "$(ls "$C/content/posts" | wc -l)" -eq 400
printf 'title: Charts corpus\ncontent: content\n' >"$C/jobsite.yml"
"$JOBSITE" build -s "$C" -o "$C/public" >"$C/build.log" 2>&1
check "corpus build exits 0" test $? -eq 0
# paycheck.py rebuilds the groups from inspect output, which has no expiry:
# it holds only while nothing is closed.
check "corpus: no closed postings" grep -qE '\(.* 0 closed\)' "$C/build.log"
paycheck corpus "$C"
check "corpus: home has a chart" has "$C/public/index.html" '<svg'
check "corpus: salary/ compares states" has "$C/public/salary/index.html" 'id="pay-states-t"'
check "corpus: salary/ compares employers" has "$C/public/salary/index.html" 'id="pay-employers-t"'
check "corpus: the page says pay is annualized" has "$C/public/index.html" \
	'Pay by the hour, day, week or month is converted to a year of full-time work'
"$JOBSITE" build -q -s "$C" -o "$T/corpus2/public" >/dev/null 2>&1
check "corpus: two builds byte-identical" diff -r "$C/public" "$T/corpus2/public"
if [ -x "$HV" ]; then
	(cd "$C/public" && "$HV" --config "$CONF" index.html salary/index.html salary/*/index.html \
		states/*/index.html) >"$T/hv.log" 2>&1
	check "corpus: chart pages are valid HTML" test $? -eq 0
else
	no "html-validate not installed (make deps)"
fi

# 2. A small site: an employer whose name needs escaping with 3 postings
# with pay (hourly, "up to", "from"), one with 1 of 2, one with none.
S=$T/small
mkdir -p "$S/content"
post() { # file employer state salary-lines...
	local f=$1 e=$2 st=$3; shift 3
	{ printf -- "---\ntitle: %s\nemployer: '%s'\nstate: %s\ndate: 2024-06-0%s\n" \
		"Job ${f%.md}" "$e" "$st" "${#f}"; for l in "$@"; do echo "$l"; done
	  printf -- "---\nDo the work well.\n"; } >"$S/content/$f"
}
post a1.md "Tom & Jerry''s <Best> \"Pay\"" TX "salary_min: 20" "salary_max: 30" "salary_period: hour"
post a2.md "Tom & Jerry''s <Best> \"Pay\"" TX "salary_max: 90000" "salary_period: year"
post a3.md "Tom & Jerry''s <Best> \"Pay\"" TX "salary_min: 60000" "salary_period: year"
post b1.md "Solo Co" VT "salary_min: 50000" "salary_max: 70000" "salary_period: year"
post b2.md "Solo Co" VT
post c1.md "Nopay Inc" WY
printf 'title: Small\ncontent: content\n' >"$S/jobsite.yml"
"$JOBSITE" build -q -s "$S" -o "$S/public" >"$S/build.log" 2>&1
check "small build exits 0" test $? -eq 0
paycheck small "$S"
E=$(ls -d "$S"/public/employers/tom-* 2>/dev/null | head -1)
check "small: the escaped employer has a page" test -n "$E"
if [ -n "$E" ]; then
	check "small: 3 with pay draw charts" has "$E/index.html" 'id="pay-hist-t"'
	check "small: hourly pay counted, said so" has "$E/index.html" '12 months (1 here)'
	check "small: up to / from counted, said so" has "$E/index.html" 'a figure (2 here)'
	# (20*2080 + 30*2080)/2 = 52000, 60000, 90000 -> median 60,000
	check "small: median of annualized midpoints" has "$E/index.html" '<dd class="pay-median">$60,000</dd>'
fi
SAL=$S/public/salary/index.html
check "small: employer name escaped in the SVG" has "$SAL" 'Tom &amp; Jerry&#39;s &lt;Best&gt; &quot;Pay&quot;'
check "small: no raw name in the SVG" sh -c "! grep -oE '<svg.*</svg>' '$SAL' | grep -qF '<Best>'"
check "small: 1 with pay: no chart" sh -c "! grep -q '<svg' '$S/public/employers/solo/index.html'"
check "small: 1 with pay: says why" has "$S/public/employers/solo/index.html" \
	'No chart: only 1 of these postings states pay, and a chart needs at least 3.'
check "small: 1 with pay: figures shown" has "$S/public/employers/solo/index.html" \
	'<dd class="pay-median">$60,000</dd>'
check "small: none with pay: says so" has "$S/public/employers/nopay/index.html" \
	'This open job does not state pay'

finish
