#!/usr/bin/env python3
"""Run the Mustache spec through `$JOBSITE render` as a separate process.

Each case gets a directory under $TEST_TMP with the template, its partials
(x -> x.mustache) and the data as JSON; stdout must equal the expected text
byte for byte.  Then the command's error reports and exit codes.  Prints
per-file counts and "N passed, N failed"; exits 1 on any failure.
"""
import json
import os
import re
import subprocess
import sys

FILES = [("comments.json", 12), ("delimiters.json", 14),
         ("interpolation.json", 42), ("inverted.json", 22),
         ("partials.json", 12), ("sections.json", 34),
         ("~inheritance.json", 27), ("~dynamic-names.json", 21)]

jobsite = os.environ["JOBSITE"]
spec_dir = os.path.join(os.environ.get("SHARED", "../shared"), "mustache-spec")
tmp = os.path.join(os.environ.get("TEST_TMP", "/tmp"), "render-spec")
passed = failed = 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {what}{': ' + detail if detail else ''}")
    return ok


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def run(args, stdin=None):
    return subprocess.run([jobsite, "render"] + args, input=stdin,
                          capture_output=True, timeout=20)


def spec_cases():
    n = 0
    total = 0
    for name, want_count in FILES:
        with open(os.path.join(spec_dir, name), encoding="utf-8") as f:
            tests = json.load(f)["tests"]
        ok = 0
        for tc in tests:
            n += 1
            d = os.path.join(tmp, f"case{n}")
            pdir = os.path.join(d, "partials")
            os.makedirs(pdir, exist_ok=True)
            write(os.path.join(d, "case.mustache"), tc["template"])
            for pname, ptext in tc.get("partials", {}).items():
                write(os.path.join(pdir, pname + ".mustache"), ptext)
            data = json.dumps(tc["data"])
            args = [os.path.join(d, "case.mustache"), "--partials", pdir]
            # every third case reads its data from stdin
            if n % 3 == 0:
                p = run(args + ["--data", "-"], stdin=data.encode())
            else:
                write(os.path.join(d, "data.json"), data)
                p = run(args + ["--data", os.path.join(d, "data.json")])
            want = tc["expected"].encode("utf-8")
            if check(p.returncode == 0 and p.stdout == want,
                     f"{name}: {tc['name']}",
                     f"rc={p.returncode} got={p.stdout!r} want={want!r} "
                     f"stderr={p.stderr.decode(errors='replace')!r}"):
                ok += 1
        check(len(tests) == want_count, f"{name}: {len(tests)} cases, "
              f"expected {want_count}")
        print(f"spec {name:22} {ok:3} of {len(tests):3} passed")
        total += len(tests)
    check(total == 184, f"{total} spec cases, expected 184")


CARET = re.compile(r"^(?P<file>[^\n:]+):(?P<line>\d+):(?P<col>\d+): error: "
                   r"(?P<msg>[^\n]*)\n  (?P<text>[^\n]*)\n  (?P<pad>[ \t]*)\^\n")


def error_report(path, want_line, want_col, want_msg, where=None):
    p = run([path])
    m = CARET.match(p.stderr.decode())
    check(p.returncode == 1, f"{path}: exit {p.returncode}, expected 1")
    if not check(m is not None, f"{path}: file:line:col report",
                 repr(p.stderr.decode())):
        return
    check(m["file"] == (where or path) and int(m["line"]) == want_line and
          int(m["col"]) == want_col and m["msg"] == want_msg,
          f"{path}: report", repr(p.stderr.decode()))
    check(len(m["pad"]) == want_col - 1, f"{path}: caret column",
          repr(p.stderr.decode()))


def errors_and_usage():
    d = os.path.join(tmp, "errors")
    page = os.path.join(d, "page.mustache")
    write(page, "<ul>\n{{#items}}\n  <li>{{name}}</li>\n\n")
    error_report(page, 2, 1, "unclosed section 'items'")
    mis = os.path.join(d, "mismatch.mustache")
    write(mis, "{{#a}}\n  {{#b}}x{{/a}}\n")
    error_report(mis, 2, 10, "mismatched closing tag 'a': the open section "
                 "is 'b'")
    delim = os.path.join(d, "delim.mustache")
    write(delim, "ok\n  {{=<% %>}}\n")
    error_report(delim, 2, 3, "bad delimiter change '{{=<% %>}}'")
    # a partial that includes itself: an error, not a stack overflow
    write(os.path.join(d, "loop.mustache"), "x{{>loop}}")
    rec = os.path.join(d, "rec.mustache")
    write(rec, "{{>loop}}\n")
    error_report(rec, 1, 2, "partial 'loop' nested too deeply (limit 64)",
                 where=os.path.join(d, "loop.mustache"))
    # a missing parent is an error; partials come from the template's dir
    write(os.path.join(d, "noparent.mustache"), "a\n {{<nosuch}}{{/nosuch}}")
    error_report(os.path.join(d, "noparent.mustache"), 2, 2,
                 "unknown parent 'nosuch'")
    write(os.path.join(d, "usesfoot.mustache"), "[{{>foot}}]")
    write(os.path.join(d, "foot.mustache"), "{{x}}")
    p = run([os.path.join(d, "usesfoot.mustache")], stdin=b"")
    check(p.returncode == 0 and p.stdout == b"[]", "default partials dir",
          repr(p))
    p = run([os.path.join(d, "usesfoot.mustache"), "--data", "-"],
            stdin=b'{"x": "<&>"}')
    check(p.returncode == 0 and p.stdout == b"[&lt;&amp;&gt;]",
          "data from stdin", repr(p))
    # bad JSON: file:line:col from jansson, with the line and a caret
    bad = os.path.join(d, "bad.json")
    write(bad, '{"a": 1,\n "b": }\n')
    p = run([page, "--data", bad])
    m = CARET.match(p.stderr.decode())
    check(p.returncode == 1 and m is not None and m["file"] == bad and
          m["line"] == "2", "bad JSON report", repr(p.stderr.decode()))
    p = run([os.path.join(d, "nosuch.mustache")])
    check(p.returncode == 1 and b"cannot read" in p.stderr, "missing template",
          repr(p))
    for args in ([], ["--bogus", page], [page, "extra"], [page, "--data"]):
        p = run(args)
        check(p.returncode == 2 and b"usage:" in p.stderr,
              f"usage error {args}", repr(p))
    p = run(["--help"])
    check(p.returncode == 0 and p.stdout.startswith(b"usage: jobsite render"),
          "--help", repr(p))


spec_cases()
errors_and_usage()
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
