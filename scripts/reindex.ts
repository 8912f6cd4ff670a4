// `npm run reindex`: rebuilds the search index of DATA_DIR from the database now, with a
// progress bar: every record's long texts are analysed again into the text engine's tables
// (FTS5, or PostgreSQL's tsvector tables when DATABASE_URL is set), then the Lunr
// index of the metadata is built and its snapshot written (the one the server loads at start). A running server picks the
// new snapshot up through its fingerprint check (or rebuilds itself when the catalog changed).
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { config } from '../src/lib/server/config.ts';
import { closeDb, getDb } from '../src/lib/server/db/index.ts';
import { databaseUrl } from '../src/lib/server/db/dialect.ts';

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
			databaseUrl: databaseUrl(),
			snapshotFile: path.join(config.dataDir, 'search', 'index.json'),
			full: true
		}
	}
);

let phaseStarted = started;
let lastPhase = '';

function bar(done: number, of = total, phase = 'metadata'): string {
	if (phase !== lastPhase) {
		lastPhase = phase;
		phaseStarted = performance.now();
	}
	const width = 30;
	const filled = of ? Math.round((done / of) * width) : width;
	const elapsed = (performance.now() - phaseStarted) / 1000;
	const eta = done > 0 ? (elapsed / done) * (of - done) : 0;
	const label = phase === 'text' ? 'texts analysed' : 'records indexed';
	return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${of} ${label}, ${elapsed.toFixed(1)} s, ETA ${eta.toFixed(0)} s   `;
}

const code = await new Promise<number>((resolve) => {
	worker.on(
		'message',
		(m: {
			type: string;
			phase?: string;
			docs?: number;
			total?: number;
			ms?: number;
			bytes?: number;
			textUpdated?: number;
			message?: string;
		}) => {
			if (m.type === 'progress' && process.stderr.isTTY) {
				if (m.phase !== lastPhase && lastPhase) process.stderr.write('\n');
				process.stderr.write(`\r${bar(m.docs ?? 0, m.total ?? total, m.phase)}`);
			} else if (m.type === 'done') {
				if (process.stderr.isTTY) process.stderr.write(`\r${bar(m.docs ?? total)}\n`);
				console.log(
					`search index rebuilt: ${m.docs} records (${m.textUpdated ?? 0} texts analysed) in ${((m.ms ?? 0) / 1000).toFixed(1)} s, metadata snapshot ${((m.bytes ?? 0) / 1024 / 1024).toFixed(1)} MB`
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
