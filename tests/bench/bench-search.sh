#!/bin/bash
# Search at 100,000 postings: bytes to the first results, keystroke-to-results
# time, bytes for adding a state facet and index size, next to Pagefind over
# the same pages.  Targets (search issue): first results within 60 KB and
# 100 ms, a state facet under 30 KB, index under 150 B/posting gzipped.
#
# The site is `jobsite build` when the binary has that command; until then
# the index comes from build/bench/b_search_index (postings from the
# generator's ground-truth labels) with plain pages for Pagefind.
set -u
cd "$(dirname "$0")/../.."
: "${JOBSITE:=$PWD/jobsite}"
: "${SHARED:=$(cd .. && pwd)/shared}"
: "${BENCH_DIR:=$PWD/build/bench}"
: "${BENCH_CORPUS:=/tmp/jobsite-bench-corpus}"
: "${BENCH_SEARCH_COUNT:=100000}"
n=$BENCH_SEARCH_COUNT
dir="$BENCH_CORPUS/$n"
if [ ! -f "$dir/.done" ]; then
	rm -rf "$dir"
	echo "bench-search: generating $n postings (gen-corpus, seed 1)..."
	python3 "$SHARED/tools/gen-corpus" --count "$n" --seed 1 --out "$dir/posts" \
		--labels "$dir/labels.jsonl" --hugo "$dir/hugo" --quiet || exit 1
	touch "$dir/.done"
fi
site="$dir/search-site"
rm -rf "$site"
if "$JOBSITE" build --help >/dev/null 2>&1; then
	echo "bench-search: jobsite build -o $site $dir/posts"
	/usr/bin/time -f "  build: %e s, %M KB peak RSS" "$JOBSITE" build -o "$site" "$dir/posts" >/dev/null || exit 1
else
	echo "bench-search: no 'jobsite build' yet: index from labels (b_search_index)"
	"$BENCH_DIR/b_search_index" "$dir/posts" "$dir/labels.jsonl" "$site" --pages || exit 1
	mkdir -p "$site/static" && cp static/search.js static/search.css "$site/static/"
fi
echo "bench-search: pagefind --site (offline binary from tests/node_modules)"
/usr/bin/time -f "  pagefind: %e s, %M KB peak RSS" tests/node_modules/.bin/pagefind --site "$site" \
	--output-subdir pagefind >/dev/null || echo "  pagefind failed: comparison left out"
node tests/bench/bench-search.mjs "$site" "$n"
