import { spawn } from 'node:child_process';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/lib/server/db/index.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import { reconcile, respond } from '../../src/lib/server/interop/oai.ts';
import { copyDemoData } from '../helpers/demo.ts';
import { ROOT } from '../helpers/env.ts';
import { publicIds } from '../helpers/oai.ts';

/**
 * The provider's memory of what it exposed (`oai_records`), on real SQLite files: several
 * connections (as several server processes) reconciling at once agree, an embargo that lifts
 * with the date is noticed without any catalog write, and datestamps only move forward.
 */
const ORIGIN = 'https://perpustakaan.example.go.id';
const open: Db[] = [];

async function connect(dataDir: string): Promise<Db> {
	const db = openDatabase(path.join(dataDir, 'perpustakaan.sqlite'));
	await migrateToLatest(db);
	open.push(db);
	return db;
}

afterEach(async () => {
	delete process.env.FAKE_NOW;
	while (open.length) await open.pop()!.destroy();
});

const records = async (db: Db) =>
	db.selectFrom('oai_records').selectAll().orderBy('publication_id').execute();

describe('reconcile', () => {
	it('several processes reconciling at once write one consistent set of records', async () => {
		const dir = copyDemoData();
		// Separate processes, as server workers are: connections in one thread would wait on
		// each other's lock inside one event loop.
		const runs = [1, 2, 3].map(
			() =>
				new Promise<number | null>((resolve) =>
					spawn(
						process.execPath,
						['node_modules/tsx/dist/cli.mjs', 'tests/helpers/oai-reconcile.ts', dir, ORIGIN],
						{ cwd: ROOT, stdio: 'inherit' }
					).once('exit', resolve)
				)
		);
		expect(await Promise.all(runs)).toEqual([0, 0, 0]);
		const a = await connect(dir);
		const rows = await records(a);
		expect(rows.map((r) => r.publication_id)).toEqual(await publicIds(dir));
		expect(rows.every((r) => r.deleted === 0)).toBe(true);
		const state = Object.fromEntries(
			(await a.selectFrom('oai_state').selectAll().execute()).map((r) => [r.key, r.value])
		);
		const { version } = await a
			.selectFrom('catalog_version')
			.select('version')
			.executeTakeFirstOrThrow();
		expect(state.version).toBe(String(version));
		expect(rows.every((r) => r.datestamp >= state.earliest)).toBe(true);
	}, 60_000);

	it('an embargo lifting at midnight UTC is noticed without any catalog write', async () => {
		const dir = copyDemoData();
		const db = await connect(dir);
		const id = (await publicIds(dir))[0];
		const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
		await sql`update publications set embargo_until = ${tomorrow} where id = ${id}`.execute(db);
		await reconcile(db, ORIGIN);
		// Under embargo at the first pass: never exposed, so unknown to the protocol.
		expect((await records(db)).find((r) => r.publication_id === id)).toBeUndefined();

		process.env.FAKE_NOW = `${tomorrow}T00:00:05Z`;
		const version = async () =>
			(await db.selectFrom('catalog_version').select('version').executeTakeFirstOrThrow()).version;
		const before = await version();
		const xml = await respond(
			db,
			[
				['verb', 'ListIdentifiers'],
				['metadataPrefix', 'oai_dc'],
				['from', tomorrow]
			],
			{
				origin: ORIGIN,
				adminEmail: 'a@b.example',
				now: new Date(process.env.FAKE_NOW)
			}
		);
		expect(await version()).toBe(before);
		expect(xml).toContain(`<identifier>oai:perpustakaan.example.go.id:${id}</identifier>`);
		const row = (await records(db)).find((r) => r.publication_id === id)!;
		expect(row).toMatchObject({ deleted: 0, datestamp: `${tomorrow}T00:00:05Z` });
	});

	it('datestamps move forward: a change, a hiding and a return each get a later one', async () => {
		const dir = copyDemoData();
		const db = await connect(dir);
		const id = (await publicIds(dir))[0];
		await reconcile(db, ORIGIN);
		const at = async () => (await records(db)).find((r) => r.publication_id === id)!;
		const first = await at();
		const steps: [string, () => Promise<unknown>, number][] = [
			[
				'retitled',
				() => sql`update publications set title = 'Judul Baru' where id = ${id}`.execute(db),
				0
			],
			[
				'made internal',
				() => sql`update publications set access = 'internal' where id = ${id}`.execute(db),
				1
			],
			[
				'public again',
				() => sql`update publications set access = 'public' where id = ${id}`.execute(db),
				0
			]
		];
		let previous = first.datestamp;
		let second = Date.parse(first.datestamp);
		for (const [what, change, deleted] of steps) {
			second = Math.max(second, Date.now()) + 2000;
			process.env.FAKE_NOW = new Date(second).toISOString();
			await change();
			await reconcile(db, ORIGIN);
			const now = await at();
			expect(now.deleted, what).toBe(deleted);
			expect(now.datestamp > previous, what).toBe(true);
			previous = now.datestamp;
		}
		// A catalog write that changes nothing public dates nothing.
		process.env.FAKE_NOW = new Date(second + 5000).toISOString();
		await sql`update publications set call_number = 'X 1' where id = ${id}`.execute(db);
		await reconcile(db, ORIGIN);
		expect((await at()).datestamp).toBe(previous);
	});
});
