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
