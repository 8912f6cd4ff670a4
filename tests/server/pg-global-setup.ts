import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureDemoSeed } from '../helpers/demo.ts';
import { DEMO_SEED_DIR, ROOT, TEST_DIR } from '../helpers/env.ts';
import { startPostgres, type PgServer } from '../helpers/pg-server.ts';

/**
 * The PostgreSQL pass of the server suites (project `server-pg`, issue #16): ONE real PostgreSQL
 * server for the whole run (tests/helpers/pg-server.ts), and in it the demo catalog seeded once
 * into a template database. Each test file then gets its own database, `CREATE DATABASE …
 * TEMPLATE demo` (PostgreSQL copies the template's files: no seeding, no migration, no index
 * build per file), and its own copy of the data directory that goes with it (`copyDemoData()`,
 * tests/helpers/demo.ts).
 *
 * The template is made the way an operator moves a library: `npm run db:copy` from the SQLite
 * demo seed every suite already uses (so both passes start from the same rows, ids included),
 * then `npm run reindex` with DATABASE_URL. The reindex is not optional: db:copy leaves the search
 * engine's derived tables behind, and the SQLite seed's Lunr snapshot carries the same catalog
 * fingerprint as the copy (same rows), so a server started on the copy with that snapshot would
 * adopt it and never fill PostgreSQL's text tables — full-text search would find nothing. The PG
 * data directory therefore holds the stored files of the SQLite seed and the snapshot written by
 * that reindex, not the SQLite seed's.
 */

declare module 'vitest' {
	export interface ProvidedContext {
		/** Set in the `server-pg` project only: where the demo template lives. */
		postgresDemo: {
			/** Port of the run's PostgreSQL server on 127.0.0.1 (user postgres, trust). */
			port: number;
			/** The template database holding the seeded demo catalog. */
			template: string;
			/** The data directory (files, search snapshot) that goes with the template. */
			dataDir: string;
		};
	}
}

const TEMPLATE = 'demo';
let server: PgServer | undefined;

/** Runs a project script with tsx; throws with its output when it fails. */
function script(file: string, args: string[], env: Record<string, string>): void {
	const r = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', file, ...args], {
		cwd: ROOT,
		env: { ...process.env, LOG_LEVEL: 'warn', ...env },
		encoding: 'utf8'
	});
	if (r.status !== 0) throw new Error(`${file} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

export async function setup(project: TestProject): Promise<void> {
	const seed = ensureDemoSeed();
	const started = Date.now();
	server = await startPostgres();
	const url = await server.createDatabase(TEMPLATE);
	script('scripts/db-copy.ts', ['--from', `sqlite:${seed}`, '--to', url], {});
	const dataDir = path.join(TEST_DIR, 'demo-seed-pg');
	fs.rmSync(dataDir, { recursive: true, force: true });
	fs.cpSync(seed, dataDir, {
		recursive: true,
		filter: (src) => {
			const rel = path.relative(seed, src);
			return !rel.startsWith('perpustakaan.sqlite') && rel !== 'search' && rel !== '.complete';
		}
	});
	script('scripts/reindex.ts', [], { DATA_DIR: dataDir, DATABASE_URL: url });
	if (fs.existsSync(path.join(dataDir, 'perpustakaan.sqlite')))
		throw new Error('the PostgreSQL demo data directory grew a SQLite file');
	project.provide('postgresDemo', { port: server.port, template: TEMPLATE, dataDir });
	console.log(
		`server-pg: PostgreSQL on port ${server.port}, demo template from ${DEMO_SEED_DIR} in ${((Date.now() - started) / 1000).toFixed(1)} s`
	);
}

export async function teardown(): Promise<void> {
	await server?.stop();
}
