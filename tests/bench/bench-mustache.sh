#!/bin/sh
# The template engine against mustache.js on the same page (N renders,
# default 100000): both must produce the same bytes; prints both rates and
# the ratio (target: at least 5x).  Env: BENCH_DIR (b_mustache), N.
set -u
cd "$(dirname "$0")/../.."
: "${BENCH_DIR:=$PWD/build/bench}"
: "${N:=100000}"
tmp=$(mktemp -d /tmp/jobsite-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
dir=tests/bench/mustache

c_line=$("$BENCH_DIR/b_mustache" "$dir" "$N" "$tmp/c.html") || {
	echo "b_mustache failed"; exit 1; }
js_line=$(node tests/bench/mustache-js.mjs "$dir" "$N" "$tmp/js.html") || {
	echo "mustache-js.mjs failed"; exit 1; }
if ! cmp -s "$tmp/c.html" "$tmp/js.html"; then
	echo "outputs differ:"
	diff "$tmp/js.html" "$tmp/c.html" | head -20
	exit 1
fi
c_rate=$(echo "$c_line" | sed -E 's/.*: ([0-9]+) renders\/s/\1/')
js_rate=$(echo "$js_line" | sed -E 's/.*: ([0-9]+) renders\/s/\1/')
echo "$c_line"
echo "$js_line"
awk -v c="$c_rate" -v j="$js_rate" 'BEGIN {
	r = c / j
	printf "%-14s %12s %12s %8s\n", "page renders", "jobsite", "mustache.js", "ratio"
	printf "%-14s %12d %12d %7.1fx  (target 5x: %s)\n", "per second", c, j, r, (r >= 5 ? "met" : "MISSED")
}'
echo "outputs identical ($(wc -c <"$tmp/c.html") bytes)"
