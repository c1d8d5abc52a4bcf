// mustache-js.mjs - the benchmark page rendered N times with mustache.js.
//
//   node mustache-js.mjs [DIR [N [OUT]]]
//
// mustache.js has no template inheritance, so page-js.mustache is the base
// layout with page.mustache's blocks written in; the partials are shared.
// Its escape function also escapes / ` = ; it is set to the spec's set
// (& < > " ') so both engines produce the same bytes.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), '..', 'package.json'));
const Mustache = require('mustache');

const dir = process.argv[2] || 'tests/bench/mustache';
const n = Number(process.argv[3] || 100000);
const outPath = process.argv[4];

const entities = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
Mustache.escape = (s) => String(s).replace(/[&<>"']/g, (c) => entities[c]);

const read = (name) => readFileSync(join(dir, name + '.mustache'), 'utf8');
const template = read('page-js');
const partials = { header: read('header'), job: read('job'), footer: read('footer') };
const data = JSON.parse(readFileSync(join(dir, 'data.json'), 'utf8'));

let out = '';
for (let i = 0; i < 1000; i++) out = Mustache.render(template, data, partials);
const t0 = process.hrtime.bigint();
for (let i = 0; i < n; i++) out = Mustache.render(template, data, partials);
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
const bytes = Buffer.byteLength(out);
console.log(`mustache-js: ${n} renders of ${bytes} bytes in ${secs.toFixed(3)} s: ` +
            `${Math.round(n / secs)} renders/s`);
if (outPath) writeFileSync(outPath, out);
