import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	identifierTerms,
	queryStems,
	terms as analyse
} from '../../src/lib/server/search/analyze.js';
import { SYNONYM_GROUPS } from '../../src/lib/server/search/synonyms.ts';
import { openLibraryDb } from '../helpers/db.ts';
import { copyDemoData, libraryEnv } from '../helpers/demo.ts';
import { CORPUS_DIR, DEMO_PASSWORD } from '../helpers/env.ts';
import { Client } from '../helpers/http.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * Search through the real built server over the demo catalog (real Indonesian PDFs) and real
 * corpus PDFs: relevance, audience, lifecycle.
 */
let server: RunningServer;
let anon: Client;
let employee: Client;
let librarian: Client;
const RARE = 'zamrudkatulistiwa'; // occurs only in one internal demo PDF (scripts/demo/catalog.ts)

async function waitForIndex(c: Client, timeoutMs = 30_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const r = await (await c.fetch('/readyz')).json();
		if (r.checks.search.state === 'ready') return r;
		if (Date.now() > deadline) throw new Error(`index not ready: ${JSON.stringify(r.checks)}`);
		await new Promise((r) => setTimeout(r, 200));
	}
}

/** Within one edit (insertion, deletion or substitution)? */
function oneEdit(a: string, b: string): boolean {
	if (Math.abs(a.length - b.length) > 1 || a === b) return a === b;
	let i = 0;
	while (i < a.length && a[i] === b[i]) i++;
	if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1);
	return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/**
 * What the public may see, straight from the database text (not from either index): per record,
 * the stems of every descriptive field, the abstract and the current file's pages.
 */
async function publicStems(dataDir: string): Promise<Map<number, Set<string>>> {
	const db = openLibraryDb(dataDir);
	// SQLite's group_concat is PostgreSQL's string_agg (the order does not matter: a set of stems).
	const concat = db.engine === 'postgres' ? 'string_agg' : 'group_concat';
	try {
		const today = new Date().toISOString().slice(0, 10);
		const rows = (await db.all(
			`select p.id, p.language, p.title, p.subtitle, p.publisher, p.place, p.edition, p.abstract,
				        p.call_number, p.isbn, p.issn, p.regulation_number, s.title as series,
				        (select ${concat}(name, ' ') from publication_authors a where a.publication_id = p.id) as authors,
				        (select ${concat}(x.name, ' ') from publication_subjects ps join subjects x on x.id = ps.subject_id where ps.publication_id = p.id) as subjects,
				        (select ${concat}(t.text, ' ') from files f join page_texts t on t.file_id = f.id where f.publication_id = p.id and f.is_current = 1) as body
				 from publications p left join series s on s.id = p.series_id
				 where p.status = 'published' and p.access = 'public' and (p.embargo_until is null or p.embargo_until <= ?)`,
			today
		)) as Record<string, string | null>[];
		const out = new Map<number, Set<string>>();
		for (const r of rows) {
			const lang = r.language!;
			const text = [
				'title',
				'subtitle',
				'publisher',
				'place',
				'edition',
				'abstract',
				'series',
				'authors',
				'subjects',
				'body'
			]
				.map((k) => r[k] ?? '')
				.join(' \n ');
			const stems = new Set(analyse(text, lang));
			for (const id of [r.call_number, r.isbn, r.issn, r.regulation_number])
				if (id) for (const t of identifierTerms(id)) stems.add(t);
			out.set(Number(r.id), stems);
		}
		return out;
	} finally {
		await db.close();
	}
}

/** Does a record (its stems) contain a typed word: a stem of it, or one edit from a long one? */
function hasWord(stems: Set<string>, word: string): boolean {
	return queryStems(word).some(
		(q) =>
			stems.has(q) || (q.length >= 5 && !/^\d+$/.test(q) && [...stems].some((s) => oneEdit(q, s)))
	);
}

/**
 * The records matching every word of `q`, computed independently of the search code: each word
 * is found in the record, or a synonym phrase of the curated list standing for the words is
 * found in full (every word of `state property` for `barang milik negara`).
 */
function matchingEveryWord(records: Map<number, Set<string>>, q: string): number[] {
	const typed = q.toLowerCase().split(/\s+/);
	const groups = SYNONYM_GROUPS.filter((g) => g.some((p) => ` ${q} `.includes(` ${p} `)));
	return [...records]
		.filter(([, stems]) =>
			typed.every(
				(w) =>
					hasWord(stems, w) ||
					groups.some(
						(g) =>
							g.some((p) => p.split(' ').includes(w) && ` ${q} `.includes(` ${p} `)) &&
							g.some((p) =>
								p
									.split(/[\s-]+/)
									.filter((x) => x !== 'of')
									.every((x) => hasWord(stems, x))
							)
					)
			)
		)
		.map(([id]) => id);
}

const search = async (c: Client, params: Record<string, string>) => {
	const res = await c.fetch(`/api/v1/search?${new URLSearchParams(params)}`);
	expect(res.status, JSON.stringify(params)).toBe(200);
	return res.json();
};

beforeAll(async () => {
	server = await startServer(copyDemoData());
	anon = new Client(server.url);
	employee = new Client(server.url);
	librarian = new Client(server.url);
	await employee.login('pegawai@perpustakaan.test', DEMO_PASSWORD);
	await librarian.login('pustakawan@perpustakaan.test', DEMO_PASSWORD);
	await waitForIndex(anon);
});
afterAll(async () => {
	await server?.stop();
});

describe('audience', () => {
	it('a word only in an internal PDF gives the public zero hits and no trace', async () => {
		const r = await search(anon, { q: RARE });
		expect(r.total).toBe(0);
		expect(r.hits).toEqual([]);
		expect(Object.values(r.facets).every((f) => (f as unknown[]).length === 0)).toBe(true);
		expect(r.didYouMean).toBeNull();
		const typo = await search(anon, { q: RARE.slice(0, -1) + 'x' });
		expect(JSON.stringify(typo)).not.toContain(RARE);
		const mixed = await search(anon, { q: `lelang ${RARE.slice(0, -1)}` });
		expect(JSON.stringify(mixed)).not.toContain(RARE);
		const suggest = await (await anon.fetch(`/api/v1/suggest?q=${RARE.slice(0, 6)}`)).json();
		expect(JSON.stringify(suggest)).not.toContain(RARE);
		const page = await (
			await anon.fetch(`/search?q=${RARE}`, { headers: { accept: 'text/html' } })
		).text();
		// The page echoes the query, and nothing else: no hit, no title of the internal record.
		expect(page).not.toContain('data-testid="search-hit"');
		const db = openLibraryDb(server.dataDir);
		const { title } = (await db.get(
			`select p.title from publications p join files f on f.publication_id = p.id join page_texts t on t.file_id = f.id where t.text like ?`,
			`%${RARE}%`
		)) as { title: string };
		await db.close();
		expect(page).not.toContain(title);
	});

	it('employees find the internal record, with the page it is on', async () => {
		const r = await search(employee, { q: RARE });
		expect(r.total).toBe(1);
		expect(r.hits[0].access).toBe('internal');
		expect(r.hits[0].pages.length).toBeGreaterThan(0);
		expect(r.hits[0].snippet).toContain(`<mark>${RARE}</mark>`);
	});

	it('totals and facets count only what the caller may see', async () => {
		const pub = await search(anon, { q: 'negara', pageSize: '100' });
		const staff = await search(librarian, { q: 'negara', pageSize: '100' });
		expect(staff.total).toBeGreaterThan(pub.total);
		expect(pub.hits.every((h: { access: string }) => h.access === 'public')).toBe(true);
		const sum = (f: { count: number }[]) => f.reduce((n, x) => n + x.count, 0);
		expect(sum(pub.facets.type)).toBe(pub.total);
		expect(pub.facets.access).toEqual([]);
		expect(staff.facets.access.map((f: { value: string }) => f.value).sort()).toEqual([
			'internal',
			'public',
			'restricted'
		]);
		// Asking for what you may not see changes nothing.
		const sneaky = await search(anon, { q: 'negara', access: 'internal' });
		expect(sneaky.total).toBe(pub.total);
	});
});

describe('meaningful totals', () => {
	it('counts the records matching every word, not every record matching one', async () => {
		const records = await publicStems(server.dataDir);
		for (const q of ['keuangan negara', 'barang milik negara', 'lelang piutang']) {
			const expected = matchingEveryWord(records, q);
			const some = [...records.values()].filter((s) => q.split(' ').some((w) => hasWord(s, w)));
			const r = await search(anon, { q, pageSize: '100' });
			expect(r.matchedAll, q).toBe(true);
			expect(r.total, q).toBe(expected.length);
			expect(r.hits.map((h: { id: number }) => h.id).sort(), q).toEqual(expected.sort());
			// The demo catalog is about state property: nearly every record matches that one.
			if (q !== 'barang milik negara') expect(r.total, q).toBeLessThan(some.length);
			const sum = (f: { count: number }[]) => f.reduce((n, x) => n + x.count, 0);
			expect(sum(r.facets.type), q).toBe(r.total);
		}
	});

	it('falls back to records matching some of the words, and says so', async () => {
		const records = await publicStems(server.dataDir);
		const q = 'kalibrasi piutang';
		expect(matchingEveryWord(records, q)).toEqual([]);
		const some = [...records].filter(([, s]) => hasWord(s, 'kalibrasi') || hasWord(s, 'piutang'));
		const r = await search(anon, { q, pageSize: '100' });
		expect(r.matchedAll).toBe(false);
		expect(r.total).toBe(some.length);
		expect(r.hits.length).toBeGreaterThan(0);
		const page = await (
			await anon.fetch(`/search?q=${encodeURIComponent(q)}`, { headers: { accept: 'text/html' } })
		).text();
		expect(page).toContain('data-testid="search-fallback"');
		expect(page).toContain('Tidak ada yang cocok dengan semua kata');
		// A word only in an internal record does not turn the public's fallback into a match.
		const mixed = await search(anon, { q: `lelang ${RARE}` });
		expect(mixed.matchedAll).toBe(false);
		expect(mixed.total).toBe((await search(anon, { q: 'lelang' })).total);
		expect(JSON.stringify(mixed)).not.toContain(RARE);
	});
});

describe('every descriptive field is findable', () => {
	it('a record imported from SLiMS is found by its publisher, call number and ISBN', async () => {
		const file = path.join(server.dataDir, '..', `${path.basename(server.dataDir)}-slims.csv`);
		fs.writeFileSync(
			file,
			'"Pedoman Inventarisasi Gudang","Text","Cet. 3","978-602-0000-01-5","Penerbit Cendrawasih Nusantara","2019","","","351.7 PED p","Indonesia","Kupang","351.7","Catatan tentang gudang","","","<Tim Penyusun>","<Inventaris>","<G-1>"\n'
		);
		// Asynchronously: a blocked event loop would keep the client's idle keep-alive socket past
		// the server's timeout and the next request would meet a closed connection.
		await promisify(execFile)(
			process.execPath,
			['node_modules/tsx/dist/cli.mjs', 'scripts/import.ts', '--slims', file],
			{
				env: {
					...process.env,
					...libraryEnv(server.dataDir),
					LANG: 'id_ID.UTF-8',
					LOG_LEVEL: 'warn'
				}
			}
		);
		const title = 'Pedoman Inventarisasi Gudang';
		const found = async (params: Record<string, string>) =>
			(await search(anon, params)).hits.some((h: { title: string }) => h.title === title);
		const deadline = Date.now() + 15_000;
		while (!(await found({ q: 'cendrawasih nusantara' })) && Date.now() < deadline)
			await new Promise((r) => setTimeout(r, 200));
		const queries: Record<string, string>[] = [
			{ q: 'Penerbit Cendrawasih Nusantara' },
			{ q: 'cendrawasih' },
			{ q: '351.7 PED p' },
			{ q: '', number: '351.7 PED p' },
			{ q: '9786020000015' },
			{ q: '978-602-0000-01-5' },
			{ q: 'kupang gudang' }
		];
		for (const params of queries) {
			const res = await search(anon, params);
			expect(res.hits[0]?.title, JSON.stringify(params)).toBe(title);
		}
	});
});

describe('relevance on real text', () => {
	it('finds a different affix: membangun finds pembangunan', async () => {
		const r = await search(anon, { q: 'membangun' });
		expect(r.total).toBeGreaterThan(0);
		expect(r.hits[0].snippet).toMatch(/<mark>[^<]*bangun[^<]*<\/mark>/i);
	});

	it('puts the regulation first for its PMK number, however it is typed', async () => {
		for (const q of ['PMK 181/PMK.06/2016', '181/PMK.06/2016', 'pmk 181 2016']) {
			const r = await search(anon, { q });
			expect(r.hits[0].title, q).toContain('181/PMK.06/2016');
		}
		const scoped = await search(anon, { q: '', number: '181/PMK.06/2016' });
		expect(scoped.hits[0].title).toContain('181/PMK.06/2016');
	});

	it('ranks a title word above a body word', async () => {
		const r = await search(anon, { q: 'kalibrasi revaluasi', pageSize: '5' });
		// "Revaluasi" is in the title of the issue whose page 3 mentions kalibrasi: all-terms and title first.
		expect(r.hits[0].title).toMatch(/Revaluasi/);
		const t = await search(anon, { q: 'piutang', pageSize: '3' });
		expect(t.hits[0].title.toLowerCase()).toContain('piutang');
	});

	it('an English query finds Indonesian records through the synonym list', async () => {
		const r = await search(anon, { q: 'state receivables', lang: 'id' });
		expect(r.total).toBeGreaterThan(0);
		expect(r.hits.some((h: { title: string }) => /piutang/i.test(h.title))).toBe(true);
		const auction = await search(anon, { q: 'auction', lang: 'id' });
		expect(auction.hits[0].title.toLowerCase()).toContain('lelang');
	});

	it('records with every word rank before records with some', async () => {
		const r = await search(anon, { q: 'lelang piutang', pageSize: '100' });
		const docs = r.hits.map((h: { snippet: string; title: string }) => h);
		expect(docs.length).toBeGreaterThan(3);
		// The first hit matches both words somewhere (title, snippet or pages).
		const first = await (
			await anon.fetch(`/api/v1/search?${new URLSearchParams({ q: 'lelang', pageSize: '100' })}`)
		).json();
		const second = await (
			await anon.fetch(`/api/v1/search?${new URLSearchParams({ q: 'piutang', pageSize: '100' })}`)
		).json();
		const both = new Set(
			first.hits
				.map((h: { id: number }) => h.id)
				.filter((id: number) => second.hits.some((h: { id: number }) => h.id === id))
		);
		expect(both.has(r.hits[0].id)).toBe(true);
	});

	it('reports the pages where the word is, from the page index', async () => {
		const r = await search(anon, { q: 'kalibrasi' });
		expect(r.total).toBeGreaterThan(0);
		const db = openLibraryDb(server.dataDir);
		try {
			for (const hit of r.hits) {
				const pages = (
					await db.all(
						`select t.page from page_texts t join files f on f.id = t.file_id
						 where f.publication_id = ? and f.is_current = 1 and lower(t.text) like '%kalibrasi%'
						 order by t.page`,
						hit.id
					)
				).map((x) => (x as { page: number }).page);
				expect(hit.pages).toEqual(pages);
				if (pages.length) expect(hit.snippet).toContain('<mark>kalibrasi</mark>');
			}
		} finally {
			await db.close();
		}
	});

	it('supports prefixes, tolerates typos and offers the correction', async () => {
		expect((await search(anon, { q: 'lela*' })).total).toBeGreaterThan(0);
		const typo = await search(anon, { q: 'lelamg' });
		expect(typo.total).toBeGreaterThan(0);
		expect(typo.didYouMean).toBe('lelang');
	});

	it('treats Lunr and FTS5 syntax as plain words, never a 500', async () => {
		for (const q of [
			// A synonym with a hyphen (penghapusan ↔ write-off) and FTS5 operators as words.
			'penghapusan',
			'write-off*',
			'lelang NEAR aset',
			'aset AND OR NOT',
			'buku-bu*',
			'title:lelang',
			'lelang~2',
			'aset^10',
			'+lelang -',
			'"unbalanced',
			'***',
			':',
			'a'.repeat(400)
		]) {
			const res = await anon.fetch(`/api/v1/search?${new URLSearchParams({ q })}`);
			expect(res.status, q).toBe(200);
		}
		expect((await anon.fetch('/api/v1/search?q=x&type=poster')).status).toBe(400);
	});

	it('filters by type and year range, sorts by newest, and paginates', async () => {
		const r = await search(anon, {
			q: 'aset',
			type: 'magazine_issue',
			yearFrom: '2020',
			yearTo: '2022',
			sort: 'newest',
			pageSize: '5'
		});
		expect(r.total).toBeGreaterThan(0);
		for (const h of r.hits) {
			expect(h.type).toBe('magazine_issue');
			expect(h.year).toBeGreaterThanOrEqual(2020);
			expect(h.year).toBeLessThanOrEqual(2022);
		}
		const years = r.hits.map((h: { year: number }) => h.year);
		expect([...years].sort((a, b) => b - a)).toEqual(years);
		expect(r.facets.type.length).toBeGreaterThan(1); // the type facet ignores its own filter
		const p2 = await search(anon, { q: 'aset', page: '2', pageSize: '5' });
		const p1 = await search(anon, { q: 'aset', page: '1', pageSize: '5' });
		expect(p2.hits[0].id).not.toBe(p1.hits[0].id);
		expect(Object.keys(p1.hits[0]).sort()).toEqual([
			'access',
			'availability',
			'id',
			'pageContext',
			'pages',
			'score',
			'snippet',
			'title',
			'type',
			'year'
		]);
	});
});

describe('index lifecycle', () => {
	it('an upload is searchable within 10 seconds while queries keep answering', async () => {
		const form = new FormData();
		form.append('title', 'Trace-based JIT');
		form.append('access', 'public');
		form.append('status', 'published');
		form.append(
			'file',
			new Blob([new Uint8Array(fs.readFileSync(path.join(CORPUS_DIR, 'pdfjs/tracemonkey.pdf')))]),
			'tracemonkey.pdf'
		);
		const t0 = Date.now();
		const res = await librarian.fetch('/api/v1/publications', {
			method: 'POST',
			body: form,
			headers: { origin: server.url }
		});
		expect(res.status).toBe(201);
		let found = false;
		let answered = 0;
		while (Date.now() - t0 < 10_000) {
			const r = await search(anon, { q: 'tracemonkey specialization' });
			answered++;
			if (r.hits.some((h: { title: string }) => h.title === 'Trace-based JIT')) {
				found = true;
				break;
			}
			await new Promise((r) => setTimeout(r, 100));
		}
		console.log(`searchable after ${Date.now() - t0} ms (${answered} queries answered meanwhile)`);
		expect(found).toBe(true);
	});

	it('a withdrawn record leaves the results at once, before the index is rebuilt', async () => {
		const r = await search(anon, { q: 'lelang', pageSize: '1' });
		const id = r.hits[0].id;
		expect((await librarian.postJson(`/api/v1/publications/${id}/withdraw`, {})).status).toBe(200);
		const after = await search(anon, { q: 'lelang', pageSize: '100' });
		expect(after.hits.some((h: { id: number }) => h.id === id)).toBe(false);
	});

	it('a corrupt snapshot is detected at start and rebuilt', async () => {
		await server.stop();
		fs.writeFileSync(
			path.join(server.dataDir, 'search', 'index.json'),
			'{"format": 3, "index": {broken'
		);
		server = await startServer(server.dataDir);
		anon = new Client(server.url);
		await waitForIndex(anon);
		expect((await search(anon, { q: 'lelang' })).total).toBeGreaterThan(0);
	});
});
