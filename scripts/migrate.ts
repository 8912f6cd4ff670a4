// `npm run db:migrate`: applies pending migrations to DATA_DIR's database and lists them.
import { openDatabase } from '../src/lib/server/db/index.ts';
import { migrateToLatest } from '../src/lib/server/db/migrate.ts';
import { config } from '../src/lib/server/config.ts';

const db = openDatabase(config.databaseFile);
try {
	const result = await migrateToLatest(db);
	const applied = result.results ?? [];
	if (applied.length === 0) console.log(`${config.databaseFile}: already up to date`);
	for (const r of applied) console.log(`${r.migrationName}: ${r.status}`);
} catch (err) {
	console.error(String((err as Error).message));
	process.exitCode = 1;
} finally {
	await db.destroy();
}
