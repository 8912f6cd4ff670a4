import { sql, type Kysely } from 'kysely';
import { writeTransaction } from '../db/write.js';
import type { Db } from '../db/index.ts';
import type { Database } from '../db/schema.ts';
import { Invalid, NotFound } from '../errors.ts';
import { visibleTo, type Viewer } from '../access.ts';
import { catalogChanged } from '../events.ts';
import * as audit from '../audit.ts';
import { validatePublication, type PublicationInput } from '../../schemas/publication.ts';
import { subjectKey } from './publications.ts';
import { relationsOf, setRelations } from './regulations.ts';

/** A connection inside a write transaction (see db/write.js). */
type Tx = Kysely<Database>;

export interface Actor {
	id: number | null;
	ip?: string | null;
}

/** Creates a series if its slug is new; returns its id either way. */
export async function ensureSeries(
	db: Db | Tx,
	s: {
		slug: string;
		title: string;
		issn?: string | null;
		publisher?: string | null;
		description?: string | null;
	}
): Promise<number> {
	const existing = await db
		.selectFrom('series')
		.select('id')
		.where('slug', '=', s.slug)
		.executeTakeFirst();
	if (existing) return existing.id;
	const row = await db
		.insertInto('series')
		.values({
			slug: s.slug,
			title: s.title,
			issn: s.issn ?? null,
			publisher: s.publisher ?? null,
			description: s.description ?? null
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

async function seriesId(tx: Tx, slug: string | null): Promise<number | null> {
	if (slug === null) return null;
	const row = await tx
		.selectFrom('series')
		.select('id')
		.where('slug', '=', slug)
		.executeTakeFirst();
	if (!row) throw new Invalid('error.invalid', { series: 'validation.unknownSeries' });
	return row.id;
}

async function setSubjects(tx: Tx, publicationId: number, names: string[]): Promise<void> {
	await tx.deleteFrom('publication_subjects').where('publication_id', '=', publicationId).execute();
	const seen = new Set<string>();
	let position = 0;
	for (const name of names) {
		const key = subjectKey(name);
		if (seen.has(key)) continue;
		seen.add(key);
		await tx
			.insertInto('subjects')
			.values({ name, name_key: key })
			.onConflict((oc) => oc.column('name_key').doNothing())
			.execute();
		const { id } = await tx
			.selectFrom('subjects')
			.select('id')
			.where('name_key', '=', key)
			.executeTakeFirstOrThrow();
		await tx
			.insertInto('publication_subjects')
			.values({ publication_id: publicationId, subject_id: id, position: position++ })
			.execute();
	}
}

async function setAuthors(tx: Tx, publicationId: number, names: string[]): Promise<void> {
	await tx.deleteFrom('publication_authors').where('publication_id', '=', publicationId).execute();
	for (const [position, name] of names.entries()) {
		await tx
			.insertInto('publication_authors')
			.values({ publication_id: publicationId, position, name })
			.execute();
	}
}

/**
 * The publication columns that come straight from validated input — the one mapping used by
 * create, update and the bulk importers.
 */
export function columnsOf(input: PublicationInput, seriesIdValue: number | null) {
	return {
		type: input.type,
		title: input.title,
		subtitle: input.subtitle,
		publisher: input.publisher,
		place: input.place,
		year: input.year,
		published_date: input.publishedDate,
		language: input.language,
		abstract: input.abstract,
		isbn: input.isbn,
		issn: input.issn,
		regulation_number: input.regulationNumber,
		edition: input.edition,
		series_id: seriesIdValue,
		volume: input.volume,
		issue_number: input.issue,
		call_number: input.callNumber,
		access: input.access,
		embargo_until: input.embargoUntil,
		status: input.status,
		downloadable: input.downloadable ? 1 : 0,
		regulation_kind: input.regulationKind,
		enacted_date: input.enactedDate,
		promulgated_date: input.promulgatedDate,
		enacted_place: input.enactedPlace,
		legal_field: input.legalField,
		regulation_status: input.regulationStatus
	};
}

/**
 * Creates a publication from validated input inside the caller's transaction (so a file
 * attached in the same request commits or rolls back with it). Audited.
 */
export async function createInTx(tx: Tx, input: PublicationInput, actor: Actor): Promise<number> {
	const now = new Date().toISOString();
	const row = await tx
		.insertInto('publications')
		.values({
			...columnsOf(input, await seriesId(tx, input.seriesSlug)),
			created_by: actor.id,
			updated_by: actor.id,
			created_at: now,
			updated_at: now,
			published_at: input.status === 'published' ? now : null
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	await setAuthors(tx, row.id, input.authors);
	await setSubjects(tx, row.id, input.subjects);
	if (input.relations.length > 0) await setRelations(tx, row.id, input.relations);
	await audit.record(tx, {
		actorId: actor.id,
		action: 'publication.create',
		entity: 'publication',
		entityId: row.id,
		after: input,
		ip: actor.ip
	});
	return row.id;
}

/** Validates raw metadata and creates the publication; throws Invalid with field errors. */
export async function create(db: Db, raw: Record<string, unknown>, actor: Actor): Promise<number> {
	const result = validatePublication(raw);
	if (!result.ok) throw new Invalid('error.invalid', result.errors as Record<string, string>);
	const id = await writeTransaction(db, (tx) => createInTx(tx, result.value, actor));
	catalogChanged();
	return id;
}

/** Adds a physical copy (item) to a publication. */
export async function addItem(
	db: Db | Tx,
	publicationId: number,
	item: { barcode: string; location?: string | null; callNumber?: string | null }
): Promise<number> {
	const row = await db
		.insertInto('items')
		.values({
			publication_id: publicationId,
			barcode: item.barcode,
			location: item.location ?? null,
			call_number: item.callNumber ?? null
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

/** The editable fields of a record in the shape the input schema takes (for forms and PATCH). */
export async function loadInput(db: Db | Tx, id: number): Promise<PublicationInput> {
	const row = await db
		.selectFrom('publications')
		.selectAll()
		.where('id', '=', id)
		.executeTakeFirst();
	if (!row) throw new NotFound('error.publicationNotFound');
	const authors = await db
		.selectFrom('publication_authors')
		.select('name')
		.where('publication_id', '=', id)
		.orderBy('position')
		.execute();
	const subjects = await db
		.selectFrom('publication_subjects as ps')
		.innerJoin('subjects as s', 's.id', 'ps.subject_id')
		.select('s.name')
		.where('ps.publication_id', '=', id)
		.orderBy('ps.position')
		.execute();
	const series = row.series_id
		? await db
				.selectFrom('series')
				.select('slug')
				.where('id', '=', row.series_id)
				.executeTakeFirst()
		: undefined;
	return {
		type: row.type,
		title: row.title,
		subtitle: row.subtitle,
		authors: authors.map((a) => a.name),
		publisher: row.publisher,
		place: row.place,
		year: row.year,
		publishedDate: row.published_date,
		language: row.language,
		abstract: row.abstract,
		subjects: subjects.map((s) => s.name),
		isbn: row.isbn,
		issn: row.issn,
		regulationNumber: row.regulation_number,
		edition: row.edition,
		seriesSlug: series?.slug ?? null,
		volume: row.volume,
		issue: row.issue_number,
		callNumber: row.call_number,
		access: row.access,
		embargoUntil: row.embargo_until,
		status: row.status,
		downloadable: row.downloadable === 1,
		regulationKind: row.regulation_kind,
		enactedDate: row.enacted_date,
		promulgatedDate: row.promulgated_date,
		enactedPlace: row.enacted_place,
		legalField: row.legal_field,
		regulationStatus: row.regulation_status,
		relations: await relationsOf(db, id)
	};
}

/** Raw form/JSON values from a stored record, so a partial update can be validated whole. */
function toRaw(input: PublicationInput): Record<string, unknown> {
	const { seriesSlug, ...rest } = input;
	return { ...rest, series: seriesSlug };
}

/**
 * Updates a record with the given fields (others keep their values), validated by the shared
 * schema. Publishing sets `published_at` the first time. Audited with before → after.
 */
export async function update(
	db: Db,
	id: number,
	changes: Record<string, unknown>,
	actor: Actor,
	action = 'publication.update'
): Promise<void> {
	await writeTransaction(db, async (tx) => {
		const before = await loadInput(tx, id);
		const result = validatePublication({ ...toRaw(before), ...changes });
		if (!result.ok) throw new Invalid('error.invalid', result.errors as Record<string, string>);
		const input = result.value;
		const now = new Date().toISOString();
		const current = await tx
			.selectFrom('publications')
			.select(['published_at', 'status'])
			.where('id', '=', id)
			.executeTakeFirstOrThrow();
		await tx
			.updateTable('publications')
			.set({
				...columnsOf(input, await seriesId(tx, input.seriesSlug)),
				withdrawn_reason:
					input.status === 'withdrawn' ? (cleanReason(changes.withdrawnReason) ?? null) : null,
				updated_by: actor.id,
				updated_at: now,
				published_at:
					input.status === 'published' && !current.published_at ? now : current.published_at
			})
			.where('id', '=', id)
			.execute();
		await setAuthors(tx, id, input.authors);
		await setSubjects(tx, id, input.subjects);
		await setRelations(tx, id, input.relations);
		// Only what changed goes to the audit log, so a reviewer sees the edit at a glance.
		const diffBefore: Record<string, unknown> = {};
		const diffAfter: Record<string, unknown> = {};
		for (const key of Object.keys(input) as (keyof PublicationInput)[]) {
			if (JSON.stringify(before[key]) !== JSON.stringify(input[key])) {
				diffBefore[key] = before[key];
				diffAfter[key] = input[key];
			}
		}
		await audit.record(tx, {
			actorId: actor.id,
			action,
			entity: 'publication',
			entityId: id,
			before: diffBefore,
			after: diffAfter,
			ip: actor.ip
		});
	});
	catalogChanged();
}

function cleanReason(raw: unknown): string | null {
	if (typeof raw !== 'string') return null;
	const s = raw.trim().slice(0, 500);
	return s || null;
}

/** Publishes a record (it becomes visible to its audience). */
export async function publish(db: Db, id: number, actor: Actor): Promise<void> {
	await update(db, id, { status: 'published' }, actor, 'publication.publish');
}

/**
 * Withdraws a record: it disappears from public view but is never deleted — its files, loans
 * and history stay, and a librarian can publish it again.
 */
export async function withdraw(
	db: Db,
	id: number,
	reason: string | null,
	actor: Actor
): Promise<void> {
	await update(
		db,
		id,
		{ status: 'withdrawn', withdrawnReason: reason ?? '' },
		actor,
		'publication.withdraw'
	);
}

/** The next issue of a series after its latest one (same volume while the year is the same). */
export async function nextIssueDefaults(db: Db, slug: string): Promise<Record<string, string>> {
	const series = await db
		.selectFrom('series')
		.select(['id', 'slug', 'title', 'issn', 'publisher'])
		.where('slug', '=', slug)
		.executeTakeFirst();
	if (!series) throw new NotFound('error.seriesNotFound');
	const last = await db
		.selectFrom('publications')
		.select(['volume', 'issue_number', 'year', 'language', 'access', 'call_number'])
		.where('series_id', '=', series.id)
		.orderBy('volume', 'desc')
		.orderBy('issue_number', 'desc')
		.limit(1)
		.executeTakeFirst();
	const thisYear = new Date().getUTCFullYear();
	const out: Record<string, string> = {
		type: 'magazine_issue',
		series: series.slug,
		year: String(thisYear)
	};
	if (series.issn) out.issn = series.issn;
	if (series.publisher) out.publisher = series.publisher;
	if (last?.volume) {
		const newVolume = last.year !== null && last.year < thisYear;
		out.volume = String(newVolume ? last.volume + (thisYear - last.year!) : last.volume);
		out.issue = String(newVolume ? 1 : (last.issue_number ?? 0) + 1);
		out.language = last.language;
		out.access = last.access;
		if (last.call_number) out.callNumber = last.call_number;
	}
	return out;
}

/**
 * Subject names starting with (or containing) the typed text, for autocomplete — only subjects
 * of records the viewer may see, so a heading used only on internal records stays unseen.
 */
export async function suggestSubjects(
	db: Db,
	viewer: Viewer,
	q: string,
	limit = 10
): Promise<string[]> {
	const key = subjectKey(q).replace(/[\\%_]/g, (c) => `\\${c}`);
	if (!key) return [];
	const rows = await db
		.selectFrom('subjects')
		.select('name')
		.where(({ exists, selectFrom }) =>
			exists(
				selectFrom('publication_subjects as ps')
					.innerJoin('publications', 'publications.id', 'ps.publication_id')
					.select(sql`1`.as('one'))
					.whereRef('ps.subject_id', '=', 'subjects.id')
					.where(visibleTo(viewer))
			)
		)
		.where(sql<boolean>`name_key like ${`%${key}%`} escape '\\'`)
		.orderBy(sql`case when name_key like ${`${key}%`} escape '\\' then 0 else 1 end`)
		.orderBy('name')
		.limit(limit)
		.execute();
	return rows.map((r) => r.name);
}

/** Every series (slug and title) for the cataloguing form. */
export async function allSeries(db: Db) {
	return db.selectFrom('series').select(['slug', 'title']).orderBy('title').execute();
}

/** Every file version of a publication, newest first (old versions are kept). */
export async function fileVersions(db: Db, id: number) {
	return db
		.selectFrom('files')
		.select([
			'id',
			'version',
			'is_current',
			'sha256',
			'bytes',
			'pages',
			'has_text_layer',
			'original_name',
			'created_at'
		])
		.where('publication_id', '=', id)
		.orderBy('version', 'desc')
		.execute();
}

/** A record's audit trail with the actor's name, newest first. */
export async function history(db: Db, id: number, limit = 50) {
	return db
		.selectFrom('audit_log')
		.leftJoin('users', 'users.id', 'audit_log.actor_id')
		.select([
			'audit_log.id',
			'audit_log.at',
			'audit_log.action',
			'audit_log.before',
			'audit_log.after',
			'users.name as actor'
		])
		.where('audit_log.entity', '=', 'publication')
		.where('audit_log.entity_id', '=', String(id))
		.orderBy('audit_log.id', 'desc')
		.limit(limit)
		.execute();
}
