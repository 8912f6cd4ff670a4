// `npm run backup -- --out <file>`: one archive (tar, gzip when the name ends in .gz/.tgz) of a
// consistent snapshot of DATA_DIR — database, the stored files it names, manifest.json — taken
// while the server keeps running. See `src/lib/server/ops/backup.ts` and the README.
//
// Exit code: 0 written; 1 failed (nothing written); 2 usage (bad arguments, no database in
// DATA_DIR, --out not writable; nothing written); 3 written, but DATA_DIR's stored files are
// missing or damaged (listed on stderr and in the manifest).
//
// With DATABASE_URL set (PostgreSQL, #16) the database member is a `pg_dump -Fc` dump of one
// snapshot (`perpustakaan.pgdump`); the stored files still come from DATA_DIR/--data-dir.
import { parseArgs } from 'node:util';
import { config } from '../src/lib/server/config.ts';
import { databaseUrl } from '../src/lib/server/db/dialect.ts';
import { BackupError, createBackup } from '../src/lib/server/ops/backup.ts';

const USAGE = `usage: npm run backup -- --out <file.tar.gz> [--data-dir <dir>]
  --out, -o    the archive to write (gzip-compressed when it ends in .gz or .tgz, plain tar otherwise)
  --data-dir   the data directory to back up (default: DATA_DIR, else ./data); with
               DATABASE_URL set, the database is that PostgreSQL one (pg_dump) and only the
               stored files come from here`;

function mb(bytes: number): string {
	return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

async function main(argv: string[]): Promise<number> {
	let values: { out?: string; 'data-dir'?: string; help?: boolean };
	try {
		({ values } = parseArgs({
			args: argv,
			options: {
				out: { type: 'string', short: 'o' },
				'data-dir': { type: 'string' },
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
	if (!values.out) {
		console.error('--out <file> is required');
		console.error(USAGE);
		return 2;
	}
	const r = await createBackup({
		dataDir: values['data-dir'] ?? config.dataDir,
		out: values.out,
		databaseUrl: databaseUrl(),
		// FILES_DIR (a shared mount, #16) when set; else the files inside the data directory.
		filesDir: config.filesShared ? config.filesDir : undefined
	});
	const m = r.manifest;
	const db = m.members.find((x) => x.path === m.database.member)!;
	const c = m.counts;
	console.log(`backup written: ${r.out}`);
	console.log(
		`  database  ${mb(db.bytes)}${m.database.engine === 'postgres' ? ` (pg_dump of PostgreSQL ${m.database.postgresVersion})` : ''}, migration ${m.database.migration ?? '(none)'}, snapshot in ${r.snapshotSeconds.toFixed(2)} s`
	);
	console.log(
		`  files     ${m.files.referenced - m.files.missing.length} stored files (PDFs and covers, ${mb(m.files.bytes)})`
	);
	console.log(
		`  records   ${['publications', 'files', 'items', 'loans', 'holds', 'users', 'audit_log']
			.map((t) => `${t} ${c[t] ?? 0}`)
			.join(', ')}`
	);
	console.log(`  archive   ${mb(r.archiveBytes)} in ${r.seconds.toFixed(1)} s`);
	const { missing, damaged } = m.files;
	if (missing.length === 0 && damaged.length === 0) return 0;
	for (const key of missing)
		console.error(`warning: stored file missing, not in the backup: ${key}`);
	for (const key of damaged)
		console.error(`warning: stored file damaged (bytes do not match its SHA-256): ${key}`);
	console.error(
		`${missing.length} missing and ${damaged.length} damaged stored files: put them back from an earlier backup (keep that backup until then)`
	);
	return 3;
}

try {
	process.exitCode = await main(process.argv.slice(2));
} catch (err) {
	console.error(`backup failed: ${(err as Error).message}`);
	process.exitCode = err instanceof BackupError && err.usage ? 2 : 1;
}
