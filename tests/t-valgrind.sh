#!/bin/bash
# ./jobsite under valgrind: build (cold and incremental), inspect, check and
# render on the sample site, and build on a small site of bad input.  Each run must end with no
# memory error and no definite or indirect leak ("still reachable" blocks
# are libraries' caches and fine).  This covers the gcc binary the way
# `make asan` covers the sanitized one.
set -u
cd "$(dirname "$0")/.."
: "${TEST_TMP:=$(mktemp -d)}"
: "${JOBSITE:=$PWD/jobsite}"
passed=0 failed=0
ok() { if [ "$2" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi; }

# valgrind cannot run a binary built with AddressSanitizer.
if [ -n "${JOBSITE_SANITIZED:-}" ]; then
	echo "skipped: valgrind cannot run the ASan binary (JOBSITE_SANITIZED=1)"
	echo "0 passed, 0 failed"
	exit 0
fi
if ! command -v valgrind > /dev/null; then
	echo "FAIL: valgrind not installed (tests/deps.sh installs it)"
	echo "0 passed, 1 failed"
	exit 1
fi

root="$TEST_TMP/valgrind"
rm -rf "$root"; mkdir -p "$root"

# Code that PCRE2's JIT generates at run time reads words past what it
# defined (Debian's libpcre2 is not built with its valgrind support), so
# every match is a "conditional jump on uninitialised value" with no symbol.
# A preloaded pcre2_jit_compile_8 that declines makes rx.c use the
# interpreter, which valgrind understands; the rest is checked as built.
printf 'int pcre2_jit_compile_8(void *code, unsigned options);\nint pcre2_jit_compile_8(void *code, unsigned options) { (void)code; (void)options; return -45; /* PCRE2_ERROR_JIT_BADOPTION */ }\n' > "$root/nojit.c"
${CC:-cc} -shared -fPIC -o "$root/nojit.so" "$root/nojit.c"; ok "build the no-JIT shim" $?
n=0
# vg NAME CMD...: one check.  valgrind exits 99 on any error, definite and
# indirect leaks included; the log must also say so, in case a command
# exits 99 by itself or dies on a signal.
vg() {
	local name=$1; shift
	n=$((n + 1))
	local log="$root/vg-$n.log"
	JOBSITE_TEARDOWN=1 LD_PRELOAD="$root/nojit.so" valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=99 --track-origins=no --log-file="$log" \
		"$JOBSITE" "$@" > "$root/out-$n.txt" 2> "$root/err-$n.txt"
	local rc=$?
	if [ $rc -ne 99 ] && [ $rc -lt 128 ] && ! grep -qE 'are (definitely|indirectly) lost|Process terminating|ERROR SUMMARY: [1-9]' "$log"; then
		ok "$name" 0
	else
		ok "$name (exit $rc, valgrind log $log)" 1
		head -40 "$log" | sed 's/^/   | /'
	fi
}

vg "build of the sample site" build -q -o "$root/public"
# again, from the cache: nothing parsed or rendered; then with one posting
# edited (its copy), so a page, the lists and the search index change
vg "incremental build, nothing changed" build -q -o "$root/public"
mkdir -p "$root/inc"
cp -r content templates jobsite.yml "$root/inc/" 2>/dev/null
vg "incremental site, first build" build -q -s "$root/inc" -o "$root/inc/public"
f=$(ls "$root/inc/content" | head -1)
printf '\nEdited under valgrind.\n' >> "$root/inc/content/$f"
vg "incremental build, one posting edited" build -q -s "$root/inc" -o "$root/inc/public"
test -f "$root/public/index.html"; ok "the sample site was built" $?
for f in content/*; do
	vg "inspect $f" inspect "$f"
	vg "inspect --json $f" inspect --json "$f"
done
vg "check of the sample site" check
vg "check --strict of the sample site" check --strict -q content

# render: a posting card with one posting's record as its data
first=$(ls content/* | head -1)
"$JOBSITE" inspect --json -q "$first" | head -1 > "$root/posting.json"
vg "render job-card" render templates/job-card.mustache --data "$root/posting.json" --partials templates
vg "render home with no data" render templates/home.mustache

# bad input: the paths through skips, warnings and parse errors
site="$root/bad"
mkdir -p "$site/content"
c="$site/content"
: > "$c/x.md"
head -c 4096 /bin/ls > "$c/binary.md"
printf '# Nurse \xff\xfe Manager\n## Acme Corp | Austin, TX\n\nBad bytes \xc3\x28 and \xed\xa0\x80 here.\n' > "$c/bad-utf8.md"
printf -- '---\ntitle: Never Closed\ncompany: Acme\n\n# Never Closed\n' > "$c/fm-unclosed.md"
printf '<html><head><script type="application/ld+json">{"@type": "JobPosting", "title": "x",, "baseSalary": {</script></head><body><h1>Clerk</h1><p>Filing at Acme.</p></body></html>\n' > "$c/ld-broken.html"
vg "build of a site of bad input" build -q -s "$site" -o "$site/public"
vg "check of a site of bad input" check -q "$c"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
