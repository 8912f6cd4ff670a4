#!/usr/bin/env node
// `npm test`: everything a change must pass, in one command, ending with the one line CI reads:
//   tests: N passed, M failed
// 1. makes sure the Debian tools the tests drive are there (Chromium, xmllint, jing, the
//    HTTP::OAI harvester, PostgreSQL's server binaries; installs them with apt-get when root),
// 2. quality gates: svelte-check, ESLint, Prettier,
// 3. builds the production bundle (browser and HTTP tests run against it),
// 4. runs unit, integration (server; again on PostgreSQL: server-pg) and browser (e2e) tests
//    with Vitest; every project's tests are counted from Vitest's one JSON report.
// Each gate counts as one test in the summary; any failure exits non-zero.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { postgresBin } from './lib/postgres-bin.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = path.join(root, 'test-results');
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
let passed = 0;
let failed = 0;

function run(label, cmd, args, opts = {}) {
	console.log(`\n── ${label}`);
	const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env, ...opts });
	return r.status === 0;
}

function gate(label, cmd, args) {
	if (run(label, cmd, args)) passed++;
	else {
		failed++;
		console.log(`✗ ${label} failed`);
	}
}

function finish() {
	console.log(`\ntests: ${passed} passed, ${failed} failed`);
	process.exit(failed > 0 ? 1 : 0);
}

// 1. System tools the tests drive (Debian packages): installed with apt-get when missing and root.
const tools = [
	{ file: chromium, packages: ['chromium', 'fonts-liberation'], why: 'browser tests' },
	{
		file: '/usr/bin/xmllint',
		packages: ['libxml2-utils'],
		why: 'XML Schema validation (OAI-PMH, Dublin Core)'
	},
	{ file: '/usr/bin/jing', packages: ['jing'], why: 'RELAX NG validation (OPDS 1.2)' },
	{
		file: '/usr/share/perl5/HTTP/OAI.pm',
		packages: ['libhttp-oai-perl'],
		why: 'a real OAI-PMH harvester'
	},
	{
		// Any PostgreSQL ≥ 15 the Debian release ships (15 on bookworm); tests/helpers/pg-server.ts
		// starts its own server from these binaries in a temporary directory (#16).
		file: '/usr/lib/postgresql/<version ≥ 15>/bin/pg_ctl',
		present: () => postgresBin() !== null,
		packages: ['postgresql'],
		why: 'tests against a real PostgreSQL server'
	}
];

const isPresent = (t) => (t.present ? t.present() : fs.existsSync(t.file));
const missing = tools.filter((t) => !isPresent(t));
if (missing.length) {
	const packages = missing.flatMap((t) => t.packages);
	if (process.getuid?.() === 0) {
		const ok =
			run('installing Debian packages (apt-get update)', 'apt-get', ['update', '-qq']) &&
			run(`installing ${packages.join(' ')}`, 'apt-get', ['install', '-y', '-qq', ...packages], {
				env: { ...env, DEBIAN_FRONTEND: 'noninteractive' }
			});
		const still = missing.filter((t) => !isPresent(t));
		if (!ok || still.length) {
			console.error(
				`Could not install ${still.map((t) => t.packages.join(' ')).join(', ') || packages.join(' ')} with apt-get.`
			);
			failed++;
			finish();
		}
	} else {
		console.error(
			`Missing system tools:\n${missing.map((t) => `  ${t.file} (${t.why})`).join('\n')}\nInstall them with:\n  sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}\n(CHROMIUM_PATH may point at another Chromium binary), then run npm test again.`
		);
		failed++;
		finish();
	}
}

// 2. Quality gates
const bin = (name) => path.join('node_modules', '.bin', name);
run('svelte-kit sync', bin('svelte-kit'), ['sync']);
gate('svelte-check', bin('svelte-check'), [
	'--tsconfig',
	'./tsconfig.json',
	'--threshold',
	'error',
	'--output',
	'human'
]);
gate('eslint', bin('eslint'), ['.']);
gate('prettier --check', bin('prettier'), ['--check', '.', '--log-level', 'warn']);

// 3. Build
if (
	!run('vite build', process.execPath, [
		'node_modules/vite/bin/vite.js',
		'build',
		'--logLevel',
		'warn'
	])
) {
	failed++;
	console.log('✗ build failed: skipping the tests that need it');
	finish();
}

// 4. Tests
fs.rmSync(path.join(resultsDir, 'demo-seed'), { recursive: true, force: true });
fs.rmSync(path.join(resultsDir, 'tmp'), { recursive: true, force: true });
fs.mkdirSync(resultsDir, { recursive: true });
const report = path.join(resultsDir, 'vitest.json');
fs.rmSync(report, { force: true });
run('vitest (unit, server, server-pg, e2e)', process.execPath, [
	'node_modules/vitest/vitest.mjs',
	'run',
	'--reporter=default',
	'--reporter=json',
	`--outputFile.json=${report}`
]);
if (fs.existsSync(report)) {
	const r = JSON.parse(fs.readFileSync(report, 'utf8'));
	passed += r.numPassedTests;
	failed += r.numFailedTests;
	// A suite that crashed before its tests ran counts as a failure, not as nothing.
	failed += (r.testResults ?? []).filter(
		(s) => s.status === 'failed' && (s.assertionResults ?? []).every((a) => a.status !== 'failed')
	).length;
	if (r.numTotalTests === 0) failed++;
} else {
	console.log('✗ vitest produced no report');
	failed++;
}
fs.rmSync(path.join(resultsDir, 'tmp'), { recursive: true, force: true });
finish();
