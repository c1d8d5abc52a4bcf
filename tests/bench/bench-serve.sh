#!/bin/bash
# Preview server under load: wrk, 100 connections, random pages among
# 10,000 small HTML files (each read, given the reload script and sent),
# then one stylesheet (sent from the file).  Target: 10,000+ requests with
# 0 errors (non-2xx, socket errors).
#
# The server is `jobsite serve` run by the t_serve harness (tests/unit/
# t_serve.c --harness), whose fake site build leaves the generated output
# folder as it is: this measures the server, not a build.  Until the real
# site build is wired into `jobsite serve` there is no other way to run it.
set -u
cd "$(dirname "$0")/../.."
: "${BENCH_DIR:=$PWD/build/bench}"
: "${SERVE_HARNESS:=$(dirname "$BENCH_DIR")/tests/t_serve}"
: "${BENCH_SERVE_PAGES:=10000}"
: "${BENCH_SERVE_SECONDS:=10}"
: "${BENCH_SERVE_CONNECTIONS:=100}"

command -v wrk >/dev/null || { echo "bench-serve: wrk is not installed (make deps)"; exit 1; }
if [ ! -x "$SERVE_HARNESS" ]; then
	make --no-print-directory -s "${SERVE_HARNESS#$PWD/}" >/dev/null || exit 1
fi

work=$(mktemp -d /tmp/jobsite-bench-serve.XXXXXX)
pid=""
cleanup() {
	[ -n "$pid" ] && kill -INT "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

python3 - "$work/site/public" "$BENCH_SERVE_PAGES" <<'EOF'
import os, sys
out, n = sys.argv[1], int(sys.argv[2])
os.makedirs(os.path.join(out, "jobs"), exist_ok=True)
with open(os.path.join(out, "style.css"), "w") as f:
    f.write("body{font:16px/1.5 system-ui;margin:0 auto;max-width:40rem}\n" * 40)
for i in range(n):
    with open(os.path.join(out, "jobs", f"job-{i}.html"), "w") as f:
        f.write(f"<!doctype html><html lang=en><head><meta charset=utf-8>"
                f"<title>Job {i}</title><link rel=stylesheet href=/style.css></head>"
                f"<body><main><h1>Job {i}</h1><p>{'Lorem ipsum dolor sit amet. ' * 20}</p>"
                f"</main></body></html>\n")
EOF
mkdir -p "$work/site/content"

"$SERVE_HARNESS" --harness -p 0 -s "$work/site" > "$work/url" 2> "$work/log" &
pid=$!
url=""
for _ in $(seq 100); do
	url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$work/url" | head -1)
	[ -n "$url" ] && break
	sleep 0.05
done
[ -n "$url" ] || { echo "bench-serve: the server did not start"; cat "$work/log"; exit 1; }

cat > "$work/pages.lua" <<EOF
math.randomseed(42)
request = function()
	return wrk.format("GET", "/jobs/job-" .. math.random(0, $BENCH_SERVE_PAGES - 1) .. ".html")
end
EOF

fail=0
run() { # name, wrk args...
	local name=$1; shift
	wrk -t2 -c"$BENCH_SERVE_CONNECTIONS" -d"${BENCH_SERVE_SECONDS}s" --latency "$@" > "$work/wrk" 2>&1
	local total rps non2xx sock p50 p99
	total=$(awk '/requests in/ {print $1}' "$work/wrk")
	rps=$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk")
	non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$work/wrk")
	sock=$(awk -F'[ ,]+' '/Socket errors:/ {print $4 + $6 + $8 + $10}' "$work/wrk")
	p50=$(awk '$1 == "50%" {print $2}' "$work/wrk")
	p99=$(awk '$1 == "99%" {print $2}' "$work/wrk")
	: "${total:=0}" "${rps:=0}" "${non2xx:=0}" "${sock:=0}"
	echo "  $name: $total requests in ${BENCH_SERVE_SECONDS}s at $BENCH_SERVE_CONNECTIONS connections:" \
	     "$rps requests/s, latency p50 $p50 p99 $p99, errors: $non2xx non-2xx, $sock socket"
	if [ "$total" -lt 10000 ] || [ "$non2xx" -ne 0 ] || [ "$sock" -ne 0 ]; then
		fail=1
		sed 's/^/    | /' "$work/wrk"
	fi
}

echo "bench-serve: t_serve harness (jobsite serve with a fake build) at $url"
run "$BENCH_SERVE_PAGES HTML pages" -s "$work/pages.lua" "$url"
run "one stylesheet" "${url}style.css"
curl -s "${url}jobs/job-7.html" | grep -q '/__jobsite/reload.js' || { echo "  pages lack the reload script"; fail=1; }
if [ $fail -eq 0 ]; then
	echo "serve: 10,000+ requests at $BENCH_SERVE_CONNECTIONS connections with 0 errors: met"
else
	echo "serve: 10,000+ requests at $BENCH_SERVE_CONNECTIONS connections with 0 errors: MISSED"
fi
exit $fail
