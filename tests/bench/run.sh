#!/bin/sh
# Run every tests/bench/bench-*.sh (bench-build.sh: cold builds against Hugo,
# bench-inspect.sh, bench-search.sh, ...) in name order with JOBSITE (the binary)
# and BENCH_DIR (the compiled b_* programs, build/bench) in the environment.
# A benchmark prints its own figures; it fails by exiting non-zero.
set -u
cd "$(dirname "$0")/../.."
: "${JOBSITE:=$PWD/jobsite}"
: "${BENCH_DIR:=$PWD/build/bench}"
export JOBSITE BENCH_DIR
fail=0
for b in tests/bench/bench-*.sh; do
	[ -f "$b" ] || continue
	echo "== $(basename "$b")"
	if ! sh "$b"; then
		echo "FAIL $(basename "$b")"
		fail=$((fail + 1))
	fi
done
[ "$fail" -eq 0 ]
