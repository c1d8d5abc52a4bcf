#!/bin/bash
# The command line: help, version, exit codes, `jobsite new` -> build -> check
# --strict, and a man page that covers every command and option.
set -u
cd "$(dirname "$0")/.."
: "${TEST_TMP:=$(mktemp -d)}"
passed=0 failed=0
ok() { if [ "$2" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi; }

"$JOBSITE" --help > "$TEST_TMP/help.txt"; ok "--help exits 0" $?
"$JOBSITE" --version | grep -qE '^jobsite [0-9]+\.[0-9]+'; ok "--version" $?
"$JOBSITE" nosuchcommand 2>/dev/null; ok "unknown command exits 2" $([ $? -eq 2 ] && echo 0 || echo 1)
"$JOBSITE" 2>/dev/null; ok "no command exits 2" $([ $? -eq 2 ] && echo 0 || echo 1)
"$JOBSITE" build --no-such-option 2>/dev/null; ok "bad option exits 2" $([ $? -eq 2 ] && echo 0 || echo 1)

commands=$(sed -n '/^commands:/,$p' "$TEST_TMP/help.txt" | awk 'NF {print $1}' | grep -v commands:)
for c in $commands; do
	"$JOBSITE" "$c" --help > "$TEST_TMP/h-$c.txt" 2>&1; ok "$c --help exits 0" $?
	"$JOBSITE" help "$c" | cmp -s - "$TEST_TMP/h-$c.txt"; ok "help $c shows its help" $?
	grep -q "^\.BR $c\b\|^\.B $c\b\|^\.BR help\b" doc/jobsite.1 || grep -q "^\.BR $c " doc/jobsite.1
	ok "man page covers '$c'" $?
	for opt in $(grep -oE -- '--[a-z][a-z-]+' "$TEST_TMP/h-$c.txt" | sort -u); do
		[ "$opt" = "--help" ] && continue
		man_opt=$(echo "$opt" | sed 's/-/\\\\-/g')
		grep -q -- "$man_opt\|$opt" doc/jobsite.1; ok "man page has $c $opt" $?
	done
done

site="$TEST_TMP/newsite"
rm -rf "$site"
"$JOBSITE" new "$site" > /dev/null; ok "jobsite new" $?
"$JOBSITE" new "$site" 2>/dev/null; ok "jobsite new refuses an existing site" $([ $? -eq 1 ] && echo 0 || echo 1)
"$JOBSITE" build -s "$site" --strict > "$TEST_TMP/new-build.txt" 2>&1; ok "the new site builds with --strict" $?
grep -qE 'warnings +0' "$TEST_TMP/new-build.txt"; ok "with no warning" $?
"$JOBSITE" check --strict "$site/content" > /dev/null; ok "check --strict passes on it" $?
printf -- '---\ntitle: x\n---\nno employer\n' > "$site/content/bad.md"
"$JOBSITE" check --strict "$site/content" > "$TEST_TMP/check.txt"; ok "check --strict fails on warnings" $([ $? -eq 1 ] && echo 0 || echo 1)
grep -qE 'bad\.md(:[0-9]+)?: warning: no employer found' "$TEST_TMP/check.txt"; ok "check prints file: warning:" $?

# a duplicate is reported, and listed with its warning in the build report
rm -f "$site/content/bad.md"
first=$(ls "$site/content" | head -1)
cp "$site/content/$first" "$site/content/zz-copy-$first"
"$JOBSITE" build -s "$site" > "$TEST_TMP/dup-build.txt" 2>&1; ok "a site with a duplicate builds" $?
grep -q "zz-copy-$first: warning: duplicate of" "$TEST_TMP/dup-build.txt"; ok "the duplicate is reported" $?
python3 - "$site/build-report.json" "zz-copy-$first" <<'PY'; ok "the report lists it with its warning" $?
import json, sys
r = json.load(open(sys.argv[1]))
hit = [p for p in r["postings_with_warnings"] if p["source"].endswith(sys.argv[2])]
sys.exit(0 if r["duplicates"] == 1 and hit and
         any(w["kind"] == "duplicate posting" for w in hit[0]["warnings"]) else 1)
PY
rm -f "$site/content/zz-copy-$first"

make -s install PREFIX="$TEST_TMP/prefix" > /dev/null 2>&1; ok "make install" $?
test -x "$TEST_TMP/prefix/bin/jobsite" && test -f "$TEST_TMP/prefix/share/man/man1/jobsite.1" &&
	test -f "$TEST_TMP/prefix/share/jobsite/templates/base.mustache"; ok "installs binary, man page, templates" $?
rm -rf "$TEST_TMP/inst-site"
"$TEST_TMP/prefix/bin/jobsite" new "$TEST_TMP/inst-site" > /dev/null && "$TEST_TMP/prefix/bin/jobsite" build -q -s "$TEST_TMP/inst-site"
ok "the installed binary finds its templates" $?
# Huge pages (src/hugepages.c): jobsite starts again with glibc's
# hugetlb tunable when the kernel gives huge pages on request, keeps the
# user's own tunables, and leaves the choice to the user when they set it.
hp() { out=$1; shift; JOBSITE_TIMINGS=1 "$@" build -q -s "$site" -o "$TEST_TMP/hp-$out/public" 2>&1 |
	grep '^timing: huge pages'; }
if grep -q '\[madvise\]' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null; then want=on; else want=off; fi
hp 0 "$JOBSITE" | grep -q "malloc $want "; ok "huge pages $want as the kernel's mode says" $?
hp 1 env JOBSITE_HUGEPAGES=0 "$JOBSITE" | grep -q 'malloc off (GLIBC_TUNABLES=)$'; ok "JOBSITE_HUGEPAGES=0 turns them off" $?
hp 2 env GLIBC_TUNABLES=glibc.malloc.hugetlb=0 "$JOBSITE" | grep -q 'malloc off (GLIBC_TUNABLES=glibc.malloc.hugetlb=0)$'
ok "the user's own hugetlb setting is kept" $?
line=$(hp 3 env GLIBC_TUNABLES=glibc.malloc.perturb=0 "$JOBSITE")
if [ $want = on ]; then
	echo "$line" | grep -q 'malloc on (GLIBC_TUNABLES=glibc.malloc.perturb=0:glibc.malloc.hugetlb=1)$'
else
	echo "$line" | grep -q 'malloc off (GLIBC_TUNABLES=glibc.malloc.perturb=0)$'
fi
ok "the user's other tunables are kept" $?
diff -r -x build-report.json "$TEST_TMP/hp-0/public" "$TEST_TMP/hp-1/public" > /dev/null
ok "the same site with and without them" $?

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
