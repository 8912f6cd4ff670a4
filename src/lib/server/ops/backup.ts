import crypto from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import SQLite from 'better-sqlite3';
import tar from 'tar-stream';
import { migrations } from '../../../../db/migrations/index.ts';
import { DATABASE_FILE } from '../config.ts';
import { appRoot } from '../paths.ts';
import { FILES_DIR, KEY_PATTERN } from '../storage/index.ts';
import { describeEndpoint } from './db-copy.ts';
import {
	checkRestoreTarget,
	dumpPostgres,
	PG_DUMP_MEMBER,
	PgToolError,
	restorePostgres
} from './backup-postgres.ts';

/**
 * Backup and restore of a whole data directory as ONE POSIX tar archive (gzip-compressed when
 * its name ends in `.gz`/`.tgz`), laid out exactly like DATA_DIR so that even a plain
 * `tar -xzf` into an empty directory gives a working one:
 *
 *   perpustakaan.sqlite         a consistent snapshot taken with SQLite's online backup API
 *   files/<kind>/<xx>/<sha256>.<ext>   every stored file that snapshot's rows name
 *   manifest.json               written LAST: versions, migration level, row counts, and the
 *                               size and SHA-256 of every other member
 *
 * Why the manifest comes last: the checksums are computed while the members stream into the
 * archive, so every byte is read once; and an archive cut short (disk full, killed job) has no
 * manifest, which restore reports as incomplete instead of restoring part of it.
 *
 * On PostgreSQL (DATABASE_URL set, issue #16) the database member is `perpustakaan.pgdump`, a
 * `pg_dump` custom-format dump of one exported snapshot (see backup-postgres.ts), the manifest
 * says `engine: "postgres"`, and the archive's format version is 2 (a release that knows only
 * SQLite archives refuses it plainly instead of restoring half of it). SQLite archives are
 * exactly as before (format 1).
 *
 * What is left out, on purpose: the search index (`search/`, rebuilt from the database at
 * start), temporary uploads (`tmp/`) and stored files no row of the snapshot names (uploads
 * committed after it, which a later backup picks up).
 */

/** Identifies the archive format in its manifest. */
export const FORMAT = 'perpustakaan-djkn-backup';
/**
 * Bumped when the layout changes in a way an older restore could not read: the newest format this
 * version reads. SQLite archives are written as format 1, PostgreSQL ones (a pg_dump member) 2.
 */
export const FORMAT_VERSION = 2;
export const MANIFEST_MEMBER = 'manifest.json';
/** A manifest is small (about 150 bytes per file); anything far bigger is not one of ours. */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

/** One member of the archive as the manifest lists it. */
export interface Member {
	path: string;
	bytes: number;
	sha256: string;
}

export interface Manifest {
	format: typeof FORMAT;
	formatVersion: number;
	app: { name: string; version: string };
	createdAt: string;
	/** Where it was taken; `database`: the PostgreSQL URL (without its password). */
	source: { host: string; dataDir: string; database?: string };
	database: {
		member: string;
		/** Which engine the member is for (absent in archives from before #16: SQLite). */
		engine?: 'sqlite' | 'postgres';
		/** The last migration applied to the snapshot (null for a database never migrated). */
		migration: string | null;
		migrations: string[];
		sqliteVersion?: string;
		/** PostgreSQL: the server's version, and the pg_dump that wrote the member. */
		postgresVersion?: string;
		dumpTool?: string;
		dumpMajor?: number;
	};
	/** Rows per table in the snapshot (search-index shadow tables left out). */
	counts: Record<string, number>;
	files: {
		/** Distinct stored files the snapshot's `files` rows name (PDFs and cover thumbnails). */
		referenced: number;
		bytes: number;
		/** Named by a row but absent from DATA_DIR/files: not in the archive. */
		missing: string[];
		/** Present, but their bytes no longer match the SHA-256 in their name (archived as found). */
		damaged: string[];
	};
	/** Every member but the manifest itself, in archive order. */
	members: Member[];
}

/**
 * A backup or restore that could not be done. `usage` marks a mistake in how it was asked
 * (bad arguments, missing data directory, non-empty target) — CLIs exit 2 for those, 1 otherwise.
 */
export class BackupError extends Error {
	constructor(
		message: string,
		readonly usage = false
	) {
		super(message);
		this.name = 'BackupError';
	}
}

export interface BackupResult {
	out: string;
	manifest: Manifest;
	archiveBytes: number;
	seconds: number;
	/** Time the online backup of the database took (the snapshot moment is its end). */
	snapshotSeconds: number;
}

export interface RestoreResult {
	dataDir: string;
	manifest: Manifest;
	/** The target held data that was replaced (`force`). */
	replaced: boolean;
	seconds: number;
}

function errno(err: unknown): string {
	const e = err as NodeJS.ErrnoException;
	return e?.code ?? e?.message ?? String(err);
}

function appInfo(): { name: string; version: string } {
	const pkg = JSON.parse(fs.readFileSync(path.join(appRoot(), 'package.json'), 'utf8')) as {
		name: string;
		version: string;
	};
	return { name: pkg.name, version: pkg.version };
}

/** Whether an archive member name is one a backup writes (also keeps paths inside the target). */
function isDataMember(name: string): boolean {
	if (name === DATABASE_FILE || name === PG_DUMP_MEMBER) return true;
	const prefix = `${FILES_DIR}/`;
	return name.startsWith(prefix) && KEY_PATTERN.test(name.slice(prefix.length));
}

/** Shadow tables SQLite keeps behind a virtual (FTS5) table: counted through the table itself. */
function shadowOf(name: string, virtual: string[]): boolean {
	return virtual.some((v) => name.startsWith(`${v}_`));
}

/** Row counts of every table, migration level and SQLite version of an open database. */
function describe(db: SQLite.Database): {
	counts: Record<string, number>;
	migrations: string[];
	sqliteVersion: string;
} {
	const tables = db
		.prepare(
			`select name, sql from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`
		)
		.all() as { name: string; sql: string | null }[];
	const virtual = tables.filter((t) => /^create virtual/i.test(t.sql ?? '')).map((t) => t.name);
	const counts: Record<string, number> = {};
	for (const { name } of tables) {
		if (shadowOf(name, virtual) || name.startsWith('kysely_')) continue;
		const quoted = `"${name.replaceAll('"', '""')}"`;
		counts[name] = (db.prepare(`select count(*) as n from ${quoted}`).get() as { n: number }).n;
	}
	const hasJournal = tables.some((t) => t.name === 'kysely_migration');
	const applied = hasJournal
		? (db.prepare('select name from kysely_migration order by name').all() as { name: string }[])
		: [];
	const { v } = db.prepare('select sqlite_version() as v').get() as { v: string };
	return { counts, migrations: applied.map((r) => r.name), sqliteVersion: v };
}

async function fsyncDir(dir: string): Promise<void> {
	const fh = await fsp.open(dir, 'r');
	try {
		await fh.sync();
	} finally {
		await fh.close();
	}
}

/** What the database part of a backup took: its snapshot file, described for the manifest. */
interface Snapshot {
	database: Manifest['database'];
	counts: Record<string, number>;
	keys: string[];
	snapshotSeconds: number;
	/** The moment the data is from. */
	createdAt: Date;
}

/**
 * SQLite: the snapshot with the online backup API, in one step — a read-only connection, so a
 * backup never writes to the live database — then checked (quick_check) and described.
 */
async function snapshotSqlite(dbFile: string, snapshot: string): Promise<Snapshot> {
	// 1. The snapshot. A read-only connection: a backup never writes to the live database.
	const snapStarted = performance.now();

	const source = new SQLite(dbFile, { readonly: true, fileMustExist: true });
	try {
		source.pragma('busy_timeout = 5000');
		// After better-sqlite3's first (setup) step, copy every remaining page in one step.
		await source.backup(snapshot, { progress: () => 0x7fffffff });
	} finally {
		source.close();
	}
	const snapshotSeconds = (performance.now() - snapStarted) / 1000;
	// The moment the data is from: the copy is the database as of the end of that step.
	const createdAt = new Date();

	// 2. What the snapshot holds, checked before anything is archived.
	const snap = new SQLite(snapshot, { fileMustExist: true });
	let info: ReturnType<typeof describe>;
	let keys: string[];
	try {
		const check = snap.pragma('quick_check', { simple: true });
		if (check !== 'ok') throw new BackupError(`the database copy fails quick_check: ${check}`);
		info = describe(snap);
		// Cover renderings (migration 0016) are stored files too; a database from before it
		// has no such table.
		const variants = snap
			.prepare(`select 1 from sqlite_master where type = 'table' and name = 'cover_variants'`)
			.get()
			? ' union select storage_key from cover_variants'
			: '';
		const rows = snap
			.prepare(
				`select storage_key as k from files union select thumbnail_key from files where thumbnail_key is not null${variants}`
			)
			.all() as { k: string }[];
		keys = rows.map((r) => r.k).sort();
	} finally {
		snap.close();
	}
	return {
		database: {
			member: DATABASE_FILE,
			engine: 'sqlite',
			migration: info.migrations.at(-1) ?? null,
			migrations: info.migrations,
			sqliteVersion: info.sqliteVersion
		},
		counts: info.counts,
		keys,
		snapshotSeconds,
		createdAt
	};
}

/** PostgreSQL: `pg_dump` of one exported snapshot (backup-postgres.ts), described. */
async function snapshotPostgres(url: string, dumpFile: string): Promise<Snapshot> {
	const s = await asBackupError(dumpPostgres(url, dumpFile));
	return {
		database: {
			member: PG_DUMP_MEMBER,
			engine: 'postgres',
			migration: s.migrations.at(-1) ?? null,
			migrations: s.migrations,
			postgresVersion: s.serverVersion,
			dumpTool: s.dumpTool,
			dumpMajor: s.dumpMajor
		},
		counts: s.counts,
		keys: s.keys,
		snapshotSeconds: s.snapshotSeconds,
		// pg_dump's snapshot is the exporting transaction's, taken when it started.
		createdAt: new Date(Date.now() - s.snapshotSeconds * 1000)
	};
}

/** The PostgreSQL tools' errors as BackupErrors (same exit codes). */
async function asBackupError<T>(p: Promise<T>): Promise<T> {
	try {
		return await p;
	} catch (err) {
		if (err instanceof PgToolError) throw new BackupError(err.message, err.usage);
		throw err;
	}
}

/**
 * Writes one archive of a consistent snapshot of `dataDir` to `out` while the server keeps
 * serving and writing.
 *
 * The database is copied with SQLite's online backup API in a single step, so the copy is one
 * read transaction: a writer committing meanwhile neither waits (WAL) nor restarts the copy.
 * The stored files come from the `files` rows of that copy (`storage_key`, `thumbnail_key`).
 * They exist on disk before their row commits and are never deleted once named, so the
 * snapshot's files are all there, and files stored after it are not taken.
 *
 * The archive is written to `<out>.tmp`, fsynced and only then renamed to `out`: a failed
 * backup never leaves a file that looks complete. A stored file that is missing or whose bytes
 * no longer match its SHA-256 does not stop the backup (a nightly job failing on one file would
 * stop protecting everything else); it is listed in `manifest.files` for the caller to report.
 *
 * @throws BackupError (usage) for a missing database or an unwritable destination; BackupError
 *   or an I/O error for anything failing on the way. Nothing is left at `out` then.
 */
export async function createBackup(opts: {
	dataDir: string;
	out: string;
	/** Compress with gzip; by default when `out` ends in `.gz` or `.tgz`. */
	gzip?: boolean;
	/**
	 * PostgreSQL: back up this database (`pg_dump`) instead of DATA_DIR's SQLite file; the stored
	 * files still come from `dataDir`.
	 */
	databaseUrl?: string | null;
	/** Where the stored files are (FILES_DIR); by default `<dataDir>/files`. */
	filesDir?: string;
}): Promise<BackupResult> {
	const started = performance.now();
	const dataDir = path.resolve(opts.dataDir);
	const filesDir = path.resolve(opts.filesDir ?? path.join(dataDir, FILES_DIR));
	const out = path.resolve(opts.out);
	const gzip = opts.gzip ?? /\.(t?gz)$/i.test(out);
	const url = opts.databaseUrl ?? null;
	const dbFile = path.join(dataDir, DATABASE_FILE);
	if (!fs.statSync(dataDir, { throwIfNoEntry: false })?.isDirectory())
		throw new BackupError(`data directory ${dataDir} does not exist (set DATA_DIR)`, true);
	if (!url && !fs.statSync(dbFile, { throwIfNoEntry: false })?.isFile())
		throw new BackupError(`no database at ${dbFile}: is DATA_DIR the library's data?`, true);
	if (fs.statSync(out, { throwIfNoEntry: false })?.isDirectory())
		throw new BackupError(`--out ${out} is a directory; name the archive file`, true);

	const tmp = `${out}.tmp`;
	const snapshot = `${out}.tmp-db`;
	try {
		// Fail early and plainly on a destination that cannot be written.
		await (await fsp.open(tmp, 'w', 0o600)).close();
	} catch (err) {
		throw new BackupError(`cannot write ${tmp}: ${errno(err)}`, true);
	}
	const cleanup = async () => {
		for (const f of [tmp, snapshot, `${snapshot}-journal`, `${snapshot}-wal`, `${snapshot}-shm`])
			await fsp.rm(f, { force: true });
	};
	try {
		await fsp.rm(snapshot, { force: true });
		const taken = url
			? await snapshotPostgres(url, snapshot)
			: await snapshotSqlite(dbFile, snapshot);
		const { database, counts, keys, snapshotSeconds, createdAt } = taken;
		const bad = keys.find((k) => !KEY_PATTERN.test(k));
		if (bad) throw new BackupError(`the files table names an invalid storage key: ${bad}`);

		// 3. The archive: database, files, manifest — each hashed as it streams in.
		const pack = tar.pack();
		const sink = fs.createWriteStream(tmp, { flags: 'w', mode: 0o600 });
		const writing = gzip ? pipeline(pack, zlib.createGzip(), sink) : pipeline(pack, sink);
		// A failure of the writing side surfaces through `writing`; don't let it go unhandled
		// while entries are still being added.
		writing.catch(() => {});
		const members: Member[] = [];
		const addEntry = async (name: string, bytes: number, chunks: AsyncIterable<Buffer>) => {
			const hash = crypto.createHash('sha256');
			let written = 0;
			const done = new Promise<void>((resolve, reject) => {
				const entry = pack.entry(
					{ name, size: bytes, mode: 0o644, mtime: createdAt, type: 'file' },
					(err) => (err ? reject(err) : resolve())
				);
				void (async () => {
					try {
						for await (const chunk of chunks) {
							hash.update(chunk);
							written += chunk.length;
							if (written > bytes) throw new Error(`${name} grew while it was archived`);
							if (!entry.write(chunk)) await once(entry, 'drain');
						}
						if (written !== bytes) throw new Error(`${name} shrank while it was archived`);
						entry.end(null); // no last chunk (streamx's types want the argument)
					} catch (err) {
						entry.destroy(err as Error);
						reject(err);
					}
				})();
			});
			await Promise.race([done, writing]);
			const member = { path: name, bytes, sha256: hash.digest('hex') };
			members.push(member);
			return member;
		};

		const dbBytes = (await fsp.stat(snapshot)).size;
		await addEntry(database.member, dbBytes, fs.createReadStream(snapshot));
		const missing: string[] = [];
		const damaged: string[] = [];
		let fileBytes = 0;
		for (const key of keys) {
			const file = path.join(filesDir, key);
			let fh: fsp.FileHandle;
			try {
				fh = await fsp.open(file, 'r');
			} catch (err) {
				if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
				missing.push(key);
				continue;
			}
			try {
				const { size } = await fh.stat();
				const member = await addEntry(
					`${FILES_DIR}/${key}`,
					size,
					fh.createReadStream({ autoClose: false })
				);
				fileBytes += size;
				if (member.sha256 !== path.basename(key).split('.')[0]) damaged.push(key);
			} finally {
				await fh.close();
			}
		}
		const manifest: Manifest = {
			format: FORMAT,
			formatVersion: database.engine === 'postgres' ? 2 : 1,
			app: appInfo(),
			createdAt: createdAt.toISOString(),
			source: {
				host: os.hostname(),
				dataDir,
				...(url ? { database: describeEndpoint({ kind: 'postgres', url }) } : {})
			},
			database,
			counts,
			files: { referenced: keys.length, bytes: fileBytes, missing, damaged },
			members
		};
		const json = Buffer.from(`${JSON.stringify(manifest, null, '\t')}\n`);
		await new Promise<void>((resolve, reject) =>
			pack.entry(
				{ name: MANIFEST_MEMBER, size: json.length, mode: 0o644, mtime: createdAt },
				json,
				(err) => (err ? reject(err) : resolve())
			)
		);
		pack.finalize();
		await writing;

		// 4. Durable, then visible: fsync the archive, rename it into place, fsync the directory.
		const fh = await fsp.open(tmp, 'r');
		try {
			await fh.sync();
		} finally {
			await fh.close();
		}
		const archiveBytes = (await fsp.stat(tmp)).size;
		await fsp.rename(tmp, out);
		await fsyncDir(path.dirname(out));
		await cleanup();
		return {
			out,
			manifest,
			archiveBytes,
			seconds: (performance.now() - started) / 1000,
			snapshotSeconds
		};
	} catch (err) {
		await cleanup();
		throw err;
	}
}

/** Checks that a parsed manifest is one this version can restore; returns it typed. */
function checkManifest(value: unknown): Manifest {
	const m = value as Partial<Manifest> | null;
	if (!m || typeof m !== 'object' || m.format !== FORMAT)
		throw new BackupError('not a Perpustakaan DJKN backup (its manifest.json is not ours)');
	if (typeof m.formatVersion !== 'number' || m.formatVersion > FORMAT_VERSION)
		throw new BackupError(
			`backup format ${String(m.formatVersion)} is newer than this version reads (${FORMAT_VERSION}); upgrade the application first`
		);
	if (
		!Array.isArray(m.members) ||
		!m.members.every(
			(x) =>
				x &&
				typeof x.path === 'string' &&
				typeof x.bytes === 'number' &&
				typeof x.sha256 === 'string'
		) ||
		!m.database ||
		!Array.isArray(m.database.migrations) ||
		!m.counts
	)
		throw new BackupError('the manifest is malformed');
	const unknown = m.database.migrations.filter((name) => !(name in migrations));
	if (unknown.length > 0)
		throw new BackupError(
			`the backup was made by a newer version of the application (migration ${unknown.join(', ')}); install that version or newer before restoring`
		);
	return m as Manifest;
}

/** Is the archive gzip-compressed? (Decided by its magic bytes, not its name.) */
async function isGzip(file: string): Promise<boolean> {
	const fh = await fsp.open(file, 'r');
	try {
		const { buffer, bytesRead } = await fh.read(Buffer.alloc(2), 0, 2, 0);
		return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
	} finally {
		await fh.close();
	}
}

/**
 * Extracts the archive into `dir` (an empty staging directory), hashing every member as it is
 * written, then checks the members against the manifest: each listed once with its size and
 * SHA-256, nothing unlisted, nothing after the manifest.
 */
async function extractVerified(archive: string, dir: string): Promise<Manifest> {
	const extract = tar.extract();
	const input = fs.createReadStream(archive);
	const reading = (await isGzip(archive))
		? pipeline(input, zlib.createGunzip(), extract)
		: pipeline(input, extract);
	reading.catch(() => {});
	const seen = new Map<string, Member>();
	let manifest: unknown;
	let sawManifest = false;
	const created = new Set<string>([dir]);
	try {
		for await (const entry of extract) {
			const { name, type, size } = entry.header;
			if (sawManifest) throw new BackupError(`unexpected member ${name} after the manifest`);
			if (type !== 'file') throw new BackupError(`unexpected ${type} member ${name}`);
			if (name === MANIFEST_MEMBER) {
				if ((size ?? 0) > MAX_MANIFEST_BYTES)
					throw new BackupError('manifest.json is too large to be a manifest');
				const chunks: Buffer[] = [];
				for await (const chunk of entry as AsyncIterable<Buffer>) chunks.push(chunk);
				try {
					manifest = JSON.parse(Buffer.concat(chunks).toString('utf8'));
				} catch {
					throw new BackupError('manifest.json is not valid JSON');
				}
				sawManifest = true;
				continue;
			}
			if (!isDataMember(name)) throw new BackupError(`unexpected member ${name}`);
			if (seen.has(name)) throw new BackupError(`member ${name} appears twice`);
			const dest = path.join(dir, ...name.split('/'));
			const parent = path.dirname(dest);
			if (!created.has(parent)) {
				await fsp.mkdir(parent, { recursive: true });
				created.add(parent);
			}
			const hash = crypto.createHash('sha256');
			let bytes = 0;
			const fh = await fsp.open(dest, 'wx', 0o644);
			try {
				for await (const chunk of entry as AsyncIterable<Buffer>) {
					hash.update(chunk);
					bytes += chunk.length;
					await fh.write(chunk);
				}
				await fh.sync();
			} finally {
				await fh.close();
			}
			seen.set(name, { path: name, bytes, sha256: hash.digest('hex') });
		}
		await reading;
	} catch (err) {
		// The reading side's error says what went wrong ("unexpected end of file"); the
		// iterator only knows that its stream was destroyed.
		const cause = await reading.then(
			() => undefined,
			(e: unknown) => e as Error
		);
		if (err instanceof BackupError) throw err;
		throw new BackupError(
			`the archive is damaged or truncated: ${(cause ?? (err as Error)).message}`
		);
	}
	if (!sawManifest)
		throw new BackupError('the archive has no manifest.json: it is incomplete (cut short?)');
	const m = checkManifest(manifest);
	for (const listed of m.members) {
		const got = seen.get(listed.path);
		if (!got) throw new BackupError(`member ${listed.path} is missing from the archive`);
		if (got.bytes !== listed.bytes || got.sha256 !== listed.sha256)
			throw new BackupError(
				`member ${listed.path} does not match its checksum in the manifest: the archive is corrupt or was altered`
			);
		seen.delete(listed.path);
	}
	const extra = [...seen.keys()];
	if (extra.length > 0) throw new BackupError(`member ${extra[0]} is not in the manifest`);
	const dbMember = m.database.member;
	if (
		(dbMember !== DATABASE_FILE && dbMember !== PG_DUMP_MEMBER) ||
		!m.members.some((x) => x.path === dbMember)
	)
		throw new BackupError('the archive holds no database');
	// Fsync the directories so the verified tree survives a power cut once it is swapped in.
	for (const d of created) await fsyncDir(d);
	return m;
}

/** Gives a restored tree the owner of the directory it replaces (when restoring as root). */
async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
	await fsp.chown(dir, uid, gid);
	for (const d of await fsp.readdir(dir, { withFileTypes: true })) {
		const p = path.join(d.parentPath, d.name);
		if (d.isDirectory()) await chownTree(p, uid, gid);
		else await fsp.chown(p, uid, gid);
	}
}

/**
 * Restores an archive made by `createBackup` into `dataDir`, which must be missing or empty
 * unless `force` is given. Stop the server on that directory first.
 *
 * Nothing is written to `dataDir` before the whole archive has been read and every member
 * verified against the manifest: members are extracted into `<dataDir>.restoring` beside it,
 * and only a verified tree is renamed into place. With `force` the previous directory is
 * renamed aside, the new one renamed in, and the old one deleted — two renames, so a crash
 * leaves either the old or the new data under the name (plus a leftover aside). A damaged,
 * truncated or altered archive leaves `dataDir` exactly as it was.
 *
 * The restored directory is what the backup held; a server started on it applies any
 * migrations newer than the backup and rebuilds the search index.
 *
 * @throws BackupError (usage) for a missing archive or a non-empty target without `force`;
 *   BackupError for an archive that fails verification.
 */
export async function restoreBackup(opts: {
	archive: string;
	dataDir: string;
	force?: boolean;
	/** PostgreSQL: restore the archive's dump into this database (see `restoreIntoPostgres`). */
	databaseUrl?: string | null;
	/** PostgreSQL: where the stored files go (a shared FILES_DIR); by default `<dataDir>/files`. */
	filesDir?: string;
}): Promise<RestoreResult> {
	const started = performance.now();
	const archive = path.resolve(opts.archive);
	const target = path.resolve(opts.dataDir);
	if (!fs.statSync(archive, { throwIfNoEntry: false })?.isFile())
		throw new BackupError(`archive ${archive} does not exist`, true);
	if (opts.databaseUrl)
		return restoreIntoPostgres({
			...opts,
			archive,
			dataDir: target,
			url: opts.databaseUrl,
			started
		});
	const existing = fs.statSync(target, { throwIfNoEntry: false });
	if (existing && !existing.isDirectory())
		throw new BackupError(`${target} exists and is not a directory`, true);
	const nonEmpty = !!existing && fs.readdirSync(target).length > 0;
	if (nonEmpty && !opts.force)
		throw new BackupError(
			`${target} is not empty; restore into an empty directory, or add --force to replace its content`,
			true
		);

	if (nonEmpty && `${path.dirname(archive)}${path.sep}`.startsWith(`${target}${path.sep}`))
		// --force would delete the very archive it restores from along with the old content.
		throw new BackupError(
			`the archive lies inside ${target}, which --force would replace; move it elsewhere first`,
			true
		);

	const staging = `${target}.restoring`;
	const aside = `${target}.replaced`;
	// Leftovers of an interrupted restore of this same target (their names are ours).
	await fsp.rm(staging, { recursive: true, force: true });
	await fsp.mkdir(path.dirname(target), { recursive: true });
	await fsp.mkdir(staging);
	try {
		const manifest = await extractVerified(archive, staging);
		if (manifest.database.engine === 'postgres')
			throw new BackupError(
				'this archive holds a PostgreSQL dump: set DATABASE_URL to an empty PostgreSQL database and restore again',
				true
			);
		// The checksums prove these are the backup's bytes; the counts prove the manifest
		// describes this database.
		const db = new SQLite(path.join(staging, DATABASE_FILE), { fileMustExist: true });
		try {
			const { counts } = describe(db);
			for (const [table, n] of Object.entries(manifest.counts))
				if (counts[table] !== n)
					throw new BackupError(
						`the database holds ${counts[table] ?? 0} rows in ${table}, the manifest says ${n}`
					);
		} finally {
			db.close();
		}
		if (existing && process.getuid?.() === 0) await chownTree(staging, existing.uid, existing.gid);

		if (!nonEmpty) {
			// rename(2) replaces an empty directory in one step.
			await fsp.rename(staging, target);
		} else {
			await fsp.rm(aside, { recursive: true, force: true });
			try {
				await fsp.rename(target, aside);
			} catch (err) {
				throw new BackupError(
					`cannot move ${target} aside (${errno(err)}); if it is a mount point, restore into a directory inside it and point DATA_DIR there`
				);
			}
			try {
				await fsp.rename(staging, target);
			} catch (err) {
				await fsp.rename(aside, target);
				throw err;
			}
			await fsp.rm(aside, { recursive: true, force: true });
		}
		await fsyncDir(path.dirname(target));
		return {
			dataDir: target,
			manifest,
			replaced: nonEmpty,
			seconds: (performance.now() - started) / 1000
		};
	} catch (err) {
		await fsp.rm(staging, { recursive: true, force: true });
		throw err;
	}
}

/**
 * PostgreSQL (DATABASE_URL set): the database must answer and be empty (unless `force`), checked
 * before anything is read; the archive is extracted into `<dataDir>.restoring` and verified
 * against its manifest exactly as for SQLite; only then is the dump restored with `pg_restore`
 * in one transaction (a failure leaves the database as it was) and its row counts checked. The
 * stored files go into `filesDir` (default `<dataDir>/files`), which may already hold files — a shared FILES_DIR:
 * they are content-addressed, so a file already there under its name is the same file and is
 * kept.
 */
async function restoreIntoPostgres(opts: {
	archive: string;
	dataDir: string;
	url: string;
	force?: boolean;
	filesDir?: string;
	started: number;
}): Promise<RestoreResult> {
	const target = opts.dataDir;
	const filesDir = path.resolve(opts.filesDir ?? path.join(target, FILES_DIR));
	const existing = fs.statSync(target, { throwIfNoEntry: false });
	if (existing && !existing.isDirectory())
		throw new BackupError(`${target} exists and is not a directory`, true);
	await asBackupError(checkRestoreTarget(opts.url, opts.force === true));
	const staging = `${target}.restoring`;
	await fsp.rm(staging, { recursive: true, force: true });
	await fsp.mkdir(path.dirname(target), { recursive: true });
	await fsp.mkdir(staging);
	try {
		const manifest = await extractVerified(opts.archive, staging);
		if (manifest.database.engine !== 'postgres')
			throw new BackupError(
				'this archive holds a SQLite database: unset DATABASE_URL to restore it into --data-dir (then `npm run db:copy` moves it to PostgreSQL)',
				true
			);
		await asBackupError(
			restorePostgres({
				url: opts.url,
				dump: path.join(staging, PG_DUMP_MEMBER),
				force: opts.force === true,
				dumpMajor: manifest.database.dumpMajor,
				counts: manifest.counts
			})
		);
		const from = path.join(staging, FILES_DIR);
		if (fs.existsSync(from))
			for (const d of await fsp.readdir(from, { recursive: true, withFileTypes: true })) {
				if (!d.isFile()) continue;
				const src = path.join(d.parentPath, d.name);
				const dest = path.join(filesDir, path.relative(from, src));
				if (fs.existsSync(dest)) continue;
				await fsp.mkdir(path.dirname(dest), { recursive: true });
				await fsp.rename(src, dest);
				if (existing && process.getuid?.() === 0)
					await fsp.chown(dest, existing.uid, existing.gid).catch(() => {});
			}
		return {
			dataDir: target,
			manifest,
			replaced: opts.force === true,
			seconds: (performance.now() - opts.started) / 1000
		};
	} finally {
		await fsp.rm(staging, { recursive: true, force: true });
	}
}
