#!/bin/bash
# The five sample postings give exactly the fields the Ingest issue lists.
set -u
cd "$(dirname "$0")/.."
out=$("$JOBSITE" inspect --json --quiet content/) || { echo "inspect failed"; echo "0 passed, 1 failed"; exit 1; }
python3 - "$out" <<'PY'
import json, sys
rows = {}
for l in sys.argv[1].splitlines():
    r = json.loads(l)
    rows[r["source"].split("/")[-1][:3]] = r
want = {
 "000": ("Provider Network Development Manager", ["Sidecar Health"], None, "FL", "remote", 125000, 140000,
         "https://www.remotewlb.com/apply/provider-network-development-manager"),
 "001": ("Sr. Provider Relations Manager", ["Optum"], None, "FL", None, None, None, None),
 "002": ("Payer Relations Manager - Provider Network", ["Anthem"], "Atlanta", "GA", "hybrid", 90000, 115000,
         "https://careers.antheminc.com/"),
 "003": ("VP, Strategic Healthcare Technology Partnerships", ["CareCredit"], None, None, None, 100000, 200000, None),
 "004": ("Senior Director Payor Relations & Contract",
         ["University of Maryland Medical System", "UMMS"], None, "MD", None, None, None, None),
}
fields = ["title", "employer", "city", "state", "workplace", "annual_min", "annual_max", "apply_url"]
passed = failed = 0
for key, exp in want.items():
    got = rows.get(key)
    if got is None:
        print(f"FAIL {key}: no record"); failed += 1; continue
    for f, e in zip(fields, exp):
        ok = got[f] in e if isinstance(e, list) else got[f] == e
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {key} {f}: got {got[f]!r}, want {e!r}")
    print(f"{key}: {got['title']!r} / {got['employer']!r} / {got['city']!r} {got['state']!r} "
          f"{got['workplace']!r} / {got['annual_min']!r}-{got['annual_max']!r} / {got['apply_url']!r}")
# every record carries the schema's fields, in order
keys = ["source", "id", "title", "employer", "employer_slug", "city", "state", "workplace",
        "salary_min", "salary_max", "salary_period", "salary_currency", "annual_min", "annual_max",
        "salary_band", "employment_type", "date_posted", "apply_url", "format", "warnings"]
for key, r in rows.items():
    if list(r.keys()) == keys: passed += 1
    else:
        failed += 1; print(f"FAIL {key}: keys {list(r.keys())}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
