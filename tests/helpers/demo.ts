import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
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

/** A private copy of the seeded demo data for a test that changes things. */
export function copyDemoData(): string {
	const dir = path.join(TEST_DIR, 'tmp', crypto.randomUUID());
	fs.mkdirSync(path.dirname(dir), { recursive: true });
	fs.cpSync(ensureDemoSeed(), dir, { recursive: true });
	return dir;
}

/** A fresh empty data directory. */
export function emptyDataDir(): string {
	const dir = path.join(TEST_DIR, 'tmp', crypto.randomUUID());
	fs.mkdirSync(dir, { recursive: true });
	return dir;
}
