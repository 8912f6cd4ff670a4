import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_LOCK_FAILURES } from '../../src/lib/server/accounts/login.ts';
import * as users from '../../src/lib/server/accounts/users.ts';
import { WRITE_LOCK_KEY } from '../../src/lib/server/db/write.js';
import { startCluster, type Cluster } from '../helpers/cluster.ts';
import { Client } from '../helpers/http.ts';
import type { RunningServer } from '../helpers/server.ts';

/**
 * Two application servers over one library (#16): two built servers (`node scripts/start.js`)
 * on two ports, both with DATABASE_URL to one real PostgreSQL database, each with its own
 * DATA_DIR and one shared file store (tests/helpers/cluster.ts). Everything is asserted as a
 * caller sees it over HTTP, with the database only counting what must exist once:
 * a record catalogued on A is found on B; made internal on A it disappears from B's public
 * answers; 20 members split across both race for the last copy; 10 wrong passwords split across
 * both stay within the lockout's budget; one PDF uploaded to A is stored and indexed once and
 * found on both.
 */
const PASSWORD = 'kata-sandi-uji-2026';
const LIBRARIAN_NIP = '199001012015011001';
const EMPLOYEE_NIP = '199002022015012002';
const LOCKED_NIP = '199003032015013003';
/** Members racing for the last copy. */
const racerNip = (i: number) => `19950101202001${String(1000 + i)}`;
const RACERS = 20;
/** Nonsense words, one per scenario, so each search finds exactly one record. */
const WORD_CREATED = 'zamrudkatulistiwa';
const WORD_PDF = 'kelapasawitraya';
/** How fast a change on A must be seen on B. */
const WITHIN_MS = 5000;
const POLL_MS = 150;

let cluster: Cluster;
let a: RunningServer;
let b: RunningServer;
/** Measured delays (ms) from a change answered on A to B showing it, printed at the end. */
const measured: Record<string, number> = {};

beforeAll(async () => {
	cluster = await startCluster(2, async (db) => {
		// Accounts through the accounts module, as `npm run user` creates them (at once: each
		// is a scrypt hash).
		const account = (nip: string, role: 'librarian' | 'employee', name: string) =>
			users.create(db, { name, role, nip, password: PASSWORD });
		await Promise.all([
			account(LIBRARIAN_NIP, 'librarian', 'Pustakawan Uji'),
			account(EMPLOYEE_NIP, 'employee', 'Pegawai Uji'),
			account(LOCKED_NIP, 'employee', 'Pegawai Terkunci'),
			...Array.from({ length: RACERS }, (_, i) => account(racerNip(i), 'employee', `Peminjam ${i}`))
		]);
		// An observer, not a part of the application: counts each time a record's text row is
		// written, to see how many index builders analysed it (reported, see the PDF test).
		await sql`create table test_text_writes (publication_id integer not null)`.execute(db);
		await sql`create function test_count_text_write() returns trigger language plpgsql as $$
			begin insert into test_text_writes values (new.publication_id); return new; end $$`.execute(db);
		await sql`create trigger test_count_text_write after insert on search_text
			for each row execute function test_count_text_write()`.execute(db);
	});
	[a, b] = cluster.servers;
}, 180_000);
afterAll(async () => {
	if (Object.keys(measured).length) console.log('two servers, delays (ms):', measured);
	await cluster?.stop();
});

async function login(server: RunningServer, nip: string): Promise<Client> {
	const c = new Client(server.url, { cookie: 'lang=en' });
	const res = await c.login(nip, PASSWORD);
	expect(res.status, `${nip} on ${server.url}`).toBe(200);
	return c;
}

function patch(c: Client, id: number, body: Record<string, unknown>): Promise<Response> {
	return c.fetch(`/api/v1/publications/${id}`, {
		method: 'PATCH',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body)
	});
}

async function search(
	c: Client,
	q: string
): Promise<{ total: number; ids: number[]; hits: { id: number; pages: number[] }[] }> {
	const res = await c.fetch(`/api/v1/search?${new URLSearchParams({ q })}`);
	expect(res.status, q).toBe(200);
	const r = await res.json();
	return { total: r.total, ids: r.hits.map((h: { id: number }) => h.id), hits: r.hits };
}

/**
 * Asks `probe` every POLL_MS until it returns true; returns the milliseconds since `since`, or
 * throws with both servers' last log lines when WITHIN_MS has passed.
 */
async function within(since: number, what: string, probe: () => Promise<boolean>): Promise<number> {
	for (;;) {
		if (await probe()) return Date.now() - since;
		if (Date.now() - since > WITHIN_MS)
			throw new Error(
				`${what}: not seen within ${WITHIN_MS} ms\nA:\n${a.output().slice(-2000)}\nB:\n${b.output().slice(-2000)}`
			);
		await new Promise((r) => setTimeout(r, POLL_MS));
	}
}

describe('two servers over one PostgreSQL database', () => {
	let librarianA: Client;
	let created: number;

	beforeAll(async () => {
		librarianA = await login(a, LIBRARIAN_NIP);
	});

	it('a record catalogued through A is found by an anonymous search on B within 5 s', async () => {
		const anonB = new Client(b.url, { cookie: 'lang=en' });
		// B has answered this search before the record exists (and may have cached the answer).
		expect((await search(anonB, WORD_CREATED)).total).toBe(0);
		const res = await librarianA.postJson('/api/v1/publications', {
			title: `Kajian ${WORD_CREATED} kekayaan negara`,
			type: 'report',
			abstract: 'Laporan uji dua server.',
			access: 'public',
			status: 'published'
		});
		expect(res.status).toBe(201);
		const answeredAt = Date.now();
		created = (await res.json()).id;
		measured.createdOnAFoundOnB = await within(answeredAt, 'record created on A', async () => {
			const r = await search(anonB, WORD_CREATED);
			return r.total === 1 && r.ids[0] === created;
		});
		const detail = await anonB.fetch(`/api/v1/publications/${created}`);
		expect(detail.status).toBe(200);
		expect((await detail.json()).title).toBe(`Kajian ${WORD_CREATED} kekayaan negara`);
	});

	it('made internal on A, it disappears from anonymous answers on B within 5 s; an employee on B still finds it', async () => {
		expect(created).toBeGreaterThan(0);
		const anonB = new Client(b.url, { cookie: 'lang=en' });
		// Seen (and cacheable) on B just before the change.
		expect((await search(anonB, WORD_CREATED)).ids).toEqual([created]);
		expect(
			(await anonB.fetch(`/publications/${created}`, { headers: { accept: 'text/html' } })).status
		).toBe(200);
		const res = await patch(librarianA, created, { access: 'internal' });
		expect(res.status).toBe(200);
		const answeredAt = Date.now();
		measured.internalOnAHiddenOnB = await within(
			answeredAt,
			'record made internal on A',
			async () => {
				const r = await search(anonB, WORD_CREATED);
				return r.total === 0;
			}
		);
		// Hidden = missing: the API and the page answer as for an id that never existed.
		const missingId = created + 100_000;
		const [hiddenApi, missingApi] = await Promise.all([
			anonB.fetch(`/api/v1/publications/${created}`),
			anonB.fetch(`/api/v1/publications/${missingId}`)
		]);
		expect(hiddenApi.status).toBe(404);
		expect(missingApi.status).toBe(404);
		expect(await hiddenApi.json()).toEqual(await missingApi.json());
		const page = await anonB.fetch(`/publications/${created}`, {
			headers: { accept: 'text/html' }
		});
		expect(page.status).toBe(404);
		expect(await page.text()).not.toContain(WORD_CREATED);
		// Nor does the public search of A show it any more.
		expect((await search(new Client(a.url), WORD_CREATED)).total).toBe(0);
		// An employee on B sees internal records.
		const employeeB = await login(b, EMPLOYEE_NIP);
		expect((await search(employeeB, WORD_CREATED)).ids).toEqual([created]);
		expect((await employeeB.fetch(`/api/v1/publications/${created}`)).status).toBe(200);
	});

	it('20 members split across both servers race for the last digital copy: one loan, one 201', async () => {
		const res = await librarianA.postJson('/api/v1/publications', {
			title: 'Kajian terbatas dua server',
			type: 'report',
			access: 'restricted',
			status: 'published'
		});
		expect(res.status).toBe(201);
		const pub = (await res.json()).id as number;
		expect((await patch(librarianA, pub, { digitalCopies: 1 })).status).toBe(200);
		const racers = await Promise.all(
			Array.from({ length: RACERS }, (_, i) => login(i % 2 ? b : a, racerNip(i)))
		);
		// B knows it is lendable before the race starts (the record is visible to members there).
		await within(Date.now(), 'lendable record on B', async () => {
			return (await racers[1].fetch(`/api/v1/publications/${pub}`)).status === 200;
		});
		const answers = await Promise.all(
			racers.map((c) => c.postJson(`/api/v1/publications/${pub}/borrow`, {}))
		);
		const statuses = answers.map((r) => r.status);
		expect(
			statuses.filter((s) => s === 201),
			statuses.join(' ')
		).toHaveLength(1);
		expect(
			statuses.filter((s) => s === 409),
			statuses.join(' ')
		).toHaveLength(RACERS - 1);
		const codes = await Promise.all(
			answers.filter((r) => r.status === 409).map(async (r) => (await r.json()).error)
		);
		expect(new Set(codes.map((e) => e.code))).toEqual(new Set(['no_copies']));
		expect(codes[0].message).toMatch(/cop/i);
		const open = await cluster.db
			.selectFrom('loans')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('publication_id', '=', pub)
			.where('returned_at', 'is', null)
			.executeTakeFirstOrThrow();
		expect(Number(open.n)).toBe(1);
	});

	it('20 desk checkouts of the last physical copy split across both servers: one loan, one 201', async () => {
		const res = await librarianA.postJson('/api/v1/publications', {
			title: 'Buku satu eksemplar',
			type: 'book',
			access: 'public',
			status: 'published'
		});
		const pub = (await res.json()).id as number;
		const item = await librarianA.postJson('/api/v1/items', {
			publicationId: pub,
			barcode: 'TWO-0001'
		});
		expect(item.status).toBe(201);
		const librarianB = await login(b, LIBRARIAN_NIP);
		const answers = await Promise.all(
			Array.from({ length: RACERS }, (_, i) =>
				(i % 2 ? librarianB : librarianA).postJson('/api/v1/loans', {
					barcode: 'TWO-0001',
					nip: racerNip(i)
				})
			)
		);
		const statuses = answers.map((r) => r.status);
		expect(
			statuses.filter((s) => s === 201),
			statuses.join(' ')
		).toHaveLength(1);
		expect(
			statuses.filter((s) => s === 409),
			statuses.join(' ')
		).toHaveLength(RACERS - 1);
		const codes = await Promise.all(
			answers.filter((r) => r.status === 409).map(async (r) => (await r.json()).error.code)
		);
		expect(new Set(codes)).toEqual(new Set(['item_not_available']));
		const open = await cluster.db
			.selectFrom('loans')
			.innerJoin('items', 'items.id', 'loans.item_id')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('items.barcode', '=', 'TWO-0001')
			.where('loans.returned_at', 'is', null)
			.executeTakeFirstOrThrow();
		expect(Number(open.n)).toBe(1);
	});

	it('10 wrong passwords split across both servers: no more checked than the lockout allows', async () => {
		const failedChecks = async () =>
			Number(
				(
					await cluster.db
						.selectFrom('audit_log')
						.select((eb) => eb.fn.countAll<number>().as('n'))
						.where('action', '=', 'auth.login_failed')
						.where('entity_id', '=', LOCKED_NIP)
						.executeTakeFirstOrThrow()
				).n
			);
		expect(await failedChecks()).toBe(0);
		const answers = await Promise.all(
			Array.from({ length: 10 }, (_, i) =>
				new Client(i % 2 ? b.url : a.url, { cookie: 'lang=en' }).login(
					LOCKED_NIP,
					`salah-sandi-${i}`
				)
			)
		);
		const statuses = answers.map((r) => r.status);
		const wrong = statuses.filter((s) => s === 401).length;
		const locked = statuses.filter((s) => s === 429).length;
		Object.assign(measured, { lockoutWrongPassword: wrong, lockoutLocked: locked });
		expect(wrong + locked, statuses.join(' ')).toBe(10);
		expect(wrong, statuses.join(' ')).toBeLessThanOrEqual(ACCOUNT_LOCK_FAILURES);
		expect(await failedChecks(), statuses.join(' ')).toBeLessThanOrEqual(ACCOUNT_LOCK_FAILURES);
		// Locked on both servers: the right password is refused too.
		for (const server of [a, b]) {
			const right = await new Client(server.url, { cookie: 'lang=en' }).login(LOCKED_NIP, PASSWORD);
			expect(right.status, server.url).toBe(429);
			expect((await right.json()).error.code).toBe('locked_out');
		}
	});

	it('one PDF uploaded through A is stored and indexed once and found on both servers', async () => {
		const doc = await PDFDocument.create();
		const font = await doc.embedFont(StandardFonts.Helvetica);
		for (const text of [
			'Laporan pengelolaan aset negara.',
			`Perkebunan ${WORD_PDF} di Sumatra.`,
			'Penutup laporan.'
		])
			doc.addPage([400, 300]).drawText(text, { x: 20, y: 250, size: 11, font });
		const bytes = await doc.save();
		const form = new FormData();
		for (const [k, v] of Object.entries({
			title: 'Laporan Perkebunan',
			type: 'report',
			access: 'public',
			status: 'published'
		}))
			form.append(k, v);
		form.append(
			'file',
			new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }),
			'kebun.pdf'
		);
		const res = await librarianA.fetch('/api/v1/publications', { method: 'POST', body: form });
		expect(res.status).toBe(201);
		const answeredAt = Date.now();
		const pub = await res.json();
		expect(pub).toMatchObject({ pages: 3, hasTextLayer: true });
		// Found by its body text, on page 2, on both servers.
		for (const [name, server] of [
			['A', a],
			['B', b]
		] as const) {
			const anon = new Client(server.url, { cookie: 'lang=en' });
			measured[`pdfOnAFoundOn${name}`] = await within(
				answeredAt,
				`PDF text on ${name}`,
				async () => {
					const r = await search(anon, WORD_PDF);
					return r.total === 1 && r.ids[0] === pub.id && r.hits[0].pages.join() === '2';
				}
			);
			// The file's bytes are served by both servers from the shared store.
			const file = await anon.fetch(`/api/v1/publications/${pub.id}/file`);
			expect(file.status, name).toBe(200);
			expect(Buffer.from(await file.arrayBuffer()).equals(Buffer.from(bytes)), name).toBe(true);
		}
		const db = cluster.db;
		const files = await db
			.selectFrom('files')
			.selectAll()
			.where('publication_id', '=', pub.id)
			.execute();
		expect(files).toHaveLength(1);
		expect(files[0]).toMatchObject({ version: 1, pages: 3 });
		const pages = await db
			.selectFrom('page_texts')
			.select('page')
			.where('file_id', '=', files[0].id)
			.orderBy('page')
			.execute();
		expect(pages.map((p) => p.page)).toEqual([1, 2, 3]);
		// The text engine's rows for it (PostgreSQL's tables, migration 0018): one text row, one
		// state row, each page term once.
		const n = async (query: ReturnType<typeof sql<{ n: string }>>) =>
			Number((await query.execute(db)).rows[0].n);
		expect(
			await n(sql`select count(*) as n from search_text where publication_id = ${pub.id}`)
		).toBe(1);
		expect(
			await n(sql`select count(*) as n from search_text_state where publication_id = ${pub.id}`)
		).toBe(1);
		const terms = await n(
			sql`select count(*) as n from search_page_terms where file_id = ${files[0].id}`
		);
		const distinct = await n(
			sql`select count(distinct term) as n from search_page_terms where file_id = ${files[0].id}`
		);
		expect(terms).toBeGreaterThan(0);
		expect(distinct).toBe(terms);
		// The rare word's stem is counted in one record of the vocabulary, not once per server.
		const vocab = await sql<{ term: string; docs: number }>`
			select term, docs from search_vocab where term like ${`${WORD_PDF.slice(0, 8)}%`}`.execute(db);
		expect(vocab.rows.map((r) => r.docs)).toEqual([1]);
		// How many times the text was analysed and written (both servers' builders may): reported.
		measured.pdfTextWrites = await n(
			sql`select count(*) as n from test_text_writes where publication_id = ${pub.id}`
		);
		// The PDF and its cover are in the one shared store.
		for (const key of [files[0].storage_key, files[0].thumbnail_key!])
			expect(fs.existsSync(path.join(cluster.filesDir, key)), key).toBe(true);
	});

	it('logged no error on either server', () => {
		for (const server of [a, b]) {
			const errors = server
				.output()
				.split('\n')
				.filter((line) => /"level":(50|60)/.test(line));
			expect(errors, server.url).toEqual([]);
		}
	});
});

describe('a server restarting while the other serves', () => {
	/**
	 * A rolling upgrade: B restarts while A records an upload, and B's start removes stored files
	 * no row names (catalog/ingest.ts `sweepOrphans`). The order is forced with two locks the test
	 * holds: the one write lock (db/write.js), so that B queues to migrate and then A's upload
	 * queues to record its file; and a SHARE lock on `publications`, so that A's transaction,
	 * once it has the write lock, stops at its first insert. Then B starts up while A's upload is
	 * half-recorded. The upload must keep its file.
	 */
	it('keeps a file the other server is storing while it starts', async () => {
		const librarian = await login(a, LIBRARIAN_NIP);
		const doc = await PDFDocument.create();
		const font = await doc.embedFont(StandardFonts.Helvetica);
		doc
			.addPage([400, 300])
			.drawText('Unggahan saat server lain mulai.', { x: 20, y: 250, size: 11, font });
		const bytes = await doc.save();
		/** Whether a connection of server `i` waits for a lock of this type (advisory, relation). */
		const waiting = async (i: number, type: 'advisory' | 'relation') =>
			Number(
				(
					await sql<{ n: string }>`select count(*) as n from pg_locks l
						join pg_stat_activity s on s.pid = l.pid
						where l.locktype = ${type} and not l.granted
						and s.application_name = ${`server-${i}`}`.execute(cluster.db)
				).rows[0].n
			) > 0;
		const until = async (what: string, probe: () => Promise<boolean> | boolean) => {
			const deadline = Date.now() + 20_000;
			while (!(await probe())) {
				if (Date.now() > deadline) throw new Error(`${what}: not within 20 s`);
				await new Promise((r) => setTimeout(r, 50));
			}
		};
		const writeLock = new pg.Client({ connectionString: cluster.databaseUrl });
		const tableLock = new pg.Client({ connectionString: cluster.databaseUrl });
		await Promise.all([writeLock.connect(), tableLock.connect()]);
		await writeLock.query('begin');
		await writeLock.query(`select pg_advisory_xact_lock(${WRITE_LOCK_KEY})`);
		await tableLock.query('begin');
		await tableLock.query('lock table publications in share mode');
		let restarting: Promise<RunningServer> | undefined;
		let uploading: Promise<Response> | undefined;
		let answered = false;
		try {
			restarting = cluster.restart(1);
			await until('B waiting to migrate', () => waiting(1, 'advisory'));
			const form = new FormData();
			form.append('title', 'Unggahan saat restart');
			form.append('access', 'public');
			form.append('status', 'published');
			form.append('file', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), 'r.pdf');
			uploading = librarian.fetch('/api/v1/publications', { method: 'POST', body: form });
			void uploading.then(() => (answered = true));
			await until('upload waiting for the write lock', () => waiting(0, 'advisory'));
			await new Promise((r) => setTimeout(r, 1000));
			// B migrates; A's upload takes the write lock and stops at its insert.
			await writeLock.query('commit');
			await until('upload half-recorded', () => waiting(0, 'relation'));
			// B goes on starting: it either sweeps and listens (scripts/start.js listens once the
			// start-up work is done), or waits for the write lock to sweep.
			let listening = false;
			void restarting.then(() => (listening = true));
			await until(
				'B listening or waiting to sweep',
				async () => listening || (await waiting(1, 'advisory'))
			);
			expect(answered).toBe(false);
		} finally {
			await writeLock.query('commit');
			await tableLock.query('commit');
			await Promise.all([writeLock.end(), tableLock.end()]);
		}
		const res = await uploading!;
		expect(res.status).toBe(201);
		const { id } = await res.json();
		b = await restarting!;
		const restarted = b;
		await expect.poll(() => restarted.output(), { timeout: 30_000 }).toMatch(/"msg":"ready"/);
		expect(b.output()).toMatch(/"orphans":0/);
		const row = await cluster.db
			.selectFrom('files')
			.select(['storage_key', 'thumbnail_key'])
			.where('publication_id', '=', id)
			.executeTakeFirstOrThrow();
		for (const key of [row.storage_key, row.thumbnail_key!])
			expect(fs.existsSync(path.join(cluster.filesDir, key)), key).toBe(true);
		for (const server of [a, b]) {
			const file = await new Client(server.url).fetch(`/api/v1/publications/${id}/file`);
			expect(file.status, server.url).toBe(200);
			expect(Buffer.from(await file.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
		}
		expect(b.output()).not.toMatch(/"level":(40|50|60)/);
	}, 90_000);
});
