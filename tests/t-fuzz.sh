#!/bin/bash
# Build every libFuzzer target and run each for ${FUZZ_TEST_SECONDS:-10} s,
# one per core at a time, from its seed corpus (tests/fuzz/run.sh): a short
# smoke run, so that a target that no longer builds or crashes on its seeds
# fails `make test`.  Longer runs are `make fuzz`.
set -u
cd "$(dirname "$0")/.."
: "${TEST_TMP:=$(mktemp -d)}"
passed=0 failed=0
ok() { if [ "$2" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi; }

# CI gets clang from tests/deps.sh, so a missing one is a failure, not a pass.
probe="$TEST_TMP/fuzz-probe"
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' > "$probe.c"
if ! clang -fsanitize=fuzzer,address,undefined -o "$probe" "$probe.c" > /dev/null 2>&1; then
	echo "skipped: clang with libFuzzer not installed"
	echo "0 passed, 1 failed"
	exit 1
fi

# The library objects are shared by all targets, so -j pays off.
make --no-print-directory -j"$(nproc 2>/dev/null || echo 2)" fuzz-build > "$TEST_TMP/fuzz-build.log" 2>&1
rc=$?
ok "make fuzz-build" $rc
if [ $rc -ne 0 ]; then
	tail -20 "$TEST_TMP/fuzz-build.log"
	echo "$passed passed, $failed failed"
	exit 1
fi

FUZZ_SECONDS="${FUZZ_TEST_SECONDS:-10}" FUZZ_DIR="$PWD/build/fuzz" tests/fuzz/run.sh > "$TEST_TMP/fuzz-run.log" 2>&1
rc=$?
grep -v -E '^[0-9]+ passed, [0-9]+ failed' "$TEST_TMP/fuzz-run.log"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$TEST_TMP/fuzz-run.log" | tail -1)
if [ -z "$line" ]; then
	ok "tests/fuzz/run.sh reports a count" 1
else
	passed=$((passed + $(echo "$line" | cut -d' ' -f1)))
	failed=$((failed + $(echo "$line" | cut -d' ' -f3)))
	[ $rc -ne 0 ] && [ "$(echo "$line" | cut -d' ' -f3)" -eq 0 ] && ok "tests/fuzz/run.sh exits 0" 1
fi
# every tests/fuzz/fuzz_*.c ran (run.sh skips what is not there)
want=$(ls tests/fuzz/fuzz_*.c | wc -l)
ran=$(grep -cE '^(ok  |FAIL) fuzz_' "$TEST_TMP/fuzz-run.log")
[ "$ran" -eq "$want" ]; ok "all $want targets ran ($ran did)" $?
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
