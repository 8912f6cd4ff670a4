import path from 'node:path';
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/server/db/index.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import { readVocabulary, syncText } from '../../src/lib/server/search/text.js';
import { copyDemoData } from '../helpers/demo.ts';

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
