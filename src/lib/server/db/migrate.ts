import { Migrator, PostgresAdapter, type Kysely, type MigrationResultSet } from 'kysely';
import { migrations } from '../../../../db/migrations/index.ts';
import { writeTransaction } from './write.js';

/**
 * Applies every pending migration in one `BEGIN IMMEDIATE` transaction (SQLite's DDL is
 * transactional, but Kysely's SQLite adapter runs migrations without one): a server and a CLI
 * starting together apply them once, one after the other, and a failing migration leaves the
 * database exactly as it was. Throws with the failing migration's name.
 * PostgreSQL (DDL is transactional there too): the same one transaction through the same write
 * helper, which takes the write lock (`pg_advisory_xact_lock`) before anything is read — so of
 * two servers starting at once the second waits, then reads the first one's committed migration
 * table (READ COMMITTED) and finds nothing pending. Kysely's own per-run transaction is turned
 * off there (`disableTransactions`): it would open a second BEGIN inside ours.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
	return writeTransaction(db, async (tx) => {
		const migrator = new Migrator({
			db: tx,
			provider: { getMigrations: async () => migrations },
			disableTransactions: tx.getExecutor().adapter instanceof PostgresAdapter
		});
		const result = await migrator.migrateToLatest();
		if (result.error) {
			const failed = result.results?.find((r) => r.status === 'Error')?.migrationName;
			throw new Error(`migration ${failed ?? '?'} failed: ${String(result.error)}`, {
				cause: result.error
			});
		}
		return result;
	});
}

/**
 * Migrations this release knows but the database has not applied (readiness: empty when the
 * schema is current).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
	const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
	return (await migrator.getMigrations()).filter((m) => !m.executedAt).map((m) => m.name);
}
