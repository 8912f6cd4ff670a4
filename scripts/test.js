#!/usr/bin/env node
// `npm test`: everything a change must pass, in one command, ending with the one line CI reads:
//   tests: N passed, M failed
// 1. makes sure Debian's Chromium is there (installs it with apt-get when root),
// 2. quality gates: svelte-check, ESLint, Prettier,
// 3. builds the production bundle (browser and HTTP tests run against it),
// 4. runs unit, integration (server) and browser (e2e) tests with Vitest.
// Each gate counts as one test in the summary; any failure exits non-zero.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

// 1. Chromium
if (!fs.existsSync(chromium)) {
	if (process.getuid?.() === 0) {
		const ok =
			run('installing Debian chromium (apt-get update)', 'apt-get', ['update', '-qq']) &&
			run(
				'installing Debian chromium',
				'apt-get',
				['install', '-y', '-qq', 'chromium', 'fonts-liberation'],
				{
					env: { ...env, DEBIAN_FRONTEND: 'noninteractive' }
				}
			);
		if (!ok || !fs.existsSync(chromium)) {
			console.error('Could not install chromium with apt-get; browser tests cannot run.');
			failed++;
			finish();
		}
	} else {
		console.error(
			`Chromium is missing at ${chromium}. Install it with:\n  sudo apt-get update && sudo apt-get install -y chromium fonts-liberation\n(or set CHROMIUM_PATH to a Chromium binary), then run npm test again.`
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
run('vitest (unit, server, e2e)', process.execPath, [
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
