import { catalogChanged } from '../events.ts';
import { writeTransaction } from '../db/write.js';
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Database } from '../db/schema.ts';
import { DomainError } from '../errors.ts';
import * as audit from '../audit.ts';
import type { PublicationInput } from '../../schemas/publication.ts';
import { subjectKey } from './publications.ts';
import { columnsOf, ensureSeries, type Actor } from './records.ts';
import { setRelations } from './regulations.ts';

/**
 * What the importers share: the outcome of one file or row, and the fast path that writes
 * many metadata-only records (SLiMS rows, CSV rows without a PDF) in batched transactions.
 */

/** A connection inside a write transaction (see db/write.js). */
type Tx = Kysely<Database>;

/** A translatable reason: a message key with its parameters and per-field message keys. */
export interface Reason {
	key: string;
	params?: Record<string, string | number>;
	fields?: Record<string, string>;
}

export type OutcomeStatus = 'imported' | 'skipped' | 'failed';

/** What became of one file or CSV row. */
export interface Outcome {
	/** File path relative to the import folder, or the record's title for a CSV row. */
	name: string;
	/** Line of the CSV file the row starts on, when it came from one. */
	line?: number;
	status: OutcomeStatus;
	publicationId?: number;
	pages?: number;
	/** Why it was skipped or failed. */
	reason?: Reason;
	/** Things that did not stop the import but that a librarian should check. */
	warnings: Reason[];
}

/** Counts over outcomes, for progress lines and the summary. */
export interface Tally {
	done: number;
	imported: number;
	skipped: number;
	failed: number;
	pages: number;
}

/** Adds an outcome to a running tally. */
export function count(t: Tally, o: Outcome): Tally {
	t.done++;
	t[o.status]++;
	t.pages += o.pages ?? 0;
	return t;
}

/** An empty tally. */
export function emptyTally(): Tally {
	return { done: 0, imported: 0, skipped: 0, failed: 0, pages: 0 };
}

/** The reason carried by a thrown error; anything but a DomainError is an unexpected one. */
export function reasonOf(err: unknown): Reason {
	if (err instanceof DomainError) {
		return { key: err.messageKey, params: err.params, fields: err.fields };
	}
	return {
		key: 'import.unexpected',
		params: { message: err instanceof Error ? err.message : String(err) }
	};
}

/** A URL slug from a title: `Media Kekayaan Negara` → `media-kekayaan-negara`. */
export function slugify(title: string): string {
	const slug = title
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 80)
		.replace(/-+$/, '');
	// A title in another script has no Latin letters: a short stable hash keeps it unique.
	return slug || `seri-${sha256([title]).slice(0, 10)}`;
}

/** Normalises text so trivial differences (spaces, Unicode forms, case) give the same hash. */
function norm(s: string | null | undefined): string {
	return (s ?? '').normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

function sha256(parts: (string | null | undefined)[]): string {
	return crypto
		.createHash('sha256')
		.update(JSON.stringify(parts.map(norm)))
		.digest('hex');
}

/** A stable identifier from a record's identifying fields (its `source_id`). */
export function sourceIdOf(parts: (string | null | undefined)[]): string {
	return sha256(parts);
}

/** One metadata-only record ready to be written. */
export interface RecordDraft {
	name: string;
	line?: number;
	input: PublicationInput;
	/** Title for a series the record names that does not exist yet (created on the fly). */
	seriesTitle: string | null;
	source: string;
	sourceId: string;
	/** Barcodes of physical copies (items) to add. */
	barcodes: string[];
	warnings: Reason[];
}

/** Records per transaction: large enough to amortise the commit, small enough to retry. */
export const BATCH_SIZE = 500;
/** Rows per multi-row INSERT, far below SQLite's limit of 32,766 bound parameters. */
const CHUNK = 300;

async function insertChunked<T extends keyof Database>(
	tx: Tx,
	table: T,
	rows: Record<string, unknown>[]
): Promise<void> {
	for (let i = 0; i < rows.length; i += CHUNK) {
		await tx
			.insertInto(table)
			.values(rows.slice(i, i + CHUNK) as never)
			.execute();
	}
}

/** Ids already known for series slugs and subject keys; only grows after a commit. */
interface Caches {
	series: Map<string, number>;
	subjects: Map<string, number>;
}

/** Writes drafts in one transaction; returns each record's id and barcode warnings. */
async function writeBatch(
	tx: Tx,
	drafts: RecordDraft[],
	actor: Actor,
	caches: Caches,
	seriesTitles: Map<string, string>
): Promise<{ results: { id: number; warnings: Reason[] }[]; learned: Caches }> {
	// Learned ids go into the shared caches only after the transaction commits.
	const learned: Caches = { series: new Map(), subjects: new Map() };
	const seriesId = async (slug: string): Promise<number> => {
		const known = caches.series.get(slug) ?? learned.series.get(slug);
		if (known !== undefined) return known;
		const id = await ensureSeries(tx, { slug, title: seriesTitles.get(slug) ?? slug });
		learned.series.set(slug, id);
		return id;
	};

	// Subjects: one lookup and one insert for the whole batch instead of two queries per name.
	const names = new Map<string, string>();
	for (const d of drafts)
		for (const s of d.input.subjects) {
			const key = subjectKey(s);
			if (!caches.subjects.has(key) && !names.has(key)) names.set(key, s);
		}
	const keys = [...names.keys()];
	for (let i = 0; i < keys.length; i += CHUNK) {
		const part = keys.slice(i, i + CHUNK);
		const found = await tx
			.selectFrom('subjects')
			.select(['id', 'name_key'])
			.where('name_key', 'in', part)
			.execute();
		for (const f of found) learned.subjects.set(f.name_key, f.id);
		const missing = part.filter((k) => !learned.subjects.has(k));
		if (missing.length === 0) continue;
		const inserted = await tx
			.insertInto('subjects')
			.values(missing.map((k) => ({ name: names.get(k)!, name_key: k })))
			.returning(['id', 'name_key'])
			.execute();
		for (const r of inserted) learned.subjects.set(r.name_key, r.id);
	}
	const subjectId = (name: string) => {
		const key = subjectKey(name);
		return caches.subjects.get(key) ?? learned.subjects.get(key)!;
	};

	// Barcodes already on the shelf are skipped with a warning, not fatal to the record.
	const wanted = [...new Set(drafts.flatMap((d) => d.barcodes))];
	const taken = new Set<string>();
	for (let i = 0; i < wanted.length; i += CHUNK) {
		const rows = await tx
			.selectFrom('items')
			.select('barcode')
			.where('barcode', 'in', wanted.slice(i, i + CHUNK))
			.execute();
		for (const r of rows) taken.add(r.barcode);
	}

	const authors: Record<string, unknown>[] = [];
	const links: Record<string, unknown>[] = [];
	const items: Record<string, unknown>[] = [];
	const results: { id: number; warnings: Reason[] }[] = [];
	const now = new Date().toISOString();
	for (const d of drafts) {
		const input = d.input;
		const { id } = await tx
			.insertInto('publications')
			.values({
				...columnsOf(input, input.seriesSlug ? await seriesId(input.seriesSlug) : null),
				created_by: actor.id,
				updated_by: actor.id,
				created_at: now,
				updated_at: now,
				published_at: input.status === 'published' ? now : null,
				source: d.source,
				source_id: d.sourceId
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		// Relations name earlier records (earlier rows of this import included, as they are in
		// this transaction); a target that is not there fails this row with the reason.
		if (input.relations.length > 0) await setRelations(tx, id, input.relations);
		for (const [position, name] of input.authors.entries())
			authors.push({ publication_id: id, position, name });
		const seen = new Set<number>();
		for (const name of input.subjects) {
			const sid = subjectId(name);
			if (seen.has(sid)) continue;
			links.push({ publication_id: id, subject_id: sid, position: seen.size });
			seen.add(sid);
		}
		const warnings: Reason[] = [];
		for (const barcode of d.barcodes) {
			if (taken.has(barcode)) {
				warnings.push({ key: 'import.barcodeExists', params: { barcode } });
				continue;
			}
			taken.add(barcode);
			items.push({ publication_id: id, barcode, call_number: input.callNumber });
		}
		// One audit entry per record, in the batch's transaction: each record keeps its own
		// creation entry (the record history and the staff page read them by entity), and the
		// entries commit or roll back with the records they describe at no extra commit cost.
		await audit.record(tx, {
			actorId: actor.id,
			action: 'publication.create',
			entity: 'publication',
			entityId: id,
			after: { ...input, source: d.source, sourceId: d.sourceId, barcodes: d.barcodes },
			ip: actor.ip
		});
		results.push({ id, warnings });
	}
	await insertChunked(tx, 'publication_authors', authors);
	await insertChunked(tx, 'publication_subjects', links);
	await insertChunked(tx, 'items', items);
	return { results, learned };
}

/**
 * Writes metadata-only records in transactions of `BATCH_SIZE`. A record whose (source,
 * source id) is already catalogued — or repeats an earlier row — is skipped, so re-running an
 * import adds nothing. If a batch fails, its records are retried one per transaction so one
 * bad row cannot take 499 good ones with it. `onBatch` gets each batch's outcomes in order.
 */
export async function insertRecords(
	db: Db,
	drafts: RecordDraft[],
	actor: Actor,
	opts: {
		batchSize?: number;
		onBatch?: (outcomes: Outcome[]) => void | Promise<void>;
		/**
		 * Called inside each batch's transaction with the outcomes of the records it writes, so a
		 * caller's own bookkeeping (an import job's progress) commits or rolls back with them.
		 */
		onCommit?: (tx: Tx, imported: Outcome[]) => Promise<void>;
		/** Stops before the next batch (a cancelled job): what was committed stays. */
		signal?: AbortSignal;
	} = {}
): Promise<Outcome[]> {
	const size = opts.batchSize ?? BATCH_SIZE;
	const caches: Caches = {
		series: new Map(
			(await db.selectFrom('series').select(['id', 'slug']).execute()).map((s) => [s.slug, s.id])
		),
		subjects: new Map()
	};
	// A series named by any row with its title may be used by rows that give only the slug.
	const seriesTitles = new Map<string, string>();
	for (const d of drafts)
		if (d.input.seriesSlug && d.seriesTitle && !seriesTitles.has(d.input.seriesSlug))
			seriesTitles.set(d.input.seriesSlug, d.seriesTitle);
	const firstLine = new Map<string, number | undefined>();
	const all: Outcome[] = [];
	const base = (d: RecordDraft) => ({ name: d.name, line: d.line, warnings: d.warnings });
	for (let start = 0; start < drafts.length; start += size) {
		if (opts.signal?.aborted) break;
		const batch = drafts.slice(start, start + size);
		const out: (Outcome | undefined)[] = new Array(batch.length);
		const existing = new Map<string, number>();
		for (const source of new Set(batch.map((d) => d.source))) {
			const ids = batch.filter((d) => d.source === source).map((d) => d.sourceId);
			const rows = await db
				.selectFrom('publications')
				.select(['id', 'source_id'])
				.where('source', '=', source)
				.where('source_id', 'in', ids)
				.execute();
			for (const r of rows) existing.set(`${source}\u0000${r.source_id}`, r.id);
		}
		const todo: number[] = [];
		for (const [k, d] of batch.entries()) {
			const key = `${d.source}\u0000${d.sourceId}`;
			const id = existing.get(key);
			if (id !== undefined) {
				out[k] = {
					...base(d),
					status: 'skipped',
					publicationId: id,
					reason: { key: 'import.alreadyImported', params: { id: String(id) } }
				};
			} else if (firstLine.has(key)) {
				const line = firstLine.get(key);
				out[k] = {
					...base(d),
					status: 'skipped',
					reason:
						line === undefined
							? { key: 'import.repeatedRow' }
							: { key: 'import.repeatedRowAt', params: { line } }
				};
			} else if (
				d.input.seriesSlug &&
				!seriesTitles.has(d.input.seriesSlug) &&
				!caches.series.has(d.input.seriesSlug)
			) {
				out[k] = {
					...base(d),
					status: 'failed',
					reason: { key: 'error.invalid', fields: { series: 'validation.unknownSeries' } }
				};
			} else {
				firstLine.set(key, d.line);
				todo.push(k);
			}
		}
		const commit = async (ks: number[]) => {
			const { results, learned } = await writeTransaction(db, async (tx) => {
				const written = await writeBatch(
					tx,
					ks.map((k) => batch[k]),
					actor,
					caches,
					seriesTitles
				);
				await opts.onCommit?.(
					tx,
					ks.map((k, j) => ({
						...base(batch[k]),
						status: 'imported',
						publicationId: written.results[j].id,
						warnings: [...batch[k].warnings, ...written.results[j].warnings]
					}))
				);
				return written;
			});
			catalogChanged();
			for (const [slug, id] of learned.series) caches.series.set(slug, id);
			for (const [key, id] of learned.subjects) caches.subjects.set(key, id);
			for (const [j, k] of ks.entries()) {
				const d = batch[k];
				out[k] = {
					...base(d),
					status: 'imported',
					publicationId: results[j].id,
					warnings: [...d.warnings, ...results[j].warnings]
				};
			}
		};
		if (todo.length > 0) {
			try {
				await commit(todo);
			} catch {
				for (const k of todo) {
					try {
						await commit([k]);
					} catch (err) {
						out[k] = { ...base(batch[k]), status: 'failed', reason: reasonOf(err) };
					}
				}
			}
		}
		const outcomes = out as Outcome[];
		all.push(...outcomes);
		await opts.onBatch?.(outcomes);
	}
	return all;
}

/** One audit entry summarising an import run: who imported what, with the counts. */
export async function auditRun(
	db: Db,
	actor: Actor,
	what: { kind: 'folder' | 'slims'; path: string; tally: Tally }
): Promise<void> {
	const { done, imported, skipped, failed, pages } = what.tally;
	await audit.record(db, {
		actorId: actor.id,
		action: 'catalog.import',
		entity: 'import',
		entityId: what.kind,
		after: { path: what.path, done, imported, skipped, failed, pages },
		ip: actor.ip
	});
}
