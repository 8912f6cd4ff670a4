// One process's reconcile pass over a data directory (tests/server/oai-reconcile.test.ts starts
// several at once, as several server workers would). Usage: tsx oai-reconcile.ts DATA_DIR ORIGIN
import path from 'node:path';
import { openDatabase } from '../../src/lib/server/db/index.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import { reconcile } from '../../src/lib/server/interop/oai.ts';

const [dataDir, origin] = process.argv.slice(2);
const db = openDatabase(path.join(dataDir, 'perpustakaan.sqlite'));
await migrateToLatest(db);
await reconcile(db, origin);
await db.destroy();
