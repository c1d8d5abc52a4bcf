# check.sh - the counting harness of the shell suites (source it).
#   check WHAT CMD...   CMD succeeds (its output hidden), else "FAIL: WHAT"
#   has FILE TEXT       FILE holds TEXT (fixed string)
#   ok / no WHAT        count a pass / a failure by hand
#   finish              print "N passed, N failed"; exit status 1 on failures
pass=0 fail=0
ok() { pass=$((pass + 1)); }
no() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { local what=$1; shift; if "$@" >/dev/null 2>&1; then ok; else no "$what"; fi; }
has() { grep -qF -- "$2" "$1"; }
finish() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; }
