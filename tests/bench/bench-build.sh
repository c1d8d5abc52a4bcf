#!/bin/bash
# Cold `jobsite build` next to `hugo` over the same generated postings
# (gen-corpus --hugo writes a Hugo site of the very same postings).
#
#   BENCH_SIZES       corpus sizes (default "1000 10000 100000")
#   BENCH_RUNS        runs per tool and size; the table shows medians (3)
#   BENCH_HUGO_LARGE  1: run Hugo at 100,000 too (minutes, GBs of RAM);
#                     else the quoted figure for this machine is shown
#
# After the cold runs of each size, incremental rebuilds of the last
# output: with nothing changed, and after editing one posting's body
# (appended a line, then put back: both timed).  Hugo has no incremental
# build outside its server (2.1 s there for one edit of 10,000, quoted).
#
# Every run starts from nothing: jobsite into a fresh output folder, Hugo
# into a fresh destination with resources/ removed.  Outputs are deleted
# only at the end: on ext4 without a journal (this machine) creating files
# right after deleting ~100,000 others scans every recently freed inode
# (recently_deleted() in the kernel) and is several times slower, which
# would time the previous run's rm, not the build.  Targets (issue #7): 100,000
# postings cold in under 12 s wall with peak RSS under 1 GiB; at 10,000 at
# least 20x faster than Hugo; a rebuild after one edit of 100,000, and one
# with nothing changed, under 1 s.
#
# Written for dash too: tests/bench/run.sh runs it with sh.
set -u
cd "$(dirname "$0")/../.."
: "${JOBSITE:=$PWD/jobsite}"
: "${SHARED:=$(cd .. && pwd)/shared}"
: "${BENCH_CORPUS:=/tmp/jobsite-bench-corpus}"
: "${BENCH_SIZES:=1000 10000 100000}"
: "${BENCH_RUNS:=3}"
: "${BENCH_HUGO_LARGE:=0}"
HUGO=${HUGO:-$(command -v hugo || true)}
QUOTED_N=100000
QUOTED_WALL=121
QUOTED_RSS_KB=$((6500 * 1024))   # 6.5 GB, as quoted
QUOTED_TEXT="Hugo 0.111 on this machine: 121 s, 6.5 GB (best variant)"

work=$(mktemp -d /tmp/jobsite-bench-build.XXXXXX)
trap 'rm -rf "$work"' EXIT
rows="$work/rows"
rb="$work/rebuilds"
: > "$rows"
: > "$rb"

# median of the numbers on stdin, one a line
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (!NR) { print "nan"; exit }
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

corpus() {
	dir="$BENCH_CORPUS/$1"
	if [ ! -f "$dir/.done" ]; then
		rm -rf "$dir"
		echo "bench-build: generating $1 postings (gen-corpus, seed 1, with the Hugo twin)..."
		python3 "$SHARED/tools/gen-corpus" --count "$1" --seed 1 --out "$dir/posts" \
			--labels "$dir/labels.jsonl" --hugo "$dir/hugo" --quiet || return 1
		touch "$dir/.done"
	fi
	printf 'title: Bench Board\ncontent: %s\n' "$dir/posts" > "$dir/jobsite.yml"
}

# This machine is a virtual one: the hypervisor may run other guests on
# its cores ("steal" in /proc/stat), and then every figure here grows with
# it (seen: 0 % to two thirds of the CPU time).  Each run says how much of
# the machine's CPU time was stolen while it ran, and the end sums it up.
# ticks: "steal total" of the machine's CPU time so far ("0 0" without /proc/stat)
ticks() {
	awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print $9 + 0, t; exit }' /proc/stat 2>/dev/null ||
		echo "0 0"
}

# stolen "STEAL TOTAL": the share stolen since those ticks, "12%"; also
# appended to $work/steal
stolen() {
	set -- $1 $(ticks)
	awk -v s0="$1" -v t0="$2" -v s1="$3" -v t1="$4" \
		'BEGIN { d = t1 - t0; printf "%.0f%%\n", (d > 0 ? 100 * (s1 - s0) / d : 0) }' | tee -a "$work/steal"
}

# run TOOL N: BENCH_RUNS cold runs; appends "N TOOL files wall cpu rss" to rows
run_jobsite() {
	n=$1 dir="$BENCH_CORPUS/$1"
	: > "$work/t"
	for run in $(seq "$BENCH_RUNS"); do
		out="$work/jobsite-out-$n-$run"
		sync
		t0=$(ticks)
		if ! /usr/bin/time -f "%e %U %S %M" -o "$work/time" \
			"$JOBSITE" build -c "$dir/jobsite.yml" -o "$out/public" > "$work/log" 2>&1; then
			cat "$work/log"
			echo "bench-build: jobsite build failed at $n postings"
			return 1
		fi
		read -r wall user sys rss < "$work/time"
		files=$(find "$out" -type f | wc -l)
		# the pay figures and charts (issue #9), from the build's summary
		charts=$(sed -n 's/^ *charts *\([0-9]*\) *(on \([0-9]*\) pages, \([0-9]*\) KB of SVG, \([0-9]*\) ms.*/\1 charts on \2 pages, \4 ms/p' "$work/log")
		echo "  jobsite $n run $run: ${wall}s wall, ${user}s user, ${sys}s sys, $((rss / 1024)) MiB peak RSS, $files files; $charts; $(stolen "$t0") stolen"
		echo "$wall $user $sys $rss $files" >> "$work/t"
	done
	summarize "$n" jobsite
	rebuilds "$n" "$out" || return 1
}

# rebuilds N OUT: incremental rebuilds of the last cold output (its
# .jobsite-cache/ is beside it): nothing changed, then one posting's body
# edited (and put back, also timed); appends "N kind median-wall" to $rb
rebuilds() {
	n=$1 out=$2 dir="$BENCH_CORPUS/$1"
	victim=$(ls "$dir/posts" | awk 'NR == int('"$n"' / 2) + 1')
	cp "$dir/posts/$victim" "$work/victim"
	: > "$work/same"
	: > "$work/edit"
	: > "$work/same.rss"
	: > "$work/edit.rss"
	for run in $(seq "$BENCH_RUNS"); do
		rb_one "$n" "$out" same || return 1
		edit_posting "$dir/posts/$victim" "$run"
		rb_one "$n" "$out" edit || { cp "$work/victim" "$dir/posts/$victim"; return 1; }
		cp "$work/victim" "$dir/posts/$victim"
		rb_one "$n" "$out" edit || return 1
	done
	echo "$n same $(median < "$work/same") $(awk '{ print $2 }' "$work/same.rss" | median)" >> "$rb"
	echo "$n edit $(median < "$work/edit") $(awk '{ print $2 }' "$work/edit.rss" | median)" >> "$rb"
}

# a sentence into the posting's description: after its first <p>, or at
# the end of Markdown and text
edit_posting() {
	python3 - "$1" "$2" <<'EOF'
import sys
p, run = sys.argv[1], sys.argv[2]
t = open(p, encoding='utf-8', errors='surrogateescape').read()
s = 'Edited for the benchmark, run %s. ' % run
t = t.replace('<p>', '<p>' + s, 1) if '<p>' in t else t + '\n\n' + s + '\n'
open(p, 'w', encoding='utf-8', errors='surrogateescape').write(t)
EOF
}

rb_one() {
	sync # the last run's writes flushed first, as before each cold run
	t0=$(ticks)
	if ! /usr/bin/time -f "%e %M" -o "$work/time" \
		"$JOBSITE" build -c "$BENCH_CORPUS/$1/jobsite.yml" -o "$2/public" > "$work/log" 2>&1; then
		cat "$work/log"
		echo "bench-build: incremental rebuild failed at $1 postings"
		return 1
	fi
	read -r wall rss < "$work/time"
	written=$(sed -n -e 's/^ *files written *\([0-9]*\) .*(\([0-9]*\) unchanged; postings: \([0-9]*\) cached, \([0-9]*\) parsed).*/\1 written, \2 unchanged, \4 parsed/p' \
		-e 's/^ *files written .*(nothing changed since the last build).*/nothing to do: the last build'"'"'s record held/p' "$work/log")
	echo "  jobsite $1 rebuild ($3): ${wall}s wall, $((rss / 1024)) MiB peak RSS, $written; $(stolen "$t0") stolen"
	echo "$wall" >> "$work/$3"
	echo "$wall $rss" >> "$work/$3.rss"
}

run_hugo() {
	n=$1 dir="$BENCH_CORPUS/$1/hugo"
	: > "$work/t"
	for run in $(seq "$BENCH_RUNS"); do
		out="$work/hugo-out-$n-$run"
		rm -rf "$dir/resources" "$dir/.hugo_build.lock"
		sync
		t0=$(ticks)
		if ! (cd "$dir" && /usr/bin/time -f "%e %U %S %M" -o "$work/time" \
			"$HUGO" --quiet -d "$out" > "$work/log" 2>&1); then
			cat "$work/log"
			echo "bench-build: hugo failed at $n postings: comparison left out"
			rm -rf "$dir/resources" "$dir/.hugo_build.lock"
			return 0
		fi
		read -r wall user sys rss < "$work/time"
		files=$(find "$out" -type f | wc -l)
		echo "  hugo    $n run $run: ${wall}s wall, ${user}s user, ${sys}s sys, $((rss / 1024)) MiB peak RSS, $files files; $(stolen "$t0") stolen"
		echo "$wall $user $sys $rss $files" >> "$work/t"
	done
	rm -rf "$dir/resources" "$dir/.hugo_build.lock"
	summarize "$n" hugo
}

summarize() {
	wall=$(awk '{ print $1 }' "$work/t" | median)
	cpu=$(awk '{ print $2 + $3 }' "$work/t" | median)
	rss=$(awk '{ print $4 }' "$work/t" | median)
	files=$(awk '{ print $5 }' "$work/t" | median)
	echo "$1 $2 $files $wall $cpu $rss measured" >> "$rows"
}

for n in $BENCH_SIZES; do
	corpus "$n" || exit 1
	run_jobsite "$n" || exit 1
	if [ -z "$HUGO" ]; then
		echo "  hugo not installed: comparison left out"
	elif [ "$n" -ge 100000 ] && [ "$BENCH_HUGO_LARGE" != 1 ]; then
		[ "$n" -eq "$QUOTED_N" ] &&
			echo "$n hugo - $QUOTED_WALL - $QUOTED_RSS_KB quoted" >> "$rows"
	else
		run_hugo "$n"
	fi
done

echo
echo "bench-build: cold builds, median of $BENCH_RUNS runs (wall and user+sys in s, peak RSS)"
awk -v quoted="$QUOTED_TEXT" '
	{ n[NR] = $1; tool[NR] = $2; files[NR] = $3; wall[NR] = $4; cpu[NR] = $5; rss[NR] = $6; how[NR] = $7
	  if ($2 == "hugo") hugo[$1] = $4 }
	END {
		printf "%9s  %-8s %9s %9s %9s %10s %12s %9s\n", "postings", "tool", "files", "wall s", "cpu s", "peak RSS", "postings/s", "vs Hugo"
		for (i = 1; i <= NR; i++) {
			r = rss[i] / 1024
			rs = r >= 1024 ? sprintf("%.2f GiB", r / 1024) : sprintf("%.0f MiB", r)
			ratio = "-"
			if (tool[i] == "jobsite" && (n[i] in hugo) && wall[i] > 0)
				ratio = sprintf("%.1fx", hugo[n[i]] / wall[i])
			if (how[i] == "quoted") {
				printf "%9d  %-8s %9s %9.2f %9s %10s %12.0f %9s  (quoted: %s)\n", n[i], tool[i], "-", wall[i], "-", "6.5 GB", n[i] / wall[i], "-", quoted
				continue
			}
			printf "%9d  %-8s %9d %9.2f %9.2f %10s %12.0f %9s\n", n[i], tool[i], files[i], wall[i], cpu[i], rs, n[i] / wall[i], ratio
		}
	}' "$rows"

echo
awk '
	$2 == "jobsite" { jw[$1] = $4; jr[$1] = $6 }
	$2 == "hugo" { hw[$1] = $4; hq[$1] = ($7 == "quoted") }
	END {
		if (100000 in jw)
			printf "target: 100,000 cold < 12 s wall and peak RSS < 1 GiB: %.2f s, %.0f MiB: %s\n",
				jw[100000], jr[100000] / 1024, (jw[100000] < 12 && jr[100000] < 1048576 ? "met" : "MISSED")
		else
			print "target: 100,000 cold < 12 s, < 1 GiB: not measured (BENCH_SIZES)"
		if ((10000 in jw) && (10000 in hw))
			printf "target: 10,000 at least 20x faster than Hugo: %.1fx: %s\n",
				hw[10000] / jw[10000], (hw[10000] / jw[10000] >= 20 ? "met" : "MISSED")
		else
			print "target: 10,000 at least 20x faster than Hugo: not measured (BENCH_SIZES, or no hugo)"
		if ((100000 in jw) && (100000 in hw))
			printf "        100,000 against Hugo%s: %.1fx\n", hq[100000] ? " (quoted figure)" : "", hw[100000] / jw[100000]
	}' "$rows"

echo
echo "bench-build: incremental rebuilds, median of $BENCH_RUNS (nothing changed) and $((2 * BENCH_RUNS)) (one posting edited) runs"
awk '{ printf "%9d  %-22s %8.2f s wall %8.0f MiB peak RSS\n", $1, ($2 == "same" ? "nothing changed" : "one posting edited"), $3, $4 / 1024 }' "$rb"
awk '
	{ w[$1 " " $2] = $3 }
	END {
		if (("100000 edit" in w) && ("100000 same" in w)) {
			printf "target: 100,000, rebuild after one edit < 1 s: %.2f s: %s\n", w["100000 edit"], (w["100000 edit"] < 1 ? "met" : "MISSED")
			printf "target: 100,000, rebuild with nothing changed < 1 s: %.2f s: %s\n", w["100000 same"], (w["100000 same"] < 1 ? "met" : "MISSED")
		} else
			print "target: 100,000 rebuilds < 1 s: not measured (BENCH_SIZES)"
	}' "$rb"
if [ -s "$work/steal" ]; then
	tr -d '%' < "$work/steal" | sort -g | awk '{ v[NR] = $1 } END {
		printf "CPU time stolen by the hypervisor while the runs ran (steal, /proc/stat): median %s%%, %s%% to %s%%\n",
			v[int((NR + 1) / 2)], v[1], v[NR] }'
fi
