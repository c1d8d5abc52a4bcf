// charts.test.mjs - the pay figures and SVG charts in Chromium, on the
// sample site (content/, 5 postings) and on a 400-posting gen-corpus site:
// the home page, a state page and salary/ at 390 px and 1280 px, in light
// and dark mode: no horizontal overflow, every chart inside the viewport,
// axe-core 0 violations, chart marks at 3:1 against the page in both
// modes, screenshots in the temp dir.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO, axeViolations, buildSite, launch, serve, tally } from './search-lib.mjs';

const t = tally();
const tmp = process.env.TEST_TMP || fs.mkdtempSync(path.join(os.tmpdir(), 'charts-test-'));
const shots = path.join(tmp, 'charts-shots');
fs.mkdirSync(shots, { recursive: true });
const jobsite = process.env.JOBSITE || path.join(REPO, 'jobsite');
const shared = [process.env.SHARED, path.resolve(REPO, '../shared'), '/work/shared']
	.find((d) => d && fs.existsSync(path.join(d, 'tools/gen-corpus')));

function buildCorpus(dir) {
	fs.rmSync(dir, { recursive: true, force: true });
	const gen = spawnSync('python3', [path.join(shared, 'tools/gen-corpus'), '--count', '400', '--seed', '7',
		'--out', path.join(dir, 'content/posts'), '--labels', path.join(dir, 'labels.jsonl'), '--quiet'],
	{ encoding: 'utf8' });
	if (gen.status !== 0)
		throw new Error('gen-corpus failed: ' + gen.stderr);
	fs.writeFileSync(path.join(dir, 'jobsite.yml'), 'title: Charts corpus\ncontent: content\n');
	const r = spawnSync(jobsite, ['build', '-q', '-s', dir, '-o', path.join(dir, 'public')], { encoding: 'utf8' });
	if (r.status !== 0)
		throw new Error('jobsite build failed: ' + r.stderr);
	return path.join(dir, 'public');
}

// The US state page with the most charts and postings, found on disk.
function statePage(dir) {
	let best = null, most = -1;
	for (const d of fs.readdirSync(path.join(dir, 'states')).filter((x) => /^[a-z]{2}$/.test(x))) {
		const f = path.join(dir, 'states', d, 'index.html');
		if (!fs.existsSync(f))
			continue;
		const n = (fs.readFileSync(f, 'utf8').match(/<svg/g) || []).length * 1000 +
			fs.readFileSync(f, 'utf8').length / 1000;
		if (n > most)
			most = n, best = `states/${d}/`;
	}
	return best;
}

// WCAG contrast of two computed colors "rgb(r, g, b)".
const inPageContrast = () => {
	const lum = (c) => {
		const m = c.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => v / 255)
			.map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
		return 0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2];
	};
	const ratio = (a, b) => {
		const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
		return (x + 0.05) / (y + 0.05);
	};
	const bg = getComputedStyle(document.body).backgroundColor;
	const out = [];
	for (const sel of ['.chart-bar', '.chart-range', '.chart-mid', '.chart-svg text']) {
		const e = document.querySelector(sel);
		if (e)
			out.push([sel, ratio(getComputedStyle(e).fill, bg)]);
	}
	const r = document.querySelector('.chart-range'), m = document.querySelector('.chart-mid');
	if (r && m)
		out.push(['dot on range', ratio(getComputedStyle(m).fill, getComputedStyle(r).fill)]);
	return out;
};

const browser = await launch();
const servers = [];
try {
	const sites = [
		['sample', buildSite(path.join(tmp, 'charts-sample')).dir],
		['corpus', buildCorpus(path.join(tmp, 'charts-corpus'))],
	];
	for (const [label, dir] of sites) {
		const srv = await serve(dir);
		servers.push(srv);
		const state = statePage(dir);
		t.check(state, `${label}: a state page exists`);
		const targets = ['', state, 'salary/'].filter((x) => x !== null);
		for (const scheme of ['light', 'dark']) {
			const ctx = await browser.newContext({ colorScheme: scheme });
			const page = await ctx.newPage();
			const cspErrors = [];
			page.on('console', (m) => { if (/Content Security Policy|Refused to/.test(m.text())) cspErrors.push(m.text()); });
			for (const target of targets) {
				for (const w of [390, 1280]) {
					await page.setViewportSize({ width: w, height: 900 });
					await page.goto(srv.url + target);
					await page.emulateMedia({ colorScheme: scheme });
					const where = `${label} /${target} ${w}px ${scheme}`;
					const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
					t.check(over <= 0, `${where}: no horizontal overflow`, over);
					const svgs = await page.$$eval('svg.chart-svg', (v) => v.map((s) => {
						const r = s.getBoundingClientRect();
						return { w: r.width, h: r.height, right: r.right };
					}));
					if (label === 'corpus')
						t.check(svgs.length > 0, `${where}: has charts`);
					t.check(svgs.every((s) => s.w > 200 && s.h > 20 && s.right <= w),
						`${where}: every chart drawn inside the viewport`, svgs);
					const dark = await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches);
					t.check(dark === (scheme === 'dark'), `${where}: color scheme applied`);
					for (const [sel, ratio] of await page.evaluate(inPageContrast))
						t.check(ratio >= 3, `${where}: ${sel} contrast ${ratio.toFixed(2)} >= 3`);
					const v = await axeViolations(page);
					t.check(v.length === 0, `${where}: axe 0 violations`, v);
					const name = `${label}-${(target || 'home').replace(/\//g, '_')}-${w}-${scheme}.png`;
					await page.screenshot({ path: path.join(shots, name), fullPage: true });
				}
			}
			t.check(cspErrors.length === 0, `${label} ${scheme}: no CSP violations`, cspErrors);
			await ctx.close();
		}
	}
} catch (e) {
	t.check(false, 'charts test ran', String(e && e.stack || e));
} finally {
	await browser.close();
	for (const s of servers)
		s.close();
}
console.log(`screenshots in ${shots}`);
process.exit(t.done());
