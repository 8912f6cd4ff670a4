// Which database engine the application runs on, and the few SQL fragments that must be spelled
// differently on each (issue #16). This folder and the text-engine implementations are the only
// places that may branch on the engine: domain modules call the helpers below and stay neutral.
import { PostgresAdapter, sql, type Expression, type Kysely, type RawBuilder } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

/**
 * The PostgreSQL connection string when `DATABASE_URL` is set to a `postgres://` or
 * `postgresql://` URL, else null (SQLite under DATA_DIR, as always). Any other value is refused
 * at start rather than silently falling back to SQLite: a typo must not split one library in two.
 */
export function databaseUrl(): string | null {
	const raw = process.env.DATABASE_URL?.trim();
	if (!raw) return null;
	if (/^postgres(ql)?:\/\//i.test(raw)) return raw;
	throw new Error(
		`DATABASE_URL must be a postgres:// or postgresql:// URL (or unset for SQLite), got "${raw.replace(/\/\/[^@/]*@/, '//…@')}"`
	);
}

/** The engine this process is configured for: `postgres` when DATABASE_URL is set, else `sqlite`. */
export function dialectName(): DialectName {
	return databaseUrl() ? 'postgres' : 'sqlite';
}

/**
 * The engine behind one Kysely instance (or a transaction or connection handed out by it). Tests
 * run both engines in one process, so helpers ask the instance rather than the environment.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function dialectOf(db: Kysely<any>): DialectName {
	return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * `value LIKE pattern ESCAPE '\'`, ignoring case, on both engines: SQLite's LIKE ignores the case
 * of ASCII letters, PostgreSQL's does not. `lower()` on both sides gives SQLite the same answers
 * as its LIKE did (its lower() folds ASCII only, as its LIKE) and PostgreSQL the same rule, with
 * Unicode folding on top — no branch on the engine needed.
 */
export function likeIgnoringCase(value: Expression<unknown>, pattern: string): RawBuilder<boolean> {
	return sql<boolean>`lower(${value}) like lower(${pattern}) escape '\\'`;
}

/**
 * An ORDER BY key that sorts text ignoring case on both engines: `lower(value)`, which orders as
 * SQLite's `COLLATE NOCASE` did (both fold ASCII letters only there); PostgreSQL has no NOCASE.
 */
export function caseless(value: Expression<unknown>): RawBuilder<string> {
	return sql<string>`lower(${value})`;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/**
 * The month (`YYYY-MM`) of a stored UTC instant (ISO-8601 text) in a fixed time zone `hours`
 * ahead of UTC — the library's months are Jakarta's (UTC+7). SQLite: `strftime` with a modifier;
 * PostgreSQL: the text read as a `timestamptz`, shifted, formatted by `to_char`.
 */
export function monthAt(db: AnyDb, value: Expression<unknown>, hours: number): RawBuilder<string> {
	const h = Math.trunc(hours);
	return dialectOf(db) === 'postgres'
		? sql<string>`to_char((${value})::timestamptz at time zone 'UTC' + interval '${sql.raw(String(h))} hours', 'YYYY-MM')`
		: sql<string>`strftime('%Y-%m', ${value}, '${sql.raw(`${h >= 0 ? '+' : ''}${h} hours`)}')`;
}

/**
 * The right-hand side of `x in (…)` for a list of integer ids passed as ONE parameter however
 * long it is (SQLite limits a statement's parameters): SQLite `json_each` over a JSON array,
 * PostgreSQL `unnest` over an integer array.
 */
export function integerList(db: AnyDb, ids: readonly number[]): RawBuilder<number> {
	return dialectOf(db) === 'postgres'
		? sql<number>`(select unnest(${[...ids]}::integer[]))`
		: sql<number>`(select value from json_each(${JSON.stringify(ids)}))`;
}

/** The character with this code point (`char(n)` on SQLite, `chr(n)` on PostgreSQL). */
export function charCode(db: AnyDb, code: number): RawBuilder<string> {
	const n = sql.raw(String(Math.trunc(code)));
	return dialectOf(db) === 'postgres' ? sql<string>`chr(${n})` : sql<string>`char(${n})`;
}

/**
 * Where `needle` first occurs in `haystack`, 1-based, 0 when it does not (`instr` on SQLite,
 * `strpos` on PostgreSQL — the same answer).
 */
export function positionOf(
	db: AnyDb,
	haystack: Expression<unknown>,
	needle: Expression<unknown>
): RawBuilder<number> {
	return dialectOf(db) === 'postgres'
		? sql<number>`strpos(${haystack}, ${needle})`
		: sql<number>`instr(${haystack}, ${needle})`;
}
