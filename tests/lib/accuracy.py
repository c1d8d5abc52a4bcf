#!/usr/bin/env python3
"""Compare `jobsite inspect --json` records with gen-corpus labels.

usage: accuracy.py LABELS.jsonl GOT.jsonl NAME [--show N]
Prints per-field accuracy and a few misses per field; the closing line is
"N passed, N failed" where each gated field at >= 99% is one pass.
"""
import json, sys, os

GATED = ["title", "employer", "state", "workplace", "annual_min", "annual_max",
         "employment_type", "date_posted", "apply_url"]
EXTRA = ["city", "salary_min", "salary_max", "salary_period", "salary_band"]

def norm(f, v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, float):
        return round(v, 2)
    return v

def main():
    labels_path, got_path, name = sys.argv[1:4]
    show = int(sys.argv[sys.argv.index("--show") + 1]) if "--show" in sys.argv else 3
    labels = [json.loads(l) for l in open(labels_path, encoding="utf-8")]
    got = {}
    for l in open(got_path, encoding="utf-8"):
        r = json.loads(l)
        got[os.path.basename(r["source"])] = r
    missing = [l["file"] for l in labels if l["file"] not in got]
    passed = failed = 0
    if missing:
        print(f"{name}: {len(missing)} postings have no record, e.g. {missing[:3]}")
        failed += 1
    print(f"{name}: {len(labels)} postings")
    for f in GATED + EXTRA:
        ok = 0
        misses = []
        for l in labels:
            r = got.get(l["file"])
            if r is None:
                continue
            if norm(f, r.get(f)) == norm(f, l.get(f)):
                ok += 1
            else:
                misses.append((l["file"], l.get(f), r.get(f)))
        pct = 100.0 * ok / len(labels)
        gate = f >= "" and f in GATED
        mark = ("ok " if pct >= 99.0 else "LOW") if gate else "   "
        print(f"  {mark} {f:16s} {pct:6.2f}%  ({ok}/{len(labels)})")
        for m in misses[:show]:
            print(f"        {m[0]}: want {m[1]!r} got {m[2]!r}")
        if gate:
            if pct >= 99.0:
                passed += 1
            else:
                failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0

if __name__ == "__main__":
    sys.exit(main())
