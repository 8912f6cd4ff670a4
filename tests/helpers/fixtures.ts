import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { withLibraryDb } from './db.ts';

/** Where a fixture record's PDF comes from. */
export type FixtureFile =
	/** Share the stored file of a demo record (by its original file name, e.g. `mkn-2019-01.pdf`). */
	| { copyOf: string }
	/** Store these bytes as a new file (damaged or encrypted PDFs for error states). */
	| { bytes: Uint8Array; pages: number }
	/** A file row whose bytes are not in the store (a restore gone wrong). */
	| 'missing'
	/** No file at all (physical collection). */
	| null;

export interface FixtureRecord {
	title: string;
	access?: 'public' | 'internal' | 'restricted';
	status?: 'draft' | 'published' | 'withdrawn';
	downloadable?: 0 | 1;
	/** `YYYY-MM-DD`: under embargo until then (a date in the future hides the record). */
	embargoUntil?: string | null;
	/** Concurrent digital copies lent (> 0 makes a restricted record lendable to employees). */
	digitalCopies?: number;
	file: FixtureFile;
}

/**
 * Inserts a publication (and its file row) straight into a data directory's database, for tests
 * that need records the demo catalog lacks — on whichever engine the library runs (SQLite file,
 * or its PostgreSQL database in the `server-pg` project). Safe while the server runs.
 */
export async function addPublication(dataDir: string, rec: FixtureRecord): Promise<number> {
	return withLibraryDb(dataDir, async (db) => {
		const { id } = (await db.get<{ id: number }>(
			`insert into publications (type, title, year, access, status, downloadable, embargo_until, digital_copies) values ('report', ?, 2025, ?, ?, ?, ?, ?) returning id`,
			rec.title,
			rec.access ?? 'public',
			rec.status ?? 'published',
			rec.downloadable ?? 1,
			rec.embargoUntil ?? null,
			rec.digitalCopies ?? 0
		))!;
		const insertFile = (...values: unknown[]) =>
			db.run(
				`insert into files (publication_id, version, sha256, bytes, pages, has_text_layer, storage_key, thumbnail_key, original_name) values (?, 1, ?, ?, ?, 1, ?, ?, ?)`,
				...values
			);
		const file = rec.file;
		if (file === null) return id;
		if (file === 'missing') {
			const sha = crypto.randomBytes(32).toString('hex');
			await insertFile(id, sha, 1234, 3, `pdf/${sha.slice(0, 2)}/${sha}.pdf`, null, 'missing.pdf');
		} else if ('copyOf' in file) {
			const src = await db.get<Record<string, string | number | null>>(
				`select * from files where original_name = ? and is_current = 1`,
				file.copyOf
			);
			if (!src) throw new Error(`no demo file ${file.copyOf}`);
			await insertFile(
				id,
				src.sha256,
				src.bytes,
				src.pages,
				src.storage_key,
				src.thumbnail_key,
				file.copyOf
			);
		} else {
			const sha = crypto.createHash('sha256').update(file.bytes).digest('hex');
			const key = `pdf/${sha.slice(0, 2)}/${sha}.pdf`;
			const dest = path.join(dataDir, 'files', key);
			fs.mkdirSync(path.dirname(dest), { recursive: true });
			fs.writeFileSync(dest, file.bytes);
			await insertFile(id, sha, file.bytes.byteLength, file.pages, key, null, 'fixture.pdf');
		}
		return id;
	});
}

/** The id of the demo record whose current file was imported as `name` (e.g. `mkn-2019-01.pdf`). */
export async function idByFileName(dataDir: string, name: string): Promise<number> {
	return withLibraryDb(dataDir, async (db) => {
		const row = await db.get<{ id: number }>(
			`select publication_id as id from files where original_name = ? and is_current = 1`,
			name
		);
		if (!row) throw new Error(`no demo record with file ${name}`);
		return row.id;
	});
}

/** The stored bytes of a publication's current file. */
export async function storedBytes(dataDir: string, publicationId: number): Promise<Buffer> {
	return withLibraryDb(dataDir, async (db) => {
		const row = (await db.get<{ storage_key: string }>(
			`select storage_key from files where publication_id = ? and is_current = 1`,
			publicationId
		))!;
		return fs.readFileSync(path.join(dataDir, 'files', row.storage_key));
	});
}

/** Counted usage events of a publication, by kind. */
export async function usageCount(
	dataDir: string,
	publicationId: number,
	kind: 'view' | 'download'
): Promise<number> {
	return withLibraryDb(dataDir, async (db) => {
		const row = (await db.get<{ n: number }>(
			`select count(*) as n from usage_events where publication_id = ? and kind = ?`,
			publicationId,
			kind
		))!;
		return Number(row.n);
	});
}
