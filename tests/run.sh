#!/bin/bash
# Run every test suite and print one closing line "N passed, N failed".
#
# A suite is a unit-test binary in $UNIT_DIR or an executable tests/t-*.sh
# or tests/browser/*.test.mjs.  Each suite prints its own last line
# "N passed, N failed"; a suite that exits non-zero without such a line
# counts as one failure.  TESTS=pattern runs only suites whose name matches.
set -u
cd "$(dirname "$0")/.."
: "${JOBSITE:=$PWD/jobsite}"
: "${UNIT_DIR:=$PWD/build/tests}"
export JOBSITE UNIT_DIR
export SHARED="${SHARED:-$(cd .. && pwd)/shared}"
# Scratch space on tmpfs when it has room (4 GB free): the suites write
# and delete some hundred thousand small files, and ext4 right after
# deletions is slow (tests/bench/PROFILE.md); no suite measures the disk.
if [ -z "${TEST_TMP:-}" ]; then
	scratch=/tmp
	if [ -d /dev/shm ] && [ -w /dev/shm ] &&
	   [ "$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')" -gt 4000000 ] 2>/dev/null; then
		scratch=/dev/shm
	fi
	TEST_TMP=$(mktemp -d "$scratch/jobsite-test.XXXXXX")
	trap 'rm -rf "$TEST_TMP"' EXIT   # only a folder made here is removed
fi
export TEST_TMP

total_pass=0 total_fail=0 failed_suites=""
run_suite() {
	local name=$1; shift
	case "$name" in *${TESTS:-}*) ;; *) return ;; esac
	local log="$TEST_TMP/$(echo "$name" | tr '/' '_').log" start=$SECONDS
	printf '== %s\n' "$name"
	"$@" >"$log" 2>&1
	local rc=$?
	local line
	line=$(grep -E '^([A-Za-z]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
	local p=0 f=0
	if [ -n "$line" ]; then
		p=$(echo "$line" | sed -E 's/^([A-Za-z]+: )?([0-9]+) passed.*/\2/')
		f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	fi
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	if [ "$f" -ne 0 ] || [ $rc -ne 0 ]; then
		tail -40 "$log" | sed 's/^/   | /'
		failed_suites="$failed_suites $name"
	elif [ -n "${VERBOSE:-}" ]; then
		sed 's/^/   | /' "$log"
	fi
	printf '   %s passed, %s failed (%ds)\n' "$p" "$f" $((SECONDS - start))
	total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
}

for t in "$UNIT_DIR"/t_*; do
	[ -x "$t" ] || continue
	run_suite "unit/$(basename "$t")" "$t"
done
for t in tests/t-*.sh; do
	[ -x "$t" ] || continue
	run_suite "$(basename "$t")" "$t"
done
for t in tests/browser/*.test.mjs; do
	[ -f "$t" ] || continue
	run_suite "browser/$(basename "$t")" node "$t"
done

[ -n "$failed_suites" ] && echo "failed suites:$failed_suites"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
