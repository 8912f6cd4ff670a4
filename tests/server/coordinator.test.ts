import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as users from '../../src/lib/server/accounts/users.ts';
import { openPostgres, type Db } from '../../src/lib/server/db/index.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import { emptyDataDir } from '../helpers/demo.ts';
import { Client } from '../helpers/http.ts';
import { startPostgres, type PgServer } from '../helpers/pg-server.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * Two built servers (`node scripts/start.js`), each with its own DATA_DIR, over one real
 * PostgreSQL database (#16): the library-wide duties run on exactly one of them (the holder of
 * the coordinator's advisory lock, db/coordinator.ts), the other takes them over when the holder
 * is killed, without putting back an import job another live process is running; and a record
 * catalogued on one server is found on the other within 5 s — told by NOTIFY (migration 0019),
 * and still by polling when notifications are off.
 */
const NIP = '199001012015011001';
const PASSWORD = 'kata-sandi-uji-2026';
const BECAME = 'coordinator: this server now runs the library-wide duties';
const GAVE_UP = 'coordinator: this server no longer runs the library-wide duties';

let pgServer: PgServer | undefined;
let db: Db | undefined;
const servers: RunningServer[] = [];

beforeAll(async () => {
	pgServer = await startPostgres();
	const url = await pgServer.createDatabase('cluster');
	db = openPostgres(url);
	await migrateToLatest(db);
	await users.create(db, {
		name: 'Pustakawan Uji',
		role: 'librarian',
		nip: NIP,
		password: PASSWORD
	});
	// One after the other, as a deployment's servers come up: the first takes the lock at its start.
	for (let i = 0; i < 2; i++)
		servers.push(await startServer(emptyDataDir(), { DATABASE_URL: url }));
}, 120_000);

afterAll(async () => {
	await Promise.all(servers.map((s) => s.stop()));
	await db?.destroy();
	await pgServer?.stop();
});

/** How many times a server logged a message (its JSON log lines). */
function logged(server: RunningServer, msg: string): number {
	return server
		.output()
		.split('\n')
		.filter((line) => line.includes(`"msg":"${msg}"`)).length;
}

/** Polls `check` every 100 ms until it holds; returns the milliseconds it took. */
async function within(ms: number, check: () => Promise<boolean> | boolean): Promise<number> {
	const started = Date.now();
	for (;;) {
		if (await check()) return Date.now() - started;
		if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

describe('two servers on one PostgreSQL database', () => {
	it('exactly one server runs the library-wide duties, and /readyz and /metrics say which', async () => {
		expect(servers.map((s) => logged(s, BECAME))).toEqual([1, 0]);
		const readyz = await Promise.all(
			servers.map(async (s) => (await (await fetch(`${s.url}/readyz`)).json()).database)
		);
		expect(readyz.map((d) => [d.engine, d.coordinator])).toEqual([
			['postgres', true],
			['postgres', false]
		]);
		const gauges = await Promise.all(
			servers.map(async (s) => {
				const text = await (await fetch(`${s.url}/metrics`)).text();
				return /^perpustakaan_coordinator (\d)$/m.exec(text)?.[1];
			})
		);
		expect(gauges).toEqual(['1', '0']);
	});

	it('a record catalogued on A is found by an anonymous search on B within 5 s (NOTIFY, then polling alone)', async () => {
		const [a, b] = servers;
		const librarian = new Client(a.url, { cookie: 'lang=en' });
		expect((await librarian.login(NIP, PASSWORD)).status).toBe(200);
		const anon = new Client(b.url, { cookie: 'lang=en' });
		const found = async (word: string) => {
			const res = await anon.fetch(`/api/v1/search?${new URLSearchParams({ q: word })}`);
			expect(res.status).toBe(200);
			return (await res.json()).total === 1;
		};
		const catalogue = async (word: string) => {
			const res = await librarian.postJson('/api/v1/publications', {
				title: `Kajian ${word}`,
				type: 'book',
				status: 'published',
				access: 'public'
			});
			expect(res.status).toBe(201);
		};

		await catalogue('zamrudkatulistiwa');
		const notified = await within(5000, () => found('zamrudkatulistiwa'));

		// Notifications off (as while B's listening connection is down): B's poll still finds it.
		await sql`alter table catalog_version disable trigger catalog_version_notify`.execute(db!);
		try {
			await catalogue('nilamcakrawala');
			const polled = await within(5000, () => found('nilamcakrawala'));
			console.log(
				`found on the other server after ${notified} ms (NOTIFY), ${polled} ms (polling)`
			);
		} finally {
			await sql`alter table catalog_version enable trigger catalog_version_notify`.execute(db!);
		}
	}, 30_000);

	it('when the coordinator dies the other server takes over, leaving a live import job alone', async () => {
		const [a, b] = servers;
		// An import job running in a process of some other server: its heartbeat stays fresh.
		const beat = () => new Date().toISOString();
		const { id } = await db!
			.insertInto('import_jobs')
			.values({
				format: 'slims',
				file_name: 'katalog.csv',
				upload_dir: 'imports/elsewhere',
				status: 'running',
				claimed_by: 'another-server-process',
				heartbeat_at: beat(),
				started_at: beat()
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		const heart = setInterval(
			() =>
				void db!
					.updateTable('import_jobs')
					.set({ heartbeat_at: beat() })
					.where('id', '=', id)
					.execute(),
			1000
		);
		try {
			await a.kill();
			const took = await within(10_000, () => logged(b, BECAME) === 1);
			console.log(`the other server took over ${took} ms after the coordinator was killed`);
			// Its take-over recovery has run (it runs before the duties' log lines end); give its
			// import runner a moment to have claimed anything it wrongly put back.
			await new Promise((r) => setTimeout(r, 1500));
			const job = await db!
				.selectFrom('import_jobs')
				.select(['status', 'claimed_by'])
				.where('id', '=', id)
				.executeTakeFirstOrThrow();
			expect(job).toEqual({ status: 'running', claimed_by: 'another-server-process' });
			expect(b.output()).not.toContain('jobs interrupted by a stop are resumed');
		} finally {
			clearInterval(heart);
		}
	}, 30_000);

	it('a lost lock connection: the coordinator gives its duties up, then takes them again; a lost listener reconnects', async () => {
		const b = servers[1];
		const terminate = (name: string) =>
			sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${name}`.execute(
				db!
			);
		await terminate('perpustakaan-coordinator');
		await within(5000, () => logged(b, GAVE_UP) === 1);
		// No other server holds the lock: B gets it back on its next attempt.
		await within(10_000, () => logged(b, BECAME) === 2);
		await terminate('perpustakaan-listener');
		await within(10_000, () => logged(b, 'notifications: listening again') === 1);
	}, 30_000);
});
