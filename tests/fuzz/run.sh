#!/bin/sh
# Run every libFuzzer binary $FUZZ_DIR/fuzz_* for $FUZZ_SECONDS seconds,
# $FUZZ_JOBS of them at a time (default: one per core; each target is one
# process on one core).
#
# Each target starts from a copy of its seed corpus tests/fuzz/corpus/<name>/
# in a scratch directory (new inputs never land in the repository) and uses
# the dictionary tests/fuzz/<name>.dict if there is one.  A target passes
# when it finds nothing; what it finds is kept in $FUZZ_DIR/artifacts/<name>/.
# Prints one line per target, in name order, and "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
: "${FUZZ_DIR:=$PWD/build/fuzz}"
: "${FUZZ_SECONDS:=60}"
: "${FUZZ_JOBS:=$(nproc 2>/dev/null || echo 1)}"
scratch=$(mktemp -d /tmp/jobsite-fuzz.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

# One target: its line (and what it found) into $scratch/<name>.out, its
# verdict into $scratch/<name>.ok (0 or 1).
run_one() {
	bin=$1
	name=$(basename "$bin")
	corpus="$scratch/$name/corpus"
	found="$FUZZ_DIR/artifacts/$name"
	mkdir -p "$corpus" "$found"
	if [ -d "tests/fuzz/corpus/$name" ]; then
		cp -R "tests/fuzz/corpus/$name/." "$corpus/"
	fi
	set -- -max_total_time="$FUZZ_SECONDS" -timeout=25 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$found/"
	[ -f "tests/fuzz/$name.dict" ] && set -- "$@" -dict="tests/fuzz/$name.dict"
	log="$scratch/$name.log"
	before=$(ls "$found" | wc -l)
	"$bin" "$@" "$corpus" >"$log" 2>&1
	rc=$?
	after=$(ls "$found" | wc -l)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	if [ $rc -eq 0 ] && [ "$after" -eq "$before" ]; then
		echo 0 > "$scratch/$name.ok"
		echo "ok   $name: ${runs:-?} runs in ${FUZZ_SECONDS}s, nothing found" > "$scratch/$name.out"
	else
		echo 1 > "$scratch/$name.ok"
		{
			echo "FAIL $name: exit $rc, inputs kept in $found"
			grep -E 'ERROR|SUMMARY|==[0-9]+==|runtime error' "$log" | head -20 |
				sed 's/^/   | /'
		} > "$scratch/$name.out"
	fi
}

# Target k goes to lane k mod FUZZ_JOBS; each lane runs its targets in turn.
lane=0
while [ "$lane" -lt "$FUZZ_JOBS" ]; do
	(
		k=0
		for bin in "$FUZZ_DIR"/fuzz_*; do
			[ -f "$bin" ] && [ -x "$bin" ] || continue
			[ $((k % FUZZ_JOBS)) -eq "$lane" ] && run_one "$bin"
			k=$((k + 1))
		done
	) &
	lane=$((lane + 1))
done
wait

pass=0 fail=0
for bin in "$FUZZ_DIR"/fuzz_*; do
	[ -f "$bin" ] && [ -x "$bin" ] || continue
	name=$(basename "$bin")
	if [ "$(cat "$scratch/$name.ok" 2>/dev/null)" = 0 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		[ -f "$scratch/$name.out" ] || echo "FAIL $name: did not run" > "$scratch/$name.out"
	fi
	cat "$scratch/$name.out"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
