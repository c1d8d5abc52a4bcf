#!/bin/bash
# The floor under issue #7's cold targets: b_floor reads, parses once with
# libxml2 or cmark and writes one page per posting, nothing else, on one
# thread; it prints what that alone costs on two cores.  Run on the same
# disk as bench-build.sh's outputs, after it (it uses its corpora).
set -u
cd "$(dirname "$0")/../.."
: "${BENCH_DIR:=$PWD/build/bench}"
: "${BENCH_CORPUS:=/tmp/jobsite-bench-corpus}"
: "${BENCH_FLOOR_COUNT:=100000}"
dir="$BENCH_CORPUS/$BENCH_FLOOR_COUNT/posts"
if [ ! -d "$dir" ]; then
	echo "bench-floor: no corpus in $dir (bench-build.sh makes it); skipped"
	exit 0
fi
work=$(mktemp -d /tmp/jobsite-bench-floor.XXXXXX)
trap 'rm -rf "$work"' EXIT
# three runs, each into a new folder: deleting a run's output before the
# next would make ext4 scan the freed inodes for every file created
for run in 1 2 3; do
	sync
	echo "run $run:"
	"$BENCH_DIR/b_floor" "$dir" "$work/out$run" || exit 1
done
