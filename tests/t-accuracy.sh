#!/bin/bash
# Per-field accuracy of `jobsite inspect --json` against gen-corpus labels,
# on two corpora of 2,000 postings generated in the test run (seeds 11, 12).
# Every gated field must reach 99%.
set -u
cd "$(dirname "$0")/.."
: "${TEST_TMP:=$(mktemp -d)}"
: "${ACCURACY_COUNT:=2000}"
: "${ACCURACY_SEEDS:=11 12}"
status=0
for seed in $ACCURACY_SEEDS; do
	dir="$TEST_TMP/acc-$seed"
	rm -rf "$dir"
	python3 "$SHARED/tools/gen-corpus" --count "$ACCURACY_COUNT" --seed "$seed" \
		--out "$dir/posts" --labels "$dir/labels.jsonl" --quiet || exit 1
	"$JOBSITE" inspect --json --quiet "$dir/posts" > "$dir/got.jsonl" || { echo "inspect failed"; status=1; }
	python3 tests/lib/accuracy.py "$dir/labels.jsonl" "$dir/got.jsonl" "seed $seed" || status=1
done
exit $status
