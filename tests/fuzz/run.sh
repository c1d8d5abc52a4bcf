#!/bin/sh
# Run every libFuzzer binary $FUZZ_DIR/fuzz_* for $FUZZ_SECONDS seconds.
#
# Each target starts from a copy of its seed corpus tests/fuzz/corpus/<name>/
# in a scratch directory (new inputs never land in the repository) and uses
# the dictionary tests/fuzz/<name>.dict if there is one.  A target passes
# when it finds nothing; what it finds is kept in $FUZZ_DIR/artifacts/<name>/.
# Prints one line per target and "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
: "${FUZZ_DIR:=$PWD/build/fuzz}"
: "${FUZZ_SECONDS:=60}"
scratch=$(mktemp -d /tmp/jobsite-fuzz.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

pass=0 fail=0
for bin in "$FUZZ_DIR"/fuzz_*; do
	[ -f "$bin" ] && [ -x "$bin" ] || continue
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
		pass=$((pass + 1))
		echo "ok   $name: ${runs:-?} runs in ${FUZZ_SECONDS}s, nothing found"
	else
		fail=$((fail + 1))
		echo "FAIL $name: exit $rc, inputs kept in $found"
		grep -E 'ERROR|SUMMARY|==[0-9]+==|runtime error' "$log" | head -20 |
			sed 's/^/   | /'
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
