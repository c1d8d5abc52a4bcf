#!/usr/bin/env python3
"""Crawl a built site from index.html and check its internal links.

usage: linkcheck.py PUBLIC_DIR [BASE_URL]

Fails on: a broken internal link (href/src to a missing file; "dir/" means
"dir/index.html"), an absolute internal link (starting with "/" or with
BASE_URL), a missing #fragment target, and a page not reachable from home
(pages with <meta name="robots" content="noindex"> and 404.html are exempt).
404.html is checked separately: hosts serve it at any depth, so its links
are either relative to the root or absolute under BASE_URL.
Prints "N passed, N failed".
"""
import os
import sys
from html.parser import HTMLParser
from urllib.parse import urlsplit, unquote


class Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.ids, self.noindex = [], set(), False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "meta" and a.get("name") == "robots" and "noindex" in (a.get("content") or ""):
            self.noindex = True
        for k in ("href", "src", "action"):
            if k in a and a[k] is not None and not (tag == "link" and a.get("rel") == "canonical"):
                if tag == "meta":
                    continue
                self.links.append((tag, k, a[k]))


def parse(path):
    p = Links()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    return p


def main():
    root = os.path.realpath(sys.argv[1])
    base = sys.argv[2] if len(sys.argv) > 2 else None
    errors, checked = [], 0
    pages, seen, todo = {}, set(), [os.path.join(root, "index.html")]

    def resolve(page, url):
        """The file an internal link points at, or None for external ones."""
        u = urlsplit(url)
        if u.scheme or u.netloc:
            return None
        if u.path.startswith("/"):
            return "absolute"
        target = os.path.normpath(os.path.join(os.path.dirname(page), unquote(u.path))) if u.path else page
        if u.path.endswith("/") or (u.path and os.path.isdir(target)):
            target = os.path.join(target, "index.html")
        return target

    while todo:
        page = todo.pop()
        if page in seen:
            continue
        seen.add(page)
        p = parse(page)
        pages[page] = p
        for tag, attr, url in p.links:
            checked += 1
            rel = os.path.relpath(page, root)
            if base and url.startswith(base):
                errors.append(f"{rel}: absolute internal link {url}")
                continue
            t = resolve(page, url)
            if t is None:
                continue
            if t == "absolute":
                errors.append(f"{rel}: root-absolute link {url}")
                continue
            if not t.startswith(root + os.sep) and t != root:
                errors.append(f"{rel}: link leaves the site: {url}")
                continue
            if not os.path.isfile(t):
                errors.append(f"{rel}: broken link {url}")
                continue
            frag = urlsplit(url).fragment
            if t.endswith(".html"):
                if t not in seen:
                    todo.append(t)
                if frag:
                    tp = pages.get(t) or parse(t)
                    if frag not in tp.ids:
                        errors.append(f"{rel}: no id '{frag}' for {url}")

    for dirpath, _, files in os.walk(root):
        for f in files:
            if not f.endswith(".html"):
                continue
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, root)
            if path in seen:
                continue
            if rel == "404.html":
                p = parse(path)
                for tag, attr, url in p.links:
                    checked += 1
                    if base and url.startswith(base):
                        continue
                    t = resolve(path, url)
                    if t == "absolute" or (t and not os.path.isfile(t)):
                        errors.append(f"404.html: bad link {url}")
                continue
            if parse(path).noindex:
                continue
            errors.append(f"{rel}: not reachable from index.html")
    for e in errors:
        print("FAIL", e)
    print(f"linkcheck: {len(seen)} pages, {checked} links")
    print(f"{checked - len(errors) if checked >= len(errors) else 0} passed, {len(errors)} failed")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
