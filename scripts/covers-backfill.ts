// `npm run covers:backfill`: makes the WebP and AVIF renderings (and records the size) of every
// stored cover that has none yet (migration 0016; see src/lib/server/catalog/covers.ts). Safe to
// run at any time, with the server running or not, as often as wanted: a cover done is skipped.
// The server's leader process runs the same backfill in the background at start.
import { closeDb, getDb } from '../src/lib/server/db/index.ts';
import * as covers from '../src/lib/server/catalog/covers.ts';

const db = await getDb(); // applies pending migrations first
const started = performance.now();
const made = await covers.backfill(db);
await closeDb();
console.log(
	`covers: ${made} file(s) got WebP/AVIF renderings in ${((performance.now() - started) / 1000).toFixed(1)} s`
);
