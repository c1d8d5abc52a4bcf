// `jobsite serve` on a real site: HTTP answers, then live reload in Chromium.
// An edited posting's new title shows in the open page within 2 s without a
// manual reload; a broken template shows the error page (file:line:col);
// fixing it brings the page back.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, cpSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const require = createRequire(join(here, '..', 'package.json'));
const { chromium } = require('playwright-core');
const JOBSITE = process.env.JOBSITE || join(repo, 'jobsite');
const LIMIT_MS = 2000;

let passed = 0, failed = 0;
function check(ok, what) {
	if (ok) passed++;
	else { failed++; console.error('FAIL ' + what); }
}

const site = mkdtempSync(join(tmpdir(), 'jobsite-serve-site-'));
cpSync(join(repo, 'content'), join(site, 'content'), { recursive: true });
cpSync(join(repo, 'jobsite.yml'), join(site, 'jobsite.yml'));
const postingFile = join(site, 'content', 'live-edit.md');
const posting = (title) => `---\ntitle: ${title}\ncompany: Live Edit Health\nlocation: Tampa, FL\n` +
	`slug: live-edit\ndate: 2024-05-01\n---\n\nWe are hiring. Salary: $60,000 - $70,000 per year.\n`;
writeFileSync(postingFile, posting('Claims Analyst'));

const server = spawn(JOBSITE, ['serve', '-p', '0', '-s', site], { stdio: ['ignore', 'pipe', 'pipe'] });
let output = '';
server.stderr.on('data', (d) => { output += d; });
server.stdout.on('data', (d) => { output += d; });
const url = await new Promise((resolve, reject) => {
	const t = setInterval(() => {
		const m = output.match(/http:\/\/127\.0\.0\.1:\d+\//);
		if (m) { clearInterval(t); resolve(m[0]); }
	}, 20);
	server.on('exit', (code) => reject(new Error(`jobsite serve exited (${code}): ${output}`)));
	setTimeout(() => reject(new Error('jobsite serve printed no URL: ' + output)), 15000);
});

async function get(path, method = 'GET') {
	const r = await fetch(url + path, { method, redirect: 'manual' });
	return { status: r.status, type: r.headers.get('content-type') || '', cache: r.headers.get('cache-control') || '',
		body: method === 'HEAD' ? '' : await r.text() };
}

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
		'--disable-component-update', '--no-first-run'],
});
async function until(probe, ms) {
	const t0 = Date.now();
	while (Date.now() - t0 < ms) {
		try { if (await probe()) return Date.now() - t0; } catch { /* navigating */ }
		await new Promise((r) => setTimeout(r, 25));
	}
	return -1;
}

try {
	// HTTP: status codes, content types, the site's 404 page, HEAD, caching
	let r = await get('');
	check(r.status === 200 && r.type.startsWith('text/html'), `home is 200 text/html (${r.status} ${r.type})`);
	check(r.cache.includes('no-cache'), 'Cache-Control: no-cache');
	check(r.body.includes('/__jobsite/reload.js'), 'served HTML carries the reload script');
	check(!readFileSync(join(site, 'public', 'index.html'), 'utf8').includes('reload.js'), 'the file on disk does not');
	r = await get('jobs/live-edit/');
	check(r.status === 200 && r.body.includes('Claims Analyst'), 'the posting page');
	r = await get('static/site.css');
	check(r.status === 200 && r.type.startsWith('text/css'), `css is text/css (${r.type})`);
	r = await get('feed.xml');
	check(r.status === 200 && r.type.startsWith('application/atom+xml'), `feed is atom (${r.type})`);
	r = await get('sitemap.xml');
	check(r.status === 200 && /xml/.test(r.type), `sitemap is xml (${r.type})`);
	r = await get('robots.txt');
	check(r.status === 200 && r.type.startsWith('text/plain'), `robots is text/plain (${r.type})`);
	r = await get('no/such/page/');
	check(r.status === 404 && r.body.includes('<title>') && /not found/i.test(r.body), `404 with the site's page (${r.status})`);
	r = await get('jobs');
	check(r.status === 301, `a folder without its slash redirects (${r.status})`);
	r = await get('', 'HEAD');
	check(r.status === 200 && r.type.startsWith('text/html'), 'HEAD');
	r = await get('', 'POST');
	check(r.status === 405, `POST is 405 (${r.status})`);

	const tab = await browser.newPage();
	await tab.goto(url + 'jobs/live-edit/');
	check((await tab.textContent('h1')).includes('Claims Analyst'), 'posting open in the browser');
	await until(() => tab.evaluate(() => !!(window.__jobsite && window.__jobsite.connected)), 5000);

	writeFileSync(postingFile, posting('Senior Claims Analyst'));
	let ms = await until(async () => (await tab.textContent('h1')).includes('Senior Claims Analyst'), LIMIT_MS);
	check(ms >= 0, `edited title shows in the open page within ${LIMIT_MS} ms`);
	console.log(`edit -> new title in the open page: ${ms} ms`);

	mkdirSync(join(site, 'templates'), { recursive: true });
	const broken = join(site, 'templates', 'posting.mustache');
	writeFileSync(broken, '{{<base}}{{$main}}\n<h1>{{job.title}}</h1>\n{{#job.salary}}\n{{/main}}{{/base}}\n');
	ms = await until(async () => /posting\.mustache:\d+:\d+: error/.test(
		(await tab.textContent('body')) || ''), LIMIT_MS);
	check(ms >= 0, 'a broken template shows the error page with file:line:col');
	console.log(`break template -> error page: ${ms} ms`);

	unlinkSync(broken);
	ms = await until(async () => (await tab.textContent('h1')).includes('Senior Claims Analyst'), LIMIT_MS);
	check(ms >= 0, 'fixing the template brings the page back');
	console.log(`fix -> page again: ${ms} ms`);
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
