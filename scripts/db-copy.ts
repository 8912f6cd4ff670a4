// `npm run db:copy -- --to postgres://… [--from sqlite:<dir>]`: copies a whole library into an
// EMPTY database — a SQLite data directory into PostgreSQL, or back with
// `--from postgres://… --to sqlite:<dir>` — then compares row counts and a SHA-256 per table on
// both sides. See `src/lib/server/ops/db-copy.ts` and the README.
//
// Exit code: 0 copied and verified; 1 failed during the copy (rolled back: the target is migrated
// and empty); 2 refused, nothing written (bad arguments or URL, cannot connect, no library at the
// source, migration levels differ, target not empty); 3 copied and verified, but stored files the
// rows name are missing from the files directory (listed); 4 copied, but a table differs (named).
import { parseArgs } from 'node:util';
import { config } from '../src/lib/server/config.ts';
import {
	CopyError,
	copyLibrary,
	describeEndpoint,
	parseEndpoint,
	type Endpoint
} from '../src/lib/server/ops/db-copy.ts';

const USAGE = `usage: npm run db:copy -- --to <database> [--from <database>] [--files <dir>]
  --to      where to copy: an EMPTY database (postgres://user:password@host:5432/db), or
            sqlite:<dir> — a data directory without a database
  --from    the library to copy (default: sqlite:$DATA_DIR, else sqlite:./data)
  --files   the stored files to check (default: FILES_DIR when set, else the SQLite side's <dir>/files)
exit codes: 0 copied and verified, 1 failed (rolled back), 2 refused (nothing written),
            3 copied but stored files are missing, 4 copied but a table differs`;

async function main(argv: string[]): Promise<number> {
	let values: { to?: string; from?: string; files?: string; help?: boolean };
	try {
		({ values } = parseArgs({
			args: argv,
			options: {
				to: { type: 'string' },
				from: { type: 'string' },
				files: { type: 'string' },
				help: { type: 'boolean', short: 'h' }
			},
			strict: true
		}));
	} catch (err) {
		console.error((err as Error).message);
		console.error(USAGE);
		return 2;
	}
	if (values.help) {
		console.log(USAGE);
		return 0;
	}
	if (!values.to) {
		console.error('--to <database> is required');
		console.error(USAGE);
		return 2;
	}
	const to = parseEndpoint(values.to);
	const from: Endpoint = values.from
		? parseEndpoint(values.from)
		: { kind: 'sqlite', dir: config.dataDir };
	console.log(`copying ${describeEndpoint(from)} → ${describeEndpoint(to)}`);
	const r = await copyLibrary({
		from,
		to,
		filesDir: values.files ?? (config.filesShared ? config.filesDir : undefined),
		onProgress: (line) => console.log(line)
	});
	console.log('');
	console.log(
		`${'table'.padEnd(26)} ${'source rows'.padStart(11)} ${'target rows'.padStart(11)}  checksum (SHA-256)`
	);
	for (const t of r.tables) {
		const same = t.source.sha256 === t.target.sha256 && t.source.rows === t.target.rows;
		console.log(
			`${t.name.padEnd(26)} ${String(t.source.rows).padStart(11)} ${String(t.target.rows).padStart(11)}  ${t.source.sha256.slice(0, 16)} ${same ? 'same' : `DIFFERS (target ${t.target.sha256.slice(0, 16)})`}`
		);
	}
	for (const s of r.skipped) console.log(`not copied: ${s.name} — ${s.why}`);
	console.log(
		`stored files: ${r.files.referenced - r.files.missing.length} of ${r.files.referenced} present in ${r.files.dir} (not copied: shared, content-addressed)`
	);
	console.log(`done in ${r.seconds.toFixed(1)} s`);
	if (r.differing.length > 0) {
		console.error(
			`copy does NOT verify: ${r.differing.join(', ')} differ between source and target`
		);
		return 4;
	}
	console.log(`verified: ${r.tables.length} tables, equal row counts and checksums`);
	if (r.files.missing.length > 0) {
		for (const k of r.files.missing.slice(0, 50))
			console.error(`warning: stored file missing: ${k}`);
		if (r.files.missing.length > 50) console.error(`… and ${r.files.missing.length - 50} more`);
		console.error(
			`${r.files.missing.length} stored files the rows name are not in ${r.files.dir}: copy them there (or point --files / DATA_DIR at the shared files) before serving`
		);
		return 3;
	}
	return 0;
}

try {
	process.exitCode = await main(process.argv.slice(2));
} catch (err) {
	console.error(`db:copy failed: ${(err as Error).message}`);
	process.exitCode = err instanceof CopyError ? err.exit : 1;
}
