// `npm run export -- [--out file.csv]`: the catalog metadata of DATA_DIR as CSV, one row per
// publication, with the columns `npm run import -- <folder> --metadata` reads back. The command
// line acts as staff, so drafts, withdrawn and restricted records are included.
//
// Without --out the CSV goes to stdout (no byte-order mark, for pipes); with --out it is written
// with a UTF-8 byte-order mark (for Excel) to a temporary name and renamed when complete, so a
// failed export never leaves half a file. Exit code: 0 done, 1 error, 2 usage.
import fs from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { closeDb, getDb } from '../src/lib/server/db/index.ts';
import type { Viewer } from '../src/lib/server/access.ts';
import { exportCsv } from '../src/lib/server/catalog/export.ts';
import { translator } from '../src/lib/i18n/index.ts';

const t = translator(process.env.LANG?.startsWith('en') ? 'en' : 'id');
/** The access policy looks at the role only; there is no person behind the command line. */
const STAFF: Viewer = { id: 0, role: 'librarian' };

async function write(out: NodeJS.WritableStream, chunk: string): Promise<void> {
	// Respect back-pressure: a large catalog piped into a slow consumer must not pile up in memory.
	if (!out.write(chunk)) await once(out, 'drain');
}

async function main(argv: string[]): Promise<number> {
	let values: { out?: string; help?: boolean };
	try {
		({ values } = parseArgs({
			args: argv,
			options: { out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
			strict: true
		}));
	} catch (err) {
		console.error((err as Error).message);
		console.error(t('export.usage'));
		return 2;
	}
	if (values.help) {
		console.log(t('export.usage'));
		return 0;
	}
	const db = await getDb();
	const stats = { rows: 0 };
	if (values.out === undefined) {
		for await (const chunk of exportCsv(db, STAFF, stats)) await write(process.stdout, chunk);
		console.error(t('export.done', { count: stats.rows, path: 'stdout' }));
		return 0;
	}
	const target = values.out;
	const part = `${target}.part`;
	const file = fs.createWriteStream(part);
	try {
		await write(file, '\uFEFF');
		for await (const chunk of exportCsv(db, STAFF, stats)) await write(file, chunk);
		file.end();
		await once(file, 'finish');
		fs.renameSync(part, target);
	} catch (err) {
		file.destroy();
		fs.rmSync(part, { force: true });
		throw err;
	}
	console.error(t('export.done', { count: stats.rows, path: target }));
	return 0;
}

try {
	process.exitCode = await main(process.argv.slice(2));
} catch (err) {
	console.error(String((err as Error).message));
	process.exitCode = 1;
} finally {
	await closeDb();
}
