// `npm run restore -- <archive> --data-dir <dir> [--force]`: restores an archive made by
// `npm run backup` into a data directory. Stop the server on that directory first.
//
// Every member is checked against the manifest before anything is written to <dir>; a damaged,
// truncated or altered archive leaves <dir> as it was. <dir> must be missing or empty unless
// --force, which replaces its content (the new tree is renamed in, the old one removed).
//
// Exit code: 0 restored; 1 failed (archive refused, I/O error; <dir> untouched); 2 usage (bad
// arguments, archive not found, <dir> not empty without --force).
//
// With DATABASE_URL set (PostgreSQL, #16): the archive's pg_dump is restored with pg_restore into
// that database, which must be empty unless --force (then the archive's objects are replaced);
// the stored files go into <dir>/files (which may hold files already: they are kept). Exit 2 also
// for a non-empty database without --force or one that cannot be reached.
import { parseArgs } from 'node:util';
import { config } from '../src/lib/server/config.ts';
import { databaseUrl } from '../src/lib/server/db/dialect.ts';
import { BackupError, restoreBackup } from '../src/lib/server/ops/backup.ts';

const USAGE = `usage: npm run restore -- <archive> --data-dir <dir> [--force]
  --data-dir   where to restore (missing or empty; the server's DATA_DIR afterwards)
  --force      replace the content of a non-empty --data-dir
With DATABASE_URL set, the database goes into that (empty) PostgreSQL database and --data-dir
receives the stored files; --force then replaces what the archive holds in the database.`;

async function main(argv: string[]): Promise<number> {
	let parsed;
	try {
		parsed = parseArgs({
			args: argv,
			options: {
				'data-dir': { type: 'string' },
				force: { type: 'boolean' },
				help: { type: 'boolean', short: 'h' }
			},
			allowPositionals: true,
			strict: true
		});
	} catch (err) {
		console.error((err as Error).message);
		console.error(USAGE);
		return 2;
	}
	const { values, positionals } = parsed;
	if (values.help) {
		console.log(USAGE);
		return 0;
	}
	if (positionals.length !== 1 || !values['data-dir']) {
		console.error(
			positionals.length !== 1 ? 'name exactly one archive' : '--data-dir <dir> is required'
		);
		console.error(USAGE);
		return 2;
	}
	const r = await restoreBackup({
		archive: positionals[0],
		dataDir: values['data-dir'],
		force: values.force === true,
		databaseUrl: databaseUrl(),
		filesDir: config.filesShared ? config.filesDir : undefined
	});
	const m = r.manifest;
	const c = m.counts;
	const url = databaseUrl();
	console.log(
		url
			? `restored ${positionals[0]} into ${url.replace(/\/\/([^@/:]*)(:[^@/]*)?@/, '//$1@')} (pg_restore), stored files into ${config.filesShared ? config.filesDir : r.dataDir}${r.replaced ? ' (replaced)' : ''}`
			: `restored ${positionals[0]} into ${r.dataDir}${r.replaced ? ' (replaced)' : ''}`
	);
	console.log(
		`  backup    ${m.createdAt} from ${m.source.host}, ${m.app.name} ${m.app.version}, migration ${m.database.migration ?? '(none)'}`
	);
	console.log(`  verified  ${m.members.length} members against the manifest`);
	console.log(
		`  records   ${['publications', 'files', 'items', 'loans', 'holds', 'users', 'audit_log']
			.map((t) => `${t} ${c[t] ?? 0}`)
			.join(', ')}`
	);
	console.log(`  done in   ${r.seconds.toFixed(1)} s`);
	if (m.files.missing.length > 0 || m.files.damaged.length > 0)
		console.error(
			`warning: the backup lacks ${m.files.missing.length} stored files and holds ${m.files.damaged.length} damaged ones (as its source had them); see manifest.json`
		);
	return 0;
}

try {
	process.exitCode = await main(process.argv.slice(2));
} catch (err) {
	console.error(`restore failed: ${(err as Error).message}`);
	process.exitCode = err instanceof BackupError && err.usage ? 2 : 1;
}
