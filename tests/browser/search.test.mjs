// search.test.mjs - the search page on the sample site, in Chromium: over
// HTTP (with CSP script-src 'self'), under a sub-path, and from file://.
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { axeViolations, buildSite, launch, serve, tally, REPO } from './search-lib.mjs';

const t = tally();
const tmp = process.env.TEST_TMP || fs.mkdtempSync(path.join(os.tmpdir(), 'search-test-'));
const { dir } = buildSite(path.join(tmp, 'search-site'));

const PAYER = ['Payer Relations Manager - Provider Network', 'Senior Director Payor Relations & Contract'];
const FLORIDA = ['Provider Network Development Manager', 'Sr. Provider Relations Manager'];

async function titles(page) {
	return page.$$eval('#search-results li a', (as) => as.map((a) => a.textContent.trim()));
}
async function settle(page) {
	// Results are in when no run is pending: the summary is set and stable.
	await page.waitForFunction(() => document.querySelector('#search-summary')?.textContent);
	await page.waitForTimeout(150);
}
async function typeQuery(page, q) {
	await page.fill('#search-q', '');
	await page.type('#search-q', q, { delay: 20 });
	await page.waitForTimeout(200);
	await settle(page);
}
const same = (a, b) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

async function scenario(browser, base, label) {
	const ctx = await browser.newContext();
	const page = await ctx.newPage();
	const errors = [];
	page.on('pageerror', (e) => errors.push(e.message));
	page.on('console', (m) => {
		if (m.type() === 'error' && !/status of 404/.test(m.text()))
			errors.push(m.text());
	});
	page.on('response', (r) => {
		if (r.status() >= 400 && !/favicon\.ico$/.test(r.url()))
			errors.push(r.status() + ' ' + r.url());
	});
	await page.goto(base + (base.startsWith('file:') ? 'search/index.html' : 'search/'));
	await page.waitForSelector('#search-results');
	await settle(page);
	t.check((await titles(page)).length === 5, `${label}: all five postings listed before a query`);
	t.check(await page.$eval('#search-fallback', (e) => e.hidden).catch(() => true),
		`${label}: no-JS links hidden once the script runs`);

	await typeQuery(page, 'payer');
	let got = await titles(page);
	t.check(same(got, PAYER), `${label}: "payer" finds exactly the two payer postings`, got);
	t.check(await page.$eval('#search-fix', (e) => e.hidden), `${label}: no "did you mean" for payer`);
	const marks = await page.$$eval('#search-results mark', (ms) => ms.map((m) => m.textContent));
	t.check(marks.includes('Payer'), `${label}: the match is highlighted`, marks);

	for (const typo of ['payr', 'paeyr']) {
		await typeQuery(page, typo);
		got = await titles(page);
		t.check(same(got, PAYER), `${label}: "${typo}" still finds them`, got);
		const fix = await page.$eval('#search-fix', (e) => (e.hidden ? '' : e.textContent));
		t.check(/Did you mean pay[eo]r/.test(fix), `${label}: "${typo}" says did you mean`, fix);
	}
	await typeQuery(page, 'zzqxv');
	t.check((await titles(page)).length === 0, `${label}: nonsense finds nothing`);
	const status = await page.waitForFunction(
		() => /0 jobs found/.test(document.querySelector('#search-status').textContent), null,
		{ timeout: 3000 }).then(() => true, () => false);
	t.check(status, `${label}: the count is announced in the live region`);

	// Facets: the state FL box reads 2 and keeps the two Florida postings.
	await typeQuery(page, '');
	const fl = page.locator('label[for="f-state-FL"]');
	t.check(/\(2\)/.test(await fl.textContent()), `${label}: FL count reads 2`, await fl.textContent());
	await page.check('#f-state-FL');
	await settle(page);
	got = await titles(page);
	t.check(same(got, FLORIDA), `${label}: state FL keeps the Florida postings`, got);
	t.check(/state=FL/.test(page.url()), `${label}: the facet is in the URL`, page.url());
	// The state group's counts ignore its own selection; others narrow.
	const ga = await page.locator('label[for="f-state-GA"]').textContent().catch(() => '');
	t.check(/\(1\)/.test(ga), `${label}: other states keep their counts`, ga);
	const emp = await page.$$eval('#search-facets input[data-group="employer"]', (bs) => bs.map((b) => b.value));
	t.check(same(emp, ['sidecar-health', 'optum']), `${label}: employer counts follow the state filter`, emp);

	// Back button undoes the facet.
	await page.goBack();
	await settle(page);
	t.check((await titles(page)).length === 5 && !(await page.isChecked('#f-state-FL')),
		`${label}: back undoes the facet`);

	// Sort by salary: CareCredit's 100,000-200,000 first.
	await page.selectOption('#search-sort', 'salary');
	await settle(page);
	got = await titles(page);
	t.check(got[0] === 'VP, Strategic Healthcare Technology Partnerships', `${label}: salary sort`, got);

	// Minimum salary $150k: only CareCredit.
	await page.selectOption('#search-min', '150000');
	await settle(page);
	got = await titles(page);
	t.check(got.length === 1 && got[0].startsWith('VP, Strategic'), `${label}: minimum salary filter`, got);
	await page.click('#search-clear');
	await settle(page);
	t.check((await titles(page)).length === 5, `${label}: clear filters`);

	// The whole state survives a reload.
	await typeQuery(page, 'relations');
	await page.check('#f-state-FL');
	await settle(page);
	await page.selectOption('#search-sort', 'newest');
	await settle(page);
	const before = await titles(page);
	const url = page.url();
	t.check(/q=relations/.test(url) && /state=FL/.test(url) && /sort=newest/.test(url),
		`${label}: URL holds query, facet and sort`, url);
	await page.reload();
	await page.waitForSelector('#search-results li');
	await settle(page);
	t.check(await page.inputValue('#search-q') === 'relations' && await page.isChecked('#f-state-FL') &&
		await page.inputValue('#search-sort') === 'newest' && same(await titles(page), before),
		`${label}: reload restores query, facets and sort`);

	// Keyboard: Tab from the search box reaches the controls.
	await page.focus('#search-q');
	await page.keyboard.press('Tab');
	const focused = await page.evaluate(() => document.activeElement.tagName);
	t.check(['BUTTON', 'SELECT', 'INPUT', 'A'].includes(focused), `${label}: keyboard focus moves on`, focused);

	t.check(errors.length === 0, `${label}: no script errors or CSP violations`, errors);
	await ctx.close();
	return page;
}

async function axe(browser, base) {
	const ctx = await browser.newContext();
	const page = await ctx.newPage();
	await page.goto(base + 'search/?q=manager&state=FL');
	await page.waitForSelector('#search-results li');
	await settle(page);
	await page.waitForTimeout(600);
	const v = await axeViolations(page);
	t.check(v.length === 0, 'axe: no violations with results shown', v);
	await ctx.close();
}

// A 5,000-posting gen-corpus site: long lists live in list files, which
// carry the rows of the first results of their word ("hints").
function buildLarge(dir) {
	const shared = [process.env.SHARED, path.resolve(REPO, '../shared')]
		.find((d) => d && fs.existsSync(path.join(d, 'tools/gen-corpus')));
	fs.rmSync(dir, { recursive: true, force: true });
	const gen = spawnSync('python3', [path.join(shared, 'tools/gen-corpus'), '--count', '5000', '--seed', '3',
		'--out', path.join(dir, 'content/posts'), '--quiet'], { encoding: 'utf8' });
	if (gen.status !== 0)
		throw new Error('gen-corpus failed: ' + gen.stderr);
	fs.writeFileSync(path.join(dir, 'jobsite.yml'), 'title: Large\ncontent: content\n');
	const jobsite = process.env.JOBSITE || path.join(REPO, 'jobsite');
	const r = spawnSync(jobsite, ['build', '-q', '-s', dir, '-o', path.join(dir, 'public')], { encoding: 'utf8' });
	if (r.status !== 0)
		throw new Error('jobsite build failed: ' + r.stderr);
	return path.join(dir, 'public');
}

// Hints only save requests: each query shows the same results (links and
// text, in order) with the list files' hints and with them stripped (then
// every row comes from its block).  With hints, a one-word query's first
// page fetches no row block, and a query of whole words fewer blocks.  (A
// hint ranks by the words as typed; the completions of the last word can
// still move a posting the hints did not foresee into the first page.)
async function hints(browser, base) {
	const QS = ['nurse', 'manager', 'payer relations', 'software engineer', 'remote', 'analy', 'netwrk'];
	async function results(strip, q) {
		const ctx = await browser.newContext();
		const page = await ctx.newPage();
		const blocks = [];
		if (strip)
			await page.route(/\/l-[0-9a-f]+\.json$/, async (route) => {
				const res = await route.fetch();
				const f = await res.json();
				delete f.r;
				await route.fulfill({ response: res, json: f });
			});
		await page.goto(base + 'search/');
		await page.waitForSelector('#search-results li');
		await settle(page);
		page.on('request', (r) => { if (/\/r\d+-[0-9a-f]+\.json$/.test(r.url())) blocks.push(r.url()); });
		await page.fill('#search-q', q);
		await page.waitForFunction((want) => document.querySelector('#search-status').textContent.includes(want), q);
		const shown = await page.$$eval('#search-results li', (ls) => ls.map((l) =>
			l.querySelector('a').getAttribute('href') + ' | ' + l.textContent.replace(/\s+/g, ' ').trim()));
		await ctx.close();
		return { shown, blocks };
	}
	for (const q of QS) {
		const a = await results(false, q), b = await results(true, q);
		t.check(a.shown.length === 10, `hints: "${q}" shows a first page of 10`, a.shown.length);
		t.check(JSON.stringify(a.shown) === JSON.stringify(b.shown), `hints: "${q}" shows the same with and without hints`,
			{ with: a.shown.slice(0, 3), without: b.shown.slice(0, 3) });
		if (/netwrk|analy/.test(q))	/* a typo, a bare prefix: whatever it needs */
			continue;
		t.check(a.blocks.length < b.blocks.length, `hints: "${q}" fetches fewer row blocks`,
			[a.blocks.length, b.blocks.length]);
		if (!/ /.test(q))
			t.check(a.blocks.length === 0, `hints: "${q}" needs no row block`, a.blocks);
	}
}

// From file:// list files and their hints come through their .js twins:
// the same first page as over HTTP.
async function listFilesFromDisk(browser, http, file) {
	async function first(base, q) {
		const ctx = await browser.newContext();
		const page = await ctx.newPage();
		await page.goto(base + 'search/' + (base.startsWith('file:') ? 'index.html' : ''));
		await page.waitForSelector('#search-results li');
		await page.fill('#search-q', q);
		await page.waitForFunction((want) => document.querySelector('#search-status').textContent.includes(want), q);
		const shown = await page.$$eval('#search-results li', (ls) => ls.map((l) => l.textContent.replace(/\s+/g, ' ').trim()));
		await ctx.close();
		return shown;
	}
	for (const q of ['nurse', 'software engineer']) {
		const a = await first(http, q), b = await first(file, q);
		t.check(a.length === 10 && JSON.stringify(a) === JSON.stringify(b), `file://: "${q}" shows what HTTP shows`,
			{ http: a.slice(0, 2), file: b.slice(0, 2) });
	}
}

// After a query, a group's counts are read pack by pack only until the 9
// values the page needs have a count: the same first 8 (and counts) as
// after "Show all", which reads every pack.
async function partialCounts(browser, base) {
	const ctx = await browser.newContext();
	const page = await ctx.newPage();
	const packs = new Set();
	page.on('request', (r) => { const m = /\/(f-employer-\d+)-/.exec(r.url()); if (m) packs.add(m[1]); });
	await page.goto(base + 'search/');
	await page.waitForSelector('#search-results li');
	const total = await page.evaluate(async () => {
		const m = await (await fetch('data/manifest.json')).json();
		return m.facets.find((g) => g.name === 'employer').packs.length;
	});
	await page.fill('#search-q', 'nurse');
	await page.waitForFunction(() => /for nurse/.test(document.querySelector('#search-status').textContent));
	await page.waitForTimeout(500);
	const labels = () => page.$$eval('#search-facets input[data-group="employer"] + label', (l) => l.map((x) => x.textContent));
	const before = await labels(), read = packs.size;
	t.check(before.length === 8 && read < total, `partial counts: 8 employers from ${read} of ${total} packs`, before.length);
	await page.click('button[data-expand="employer"]');
	await page.waitForFunction((n) => document.querySelectorAll('#search-facets input[data-group="employer"]').length > n, before.length);
	const after = await labels();
	t.check(JSON.stringify(after.slice(0, 8)) === JSON.stringify(before) && packs.size === total,
		'partial counts: "Show all" reads every pack and keeps the first 8 and their counts', { before, after: after.slice(0, 8) });
	await ctx.close();
}

// A group of many values (employers) shows its first values from the
// manifest: the page loads no value file until "Show all" asks for it.
async function topValues(browser, base) {
	const ctx = await browser.newContext();
	const page = await ctx.newPage();
	const fv = [];
	page.on('request', (r) => { if (/\/fv-employer-/.test(r.url())) fv.push(r.url()); });
	await page.goto(base + 'search/');
	await page.waitForSelector('#search-facets input[data-group="employer"]');
	await page.waitForTimeout(300);
	const boxes = () => page.$$eval('#search-facets input[data-group="employer"]', (l) => l.length);
	t.check(fv.length === 0, 'top values: no employer value file on page load', fv);
	t.check(await boxes() === 8, 'top values: 8 employers shown', await boxes());
	const first = await page.textContent('#search-facets input[data-group="employer"] + label');
	await page.click('button[data-expand="employer"]');
	await page.waitForFunction(() => document.querySelectorAll('#search-facets input[data-group="employer"]').length > 8);
	t.check(fv.length === 1, 'top values: "Show all" loads the value file', fv.length);
	t.check(await boxes() > 8, 'top values: all employers after "Show all"', await boxes());
	t.check(await page.textContent('#search-facets input[data-group="employer"] + label') === first,
		'top values: the first employer and its count stay', first);
	await ctx.close();
}

async function size() {
	const zlib = await import('node:zlib');
	const js = fs.readFileSync(path.join(REPO, 'static/search.js'));
	const gz = zlib.gzipSync(js, { level: 9 }).length;
	t.check(gz < 15 * 1024, `search.js is ${gz} bytes gzipped (< 15 KB)`);
	t.check(!/innerHTML|new Function|eval\(/.test(js.toString()), 'search.js: no innerHTML, eval or new Function');
}

const browser = await launch();
try {
	await size();
	const root = await serve(dir, { prefix: '/' });
	await scenario(browser, root.url, 'http');
	await axe(browser, root.url);
	root.close();
	const sub = await serve(dir, { prefix: '/sub/path/' });
	await scenario(browser, sub.url, 'subpath');
	sub.close();
	await scenario(browser, 'file://' + dir + '/', 'file');
	const large = await serve(buildLarge(path.join(tmp, 'search-large')), { prefix: '/' });
	await hints(browser, large.url);
	await listFilesFromDisk(browser, large.url, 'file://' + path.join(tmp, 'search-large', 'public') + '/');
	await topValues(browser, large.url);
	await partialCounts(browser, large.url);
	large.close();
} catch (e) {
	t.check(false, 'exception', e.stack);
} finally {
	await browser.close();
}
process.exit(t.done());
