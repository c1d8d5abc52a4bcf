#!/bin/bash
# Incremental builds (issue #7): a site rebuilt with its .jobsite-cache/
# after each kind of change has exactly the files and bytes of a clean
# build of the same input (diff -r against a build into a fresh folder),
# and the summary shows that the rebuild really was incremental (postings
# taken from the cache, files left unchanged).  A corrupt, truncated or
# foreign cache gives a full, correct build with a warning; so does an
# output folder someone edited by hand.
set -u
cd "$(dirname "$0")/.."
: "${JOBSITE:=$PWD/jobsite}" "${TEST_TMP:=$(mktemp -d)}"
: "${SHARED:=$(cd .. && pwd)/shared}"
T=$TEST_TMP/incremental
rm -rf "$T"; mkdir -p "$T"
. tests/lib/check.sh

S=$T/site
python3 "$SHARED/tools/gen-corpus" --count 300 --seed 11 --out "$S/content/corpus" --quiet
cp content/*.* "$S/content/"
cp -r templates "$S/templates"
printf 'title: Incremental Board\nbase_url: https://jobs.example.org/\nbuild_date: 2026-06-01\npage_size: 20\n' > "$S/jobsite.yml"
cat > "$S/content/mover.md" <<'EOF'
---
title: Provider Network Liaison
employer: Anthem
location: Tampa, FL
salary: $70,000 - $80,000 a year
date: 2026-05-20
---
Work with provider offices across the Tampa market on contracts and claims.
EOF

OUT=$S/public
n=0
# build STEP [flags]: the incremental build of $S into $OUT; its summary
# in $T/STEP.out, its messages in $T/STEP.err
build() {
	local step=$1; shift
	"$JOBSITE" build -s "$S" -o "$OUT" "$@" > "$T/$step.out" 2> "$T/$step.err"
	local rc=$?
	echo $rc > "$T/$step.rc"
	return $rc
}
# field of the "files written" line: written, unchanged, cached, parsed
field() {
	sed -n 's/^ *files written *\([0-9]*\) *(\([0-9]*\) unchanged; postings: \([0-9]*\) cached, \([0-9]*\) parsed).*/\1 \2 \3 \4/p' "$T/$1.out" |
		awk -v k="$2" '{ print $k }'
}
# same STEP: the output equals a clean build of the same input
same() {
	local step=$1
	rm -rf "$T/clean"
	"$JOBSITE" build -s "$S" -o "$T/clean/public" -q 2> /dev/null
	check "$step: build exits 0" test "$(cat "$T/$step.rc")" -eq 0
	check "$step: no sanitizer report" sh -c "! grep -q 'Sanitizer' '$T/$step.err'"
	check "$step: same files and bytes as a clean build" diff -r "$T/clean/public" "$OUT"
	check "$step: no temporary folder left" test -z "$(ls -d "$OUT".* 2>/dev/null)"
}

# nolast: the next build goes through the caches, not the last build's
# record (cache.h, "nothing to do"), whatever the clock says about the files
nolast() { rm -f "$S/.jobsite-cache/public.last"; }

build cold
check "cold build exits 0" test $? -eq 0
check "cold: nothing from the cache" test "$(field cold 3)" -eq 0
check "cold: a cache beside the output" test -s "$S/.jobsite-cache/public.postings" -a -s "$S/.jobsite-cache/public.manifest" -a -s "$S/.jobsite-cache/public.words" -a -s "$S/.jobsite-cache/public.body" -a -s "$S/.jobsite-cache/public.site"
same cold
total=$(find "$OUT" -type f | wc -l)

nolast
build again
check "no change: every posting from the cache" test "$(field again 4)" -eq 0 -a "$(field again 3)" -ge 300
check "no change: no file written" test "$(field again 1)" -eq 0
check "no change: search index kept" grep -q 'search files.*unchanged' "$T/again.out"
# the same files and KB counted whether the index was written or kept
sfiles() { sed -n 's/^ *search files *\([0-9]*\) *(\([0-9]*\) KB.*/\1 \2/p' "$T/$1.out"; }
check "no change: search files counted as when written ($(sfiles cold) / $(sfiles again))" \
	test -n "$(sfiles cold)" -a "$(sfiles cold)" = "$(sfiles again)"
check "search files counted: the .json files in the output" \
	test "$(sfiles cold | cut -d' ' -f1)" = "$(find "$OUT/search/data" -name '*.json' | wc -l)"
same again

touch "$S/content/mover.md"
nolast # (the record would have it compare the bytes: racy, below)
build touched
check "touched, not changed: nothing parsed" test "$(field touched 4)" -eq 0
check "touched: no file written" test "$(field touched 1)" -eq 0
same touched

# 1. a posting's body
printf '\nBilingual (English and Spanish) candidates are encouraged to apply.\n' >> "$S/content/mover.md"
JOBSITE_TIMINGS=1 build body
check "body: the site model is the last build's (site.h, site_from_memo)" grep -q '^timing: site model (kept)' "$T/body.err"
check "body: one file parsed" test "$(field body 4)" -eq 1
w=$(field body 1)
check "body: some files written, most not ($w of $total)" test "$w" -ge 1 -a "$w" -lt $((total / 4))
check "body: the page has the new text" grep -rq 'Bilingual (English and Spanish)' "$OUT/jobs"
check "body: the search index patched the last one's body words" grep -q 'head and body words of 1 postings patched in' "$T/body.out"
same body

# 1b. a body edit that drops words and repeats one: the index's lists lose
# the posting for the words gone and move it for "claims" (1 -> 3 times)
sed -i 's/^Work with provider offices across the Tampa market on contracts and claims\.$/Work with provider offices on claims, claims and more claims./' "$S/content/mover.md"
build body2
check "body edit 2: the text is in place" grep -q '^Work with provider offices on claims, claims and more claims' "$S/content/mover.md"
check "body edit 2: one file parsed" test "$(field body2 4)" -eq 1
check "body edit 2: the search index patched it" grep -q 'head and body words of 1 postings patched in' "$T/body2.out"
same body2

# 1c. a body past its card's summary (the first 180 characters): its page
# changes; the lists it is on, home and the indexes are not even made
# again (posting.shown_key, pages.c whole_key), so no pay chart is drawn
printf '\nYou will build relationships with hospital systems, physician groups and ancillary providers, resolve escalated claim disputes, and train office staff on referral and authorization rules.\n' >> "$S/content/mover.md"
build body3
same body3
printf '\nVisa sponsorship is not available for this role.\n' >> "$S/content/mover.md"
build tail
check "tail: one file parsed" test "$(field tail 4)" -eq 1
check "tail: the page has the new text" grep -rq 'Visa sponsorship is not available' "$OUT/jobs"
check "tail: no list or index page made again" grep -q '^  charts *0 ' "$T/tail.out"
same tail

# 1d. an edit in the card's summary of a posting far down the list (the
# oldest): its page and the list pages it is on are made again; home, the
# indexes and search/ are not (pages.c, whole_inputs)
cat > "$S/content/oldest.md" <<'EOF'
---
title: Claims Research Analyst
employer: Anthem
location: Orlando, FL
salary: $52,000 - $58,000 a year
date: 2020-01-15
---
Research claim denials for provider offices.
EOF
build oldest
same oldest
sed -i 's/^Research claim denials/Research and resolve claim denials/' "$S/content/oldest.md"
JOBSITE_TIMINGS=1 build summary
check "summary edit: the page has the new text" grep -rq 'Research and resolve claim denials' "$OUT/jobs"
check "summary edit: some pages made again" grep -q '^timing: pages made [1-9][0-9]* of ' "$T/summary.err"
check "summary edit: not home, the indexes or search/" grep -q '^timing: pages made .*(home, indexes and search: 0)$' "$T/summary.err"
same summary
rm "$S/content/oldest.md"
build oldestgone
same oldestgone

# 2. its employer: it moves from Anthem's page to Sidecar Health's
sed -i 's/^employer: Anthem$/employer: Sidecar Health/' "$S/content/mover.md"
JOBSITE_TIMINGS=1 build employer
check "employer: the site model is made again" grep -q '^timing: site model  ' "$T/employer.err"
check "employer: home, the indexes and search/ made again (their groups changed)" grep -q '^timing: pages made .*(home, indexes and search: [1-9])$' "$T/employer.err"
same employer
check "employer: on the new employer's page" grep -q 'Provider Network Liaison' "$OUT/employers/sidecar-health/index.html"
check "employer: gone from the old one" sh -c "! grep -q 'Provider Network Liaison' '$OUT/employers/anthem/index.html'"

# an edit writes only the cache's deltas: the postings and words files stay.
# Files changed within 2 s of a build keep no stat (racily clean) and are
# hashed again next time, so let every file age first.
C=$S/.jobsite-cache
ino() { stat -c %i "$1" 2>/dev/null; }
sleep 3
build settle
same settle

# Nothing changed and every file older than the racy window: the build
# stops after checking the inputs and the output, with the same messages.
uptodate() {
	local step=$1 before=$2; shift 2
	build "$step" "$@"
	set -- "$step" "$before"
	check "$1: nothing to do" grep -q '^  files written *0 *(nothing changed since the last build)$' "$T/$1.out"
	check "$1: the same warnings as the build before" diff <(sort "$T/$2.err") <(sort "$T/$1.err")
	# (but for the times in it)
	check "$1: the same summary" diff <(grep -v '^  \(files written\|time\) ' "$T/$2.out" | sed 's/[0-9]* ms //') \
		<(grep -v '^  \(files written\|time\) ' "$T/$1.out" | sed 's/[0-9]* ms //')
	same "$1"
}
# built: STEP was a real build (not "nothing to do")
built() {
	check "$1: a real build" sh -c "! grep -q 'nothing changed since the last build' '$T/$1.out'"
}
check "settle: warnings to repeat" test "$(grep -c ': warning: ' "$T/settle.err")" -ge 10
uptodate uptodate settle
uptodate uptodate-twice uptodate
echo "stray" > "$OUT/jobs/stray.html"
build stray
built stray
same stray
check "stray: removed" test ! -e "$OUT/jobs/stray.html"
uptodate uptodate-stray stray
page=$(find "$OUT/jobs" -name index.html | sort | head -1)
echo "<!-- grown by hand -->" >> "$page"
build grown
built grown
same grown
rm "$page"
build removed
built removed
same removed
mkdir -p "$S/static"
echo "body { margin: 0 }" > "$S/static/extra.css"
build static
built static
check "static: the new file is out" test -s "$OUT/static/extra.css"
same static
uptodate uptodate-static static
echo "body { margin: 1px }" > "$S/static/extra.css"
build static2
built static2
same static2
rm -r "$S/static"
build static3
built static3
same static3
touch "$S/content/mover.md"
build touched2
built touched2
check "touched: nothing parsed" test "$(field touched2 4)" -eq 0
same touched2
sleep 3
build settle2
same settle2
uptodate uptodate-settle2 settle2
# --strict fails on the warnings a build with nothing to do reports again
cp -r "$OUT" "$T/before-uptodate-strict"
"$JOBSITE" build -s "$S" -o "$OUT" --strict > "$T/uptodate-strict.out" 2> "$T/uptodate-strict.err"
check "up to date, --strict with warnings: fails" test $? -ne 0
check "up to date, --strict: says why" grep -q 'warnings and --strict' "$T/uptodate-strict.err"
check "up to date, --strict: output as it was" diff -r "$T/before-uptodate-strict" "$OUT"
uptodate uptodate-after-strict settle2
# options that change no byte do not count
uptodate jobs1 settle2 -j 1
# a damaged record is never trusted
python3 - "$S/.jobsite-cache/public.last" <<'EOF2'
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
b[len(b) // 2] ^= 0x5a
open(p, 'wb').write(bytes(b))
EOF2
build lastbad -j 1
built lastbad
check "damaged record: a warning names it" grep -q 'public.last: warning: build cache is corrupt' "$T/lastbad.err"
same lastbad
uptodate uptodate-lastbad-next jobs1
pino=$(ino "$C/public.postings") wino=$(ino "$C/public.words")
sed -i 's/^salary: .*/salary: $72,000 - $81,000 a year/' "$S/content/mover.md"
build delta
check "delta: the postings cache has a delta" test -s "$C/public.postings.delta"
check "delta: the words cache has a delta" test -s "$C/public.words.delta"
# (against the postings' records and descriptions: what a whole write would be)
check "delta: it is small ($(stat -c %s "$C/public.postings.delta" 2>/dev/null) bytes)" \
	test "$(stat -c %s "$C/public.postings.delta" 2>/dev/null || echo 999999999)" -lt $(( ($(stat -c %s "$C/public.postings") + $(stat -c %s "$C/public.desc")) / 20 ))
check "delta: one file parsed, the rest from the file" test "$(field delta 4)" -eq 1 -a "$(field delta 3)" -ge 300
check "delta: the postings file was not written again" test "$(ino "$C/public.postings")" = "$pino"
check "delta: the words file was not written again" test "$(ino "$C/public.words")" = "$wino"
same delta
# a damaged delta: its files are read again, with a warning; the rest still comes from the cache
for f in postings words; do
	python3 - "$C/public.$f.delta" <<'EOF2'
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
b[len(b) - 3] ^= 0x5a
open(p, 'wb').write(bytes(b))
EOF2
done
sed -i 's/^salary: .*/salary: $73,000 - $82,000 a year/' "$S/content/mover.md"
build baddelta
check "damaged delta: the postings file was not written again" test "$(ino "$C/public.postings")" = "$pino"
check "damaged delta: a warning names the postings delta" grep -q "public.postings.delta: warning: build cache is corrupt" "$T/baddelta.err"
check "damaged delta: a warning names the words delta" grep -q "public.words.delta: warning: build cache is corrupt" "$T/baddelta.err"
check "damaged delta: only the files it held are parsed" test "$(field baddelta 4)" -ge 1 -a "$(field baddelta 4)" -le 3 -a "$(field baddelta 3)" -ge 300
same baddelta
nolast
build afterdelta
check "after a damaged delta: all from the cache again" test "$(field afterdelta 4)" -eq 0 -a "$(field afterdelta 3)" -ge 300
same afterdelta
# a third of the postings edited: the files are written whole, the deltas go
for f in $(ls "$S/content/corpus" | awk 'NR % 3 == 0'); do
	printf '\nEdited with many others.\n' >> "$S/content/corpus/$f"
done
build many
check "many edits: the postings file written whole" test "$(ino "$C/public.postings")" != "$pino"
check "many edits: the words file written whole" test "$(ino "$C/public.words")" != "$wino"
check "many edits: no delta left" test ! -e "$C/public.postings.delta" -a ! -e "$C/public.words.delta"
same many
nolast
build aftermany
check "after many edits: all from the cache" test "$(field aftermany 4)" -eq 0
same aftermany

# 3. a posting deleted: its page goes, and every list it was on changes
victim=$(ls "$S/content/corpus" | head -1)
rm "$S/content/corpus/$victim"
build deleted
check "deleted: files left unchanged" test "$(field deleted 2)" -gt $((total / 2))
same deleted

# 4. a posting added
cat > "$S/content/added.md" <<'EOF'
---
title: Payer Contracting Analyst
employer: Brand New Health Plan
location: Boise, ID
salary: $90,000 - $110,000 a year
date: 2026-05-31
---
Model payer contract terms for a new plan in Idaho.
EOF
build added
check "added: one file parsed" test "$(field added 4)" -eq 1
same added
check "added: its employer has a page" test -s "$OUT/employers/brand-new-health-plan/index.html"

# 5. a template
sed -i 's|</footer>|<p class="colophon">Rebuilt incrementally.</p></footer>|' "$S/templates/base.mustache"
check "the template edit took" grep -q colophon "$S/templates/base.mustache"
build template
check "template: nothing parsed" test "$(field template 4)" -eq 0
same template
check "template: every page has the change" test "$(grep -rl 'Rebuilt incrementally' "$OUT/jobs" | wc -l)" -ge 300

# 6. the config
sed -i 's/^title: Incremental Board$/title: Renamed Board/' "$S/jobsite.yml"
build config
same config
check "config: the new title is on the home page" grep -q 'Renamed Board' "$OUT/index.html"
# config that changes what ingest makes: other salary bands
printf 'salary_bands:\n  edges: [60000, 120000]\n' >> "$S/jobsite.yml"
build bands
check "bands: every posting parsed again" test "$(field bands 3)" -eq 0
same bands

# a closed posting links to its employer only while the employer has an
# open one: its page changes although its file does not
cat > "$S/content/closed.md" <<'EOF2'
---
title: Credentialing Specialist
employer: Lonely Clinic
location: Helena, MT
date: 2025-10-01
expires: 2026-01-31
---
Verify provider credentials for a small clinic.
EOF2
build closed
same closed
check "closed: its page says so" grep -rq 'Credentialing Specialist' "$OUT/jobs"
check "closed: no employer page yet" test ! -e "$OUT/employers/lonely-clinic/index.html"
cat > "$S/content/opened.md" <<'EOF2'
---
title: Front Desk Coordinator
employer: Lonely Clinic
location: Helena, MT
date: 2026-05-30
---
Greet patients and schedule visits.
EOF2
build opened
same opened
check "opened: the employer has a page now" test -s "$OUT/employers/lonely-clinic/index.html"
# the build date decides what is closed
sed -i 's/^build_date: 2026-06-01$/build_date: 2026-01-15/' "$S/jobsite.yml"
build builddate
same builddate
check "build date: the closed posting is open again" grep -q 'Credentialing Specialist' "$OUT/employers/lonely-clinic/index.html"

# the output edited by hand: a page deleted, a page changed, both restored
page=$(find "$OUT/jobs" -name index.html | head -1)
rm "$page"
echo "defaced" > "$OUT/index.html"
mkdir -p "$OUT/extra/deeper"
echo "stray" > "$OUT/extra/deeper/stray.html"
echo "stray" > "$OUT/jobs/stray.html"
build handedit
check "hand-edited output: two files written again" test "$(field handedit 1)" -eq 2
same handedit

# a top folder of the output gone, another swapped for an empty one
# (the output check stats entries from their top folder's descriptor)
nstates=$(find "$OUT/states" -type f | wc -l)
nemployers=$(find "$OUT/employers" -type f | wc -l)
rm -rf "$OUT/states"
mv "$OUT/employers" "$T/employers-away"
mkdir "$OUT/employers"
build topgone
check "top folders gone: all their files written again" \
	test "$(field topgone 1)" -eq $((nstates + nemployers))
same topgone
rm -rf "$T/employers-away"

# a posting's page folder, with a file put in it by hand, when the
# posting goes: the whole folder goes
pagedir=$(ls -d "$OUT"/jobs/provider-network-liaison*/ | head -1)
pagedir=${pagedir%/}
check "the mover has a page folder" test -d "$pagedir" -a "$pagedir" != "$OUT/jobs"
echo "notes" > "$pagedir/notes.txt"
mv "$S/content/mover.md" "$T/mover.md"
build strayinold
same strayinold
check "stray in a gone folder: the folder is gone" test ! -e "$pagedir"
mv "$T/mover.md" "$S/content/mover.md"
build moverback
same moverback

# -j 1 gives the same as the threaded rebuild
printf '\nA second added line.\n' >> "$S/content/added.md"
build serial -j 1
same serial

# a failing --strict build leaves the output and its cache as they were
cp -r "$OUT" "$T/before"
printf -- '---\ntitle: \n---\n\n' > "$S/content/bad.md"
"$JOBSITE" build -s "$S" -o "$OUT" --strict > /dev/null 2> "$T/strict.err"
check "strict build with warnings fails" test $? -ne 0
check "strict: output left as it was" diff -r "$T/before" "$OUT"
rm "$S/content/bad.md"
nolast
build afterstrict
check "after strict: cache still used" test "$(field afterstrict 3)" -ge 300 -a "$(field afterstrict 4)" -eq 0
same afterstrict

# a damaged cache: never trusted, a full build with a warning
for what in corrupt truncated foreign; do
	for f in postings manifest words body site; do
		case $what in
		corrupt) python3 - "$C/public.$f" <<'EOF'
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
b[len(b) // 2] ^= 0x5a
open(p, 'wb').write(bytes(b))
EOF
			;;
		truncated) truncate -s $(( $(stat -c %s "$C/public.$f") * 2 / 3 )) "$C/public.$f" ;;
		foreign) head -c 4000 /dev/urandom > "$C/public.$f" ;;
		esac
	done
	printf '\nChanged with a %s cache.\n' "$what" >> "$S/content/added.md"
	build "$what"
	check "$what cache: build exits 0" test $? -eq 0
	check "$what cache: a warning names the postings cache" grep -q "public.postings: warning: build cache" "$T/$what.err"
	check "$what cache: a warning names the manifest" grep -q "public.manifest: warning: build cache" "$T/$what.err"
	check "$what cache: a warning names the search words" grep -q "public.words: warning: build cache" "$T/$what.err"
	check "$what cache: a warning names the search body table" grep -q "public.body: warning: build cache" "$T/$what.err"
	check "$what cache: a warning names the site model's memo" grep -q "public.site: warning: build cache .*the site model is made again" "$T/$what.err"
	check "$what cache: nothing taken from it" test "$(field "$what" 3)" -eq 0 -a "$(field "$what" 2)" -eq 0
	same "$what"
	nolast
	build "$what-next"
	check "$what cache: rewritten, the next build uses it" test "$(field "$what-next" 3)" -ge 300
	check "$what cache: the warning is not counted" cmp <(grep "^  warnings" "$T/$what.out") <(grep "^  warnings" "$T/$what-next.out")
done
check "corrupt: says checksum" grep -q 'corrupt (checksum mismatch)' "$T/corrupt.err"
check "truncated: says truncated" grep -q 'is truncated' "$T/truncated.err"

# The descriptions file (descstore.h) is read only where a page needs a
# description; what it holds is checked as it is read.  Damaged bytes: the
# description is made again from its source file, with a warning.  A
# template edit makes every posting page read its description.
nolast
build desc-base
cp "$S/templates/posting.mustache" "$T/posting.mustache.orig"
python3 - "$C/public.desc" <<'EOF'
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
for k in range(1, 8):
    b[len(b) * k // 8] ^= 0x5a
open(p, 'wb').write(bytes(b))
EOF
sed -i 's|</article>|<p class="desc-check">Checked.</p></article>|' "$S/templates/posting.mustache"
check "desc: the template edit took" grep -q desc-check "$S/templates/posting.mustache"
build desc-damaged
check "damaged descriptions: a warning names the file and a posting" grep -q "public.desc: warning: build cache is damaged: the description of '.*' did not read back as written; made again from that file" "$T/desc-damaged.err"
check "damaged descriptions: the postings still come from the cache" test "$(field desc-damaged 3)" -ge 300 -a "$(field desc-damaged 4)" -eq 0
check "damaged descriptions: the warning is not counted" cmp <(grep "^  warnings" "$T/desc-base.out") <(grep "^  warnings" "$T/desc-damaged.out")
same desc-damaged
cp "$T/posting.mustache.orig" "$S/templates/posting.mustache"
check "damaged descriptions: each posting said once" test "$(grep -c 'did not read back' "$T/desc-damaged.err")" -eq "$(grep 'did not read back' "$T/desc-damaged.err" | sort -u | wc -l)"
check "damaged descriptions: the postings cache goes" grep -q "public.desc: warning: build cache: the descriptions of [0-9]* postings* w[a-z]* made again; the postings cache is removed" "$T/desc-damaged.err"
nolast
build desc-after-damage
check "after damaged descriptions: a full build, no damage left" sh -c "test $(field desc-after-damage 3) -eq 0 && ! grep -q 'did not read back' '$T/desc-after-damage.err'"
same desc-after-damage
nolast
build desc-after-damage2
check "after damaged descriptions: the cache is used again" test "$(field desc-after-damage2 3)" -ge 300
# truncated: the records pointing past its end are read again from their files
nolast
truncate -s $(( $(stat -c %s "$C/public.desc") * 2 / 3 )) "$C/public.desc"
printf '\nChanged with a truncated descriptions file.\n' >> "$S/content/added.md"
build desc-truncated
check "truncated descriptions: a warning says so" grep -q "public.desc: warning: build cache is truncated" "$T/desc-truncated.err"
check "truncated descriptions: some postings read again, the rest from the cache" test "$(field desc-truncated 4)" -ge 50 -a "$(field desc-truncated 3)" -ge 100
same desc-truncated
# not the file the postings cache names: none of it is trusted
for what in foreign missing; do
	nolast
	case $what in
	foreign) head -c 4000 /dev/urandom > "$C/public.desc" ;;
	missing) rm -f "$C/public.desc" ;;
	esac
	printf '\nChanged with a %s descriptions file.\n' "$what" >> "$S/content/added.md"
	build "desc-$what"
	check "$what descriptions: nothing from the postings cache" test "$(field "desc-$what" 3)" -eq 0
	same "desc-$what"
	nolast
	build "desc-$what-next"
	check "$what descriptions: rewritten, the next build uses them" test "$(field "desc-$what-next" 3)" -ge 300
done
check "foreign descriptions: a warning names the file" grep -q "public.desc: warning: build cache descriptions are missing or not the ones" "$T/desc-foreign.err"
check "missing descriptions: only a note (shown with -v)" sh -c "! grep -q 'public.desc' '$T/desc-missing.err'"

# A file changed just before a build (inside the racy window its stat
# cannot vouch for) keeps the hash of the bytes that build read in the
# record: the next build compares the bytes instead.
cp "$S/content/mover.md" "$T/mover.orig"
printf '\nA line added.\n' >> "$S/content/mover.md"
build racy1
built racy1
build racy2
check "racy: the same bytes again, nothing to do" grep -q '^  files written *0 *(nothing changed since the last build)$' "$T/racy2.out"
same racy2
sed -i 's/A line added\./A line edited/' "$S/content/mover.md"
build racy3
built racy3
check "racy: other bytes of the same size, the posting parsed" test "$(field racy3 4)" -ge 1
same racy3
cp "$T/mover.orig" "$S/content/mover.md"

# --no-cache: a full build that trusts nothing, and writes the cache afresh
build nocache --no-cache
check "--no-cache: nothing from the cache" test "$(field nocache 3)" -eq 0 -a "$(field nocache 2)" -eq 0
same nocache

# The search index's key holds (no posting changed) but one of its files
# is gone from the output: the index is made again, with one thread and
# with two (the key is made on the index's thread, build.c search_keep)
for j in 1 2; do
	rm -f "$(ls "$OUT"/search/data/w1-*.json | head -1)"
	nolast
	build "search-gone-$j" -j "$j"
	check "a search file gone (-j $j): the index made again" \
		sh -c "! grep -q 'search files.*unchanged' '$T/search-gone-$j.out'"
	same "search-gone-$j"
	nolast
	build "search-kept-$j" -j "$j"
	check "then (-j $j) kept as it is" grep -q 'search files.*unchanged' "$T/search-kept-$j.out"
	same "search-kept-$j"
done

# A board of 5,000 postings: its commonest body words get pruned lists
# ("~", search_index.h).  A one-posting edit patches the body table in and
# keeps the final lists the last index made of every list it did not
# touch; the edit repeats a common word, so one pruned list is made again.
S=$T/large
OUT=$S/public
python3 "$SHARED/tools/gen-corpus" --count 5000 --seed 5 --out "$S/content" --quiet
printf 'title: Large Board\nbuild_date: 2026-06-01\n' > "$S/jobsite.yml"
build large-cold
check "large: cold build" test "$(field large-cold 4)" -ge 5000
check "large: pruned lists in the index" test -n "$(grep -l '"~' "$OUT"/search/data/w1-*.json | head -1)"
md=$(ls "$S"/content/*.md | head -1)
printf '\nExperience with experience: experience, experience and experience again.\n' >> "$md"
build large-edit
check "large: one posting patched in, final lists kept" \
	grep -qE 'head and body words of 1 postings patched in, [1-9][0-9]* final lists kept' "$T/large-edit.out"
# the hints of words whose lists did not change come from the last index
check "large: hints and rows taken from the last index" \
	grep -qE 'hints of [1-9][0-9]* of [0-9]+ words and 4999 rows kept' "$T/large-edit.out"
same large-edit
# titles of three postings, lengthened (so they keep their place in the
# site order): the lists of their title words change, and the words
# sharing postings with those (the hints' partners) may rank others first
for f in $(ls "$S"/content/*.md | sed -n '2p;4p;5p'); do
	sed -i '0,/^# .*/s//& Senior Manager Network/' "$f"
done
build large-titles
check "large: title edits patched in, hints kept" \
	grep -qE 'head and body words of [0-9]+ postings patched in, .*hints of [1-9][0-9]* of [0-9]+ words and [1-9][0-9]* rows kept' \
	"$T/large-titles.out"
same large-titles

# The walk's memo (cache.h, cache_walk_get): while no folder of the content
# has changed, the walk's readdir is skipped and its last list taken.  A
# memo is saved only when every folder was left alone for 2 s before the
# walk (else a change within the mtime's granularity could go unseen), so
# the folders' mtimes are set an hour back with touch -d before each walk
# that should save one.
S=$T/walk
OUT=$S/public
mkdir -p "$S/content/sub"
python3 "$SHARED/tools/gen-corpus" --count 30 --seed 3 --out "$S/content" --quiet
mv "$(ls "$S"/content/*.md | head -1)" "$S/content/sub/"
printf 'title: Walk Board\nbuild_date: 2026-06-01\n' > "$S/jobsite.yml"
aged() { find "$S/content" -type d -exec touch -d '-1 hour' {} +; }
walked() { grep -q '^timing: walk  ' "$T/$1.err"; }
kept() { grep -q '^timing: walk (kept)' "$T/$1.err"; }
aged
JOBSITE_TIMINGS=1 build walk-cold
check "walk memo: the first build walks" walked walk-cold
check "walk memo: saved" test -s "$S/.jobsite-cache/public.walk"
same walk-cold
nolast
JOBSITE_TIMINGS=1 build walk-again
check "walk memo: taken when no folder changed" kept walk-again
same walk-again
# each change to a folder's entries: the walk runs, and the output is a
# clean build's
step() { # NAME: build, walked, same; then age the folders for the next
	nolast
	JOBSITE_TIMINGS=1 build "$1"
	check "walk memo: $1: the walk runs" walked "$1"
	same "$1"
	aged
	nolast
	JOBSITE_TIMINGS=1 build "$1-saved"
	nolast
	JOBSITE_TIMINGS=1 build "$1-after"
	check "walk memo: $1: taken again once the folders are old" kept "$1-after"
	same "$1-after"
}
aged
cp "$S/content/sub/"*.md "$S/content/sub/added.md"; sed -i 's/^# .*/& Added/' "$S/content/sub/added.md"
step "added in a subfolder"
rm "$S/content/sub/added.md"
step "removed from a subfolder"
f=$(ls "$S"/content/*.md | tail -1)
mv "$f" "$S/content/zz-renamed.md"
step "renamed"
mkdir "$S/content/sub2"; mv "$S/content/zz-renamed.md" "$S/content/sub2/"
step "a new folder"
# a folder changed within 2 s of the walk: no memo, the next build walks
echo '# Late Posting' > "$S/content/late.md"; echo 'Careers with Optum.' >> "$S/content/late.md"
nolast
JOBSITE_TIMINGS=1 build walk-racy
check "walk memo: none saved after a folder changed 2 s before the walk" \
	test ! -e "$S/.jobsite-cache/public.walk"
nolast
JOBSITE_TIMINGS=1 build walk-racy2
check "walk memo: so the next build walks" walked walk-racy2
same walk-racy2
# a symbolic link: where it points can change unseen, so never a memo
aged
ln -s "$S/content/late.md" "$S/content/link.md"
touch -h -d '-1 hour' "$S/content/link.md"; aged
nolast
JOBSITE_TIMINGS=1 build walk-link
check "walk memo: none with a symbolic link" test ! -e "$S/.jobsite-cache/public.walk"
rm "$S/content/link.md"; aged
nolast; JOBSITE_TIMINGS=1 build walk-relink
nolast; JOBSITE_TIMINGS=1 build walk-relink2
check "walk memo: taken once the link is gone" kept walk-relink2
# another working folder (a relative content path means another folder)
nolast
(cd "$T" && JOBSITE_TIMINGS=1 "$JOBSITE" build -s "$S" -o "$OUT" > "$T/walk-cwd.out" 2> "$T/walk-cwd.err")
check "walk memo: not taken from another working folder" walked walk-cwd
# a damaged memo: said, and the walk runs
check "walk memo: saved from there" test -s "$S/.jobsite-cache/public.walk"
nolast; JOBSITE_TIMINGS=1 build walk-back
check "walk memo: back in the site's folder, walked again" walked walk-back
m=$S/.jobsite-cache/public.walk
printf 'garbage' | dd of="$m" bs=1 seek=$(($(stat -c %s "$m") / 2)) conv=notrunc 2> /dev/null
nolast
JOBSITE_TIMINGS=1 build walk-corrupt
check "walk memo: a corrupt one is said" grep -q 'public.walk: warning: build cache is corrupt.*content folder is read again' "$T/walk-corrupt.err"
check "walk memo: a corrupt one is not taken" walked walk-corrupt
same walk-corrupt

finish
