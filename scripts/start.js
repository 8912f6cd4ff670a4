#!/usr/bin/env node
// Starts the production server from build/ with sensible defaults.
// adapter-node reads HOST, PORT and ORIGIN from the environment; without ORIGIN every form
// POST would be refused by SvelteKit's CSRF check, so derive it from HOST and PORT.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.env.HOST ||= '127.0.0.1';
process.env.PORT ||= '3000';
process.env.ORIGIN ||= `http://${process.env.HOST === '0.0.0.0' ? '127.0.0.1' : process.env.HOST}:${process.env.PORT}`;
process.env.DATA_DIR ||= path.join(root, 'data');
// Uploads are limited by the app itself (MAX_UPLOAD_MB); let adapter-node accept them.
process.env.BODY_SIZE_LIMIT ||= String(
	(Number(process.env.MAX_UPLOAD_MB) || 200) * 1024 * 1024 + 1024 * 1024
);

const entry = path.join(root, 'build', 'index.js');
if (!fs.existsSync(entry)) {
	console.error('build/ is missing: run `npm run build` first (or `npm run demo`).');
	process.exit(1);
}
console.log(`Perpustakaan DJKN on ${process.env.ORIGIN} (data: ${process.env.DATA_DIR})`);
await import(entry);
