// search-lib.mjs - helpers for the search browser tests and benchmark:
// a static file server (optional gzip, sub-path, CSP header), Chromium,
// and the site under test (a real `jobsite build` of content/).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const TYPES = {
	'.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
	'.json': 'application/json', '.css': 'text/css; charset=utf-8',
	'.svg': 'image/svg+xml', '.xml': 'application/xml', '.txt': 'text/plain; charset=utf-8',
};

// Serve `root` at http://127.0.0.1:PORT<prefix>.  gzip: compress as a
// static host does (level 6, cached per file).  csp: send script-src 'self'.
// cache: let the browser keep files (else no-cache).
export function serve(root, { prefix = '/', gzip = false, csp = true, cache = false } = {}) {
	const gzCache = new Map();
	const server = http.createServer((req, res) => {
		let url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
		if (!url.startsWith(prefix)) {
			res.writeHead(404).end('not found');
			return;
		}
		let file = path.join(root, url.slice(prefix.length));
		if (!file.startsWith(path.resolve(root))) {
			res.writeHead(403).end();
			return;
		}
		try {
			if (fs.statSync(file).isDirectory()) {
				if (!url.endsWith('/')) {
					res.writeHead(301, { Location: url + '/' }).end();
					return;
				}
				file = path.join(file, 'index.html');
			}
			let body = fs.readFileSync(file);
			const headers = { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
				'Cache-Control': cache ? 'max-age=3600' : 'no-cache' };
			if (csp)
				headers['Content-Security-Policy'] = "script-src 'self'; object-src 'none'";
			if (gzip && /gzip/.test(req.headers['accept-encoding'] || '')) {
				if (!gzCache.has(file))
					gzCache.set(file, zlib.gzipSync(body, { level: 6 }));
				body = gzCache.get(file);
				headers['Content-Encoding'] = 'gzip';
			}
			headers['Content-Length'] = body.length;
			res.writeHead(200, headers).end(body);
		} catch {
			res.writeHead(404).end('not found');
		}
	});
	return new Promise((resolve) => {
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			resolve({ url: `http://127.0.0.1:${port}${prefix}`, close: () => server.close() });
		});
	});
}

export function launch() {
	return chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
			'--disable-component-update', '--no-first-run'],
	});
}

// Build the sample site under test into dir with the real `jobsite build`.
export function buildSite(dir) {
	const jobsite = process.env.JOBSITE || path.join(REPO, 'jobsite');
	fs.rmSync(dir, { recursive: true, force: true });
	const r = spawnSync(jobsite, ['build', '-q', '-o', dir], { cwd: REPO, encoding: 'utf8' });
	if (r.status !== 0)
		throw new Error('jobsite build failed: ' + r.stderr);
	return { dir, real: true };
}

// axe-core's violations on the page as it is now, one line each.
let axeSource = null;
export async function axeViolations(page) {
	axeSource ??= fs.readFileSync(path.join(REPO, 'tests/node_modules/axe-core/axe.min.js'), 'utf8');
	await page.evaluate(axeSource);
	return page.evaluate(async () => (await window.axe.run(document)).violations
		.map((x) => `${x.id}: ${x.nodes.length} (${x.help}) ${x.nodes.slice(0, 2).map((n) => n.target).join(' ')}`));
}

// A tiny TAP-like counter that ends with "N passed, N failed".
export function tally() {
	let pass = 0, fail = 0;
	return {
		check(cond, what, extra) {
			if (cond) {
				pass++;
			} else {
				fail++;
				console.error('FAIL ' + what + (extra !== undefined ? ': ' + JSON.stringify(extra) : ''));
			}
		},
		done() {
			console.log(`${pass} passed, ${fail} failed`);
			return fail ? 1 : 0;
		},
	};
}
