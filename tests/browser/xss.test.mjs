// xss.test.mjs - every payload of ../shared/xss/payloads.txt through every
// path a posting has, built into a site, then:
//   1. every output file parsed (tests/lib/xss_site.py check): no on*
//      attribute, no javascript: (or other non-http) URL, no inline or
//      off-site script, JSON-LD that parses and cannot close its script;
//   2. every HTML page loaded in headless Chromium with the page's CSP
//      switched off (bypassCSP), so escaping alone must hold, with hooks
//      on alert/confirm/prompt/print, dialogs, console, navigation and
//      off-site requests; the search page queried for words of the
//      payloads.  Each HTML page is written into a same-origin frame
//      (fetch, then document.open/write/close: Chromium's own HTML parser,
//      scripts and handlers run as in a load), and the feeds, every page
//      the site does not have one of per posting or employer, and one in
//      eight of those are also loaded by a real navigation (navigating to
//      all 8,400 took six of the suite's fourteen minutes).  The pages are
//      shared between two tabs in two contexts, so two renderer processes
//      work at once: 6 ms a page written, 33 ms a navigation, on two cores.
// Both checks, and both ways of loading, are first shown to fail on a
// canary (a page that does run script), so a silent hook cannot pass.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, serve, tally, REPO } from './search-lib.mjs';

const t = tally();
const SHARED = process.env.SHARED || path.resolve(REPO, '../shared');
const PAYLOADS = path.join(SHARED, 'xss/payloads.txt');
const JOBSITE = process.env.JOBSITE || path.join(REPO, 'jobsite');
const tmp = process.env.TEST_TMP || fs.mkdtempSync(path.join(os.tmpdir(), 'xss-test-'));
const site = path.join(tmp, 'xss-site');
const out = path.join(site, 'public');
const py = (...args) => spawnSync('python3', [path.join(REPO, 'tests/lib/xss_site.py'), ...args],
	{ encoding: 'utf8', maxBuffer: 1 << 26 });

// ---- the site ----------------------------------------------------------
// Served from the start: the site's base_url is this server, so the
// absolute links of 404.html (served at any path), the feeds and the
// JSON-LD lead back to it, and no request has to be intercepted (routing
// every request through Playwright took a third of the browser's time).
const srv = await serve(out, { prefix: '/', csp: false, cache: true });
const origin = srv.url.replace(/\/$/, '');
fs.rmSync(site, { recursive: true, force: true });
const npay = fs.readFileSync(PAYLOADS, 'utf8').split('\n').filter((l) => l.trim()).length;
let r = py('gen', PAYLOADS, site);
t.check(r.status === 0, 'generate the payload postings', r.stderr);
const cfg = path.join(site, 'jobsite.yml');
fs.writeFileSync(cfg, fs.readFileSync(cfg, 'utf8').replace(/^base_url: .*$/m, `base_url: ${origin}/`));
const nposts = fs.readdirSync(path.join(site, 'content')).length;
t.check(nposts >= npay, `${npay} payloads in ${nposts} postings`);
let t0 = Date.now();
r = spawnSync(JOBSITE, ['build', '-q', '-s', site], { encoding: 'utf8', maxBuffer: 1 << 26 });
t.check(r.status === 0, 'jobsite build succeeds', r.stderr.slice(0, 2000));
console.log(`build: ${Date.now() - t0} ms`);
const report = JSON.parse(fs.readFileSync(path.join(site, 'build-report.json'), 'utf8'));
// Nothing vanishes: every file is a posting, a reported duplicate or a
// reported skip.
const dups = Array.isArray(report.duplicates) ? report.duplicates.length : report.duplicates;
const posts = Array.isArray(report.postings) ? report.postings.length : report.postings;
t.check(posts + report.skipped.length === nposts,
	`every posting accounted for (${posts} read, ${report.skipped.length} skipped, ${dups} duplicates)`);

// ---- 1. the static check, and its canary ------------------------------
t0 = Date.now();
r = py('check', out);
console.log(r.stdout.trim().split('\n').slice(-1)[0] + ` (${Date.now() - t0} ms)`);
t.check(r.status === 0, 'every output file parses clean', r.stdout.slice(0, 3000));

const canary = path.join(tmp, 'canary');
fs.rmSync(canary, { recursive: true, force: true });
fs.mkdirSync(canary);
const BAD = {
	'a.html': '<p><img src=x onerror=alert(1)></p>',
	'b.html': '<a href=" jav&#x09;ascript:alert(1)">x</a>',
	'c.html': '<script>alert(1)</script>',
	'd.html': '<script type="application/ld+json">{"a":"</script><script>alert(1)</script>"}</script>',
	'e.html': '<script src="https://evil.example/x.js"></script>',
	'f.xml': '<feed xmlns="http://www.w3.org/2005/Atom"><x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script></feed>',
	'g.json': '{"a": ',
};
for (const [f, body] of Object.entries(BAD))
	fs.writeFileSync(path.join(canary, f), body);
r = py('check', canary);
const found = (r.stdout.match(/^PROBLEM /gm) || []).length;
t.check(r.status === 1 && new Set((r.stdout.match(/canary\/(\w+\.\w+)/g) || [])).size === Object.keys(BAD).length,
	`the static check catches each of ${Object.keys(BAD).length} canary files (${found} problems)`, r.stdout);

// ---- 2. the browser -----------------------------------------------------
function htmlPages(dir) {
	const pages = [];
	const walk = (d, rel) => {
		for (const e of fs.readdirSync(d, { withFileTypes: true })) {
			if (e.isDirectory())
				walk(path.join(d, e.name), rel + e.name + '/');
			else if (e.name.endsWith('.html'))
				pages.push(rel + (e.name === 'index.html' ? '' : e.name));
		}
	};
	walk(dir, '');
	return pages.sort();
}

function feedFiles(dir) {
	const feeds = [];
	const walk = (d, rel) => {
		for (const e of fs.readdirSync(d, { withFileTypes: true })) {
			if (e.isDirectory())
				walk(path.join(d, e.name), rel + e.name + '/');
			else if (e.name.endsWith('.xml') && !e.name.startsWith('sitemap'))
				feeds.push(rel + e.name);
		}
	};
	walk(dir, '');
	return feeds.sort();
}

const hits = [];
async function hookedContext(browser, origin) {
	const ctx = await browser.newContext({ bypassCSP: true });
	await ctx.exposeBinding('__xssHit', ({ frame }, what) => {
		hits.push(`${what} in ${frame.url()}`);
	});
	await ctx.addInitScript(() => {
		for (const f of ['alert', 'confirm', 'prompt', 'print']) {
			window[f] = function () {
				window.__xssHit(f + '(' + Array.from(arguments).join(',').slice(0, 40) + ')');
			};
		}
		document.addEventListener('securitypolicyviolation', (e) => window.__xssHit('CSP ' + e.violatedDirective));
	});
	// Nothing else may be fetched: an injected <img src=//evil> is a hit.
	ctx.on('request', (req) => {
		const u = req.url();
		if (!u.startsWith(origin + '/') && !u.startsWith('data:') && u !== 'about:blank')
			hits.push('request to ' + u.slice(0, 100));
	});
	return ctx;
}
// A page's frames may go only where the test sends them: the URLs it
// loads (`sent`), the page's own and about:blank (a frame a page was
// written into takes the URL of the page that wrote it).
const sent = new Set();
function watch(page) {
	page.on('dialog', (d) => { hits.push('dialog ' + d.type()); d.dismiss().catch(() => {}); });
	page.on('console', (m) => hits.push(`console.${m.type()} ${m.text().slice(0, 100)}`));
	page.on('pageerror', (e) => hits.push('page error ' + e.message.slice(0, 100)));
	page.on('framenavigated', (f) => {
		const u = f.url().replace(/#.*/, '');
		if (!sent.has(u) && u !== 'about:blank' && u !== page.url().replace(/#.*/, ''))
			hits.push('navigation to ' + u.slice(0, 100));
	});
}

// Load `urls` in iframes of one page, W at a time, and check each.
// mode 'nav': the frame navigates to the URL; afterwards it must still be
// there.  mode 'write': the page's HTML is fetched and written into the
// frame's document, whose alert/confirm/prompt/print report like the
// hooked ones (the context's init script only runs on a navigation); the
// frame must still hold the written document afterwards.  Either way its
// live DOM must hold no on* attribute and no javascript: link.
async function loadAll(page, urls, mode = 'nav', W = 8) {
	return page.evaluate(async ([list, how, workers]) => {
		const bad = [];
		let i = 0, done = 0;
		const scan = (d, u) => {
			for (const e of d.querySelectorAll('*')) {
				for (const a of e.attributes) {
					if (/^on/i.test(a.name))
						bad.push(`${u}: ${e.tagName} ${a.name}`);
					else if (/^\s*(javascript|vbscript|data):/i.test(a.value) && /href|src|action/i.test(a.name))
						bad.push(`${u}: ${e.tagName} ${a.name}=${a.value.slice(0, 40)}`);
				}
			}
		};
		const frame = () => {
			const f = document.createElement('iframe');
			f.style.display = 'none'; /* no layout: faster, parsing and scripts as ever */
			document.body.appendChild(f);
			return f;
		};
		/* nav and write return true when the frame went somewhere else
		 * (and must be replaced) */
		const nav = async (f, u) => {
			await new Promise((res) => { f.onload = res; f.src = u; });
			const d = f.contentDocument; /* null once it is on another origin */
			if (!d || d.location.href.replace(/#.*/, '') !== new URL(u).href) {
				bad.push(`navigated away from ${u}: ${d ? d.location.href : 'another origin'}`);
				return true;
			}
			scan(d, u);
			return false;
		};
		const write = async (f, u) => {
			const r = await fetch(u);
			if (!r.ok) {
				bad.push(`${u}: HTTP ${r.status}`);
				return false;
			}
			const html = await r.text();
			const w = f.contentWindow, d = f.contentDocument;
			d.open();
			const at = w.location.href;
			for (const fn of ['alert', 'confirm', 'prompt', 'print'])
				w[fn] = function () {
					window.__xssHit(fn + '(' + Array.from(arguments).join(',').slice(0, 40) + ') written from ' + u);
				};
			const loaded = new Promise((res) => {
				w.addEventListener('load', () => res(true), { once: true });
				setTimeout(() => res(false), 10000);
			});
			d.write(html);
			d.close();
			if (!(await loaded))
				bad.push(`${u}: the written page never finished loading`);
			if (f.contentDocument !== d || d.location.href !== at) {
				bad.push(`navigated away from written ${u}: ` +
					(f.contentDocument ? f.contentDocument.location.href : 'another origin'));
				return true;
			}
			scan(d, u);
			return false;
		};
		await Promise.all(Array.from({ length: workers }, async () => {
			let f = frame(), uses = 0;
			while (i < list.length) {
				const u = list[i++];
				/* A new frame after a page went somewhere else, and every
				 * 64 written pages: a document written over another keeps
				 * the old one's loads, and after some thousands Chromium
				 * fails every request with ERR_INSUFFICIENT_RESOURCES. */
				const gone = await (how === 'write' ? write : nav)(f, u);
				if (gone || (how === 'write' && ++uses % 64 === 0)) {
					f.remove();
					f = frame();
				}
				done++;
			}
		}));
		return { done, bad };
	}, [urls, mode, W]);
}

const browser = await launch();
try {
	// The canary first: the hooks see a page that does run script.
	const cctx = await hookedContext(browser, origin);
	const cpage = await cctx.newPage();
	watch(cpage);
	await cctx.route(origin + '/__canary/', (route) => route.fulfill({ status: 200,
		contentType: 'text/html', body: '<!DOCTYPE html><title>c</title><script>alert(1);confirm(2)</script>' +
			'<img src="https://evil.example/i.png">' }));
	await cctx.route(origin + '/__canary2/', (route) => route.fulfill({ status: 200,
		contentType: 'text/html', body: '<!DOCTYPE html><title>c</title><p><img src=x onerror=prompt(3)>' +
			'<a href="javascript:alert(4)">x</a><meta http-equiv=refresh content="0;url=/__elsewhere/">' }));
	await cpage.goto(origin + '/404.html');
	let res;
	const canaries = [origin + '/__canary/', origin + '/__canary2/'];
	canaries.forEach((u) => sent.add(u));
	for (const mode of ['nav', 'write']) {
		res = await loadAll(cpage, canaries, mode, 1);
		await cpage.waitForTimeout(500);
		const canaryHits = hits.splice(0);
		t.check(['alert(', 'confirm(', 'prompt(', 'request to https://evil', 'navigation to ' + origin + '/__elsewhere/']
			.every((what) => canaryHits.some((h) => h.startsWith(what))),
			`the browser hooks catch the canary, loaded by ${mode} (alert, confirm, onerror, off-site request, ` +
			'meta refresh)', canaryHits);
		t.check(res.bad.some((b) => /IMG onerror/.test(b)) && res.bad.some((b) => /javascript:alert/.test(b)),
			`the DOM scan catches the canary's onerror and javascript: link, loaded by ${mode}`, res.bad);
	}
	await cctx.close();

	// Two pages in two contexts: two renderer processes, one a core (the
	// frames of one page share its renderer's one main thread).
	const pages = [];
	for (let k = 0; k < 2; k++) {
		const ctx = await hookedContext(browser, origin);
		const p = await ctx.newPage();
		watch(p);
		await p.goto(origin + '/404.html');
		pages.push(p);
	}
	const [page, ctx] = [pages[0], pages[0].context()];
	// loadAll over both pages, every other URL each.
	const loadBoth = async (urls, mode) => {
		const rs = await Promise.all(pages.map((p, k) => loadAll(p, urls.filter((u, i) => i % pages.length === k), mode)));
		return { done: rs.reduce((n, r) => n + r.done, 0), bad: rs.flatMap((r) => r.bad) };
	};
	// Every page but list pages past page 2: those repeat the cards of
	// page 1 and 2 with other postings, and every posting's card is also on
	// its employer's page, which is loaded.  All are written into a frame.
	// Navigated to as well: the feeds (they render in the XML viewer: only
	// a navigation shows them), every page of which the site does not have
	// one per posting or employer, and of those (jobs/<slug>/ and
	// employers/<slug>/...) one in eight, at a different place in each run
	// of eight, so every format of xss_site.py's groups is among them.
	const html = htmlPages(out).filter((p) => !/\/page\/([3-9]|\d\d+)\/$/.test(p));
	const postPages = html.filter((p) => /^jobs\/[^/]+\/$/.test(p));
	const employerPages = html.filter((p) => p.startsWith('employers/') && p !== 'employers/');
	const eighth = (list) => list.filter((p, i) => i % 8 === Math.floor(i / 8) % 8);
	const sampled = new Set(postPages.concat(employerPages));
	const sample = new Set(eighth(postPages).concat(eighth(employerPages)));
	const feeds = feedFiles(out);
	const navs = html.filter((p) => !sampled.has(p) || sample.has(p)).concat(feeds);
	const url = (p) => origin + '/' + p;
	navs.forEach((p) => sent.add(url(p)));
	t0 = Date.now();
	res = await loadBoth(html.map(url), 'write');
	console.log(`wrote ${res.done} pages in ${Date.now() - t0} ms`);
	t.check(res.done === html.length && postPages.length > 1000,
		`every HTML page written into a frame (${res.done} of ${html.length}, ${postPages.length} postings)`);
	t.check(res.bad.length === 0, 'no handler attribute, javascript: URL or navigation in any written page\'s DOM',
		res.bad.slice(0, 20));
	t0 = Date.now();
	res = await loadBoth(navs.map(url), 'nav');
	console.log(`navigated to ${res.done} pages in ${Date.now() - t0} ms`);
	const nfeeds = feeds.length;
	t.check(res.done === navs.length && nfeeds > 1 && sample.size >= sampled.size / 8 - 2,
		`every feed, every other page and ${sample.size} of ${sampled.size} posting and employer pages navigated to ` +
		`(${res.done} of ${navs.length}, ${nfeeds} of them feeds)`);
	t.check(res.bad.length === 0, 'no handler attribute, javascript: URL or navigation in any navigated DOM',
		res.bad.slice(0, 20));

	// The search page, with queries that return the payload postings.
	const spage = await ctx.newPage();
	watch(spage);
	let shown = 0;
	for (const q of ['alert', 'onerror', 'script', 'javascript', 'svg onload', 'prompt', 'iframe']) {
		await spage.goto(origin + '/search/?q=' + encodeURIComponent(q));
		await spage.waitForSelector('#search-results li', { timeout: 15000 });
		for (let k = 0; k < 3; k++) {
			const more = spage.locator('#search-more');
			if (!(await more.isVisible()))
				break;
			await more.click();
			await spage.waitForTimeout(150);
		}
		shown += await spage.$$eval('#search-results li', (l) => l.length);
		const live = await spage.$$eval('#search-app *', (els) => els.flatMap((e) =>
			Array.from(e.attributes).filter((a) => /^on/i.test(a.name) || /^\s*javascript:/i.test(a.value))
				.map((a) => e.tagName + ' ' + a.name)));
		t.check(live.length === 0, `search "${q}": no handler or javascript: in the results`, live);
	}
	t.check(shown > 100, `search showed ${shown} payload results`);
	await page.waitForTimeout(300);
	t.check(hits.length === 0, `0 script executions, dialogs, console messages, navigations or off-site requests ` +
		`over ${html.length} pages written, ${navs.length} navigated to (${nfeeds} feeds) and the search page`, hits.slice(0, 20));
} catch (e) {
	t.check(false, 'exception', e.stack);
} finally {
	await browser.close();
	srv.close();
}
process.exit(t.done());
