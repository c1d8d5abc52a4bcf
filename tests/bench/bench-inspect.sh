#!/bin/bash
# Ingest throughput: `jobsite inspect --json` over generated postings.
# Target (Ingest issue): 100,000 postings normalized in under 10 s on 2 cores.
set -u
cd "$(dirname "$0")/../.."
: "${JOBSITE:=$PWD/jobsite}"
: "${SHARED:=$(cd .. && pwd)/shared}"
: "${BENCH_CORPUS:=/tmp/jobsite-bench-corpus}"
: "${BENCH_INSPECT_COUNT:=100000}"
n=$BENCH_INSPECT_COUNT
dir="$BENCH_CORPUS/$n"
if [ ! -f "$dir/.done" ]; then
	rm -rf "$dir"
	echo "bench-inspect: generating $n postings (gen-corpus, seed 1)..."
	python3 "$SHARED/tools/gen-corpus" --count "$n" --seed 1 --out "$dir/posts" \
		--labels "$dir/labels.jsonl" --hugo "$dir/hugo" --quiet || exit 1
	touch "$dir/.done"
fi
bytes=$(du -sb "$dir/posts" | cut -f1)
best=""
for run in 1 2 3; do
	/usr/bin/time -f "%e %U %S %M" -o /tmp/jobsite-bench-time "$JOBSITE" inspect --json --quiet "$dir/posts" > /tmp/jobsite-bench-inspect.jsonl
	read -r wall user sys rss < /tmp/jobsite-bench-time
	echo "  run $run: ${wall}s wall, ${user}s user, ${sys}s sys, $((rss / 1024)) MiB peak RSS"
	if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then best=$wall; fi
done
lines=$(wc -l < /tmp/jobsite-bench-inspect.jsonl)
awk -v n="$lines" -v b="$bytes" -v t="$best" 'BEGIN {
	printf "inspect --json: %d postings, %.0f MB in %.2f s (best of 3): %.0f postings/s, %.1f MB/s; target < 10 s: %s\n",
		n, b / 1e6, t, n / t, b / 1e6 / t, (t < 10 ? "met" : "MISSED") }'
