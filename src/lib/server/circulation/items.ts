import type { Kysely } from 'kysely';
import type { Database, ItemStatus } from '../db/schema.ts';
import * as audit from '../audit.ts';
import { addItem } from '../catalog/records.ts';
import { immediate, refused } from './tx.ts';
import { processQueue, type Actor } from './holds.ts';

/** A physical copy as the desk and the API see it. */
export interface ItemView {
	id: number;
	publicationId: number;
	barcode: string;
	location: string | null;
	callNumber: string | null;
	condition: string;
	status: ItemStatus;
}

const BARCODE = /^[A-Za-z0-9][A-Za-z0-9._/-]{1,63}$/;

/**
 * Adds a copy of a publication (librarians). Barcodes are unique (409 `barcode_taken`) and
 * scanner-friendly (letters, digits, `.-_/`). A new copy may serve a waiting hold at once.
 */
export async function create(
	db: Kysely<Database>,
	input: { publicationId: number; barcode: string; location?: string | null; condition?: string },
	actor: Actor,
	now: Date = new Date()
): Promise<ItemView> {
	const barcode = String(input.barcode ?? '').trim();
	if (!BARCODE.test(barcode)) throw refused('invalid_barcode', {}, 400);
	const id = await immediate(db, async (tx) => {
		const pub = await tx
			.selectFrom('publications')
			.select(['id', 'call_number'])
			.where('id', '=', input.publicationId)
			.executeTakeFirst();
		if (!pub) throw refused('publication_not_found', {}, 404);
		const taken = await tx
			.selectFrom('items')
			.select('id')
			.where('barcode', '=', barcode)
			.executeTakeFirst();
		if (taken) throw refused('barcode_taken', { barcode });
		const itemId = await addItem(tx, pub.id, {
			barcode,
			location: input.location?.trim() || null,
			callNumber: pub.call_number
		});
		if (input.condition)
			await tx
				.updateTable('items')
				.set({ condition: input.condition.slice(0, 100) })
				.where('id', '=', itemId)
				.execute();
		await audit.record(tx, {
			actorId: actor.id,
			action: 'item.create',
			entity: 'item',
			entityId: itemId,
			after: { publicationId: pub.id, barcode, location: input.location ?? null },
			ip: actor.ip
		});
		await processQueue(tx, pub.id, 'physical', now);
		return itemId;
	});
	return (await byId(db, id))!;
}

function toView(r: {
	id: number;
	publication_id: number;
	barcode: string;
	location: string | null;
	call_number: string | null;
	condition: string;
	status: ItemStatus;
}): ItemView {
	return {
		id: r.id,
		publicationId: r.publication_id,
		barcode: r.barcode,
		location: r.location,
		callNumber: r.call_number,
		condition: r.condition,
		status: r.status
	};
}

/** One item by id, or null. */
export async function byId(db: Kysely<Database>, id: number): Promise<ItemView | null> {
	const r = await db.selectFrom('items').selectAll().where('id', '=', id).executeTakeFirst();
	return r ? toView(r) : null;
}

/** One item by barcode, or null. */
export async function byBarcode(db: Kysely<Database>, barcode: string): Promise<ItemView | null> {
	const r = await db
		.selectFrom('items')
		.selectAll()
		.where('barcode', '=', barcode.trim())
		.executeTakeFirst();
	return r ? toView(r) : null;
}

/** The copies of a publication, in barcode order. */
export async function listForPublication(
	db: Kysely<Database>,
	publicationId: number
): Promise<ItemView[]> {
	const rows = await db
		.selectFrom('items')
		.selectAll()
		.where('publication_id', '=', publicationId)
		.orderBy('barcode')
		.execute();
	return rows.map(toView);
}
