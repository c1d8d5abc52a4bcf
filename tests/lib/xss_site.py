#!/usr/bin/env python3
"""xss_site.py - the XSS test's site and its static check.

  xss_site.py gen PAYLOADS SITE    write SITE/content/ and SITE/jobsite.yml
  xss_site.py check DIR            parse every output file of DIR; exit 1 on
                                   any active content; prints counts

gen: payloads go in groups of G = 8; a group makes 8 postings, two per
format, each with all 8 payloads in every field it has, and each with one
of them as its apply URL:
  <n>.md    front matter title, employer, location, salary (text) and
            apply_url; a Markdown body with the payloads raw, in lists,
            in link and image syntax and in raw HTML;
  <n>.html  a full page whose JSON-LD JobPosting carries them in title,
            description (HTML), hiringOrganization, address, baseSalary,
            employmentType, identifier and url, and whose body has them raw;
  <n>.txt   plain text with "Job Title:", "Company:", "Location:",
            "Salary:" and "Apply:" lines;
  <n>.json  the JSON-LD object alone, as a .json posting source.
The postings of a group share an employer, so the site has one employer
page (and feed) per group.

check: every .html, .xml, .json and .js file is parsed (html.parser, a
real XML parser, json) and fails on: an attribute named on*, a URL
attribute whose scheme (after entity decoding and stripping whitespace
and controls) is not http, https, mailto or relative, a <script> that is
neither src= on the same site nor application/ld+json holding JSON, a
JSON-LD block that does not parse or could close its script, style=,
<iframe>/<object>/<embed>/<base>/<form action> from content, and in
XML feeds any element outside the Atom namespace.
"""
import html
import html.parser
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

# ---------------------------------------------------------------- gen

def yq(s):
    """A YAML double-quoted scalar (JSON's escapes are valid YAML)."""
    return json.dumps(s, ensure_ascii=True)

def ld_json(obj):
    # As a scraped page would carry it: valid JSON that cannot close the
    # script element, so the JSON-LD path is really exercised.
    return json.dumps(obj, ensure_ascii=False).replace('<', '\\u003c')

def jobposting(n, t, url, day):
    a, b, c, d = t[:4]
    j = ' '.join(t)
    return {
        '@context': 'https://schema.org', '@type': 'JobPosting',
        'title': f'Coordinator {n} {j}',
        'description': ''.join(f'<p>{x}</p><a href="{x}">{x}</a>' for x in t) + f'<ul><li>{c}</li></ul>',
        'datePosted': f'2026-01-{day:02d}',
        'hiringOrganization': {'@type': 'Organization', 'name': j, 'sameAs': a},
        'jobLocation': {'@type': 'Place', 'address': {'@type': 'PostalAddress',
                        'addressLocality': a + ' ' + b, 'addressRegion': c + ' ' + d,
                        'addressCountry': 'US'}},
        'baseSalary': {'@type': 'MonetaryAmount', 'currency': a,
                       'value': {'@type': 'QuantitativeValue', 'minValue': 50000,
                                 'maxValue': 70000, 'unitText': b}},
        'employmentType': c, 'url': url, 'identifier': d,
    }

G = 8  # payloads per group: a group's G postings share them (and an employer)

def gen(payload_file, site):
    with open(payload_file, encoding='utf-8', errors='replace') as f:
        ps = [l.rstrip('\n') for l in f if l.strip()]
    while len(ps) % G:
        ps.append(ps[len(ps) % G])
    os.makedirs(os.path.join(site, 'content'), exist_ok=True)
    with open(os.path.join(site, 'jobsite.yml'), 'w') as f:
        f.write('title: XSS test board\nbase_url: https://jobs.example.org/\n'
                'build_date: 2026-01-30\n')
    # Posting n has format n % 4, apply URL ps[n], and in every other field
    # the G payloads of its group: each payload reaches every field in every
    # format, and is an apply URL once.
    for n, url in enumerate(ps):
        t = ps[n - n % G: n - n % G + G]
        j = ' '.join(t)
        day = 1 + n % 28
        base = os.path.join(site, 'content', f'{n:05d}')
        fmt = n % 4
        if fmt == 0:
            with open(base + '.md', 'w', encoding='utf-8') as f:
                f.write('---\n')
                f.write(f'title: {yq(f"Analyst {n} " + j)}\n')
                f.write(f'employer: {yq(j)}\n')
                f.write(f'location: {yq(j + ", FL")}\n')
                f.write(f'salary: {yq("$60,000 - $80,000 a year " + j)}\n')
                f.write(f'apply_url: {yq(url)}\n')
                f.write(f'date: 2026-01-{day:02d}\n')
                f.write('---\n\n')
                f.write(f'# Analyst {t[0]}\n\n' + ''.join(f'{x}\n\n' for x in t))
                f.write(''.join(f'* {x}\n' for x in t) + '\n')
                f.write(''.join(f'[{x}]({x}) ![{x}]({x})\n\n<div title="{x}">{x}</div>\n\n' for x in t))
        elif fmt == 1:
            ld = jobposting(n, t, url, day)
            with open(base + '.html', 'w', encoding='utf-8') as f:
                f.write('<!DOCTYPE html><html><head><title>Coordinator</title>\n')
                f.write(f'<script type="application/ld+json">{ld_json(ld)}</script></head>\n')
                f.write(f'<body><nav>{t[0]}</nav><main><h1>Coordinator {n} {t[1]}</h1>\n')
                f.write(''.join(f'<p>{x}</p>\n<div>{x}</div>\n' for x in t))
                f.write(''.join(f'<p><a href="{x}">apply</a></p>\n' for x in t))
                f.write(f'<p>Location: {t[3]}</p></main></body></html>\n')
        elif fmt == 2:
            # Plain text: the fields are only said in labelled lines.
            with open(base + '.txt', 'w', encoding='utf-8') as f:
                f.write(f'Job Title: Clerk {n} {j}\nCompany: {j}\nLocation: {j}\n')
                f.write(f'Salary: $20 - $25 per hour {j}\nApply: {url}\n\n')
                f.write(''.join(f'{x}\n\n' for x in t))
        else:
            with open(base + '.json', 'w', encoding='utf-8') as f:
                f.write(json.dumps(jobposting(n, t, url, day), ensure_ascii=False))
    print(f'{len(ps)} payloads, {len(ps)} postings')

# ---------------------------------------------------------------- check

SAFE_SCHEMES = {'http', 'https', 'mailto'}
URL_ATTRS = {'href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster',
             'background', 'cite', 'srcset', 'ping', 'manifest', 'codebase', 'lowsrc',
             'dynsrc', 'icon', 'content'}
BAD_TAGS = {'iframe', 'object', 'embed', 'frame', 'frameset', 'applet', 'base',
            'svg', 'math', 'template', 'isindex', 'xmp', 'plaintext', 'noscript', 'style'}

# The generator's own charts (src/svgchart.c) are the one <svg> allowed: the
# root as svgchart writes it, and inside only these elements and attributes.
CHART_TAGS = {'title', 'desc', 'text', 'rect', 'line', 'circle', 'g'}
CHART_ATTRS = {'xmlns', 'class', 'viewbox', 'role', 'aria-labelledby', 'font-size', 'id', 'x', 'y',
               'x1', 'y1', 'x2', 'y2', 'width', 'height', 'cx', 'cy', 'r', 'text-anchor'}

def chart_svg(attrs):
    d = dict(attrs)
    return (d.get('class') == 'chart-svg' and d.get('role') == 'img' and
            d.get('xmlns') == 'http://www.w3.org/2000/svg' and
            all(k in CHART_ATTRS for k, _ in attrs))

def scheme_of(v):
    v = html.unescape(v)
    v = re.sub(r'[\x00-\x20\x7f]+', '', v).lower()
    m = re.match(r'([a-z][a-z0-9+.\-]*):', v)
    return m.group(1) if m else None

class Checker(html.parser.HTMLParser):
    def __init__(self, path, problems):
        super().__init__(convert_charrefs=True)
        self.path, self.problems = path, problems
        self.in_script = None
        self.script_text = []
        self.in_chart = False

    def bad(self, what):
        self.problems.append(f'{self.path}:{self.getpos()[0]}: {what}')

    def handle_starttag(self, tag, attrs):
        self.check_tag(tag, attrs)
        if tag == 'script':
            self.in_script = dict(attrs)
            self.script_text = []

    def handle_startendtag(self, tag, attrs):
        self.check_tag(tag, attrs)

    def check_tag(self, tag, attrs):
        if tag == 'svg' and not self.in_chart and chart_svg(attrs):
            self.in_chart = True
            return
        if self.in_chart:
            if tag not in CHART_TAGS or any(k not in CHART_ATTRS for k, _ in attrs):
                self.bad(f'<{tag}> in a chart with {[k for k, _ in attrs]}')
            return
        if tag in BAD_TAGS:
            self.bad(f'<{tag}> element')
        for k, v in attrs:
            v = v or ''
            if k.startswith('on'):
                self.bad(f'event handler {k}= on <{tag}>')
            if k == 'style':
                self.bad(f'style= on <{tag}>')
            if k in URL_ATTRS and k != 'content':
                s = scheme_of(v)
                if s and s not in SAFE_SCHEMES:
                    self.bad(f'{k}="{v[:60]}" ({s}:) on <{tag}>')
            if k == 'http-equiv' and v.lower() == 'refresh':
                self.bad('meta refresh')
        if tag == 'form':
            a = dict(attrs).get('action')
            if a and scheme_of(a):
                self.bad(f'form posts off-site: {a[:60]}')
        if tag == 'script':
            d = dict(attrs)
            t = (d.get('type') or '').lower()
            if t == 'application/ld+json':
                if 'src' in d:
                    self.bad('ld+json with src')
            elif 'src' not in d or scheme_of(d['src']):
                self.bad('inline or off-site <script>')

    def handle_data(self, data):
        if self.in_script is not None:
            self.script_text.append(data)

    def handle_endtag(self, tag):
        if tag == 'svg':
            self.in_chart = False
        if tag == 'script' and self.in_script is not None:
            text = ''.join(self.script_text)
            if (self.in_script.get('type') or '').lower() == 'application/ld+json':
                if re.search(r'</|<!--|[<>&\u2028\u2029]', text):
                    self.bad('raw <, >, & or U+2028/9 in JSON-LD')
                try:
                    json.loads(text)
                except ValueError as e:
                    self.bad(f'JSON-LD does not parse: {e}')
            elif text.strip():
                self.bad('script element with content')
            self.in_script = None

ATOM = '{http://www.w3.org/2005/Atom}'

def check_xml(path, problems):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        problems.append(f'{path}: XML does not parse: {e}')
        return
    ns = root.tag.split('}')[0] + '}' if root.tag.startswith('{') else ''
    for el in root.iter():
        if not el.tag.startswith(ns or '{'):
            problems.append(f'{path}: element {el.tag} outside the document namespace')
        for k, v in el.attrib.items():
            if k.lower().startswith('on'):
                problems.append(f'{path}: event handler {k}=')
            if k == 'href':
                s = scheme_of(v)
                if s and s not in SAFE_SCHEMES:
                    problems.append(f'{path}: href {s}:')

def check(d):
    problems, counts = [], {'html': 0, 'xml': 0, 'json': 0, 'js': 0}
    for top, _, files in os.walk(d):
        for fn in files:
            p = os.path.join(top, fn)
            ext = fn.rsplit('.', 1)[-1]
            if ext == 'html':
                with open(p, encoding='utf-8') as f:
                    c = Checker(p, problems)
                    c.feed(f.read())
                    c.close()
            elif ext == 'xml':
                check_xml(p, problems)
            elif ext == 'json':
                try:
                    with open(p, encoding='utf-8') as f:
                        json.load(f)
                except ValueError as e:
                    problems.append(f'{p}: JSON does not parse: {e}')
            elif ext == 'js':
                if '/static/' in p:
                    counts['js'] += 1
                    continue
                # search data twins: __jobsiteSearch.load("NAME",<JSON>);
                with open(p, encoding='utf-8') as f:
                    s = f.read()
                m = re.fullmatch(r'__jobsiteSearch\.load\(("[A-Za-z0-9_.\-]+"),(.*)\);\n?', s, re.S)
                if not m:
                    problems.append(f'{p}: not a search data twin')
                else:
                    try:
                        json.loads(m.group(2))
                        if re.search(r'[\u2028\u2029]', m.group(2)):
                            problems.append(f'{p}: raw U+2028/9 in script')
                    except ValueError as e:
                        problems.append(f'{p}: JSON does not parse: {e}')
            else:
                continue
            counts[ext] += 1
    for q in problems[:40]:
        print('PROBLEM ' + q)
    print(f"checked {counts['html']} HTML, {counts['xml']} XML, {counts['json']} JSON, "
          f"{counts['js']} JS files: {len(problems)} problems")
    return 1 if problems else 0

if __name__ == '__main__':
    if len(sys.argv) == 4 and sys.argv[1] == 'gen':
        gen(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == 'check':
        sys.exit(check(sys.argv[2]))
    else:
        sys.exit(__doc__)
