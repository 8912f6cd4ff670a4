import type { Kysely } from 'kysely';
import type { Database, ItemStatus } from '../db/schema.ts';
import * as audit from '../audit.ts';
import { DomainError } from '../errors.ts';
import { addItem } from '../catalog/records.ts';
import { refused } from './tx.ts';
import { writeTransaction } from '../db/write.js';
import { processQueue, type Actor } from './holds.ts';
import type { Viewer } from '../access.ts';
import { actingViewer, isVisible, visiblePublication } from './visibility.ts';

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

/** Statuses a librarian may set by hand; `on_loan` and `on_hold_shelf` belong to circulation. */
export const SETTABLE_STATUSES = ['available', 'lost', 'damaged', 'withdrawn'] as const;
export type SettableStatus = (typeof SETTABLE_STATUSES)[number];
const IN_CIRCULATION: readonly ItemStatus[] = ['on_loan', 'on_hold_shelf'];

/** Shelf location: free text up to 200 characters, empty = none (400 `invalid_location`). */
function cleanLocation(raw: string | null | undefined): string | null {
	const v = (raw ?? '').trim();
	if (v.length > 200) throw refused('invalid_location', {}, 400);
	return v || null;
}

/** Condition: free text up to 100 characters, empty = 'good' (400 `invalid_condition`). */
function cleanCondition(raw: string | null | undefined): string {
	const v = (raw ?? '').trim();
	if (v.length > 100) throw refused('invalid_condition', {}, 400);
	return v || 'good';
}

function notFound(): DomainError {
	return new DomainError(404, 'item_not_found', 'circ.error.item_unknown');
}

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
	const location = cleanLocation(input.location);
	const condition = input.condition === undefined ? undefined : cleanCondition(input.condition);
	const id = await writeTransaction(db, async (tx) => {
		const viewer = await actingViewer(tx, actor.id);
		const pub = await visiblePublication(tx, viewer, input.publicationId, now);
		const taken = await tx
			.selectFrom('items')
			.select('id')
			.where('barcode', '=', barcode)
			.executeTakeFirst();
		if (taken) throw refused('barcode_taken', { barcode });
		const itemId = await addItem(tx, pub.id, {
			barcode,
			location,
			callNumber: pub.call_number
		});
		if (condition !== undefined)
			await tx.updateTable('items').set({ condition }).where('id', '=', itemId).execute();
		await audit.record(tx, {
			actorId: actor.id,
			action: 'item.create',
			entity: 'item',
			entityId: itemId,
			after: { publicationId: pub.id, barcode, location, condition: condition ?? 'good' },
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

/** What a librarian may change on a copy; absent fields stay as they are. */
export interface ItemChange {
	location?: string | null;
	condition?: string | null;
	status?: string;
}

/**
 * Changes a copy's shelf location, condition or status (librarians), in one transaction with
 * an audit entry (`item.update`, before → after of the changed fields). By hand a copy may
 * become available, lost, damaged or withdrawn (else 400 `invalid_status`); a copy on loan or
 * on the hold shelf keeps its status until it is checked in or its hold ends (409
 * `item_in_circulation`). A copy that becomes available again is offered to the hold queue at
 * once, so it may end up on the hold shelf.
 */
export async function update(
	db: Kysely<Database>,
	itemId: number,
	change: ItemChange,
	actor: Actor,
	now: Date = new Date()
): Promise<ItemView> {
	const wanted: { location?: string | null; condition?: string; status?: SettableStatus } = {};
	if (change.location !== undefined) wanted.location = cleanLocation(change.location);
	if (change.condition !== undefined) wanted.condition = cleanCondition(change.condition);
	if (change.status !== undefined) {
		const status = String(change.status);
		if (!(SETTABLE_STATUSES as readonly string[]).includes(status))
			throw refused('invalid_status', { status }, 400);
		wanted.status = status as SettableStatus;
	}
	await writeTransaction(db, async (tx) => {
		const item = await tx
			.selectFrom('items')
			.select(['id', 'publication_id', 'location', 'condition', 'status'])
			.where('id', '=', itemId)
			.executeTakeFirst();
		if (!item) throw notFound();
		const before: Record<string, unknown> = {};
		const after: Record<string, unknown> = {};
		for (const key of ['location', 'condition', 'status'] as const) {
			if (wanted[key] === undefined || wanted[key] === item[key]) continue;
			before[key] = item[key];
			after[key] = wanted[key];
		}
		if ('status' in after && IN_CIRCULATION.includes(item.status))
			throw refused('item_in_circulation', { status: item.status });
		if (!Object.keys(after).length) return;
		await tx
			.updateTable('items')
			.set({ ...after, updated_at: now.toISOString() })
			.where('id', '=', item.id)
			.execute();
		await audit.record(tx, {
			actorId: actor.id,
			action: 'item.update',
			entity: 'item',
			entityId: item.id,
			before,
			after,
			ip: actor.ip
		});
		if (after.status === 'available') await processQueue(tx, item.publication_id, 'physical', now);
	});
	return (await byId(db, itemId))!;
}

/** One item by id, or a 404 `item_not_found`. */
export async function get(db: Kysely<Database>, id: number): Promise<ItemView> {
	const item = await byId(db, id);
	if (!item) throw notFound();
	return item;
}

/**
 * A copy looked up by id or barcode for a viewer: a copy of a record the viewer may not see is
 * 404 `item_not_found`, exactly like one that does not exist (the policy first, see
 * visibility.ts).
 */
export async function findFor(
	db: Kysely<Database>,
	viewer: Viewer,
	by: { id: number } | { barcode: string },
	now: Date = new Date()
): Promise<ItemView> {
	const item = 'id' in by ? await byId(db, by.id) : await byBarcode(db, by.barcode);
	if (!item || !(await isVisible(db, viewer, item.publicationId, now)))
		throw 'id' in by ? notFound() : refused('item_not_found', {}, 404);
	return item;
}

/** The copies of a publication the viewer may see (404 `publication_not_found` otherwise). */
export async function listFor(
	db: Kysely<Database>,
	viewer: Viewer,
	publicationId: number,
	now: Date = new Date()
): Promise<ItemView[]> {
	await visiblePublication(db, viewer, publicationId, now);
	return listForPublication(db, publicationId);
}

/** A copy with who has it: the open loan, or the member it waits for on the hold shelf. */
export interface ItemWithCirculation extends ItemView {
	loan: { id: number; memberName: string; nip: string | null; dueAt: string } | null;
	hold: { id: number; memberName: string; pickupUntil: string | null } | null;
}

/** The copies of a publication with their open loan or ready hold, for the staff page. */
export async function listWithCirculation(
	db: Kysely<Database>,
	publicationId: number
): Promise<ItemWithCirculation[]> {
	const copies = await listForPublication(db, publicationId);
	if (!copies.length) return [];
	const ids = copies.map((c) => c.id);
	const loans = await db
		.selectFrom('loans as l')
		.innerJoin('users as u', 'u.id', 'l.user_id')
		.select(['l.id', 'l.item_id', 'l.due_at', 'u.name', 'u.nip'])
		.where('l.item_id', 'in', ids)
		.where('l.returned_at', 'is', null)
		.execute();
	const holds = await db
		.selectFrom('holds as h')
		.innerJoin('users as u', 'u.id', 'h.user_id')
		.select(['h.id', 'h.item_id', 'h.pickup_until', 'u.name'])
		.where('h.item_id', 'in', ids)
		.where('h.ready_at', 'is not', null)
		.where('h.fulfilled_at', 'is', null)
		.where('h.cancelled_at', 'is', null)
		.where('h.expired_at', 'is', null)
		.execute();
	return copies.map((c) => {
		const l = loans.find((r) => r.item_id === c.id);
		const h = holds.find((r) => r.item_id === c.id);
		return {
			...c,
			loan: l ? { id: l.id, memberName: l.name, nip: l.nip, dueAt: l.due_at } : null,
			hold: h ? { id: h.id, memberName: h.name, pickupUntil: h.pickup_until } : null
		};
	});
}
