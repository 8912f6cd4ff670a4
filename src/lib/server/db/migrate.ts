import { Migrator, type Kysely, type MigrationResultSet } from 'kysely';
import { migrations } from '../../../../db/migrations/index.ts';

/**
 * Applies every pending migration. Throws, leaving the database at the last good migration,
 * when one fails (each migration runs in its own transaction).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
	const migrator = new Migrator({
		db,
		provider: { getMigrations: async () => migrations }
	});
	const result = await migrator.migrateToLatest();
	if (result.error) {
		const failed = result.results?.find((r) => r.status === 'Error')?.migrationName;
		throw new Error(`migration ${failed ?? '?'} failed: ${String(result.error)}`, {
			cause: result.error
		});
	}
	return result;
}
