#!/bin/bash
# `jobsite serve` as curl sees it: started through the t_serve harness (the
# real command with a fake site build that copies content/page.html to
# public/index.html), then traversal attempts sent verbatim (--path-as-is),
# content types, HEAD, 405, the 404 page, and a clean exit on SIGTERM.
# When the real build is wired into `jobsite serve`, point SERVE at it.
set -u
: "${UNIT_DIR:=$(cd "$(dirname "$0")/.." && pwd)/build/tests}"
: "${TEST_TMP:=$(mktemp -d)}"
harness="$UNIT_DIR/t_serve"
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { local what=$1; shift; if "$@"; then ok; else bad "$what"; fi; }

if [ ! -x "$harness" ]; then
	echo "t-serve: $harness is missing (make check-build)"
	echo "0 passed, 1 failed"
	exit 1
fi

dir="$TEST_TMP/t-serve"
rm -rf "$dir"
mkdir -p "$dir/site/content" "$dir/site/public/sub"
echo "SECRET-e1b2c3 outside the output folder" > "$dir/site/secret.txt"
printf '<!doctype html>\n<html><head><title>t</title></head><body><p>home</p></body></html>\n' \
	> "$dir/site/content/page.html"
printf 'h1{}\n' > "$dir/site/public/site.css"
printf '<?xml version="1.0"?><feed/>\n' > "$dir/site/public/feed.xml"
printf '<html><body>sub</body></html>\n' > "$dir/site/public/sub/index.html"
printf '<html><body>custom 404</body></html>\n' > "$dir/site/public/404.html"
ln -s ../secret.txt "$dir/site/public/leak.txt"

"$harness" --harness -p 0 -s "$dir/site" > "$dir/out" 2> "$dir/err" &
pid=$!
url=""
for _ in $(seq 100); do
	url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$dir/out" | head -1)
	[ -n "$url" ] && break
	sleep 0.05
done
if [ -z "$url" ]; then
	cat "$dir/err"
	kill "$pid" 2>/dev/null
	echo "0 passed, 1 failed"
	exit 1
fi
base=${url%/}

status() { curl -s --path-as-is -o "$dir/body" -w '%{http_code}' "$base$1"; }
ctype() { curl -s -o /dev/null -w '%{content_type}' "$base$1"; }

check "GET / is 200" [ "$(status /)" = 200 ]
check "GET / has the reload tag" grep -q '<script src="/__jobsite/reload.js" defer></script></body>' "$dir/body"
check "public/index.html has none" bash -c "! grep -q reload.js '$dir/site/public/index.html'"
check "css type" [ "$(ctype /site.css)" = "text/css; charset=utf-8" ]
check "feed type" [ "$(ctype /feed.xml)" = "application/atom+xml; charset=utf-8" ]
check "/sub is 301" [ "$(status /sub)" = 301 ]
check "/sub/ is 200" [ "$(status /sub/)" = 200 ]
check "missing is 404" [ "$(status /nope.html)" = 404 ]
check "the site's 404 page" grep -q 'custom 404' "$dir/body"
head=$(curl -s -I "$base/site.css" | tr -d '\r')
check "HEAD: Cache-Control" grep -qx 'Cache-Control: no-cache' <<< "$head"
check "HEAD: nosniff" grep -qx 'X-Content-Type-Options: nosniff' <<< "$head"
check "HEAD: length" grep -qx 'Content-Length: 5' <<< "$head"
check "POST is 405" [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST -d x "$base/")" = 405 ]

for p in '/../secret.txt' '/../../../../etc/passwd' '/%2e%2e/secret.txt' '/%2E%2E/%2E%2E/etc/passwd' \
	'/..%2fsecret.txt' '/..%2Fsecret.txt' '/%2e%2e%5csecret.txt' '/..\secret.txt' '/..\..\etc\passwd' \
	'/%00' '/index.html%00.css' '/%c0%ae%c0%ae/secret.txt' '/%c0%ae%c0%ae%c0%afsecret.txt' \
	'//etc/passwd' '/./../secret.txt' '/sub/../../secret.txt' '/%252e%252e/secret.txt' \
	'/%252e%252e%252fsecret.txt' '/leak.txt' '/.%2e/secret.txt' '/sub/%2e%2e/%2e%2e/secret.txt' \
	'/%e0%80%ae%e0%80%ae/secret.txt' '/..%c0%afsecret.txt' '/secret.txt'; do
	st=$(status "$p")
	check "$p: $st" [ "$st" = 403 -o "$st" = 404 ]
	check "$p leaked" bash -c "! grep -q SECRET-e1b2c3 '$dir/body'"
done

# a rebuild through the watcher, seen by curl
printf '<html><body>BROKEN\n</body></html>\n' > "$dir/site/content/page.html"
st=""
for _ in $(seq 100); do
	st=$(status /)
	[ "$st" = 500 ] && break
	sleep 0.05
done
check "build error: 500 error page" [ "$st" = 500 ]
check "build error text" grep -q 'content/page.html:1:13: error: broken' "$dir/body"

kill -TERM "$pid"
wait "$pid"
rc=$?
check "exit 0 on SIGTERM (got $rc)" [ "$rc" = 0 ]

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
