// `npm run db:migrate`: applies pending migrations to the configured database (PostgreSQL when
// DATABASE_URL is set, else DATA_DIR's SQLite file) and lists them.
import { openConfigured } from '../src/lib/server/db/index.ts';
import { migrateToLatest } from '../src/lib/server/db/migrate.ts';
import { databaseUrl } from '../src/lib/server/db/dialect.ts';
import { config } from '../src/lib/server/config.ts';

const url = databaseUrl();
const where = url ? url.replace(/\/\/[^@/]*@/, '//…@') : config.databaseFile;
const db = openConfigured();
try {
	const result = await migrateToLatest(db);
	const applied = result.results ?? [];
	if (applied.length === 0) console.log(`${where}: already up to date`);
	for (const r of applied) console.log(`${r.migrationName}: ${r.status}`);
} catch (err) {
	console.error(String((err as Error).message));
	process.exitCode = 1;
} finally {
	await db.destroy();
}
