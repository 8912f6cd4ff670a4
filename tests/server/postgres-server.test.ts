import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as users from '../../src/lib/server/accounts/users.ts';
import { openDatabase, openPostgres, type Db } from '../../src/lib/server/db/index.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import { WRITE_LOCK_KEY } from '../../src/lib/server/db/write.js';
import { copyDemoData, emptyDataDir } from '../helpers/demo.ts';
import { CORPUS_DIR, DEMO_PASSWORD, ROOT } from '../helpers/env.ts';
import { Client } from '../helpers/http.ts';
import { startPostgres, type PgServer } from '../helpers/pg-server.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * The built server (`npm start`, scripts/start.js) on a fresh database of each engine — a SQLite
 * file as always, and a real PostgreSQL server started for this file with `DATABASE_URL` set
 * (#16): it starts and migrates, a librarian catalogues records and uploads real PDFs through
 * the HTTP API, and search answers what a user sees — a word of a PDF's body with its page and a
 * snippet, nothing of an internal or draft record for the public, typo and prefix tolerance —
 * the same on both engines (compared at the end). Then the demo catalog, seeded on PostgreSQL by
 * `npm run seed:demo` (with its year of history), answers a set of queries exactly as the
 * test suite's SQLite demo seed does: the same totals, hits in the same order, pages and snippets.
 */
let pgServer: PgServer | undefined;

beforeAll(async () => {
	pgServer = await startPostgres();
}, 120_000);
afterAll(async () => {
	await pgServer?.stop();
});

const PASSWORD = 'kata-sandi-uji-2026';
const NIP = '199001012015011001';
/** Occurs only on page 2 of the internal PDF. */
const RARE = 'zamrudkatulistiwa';
/** Occurs only in the abstract of a draft record without a file. */
const DRAFT_WORD = 'kelapasawitraya';

/** A real PDF (pdf-lib) with one text per page. */
async function pdfOf(pages: string[]): Promise<Uint8Array> {
	const doc = await PDFDocument.create();
	const font = await doc.embedFont(StandardFonts.Helvetica);
	for (const text of pages) {
		const page = doc.addPage([400, 300]);
		page.drawText(text, { x: 20, y: 250, size: 11, font, maxWidth: 360, lineHeight: 14 });
	}
	return doc.save();
}

/** What a search shows, reduced to what must be equal on both engines. */
interface Seen {
	total: number;
	hits: { title: string; pages: number[]; marked: string[] }[];
	didYouMean: string | null;
}
const seen: Record<string, Record<string, Seen>> = { sqlite: {}, postgres: {} };

describe.each(['sqlite', 'postgres'] as const)('the built server on %s', (engine) => {
	let server: RunningServer;
	let anon: Client;
	let librarian: Client;
	const ids: Record<string, number> = {};

	beforeAll(async () => {
		const dataDir = emptyDataDir();
		const url =
			engine === 'postgres' ? await pgServer!.createDatabase('postgres_server') : undefined;
		// The librarian account, created through the accounts module as `npm run user` does.
		const db: Db = url
			? openPostgres(url)
			: openDatabase(path.join(dataDir, 'perpustakaan.sqlite'));
		await migrateToLatest(db);
		await users.create(db, {
			name: 'Pustakawan Uji',
			role: 'librarian',
			nip: NIP,
			password: PASSWORD
		});
		await db.destroy();
		server = await startServer(dataDir, { DATABASE_URL: url ?? '' });
		anon = new Client(server.url, { cookie: 'lang=en' });
		librarian = new Client(server.url, { cookie: 'lang=en' });
		expect((await librarian.login(NIP, PASSWORD)).status).toBe(200);
	}, 60_000);
	afterAll(async () => {
		await server?.stop();
	});

	function upload(file: Uint8Array, name: string, fields: Record<string, string>) {
		const form = new FormData();
		for (const [k, v] of Object.entries(fields)) form.append(k, v);
		form.append('file', new Blob([new Uint8Array(file)], { type: 'application/pdf' }), name);
		return librarian.fetch('/api/v1/publications', { method: 'POST', body: form });
	}

	async function search(c: Client, q: string, key?: string): Promise<Seen & { ids: number[] }> {
		const res = await c.fetch(`/api/v1/search?${new URLSearchParams({ q })}`);
		expect(res.status, q).toBe(200);
		const r = await res.json();
		const out: Seen = {
			total: r.total,
			hits: r.hits.map((h: { title: string; pages: number[]; snippet: string }) => ({
				title: h.title,
				pages: h.pages,
				marked: [...h.snippet.matchAll(/<mark>([^<]*)<\/mark>/g)].map((m) => m[1].toLowerCase())
			})),
			didYouMean: r.didYouMean
		};
		if (key) seen[engine][key] = out;
		return { ...out, ids: r.hits.map((h: { id: number }) => h.id) };
	}

	/** Searches until the index has caught up with the uploads (the builder runs in the background). */
	async function eventually(c: Client, q: string, total: number, timeoutMs = 30_000) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const r = await search(c, q);
			if (r.total === total) return r;
			if (Date.now() > deadline)
				throw new Error(`"${q}" found ${r.total}, not ${total}:\n${server.output().slice(-3000)}`);
			await new Promise((r) => setTimeout(r, 250));
		}
	}

	it('starts, migrates, catalogues and stores real PDFs through the API', async () => {
		// Ready once migrated and the (empty) search index is built.
		const deadline = Date.now() + 30_000;
		while ((await anon.fetch('/readyz')).status !== 200) {
			if (Date.now() > deadline) throw new Error(`never ready:\n${server.output()}`);
			await new Promise((r) => setTimeout(r, 200));
		}
		const tracemonkey = fs.readFileSync(path.join(CORPUS_DIR, 'pdfjs/tracemonkey.pdf'));
		const made = await Promise.all([
			upload(tracemonkey, 'tracemonkey.pdf', {
				title: 'Trace-based Just-in-Time Type Specialization',
				type: 'article',
				language: 'en',
				access: 'public',
				status: 'published'
			}),
			upload(
				await pdfOf([
					'Pedoman pelaksanaan lelang barang milik negara di kantor pelayanan.',
					'Daftar istilah kekayaan negara.',
					'Lelang eksekusi dan lelang noneksekusi wajib diumumkan.'
				]),
				'pedoman-lelang.pdf',
				{ title: 'Pedoman Lelang', type: 'book', access: 'public', status: 'published' }
			),
			upload(
				await pdfOf([
					'Catatan internal pengelolaan aset.',
					`Sandi kegiatan ${RARE} hanya untuk pegawai.`,
					'Penutup.'
				]),
				'catatan-internal.pdf',
				{ title: 'Catatan Internal', type: 'book', access: 'internal', status: 'published' }
			)
		]);
		for (const res of made) expect(res.status).toBe(201);
		const [t, p, i] = await Promise.all(made.map((r) => r.json()));
		Object.assign(ids, { tracemonkey: t.id, pedoman: p.id, internal: i.id });
		expect(t).toMatchObject({ pages: 14, hasTextLayer: true });
		const draft = await librarian.postJson('/api/v1/publications', {
			title: 'Kajian Perkebunan',
			type: 'book',
			abstract: `Kajian tentang ${DRAFT_WORD} di Sumatra.`,
			access: 'public',
			status: 'draft'
		});
		expect(draft.status).toBe(201);
		ids.draft = (await draft.json()).id;
		// The catalog, a detail page and the reader's file route answer the public.
		expect((await anon.fetch('/catalog', { headers: { accept: 'text/html' } })).status).toBe(200);
		const detail = await anon.fetch(`/publications/${ids.pedoman}`, {
			headers: { accept: 'text/html' }
		});
		expect(detail.status).toBe(200);
		expect(await detail.text()).toContain('Pedoman Lelang');
		const reader = await anon.fetch(`/publications/${ids.tracemonkey}/read`, {
			headers: { accept: 'text/html' }
		});
		expect(reader.status).toBe(200);
		const file = await anon.fetch(`/api/v1/publications/${ids.tracemonkey}/file`);
		expect(file.status).toBe(200);
		expect(Buffer.from(await file.arrayBuffer()).equals(tracemonkey)).toBe(true);
		// Hidden records answer exactly like missing ones.
		expect((await anon.fetch(`/api/v1/publications/${ids.internal}`)).status).toBe(404);
		expect((await anon.fetch(`/api/v1/publications/${ids.draft}`)).status).toBe(404);
	});

	it('finds a word of a PDF body with its pages and a marked snippet', async () => {
		// Each upload triggers a rebuild; wait until the last one has every record.
		for (const [c, q] of [
			[librarian, RARE],
			[librarian, DRAFT_WORD],
			[anon, 'trace compilation'],
			[anon, 'lelang']
		] as const)
			await eventually(c, q, 1);
		const lelang = await search(anon, 'lelang', 'lelang');
		expect(lelang.ids[0]).toBe(ids.pedoman);
		expect(lelang.hits[0].pages).toEqual([1, 3]);
		expect(lelang.hits[0].marked).toContain('lelang');
		const english = await search(anon, 'trace compilation', 'english');
		expect(english.ids).toContain(ids.tracemonkey);
		const hit = english.hits[english.ids.indexOf(ids.tracemonkey)];
		expect(hit.pages.length).toBeGreaterThan(0);
		expect(hit.marked.length).toBeGreaterThan(0);
	});

	it('shows internal and draft records to the librarian only', async () => {
		const publicRare = await search(anon, RARE, 'anon-rare');
		expect(publicRare.total).toBe(0);
		expect(JSON.stringify(publicRare)).not.toContain('Catatan Internal');
		const staffRare = await search(librarian, RARE, 'staff-rare');
		expect(staffRare.ids).toEqual([ids.internal]);
		expect(staffRare.hits[0].pages).toEqual([2]);
		expect(staffRare.hits[0].marked).toEqual([RARE]);
		expect((await search(anon, DRAFT_WORD, 'anon-draft')).total).toBe(0);
		expect((await search(librarian, DRAFT_WORD, 'staff-draft')).ids).toEqual([ids.draft]);
		// Nor does a typo or a prefix give the public a trace of the hidden word.
		const typo = await search(anon, `${RARE.slice(0, -1)}x`, 'anon-typo');
		expect(JSON.stringify(typo)).not.toContain(RARE);
	});

	it('tolerates a typo and expands a prefix', async () => {
		const typo = await search(librarian, `${RARE.slice(0, -1)}x`, 'staff-typo');
		expect(typo.ids).toEqual([ids.internal]);
		const prefix = await search(librarian, 'zamrudkat*', 'staff-prefix');
		expect(prefix.ids).toEqual([ids.internal]);
		const publicTypo = await search(anon, 'lelamg', 'anon-lelamg');
		expect(publicTypo.ids).toContain(ids.pedoman);
		expect(publicTypo.didYouMean).toBe('lelang');
	});

	it('serves regulations with their relations and the staff pages with monthly figures', async () => {
		// A relation by number: matched ignoring case and blanks (char()/chr() in the query).
		const regulation = async (n: number, fields: Record<string, unknown> = {}) => {
			const res = await librarian.postJson('/api/v1/publications', {
				type: 'regulation',
				title: `Peraturan Uji ${n}`,
				regulationNumber: `PMK ${n}/PMK.06/2025`,
				regulationKind: 'PMK',
				enactedDate: '2025-03-01',
				status: 'published',
				access: 'public',
				...fields
			});
			expect(res.status).toBe(201);
			return res.json();
		};
		const old = await regulation(901);
		const revoking = await regulation(902, { relations: ['revokes:pmk 901/PMK.06/2025'] });
		expect(revoking.regulation.revokes).toEqual([
			expect.objectContaining({ id: old.id, number: 'PMK 901/PMK.06/2025' })
		]);
		const seenOld = await (await anon.fetch(`/api/v1/publications/${old.id}`)).json();
		expect(seenOld.regulation).toMatchObject({
			status: 'dicabut',
			revokedBy: [{ id: revoking.id }]
		});
		for (const page of ['/staff', '/staff/statistics', '/catalog?type=regulation'])
			expect((await librarian.fetch(page, { headers: { accept: 'text/html' } })).status, page).toBe(
				200
			);
		const suggest = await (await anon.fetch('/api/v1/suggest?q=PEDOMAN')).json();
		expect(JSON.stringify(suggest)).toContain('Pedoman Lelang');
	});

	it('logged no error along the way (the index builder included)', () => {
		const errors = server
			.output()
			.split('\n')
			.filter((line) => /"level":(50|60)/.test(line));
		expect(errors).toEqual([]);
		// Nothing fell back to SQLite: on PostgreSQL no database file was ever created.
		expect(fs.existsSync(path.join(server.dataDir, 'perpustakaan.sqlite'))).toBe(
			engine === 'sqlite'
		);
	});
});

describe('both engines', () => {
	it('show the same results for the same steps', () => {
		expect(Object.keys(seen.postgres).length).toBeGreaterThan(5);
		expect(seen.postgres).toEqual(seen.sqlite);
	});
});

/** Queries over the demo catalog: words, phrases, a typo, prefixes, a synonym, the internal word. */
const DEMO_QUERIES = [
	'lelang',
	'piutang negara',
	'barang milik negara',
	'lelamg',
	'lela*',
	'aset',
	'negara',
	'kalibrasi',
	'penghapusan',
	'write-off*',
	'laporan keuangan 2021',
	'kekayaan dipisahkan',
	'zamrudkatulistiwa',
	'zamrudkatulistiwx'
];

/** What the demo queries show an anonymous visitor and a librarian on one server. */
async function demoAnswers(server: RunningServer): Promise<Record<string, unknown>> {
	const deadline = Date.now() + 60_000;
	for (;;) {
		const r = await (await fetch(`${server.url}/readyz`)).json();
		if (r.checks.search.state === 'ready') break;
		if (Date.now() > deadline) throw new Error(`index not ready:\n${server.output()}`);
		await new Promise((r) => setTimeout(r, 200));
	}
	const anon = new Client(server.url);
	const librarian = new Client(server.url);
	expect((await librarian.login('pustakawan@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
	const out: Record<string, unknown> = {};
	for (const [who, c] of [
		['anon', anon],
		['librarian', librarian]
	] as const)
		for (const q of DEMO_QUERIES) {
			const res = await c.fetch(`/api/v1/search?${new URLSearchParams({ q, pageSize: '20' })}`);
			expect(res.status).toBe(200);
			const r = await res.json();
			out[`${who}: ${q}`] = {
				total: r.total,
				matchedAll: r.matchedAll,
				didYouMean: r.didYouMean,
				facets: r.facets,
				hits: r.hits.map((h: { title: string; pages: number[]; snippet: string }) => [
					h.title,
					h.pages,
					h.snippet
				])
			};
		}
	return out;
}

describe('the demo catalog on both engines', () => {
	it('`npm run seed:demo` works on PostgreSQL and its searches answer as on SQLite', async () => {
		const sqliteServer = await startServer(copyDemoData());
		let onSqlite: Record<string, unknown>;
		try {
			onSqlite = await demoAnswers(sqliteServer);
		} finally {
			await sqliteServer.stop();
		}
		const url = await pgServer!.createDatabase('demo');
		const dataDir = emptyDataDir();
		const seeded = spawnSync(
			process.execPath,
			['node_modules/tsx/dist/cli.mjs', 'scripts/seed-demo.ts'],
			{
				cwd: ROOT,
				env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: url, DEMO_PASSWORD },
				encoding: 'utf8'
			}
		);
		expect(seeded.status, seeded.stdout + seeded.stderr).toBe(0);
		expect(seeded.stdout).toMatch(/history: \d+ views, \d+ downloads, \d+ returned loans/);
		expect(fs.existsSync(path.join(dataDir, 'perpustakaan.sqlite'))).toBe(false);
		const pgDemo = await startServer(dataDir, { DATABASE_URL: url });
		try {
			const onPostgres = await demoAnswers(pgDemo);
			expect((onSqlite['anon: lelang'] as { total: number }).total).toBeGreaterThan(10);
			expect(onPostgres).toEqual(onSqlite);
			// The statistics of the seeded year (Jakarta months computed by PostgreSQL).
			const lib = new Client(pgDemo.url);
			await lib.login('pustakawan@perpustakaan.test', DEMO_PASSWORD);
			const stats = await lib.fetch('/staff/statistics', { headers: { accept: 'text/html' } });
			expect(stats.status).toBe(200);
		} finally {
			await pgDemo.stop();
		}
	}, 150_000);
});

describe('the pool in /readyz and /metrics on PostgreSQL', () => {
	it('reports the connections, and readiness fails while every connection is taken', async () => {
		const url = await pgServer!.createDatabase('pool_figures');
		// A pool of 2, so two writers waiting for the write lock take all of it.
		const server = await startServer(emptyDataDir(), {
			DATABASE_URL: url,
			DATABASE_POOL_SIZE: '2'
		});
		const holder = new pg.Client({ connectionString: url });
		try {
			const readyz = async () => {
				const res = await fetch(`${server.url}/readyz`);
				return { status: res.status, body: await res.json() };
			};
			const deadline = Date.now() + 30_000;
			let r = await readyz();
			while (r.status !== 200) {
				if (Date.now() > deadline) throw new Error(`never ready:\n${server.output()}`);
				await new Promise((done) => setTimeout(done, 200));
				r = await readyz();
			}
			expect(r.body.database).toEqual({
				engine: 'postgres',
				pool: {
					max: 2,
					total: expect.any(Number),
					idle: expect.any(Number),
					inUse: expect.any(Number),
					waiting: 0
				},
				// The only server on this database: it runs the library-wide duties.
				coordinator: true
			});
			const pool = r.body.database.pool;
			expect(pool.total).toBeGreaterThanOrEqual(1);
			expect(pool.total).toBeLessThanOrEqual(2);
			expect(pool.idle + pool.inUse).toBe(pool.total);

			const text = await (await fetch(`${server.url}/metrics`)).text();
			const value = (name: string) => {
				const line = text.split('\n').find((l) => l.startsWith(`${name} `));
				expect(line, name).toBeTruthy();
				return Number(line!.split(' ')[1]);
			};
			expect(text).toContain('# TYPE perpustakaan_db_pool_connections gauge');
			const idle = value('perpustakaan_db_pool_connections{state="idle"}');
			const inUse = value('perpustakaan_db_pool_connections{state="in_use"}');
			expect(idle + inUse).toBeGreaterThanOrEqual(1);
			expect(idle + inUse).toBeLessThanOrEqual(2);
			expect(value('perpustakaan_db_pool_waiting')).toBe(0);
			expect(value('perpustakaan_db_pool_max')).toBe(2);

			// Another session holds the write lock (db/write.js): two logins, each a write
			// transaction, then hold both pooled connections while they wait for it.
			await holder.connect();
			await holder.query(`select pg_advisory_lock(${WRITE_LOCK_KEY})`);
			const logins = [1, 2].map(() =>
				new Client(server.url).login('nobody@perpustakaan.test', 'wrong-password')
			);
			let blocked = await readyz();
			const until = Date.now() + 15_000;
			while (blocked.status === 200 && Date.now() < until) blocked = await readyz();
			expect(blocked.status).toBe(503);
			expect(blocked.body.status).toBe('not_ready');
			expect(blocked.body.checks.database).toMatchObject({
				status: 'failing',
				error: expect.stringMatching(/did not answer within 2000 ms/)
			});
			// The check's own `select 1` waited in the pool's queue behind the two writers.
			expect(blocked.body.database.pool).toMatchObject({ total: 2, idle: 0, inUse: 2 });
			expect(blocked.body.database.pool.waiting).toBeGreaterThanOrEqual(1);

			// The lock released, the writers finish and the instance is ready again.
			await holder.query(`select pg_advisory_unlock(${WRITE_LOCK_KEY})`);
			for (const res of await Promise.all(logins)) expect(res.status).toBe(401);
			const again = await readyz();
			expect(again.status).toBe(200);
			expect(again.body.checks.database.status).toBe('ok');
		} finally {
			await holder.end().catch(() => {});
			await server.stop();
		}
	}, 90_000);
});
