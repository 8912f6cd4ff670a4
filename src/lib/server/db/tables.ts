// What tables a database holds and how to read and write them wholesale, on either engine —
// for the operations tools that move or check a whole library (`npm run db:copy`, backups;
// issue #16). Everything that asks an engine's catalog (sqlite_master, information_schema) or
// needs an engine's own statement (cursors, trigger switches, sequences) is here, so the tools
// themselves stay dialect-neutral.
import { sql, type Kysely } from 'kysely';
import { dialectOf } from './dialect.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** One ordinary table of the application's schema. */
export interface TableInfo {
	name: string;
	/** Column names in table order. */
	columns: string[];
	/** Primary-key columns in key order (empty when the table has none). */
	primaryKey: string[];
	/** Columns holding text: ordered by their bytes on PostgreSQL, as SQLite's BINARY does. */
	textColumns: string[];
	/** Tables this one's foreign keys point to (itself left out). */
	references: string[];
	/** The column a sequence fills (SQLite `autoincrement`, PostgreSQL identity), if any. */
	identity: string | null;
}

/** Kysely's own bookkeeping (the migration journal and its lock): never data. */
function isMigrationTable(name: string): boolean {
	return name.startsWith('kysely_');
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * The ordinary tables of the database, by name. Left out: Kysely's migration journal, SQLite's
 * internal tables, and SQLite's full-text (FTS5) virtual tables with the shadow tables behind
 * them — an engine's index structures, not rows of the library.
 */
export async function listTables(db: AnyDb): Promise<TableInfo[]> {
	return dialectOf(db) === 'postgres' ? listPostgres(db) : listSqlite(db);
}

async function listSqlite(db: AnyDb): Promise<TableInfo[]> {
	const { rows } = await sql<{ name: string; sql: string | null }>`
		select name, sql from sqlite_master where type = 'table' and name not like 'sqlite_%'
		order by name`.execute(db);
	const virtual = rows.filter((t) => /^create virtual/i.test(t.sql ?? '')).map((t) => t.name);
	const out: TableInfo[] = [];
	for (const t of rows) {
		if (isMigrationTable(t.name) || virtual.includes(t.name)) continue;
		if (virtual.some((v) => t.name.startsWith(`${v}_`))) continue;
		const cols = (
			await sql<{ name: string; type: string; pk: number }>`
				select name, type, pk from pragma_table_info(${t.name}) order by cid`.execute(db)
		).rows;
		const fks = (
			await sql<{ table: string }>`select "table" from pragma_foreign_key_list(${t.name})`.execute(
				db
			)
		).rows;
		const primaryKey = cols
			.filter((c) => c.pk > 0)
			.sort((a, b) => a.pk - b.pk)
			.map((c) => c.name);
		out.push({
			name: t.name,
			columns: cols.map((c) => c.name),
			primaryKey,
			textColumns: cols.filter((c) => /char|clob|text/i.test(c.type)).map((c) => c.name),
			references: [...new Set(fks.map((f) => f.table))].filter((r) => r !== t.name),
			identity: /\bautoincrement\b/i.test(t.sql ?? '') ? (primaryKey[0] ?? null) : null
		});
	}
	return out;
}

async function listPostgres(db: AnyDb): Promise<TableInfo[]> {
	const tables = (
		await sql<{ name: string }>`
			select table_name as name from information_schema.tables
			where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db)
	).rows.filter((t) => !isMigrationTable(t.name));
	const cols = (
		await sql<{ tbl: string; name: string; type: string; identity: string; serial: boolean }>`
			select table_name as tbl, column_name as name, data_type as type,
				is_identity as identity, coalesce(column_default like 'nextval(%', false) as serial
			from information_schema.columns where table_schema = current_schema()
			order by table_name, ordinal_position`.execute(db)
	).rows;
	const keys = (
		await sql<{ tbl: string; name: string }>`
			select cl.relname as tbl, a.attname as name
			from pg_index i
			join pg_class cl on cl.oid = i.indrelid
			join pg_namespace n on n.oid = cl.relnamespace and n.nspname = current_schema()
			cross join lateral unnest(i.indkey::int2[]) with ordinality as k(attnum, ord)
			join pg_attribute a on a.attrelid = cl.oid and a.attnum = k.attnum
			where i.indisprimary order by cl.relname, k.ord`.execute(db)
	).rows;
	const fks = (
		await sql<{ tbl: string; target: string }>`
			select a.relname as tbl, b.relname as target
			from pg_constraint c
			join pg_class a on a.oid = c.conrelid
			join pg_class b on b.oid = c.confrelid
			join pg_namespace n on n.oid = a.relnamespace and n.nspname = current_schema()
			where c.contype = 'f'`.execute(db)
	).rows;
	return tables.map(({ name }) => {
		const own = cols.filter((c) => c.tbl === name);
		return {
			name,
			columns: own.map((c) => c.name),
			primaryKey: keys.filter((k) => k.tbl === name).map((k) => k.name),
			textColumns: own
				.filter((c) => /^(text|character varying|character)$/.test(c.type))
				.map((c) => c.name),
			references: [...new Set(fks.filter((f) => f.tbl === name).map((f) => f.target))].filter(
				(r) => r !== name
			),
			identity: own.find((c) => c.identity === 'YES' || c.serial)?.name ?? null
		};
	});
}

/**
 * The migrations applied to the database, in order — or null when it has no migration journal
 * (never migrated: an empty database, or not one of ours).
 */
export async function appliedMigrations(db: AnyDb): Promise<string[] | null> {
	const exists =
		dialectOf(db) === 'postgres'
			? sql<{ n: number }>`select count(*) as n from information_schema.tables
				where table_schema = current_schema() and table_name = 'kysely_migration'`
			: sql<{ n: number }>`select count(*) as n from sqlite_master
				where type = 'table' and name = 'kysely_migration'`;
	if (Number((await exists.execute(db)).rows[0]?.n ?? 0) === 0) return null;
	const { rows } = await sql<{
		name: string;
	}>`select name from kysely_migration order by name`.execute(db);
	return rows.map((r) => r.name);
}

/** Rows in one table. */
export async function countRows(db: AnyDb, table: string): Promise<number> {
	const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(
		db
	);
	return Number(rows[0]?.n ?? 0);
}

/**
 * Orders tables so that every table comes after the tables its foreign keys point to (ties by
 * name, so the order is the same on both engines); a cycle, which the schema does not have,
 * would be appended by name rather than loop.
 */
export function dependencyOrder(tables: TableInfo[]): TableInfo[] {
	const byName = new Map(tables.map((t) => [t.name, t]));
	const done = new Set<string>();
	const out: TableInfo[] = [];
	let progress = true;
	while (out.length < tables.length && progress) {
		progress = false;
		for (const t of [...tables].sort((a, b) => a.name.localeCompare(b.name))) {
			if (done.has(t.name)) continue;
			if (t.references.every((r) => done.has(r) || !byName.has(r))) {
				out.push(t);
				done.add(t.name);
				progress = true;
			}
		}
	}
	for (const t of tables) if (!done.has(t.name)) out.push(t);
	return out;
}

/**
 * Runs `fn` inside one read-only snapshot of the database, so every table it reads is as of the
 * same moment even while a server keeps writing: SQLite a read transaction (WAL), PostgreSQL
 * `REPEATABLE READ READ ONLY`. `fn` must use only the connection it is given.
 */
export async function readSnapshot<T>(db: AnyDb, fn: (snap: AnyDb) => Promise<T>): Promise<T> {
	const postgres = dialectOf(db) === 'postgres';
	return db.connection().execute(async (conn) => {
		await sql
			.raw(postgres ? 'begin isolation level repeatable read read only' : 'begin')
			.execute(conn);
		try {
			const result = await fn(conn);
			await sql`commit`.execute(conn);
			return result;
		} catch (err) {
			await sql`rollback`.execute(conn).catch(() => {});
			throw err;
		}
	});
}

let cursorSeq = 0;

/**
 * The rows of `table` (the named columns) in primary-key order — every column's order when it
 * has no key — in batches of about `batch` rows, streamed rather than loaded at once. Text sorts
 * by its bytes on both engines (PostgreSQL `collate "C"`, SQLite's BINARY), so two databases
 * holding the same rows yield them in the same order. PostgreSQL reads through a cursor, which
 * needs a transaction: call it inside `readSnapshot` (or a write transaction).
 */
export async function* streamRows(
	db: AnyDb,
	table: TableInfo,
	columns: string[],
	batch = 1000
): AsyncGenerator<Record<string, unknown>[]> {
	const postgres = dialectOf(db) === 'postgres';
	const keys = table.primaryKey.length > 0 ? table.primaryKey : columns;
	const order = keys
		.map((k) => (postgres && table.textColumns.includes(k) ? `${quote(k)} collate "C"` : quote(k)))
		.join(', ');
	const select = `select ${columns.map(quote).join(', ')} from ${quote(table.name)} order by ${order}`;
	if (postgres) {
		const cursor = `copy_cursor_${++cursorSeq}`;
		await sql.raw(`declare ${cursor} no scroll cursor for ${select}`).execute(db);
		try {
			for (;;) {
				const { rows } = await sql
					.raw<Record<string, unknown>>(`fetch ${batch} from ${cursor}`)
					.execute(db);
				if (rows.length === 0) break;
				yield rows;
				if (rows.length < batch) break;
			}
		} finally {
			await sql.raw(`close ${cursor}`).execute(db);
		}
		return;
	}
	// SQLite: Kysely streams a select statement row by row (better-sqlite3's iterate).
	let qb = db.selectFrom(table.name).select(columns);
	for (const k of keys) qb = qb.orderBy(k);
	let rows: Record<string, unknown>[] = [];
	for await (const row of qb.stream()) {
		rows.push(row as Record<string, unknown>);
		if (rows.length >= batch) {
			yield rows;
			rows = [];
		}
	}
	if (rows.length > 0) yield rows;
}

/**
 * Turns off the schema's own triggers on `tables` for the rest of the transaction `tx` and
 * returns the function that turns them back on (call it before committing). A wholesale copy
 * needs this: the triggers keep counters and monthly roll-ups in step with single edits, and
 * would count every copied row again on top of the copied counters. PostgreSQL: `ALTER TABLE …
 * DISABLE TRIGGER USER` (constraint triggers — foreign keys — stay on; needs the tables' owner).
 * SQLite, which cannot switch a trigger off: each trigger is dropped and created again from its
 * own recorded SQL — inside the same transaction, so nothing outside it ever sees them missing.
 */
export async function suspendTriggers(tx: AnyDb, tables: string[]): Promise<() => Promise<void>> {
	if (dialectOf(tx) === 'postgres') {
		for (const t of tables)
			await sql.raw(`alter table ${quote(t)} disable trigger user`).execute(tx);
		return async () => {
			for (const t of tables)
				await sql.raw(`alter table ${quote(t)} enable trigger user`).execute(tx);
		};
	}
	const { rows } = await sql<{ name: string; tbl: string; sql: string }>`
		select name, tbl_name as tbl, sql from sqlite_master where type = 'trigger' order by name`.execute(
		tx
	);
	const mine = rows.filter((r) => tables.includes(r.tbl));
	for (const r of mine) await sql.raw(`drop trigger ${quote(r.name)}`).execute(tx);
	return async () => {
		for (const r of mine) await sql.raw(r.sql).execute(tx);
	};
}

/**
 * The highest id the table's sequence has handed out, including ids of rows since deleted
 * (SQLite `sqlite_sequence`, a PostgreSQL identity's sequence); 0 when none, or no sequence.
 */
export async function sequenceValue(db: AnyDb, table: TableInfo): Promise<number> {
	if (!table.identity) return 0;
	if (dialectOf(db) === 'postgres') {
		const seq = (
			await sql<{
				seq: string | null;
			}>`select pg_get_serial_sequence(${quote(table.name)}, ${table.identity}) as seq`.execute(db)
		).rows[0]?.seq;
		if (!seq) return 0;
		const { rows } = await sql<{ last: number; called: boolean }>`
			select last_value as last, is_called as called from ${sql.raw(seq)}`.execute(db);
		const r = rows[0];
		return r ? (r.called ? Number(r.last) : Number(r.last) - 1) : 0;
	}
	const hasSeq = (
		await sql<{
			n: number;
		}>`select count(*) as n from sqlite_master where name = 'sqlite_sequence'`.execute(db)
	).rows[0]?.n;
	if (!hasSeq) return 0;
	const { rows } = await sql<{
		seq: number;
	}>`select seq from sqlite_sequence where name = ${table.name}`.execute(db);
	return Number(rows[0]?.seq ?? 0);
}

/**
 * Moves the table's id sequence past every id it holds and past `floor` (the source's own
 * sequence, so ids of deleted rows are not handed out again): PostgreSQL `setval` on the
 * identity's sequence, SQLite `sqlite_sequence`.
 */
export async function advanceSequence(tx: AnyDb, table: TableInfo, floor: number): Promise<void> {
	const col = table.identity;
	if (!col) return;
	if (dialectOf(tx) === 'postgres') {
		await sql`
			select setval(pg_get_serial_sequence(${quote(table.name)}, ${col}), greatest(v, 1), v > 0)
			from (select greatest(coalesce(max(${sql.ref(col)}), 0), ${floor}::bigint) as v
			      from ${sql.table(table.name)}) m`.execute(tx);
		return;
	}
	const { rows } = await sql<{ v: number | null }>`
		select max(${sql.ref(col)}) as v from ${sql.table(table.name)}`.execute(tx);
	const v = Math.max(Number(rows[0]?.v ?? 0), floor);
	if (v <= 0) return;
	const updated =
		await sql`update sqlite_sequence set seq = max(seq, ${v}) where name = ${table.name}`.execute(
			tx
		);
	if (Number(updated.numAffectedRows ?? 0) === 0)
		await sql`insert into sqlite_sequence (name, seq) values (${table.name}, ${v})`.execute(tx);
}

/** PostgreSQL: refreshes the planner's statistics after a bulk load; SQLite: nothing to do. */
export async function analyze(db: AnyDb): Promise<void> {
	if (dialectOf(db) === 'postgres') await sql`analyze`.execute(db);
}

/** The server's version (`SHOW server_version` / `sqlite_version()`), for reports. */
export async function serverVersion(db: AnyDb): Promise<string> {
	const q =
		dialectOf(db) === 'postgres'
			? sql<{ v: string }>`select current_setting('server_version') as v`
			: sql<{ v: string }>`select sqlite_version() as v`;
	return (await q.execute(db)).rows[0]?.v ?? '?';
}
