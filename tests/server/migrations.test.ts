import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/server/db/index.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import { emptyDataDir } from '../helpers/demo.ts';
import { ROOT } from '../helpers/env.ts';

const DOMAIN_TABLES = [
	'api_tokens',
	'audit_log',
	'files',
	'holds',
	'holidays',
	'items',
	'loan_policies',
	'loan_renewals',
	'loans',
	'page_texts',
	'publication_authors',
	'publication_subjects',
	'publications',
	'series',
	'sessions',
	'subjects',
	'users'
];

describe('migrations', () => {
	it('build the whole domain on an empty database file, and re-running changes nothing', async () => {
		const db = openDatabase(path.join(emptyDataDir(), 'fresh.sqlite'));
		try {
			const first = await migrateToLatest(db);
			expect(first.results?.map((r) => [r.migrationName, r.status])).toEqual([
				['0001_initial', 'Success'],
				['0002_import_source', 'Success'],
				['0003_circulation', 'Success'],
				['0004_search_text', 'Success'],
				['0005_catalog_version', 'Success'],
				['0006_search_pages', 'Success'],
				['0007_search_lengths', 'Success'],
				['0008_regulations', 'Success'],
				['0009_oai', 'Success'],
				['0011_statistics', 'Success'],
				['0012_fines', 'Success'],
				['0013_outbox', 'Success'],
				['0014_import_jobs', 'Success'],
				['0015_circulation_version', 'Success'],
				['0016_cover_variants', 'Success'],
				['0017_search_page_terms', 'Success'],
				['0018_search_text_postgres', 'Success'],
				['0019_catalog_notify', 'Success'],
				['0020_search_text_match', 'Success']
			]);
			const tables = await sql<{
				name: string;
			}>`select name from sqlite_master where type = 'table'`.execute(db);
			const names = tables.rows.map((r) => r.name);
			for (const t of DOMAIN_TABLES) expect(names).toContain(t);
			// Every catalog write, by whoever, bumps the one version the page caches key on.
			const version = async () =>
				(await sql<{ v: number }>`select version as v from catalog_version`.execute(db)).rows[0].v;
			const before = await version();
			await sql`insert into subjects (name, name_key) values ('Lelang', 'lelang')`.execute(db);
			await sql`update subjects set name = 'Lelang Eksekusi'`.execute(db);
			await sql`delete from subjects`.execute(db);
			expect(await version()).toBe(before + 3);
			const again = await migrateToLatest(db);
			expect(again.results).toEqual([]);
			const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
			expect(journal.rows[0].journal_mode).toBe('wal');
			const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
			expect(fk.rows[0].foreign_keys).toBe(1);
		} finally {
			await db.destroy();
		}
	});

	it('enforce the invariants in the database itself', async () => {
		const db = openDatabase(path.join(emptyDataDir(), 'rules.sqlite'));
		try {
			await migrateToLatest(db);
			await db.insertInto('audit_log').values({ actor_id: null, action: 'test' }).execute();
			await expect(
				db.updateTable('audit_log').set({ action: 'rewritten' }).execute()
			).rejects.toThrow(/append-only/);
			await expect(db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
			await expect(
				db
					.insertInto('publications')
					.values({ type: 'poster' as never, title: 'x' })
					.execute()
			).rejects.toThrow(/CHECK/);
			const user = await db
				.insertInto('users')
				.values({ name: 'A', role: 'employee', nip: '199001012020011001' })
				.returning('id')
				.executeTakeFirstOrThrow();
			const pub = await db
				.insertInto('publications')
				.values({ type: 'book', title: 'Buku' })
				.returning('id')
				.executeTakeFirstOrThrow();
			const item = await db
				.insertInto('items')
				.values({ publication_id: pub.id, barcode: 'B1' })
				.returning('id')
				.executeTakeFirstOrThrow();
			const loan = {
				item_id: item.id,
				publication_id: pub.id,
				user_id: user.id,
				loaned_at: '2026-01-01T00:00:00Z',
				due_at: '2026-01-15T00:00:00Z'
			};
			await db.insertInto('loans').values(loan).execute();
			// An item has at most one open loan.
			await expect(db.insertInto('loans').values(loan).execute()).rejects.toThrow(/UNIQUE/);

			// Regulation relations (0008): between two regulation records, never to itself, once
			// per kind, and every write bumps the catalog version.
			const reg = async (title: string) =>
				(
					await db
						.insertInto('publications')
						.values({ type: 'regulation', title })
						.returning('id')
						.executeTakeFirstOrThrow()
				).id;
			const [r1, r2] = [await reg('PMK 1'), await reg('PMK 2')];
			const relate = (source_id: number, target_id: number) =>
				db
					.insertInto('regulation_relations')
					.values({ source_id, target_id, kind: 'revokes' })
					.execute();
			const version = async () =>
				(await sql<{ v: number }>`select version as v from catalog_version`.execute(db)).rows[0].v;
			const before = await version();
			await relate(r1, r2);
			expect(await version()).toBe(before + 1);
			await expect(relate(r1, r2)).rejects.toThrow(/UNIQUE/);
			await expect(relate(r1, r1)).rejects.toThrow(/CHECK/);
			await expect(relate(r1, pub.id)).rejects.toThrow(/regulation records only/);
			await expect(
				db
					.updateTable('publications')
					.set({ regulation_status: 'kedaluwarsa' as never })
					.where('id', '=', r1)
					.execute()
			).rejects.toThrow(/CHECK/);
		} finally {
			await db.destroy();
		}
	});

	it('`npm run db:migrate` applies migrations to DATA_DIR and reports them', () => {
		const dataDir = emptyDataDir();
		const run = () =>
			spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/migrate.ts'], {
				cwd: ROOT,
				env: { ...process.env, DATA_DIR: dataDir },
				encoding: 'utf8'
			});
		const first = run();
		expect(first.status).toBe(0);
		expect(first.stdout).toContain('0001_initial: Success');
		const second = run();
		expect(second.status).toBe(0);
		expect(second.stdout).toContain('already up to date');
	});
});
