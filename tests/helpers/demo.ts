import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { postgresBin } from '../../scripts/lib/postgres-bin.js';
import { DEMO_PASSWORD, DEMO_SEED_DIR, ROOT, TEST_DIR } from './env.ts';

/**
 * Seeds the demo catalog once per test run into DEMO_SEED_DIR with the real seeding script
 * (the same one `npm run demo` uses). Safe to call from several global setups.
 */
export function ensureDemoSeed(): string {
	const marker = path.join(DEMO_SEED_DIR, '.complete');
	const version = seedSourcesHash();
	// `npm test` starts from a fresh seed; a direct `vitest run` reuses the last one, unless the
	// demo catalog, the seeding script or a migration changed since (a stale seed would make a
	// test fail for data it was never given).
	if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === version) return DEMO_SEED_DIR;
	fs.rmSync(DEMO_SEED_DIR, { recursive: true, force: true });
	const r = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/seed-demo.ts'], {
		cwd: ROOT,
		// Without the demo's year of history: tests count loans and views from a known start
		// (tests/server/statistics.test.ts adds the history itself where it wants it).
		env: {
			...process.env,
			DATA_DIR: DEMO_SEED_DIR,
			DEMO_PASSWORD,
			DEMO_HISTORY: '0',
			LOG_LEVEL: 'warn'
		},
		encoding: 'utf8'
	});
	if (r.status !== 0) throw new Error(`seeding the demo catalog failed:\n${r.stdout}\n${r.stderr}`);
	fs.writeFileSync(marker, version);
	return DEMO_SEED_DIR;
}

/** A hash of everything the seeded demo data is made from. */
function seedSourcesHash(): string {
	const hash = crypto.createHash('sha256');
	const files = [
		'scripts/seed-demo.ts',
		...['scripts/demo', 'db/migrations'].flatMap((dir) =>
			fs
				.readdirSync(path.join(ROOT, dir))
				.sort()
				.map((f) => path.join(dir, f))
		)
	];
	for (const f of files) hash.update(f).update(fs.readFileSync(path.join(ROOT, f)));
	return hash.digest('hex');
}

/**
 * The engine this test file runs on: `postgres` in the `server-pg` project (whose global setup,
 * tests/server/pg-global-setup.ts, provides the demo template), else `sqlite`.
 */
export function testEngine(): 'sqlite' | 'postgres' {
	return pgDemo() ? 'postgres' : 'sqlite';
}

function pgDemo() {
	// `inject` answers only inside a Vitest worker; scripts that import this module get SQLite.
	try {
		return inject('postgresDemo');
	} catch {
		return undefined;
	}
}

/** The database URL of each data directory this process made on PostgreSQL (see startServer). */
const databases = new Map<string, string>();

/** The `DATABASE_URL` a data directory's library lives in; undefined for SQLite. */
export function databaseUrlOf(dataDir: string): string | undefined {
	return databases.get(path.resolve(dataDir));
}

/**
 * The environment a CLI (`npm run import`, `user`, …) needs to work on a test's library:
 * `DATA_DIR`, and `DATABASE_URL` when the library lives in PostgreSQL.
 */
export function libraryEnv(dataDir: string): { DATA_DIR: string; DATABASE_URL: string } {
	return { DATA_DIR: dataDir, DATABASE_URL: databaseUrlOf(dataDir) ?? '' };
}

/**
 * A new PostgreSQL database on the run's server: a copy of the demo template, or empty. Sync
 * (`createdb`) so `copyDemoData()` keeps its signature for the suites of both passes.
 */
function createDatabase(template?: string): string {
	const pg = pgDemo()!;
	const name = `t_${crypto.randomUUID().replace(/-/g, '')}`;
	const args = ['-h', '127.0.0.1', '-p', String(pg.port), '-U', 'postgres'];
	if (template) args.push('-T', template);
	const r = spawnSync(path.join(postgresBin()!, 'createdb'), [...args, name], {
		encoding: 'utf8'
	});
	if (r.status !== 0) throw new Error(`createdb ${name} failed: ${r.stderr}`);
	return `postgres://postgres@127.0.0.1:${pg.port}/${name}`;
}

/**
 * A private copy of the seeded demo data for a test that changes things. On PostgreSQL (the
 * `server-pg` project) also a private database copied from the demo template, which
 * `startServer` and `openLibraryDb` find by the directory (`databaseUrlOf`).
 */
export function copyDemoData(): string {
	const dir = path.join(TEST_DIR, 'tmp', crypto.randomUUID());
	fs.mkdirSync(path.dirname(dir), { recursive: true });
	const pg = pgDemo();
	fs.cpSync(pg ? pg.dataDir : ensureDemoSeed(), dir, { recursive: true });
	if (pg) databases.set(path.resolve(dir), createDatabase(pg.template));
	return dir;
}

/**
 * A fresh empty library: an empty data directory, and on PostgreSQL an empty database (the server
 * or `migrateToLatest` migrates it) known to `startServer` and `openLibraryDb`.
 */
export function emptyLibrary(): string {
	const dir = emptyDataDir();
	if (pgDemo()) databases.set(path.resolve(dir), createDatabase());
	return dir;
}

/** A fresh empty data directory. */
export function emptyDataDir(): string {
	const dir = path.join(TEST_DIR, 'tmp', crypto.randomUUID());
	fs.mkdirSync(dir, { recursive: true });
	return dir;
}
