// Live reload in a real browser: `jobsite serve` (driven through the
// t_serve harness, whose fake site build copies content/page.html to
// public/index.html and fails on the word BROKEN) must update an open page
// within 2 s of an edit, show a build error in its place, and come back
// when the error is fixed - under the site's CSP (script-src 'self').
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'package.json'));
const { chromium } = require('playwright-core');

const unitDir = process.env.UNIT_DIR || join(here, '..', '..', 'build', 'tests');
const harness = join(unitDir, 't_serve');
const LIMIT_MS = 2000;

let passed = 0, failed = 0;
function check(ok, what) {
	if (ok) passed++;
	else { failed++; console.error('FAIL ' + what); }
}

const site = mkdtempSync(join(tmpdir(), 'jobsite-serve-browser-'));
mkdirSync(join(site, 'content'), { recursive: true });
const page = (title, extra = '') =>
	'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">\n' +
	'<meta http-equiv="Content-Security-Policy" content="default-src \'self\'; script-src \'self\'">\n' +
	`<title>${title}</title></head>\n${extra}<body><h1>${title}</h1></body></html>\n`;
const edit = (text) => writeFileSync(join(site, 'content', 'page.html'), text);
edit(page('First'));

const server = spawn(harness, ['--harness', '-p', '0', '-s', site], { stdio: ['ignore', 'pipe', 'pipe'] });
let stderr = '';
server.stderr.on('data', (d) => { stderr += d; });
const url = await new Promise((resolve, reject) => {
	let out = '';
	server.stdout.on('data', (d) => {
		out += d;
		const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
		if (m) resolve(m[0]);
	});
	server.on('exit', (code) => reject(new Error(`harness exited (${code}): ${stderr}`)));
	setTimeout(() => reject(new Error('harness printed no URL: ' + stderr)), 10000);
});

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
		'--disable-component-update', '--no-first-run'],
});

// Poll `probe` (errors while the page navigates count as "not yet").
async function until(probe, ms) {
	const t0 = Date.now();
	while (Date.now() - t0 < ms) {
		try { if (await probe()) return Date.now() - t0; } catch { /* navigating */ }
		await new Promise((r) => setTimeout(r, 25));
	}
	return -1;
}

try {
	const tab = await browser.newPage();
	const problems = [];
	// the error page's 500 and favicon.ico's 404 are expected; a refused
	// script (CSP) or a failing event stream is not
	tab.on('console', (m) => {
		if (m.type() === 'error' && !/status of (404|500)/.test(m.text())) problems.push(m.text());
	});
	tab.on('pageerror', (e) => problems.push(String(e)));

	await tab.goto(url);
	check(await tab.title() === 'First', 'first page title');
	const connected = await until(() => tab.evaluate(() => !!(window.__jobsite && window.__jobsite.connected)), 5000);
	check(connected >= 0, 'reload.js connected to /__jobsite/events');
	// the page knows its build from Server-Timing, so a rebuild between the
	// page load and the stream's hello still reloads it
	const timing = await tab.evaluate(() => performance.getEntriesByType('navigation')[0]
		.serverTiming.filter((t) => t.name === 'jobsite').map((t) => t.description).join());
	check(/^\d+$/.test(timing), `the page's build id from Server-Timing ('${timing}')`);
	const onDisk = readFileSync(join(site, 'public', 'index.html'), 'utf8');
	check(!onDisk.includes('reload.js'), 'the built file has no reload script');
	check((await tab.content()).includes('/__jobsite/reload.js'), 'the served page has it');

	edit(page('Second'));
	let ms = await until(async () => (await tab.title()) === 'Second', LIMIT_MS);
	check(ms >= 0, `edit shows up without a manual reload within ${LIMIT_MS} ms`);
	console.log(`edit -> new title in the open page: ${ms} ms`);

	edit('<!doctype html>\n<html><head><title>x</title></head>\nBROKEN here\n</html>\n');
	ms = await until(async () => ((await tab.textContent('#jobsite-build-error')) || '')
		.includes('content/page.html:3:1: error: broken'), LIMIT_MS);
	check(ms >= 0, 'the build error replaces the page');
	console.log(`break -> error page: ${ms} ms`);

	edit(page('Third'));
	ms = await until(async () => (await tab.title()) === 'Third', LIMIT_MS);
	check(ms >= 0, 'fixing the error brings the page back');
	console.log(`fix -> page again: ${ms} ms`);

	// a second tab on another page follows the same builds
	const tab2 = await browser.newPage();
	const r404 = await tab2.goto(url + 'nope/');
	check(r404.status() === 404, 'missing page is 404 in the browser');
	edit(page('Fourth'));
	ms = await until(async () => (await tab.title()) === 'Fourth', LIMIT_MS);
	check(ms >= 0, 'still live after an error round trip');

	// a rebuild while the page's event stream is not yet open is not missed
	const tab3 = await browser.newPage();
	let held = null;
	const opened = new Promise((resolve) => { held = resolve; });
	await tab3.route('**/__jobsite/events', async (route) => {
		held();
		await new Promise((r) => setTimeout(r, 800));
		await route.continue();
	});
	await tab3.goto(url);
	await opened;
	edit(page('Fifth'));
	ms = await until(async () => (await tab3.title()) === 'Fifth', 800 + LIMIT_MS);
	check(ms >= 0, 'a rebuild before the event stream opened still reloads the page');
	await tab3.unrouteAll({ behavior: 'ignoreErrors' });

	check(problems.length === 0, 'no console errors (CSP): ' + problems.join(' | '));
} finally {
	await browser.close();
	const code = await new Promise((resolve) => {
		server.on('exit', (c) => resolve(c));
		server.kill('SIGINT');
		setTimeout(() => resolve('timeout'), 5000);
	});
	check(code === 0, `jobsite serve exits 0 on SIGINT (got ${code})`);
	rmSync(site, { recursive: true, force: true });
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
