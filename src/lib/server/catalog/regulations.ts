import { sql, type Kysely } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Database } from '../db/schema.ts';
import { charCode, integerList } from '../db/dialect.ts';
import { canSeePublication, type AccessFacts, type Viewer } from '../access.ts';
import { Invalid } from '../errors.ts';
import {
	effectiveStatus,
	kindLabel,
	numberKey,
	type RegulationFacts,
	type RegulationRef,
	type RelationInput,
	type RelationKind
} from '../../regulations.ts';

/**
 * Regulations (JDIHN): the facts of regulation records, the "amends" / "revokes" relations
 * between them and the status rule (interop/ maps them to Dublin Core, schema.org and CSL).
 *
 * A relation reveals the record at its other end, so every related record passes the access
 * policy (`canSeePublication`) for the viewer before it is listed or counted: a hidden
 * regulation never shows through a relation, and it never turns a visible one `dicabut`.
 */

/** A connection inside a write transaction (see db/write.js). */
type Tx = Kysely<Database>;

type RelatedRow = AccessFacts & {
	this_id: number;
	other_id: number;
	relation: RelationKind;
	title: string;
	regulation_number: string | null;
	regulation_kind: string | null;
};

/**
 * The regulation facts of the given records that are regulations, as `viewer` may see them:
 * related regulations are listed only when the viewer may see them, and only published ones
 * among those count for the derived status. Records that are not regulations are left out of
 * the map. One query for the records and one per direction for the relations, however many ids.
 */
export async function regulationFacts(
	db: Db | Tx,
	ids: number[],
	viewer: Viewer
): Promise<Map<number, RegulationFacts>> {
	const out = new Map<number, RegulationFacts>();
	if (ids.length === 0) return out;
	const rows = await db
		.selectFrom('publications')
		.select([
			'id',
			'year',
			'regulation_number',
			'regulation_kind',
			'enacted_date',
			'promulgated_date',
			'enacted_place',
			'legal_field',
			'regulation_status'
		])
		.where('type', '=', 'regulation')
		.where('id', 'in', integerList(db, ids))
		.execute();
	if (rows.length === 0) return out;
	const regIds = rows.map((r) => r.id);
	const related = async (direction: 'outgoing' | 'incoming'): Promise<RelatedRow[]> => {
		const [mine, other] =
			direction === 'outgoing'
				? (['rr.source_id', 'rr.target_id'] as const)
				: (['rr.target_id', 'rr.source_id'] as const);
		return db
			.selectFrom('regulation_relations as rr')
			.innerJoin('publications as p', 'p.id', other)
			.select([
				`${mine} as this_id` as 'rr.source_id as this_id',
				'p.id as other_id',
				'rr.kind as relation',
				'p.title',
				'p.regulation_number',
				'p.regulation_kind',
				'p.access',
				'p.status',
				'p.embargo_until',
				'p.digital_copies'
			])
			.where(mine, 'in', integerList(db, regIds))
			.orderBy(sql`coalesce(p.enacted_date, p.published_date, p.year || '')`)
			.orderBy('p.id')
			.execute();
	};
	const [outgoing, incoming] = await Promise.all([related('outgoing'), related('incoming')]);
	const ref = (r: RelatedRow): RegulationRef => ({
		id: r.other_id,
		title: r.title,
		number: r.regulation_number,
		kind: r.regulation_kind
	});
	// Only what the viewer may see is listed, whichever direction the relation points.
	const visible = (list: RelatedRow[]) => list.filter((r) => canSeePublication(viewer, r));
	const out_ = visible(outgoing);
	const in_ = visible(incoming);
	for (const r of rows) {
		const mine = (list: RelatedRow[], kind: RelationKind) =>
			list.filter((x) => x.this_id === r.id && x.relation === kind);
		const revokedBy = mine(in_, 'revokes');
		const amendedBy = mine(in_, 'amends');
		// A draft or withdrawn regulation staff can see does not change the law.
		const counts = (list: RelatedRow[]) => list.filter((x) => x.status === 'published').length;
		out.set(r.id, {
			kind: r.regulation_kind,
			kindLabel: kindLabel(r.regulation_kind, 'id'),
			number: r.regulation_number,
			year: r.year,
			enactedDate: r.enacted_date,
			promulgatedDate: r.promulgated_date,
			enactedPlace: r.enacted_place,
			legalField: r.legal_field,
			...effectiveStatus(r.regulation_status, counts(revokedBy), counts(amendedBy)),
			amends: mine(out_, 'amends').map(ref),
			revokes: mine(out_, 'revokes').map(ref),
			amendedBy: amendedBy.map(ref),
			revokedBy: revokedBy.map(ref)
		});
	}
	return out;
}

/** A record's own relations as the form and the API edit them (target by number, else id). */
export async function relationsOf(db: Db | Tx, id: number): Promise<RelationInput[]> {
	const rows = await db
		.selectFrom('regulation_relations as rr')
		.innerJoin('publications as p', 'p.id', 'rr.target_id')
		.select(['rr.kind', 'p.id', 'p.regulation_number'])
		.where('rr.source_id', '=', id)
		.orderBy('rr.id')
		.execute();
	// A number shared by two records cannot name either: such a target is written by id.
	const keys = rows.map((r) => (r.regulation_number ? numberKey(r.regulation_number) : null));
	const shared = new Set(
		(
			await Promise.all(
				keys.map(async (k) => (k && (await idsWithNumber(db, k)).length > 1 ? k : null))
			)
		).filter((k): k is string => k !== null)
	);
	return rows.map((r, i) => ({
		kind: r.kind,
		id: keys[i] && !shared.has(keys[i]) ? null : r.id,
		number: keys[i] && !shared.has(keys[i]) ? r.regulation_number : null
	}));
}

/** Regulation records whose number matches `key` (see `numberKey`). */
async function idsWithNumber(db: Db | Tx, key: string): Promise<number[]> {
	const rows = await db
		.selectFrom('publications')
		.select('id')
		.where('type', '=', 'regulation')
		.where(
			sql<string>`lower(replace(replace(replace(regulation_number, ' ', ''), ${charCode(db, 9)}, ''), ${charCode(db, 160)}, ''))`,
			'=',
			key
		)
		.execute();
	return rows.map((r) => r.id);
}

function refused(key: string, params: Record<string, string | number> = {}): Invalid {
	return new Invalid('error.invalid', { relations: key }, params);
}

/**
 * Replaces the relations of regulation `sourceId` with `relations`, inside the caller's write
 * transaction (so the record and its relations commit or roll back together). Each target is
 * found by id or by number and must be another regulation record; a number two records share
 * must be given by id. A `revokes` chain may not lead back to the record itself. Throws
 * Invalid with a `relations` field error naming the offending target; nothing is written then.
 */
export async function setRelations(
	tx: Tx,
	sourceId: number,
	relations: RelationInput[]
): Promise<void> {
	const source = await tx
		.selectFrom('publications')
		.select('type')
		.where('id', '=', sourceId)
		.executeTakeFirst();
	if (source?.type !== 'regulation') {
		if (relations.length > 0)
			throw refused('validation.relationNotRegulation', { target: `#${sourceId}` });
		// A record other regulations amend or revoke stays a regulation: changing its type would
		// leave their relations pointing at a book.
		const incoming = await tx
			.selectFrom('regulation_relations')
			.select('id')
			.where('target_id', '=', sourceId)
			.executeTakeFirst();
		if (incoming) throw new Invalid('error.invalid', { type: 'validation.typeHasRelations' });
		await tx.deleteFrom('regulation_relations').where('source_id', '=', sourceId).execute();
		return;
	}
	const resolved: { kind: RelationKind; target: number }[] = [];
	for (const r of relations) {
		const label = r.number ?? `#${r.id}`;
		let target: number;
		if (r.id !== null) {
			const row = await tx
				.selectFrom('publications')
				.select(['id', 'type'])
				.where('id', '=', r.id)
				.executeTakeFirst();
			if (!row) throw refused('validation.relationUnknown', { target: label });
			if (row.type !== 'regulation')
				throw refused('validation.relationNotRegulation', { target: label });
			target = row.id;
		} else {
			const ids = await idsWithNumber(tx, numberKey(r.number ?? ''));
			if (ids.length === 0) throw refused('validation.relationUnknown', { target: label });
			if (ids.length > 1) throw refused('validation.relationAmbiguous', { target: label });
			target = ids[0];
		}
		if (target === sourceId) throw refused('validation.relationSelf', { target: label });
		if (!resolved.some((x) => x.kind === r.kind && x.target === target))
			resolved.push({ kind: r.kind, target });
	}
	await tx.deleteFrom('regulation_relations').where('source_id', '=', sourceId).execute();
	if (resolved.length === 0) return;
	await tx
		.insertInto('regulation_relations')
		.values(resolved.map((r) => ({ source_id: sourceId, target_id: r.target, kind: r.kind })))
		.execute();
	// No regulation may (directly or through others) revoke itself: follow `revokes` from the
	// record's new targets and refuse if the walk comes back to it.
	const cycle = await sql<{ id: number }>`
		with recursive reach(id) as (
			select target_id from regulation_relations where source_id = ${sourceId} and kind = 'revokes'
			union
			select rr.target_id from regulation_relations rr join reach on rr.source_id = reach.id
			where rr.kind = 'revokes'
		)
		select id from reach where id = ${sourceId} limit 1`.execute(tx);
	if (cycle.rows.length > 0) throw refused('validation.relationCycle');
}

/**
 * Every regulation record (id, number, title), newest first, for the cataloguing form's
 * relation suggestions. Staff only — it lists records of every status and access level.
 */
export async function regulationOptions(db: Db, limit = 5000) {
	const rows = await db
		.selectFrom('publications')
		.select(['id', 'regulation_number as number', 'title'])
		.where('type', '=', 'regulation')
		.orderBy('id', 'desc')
		.limit(limit)
		.execute();
	return rows;
}
