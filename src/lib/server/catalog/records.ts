import type { Transaction } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Database } from '../db/schema.ts';
import { Invalid } from '../errors.ts';
import * as audit from '../audit.ts';
import { validatePublication, type PublicationInput } from '../../schemas/publication.ts';
import { subjectKey } from './publications.ts';

type Tx = Transaction<Database>;

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
 * Creates a publication from validated input inside the caller's transaction (so a file
 * attached in the same request commits or rolls back with it). Audited.
 */
export async function createInTx(tx: Tx, input: PublicationInput, actor: Actor): Promise<number> {
	const now = new Date().toISOString();
	const row = await tx
		.insertInto('publications')
		.values({
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
			series_id: await seriesId(tx, input.seriesSlug),
			volume: input.volume,
			issue_number: input.issue,
			call_number: input.callNumber,
			access: input.access,
			embargo_until: input.embargoUntil,
			status: input.status,
			downloadable: input.downloadable ? 1 : 0,
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
	return db.transaction().execute((tx) => createInTx(tx, result.value, actor));
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
