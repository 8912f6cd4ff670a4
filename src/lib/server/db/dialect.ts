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
 * `value LIKE pattern ESCAPE '\'`, ignoring case the way SQLite's LIKE does (ASCII letters):
 * PostgreSQL's LIKE is case-sensitive, so there it is ILIKE.
 */
export function likeIgnoringCase(
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	db: Kysely<any>,
	value: Expression<unknown>,
	pattern: string
): RawBuilder<boolean> {
	return dialectOf(db) === 'postgres'
		? sql<boolean>`${value} ilike ${pattern} escape '\\'`
		: sql<boolean>`${value} like ${pattern} escape '\\'`;
}

/**
 * An ORDER BY key that sorts text ignoring case: SQLite's `COLLATE NOCASE`; PostgreSQL has no
 * such collation by default, so `lower(value)` there.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function caseless(db: Kysely<any>, value: Expression<unknown>): RawBuilder<string> {
	return dialectOf(db) === 'postgres'
		? sql<string>`lower(${value})`
		: sql<string>`${value} collate nocase`;
}
