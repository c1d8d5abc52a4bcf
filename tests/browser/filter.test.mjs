// filter.test.mjs - the filter box of the employer, state and salary-band
// pages (search.js with data-scope) on the sample site, in Chromium, over
// HTTP and from file://.  The page's own list shows while the box is empty;
// typing replaces it with results drawn only from that group's postings.
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { axeViolations, buildSite, launch, serve, tally } from './search-lib.mjs';

const t = tally();
const tmp = process.env.TEST_TMP || fs.mkdtempSync(path.join(os.tmpdir(), 'filter-test-'));
const { dir } = buildSite(path.join(tmp, 'filter-site'));

const FLORIDA = ['Provider Network Development Manager', 'Sr. Provider Relations Manager'];
const same = (a, b) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

// Every group page of the built site, found on disk (not a fixed list).
function groupPages() {
	const out = [];
	for (const sec of ['employers', 'states', 'salary'])
		for (const d of fs.readdirSync(path.join(dir, sec), { withFileTypes: true }))
			if (d.isDirectory() && fs.existsSync(path.join(dir, sec, d.name, 'index.html')))
				out.push(`${sec}/${d.name}/`);
	return out;
}

async function open(ctx, base, rel) {
	const page = await ctx.newPage();
	const errors = [];
	page.on('pageerror', (e) => errors.push(e.message));
	page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
	await page.goto(base + rel + (base.startsWith('file:') ? 'index.html' : ''));
	await page.waitForFunction(() => window.__jobsiteSearch);
	return { page, errors };
}
const listed = (page) => page.$$eval('#search-fallback .card-title a', (as) => as.map((a) => a.textContent.trim()));
const results = (page) => page.$$eval('#search-results li a', (as) => as.map((a) => a.textContent.trim()));
async function filter(page, q) {
	await page.fill('#search-q', q);
	await page.waitForTimeout(120);
	if (q)
		await page.waitForFunction(() => !document.querySelector('#search-app').hidden &&
			document.querySelector('#search-summary')?.textContent, null, { timeout: 5000 });
	await page.waitForTimeout(150);
}
const visible = (page, sel) => page.$eval(sel, (e) => !e.hidden && e.offsetParent !== null);

async function scenario(browser, base, label) {
	const ctx = await browser.newContext();

	// Florida: the page's two postings; "provider" finds both, "payer" none
	// (the two payer postings are in Georgia and Maryland).
	let { page, errors } = await open(ctx, base, 'states/fl/');
	t.check(same(await listed(page), FLORIDA), `${label}: states/fl lists the Florida postings`, await listed(page));
	t.check(await visible(page, '#search-fallback') && !(await visible(page, '#search-app')),
		`${label}: with the box empty the page's own list shows`);
	await filter(page, 'provider');
	t.check(same(await results(page), FLORIDA), `${label}: fl "provider" -> the two Florida postings`, await results(page));
	t.check(!(await visible(page, '#search-fallback')), `${label}: results replace the static list`);
	t.check(await page.$$eval('input[data-group="state"]', (b) => b.length) === 0,
		`${label}: no state facet on a state page`);
	t.check(await page.$$eval('input[data-group="employer"]', (b) => b.length) > 0,
		`${label}: the other facets are offered`);
	await filter(page, 'payer');
	t.check((await results(page)).length === 0, `${label}: fl "payer" -> nothing (not in Florida)`, await results(page));
	await filter(page, '');
	t.check(await visible(page, '#search-fallback') && !(await visible(page, '#search-app')),
		`${label}: clearing the box brings the list back`);
	t.check(errors.length === 0, `${label}: no script errors on states/fl`, errors);
	await page.close();

	// Anthem: "payer" finds Anthem's payer posting only (the site has two).
	({ page, errors } = await open(ctx, base, 'employers/anthem/'));
	await filter(page, 'payer');
	t.check(same(await results(page), ['Payer Relations Manager - Provider Network']),
		`${label}: employers/anthem "payer" -> Anthem's one`, await results(page));
	t.check(await page.$$eval('input[data-group="employer"]', (b) => b.length) === 0,
		`${label}: no employer facet on an employer page`);
	await page.close();

	// The state survives a reload through the URL.
	if (!base.startsWith('file:')) {
		({ page, errors } = await open(ctx, base, 'states/fl/?q=sr'));
		await page.waitForFunction(() => !document.querySelector('#search-app').hidden);
		await page.waitForTimeout(200);
		t.check(await page.inputValue('#search-q') === 'sr', `${label}: ?q=sr fills the box`);
		t.check(same(await results(page), ['Sr. Provider Relations Manager']), `${label}: ?q=sr filters on load`,
			await results(page));
		await page.close();
	}

	// Every group page: a word of its first posting's title finds that
	// posting, and nothing from outside the page's list.
	for (const rel of groupPages()) {
		({ page, errors } = await open(ctx, base, rel));
		const mine = await listed(page);
		const word = (mine[0] || '').split(/[^A-Za-z]+/).find((w) => w.length >= 4) || '';
		await filter(page, word.toLowerCase());
		const got = await results(page);
		t.check(mine.length > 0 && got.includes(mine[0]) && got.every((x) => mine.includes(x)),
			`${label}: ${rel} "${word}" stays within the page's postings`, { mine, got });
		t.check(errors.length === 0, `${label}: no script errors on ${rel}`, errors);
		await page.close();
	}
	await ctx.close();
}

async function axe(browser, base) {
	const ctx = await browser.newContext();
	const { page } = await open(ctx, base, 'states/fl/');
	await filter(page, 'manager');
	await page.waitForTimeout(500);
	const v = await axeViolations(page);
	t.check(v.length === 0, 'axe: no violations on a filtered state page', v);
	await ctx.close();
}

const browser = await launch();
try {
	const root = await serve(dir, { prefix: '/' });
	await scenario(browser, root.url, 'http');
	await axe(browser, root.url);
	root.close();
	await scenario(browser, 'file://' + dir + '/', 'file');
} catch (e) {
	t.check(false, 'exception', e.stack);
} finally {
	await browser.close();
}
process.exit(t.done());
