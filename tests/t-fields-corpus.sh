#!/bin/bash
# The field parsers against the synthetic corpus and its labels.
#
# Generates 2000 postings (gen-corpus, seed 7), prepares each crudely the
# way the loader will (BOM and CRLF dropped, mojibake undone, tags stripped,
# entities decoded, heading/bold/code markers dropped, front matter split
# off as key/value lines), runs the parsers over them (t_fields --emit:
# front matter values through *_parse, else the body through *_find) and
# reports per-field accuracy against the labels.  A field below its floor
# fails.  MISSES=N prints N misses per field.
set -u
cd "$(dirname "$0")/.."
: "${SHARED:=$(cd .. && pwd)/shared}"
: "${UNIT_DIR:=$PWD/build/tests}"
: "${TEST_TMP:=$(mktemp -d)}"
COUNT=${FIELDS_COUNT:-2000}
work="$TEST_TMP/fields-corpus"
rm -rf "$work"
mkdir -p "$work/prep"
if ! python3 "$SHARED/tools/gen-corpus" --count "$COUNT" --seed 7 --out "$work/c" \
	--labels "$work/l.jsonl" --quiet; then
	echo "gen-corpus failed"; echo "0 passed, 1 failed"; exit 1
fi
python3 - "$work/c" "$work/prep" <<'PY' || { echo "0 passed, 1 failed"; exit 1; }
import html, json, os, re, sys
src, dst = sys.argv[1], sys.argv[2]
MOJI = ("\u00e2\u20ac", "\u00c3", "\u00f0\u0178", "\u00c2")
def unmojibake(s):
    if not any(m in s for m in MOJI):
        return s
    out = bytearray()
    for ch in s:
        try:
            out += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) < 256:
                out.append(ord(ch))
            else:
                return s
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        return s
BLOCK = re.compile(r"</?(p|div|br|li|ul|h\d|tr)\b[^>]*>", re.I)
def unquote(v):
    v = v.strip()
    if v in ("", "null", "~", '""', "''"):
        return ""
    if v.startswith('"'):
        try:
            return json.loads(v)
        except ValueError:
            return v.strip('"')
    if v.startswith("'") and v.endswith("'"):
        return v[1:-1].replace("''", "'")
    return v
for name in sorted(os.listdir(src)):
    t = open(os.path.join(src, name), "rb").read().decode("utf-8", "replace")
    t = t.lstrip("\ufeff").replace("\r\n", "\n")
    t = unmojibake(t)
    fm = []
    if t.startswith("---\n"):
        end = t.find("\n---\n", 4)
        if end > 0:
            for line in t[4:end].split("\n"):
                k, _, v = line.partition(":")
                v = unquote(v)
                if v:
                    fm.append((k.strip(), v))
            t = t[end + 5:]
    if re.search(r"<(p|div|h2|li|br|b)\b", t):
        t = BLOCK.sub("\n", t)
        t = re.sub(r"<[^>]+>", "", t)
        t = html.unescape(t)
    t = re.sub(r"(?m)^#+ *", "", t)
    t = t.replace("**", "").replace("`", "")
    t = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", t)
    with open(os.path.join(dst, name), "w", encoding="utf-8") as f:
        for k, v in fm:
            f.write(f"{k}\t{v}\n")
        f.write("--\n")
        f.write(t)
PY
"$UNIT_DIR/t_fields" --emit "$work"/prep/* >"$work/got.jsonl" || { echo "0 passed, 1 failed"; exit 1; }
python3 - "$work/l.jsonl" "$work/got.jsonl" "$work/prep" "${MISSES:-0}" <<'PY'
import json, sys
labels = {}
for line in open(sys.argv[1]):
    o = json.loads(line)
    labels[o["file"]] = o
misses_n = int(sys.argv[4])
# floors: a field below its floor fails the suite
FLOOR = {"salary_min": 0.99, "salary_max": 0.99, "salary_period": 0.99, "state": 0.98,
         "city": 0.98, "workplace": 0.97, "employment_type": 0.98, "date_posted": 0.99}
ok = {k: 0 for k in FLOOR}
tot = {k: 0 for k in FLOOR}
miss = {k: [] for k in FLOOR}
def same(a, b):
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) < 1e-6
    return a == b
for line in open(sys.argv[2]):
    g = json.loads(line)
    l = labels[g["file"]]
    for k in FLOOR:
        if k not in g:
            continue          # numeric front matter, city/state keys: the loader's
        tot[k] += 1
        if same(g[k], l[k]):
            ok[k] += 1
        else:
            miss[k].append((g["file"], l[k], g[k]))
passed = failed = 0
for k in FLOOR:
    acc = ok[k] / tot[k] if tot[k] else 0
    good = acc >= FLOOR[k]
    passed += good
    failed += not good
    print(f"{k:16s} {ok[k]:5d}/{tot[k]:5d} {100*acc:6.2f}%  (floor {100*FLOOR[k]:.0f}%){'' if good else '  BELOW'}")
    for f, want, got in miss[k][:misses_n]:
        print(f"    miss {f}: want {want!r} got {got!r}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
