// `npm run reindex`: rebuilds the search index of DATA_DIR from the database now, with a
// progress bar, and writes the snapshot the server loads at start. A running server picks the
// new snapshot up through its fingerprint check (or rebuilds itself when the catalog changed).
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { config } from '../src/lib/server/config.ts';
import { closeDb, getDb } from '../src/lib/server/db/index.ts';

const db = await getDb(); // applies pending migrations first
const { n } = await db
	.selectFrom('publications')
	.select((eb) => eb.fn.countAll<number>().as('n'))
	.executeTakeFirstOrThrow();
await closeDb();
const total = Number(n);
const started = performance.now();
const worker = new Worker(
	path.resolve(import.meta.dirname, '../src/lib/server/search/builder-worker.js'),
	{
		workerData: {
			databaseFile: config.databaseFile,
			snapshotFile: path.join(config.dataDir, 'search', 'index.json')
		}
	}
);

function bar(done: number): string {
	const width = 30;
	const filled = total ? Math.round((done / total) * width) : width;
	const elapsed = (performance.now() - started) / 1000;
	const eta = done > 0 ? (elapsed / done) * (total - done) : 0;
	return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} records, ${elapsed.toFixed(1)} s, ETA ${eta.toFixed(0)} s`;
}

const code = await new Promise<number>((resolve) => {
	worker.on(
		'message',
		(m: { type: string; docs?: number; ms?: number; bytes?: number; message?: string }) => {
			if (m.type === 'progress' && process.stderr.isTTY)
				process.stderr.write(`\r${bar(m.docs ?? 0)}`);
			else if (m.type === 'done') {
				if (process.stderr.isTTY) process.stderr.write(`\r${bar(m.docs ?? total)}\n`);
				console.log(
					`search index rebuilt: ${m.docs} records in ${((m.ms ?? 0) / 1000).toFixed(1)} s, snapshot ${((m.bytes ?? 0) / 1024 / 1024).toFixed(1)} MB`
				);
				resolve(0);
			} else if (m.type === 'error') {
				console.error(`reindex failed: ${m.message}`);
				resolve(1);
			}
		}
	);
	worker.on('error', (err) => {
		console.error(`reindex failed: ${err.message}`);
		resolve(1);
	});
});
process.exitCode = code;
