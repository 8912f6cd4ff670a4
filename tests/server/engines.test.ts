import { spawn } from 'node:child_process';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, openPostgres, type Db } from '../../src/lib/server/db/index.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import { dialectOf } from '../../src/lib/server/db/dialect.ts';
import { migrations } from '../../db/migrations/index.ts';
import * as users from '../../src/lib/server/accounts/users.ts';
import { login, InvalidCredentials, LockedOut } from '../../src/lib/server/accounts/login.ts';
import * as records from '../../src/lib/server/catalog/records.ts';
import * as publications from '../../src/lib/server/catalog/publications.ts';
import * as items from '../../src/lib/server/circulation/items.ts';
import * as loans from '../../src/lib/server/circulation/loans.ts';
import { DomainError } from '../../src/lib/server/errors.ts';
import { emptyDataDir } from '../helpers/demo.ts';
import { ROOT } from '../helpers/env.ts';
import { startPostgres, type PgServer } from '../helpers/pg-server.ts';

/**
 * The foundation of PostgreSQL support (#16), proven on both engines with the same assertions:
 * a SQLite file as always, and a real PostgreSQL server started for this file (tests/helpers/
 * pg-server.ts). Migrations build the whole schema from empty; then the real domain modules —
 * accounts (creation, login attempts counted and locked out, also under concurrency), catalog
 * (create, edit, find; the catalog version bumped by the database's triggers) and circulation
 * (checkout, return; 20 contenders racing for the last copy: exactly one loan — on PostgreSQL
 * each through its own connection pool, as from separate servers). `npm run db:migrate` runs
 * twice at once on each engine.
 */
let server: PgServer | undefined;
let dbCounter = 0;

beforeAll(async () => {
	server = await startPostgres();
}, 120_000);
afterAll(async () => {
	await server?.stop();
});

/**
 * A fresh, empty database of the engine: `open` opens a connection (a pool on PostgreSQL) to it,
 * `env` is what a CLI needs to use it (DATA_DIR, or DATABASE_URL).
 */
async function freshDatabase(
	engine: 'sqlite' | 'postgres'
): Promise<{ open: () => Db; env: Record<string, string> }> {
	const dataDir = emptyDataDir();
	if (engine === 'sqlite') {
		const file = path.join(dataDir, 'perpustakaan.sqlite');
		return { open: () => openDatabase(file), env: { DATA_DIR: dataDir, DATABASE_URL: '' } };
	}
	const url = await server!.createDatabase(`engines_${++dbCounter}`);
	return { open: () => openPostgres(url), env: { DATA_DIR: dataDir, DATABASE_URL: url } };
}

/** Runs `npm run db:migrate` (scripts/migrate.ts) against a database; resolves with its output. */
function dbMigrate(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/migrate.ts'], {
			cwd: ROOT,
			env: { ...process.env, ...env }
		});
		let out = '';
		child.stdout.on('data', (d) => (out += d));
		child.stderr.on('data', (d) => (out += d));
		child.on('close', (code) => resolve({ code, out }));
	});
}

const PASSWORD = 'kata-sandi-uji-2026';
let nipSeq = 1000;
const nextNip = () => `19900101201501${String(nipSeq++).padStart(4, '0')}`;

describe.each(['sqlite', 'postgres'] as const)('on %s', (engine) => {
	let db: Db;
	let open: () => Db;
	let librarian: { id: number; ip: string };

	beforeAll(async () => {
		({ open } = await freshDatabase(engine));
		db = open();
	});
	afterAll(async () => {
		await db?.destroy();
	});

	/**
	 * `n` contenders' connections. PostgreSQL: each its own pool, as separate servers would have.
	 * SQLite: the one connection a server process has (calls interleave on it at every await);
	 * better-sqlite3 waits for a busy lock synchronously, so two connections in one process
	 * would stall each other — races between processes are circulation.test.ts's.
	 */
	function connections(n: number): Db[] {
		return Array.from({ length: n }, () => (engine === 'postgres' ? open() : db));
	}
	async function release(conns: Db[]) {
		if (engine === 'postgres') await Promise.all(conns.map((c) => c.destroy()));
	}

	it('migrations build the schema from empty to latest, once', async () => {
		expect(dialectOf(db)).toBe(engine);
		const first = await migrateToLatest(db);
		expect(first.error).toBeUndefined();
		expect(first.results?.map((r) => [r.migrationName, r.status])).toEqual(
			Object.keys(migrations).map((name) => [name, 'Success'])
		);
		expect((await migrateToLatest(db)).results).toEqual([]);
		// The seed rows of 0003 (holidays, the digital-lending policy) are there on both.
		const holidays = await db
			.selectFrom('holidays')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow();
		expect(holidays.n).toBe(17);
		// The append-only rules hold in the database itself.
		await db.insertInto('audit_log').values({ actor_id: null, action: 'test' }).execute();
		await expect(db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
		await expect(db.updateTable('audit_log').set({ action: 'x' }).execute()).rejects.toThrow(
			/append-only/
		);
		const id = await users.create(db, {
			name: 'Pustakawan Uji',
			role: 'librarian',
			nip: nextNip(),
			password: PASSWORD
		});
		librarian = { id, ip: '127.0.0.1' };
	});

	it('`npm run db:migrate` started twice at once applies each migration once', async () => {
		const { env } = await freshDatabase(engine);
		const runs = await Promise.all([dbMigrate(env), dbMigrate(env)]);
		for (const r of runs) expect(r.code, r.out).toBe(0);
		const applied = runs.flatMap((r) =>
			[...r.out.matchAll(/^(\d{4}_\w+): Success$/gm)].map((m) => m[1])
		);
		expect(applied.sort()).toEqual(Object.keys(migrations).sort());
		// The second waited for the first's write lock, then found nothing left to do.
		expect(runs.map((r) => r.out).join('\n')).toContain('already up to date');
	});

	it('accounts: a member is created, signs in, and wrong passwords lock the name', async () => {
		const nip = nextNip();
		const id = await users.create(db, {
			name: 'Anggota Uji',
			role: 'employee',
			nip,
			email: `Anggota.${nip}@Example.go.id`,
			password: PASSWORD
		});
		expect((await users.findById(db, id)).email).toBe(`anggota.${nip}@example.go.id`);
		await expect(
			users.create(db, { name: 'Lagi', role: 'employee', nip, password: PASSWORD })
		).rejects.toMatchObject({ code: 'account_exists' });
		const found = await users.search(db, 'ANGGOTA', 10, 0, { key: 'name', dir: 'asc' });
		expect(found.items.map((u) => u.id)).toContain(id);

		const noWait = { sleep: async () => {} };
		const ok = await login(db, { username: nip, password: PASSWORD, ip: '10.1.0.1' }, noWait);
		expect(ok.user.id).toBe(id);
		expect(ok.token.length).toBeGreaterThan(20);
		// Four wrong passwords are refused as such; the fifth spends the budget and locks.
		for (let i = 0; i < 4; i++)
			await expect(
				login(db, { username: nip, password: `salah-${i}`, ip: '10.1.0.1' }, noWait)
			).rejects.toBeInstanceOf(InvalidCredentials);
		await expect(
			login(db, { username: nip, password: 'salah-4', ip: '10.1.0.1' }, noWait)
		).rejects.toBeInstanceOf(LockedOut);
		// Locked: even the right password is refused now.
		await expect(
			login(db, { username: nip, password: PASSWORD, ip: '10.1.0.2' }, noWait)
		).rejects.toBeInstanceOf(LockedOut);
		const attempts = await db
			.selectFrom('login_attempts')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('username', '=', nip)
			.where('success', '=', 0)
			.executeTakeFirstOrThrow();
		expect(attempts.n).toBe(5);
	});

	it('accounts: 10 simultaneous wrong passwords check at most 5', async () => {
		const nip = nextNip();
		await users.create(db, { name: 'Anggota Paralel', role: 'employee', nip, password: PASSWORD });
		const conns = connections(10);
		try {
			const outcomes = await Promise.all(
				conns.map((c, i) =>
					login(
						c,
						{ username: nip, password: `salah-${i}`, ip: `10.2.0.${i}` },
						{ sleep: async () => {} }
					).then(
						() => 'ok',
						(err) => (err instanceof DomainError ? err.code : String(err))
					)
				)
			);
			const refused = outcomes.filter((o) => o === 'invalid_credentials' || o === 'locked_out');
			expect(refused.length, outcomes.join()).toBe(10);
			// Every password that was checked is audited once: no more than the budget.
			const verified = await db
				.selectFrom('audit_log')
				.select((eb) => eb.fn.countAll<number>().as('n'))
				.where('action', '=', 'auth.login_failed')
				.where('entity_id', '=', nip)
				.executeTakeFirstOrThrow();
			expect(verified.n, outcomes.join()).toBeGreaterThan(0);
			expect(verified.n, outcomes.join()).toBeLessThanOrEqual(5);
		} finally {
			await release(conns);
		}
	});

	it('catalog: a record is created, edited and found; each write bumps the catalog version', async () => {
		const version = async () =>
			(await db.selectFrom('catalog_version').select('version').executeTakeFirstOrThrow()).version;
		const v0 = await version();
		const id = await records.create(
			db,
			{
				type: 'book',
				title: 'Laporan Lelang Tahunan',
				authors: ['Siti Rahmawati', 'Budi Santoso'],
				subjects: ['Lelang', 'Kekayaan Negara'],
				year: 2024,
				status: 'published',
				access: 'public'
			},
			librarian
		);
		const v1 = await version();
		expect(v1).toBeGreaterThan(v0);
		const created = await publications.findById(db, null, id);
		expect(created.title).toBe('Laporan Lelang Tahunan');
		expect(created.authors).toEqual(['Siti Rahmawati', 'Budi Santoso']);

		await records.update(db, id, { title: 'Laporan Lelang Eksekusi', year: 2025 }, librarian);
		expect(await version()).toBeGreaterThan(v1);
		const edited = await publications.findById(db, null, id);
		expect([edited.title, edited.year]).toEqual(['Laporan Lelang Eksekusi', 2025]);

		// Metadata filter: case does not matter on either engine; a draft stays hidden.
		const draft = await records.create(
			db,
			{ type: 'report', title: 'Rancangan Eksekusi', status: 'draft' },
			librarian
		);
		const hits = await publications.list(db, null, { q: 'EKSEKUSI', sort: 'title' });
		expect(hits.items.map((p) => p.id)).toEqual([id]);
		expect(hits.total).toBe(1);
		const staff = { id: librarian.id, role: 'librarian' as const };
		const all = await publications.list(db, staff, { q: 'eksekusi', sort: 'title' });
		expect(all.items.map((p) => p.id)).toEqual([id, draft]);
		// Raw writes count too: the triggers, not the application, keep the version.
		const v2 = await version();
		await sql`update publications set subtitle = 'Edisi revisi' where id = ${id}`.execute(db);
		expect(await version()).toBe(v2 + 1);
	});

	it('circulation: checkout and return; 20 connections racing for the last copy make one loan', async () => {
		const pub = await records.create(
			db,
			{ type: 'book', title: 'Pedoman Penilaian', status: 'published', access: 'public' },
			librarian
		);
		const item = await items.create(db, { publicationId: pub, barcode: 'ENG-0001' }, librarian);
		const circulation = async () =>
			(await db.selectFrom('circulation_version').select('version').executeTakeFirstOrThrow())
				.version;
		const c0 = await circulation();
		const first = nextNip();
		await users.create(db, {
			name: 'Peminjam Pertama',
			role: 'employee',
			nip: first,
			password: PASSWORD
		});
		const loan = await loans.checkout(db, { barcode: 'ENG-0001', nip: first }, librarian);
		expect(loan.status).toBe('open');
		expect((await items.get(db, item.id)).status).toBe('on_loan');
		expect(await circulation()).toBeGreaterThan(c0);
		await expect(
			loans.checkout(db, { barcode: 'ENG-0001', nip: first }, librarian)
		).rejects.toMatchObject({ code: 'item_not_available' });
		const back = await loans.checkin(db, loan.id, librarian);
		expect(back.loan.status).toBe('returned');
		expect((await items.get(db, item.id)).status).toBe('available');

		// The race: 20 members, each through their own connection, for the one copy on the shelf.
		const nips = Array.from({ length: 20 }, () => nextNip());
		// Members without a password (they never sign in here): hashing 20 passwords is not the point.
		await db
			.insertInto('users')
			.values(
				nips.map((nip) => ({ nip, name: `Peminjam ${nip.slice(-4)}`, role: 'employee' as const }))
			)
			.execute();
		const conns = connections(nips.length);
		try {
			const outcomes = await Promise.all(
				nips.map((nip, i) =>
					loans.checkout(conns[i], { barcode: 'ENG-0001', nip }, librarian).then(
						() => 'ok',
						(err) => (err instanceof DomainError ? err.code : String(err))
					)
				)
			);
			expect(outcomes.filter((o) => o === 'ok').length, outcomes.join()).toBe(1);
			expect(outcomes.filter((o) => o === 'item_not_available').length, outcomes.join()).toBe(19);
		} finally {
			await release(conns);
		}
		const open_ = await db
			.selectFrom('loans')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('item_id', '=', item.id)
			.where('returned_at', 'is', null)
			.executeTakeFirstOrThrow();
		expect(open_.n).toBe(1);
		// History is never deleted, on either engine.
		await expect(db.deleteFrom('loans').where('id', '=', loan.id).execute()).rejects.toThrow(
			/never deleted/
		);
	});
});
