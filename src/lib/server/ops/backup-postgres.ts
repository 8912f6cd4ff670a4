import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { postgresBin } from '../../../../scripts/lib/postgres-bin.js';
import { openPostgres } from '../db/index.ts';
import { appliedMigrations, countRows, listTables } from '../db/tables.ts';
import { connectionMessage, describeEndpoint, storedKeys } from './db-copy.ts';

/**
 * The PostgreSQL half of `npm run backup` / `npm run restore` (issue #16): the database goes
 * into the archive as one `pg_dump` custom-format file (`-Fc`: compressed, and `pg_restore`
 * can restore it selectively), in place of SQLite's database file. Everything else — the
 * one-archive layout, the stored files the dump's rows name, the manifest written last with
 * every member's SHA-256 — is `backup.ts`'s, shared with SQLite.
 *
 * The dump and the list of files come from ONE snapshot: a `REPEATABLE READ` transaction exports
 * its snapshot (`pg_export_snapshot()`), reads the row counts, the migration level and the file
 * keys, and `pg_dump --snapshot` dumps exactly that state while the transaction stays open. A
 * file uploaded after it is not in the archive, and no row in the dump names a file that isn't.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** The archive member that holds the PostgreSQL dump. */
export const PG_DUMP_MEMBER = 'perpustakaan.pgdump';

/** A backup/restore failure on PostgreSQL; `usage` as in BackupError (exit 2). */
export class PgToolError extends Error {
	constructor(
		message: string,
		readonly usage = false
	) {
		super(message);
		this.name = 'PgToolError';
	}
}

/**
 * The path of a PostgreSQL client tool: next to the server binaries `postgresBin()` finds (PG_BIN
 * or the newest Debian /usr/lib/postgresql/<version>/bin), else the newest client-only install
 * there, else whatever `PATH` has.
 */
export function pgTool(tool: 'pg_dump' | 'pg_restore'): string {
	const bin = postgresBin();
	if (bin && fs.existsSync(path.join(bin, tool))) return path.join(bin, tool);
	const base = '/usr/lib/postgresql';
	if (fs.existsSync(base)) {
		const found = fs
			.readdirSync(base)
			.map(Number)
			.filter((v) => Number.isInteger(v))
			.sort((a, b) => b - a)
			.map((v) => path.join(base, String(v), 'bin', tool))
			.find((f) => fs.existsSync(f));
		if (found) return found;
	}
	return tool;
}

/** A tool's version line and major number (`pg_dump (PostgreSQL) 15.18 …` → 15). */
function toolVersion(file: string, tool: string): { text: string; major: number } {
	const r = spawnSync(file, ['--version'], { encoding: 'utf8' });
	if (r.error || r.status !== 0)
		throw new PgToolError(
			`${tool} not found (${file}): install the PostgreSQL client tools of the server's version or newer (Debian: apt-get install postgresql-client), or set PG_BIN to their directory`
		);
	const text = r.stdout.trim();
	const major = Number(/\)\s*(\d+)/.exec(text)?.[1] ?? /(\d+)/.exec(text)?.[1] ?? 0);
	return { text, major };
}

/**
 * Command-line connection arguments for a URL, with the password moved to PGPASSWORD: a password
 * on the command line would show in every `ps` listing on the machine.
 */
function connectionArgs(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
	const u = new URL(url);
	const env: NodeJS.ProcessEnv = { ...process.env };
	if (u.password) {
		env.PGPASSWORD = decodeURIComponent(u.password);
		u.password = '';
	}
	return { dbname: u.toString(), env };
}

/** Runs a tool to the end; resolves with its exit code and what it printed on stderr. */
function run(
	file: string,
	args: string[],
	env: NodeJS.ProcessEnv
): Promise<{ code: number | null; stderr: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(file, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
		let stderr = '';
		child.stderr.on('data', (d) => (stderr += String(d)));
		child.once('error', reject);
		child.once('close', (code) => resolve({ code, stderr }));
	});
}

/** Opens the database and proves the connection, with a message an operator can act on. */
async function connect(url: string): Promise<AnyDb> {
	const db = openPostgres(url);
	try {
		await sql`select 1`.execute(db);
	} catch (err) {
		await db.destroy().catch(() => {});
		throw new PgToolError(
			connectionMessage(describeEndpoint({ kind: 'postgres', url }), err),
			true
		);
	}
	return db;
}

/** Row counts of every table (Kysely's migration journal left out). */
async function tableCounts(db: AnyDb): Promise<Record<string, number>> {
	const out: Record<string, number> = {};
	for (const t of await listTables(db)) out[t.name] = await countRows(db, t.name);
	return out;
}

export interface PgSnapshot {
	counts: Record<string, number>;
	migrations: string[];
	/** The server's version (`server_version`). */
	serverVersion: string;
	/** The pg_dump that wrote the dump (its `--version` line). */
	dumpTool: string;
	dumpMajor: number;
	/** Stored files the snapshot's rows name. */
	keys: string[];
	snapshotSeconds: number;
}

/**
 * Dumps the database at `url` into `file` (custom format) from one exported snapshot, and
 * returns what that snapshot holds. A pg_dump older than the server is refused up front with the
 * package to install (pg_dump cannot dump a newer server).
 */
export async function dumpPostgres(url: string, file: string): Promise<PgSnapshot> {
	const tool = pgTool('pg_dump');
	const version = toolVersion(tool, 'pg_dump');
	const db = await connect(url);
	try {
		return await db.connection().execute(async (conn) => {
			await sql`begin isolation level repeatable read read only`.execute(conn);
			try {
				const started = performance.now();
				const { rows } = await sql<{ id: string; v: string; num: number }>`
					select pg_export_snapshot() as id, current_setting('server_version') as v,
						current_setting('server_version_num')::int as num`.execute(conn);
				const { id, v, num } = rows[0];
				const serverMajor = Math.floor(num / 10000);
				if (version.major < serverMajor)
					throw new PgToolError(
						`${version.text} cannot dump a PostgreSQL ${v} server: install the client tools of version ${serverMajor} or newer (Debian: postgresql-client-${serverMajor}) or set PG_BIN to their directory`
					);
				const migrations = (await appliedMigrations(conn)) ?? [];
				if (migrations.length === 0)
					throw new PgToolError(
						`${describeEndpoint({ kind: 'postgres', url })} holds no Perpustakaan DJKN library (never migrated)`,
						true
					);
				const counts = await tableCounts(conn);
				const keys = await storedKeys(conn);
				const { dbname, env } = connectionArgs(url);
				const r = await run(
					tool,
					['--format=custom', `--snapshot=${id}`, `--file=${file}`, `--dbname=${dbname}`],
					env
				);
				if (r.code !== 0)
					throw new PgToolError(
						/version mismatch/i.test(r.stderr)
							? `${version.text} does not match the server (PostgreSQL ${v}): install postgresql-client-${serverMajor} or set PG_BIN — ${r.stderr.trim()}`
							: `pg_dump failed (exit ${r.code}): ${r.stderr.trim()}`
					);
				await sql`commit`.execute(conn);
				return {
					counts,
					migrations,
					serverVersion: v,
					dumpTool: version.text,
					dumpMajor: version.major,
					keys,
					snapshotSeconds: (performance.now() - started) / 1000
				};
			} catch (err) {
				await sql`rollback`.execute(conn).catch(() => {});
				throw err;
			}
		});
	} finally {
		await db.destroy();
	}
}

/**
 * Checks, before anything is extracted, that the database at `url` can be restored into: it
 * answers, and it is empty (no table, view or sequence in its schema) unless `force`.
 */
export async function checkRestoreTarget(url: string, force: boolean): Promise<void> {
	const db = await connect(url);
	try {
		const { rows } = await sql<{ n: number }>`
			select count(*) as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
			where n.nspname = current_schema() and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')`.execute(db);
		if (Number(rows[0]?.n ?? 0) > 0 && !force)
			throw new PgToolError(
				`${describeEndpoint({ kind: 'postgres', url })} is not empty; restore into an empty database (createdb), or add --force to replace what the archive holds`,
				true
			);
	} finally {
		await db.destroy();
	}
}

/**
 * Restores a verified dump into the database at `url` with `pg_restore`, in one transaction
 * (`--single-transaction`: a failure leaves the database as it was), objects owned by the
 * connecting user (`--no-owner --no-privileges`: a library moved to another server need not have
 * the same roles). `force` drops the archive's objects first (`--clean --if-exists`). Then checks
 * the restored row counts against the manifest's.
 */
export async function restorePostgres(opts: {
	url: string;
	dump: string;
	force: boolean;
	dumpMajor?: number;
	counts: Record<string, number>;
}): Promise<void> {
	const tool = pgTool('pg_restore');
	const version = toolVersion(tool, 'pg_restore');
	if (opts.dumpMajor && version.major < opts.dumpMajor)
		throw new PgToolError(
			`${version.text} cannot read a dump written by pg_dump ${opts.dumpMajor}: install postgresql-client-${opts.dumpMajor} or newer, or set PG_BIN`
		);
	const { dbname, env } = connectionArgs(opts.url);
	const args = [
		'--single-transaction',
		'--exit-on-error',
		'--no-owner',
		'--no-privileges',
		...(opts.force ? ['--clean', '--if-exists'] : []),
		`--dbname=${dbname}`,
		opts.dump
	];
	const r = await run(tool, args, env);
	if (r.code !== 0)
		throw new PgToolError(
			`pg_restore failed (exit ${r.code}); the database is as it was: ${r.stderr.trim()}`
		);
	const db = await connect(opts.url);
	try {
		const counts = await tableCounts(db);
		for (const [table, n] of Object.entries(opts.counts))
			if (counts[table] !== n)
				throw new PgToolError(
					`the restored database holds ${counts[table] ?? 0} rows in ${table}, the manifest says ${n}`
				);
	} finally {
		await db.destroy();
	}
}
