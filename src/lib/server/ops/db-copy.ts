import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { migrations } from '../../../../db/migrations/index.ts';
import { config, DATABASE_FILE } from '../config.ts';
import { openDatabase, openPostgres } from '../db/index.ts';
import { migrateToLatest } from '../db/migrate.ts';
import {
	advanceSequence,
	analyze,
	appliedMigrations,
	countRows,
	dependencyOrder,
	listTables,
	readSnapshot,
	sequenceValue,
	streamRows,
	suspendTriggers,
	type TableInfo
} from '../db/tables.ts';
import { writeTransaction } from '../db/write.js';
import { FILES_DIR } from '../storage/index.ts';

/**
 * `npm run db:copy` (issue #16): moves a whole library from one database to another in one run —
 * a SQLite data directory into an empty PostgreSQL database, or back — and proves the copy: row
 * counts and a SHA-256 per table, computed the same way on both sides, compared at the end.
 *
 * How: the target is checked to be empty and is migrated to this release's schema; then, inside
 * ONE write transaction on the target (the write helper: a failed copy leaves no rows behind) and
 * ONE read snapshot of the source (every table as of the same moment), every table is streamed
 * across in foreign-key order in batches. The target's own triggers are suspended meanwhile: they
 * keep counters (`catalog_version`) and monthly roll-ups in step with single edits, and would
 * otherwise count every copied row a second time on top of the copied roll-ups — the copy is of
 * the rows as they are. Id sequences are moved past the copied ids (and past ids the source had
 * handed out before deleting the rows).
 *
 * Not copied, on purpose: the search engine's derived tables (SQLite's FTS5 index and vocabulary,
 * `search_page_terms`, `search_text_state`; the PostgreSQL text engine's own tables) — a server
 * started on the target builds its index from the copied records and page texts; and stored
 * files, which are content-addressed under FILES_DIR and shared: the copy only checks that every
 * file the rows name is there.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** Where a library lives: a SQLite data directory or a PostgreSQL database. */
export type Endpoint = { kind: 'sqlite'; dir: string } | { kind: 'postgres'; url: string };

/**
 * A copy that could not be done or did not verify. `exit` is the CLI's exit code: 2 refused
 * before anything was written (bad arguments or URL, cannot connect, no library at the source,
 * migration levels, target not empty), 1 failed during the copy (rolled back), 4 copied but the
 * verification found a table that differs.
 */
export class CopyError extends Error {
	constructor(
		message: string,
		readonly exit: 1 | 2 | 4 = 1
	) {
		super(message);
		this.name = 'CopyError';
	}
}

/** `postgres://user@host:port/db` without the password, for messages and logs. */
export function describeEndpoint(e: Endpoint): string {
	if (e.kind === 'sqlite') return `sqlite:${e.dir}`;
	return e.url.replace(/\/\/([^@/:]*)(:[^@/]*)?@/, (_, user: string) => `//${user}@`);
}

/** Reads `postgres://…` / `postgresql://…` or `sqlite:<data directory>`. */
export function parseEndpoint(text: string): Endpoint {
	const raw = text.trim();
	if (/^postgres(ql)?:\/\//i.test(raw)) {
		let url: URL;
		try {
			url = new URL(raw);
		} catch {
			url = new URL('x:');
		}
		if (!url.hostname && !url.searchParams.get('host'))
			throw new CopyError(
				`"${describeEndpoint({ kind: 'postgres', url: raw })}" is not a valid PostgreSQL URL: write postgres://user:password@host:5432/database`,
				2
			);
		return { kind: 'postgres', url: raw };
	}
	if (/^sqlite:/i.test(raw)) {
		const dir = raw.slice('sqlite:'.length);
		if (!dir)
			throw new CopyError('sqlite: needs a data directory, e.g. sqlite:/var/lib/perpustakaan', 2);
		return { kind: 'sqlite', dir: path.resolve(dir) };
	}
	throw new CopyError(
		`"${raw}": name a database as postgres://user:password@host:5432/database or sqlite:<data directory>`,
		2
	);
}

/** Tables the search engines derive from the records: rebuilt by the target's server, not copied. */
export function isDerived(table: string): boolean {
	return /^search_(text|pages|vocab|page_terms|documents|terms|lexemes)/.test(table);
}

/** One table's fingerprint: its rows and the SHA-256 over them, as `tableChecksums` computes. */
export interface TableSum {
	rows: number;
	sha256: string;
}

/**
 * One value as the checksum sees it, the same whichever engine it came from: integers as
 * decimals, other numbers with a tag of their own, text with its byte length (so no separator
 * can be forged), null, blobs as hex, booleans as 0/1 integers (SQLite has no booleans).
 */
function encodeValue(v: unknown): string {
	if (v === null || v === undefined) return 'n';
	if (typeof v === 'number') return Number.isInteger(v) ? `i${v}` : `r${v}`;
	if (typeof v === 'bigint') return `i${v}`;
	if (typeof v === 'boolean') return v ? 'i1' : 'i0';
	if (typeof v === 'string') return `t${Buffer.byteLength(v)}:${v}`;
	if (v instanceof Uint8Array) return `b${Buffer.from(v).toString('hex')}`;
	if (v instanceof Date) return `d${v.toISOString()}`;
	return `j${JSON.stringify(v)}`;
}

/** Accumulates a table's checksum over rows fed in primary-key order. */
class TableHasher {
	private hash = crypto.createHash('sha256');
	rows = 0;
	constructor(private readonly columns: string[]) {}
	add(batch: Record<string, unknown>[]): void {
		for (const row of batch) {
			this.hash.update(`${this.columns.map((c) => encodeValue(row[c])).join('|')}\n`);
			this.rows++;
		}
	}
	digest(): TableSum {
		return { rows: this.rows, sha256: this.hash.digest('hex') };
	}
}

/** The columns a checksum covers: by name, sorted, so column order in a table does not matter. */
function checksumColumns(columns: string[]): string[] {
	return [...columns].sort();
}

/**
 * Row count and SHA-256 of every table (or of `only`), read in one snapshot: rows in primary-key
 * order (text by its bytes on both engines), each value normalised (`encodeValue`), columns by
 * name. Equal sums on a SQLite and a PostgreSQL database mean equal rows. `columns` narrows the
 * columns per table (the copy compares the columns both sides have).
 */
export async function tableChecksums(
	db: AnyDb,
	only?: string[],
	columns?: Record<string, string[]>
): Promise<Record<string, TableSum>> {
	const tables = (await listTables(db)).filter((t) => !only || only.includes(t.name));
	const out: Record<string, TableSum> = {};
	await readSnapshot(db, async (snap) => {
		for (const t of tables) {
			const cols = checksumColumns(columns?.[t.name] ?? t.columns);
			const hasher = new TableHasher(cols);
			for await (const batch of streamRows(snap, t, cols)) hasher.add(batch);
			out[t.name] = hasher.digest();
		}
	});
	return out;
}

/** What a fresh migration leaves in each table (the seeded holidays, loan policies, counters). */
async function seededCounts(): Promise<Record<string, number>> {
	const mem = openDatabase(':memory:');
	try {
		await migrateToLatest(mem);
		const out: Record<string, number> = {};
		for (const t of await listTables(mem)) out[t.name] = await countRows(mem, t.name);
		return out;
	} finally {
		await mem.destroy();
	}
}

/** A message an operator can act on for a connection that failed. */
export function connectionMessage(where: string, err: unknown): string {
	const e = err as { code?: string; message?: string };
	const why = e?.message ?? String(err);
	switch (e?.code) {
		case 'ECONNREFUSED':
			return `cannot connect to ${where}: nothing answers there (is PostgreSQL running? are host and port right?)`;
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return `cannot connect to ${where}: unknown host`;
		case '28P01':
		case '28000':
			return `cannot connect to ${where}: the server refused the user or password (${why})`;
		case '3D000':
			return `cannot connect to ${where}: ${why} — create it first (createdb), empty`;
		default:
			return `cannot connect to ${where}: ${why}`;
	}
}

/** Opens an endpoint's database and proves the connection; `create` allows a new SQLite file. */
async function open(e: Endpoint, create: boolean): Promise<AnyDb> {
	const where = describeEndpoint(e);
	let db: AnyDb;
	if (e.kind === 'sqlite') {
		const file = path.join(e.dir, DATABASE_FILE);
		if (!create && !fs.existsSync(file))
			throw new CopyError(`no database at ${file}: is ${e.dir} a library's data directory?`, 2);
		if (fs.existsSync(e.dir) && !fs.statSync(e.dir).isDirectory())
			throw new CopyError(`${e.dir} is not a directory`, 2);
		try {
			db = openDatabase(file);
		} catch (err) {
			throw new CopyError(`cannot open ${file}: ${(err as Error).message}`, 2);
		}
	} else db = openPostgres(e.url);
	try {
		await sql`select 1`.execute(db);
	} catch (err) {
		await db.destroy().catch(() => {});
		throw new CopyError(connectionMessage(where, err), 2);
	}
	return db;
}

/** Refuses a database migrated by a newer release (or, for the source, an older one). */
function checkMigrations(where: string, applied: string[], role: 'source' | 'target'): void {
	const known = Object.keys(migrations);
	const unknown = applied.filter((m) => !known.includes(m));
	if (unknown.length > 0)
		throw new CopyError(
			`${where} was migrated by a newer version of the application (migration ${unknown.join(', ')}; this one knows up to ${known.at(-1)}): copy with that version or newer`,
			2
		);
	if (role === 'source') {
		const pending = known.filter((m) => !applied.includes(m));
		if (pending.length > 0)
			throw new CopyError(
				`${where} is at migration ${applied.at(-1) ?? '(none)'}, older than this version (${known.at(-1)}): bring it up to date first (npm run db:migrate with DATA_DIR or DATABASE_URL pointing at it, or start the server on it once)`,
				2
			);
	}
}

export interface CopiedTable {
	name: string;
	source: TableSum;
	target: TableSum;
	seconds: number;
}

export interface CopyResult {
	from: string;
	to: string;
	tables: CopiedTable[];
	/** Tables not copied, and why. */
	skipped: { name: string; why: string }[];
	/** Tables whose count or checksum differ between source and target (empty: verified). */
	differing: string[];
	files: { dir: string; referenced: number; missing: string[] };
	seconds: number;
}

/**
 * Copies the library at `from` into the empty database at `to` (see the top of this file) and
 * verifies it. `filesDir`: where the stored files are checked (default: the SQLite side's
 * `files/`, else DATA_DIR's). `onProgress` receives one line per table as it is copied.
 *
 * @throws CopyError — `exit` 2 before anything was written, 1 when the copy failed (the target's
 *   rows rolled back; it stays migrated and empty), 4 when it was copied but does not verify.
 */
export async function copyLibrary(opts: {
	from: Endpoint;
	to: Endpoint;
	filesDir?: string;
	batchRows?: number;
	onProgress?: (line: string) => void;
}): Promise<CopyResult> {
	const started = performance.now();
	const say = opts.onProgress ?? (() => {});
	const fromName = describeEndpoint(opts.from);
	const toName = describeEndpoint(opts.to);
	if (fromName === toName) throw new CopyError('--from and --to name the same database', 2);

	const source = await open(opts.from, false);
	let target: AnyDb | undefined;
	try {
		const applied = await appliedMigrations(source);
		if (!applied)
			throw new CopyError(`${fromName} holds no Perpustakaan DJKN library (never migrated)`, 2);
		checkMigrations(fromName, applied, 'source');

		// The target: a new SQLite file is empty by definition; an existing database must hold
		// nothing beyond what a fresh migration seeds. Checked before anything is written.
		const targetFile = opts.to.kind === 'sqlite' ? path.join(opts.to.dir, DATABASE_FILE) : null;
		const existed = targetFile ? fs.existsSync(targetFile) : true;
		target = await open(opts.to, true);
		if (existed) {
			const done = await appliedMigrations(target);
			if (done) checkMigrations(toName, done, 'target');
			const seeded = await seededCounts();
			const full: string[] = [];
			for (const t of await listTables(target)) {
				const n = await countRows(target, t.name);
				if (n > (seeded[t.name] ?? 0)) full.push(`${t.name} (${n} rows)`);
			}
			// The catalog first: "publications (1,234 rows)" is what tells an operator what this is.
			full.sort(
				(x, y) => Number(y.startsWith('publications ')) - Number(x.startsWith('publications '))
			);
			if (full.length > 0)
				throw new CopyError(
					`${toName} is not empty: ${full.slice(0, 5).join(', ')}${full.length > 5 ? ` and ${full.length - 5} more tables` : ''}. Copy into an empty database (or a directory without one); nothing was written`,
					2
				);
		}
		say(`migrating ${toName} …`);
		await migrateToLatest(target);

		const srcTables = new Map((await listTables(source)).map((t) => [t.name, t]));
		const dstTables = await listTables(target);
		const skipped: CopyResult['skipped'] = [];
		const plan: { src: TableInfo; dst: TableInfo; columns: string[] }[] = [];
		for (const dst of dependencyOrder(dstTables)) {
			const src = srcTables.get(dst.name);
			if (isDerived(dst.name)) {
				skipped.push({ name: dst.name, why: 'search index: the server rebuilds it' });
				continue;
			}
			if (!src) {
				skipped.push({ name: dst.name, why: 'only in the target engine’s schema' });
				continue;
			}
			const columns = dst.columns.filter((c) => src.columns.includes(c));
			plan.push({ src, dst, columns });
		}
		for (const name of srcTables.keys())
			if (!dstTables.some((t) => t.name === name))
				skipped.push({
					name,
					why: isDerived(name)
						? 'search index: the server rebuilds it'
						: 'only in the source engine’s schema'
				});
		// Sequences as the source left them (ids of deleted rows are not handed out again).
		const floors = new Map<string, number>();
		for (const p of plan) floors.set(p.dst.name, await sequenceValue(source, p.src));

		const perInsert = (cols: number) =>
			Math.max(1, Math.min(opts.batchRows ?? 500, Math.floor(16_000 / Math.max(1, cols))));
		const copied: { name: string; source: TableSum; seconds: number }[] = [];
		await writeTransaction(target, async (tx) => {
			const resume = await suspendTriggers(
				tx,
				plan.map((p) => p.dst.name)
			);
			// Whatever the migrations seeded (holidays, loan policies, counters) gives way to the
			// source's rows; the emptiness check above proved there is nothing else.
			for (const p of [...plan].reverse())
				if ((await countRows(tx, p.dst.name)) > 0) await tx.deleteFrom(p.dst.name).execute();
			await readSnapshot(source, async (snap) => {
				for (const p of plan) {
					const t0 = performance.now();
					const cols = checksumColumns(p.columns);
					const hasher = new TableHasher(cols);
					const size = perInsert(cols.length);
					let nextReport = 50_000;
					try {
						for await (const batch of streamRows(snap, p.src, cols)) {
							hasher.add(batch);
							for (let i = 0; i < batch.length; i += size)
								await tx
									.insertInto(p.dst.name)
									.values(batch.slice(i, i + size).map(forInsert))
									.execute();
							if (hasher.rows >= nextReport) {
								say(`  ${p.dst.name.padEnd(26)} … ${hasher.rows.toLocaleString('en')} rows`);
								nextReport += 50_000;
							}
						}
					} catch (err) {
						throw new CopyError(
							`copying table ${p.dst.name} failed after ${hasher.rows} rows: ${(err as Error).message}`
						);
					}
					const sum = hasher.digest();
					const seconds = (performance.now() - t0) / 1000;
					copied.push({ name: p.dst.name, source: sum, seconds });
					say(
						`  ${p.dst.name.padEnd(26)} ${sum.rows.toLocaleString('en').padStart(10)} rows  ${seconds.toFixed(1)} s`
					);
				}
			});
			for (const p of plan) await advanceSequence(tx, p.dst, floors.get(p.dst.name) ?? 0);
			await resume();
		});
		await analyze(target);

		// Verification: the target read back, hashed the same way as the source was while copying.
		say('verifying …');
		const sums = await tableChecksums(
			target,
			plan.map((p) => p.dst.name),
			Object.fromEntries(plan.map((p) => [p.dst.name, p.columns]))
		);
		const tables: CopiedTable[] = copied.map((c) => ({
			...c,
			target: sums[c.name] ?? { rows: 0, sha256: '' }
		}));
		const differing = tables
			.filter((t) => t.source.rows !== t.target.rows || t.source.sha256 !== t.target.sha256)
			.map((t) => t.name);

		// Stored files: shared and content-addressed, not copied — but every one named must exist.
		const filesDir =
			opts.filesDir ??
			path.join(
				opts.from.kind === 'sqlite'
					? opts.from.dir
					: opts.to.kind === 'sqlite'
						? opts.to.dir
						: config.dataDir,
				FILES_DIR
			);
		const keys = await storedKeys(target);
		const missing = keys.filter((k) => !fs.existsSync(path.join(filesDir, k)));
		return {
			from: fromName,
			to: toName,
			tables,
			skipped,
			differing,
			files: { dir: filesDir, referenced: keys.length, missing },
			seconds: (performance.now() - started) / 1000
		};
	} finally {
		await source.destroy().catch(() => {});
		await target?.destroy().catch(() => {});
	}
}

/** A value as the target takes it: SQLite stores booleans (a PostgreSQL type) as 0/1. */
function forInsert(row: Record<string, unknown>): Record<string, unknown> {
	for (const [k, v] of Object.entries(row)) if (typeof v === 'boolean') row[k] = v ? 1 : 0;
	return row;
}

/** Every stored file the database's rows name: PDFs, covers and cover renderings. */
export async function storedKeys(db: AnyDb): Promise<string[]> {
	const { rows } = await sql<{ k: string }>`
		select storage_key as k from files
		union select thumbnail_key from files where thumbnail_key is not null
		union select storage_key from cover_variants`.execute(db);
	return rows.map((r) => r.k).sort();
}
