// `npm run import`: batch import into the catalog of DATA_DIR.
//
//   npm run import -- <folder> [--metadata file.csv] [--status draft|published] [--access ...]
//       Every *.pdf under <folder> (recursive) through the upload path (ingest). Metadata from a
//       CSV whose `file` column names each PDF relative to the folder, else from the PDF itself.
//       Rows without a file become metadata-only records. Default status: draft.
//   npm run import -- --slims biblio.csv [--status draft|published] [--access ...]
//       A SLiMS bibliography export as metadata-only records with their copies (item codes).
//       Default status: published, access: public.
//
// Re-running either adds nothing: PDFs are known by their sha256, rows by their source id.
// Progress goes to stderr (a bar on a terminal, a line every few files otherwise), the per-file
// report and the summary to stdout. Exit code: 0 all done, 1 some file or row failed, 2 usage.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { closeDb, getDb } from '../src/lib/server/db/index.ts';
import * as pdf from '../src/lib/server/pdf/index.ts';
import { DomainError } from '../src/lib/server/errors.ts';
import { translator } from '../src/lib/i18n/index.ts';
import { ACCESS_LEVELS, type AccessLevel, type PublicationStatus } from '../src/lib/types.ts';
import { decodeCsv } from '../src/lib/server/catalog/csv.ts';
import {
	importFolder,
	readMetadataCsv,
	type MetadataRow
} from '../src/lib/server/catalog/folder-import.ts';
import { importSlims, readSlims, type SlimsRow } from '../src/lib/server/catalog/slims.ts';
import {
	auditRun,
	count,
	emptyTally,
	reasonOf,
	type Outcome,
	type Reason,
	type Tally
} from '../src/lib/server/catalog/bulk-import.ts';

const t = translator(process.env.LANG?.startsWith('en') ? 'en' : 'id');
const STATUSES = ['draft', 'published'] as const;
/** The command line acts as the system, not as a person. */
const ACTOR = { id: null };

/** A mistake in how the command was called: exit code 2, nothing imported. */
class UsageError extends Error {
	constructor(
		message: string,
		/** Repeat the usage text: helpful after a wrong argument, noise after a bad CSV cell. */
		readonly showUsage = true
	) {
		super(message);
	}
}

/** A reason in the reader's language, with per-field details when there are any. */
function explain(r: Reason): string {
	const fields = Object.entries(r.fields ?? {})
		// UploadRefused repeats its own message under `file`.
		.filter(([, key]) => key !== r.key)
		.map(([field, key]) => `${field}: ${t(key, r.params)}`);
	// The web's "the data sent is not valid" reads oddly for a file: say which metadata.
	const message = r.key === 'error.invalid' ? t('import.invalid') : t(r.key, r.params);
	return fields.length > 0 ? `${message} (${fields.join('; ')})` : message;
}

function label(o: Outcome): string {
	if (o.line === undefined) return o.name;
	const row = t('import.row', { line: o.line });
	return o.name ? `${row} (${o.name})` : row;
}

function clock(seconds: number): string {
	if (!Number.isFinite(seconds)) return '?';
	const s = Math.max(0, Math.round(seconds));
	const h = Math.floor(s / 3600);
	const mm = String(Math.floor((s % 3600) / 60)).padStart(h ? 2 : 1, '0');
	const ss = String(s % 60).padStart(2, '0');
	return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * Progress on stderr: a redrawn bar on a terminal, otherwise a plain line every `every`
 * outcomes (and at the end) so logs stay readable.
 */
class Progress {
	private readonly tty = process.stderr.isTTY === true;
	private readonly started = performance.now();
	private lastDraw = 0;
	private shown = false;
	private lastLine = 0;

	constructor(
		private readonly total: number,
		private readonly every: number
	) {}

	private text(tally: Tally): string {
		const elapsed = (performance.now() - this.started) / 1000;
		const eta = tally.done > 0 ? (elapsed / tally.done) * (this.total - tally.done) : NaN;
		return t('import.progress', {
			done: tally.done,
			total: this.total,
			imported: tally.imported,
			skipped: tally.skipped,
			failed: tally.failed,
			eta: clock(eta)
		});
	}

	update(tally: Tally, force = false): void {
		if (this.tty) {
			const now = performance.now();
			// Redrawing for every one of 5,000 rows would cost more than importing them.
			if (!force && now - this.lastDraw < 100 && tally.done < this.total) return;
			this.lastDraw = now;
			const width = 24;
			const filled = this.total ? Math.round((tally.done / this.total) * width) : width;
			const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
			process.stderr.write(`\r\x1b[K[${bar}] ${this.text(tally)}`);
			this.shown = true;
		} else if (
			tally.done !== this.lastLine &&
			(tally.done === this.total ||
				Math.floor(tally.done / this.every) > Math.floor(this.lastLine / this.every))
		) {
			this.lastLine = tally.done;
			process.stderr.write(`${this.text(tally)}\n`);
		}
	}

	/** Clears the bar so a report line can be written to the same terminal. */
	clear(): void {
		if (this.tty && this.shown) process.stderr.write('\r\x1b[K');
		this.shown = false;
	}

	finish(tally: Tally): void {
		this.update(tally, true);
		if (this.tty) process.stderr.write('\n');
	}
}

function readCsvFile(file: string): string {
	let bytes: Buffer;
	try {
		bytes = fs.readFileSync(file);
	} catch (err) {
		const code = (err as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') throw new UsageError(t('import.csvMissing', { path: file }));
		throw new UsageError(t('import.csvUnreadable', { path: file, reason: code ?? String(err) }));
	}
	const { text, encoding } = decodeCsv(bytes);
	if (encoding !== 'utf-8') console.error(t('import.encoding', { path: file }));
	return text;
}

/** Turns CSV format errors and unknown columns into a usage error naming the file. */
function csvUsage<T>(file: string, read: () => T): T {
	try {
		return read();
	} catch (err) {
		if (err instanceof DomainError)
			throw new UsageError(
				t('import.csvUnreadable', { path: file, reason: explain(reasonOf(err)) }),
				false
			);
		throw err;
	}
}

function summary(outcomes: Outcome[], tally: Tally, seconds: number, kind: 'folder' | 'slims') {
	const round = (n: number) => Number(n.toFixed(1));
	console.log(
		t('import.summary', {
			seconds: round(seconds),
			imported: tally.imported,
			skipped: tally.skipped,
			failed: tally.failed
		})
	);
	if (kind === 'folder' && tally.pages > 0)
		console.log(t('import.pagesRate', { pages: tally.pages, rate: round(tally.pages / seconds) }));
	if (kind === 'slims' && tally.done > 0)
		console.log(t('import.rowsRate', { rate: Math.round(tally.done / seconds) }));
	// A skipped record's warnings were reported by the run that imported it.
	const warned = outcomes.filter((o) => o.status !== 'skipped' && o.warnings.length > 0);
	if (warned.length > 0) {
		console.log(t('import.warnings', { count: warned.reduce((n, o) => n + o.warnings.length, 0) }));
		for (const o of warned) for (const w of o.warnings) console.log(`  ${label(o)}: ${explain(w)}`);
	}
	const failed = outcomes.filter((o) => o.status === 'failed');
	if (failed.length > 0) {
		console.log(t('import.failures', { count: failed.length }));
		for (const o of failed) console.log(`  ${label(o)}: ${explain(o.reason!)}`);
	}
}

async function runFolder(
	folder: string,
	rows: MetadataRow[] | null,
	defaults: { status?: PublicationStatus; access?: AccessLevel }
): Promise<number> {
	const db = await getDb();
	const started = performance.now();
	const tally = emptyTally();
	let progress: Progress | null = null;
	const outcomes = await importFolder(db, {
		folder,
		rows,
		defaults,
		actor: ACTOR,
		onStart: (total) => {
			if (total === 0) return;
			console.log(t('import.start', { total, path: folder }));
			progress = new Progress(total, 10);
		},
		onOutcome: (o) => {
			count(tally, o);
			progress?.clear();
			const what =
				o.status === 'imported'
					? o.pages !== undefined
						? t('import.imported', { id: String(o.publicationId), pages: o.pages })
						: t('import.importedRecord', { id: String(o.publicationId) })
					: `${t(`import.${o.status}`)}: ${explain(o.reason!)}`;
			const mark = { imported: '✓', skipped: '=', failed: '✗' }[o.status];
			console.log(`${mark} ${label(o)} — ${what}`);
			progress?.update(tally);
		}
	});
	if (outcomes.length === 0) {
		console.log(t('import.nothing', { path: folder }));
		return 0;
	}
	(progress as Progress | null)?.finish(tally);
	const seconds = (performance.now() - started) / 1000;
	await auditRun(db, ACTOR, { kind: 'folder', path: path.resolve(folder), tally });
	summary(outcomes, tally, seconds, 'folder');
	return tally.failed > 0 ? 1 : 0;
}

async function runSlims(
	file: string,
	rows: SlimsRow[],
	defaults: { status: PublicationStatus; access: AccessLevel }
): Promise<number> {
	const db = await getDb();
	const started = performance.now();
	const tally = emptyTally();
	let progress: Progress | null = null;
	const outcomes = await importSlims(db, rows, {
		defaults,
		actor: ACTOR,
		onProgress: (batch, total) => {
			if (!progress) {
				console.log(t('import.slimsStart', { total, path: file }));
				progress = new Progress(total, 500);
			}
			for (const o of batch) count(tally, o);
			progress.update(tally);
		}
	});
	(progress as Progress | null)?.finish(tally);
	const seconds = (performance.now() - started) / 1000;
	await auditRun(db, ACTOR, { kind: 'slims', path: path.resolve(file), tally });
	summary(outcomes, tally, seconds, 'slims');
	return tally.failed > 0 ? 1 : 0;
}

function choice<T extends string>(
	flag: string,
	value: string | undefined,
	choices: readonly T[]
): T | undefined {
	if (value === undefined) return undefined;
	if (!(choices as readonly string[]).includes(value))
		throw new UsageError(t('import.badFlag', { flag, value, choices: choices.join(', ') }));
	return value as T;
}

async function main(argv: string[]): Promise<number> {
	let parsed;
	try {
		parsed = parseArgs({
			args: argv,
			options: {
				metadata: { type: 'string' },
				slims: { type: 'string' },
				status: { type: 'string' },
				access: { type: 'string' },
				help: { type: 'boolean', short: 'h' }
			},
			allowPositionals: true,
			strict: true
		});
	} catch (err) {
		throw new UsageError((err as Error).message);
	}
	const { values, positionals } = parsed;
	if (values.help) {
		console.log(t('import.usage'));
		return 0;
	}
	const status = choice('status', values.status, STATUSES);
	const access = choice('access', values.access, ACCESS_LEVELS);
	if (values.slims !== undefined) {
		if (positionals.length > 0 || values.metadata !== undefined)
			throw new UsageError(t('import.conflictingArgs'));
		// Read and check the whole file before the database is opened: a usage error leaves
		// nothing behind, not even an empty database.
		const file = values.slims;
		const rows = csvUsage(file, () => readSlims(readCsvFile(file)));
		return runSlims(file, rows, {
			status: status ?? 'published',
			access: access ?? 'public'
		});
	}
	if (positionals.length !== 1) throw new UsageError('');
	const folder = positionals[0];
	if (!fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory())
		throw new UsageError(t('import.folderMissing', { path: folder }));
	const metadata = values.metadata;
	const rows =
		metadata === undefined
			? null
			: csvUsage(metadata, () => readMetadataCsv(readCsvFile(metadata)));
	return runFolder(folder, rows, { status, access });
}

try {
	process.exitCode = await main(process.argv.slice(2));
} catch (err) {
	if (!(err instanceof UsageError)) throw err;
	if (err.message) console.error(err.message);
	if (err.showUsage) console.error(t('import.usage'));
	process.exitCode = 2;
} finally {
	await pdf.shutdown();
	await closeDb();
}
