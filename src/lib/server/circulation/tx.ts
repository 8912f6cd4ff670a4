import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { DomainError } from '../errors.ts';

/**
 * Runs `fn` in one `BEGIN IMMEDIATE` transaction. Kysely's `transaction()` issues a deferred
 * BEGIN: two processes could both read "one copy left" and then both write. IMMEDIATE takes the
 * database's write lock before the first read, so every check-then-write in circulation is
 * serialised across connections and processes (waiting up to the connection's busy_timeout).
 * Within one process Kysely's single SQLite connection already runs these one at a time.
 */
export async function immediate<T>(
	db: Kysely<Database>,
	fn: (tx: Kysely<Database>) => Promise<T>
): Promise<T> {
	return db.connection().execute(async (conn) => {
		await sql`begin immediate`.execute(conn);
		try {
			const result = await fn(conn);
			await sql`commit`.execute(conn);
			return result;
		} catch (err) {
			await sql`rollback`.execute(conn);
			throw err;
		}
	});
}

/** A circulation rule refused the action (409 with a stable code and a translated message). */
export function refused(
	code: string,
	params: Record<string, string | number> = {},
	status = 409
): DomainError {
	return new DomainError(status, code, `circ.error.${code}`, params);
}
