/*
 * search.js - the job board's search page.  No framework, no build step.
 *
 * Reads the index written by src/search_index.c (its header documents the
 * format) a few files at a time: the manifest, then only the word shards,
 * row blocks and facet packs a query needs.  Over HTTP files come through
 * fetch(); where fetch is refused (file:// in Chromium) the same data comes
 * through <script src="NAME.js"> files that call __jobsiteSearch.load().
 * Nothing is parsed as code or markup (DOM nodes and textContent only), so
 * a CSP of script-src 'self' holds.
 *
 * Page contract (templates/search.mustache):
 *   <form id="search-form"> with <input id="search-q" name="q">
 *   <div id="search-app" data-index="ROOT/search/data/" data-root="ROOT" hidden>
 *   optional #search-fallback (links for no-JS readers; hidden when we run)
 *
 * A group page (employer, state, band) is the same with data-scope="GROUP=VALUE"
 * on #search-app (a facet value, e.g. state=FL): a filter box over that
 * group's postings.  There #search-fallback is the page's own list, shown
 * while the box is empty; the scope's facet group is not offered.
 */
(function () {
	'use strict';

	var app = document.getElementById('search-app');
	var form = document.getElementById('search-form');
	var input = document.getElementById('search-q');
	if (!app || !form || !input)
		return;

	var ROOT = app.getAttribute('data-root') || '';
	var SCOPE = (function (s) {
		var i = s ? s.indexOf('=') : -1;
		return i > 0 ? { g: s.slice(0, i), v: s.slice(i + 1) } : null;
	})(app.getAttribute('data-scope'));
	var fallback = document.getElementById('search-fallback');
	var BASE = new URL(app.getAttribute('data-index') || 'data/', location.href).href;
	var PAGE = 10;	/* results per page; "Load more" adds as many */
	var GROUPS = { employer: 'Employer', state: 'State', band: 'Salary band',
		workplace: 'Workplace', type: 'Employment type' };
	var SORTS = [['relevance', 'Relevance'], ['newest', 'Newest'], ['salary', 'Salary']];
	var MINS = [0, 50, 75, 100, 150, 200];

	/* ---- loading -------------------------------------------------- */

	var cache = Object.create(null), waiting = Object.create(null);
	var useScripts = location.protocol === 'file:';
	/* From file:// a folder link opens a listing, not its index.html. */
	var INDEX = useScripts ? 'index.html' : '';
	window.__jobsiteSearch = {
		load: function (name, data) {
			var w = waiting[name];
			if (w) {
				delete waiting[name];
				w(data);
			}
		}
	};
	function viaScript(name) {
		return new Promise(function (resolve, reject) {
			var s = document.createElement('script');
			waiting[name] = resolve;
			s.src = BASE + name + '.js';
			s.onerror = function () { reject(new Error('cannot load ' + name)); };
			s.onload = function () { s.remove(); };
			document.head.appendChild(s);
		});
	}
	function get(name) {
		if (!cache[name]) {
			cache[name] = useScripts ? viaScript(name) :
				fetch(BASE + name + '.json').then(function (r) {
					if (!r.ok)
						throw new Error(r.status + ' ' + name);
					return r.json();
				}, function () {
					useScripts = true;	/* fetch refused: file:// */
					return viaScript(name);
				});
			cache[name].catch(function () { delete cache[name]; });
		}
		return cache[name];
	}

	/* ---- words, as search_tokenize() cuts them --------------------- */

	var M, N = 0, STOP = {};
	function fold(s) {
		return s.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().replace(/ß/g, 'ss');
	}
	function cpLen(w) {
		return Array.from(w).length;
	}
	function words(s, keepShort) {
		return fold(s).split(/[^\p{L}\p{N}]+/u).filter(function (w) {
			var n = cpLen(w);
			return n && (keepShort || n >= M.minlen) && n <= M.maxlen && !STOP[w];
		});
	}

	/* ---- lists ------------------------------------------------------ */

	var DIGIT = new Uint8Array(128);	/* char code -> digit value */
	'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('')
		.forEach(function (c, i) { DIGIT[c.charCodeAt(0)] = i; });

	/* A decoded list: ids ascending, scores (or null), common = "*".
	 * Typed arrays: a list of 10,000 ids decodes in well under a ms. */
	function decode(s, shift) {
		if (s === '*')
			return { ids: null, sc: null, common: true };
		if (s.charAt(0) === '~')	/* pruned: where the word is frequent */
			return decode(s.slice(1), shift);
		if (s.charAt(0) === '!')
			return complement(decode(s.slice(1), 0).ids);
		var n = s.length, ids = new Int32Array(n), sc = shift ? new Uint8Array(n) : null;
		var prev = -1, i = 0, k = 0, mask = (1 << shift) - 1, div = 1 << shift;
		while (i < n) {
			var d = DIGIT[s.charCodeAt(i++) & 127], v = d & 31, mul = 32;
			while (d & 32 && i < n) {
				d = DIGIT[s.charCodeAt(i++) & 127];
				v += (d & 31) * mul;
				mul *= 32;
			}
			prev += Math.floor(v / div) + 1;
			ids[k] = prev;
			if (sc)
				sc[k] = v & mask;
			k++;
		}
		return { ids: ids.subarray(0, k), sc: sc && sc.subarray(0, k) };
	}
	function complement(not) {
		var out = new Int32Array(Math.max(N - not.length, 0)), j = 0, k = 0;
		for (var id = 0; id < N; id++) {
			if (j < not.length && not[j] === id)
				j++;
			else
				out[k++] = id;
		}
		return { ids: out.subarray(0, k), sc: null };
	}
	/* Rows that came with words' list files (id -> row): the postings a
	 * query of that word ranks first, so most first pages need no block. */
	var hinted = Object.create(null);
	/* The list of tier t: in the shard, or "@NAME": a word's list file,
	 * {"h": head list, "b": body list, "r": [[id, row...], ...]}. */
	function listOf(raw, t) {
		var shift = M.tiers[t].shift;
		if (raw.charAt(0) === '@')
			return get(raw.slice(1)).then(function (f) {
				if (f.r) {
					f.r.forEach(function (r) { hinted[r[0]] = r.slice(1); });
					delete f.r;
				}
				return decode(t ? f.b : f.h, shift);
			});
		return Promise.resolve(decode(raw, shift));
	}

	/* ---- word shards ------------------------------------------------ */

	function shardIndex(t, w) {
		var f = M.tiers[t].first, lo = 0, hi = f.length - 1;
		while (lo < hi) {
			var mid = (lo + hi + 1) >> 1;
			if (f[mid] <= w)
				lo = mid;
			else
				hi = mid - 1;
		}
		return lo;
	}
	function shard(t, k) {
		return get(M.tiers[t].files[k]);
	}
	/* Words of tier t in [lo, hi) (hi undefined: just lo), max 4 shards. */
	function entries(t, lo, hi) {
		if (!M.tiers[t].files.length)
			return Promise.resolve([]);
		var a = shardIndex(t, lo), b = hi ? Math.min(shardIndex(t, hi), a + 3) : a, jobs = [];
		for (var k = a; k <= b; k++)
			jobs.push(shard(t, k));
		return Promise.all(jobs).then(function (shards) {
			var out = [];
			shards.forEach(function (s) {
				for (var i = 0; i < s.w.length; i++) {
					if (hi ? s.w[i] >= lo && s.w[i] < hi : s.w[i] === lo)
						out.push({ w: s.w[i], df: s.d[i], raw: s.p[i], t: t });
					/* The word's own list file is needed whatever the
					 * other tier says: ask for it now. */
					if (s.w[i] === lo && s.p[i].charAt(0) === '@')
						get(s.p[i].slice(1));
				}
			});
			return out;
		});
	}

	/* ---- typo tolerance -------------------------------------------- */

	/* Optimal string alignment distance (a transposition is one edit), or
	 * max + 1 once it must exceed max.  Three rows of small ints: the typo
	 * vocabulary has thousands of words to try per query word. */
	var rowA = new Int32Array(32), rowB = new Int32Array(32), rowC = new Int32Array(32);
	function dist(a, b, max) {	/* a, b: arrays of characters */
		var n = a.length, m = b.length, i, j;
		if (Math.abs(n - m) > max)
			return max + 1;
		if (m + 1 > rowA.length) {
			rowA = new Int32Array(m + 1);
			rowB = new Int32Array(m + 1);
			rowC = new Int32Array(m + 1);
		}
		var pp = rowA, p = rowB, c = rowC;	/* rows i - 2, i - 1, i */
		for (j = 0; j <= m; j++)
			p[j] = j;
		for (i = 1; i <= n; i++) {
			c[0] = i;
			var best = i;
			for (j = 1; j <= m; j++) {
				var v = Math.min(p[j] + 1, c[j - 1] + 1, p[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
				if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1] && pp[j - 2] + 1 < v)
					v = pp[j - 2] + 1;
				c[j] = v;
				if (v < best)
					best = v;
			}
			if (best > max)
				return max + 1;
			var t = pp;
			pp = p;
			p = c;
			c = t;
		}
		return p[m];
	}
	function allowed(n) {
		return n >= 9 ? 2 : n >= 5 ? 1 : 0;
	}
	function fuzzy(w) {
		var wa = Array.from(w), n = wa.length;
		if (n < 4)
			return Promise.resolve([]);
		return get(M.vocab).then(function (v) {
			var c = [];
			for (var i = 0; i < v.w.length; i++) {
				/* Length in UTF-16 units first, which is cheap: a word has
				 * from L/2 to L characters, and must have n - 2 to n + 2. */
				var L = v.w[i].length;
				if (L < n - 2 || L > 2 * n + 4)
					continue;
				var va = Array.from(v.w[i]), max = allowed(Math.max(n, va.length));
				if (!max || v.w[i] === w)
					continue;
				var d = dist(wa, va, max);
				if (d <= max)
					c.push({ w: v.w[i], d: d, df: v.d[i] });
			}
			c.sort(function (x, y) { return x.d - y.d || y.df - x.df || (x.w < y.w ? -1 : 1); });
			return c.slice(0, 3);
		});
	}

	/* ---- one query word: its variants and their postings ----------- */

	/* The ranking's constants come with the manifest (the build ranked
	 * the hints with the same). */
	var K1, FIELD, HEAD_BOOST, BUCKET;
	function idf(df) {
		return Math.log(1 + (N - df + 0.5) / (df + 0.5));
	}
	/* Resolve to {scores: Float32Array(N), ids: the ids with a score
	 * (ascending), used: [words], fix: word|null}. */
	function resolve(w, prefix) {
		var digits = /^\p{N}+$/u.test(w);
		var hi = w + '\uffff';
		var jobs = [entries(0, w, prefix ? hi : undefined)];
		if (!digits)
			jobs.push(entries(1, w, prefix ? hi : undefined));
		return Promise.all(jobs).then(function (r) {
			var found = pickVariants([].concat.apply([], r), w, 1, 0.7);
			if (found.length)
				return score(found, null);
			return fuzzy(w).then(function (cands) {
				if (!cands.length)
					return score([], null);
				var jobs2 = cands.map(function (c) {
					return Promise.all([entries(0, c.w), digits ? [] : entries(1, c.w)]);
				});
				return Promise.all(jobs2).then(function (rr) {
					var es = [];
					rr.forEach(function (pair, i) {
						pair[0].concat(pair[1]).forEach(function (e) {
							e.weight = cands[i].d === 1 ? 0.5 : 0.35;
							es.push(e);
						});
					});
					return score(es, cands[0].w);
				});
			});
		});
	}
	/* Exact word first, then up to 20 completions by document frequency. */
	function pickVariants(es, w, exactW, prefixW) {
		var byWord = {};
		es.forEach(function (e) {
			(byWord[e.w] = byWord[e.w] || []).push(e);
		});
		var keys = Object.keys(byWord).filter(function (k) { return k !== w; });
		keys.sort(function (a, b) {
			var da = 0, db = 0;
			byWord[a].forEach(function (e) { da += e.df; });
			byWord[b].forEach(function (e) { db += e.df; });
			return db - da || (a < b ? -1 : 1);
		});
		var out = [];
		(byWord[w] || []).forEach(function (e) { e.weight = exactW; out.push(e); });
		keys.slice(0, 20).forEach(function (k) {
			byWord[k].forEach(function (e) { e.weight = prefixW; out.push(e); });
		});
		return out;
	}
	/* A word's score: its best head variant plus its best body variant
	 * (head: title, employer, city weights; body: tf bucket), BM25-style. */
	function score(es, fix) {
		return Promise.all(es.map(function (e) {
			return listOf(e.raw, e.t);
		})).then(function (lists) {
			var hs = new Float32Array(N), bs = new Float32Array(N), used = {}, common = false;
			var hit = [];	/* ids with a score, once each */
			lists.forEach(function (l, i) {
				var e = es[i], f = idf(e.df) * e.weight;
				used[e.w] = 1;
				if (l.common) {
					common = true;
					return;
				}
				/* The score of each field mask (head) or tf bucket (body). */
				var vt = [], j, to = e.t === 0 ? hs : bs, other = e.t === 0 ? bs : hs;
				var ids = l.ids, sc = l.sc;
				for (j = 0; j < (e.t === 0 ? 8 : 4); j++) {
					var tf = 0;
					if (e.t === 0) {
						for (var b = 0; b < 3; b++)
							if (j & (1 << b))
								tf += FIELD[b];
						vt.push(HEAD_BOOST * f * tf * (K1 + 1) / (tf + K1));
					} else {
						tf = BUCKET[j];
						vt.push(f * tf * (K1 + 1) / (tf + K1));
					}
				}
				var one = vt[e.t === 0 ? 1 : 0];	/* no scores: title / tf 1 */
				for (j = 0; j < ids.length; j++) {
					var v = sc ? vt[sc[j]] : one, id = ids[j];
					if (!to[id] && !other[id])
						hit.push(id);
					if (v > to[id])
						to[id] = v;
				}
			});
			/* Only the postings that matched are visited, unless a variant
			 * is too common to be stored: then every posting matches. */
			var ids;
			if (common) {
				ids = new Int32Array(N);
				for (var k = 0; k < N; k++) {
					ids[k] = k;
					hs[k] = hs[k] + bs[k] || 1e-6;
				}
			} else {
				ids = Int32Array.from(hit).sort();
				for (var h = 0; h < ids.length; h++)
					hs[ids[h]] += bs[ids[h]];
			}
			return { scores: hs, ids: ids, used: Object.keys(used), fix: fix };
		});
	}

	/* ---- facets, salary, rows ---------------------------------------- */

	var groupByName = {};
	function values(g) {
		return typeof g.values === 'string' ? get(g.values) : Promise.resolve(g.values);
	}
	/* Map value -> ids, for the given values of group g (all if null). */
	function facetLists(g, want) {
		return values(g).then(function (vals) {
			var packs = {}, needed = vals.filter(function (v) { return !want || want.has(v[0]); });
			needed.forEach(function (v) { packs[v[3]] = 1; });
			return Promise.all(Object.keys(packs).map(function (k) {
				return get(g.packs[k]);
			})).then(function (ps) {
				var all = {}, out = [];
				ps.forEach(function (p) { for (var k in p) all[k] = p[k]; });
				needed.forEach(function (v) {
					out.push({ v: v, ids: all[v[0]] ? decode(all[v[0]], 0).ids : [] });
				});
				return out;
			});
		});
	}
	function salaryKeys() {
		return Promise.all(M.salary.files.map(get)).then(function (chunks) {
			var keys = new Uint16Array(N), id = 0;
			chunks.forEach(function (s) {
				for (var i = 0; i + 1 < s.length; i += 2)
					keys[id++] = DIGIT[s.charCodeAt(i) & 127] * 64 + DIGIT[s.charCodeAt(i + 1) & 127];
			});
			return keys;
		});
	}
	var salaryPromise = null;
	function rows(ids) {
		var R = M.rows.size, G = M.rows.group, blocks = {};
		ids = Array.from(ids);
		ids.forEach(function (id) {
			if (!hinted[id])
				blocks[Math.floor(id / R)] = 1;
		});
		var ks = Object.keys(blocks);
		return Promise.all(ks.map(function (k) {
			return get('r' + k + '-' + M.rows.hashes[Math.floor(k / G)]);
		})).then(function (bs) {
			var byBlock = {};
			ks.forEach(function (k, i) { byBlock[k] = bs[i]; });
			return ids.map(function (id) { return hinted[id] || byBlock[Math.floor(id / R)][id % R]; });
		});
	}

	/* ---- state <-> URL ----------------------------------------------- */

	var state = { q: '', sort: '', min: 0, sel: {}, shown: PAGE };
	function emptySel() {
		var s = {};
		Object.keys(GROUPS).forEach(function (g) { s[g] = new Set(); });
		return s;
	}
	function readURL() {
		var p = new URLSearchParams(location.search);
		state.q = p.get('q') || '';
		state.sort = p.get('sort') || '';
		state.min = parseInt(p.get('min'), 10) || 0;
		state.sel = emptySel();
		Object.keys(GROUPS).forEach(function (g) {
			p.getAll(g).forEach(function (v) { state.sel[g].add(v); });
		});
		state.shown = PAGE;
	}
	function writeURL(push) {
		var p = new URLSearchParams();
		if (state.q.trim())
			p.set('q', state.q);
		Object.keys(GROUPS).forEach(function (g) {
			Array.from(state.sel[g]).sort().forEach(function (v) { p.append(g, v); });
		});
		if (state.min)
			p.set('min', String(state.min));
		if (state.sort)
			p.set('sort', state.sort);
		var qs = p.toString(), url = location.pathname + (qs ? '?' + qs : '') + location.hash;
		if (url !== location.pathname + location.search + location.hash)
			history[push ? 'pushState' : 'replaceState'](null, '', url);
	}

	/* ---- DOM helpers ------------------------------------------------- */

	function el(tag, attrs, kids) {
		var e = document.createElement(tag);
		for (var k in attrs || {}) {
			if (k === 'text')
				e.textContent = attrs[k];
			else if (k === 'class')
				e.className = attrs[k];
			else
				e.setAttribute(k, attrs[k]);
		}
		(kids || []).forEach(function (c) { if (c) e.appendChild(c); });
		return e;
	}
	/* Text with <mark> around the words that matched. */
	function marked(text, hits, prefix) {
		var frag = document.createDocumentFragment(), re = /[\p{L}\p{N}\p{M}]+/gu, last = 0, m;
		while ((m = re.exec(text))) {
			var w = fold(m[0]);
			if (hits[w] || (prefix && w.indexOf(prefix) === 0)) {
				frag.appendChild(document.createTextNode(text.slice(last, m.index)));
				frag.appendChild(el('mark', { text: m[0] }));
				last = m.index + m[0].length;
			}
		}
		frag.appendChild(document.createTextNode(text.slice(last)));
		return frag;
	}

	/* ---- the UI ---------------------------------------------------- */

	var ui = {};
	function build() {
		var sortSel = el('select', { id: 'search-sort' });
		SORTS.forEach(function (s) { sortSel.appendChild(el('option', { value: s[0], text: s[1] })); });
		var minSel = el('select', { id: 'search-min' });
		MINS.forEach(function (k) {
			minSel.appendChild(el('option', { value: String(k * 1000), text: k ? '$' + k + 'k or more' : 'Any' }));
		});
		ui.sort = sortSel;
		ui.min = minSel;
		ui.status = el('p', { id: 'search-status', role: 'status', 'aria-live': 'polite', class: 'search-status' });
		ui.summary = el('p', { class: 'search-summary', id: 'search-summary' });
		ui.fix = el('p', { class: 'search-fix', id: 'search-fix', hidden: '' });
		ui.list = el('ol', { class: 'search-results', id: 'search-results', 'aria-labelledby': 'search-summary' });
		ui.more = el('button', { type: 'button', class: 'search-more', id: 'search-more', text: 'Load more', hidden: '' });
		ui.clear = el('button', { type: 'button', class: 'search-clear', id: 'search-clear', text: 'Clear filters' });
		ui.facets = el('div', { class: 'search-facets', id: 'search-facets' });
		var controls = el('div', { class: 'search-controls' }, [
			el('label', { for: 'search-sort', text: 'Sort by ' }), sortSel,
			el('label', { for: 'search-min', text: 'Minimum salary ' }), minSel
		]);
		var filters = el('section', { class: 'search-filters', 'aria-labelledby': 'search-filters-h' }, [
			el('h2', { id: 'search-filters-h', text: 'Filters' }), ui.clear, ui.facets
		]);
		var results = el('section', { class: 'search-main', 'aria-labelledby': 'search-summary' }, [
			controls, ui.fix, ui.summary, ui.list, ui.more
		]);
		app.appendChild(filters);
		app.appendChild(results);
		app.appendChild(ui.status);

		/* Results as you type: a keystroke after a pause searches at once;
		 * in a burst of typing, 40 ms after the last key. */
		var timer = 0, lastKey = -1e9;
		function typed() {
			timer = 0;
			state.q = input.value;
			state.shown = PAGE;
			/* The URL after the results: a same-document navigation costs
			 * the page a few milliseconds (and a favicon request). */
			run().then(function () { writeURL(false); });
		}
		input.addEventListener('input', function () {
			var now = performance.now(), idle = now - lastKey > 200 && !timer;
			lastKey = now;
			clearTimeout(timer);
			if (idle)
				typed();
			else
				timer = setTimeout(typed, 40);
		});
		form.addEventListener('submit', function (ev) {
			ev.preventDefault();
			clearTimeout(timer);
			timer = 0;
			state.q = input.value;
			state.shown = PAGE;
			writeURL(true);
			run();
		});
		sortSel.addEventListener('change', function () {
			state.sort = sortSel.value === defaultSort() ? '' : sortSel.value;
			state.shown = PAGE;
			writeURL(true);
			run();
		});
		minSel.addEventListener('change', function () {
			state.min = parseInt(minSel.value, 10) || 0;
			state.shown = PAGE;
			writeURL(true);
			run();
		});
		ui.more.addEventListener('click', function () {
			state.shown += PAGE;
			run(true);
		});
		ui.clear.addEventListener('click', function () {
			state.sel = emptySel();
			state.min = 0;
			state.shown = PAGE;
			writeURL(true);
			run();
		});
		ui.fix.addEventListener('click', function (ev) {
			var a = ev.target.closest('a');
			if (!a)
				return;
			ev.preventDefault();
			input.value = state.q = a.getAttribute('data-q');
			writeURL(true);
			run();
		});
		ui.facets.addEventListener('change', function (ev) {
			var box = ev.target;
			if (box.type !== 'checkbox')
				return;
			var set = state.sel[box.getAttribute('data-group')];
			if (box.checked)
				set.add(box.value);
			else
				set.delete(box.value);
			state.shown = PAGE;
			writeURL(true);
			run();
		});
		ui.facets.addEventListener('click', function (ev) {
			var b = ev.target.closest('button[data-expand]');
			if (!b)
				return;
			var open = b.getAttribute('aria-expanded') !== 'true';
			b.setAttribute('aria-expanded', String(open));
			b.textContent = open ? 'Show fewer' : 'Show all';
			expanded[b.getAttribute('data-expand')] = open;
			if (open && lastArgs)	/* a group may show only its top so far */
				counts.apply(null, [runId].concat(lastArgs));
			else
				renderFacets(lastCounts);
		});
		window.addEventListener('popstate', function () {
			readURL();
			syncControls();
			run();
		});
	}
	function defaultSort() {
		return state.q.trim() ? 'relevance' : 'newest';
	}
	function syncControls() {
		input.value = state.q;
		ui.sort.value = state.sort || defaultSort();
		ui.min.value = String(state.min);
	}

	/* ---- running a search -------------------------------------------- */

	var runId = 0, announceTimer = 0, lastCounts = null, lastArgs = null, expanded = {};

	/* On a group page the results replace the page's list only while the
	 * reader filters; elsewhere they always show. */
	function engaged() {
		if (!SCOPE || state.q.trim() || state.min || state.sort)
			return true;
		return Object.keys(GROUPS).some(function (g) { return state.sel[g].size; });
	}
	var scopeMask = null;
	function scopeP() {
		if (!SCOPE)
			return null;
		var g = groupByName[SCOPE.g];
		if (!g)
			return Promise.resolve({ g: '', m: new Uint8Array(N) });
		return (scopeMask = scopeMask || facetLists(g, new Set([SCOPE.v])).then(function (ls) {
			var m = new Uint8Array(N);
			ls.forEach(function (l) { l.ids.forEach(function (i) { m[i] = 1; }); });
			return { g: '', m: m };
		}));
	}

	function run(keepList) {
		var id = ++runId;
		clearTimeout(announceTimer);
		var on = engaged();
		app.hidden = !on;
		if (fallback)
			fallback.hidden = on;
		if (!on)
			return Promise.resolve();
		var qwords = words(state.q);
		var prefix = qwords.length && !/\s$/.test(state.q) ? qwords[qwords.length - 1] : '';
		var active = Object.keys(GROUPS).filter(function (g) { return state.sel[g].size; });
		ui.sort.value = state.sort || defaultSort();
		ui.clear.disabled = !active.length && !state.min;

		var textP = Promise.all(qwords.map(function (w, i) {
			return resolve(w, i === qwords.length - 1 && prefix === w);
		}));
		var maskP = Promise.all(active.map(function (g) {
			return facetLists(groupByName[g], state.sel[g]).then(function (ls) {
				var m = new Uint8Array(N);
				ls.forEach(function (l) { l.ids.forEach(function (i) { m[i] = 1; }); });
				return { g: g, m: m };
			});
		}).concat(SCOPE ? [scopeP()] : []));
		var sort = state.sort || defaultSort();
		var salP = (state.min || sort === 'salary') ? (salaryPromise = salaryPromise || salaryKeys()) : null;

		return Promise.all([textP, maskP, salP]).then(function (r) {
			if (id !== runId)
				return;
			var per = r[0], masks = r[1], keys = r[2];
			var total = null, base = null, hits = {}, fixes = [], fixed = false;
			per.forEach(function (p, i) {
				p.used.forEach(function (w) { hits[w] = 1; });
				fixes.push(p.fix || qwords[i]);
				fixed = fixed || !!p.fix;
				if (!total) {
					total = p.scores;	/* each run's own: summed in place */
					base = p.ids;
				} else {	/* every word: keep the ids both have */
					var both = [];
					for (var j = 0; j < base.length; j++) {
						var k = base[j];
						if (p.scores[k]) {
							total[k] += p.scores[k];
							both.push(k);
						}
					}
					base = both;
				}
			});
			if (!total) {	/* no words: every posting, newest first */
				base = new Int32Array(N);
				for (var k = 0; k < N; k++)
					base[k] = k;
			}
			/* base: the text matches before filters, ids ascending */
			var minKey = state.min / 1000;
			var pass = function (k, skip) {
				if (keys && minKey && keys[k] < minKey)
					return false;
				for (var j = 0; j < masks.length; j++)
					if (masks[j].g !== skip && !masks[j].m[k])
						return false;
				return true;
			};
			var res = masks.length || (keys && minKey) ? base.filter(function (k) { return pass(k, null); }) : base;
			var cmp = null;
			if (sort === 'relevance' && total)
				cmp = function (a, b) { return total[b] - total[a] || a - b; };
			else if (sort === 'salary')
				cmp = function (a, b) { return keys[b] - keys[a] || a - b; };
			showFix(fixed ? fixes.join(' ') : '');
			return rows(cmp ? top(res, state.shown, cmp) : res.slice(0, state.shown)).then(function (rs) {
				if (id !== runId)
					return;
				renderResults(res, rs, hits, prefix, keepList);
				announce(res.length);
				/* Counts come after the results: they may need more files. */
				if (!keepList)
					counts(id, base, pass, masks.length || (keys && minKey) || total);
			});
		}).catch(function (e) {
			if (id === runId) {
				ui.summary.textContent = 'Search is unavailable: ' + e.message;
				ui.list.textContent = '';
			}
		});
	}

	/* The first k of a, sorted by cmp, without sorting all of a: only an
	 * element that beats the k-th so far is placed (binary search). */
	function top(a, k, cmp) {
		if (a.length <= 4 * k)
			return a.slice().sort(cmp).slice(0, k);
		var t = [];
		for (var i = 0; i < a.length; i++) {
			var x = a[i];
			if (t.length === k && cmp(x, t[k - 1]) >= 0)
				continue;
			var lo = 0, hi = t.length;
			while (lo < hi) {
				var mid = (lo + hi) >> 1;
				if (cmp(t[mid], x) <= 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			t.splice(lo, 0, x);
			if (t.length > k)
				t.pop();
		}
		return t;
	}

	function counts(id, base, pass, filtered) {
		var names = Object.keys(GROUPS).filter(function (g) {
			return groupByName[g] && !(SCOPE && SCOPE.g === g);
		});
		lastArgs = [base, pass, filtered];
		if (!filtered) {
			/* Nothing narrows the set: the counts of the manifest hold.  A
			 * group of many values shows its "top" until "Show all". */
			return Promise.all(names.map(function (g) {
				var G = groupByName[g];
				return G.top && !expanded[g] ? Promise.resolve(G.top) : values(G);
			})).then(function (vs) {
				if (id !== runId)
					return;
				var c = {};
				names.forEach(function (g, i) {
					c[g] = vs[i].map(function (v) { return { v: v, n: v[2] }; });
				});
				renderFacets(c);
			});
		}
		return Promise.all(names.map(function (g) {
			/* A group's counts ignore that group's own selection. */
			var ok = new Uint8Array(N);
			base.forEach(function (k) { if (pass(k, g)) ok[k] = 1; });
			return groupCounts(g, ok);
		})).then(function (all) {
			if (id !== runId)
				return;
			var c = {};
			names.forEach(function (g, i) { c[g] = all[i]; });
			renderFacets(c);
		});
	}
	/*
	 * Counts of group g's values among the postings marked in ok, in the
	 * group's order.  The page shows the first 8 with a count and "Show
	 * all" if there are more, so unless the group is expanded or has a
	 * selection, packs are read in order only until 9 values have a count
	 * (for employers, often the first pack of many, and the manifest's
	 * "top" instead of the value file).
	 */
	function groupCounts(name, ok) {
		var G = groupByName[name], all = expanded[name] || state.sel[name].size;
		var out = [], found = 0, k = 0;
		function count(v, p) {
			var ids = p[v[0]] ? decode(p[v[0]], 0).ids : [], n = 0;
			for (var j = 0; j < ids.length; j++)
				n += ok[ids[j]];
			out.push({ v: v, n: n });
			if (n)
				found++;
		}
		function step(vals) {
			if (!all && found > 8)
				return out;
			if (k >= vals.length)	/* the top is used up: read on in the file */
				return vals === G.top ? values(G).then(step) : out;
			var pack = vals[k][3];
			return get(G.packs[pack]).then(function (p) {
				for (; k < vals.length && vals[k][3] === pack; k++)
					count(vals[k], p);
				return step(vals);
			});
		}
		return (G.top && !all ? Promise.resolve(G.top) : values(G)).then(step);
	}

	function showFix(q) {
		ui.fix.textContent = '';
		ui.fix.hidden = !q;
		if (!q)
			return;
		var a = el('a', { href: '?q=' + encodeURIComponent(q), 'data-q': q, text: q });
		ui.fix.appendChild(document.createTextNode('Did you mean '));
		ui.fix.appendChild(a);
		ui.fix.appendChild(document.createTextNode('? Showing close matches.'));
	}

	function renderResults(res, rs, hits, prefix, keepList) {
		var n = res.length;
		ui.summary.textContent = n === 1 ? '1 job' : n.toLocaleString('en-US') + ' jobs';
		var start = keepList ? ui.list.children.length : 0;
		if (!keepList)
			ui.list.textContent = '';
		for (var i = start; i < rs.length; i++) {
			var r = rs[i];
			var a = el('a', { href: ROOT + 'jobs/' + r[0] + '/' + INDEX, class: 'search-result-title' });
			a.appendChild(marked(r[1], hits, prefix));
			var meta = el('p', { class: 'search-result-meta' });
			var place = [r[3], r[4]].filter(Boolean).join(', ');
			var parts = [r[2], place, r[5], r[8], r[6]];
			parts.forEach(function (p) {
				if (!p)
					return;
				var span = el('span');
				span.appendChild(marked(p, hits, prefix));
				meta.appendChild(span);
			});
			if (r[7])
				meta.appendChild(el('time', { datetime: r[7], text: r[7] }));
			ui.list.appendChild(el('li', { class: 'search-result' }, [a, meta]));
		}
		ui.more.hidden = rs.length >= n;
		/* For measuring: the moment the results are on the page. */
		if (window.performance && performance.mark)
			performance.mark('jobsite-results');
	}

	/* The count of the results now shown, with their own query: a run
	 * that starts later cancels it (run()). */
	function announce(n) {
		clearTimeout(announceTimer);
		var q = state.q.trim();
		announceTimer = setTimeout(function () {
			ui.status.textContent = (n === 1 ? '1 job found' : n + ' jobs found') + (q ? ' for ' + q : '');
		}, 500);
	}

	function renderFacets(c) {
		if (!c)
			return;
		lastCounts = c;
		var focus = document.activeElement && document.activeElement.id;
		ui.facets.textContent = '';
		Object.keys(GROUPS).forEach(function (g) {
			if (!c[g])
				return;
			var fs = el('fieldset', { class: 'search-facet' }, [el('legend', { text: GROUPS[g] })]);
			var list = c[g].filter(function (x) { return x.n || state.sel[g].has(x.v[0]); });
			var limit = expanded[g] ? list.length : 8;
			list.slice(0, limit).forEach(function (x) {
				var idn = 'f-' + g + '-' + x.v[0].replace(/[^A-Za-z0-9_-]/g, '_');
				var box = el('input', { type: 'checkbox', id: idn, value: x.v[0], 'data-group': g });
				box.checked = state.sel[g].has(x.v[0]);
				var label = el('label', { for: idn }, [
					document.createTextNode(x.v[1] + ' '),
					el('span', { class: 'search-count', text: '(' + x.n + ')' })
				]);
				fs.appendChild(el('div', { class: 'search-facet-value' }, [box, label]));
			});
			if (list.length > 8)
				fs.appendChild(el('button', { type: 'button', 'data-expand': g,
					'aria-expanded': String(!!expanded[g]), text: expanded[g] ? 'Show fewer' : 'Show all' }));
			if (!list.length)
				fs.appendChild(el('p', { text: 'None' }));
			ui.facets.appendChild(fs);
		});
		if (focus && document.getElementById(focus))
			document.getElementById(focus).focus();
	}

	/* ---- start -------------------------------------------------------- */

	get('manifest').then(function (m) {
		M = m;
		N = m.n;
		K1 = m.rank.k1;
		HEAD_BOOST = m.rank.boost;
		FIELD = m.rank.field;
		BUCKET = m.rank.bucket;
		m.stopwords.forEach(function (w) { STOP[w] = 1; });
		m.facets.forEach(function (g) { groupByName[g.name] = g; });
		build();
		readURL();
		syncControls();
		run();
	}, function (e) {
		app.hidden = false;
		app.textContent = (SCOPE ? 'Filtering' : 'Search') + ' is unavailable (' + e.message + ').';
	});
})();
