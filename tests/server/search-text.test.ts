import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, openPostgres } from '../../src/lib/server/db/index.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import * as records from '../../src/lib/server/catalog/records.ts';
import { decodePages, readVocabulary, syncText } from '../../src/lib/server/search/text.js';
import { syncTextPg } from '../../src/lib/server/search/text-pg.js';
import { copyDemoData } from '../helpers/demo.ts';
import { startPostgres, type PgServer } from '../helpers/pg-server.ts';

/**
 * The long-text index (FTS5 table of stems) on a real copy of the demo database: built once,
 * then kept in step one record at a time — an unchanged catalog costs nothing, an edited record
 * is analysed again, a replaced file replaces its terms.
 */
async function migratedDemo(): Promise<string> {
	const file = path.join(copyDemoData(), 'perpustakaan.sqlite');
	const db = openDatabase(file);
	await migrateToLatest(db);
	await db.destroy();
	return file;
}

describe('search_text', () => {
	it('analyses every record once, then only what changed', async () => {
		const file = await migratedDemo();
		const first = syncText(file, undefined, { full: true });
		const sql = new SQLite(file);
		const { n } = sql.prepare('select count(*) n from publications').get() as { n: number };
		expect(first.updated).toBe(n);
		expect(syncText(file).updated).toBe(0);

		// The internal record's rare word is found by its stem, in the body column.
		const hit = sql
			.prepare(`select rowid from search_text where search_text match 'body : "zamrudkatulistiwa"'`)
			.all() as { rowid: number }[];
		expect(hit).toHaveLength(1);
		expect(sql.prepare('select access from publications where id = ?').get(hit[0].rowid)).toEqual({
			access: 'internal'
		});

		// One edited record (its text changed): analysed again, and only that one.
		const [{ file_id: fileId, publication_id: pub }] = sql
			.prepare(
				`select id as file_id, publication_id from files where is_current = 1 order by id limit 1`
			)
			.all() as { file_id: number; publication_id: number }[];
		sql
			.prepare(
				`update page_texts set text = text || ' kalimatbarusekali' where file_id = ? and page = 1`
			)
			.run(fileId);
		sql
			.prepare(
				`update publications set updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') where id = ?`
			)
			.run(pub);
		const second = syncText(file);
		expect(second.updated).toBe(1);
		expect(second.added).toContain('kalimatbarusekali');
		expect(
			sql
				.prepare(`select rowid from search_text where search_text match '"kalimatbarusekali"'`)
				.all()
		).toEqual([{ rowid: pub }]);
		expect(new Map(readVocabulary(file)).get('kalimatbarusekali')).toBe(1);
		sql.close();
	});
});

describe('search_text on PostgreSQL (tsvector, vocabulary table)', () => {
	let server: PgServer | undefined;
	afterAll(async () => {
		await server?.stop();
	});

	it('analyses every record once, then only what changed, keeping the vocabulary exact', async () => {
		server = await startPostgres();
		const url = await server.createDatabase('search_text');
		const db = openPostgres(url);
		const client = new pg.Client({ connectionString: url });
		await client.connect();
		try {
			await migrateToLatest(db);
			const actor = { id: null, ip: '127.0.0.1' };
			const make = async (title: string, abstract: string | null, pages: string[]) => {
				const id = await records.create(
					db,
					{ type: 'book', title, abstract, status: 'published', access: 'public' },
					actor
				);
				const file = await db
					.insertInto('files')
					.values({
						publication_id: id,
						version: 1,
						sha256: `${id}`.padStart(64, '0'),
						bytes: 1,
						pages: pages.length,
						has_text_layer: 1,
						storage_key: `k${id}`
					})
					.returning('id')
					.executeTakeFirstOrThrow();
				for (const [i, text] of pages.entries())
					await db
						.insertInto('page_texts')
						.values({ file_id: file.id, page: i + 1, text })
						.execute();
				return { id, fileId: file.id };
			};
			const a = await make('Satu', 'Kajian kalibrasi timbangan', [
				'Lelang barang milik negara',
				'Penutup',
				'Lelang ulang dan kelapasawit'
			]);
			const b = await make('Dua', null, ['Lelang eksekusi']);
			const vocab = async () =>
				new Map(
					(
						await sql<{ term: string; docs: number }>`select term, docs from search_vocab`.execute(
							db
						)
					).rows.map((r) => [r.term, r.docs])
				);
			const matching = async (column: 'abstract' | 'body', query: string) =>
				(
					await sql<{ id: number }>`select publication_id as id from search_text
						where ${sql.ref(column)} @@ ${query}::tsquery order by 1`.execute(db)
				).rows.map((r) => r.id);

			const first = await syncTextPg(client, undefined, { full: true });
			expect(first.updated).toBe(2);
			expect((await syncTextPg(client)).updated).toBe(0);
			expect(await matching('body', `'lelang'`)).toEqual([a.id, b.id]);
			expect(await matching('abstract', `'kalibrasi'`)).toEqual([a.id]);
			expect(await matching('body', `'kalibrasi'`)).toEqual([]);
			expect(await matching('body', `'kelapa':*`)).toEqual([a.id]);
			const v1 = await vocab();
			expect(v1.get('lelang')).toBe(2);
			expect(v1.get('kelapasawit')).toBe(1);
			// The page lists: the pages of a stem in its file, as on SQLite.
			const pages = await sql<{ pages: Uint8Array }>`select pages from search_page_terms
				where file_id = ${a.fileId} and term = 'lelang'`.execute(db);
			expect(decodePages(pages.rows[0].pages)).toEqual([1, 3]);

			// One record's text changes: only it is analysed again; the word it lost leaves the
			// vocabulary, the word it gained joins it, shared words keep their count.
			await db
				.updateTable('page_texts')
				.set({ text: 'Penutup kalimatbarusekali' })
				.where('file_id', '=', a.fileId)
				.where('page', '=', 3)
				.execute();
			await records.update(db, a.id, { title: 'Satu (revisi)' }, actor);
			const second = await syncTextPg(client);
			expect(second.updated).toBe(1);
			expect(second.added).toContain('kalimatbarusekali');
			const v2 = await vocab();
			expect(v2.get('kalimatbarusekali')).toBe(1);
			expect(v2.has('kelapasawit')).toBe(false);
			expect(v2.get('lelang')).toBe(2);
			expect(await matching('body', `'kelapasawit'`)).toEqual([]);
			expect(await matching('body', `'kalimatbarusekali'`)).toEqual([a.id]);
			// Counted from the rows themselves, the table says the same.
			const counted = await sql<{ term: string; n: number }>`select term, count(*)::int as n from
				(select publication_id, unnest(tsvector_to_array(abstract || body)) as term from search_text) t
				group by term`.execute(db);
			expect(new Map(counted.rows.map((r) => [r.term, r.n]))).toEqual(v2);
		} finally {
			await client.end();
			await db.destroy();
		}
	}, 120_000);

	it('two servers building at once: one analyses the changed records, the other waits and finds nothing to do', async () => {
		server ??= await startPostgres();
		const url = await server.createDatabase('search_text_two');
		const db = openPostgres(url);
		const clients = [
			new pg.Client({ connectionString: url }),
			new pg.Client({ connectionString: url })
		];
		await Promise.all(clients.map((c) => c.connect()));
		try {
			await migrateToLatest(db);
			const actor = { id: null, ip: '127.0.0.1' };
			for (let i = 0; i < 30; i++)
				await records.create(
					db,
					{
						type: 'book',
						title: `Rekaman ${i}`,
						abstract: `Kajian lelang nomor${i} serentak`,
						status: 'published',
						access: 'public'
					},
					actor
				);
			// Both index builders start on the same changes (two servers told of one catalog change).
			const results = await Promise.all(clients.map((c) => syncTextPg(c)));
			expect(results.map((r) => r.updated).sort((x, y) => x - y)).toEqual([0, 30]);
			const { rows } = await sql<{
				docs: number;
			}>`select docs from search_vocab where term = 'lelang'`.execute(db);
			expect(rows[0].docs).toBe(30);
		} finally {
			await Promise.all(clients.map((c) => c.end()));
			await db.destroy();
		}
	}, 120_000);
});
