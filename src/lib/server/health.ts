import fs from 'node:fs';
import { sql } from 'kysely';
import { config } from './config.ts';
import { getDb, poolStats, type PoolStats } from './db/index.ts';
import { isCoordinator } from './db/coordinator.ts';
import { dialectName, type DialectName } from './db/dialect.ts';
import { pendingMigrations } from './db/migrate.ts';
import { appVersion } from './paths.ts';
import { isStaff, type Viewer } from './access.ts';
import { isStopping } from './lifecycle.ts';
import * as search from './search/index.ts';
import * as pdf from './pdf/pool.ts';
import { overview } from './catalog/stats.ts';
import type { Snapshot } from './metrics.ts';

/**
 * What operators and their monitors ask: readiness (/readyz), the state behind the metrics
 * (/metrics) and who may read them. Liveness (/healthz) needs none of this: a process that
 * answers is alive.
 */

export interface Check {
	status: 'ok' | 'failing';
	[detail: string]: unknown;
}

/** The engine this instance runs on and, on PostgreSQL, its connection pool (null on SQLite). */
export interface DatabaseInfo {
	engine: DialectName;
	pool: PoolStats | null;
	/**
	 * Whether this process runs the once-per-library duties (db/coordinator.ts): one process of
	 * all servers on PostgreSQL, the leader on SQLite.
	 */
	coordinator: boolean;
}

export interface Readiness {
	ready: boolean;
	checks: { database: Check; migrations: Check; search: Check; server: Check };
	database: DatabaseInfo;
}

/**
 * How long the readiness check waits for the database. A query that waits longer — PostgreSQL
 * unreachable or hung, or every pooled connection taken with more queries queued — means requests
 * would wait as long: the load balancer should send them to another server meanwhile.
 */
export const DATABASE_CHECK_TIMEOUT_MS = 2000;

/** `work`, or a rejection once `ms` have passed (the work itself is not cancelled). */
async function within<T>(ms: number, work: Promise<T>, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
	});
	try {
		return await Promise.race([work, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

/**
 * Is this instance ready to serve? The database answers `select 1` within
 * DATABASE_CHECK_TIMEOUT_MS, every migration this release knows is applied, a search index is
 * loaded (a rebuild in progress still serves from the previous one), and the server is not
 * shutting down. Also says which engine serves and, on PostgreSQL, how busy the pool is.
 */
export async function readiness(): Promise<Readiness> {
	const database: Check = { status: 'ok' };
	const migrations: Check = { status: 'ok' };
	try {
		const started = performance.now();
		const pending = await within(
			DATABASE_CHECK_TIMEOUT_MS,
			(async () => {
				const db = await getDb();
				await sql`select 1`.execute(db);
				database.ms = Math.round(performance.now() - started);
				return pendingMigrations(db);
			})(),
			'the database'
		);
		if (pending.length) Object.assign(migrations, { status: 'failing', pending });
	} catch (err) {
		Object.assign(database, { status: 'failing', error: (err as Error).message });
		Object.assign(migrations, { status: 'failing', error: 'database unavailable' });
	}
	const index = search.status();
	const loaded = index.status === 'ready' || index.status === 'rebuilding';
	const searchCheck: Check = {
		status: loaded ? 'ok' : 'failing',
		state: index.status,
		docs: index.docs,
		builtAt: index.builtAt,
		...(index.error ? { error: index.error } : {})
	};
	const server: Check = isStopping()
		? { status: 'failing', state: 'stopping' }
		: { status: 'ok', state: 'running' };
	const checks = { database, migrations, search: searchCheck, server };
	return {
		ready: Object.values(checks).every((c) => c.status === 'ok'),
		checks,
		database: { engine: dialectName(), pool: poolStats(), coordinator: isCoordinator() }
	};
}

/** Who may read /metrics (env METRICS_ALLOW): any combination of these, or `any` / `off`. */
export type MetricsAllow = 'localhost' | 'staff' | 'any' | 'off';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * The access rule of /metrics. `localhost` admits callers on the loopback interface — but not a
 * request that carries forwarding headers, which came through a reverse proxy on this host and
 * may be anyone's; `staff` admits librarians and admins (session or bearer token).
 */
export function mayReadMetrics(
	allow: ReadonlySet<MetricsAllow>,
	caller: { address: string | null; forwarded: boolean; viewer: Viewer }
): boolean {
	if (allow.has('off')) return false;
	if (allow.has('any')) return true;
	if (
		allow.has('localhost') &&
		!caller.forwarded &&
		caller.address !== null &&
		LOOPBACK.test(caller.address)
	)
		return true;
	return allow.has('staff') && isStaff(caller.viewer);
}

/** The scrape-time state for `metrics.render`. */
export async function metricsSnapshot(): Promise<Snapshot> {
	const catalog = await overview(await getDb());
	const index = search.status();
	const pool = pdf.stats();
	let freeBytes: number | null = null;
	try {
		const s = fs.statfsSync(config.dataDir);
		freeBytes = s.bavail * s.bsize;
	} catch {
		// unknown on this platform: the gauge shows NaN
	}
	return {
		version: appVersion(),
		pdf: { queued: pool.queued, busy: pool.busy, size: pool.size },
		search: {
			builtAt: index.builtAt,
			lastBuildMs: index.lastBuildMs,
			docs: index.docs,
			building: index.status === 'building' || index.status === 'rebuilding'
		},
		catalog: { byStatus: catalog.byStatus, files: catalog.files, items: catalog.items },
		freeBytes,
		databasePool: poolStats(),
		coordinator: isCoordinator()
	};
}
