#!/bin/bash
# Markdown the two ways markdown.c can take (the tree built from cmark's,
# or cmark's HTML parsed again): the same bytes, text and report for every
# posting of a generated corpus (2000, gen-corpus seed 5), as Markdown
# whatever its format: t_sanitize with JOBSITE_MD_CORPUS, which also runs
# its own cases, the seeds and the 6,600 payloads.
set -u
cd "$(dirname "$0")/.."
: "${SHARED:=$(cd .. && pwd)/shared}"
: "${UNIT_DIR:=$PWD/build/tests}"
: "${TEST_TMP:=$(mktemp -d)}"
work="$TEST_TMP/markdown-corpus"
rm -rf "$work"
if ! python3 "$SHARED/tools/gen-corpus" --count 2000 --seed 5 --out "$work/c" --quiet; then
	echo "gen-corpus failed"; echo "0 passed, 1 failed"; exit 1
fi
SHARED=$SHARED JOBSITE_MD_CORPUS="$work/c" exec "$UNIT_DIR/t_sanitize"
