#!/usr/bin/env node
// `npm run demo`: build, create a fresh demo data directory, fill it with the demo catalog and
// serve it. The demo never touches ./data (the real catalog's default location).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.resolve(process.env.DEMO_DATA_DIR || path.join(root, 'demo-data'));

function run(args, env = {}) {
	const r = spawnSync(process.execPath, args, {
		cwd: root,
		stdio: 'inherit',
		env: { ...process.env, ...env }
	});
	if (r.status !== 0) process.exit(r.status ?? 1);
}

console.log('1/3 building the production bundle...');
run(['node_modules/@sveltejs/kit/svelte-kit.js', 'sync']);
run(['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn']);

console.log(`2/3 creating a fresh demo catalog in ${dataDir} ...`);
fs.rmSync(dataDir, { recursive: true, force: true });
run(['node_modules/tsx/dist/cli.mjs', 'scripts/seed-demo.ts'], { DATA_DIR: dataDir });

console.log('3/3 starting the server...');
process.env.DATA_DIR = dataDir;
await import('./start.js');
