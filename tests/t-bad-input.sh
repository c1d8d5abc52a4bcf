#!/bin/bash
# The bad-input matrix: each case has a documented outcome.  Nothing crashes
# or hangs; every skipped or degraded file is named with its reason.
set -u
cd "$(dirname "$0")/.."
: "${TEST_TMP:=$(mktemp -d)}"
root="$TEST_TMP/bad-input"
rm -rf "$root"; mkdir -p "$root/content/sub" "$root/outside"
c="$root/content"
good='# Payroll Specialist
## Acme Corp | Denver, CO

Salary: $50,000 - $60,000 per year.
'
: > "$c/empty.md"
printf '  \n\t\n   \n' > "$c/blank.md"
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10' > "$c/image.md"
head -c 4096 /bin/ls > "$c/program.txt"
head -c 52428800 /dev/zero | tr '\0' 'a' > "$c/huge.txt"
printf '# Nurse \xff\xfe Manager\n## Acme Corp | Austin, TX\n\nBad bytes \xc3\x28 here.\n' > "$c/bad-utf8.md"
printf '# Data Analyst\n## Acme Corp | Boston, MA\n\nHello.\n' | iconv -f UTF-8 -t UTF-16 > "$c/utf16.txt"
python3 -c "
import sys
n = 100000
sys.stdout.write('<h2>Deep Posting</h2><div>' + '<div>' * n + 'innermost text' + '</div>' * n + '</div>')
" > "$c/deep.html"
python3 -c "import sys; sys.stdout.write('Title: Long Line Clerk ' + 'word ' * 1000000)" > "$c/longline.txt"
echo "$good" > "$c/unreadable.md"; chmod 000 "$c/unreadable.md"
ln -s loop1.md "$c/loop1.md" 2>/dev/null || true
ln -s .. "$c/sub/up"
echo "secret" > "$root/outside/secret.md"
ln -s "$root/outside/secret.md" "$c/leak.md"
printf '%s' "$good" > "$c/$(printf 'caf\xe9.md')"
printf '%s' "$good" > "$c/twin-a.md"
printf '%s' "$good" > "$c/twin-b.md"
printf -- '---\ntitle: Never Closed\ncompany: Acme\n\n# Never Closed\n' > "$c/fm-unclosed.md"
printf -- '---\n- just\n- a list\n---\n# List Front Matter\n' > "$c/fm-list.md"
printf '<h2>Broken LD</h2><script type="application/ld+json">{"@type": "JobPosting", "title": </script><p>Body</p>\n' > "$c/ld-broken.html"
printf '{"@type": "JobPosting", "title": "x",,}' > "$c/bad.json"

run() { # run with a time limit; record the exit code
	timeout 120 "$@"
}
passed=0 failed=0
check() { # check NAME COND-STATUS
	if [ "$2" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi
}

as_nobody=""
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	chmod 755 "$TEST_TMP" "$root" "$c" "$c/sub" 2>/dev/null
	chmod -R a+r "$c" 2>/dev/null; chmod 000 "$c/unreadable.md"
	as_nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
$as_nobody timeout 120 "$JOBSITE" inspect --json "$c" > "$root/out.jsonl" 2> "$root/err.txt"
rc=$?
check "inspect finished without crashing (rc=$rc)" $([ $rc -lt 124 ] && echo 0 || echo 1)
err="$root/err.txt"
expect_msg() { # FILE-PATTERN MESSAGE-PATTERN
	if LC_ALL=C grep -aE "$1" "$err" | LC_ALL=C grep -aqiE "$2"; then check "$1: $2" 0
	else check "$1 reported with '$2'" 1; fi
}
expect_msg 'empty\.md' 'empty file'
expect_msg 'blank\.md' 'whitespace'
expect_msg 'image\.md' 'PNG image'
expect_msg 'program\.txt' 'ELF'
expect_msg 'huge\.txt' 'larger than'
expect_msg 'bad-utf8\.md' 'invalid UTF-8'
expect_msg 'utf16\.txt' 'UTF-16'
expect_msg 'longline\.txt' 'larger than'
[ -n "$as_nobody" ] && expect_msg 'unreadable\.md' 'permission denied'
expect_msg 'loop1\.md' 'loop'
expect_msg 'sub/up' 'loop'
expect_msg 'leak\.md' 'outside'
expect_msg 'caf.*\.md' 'not valid UTF-8'
expect_msg 'fm-unclosed\.md' 'never closes'
expect_msg 'fm-list\.md' 'not a mapping'
expect_msg 'ld-broken\.html' 'JSON-LD'
expect_msg 'bad\.json' 'does not parse'
python3 - "$root/out.jsonl" <<'PY' >> "$root/py.txt"
import json, sys
recs = {json.loads(l)["source"].rsplit("/", 1)[-1]: json.loads(l) for l in open(sys.argv[1], encoding="utf-8", errors="replace")}
def ok(name, cond):
    print(("PASS " if cond else "FAIL ") + name)
ok("bad-utf8 record", "bad-utf8.md" in recs and "Nurse" in (recs["bad-utf8.md"]["title"] or ""))
ok("utf16 decoded", recs.get("utf16.txt", {}).get("title") == "Data Analyst")
ok("deep html record", recs.get("deep.html", {}).get("title") == "Deep Posting")
ok("twins both loaded", "twin-a.md" in recs and "twin-b.md" in recs)
ok("unclosed front matter still a posting", "fm-unclosed.md" in recs)
ok("list front matter still a posting", recs.get("fm-list.md", {}).get("title") == "List Front Matter")
ok("broken JSON-LD still a posting", recs.get("ld-broken.html", {}).get("title") == "Broken LD")
ok("no record for skipped files", not any(k in recs for k in ["empty.md", "blank.md", "image.md", "program.txt", "huge.txt", "leak.md", "bad.json"]))
ok("secret never read", not any("secret" in json.dumps(r) for r in recs.values() if r["source"].endswith("leak.md")))
PY
while read -r verdict name; do
	[ "$verdict" = PASS ] && check "$name" 0 || check "$name" 1
done < "$root/py.txt"

# A 5 MB single line with the size limit raised is parsed, quickly.
timeout 60 "$JOBSITE" inspect --json --max-file-size 8000000 "$c/longline.txt" > "$root/long.jsonl" 2>/dev/null
check "5 MB single line parsed with a raised limit" $(grep -q '"Long Line Clerk' "$root/long.jsonl" && echo 0 || echo 1)
chmod 644 "$c/unreadable.md"

# A build of the same folder: its report is JSON that parses (a file name
# that is not UTF-8 included) and lists every file it skipped.
timeout 300 "$JOBSITE" build -s "$root" -o "$root/public" > /dev/null 2> "$root/build-err.txt"
check "build finished without crashing" $([ $? -lt 124 ] && echo 0 || echo 1)
python3 - "$root/build-report.json" <<'PY' > "$root/py2.txt"
import json, sys
def ok(name, cond):
    print(("PASS " if cond else "FAIL ") + name)
try:
    r = json.load(open(sys.argv[1], encoding="utf-8"))
except Exception as e:
    ok("build report parses as UTF-8 JSON (%s)" % e, False)
    sys.exit()
ok("build report parses as UTF-8 JSON", True)
skipped = {s["path"].rsplit("/", 1)[-1] for s in r["skipped"]}
for name in ["empty.md", "blank.md", "image.md", "program.txt", "huge.txt", "longline.txt", "bad.json"]:
    ok("report lists %s as skipped" % name, name in skipped)
ok("every skipped file has a reason", all(s.get("reason") for s in r["skipped"]))
said = [w.get("message", "") for p in r["postings_with_warnings"] for w in p["warnings"]]
ok("every warning in it has its message", all(said))
ok("a message naming the file whose name is not UTF-8 is in it, its byte replaced",
   any("caf\ufffd.md" in m for m in said))
PY
while read -r verdict name; do
	[ "$verdict" = PASS ] && check "$name" 0 || check "$name" 1
done < "$root/py2.txt"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
