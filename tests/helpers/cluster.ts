import { openPostgres, type Db } from '../../src/lib/server/db/index.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import { emptyDataDir } from './demo.ts';
import { startPostgres, type PgServer } from './pg-server.ts';
import { startServer, type RunningServer } from './server.ts';

/**
 * Several built servers over one library (#16's deployment): a real PostgreSQL started for the
 * test, one database migrated before any server starts (as an upgrade runs `npm run db:migrate`
 * first), and N servers (`node scripts/start.js`, each its own process on its own port), each
 * with `DATABASE_URL` to that database and a DATA_DIR of its own.
 *
 * The stored files are shared as a deployment shares them: every server gets the same
 * `FILES_DIR` (the store, with the uploads in progress and staged beside it in `FILES_DIR/tmp`).
 */
export interface Cluster {
	pg: PgServer;
	/** The one database's URL. */
	databaseUrl: string;
	/** The shared file store, every server's `FILES_DIR`. */
	filesDir: string;
	/** A Kysely connection of the test's own, for setting up accounts and checking rows. */
	db: Db;
	servers: RunningServer[];
	/**
	 * Stops server `i` and starts it again on its DATA_DIR (a rolling upgrade); resolves once it
	 * answers /healthz (its start-up work may still be running: see its "ready" log line).
	 */
	restart(i: number): Promise<RunningServer>;
	stop(): Promise<void>;
}

/**
 * Server `i`'s DATABASE_URL: the one database, with its connections named `server-<i>` in
 * `pg_stat_activity` (and `pg_locks` through it), so a test can tell whose query waits.
 */
export function serverDatabaseUrl(databaseUrl: string, i: number): string {
	return `${databaseUrl}?application_name=server-${i}`;
}

/**
 * Starts PostgreSQL, migrates a fresh database, runs `prepare` on it (accounts through the domain
 * modules), then starts `count` servers at once and waits until every one answers /readyz 200.
 */
export async function startCluster(
	count: number,
	prepare: (db: Db) => Promise<void> = async () => {},
	env: Record<string, string> = {}
): Promise<Cluster> {
	const pg = await startPostgres();
	const servers: RunningServer[] = [];
	let db: Db | undefined;
	const stop = async () => {
		await Promise.all(servers.map((s) => s.stop()));
		await db?.destroy();
		await pg.stop();
	};
	try {
		const databaseUrl = await pg.createDatabase('cluster');
		db = openPostgres(databaseUrl);
		await migrateToLatest(db);
		await prepare(db);
		const filesDir = emptyDataDir();
		const dataDirs = Array.from({ length: count }, () => emptyDataDir());
		const start = (i: number) =>
			startServer(dataDirs[i], {
				DATABASE_URL: serverDatabaseUrl(databaseUrl, i),
				FILES_DIR: filesDir,
				...env
			});
		servers.push(...(await Promise.all(dataDirs.map((_, i) => start(i)))));
		await Promise.all(servers.map(ready));
		const restart = async (i: number) => {
			await servers[i].stop();
			servers[i] = await start(i);
			return servers[i];
		};
		return { pg, databaseUrl, filesDir, db, servers, restart, stop };
	} catch (err) {
		await stop();
		throw err;
	}
}

/** Waits until a server says it is ready (migrated, search index loaded or built). */
async function ready(server: RunningServer): Promise<void> {
	const deadline = Date.now() + 60_000;
	while ((await fetch(`${server.url}/readyz`)).status !== 200) {
		if (Date.now() > deadline) throw new Error(`never ready:\n${server.output().slice(-3000)}`);
		await new Promise((r) => setTimeout(r, 200));
	}
}
