import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import * as audit from '../audit.ts';
import { dueDate, policyFor } from './policies.ts';
import { refused } from './tx.ts';
import { writeTransaction } from '../db/write.js';
import { borrower } from './members.ts';
import { canSeePublication, type Viewer } from '../access.ts';
import { DomainError } from '../errors.ts';
import { actingViewer, titleFor, visiblePublication } from './visibility.ts';

type Kind = 'physical' | 'digital';

/** Who acted and from where, for the audit log. */
export interface Actor {
	id: number | null;
	ip?: string | null;
}

/**
 * Digital loans past their due date end by themselves: the row gets its closing timestamp
 * (`returned_at` = the moment it expired), never deleted. Counting uses `due_at > now` anyway,
 * so correctness never depends on this sweep having run.
 */
export async function expireDigitalLoans(
	tx: Kysely<Database>,
	publicationId: number | null,
	now: Date
): Promise<number> {
	let q = tx
		.selectFrom('loans')
		.select(['id', 'due_at', 'user_id', 'publication_id'])
		.where('kind', '=', 'digital')
		.where('returned_at', 'is', null)
		.where('due_at', '<=', now.toISOString());
	if (publicationId !== null) q = q.where('publication_id', '=', publicationId);
	const expired = await q.execute();
	for (const l of expired) {
		await tx
			.updateTable('loans')
			.set({ returned_at: l.due_at })
			.where('id', '=', l.id)
			.where('returned_at', 'is', null)
			.execute();
		await audit.record(tx, {
			actorId: null,
			action: 'loan.digital_expired',
			entity: 'loan',
			entityId: l.id,
			after: { userId: l.user_id, publicationId: l.publication_id, returnedAt: l.due_at }
		});
	}
	return expired.length;
}

/** Digital copies of a publication not lent and not reserved for someone on the hold shelf. */
export async function freeDigitalCopies(
	tx: Kysely<Database>,
	publicationId: number,
	now: Date
): Promise<number> {
	const pub = await tx
		.selectFrom('publications')
		.select('digital_copies')
		.where('id', '=', publicationId)
		.executeTakeFirst();
	const total = pub?.digital_copies ?? 0;
	const lent = await tx
		.selectFrom('loans')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('publication_id', '=', publicationId)
		.where('kind', '=', 'digital')
		.where('returned_at', 'is', null)
		.where('due_at', '>', now.toISOString())
		.executeTakeFirstOrThrow();
	const reserved = await readyHolds(tx, publicationId, 'digital');
	return Math.max(0, total - Number(lent.n) - reserved.length);
}

function activeHolds(tx: Kysely<Database>, publicationId: number, kind: Kind) {
	return tx
		.selectFrom('holds')
		.selectAll()
		.where('publication_id', '=', publicationId)
		.where('kind', '=', kind)
		.where('fulfilled_at', 'is', null)
		.where('cancelled_at', 'is', null)
		.where('expired_at', 'is', null);
}

function readyHolds(tx: Kysely<Database>, publicationId: number, kind: Kind) {
	return activeHolds(tx, publicationId, kind).where('ready_at', 'is not', null).execute();
}

/**
 * Brings a title's queue up to date at `now`, inside the caller's transaction: ready holds whose
 * pickup deadline passed expire (their copy goes back or to the next person), expired digital
 * loans end, and every free copy is offered to the longest-waiting member (FIFO by placed_at,
 * then id). Called lazily by every circulation action on the title and by `processAll`.
 * Returns the holds that became ready, so the desk can say "put it on the hold shelf for X".
 */
export async function processQueue(
	tx: Kysely<Database>,
	publicationId: number,
	kind: Kind,
	now: Date
): Promise<{ holdId: number; userId: number; itemId: number | null; pickupUntil: string }[]> {
	const iso = now.toISOString();
	// 1. Pickup deadlines that passed.
	const lapsed = await activeHolds(tx, publicationId, kind)
		.where('ready_at', 'is not', null)
		.where('pickup_until', '<', iso)
		.execute();
	for (const h of lapsed) {
		await tx.updateTable('holds').set({ expired_at: iso }).where('id', '=', h.id).execute();
		if (h.item_id !== null) {
			await tx
				.updateTable('items')
				.set({ status: 'available', updated_at: iso })
				.where('id', '=', h.item_id)
				.where('status', '=', 'on_hold_shelf')
				.execute();
		}
		await audit.record(tx, {
			actorId: null,
			action: 'hold.expired',
			entity: 'hold',
			entityId: h.id,
			after: { pickupUntil: h.pickup_until, itemId: h.item_id }
		});
	}
	if (kind === 'digital') await expireDigitalLoans(tx, publicationId, now);

	// 2. Offer free copies to the queue, oldest first.
	const waiting = await activeHolds(tx, publicationId, kind)
		.where('ready_at', 'is', null)
		.orderBy('placed_at')
		.orderBy('id')
		.execute();
	if (!waiting.length) return [];
	const pub = await tx
		.selectFrom('publications')
		.select('type')
		.where('id', '=', publicationId)
		.executeTakeFirstOrThrow();
	const made: { holdId: number; userId: number; itemId: number | null; pickupUntil: string }[] = [];
	let free: number[] | number;
	if (kind === 'physical') {
		free = (
			await tx
				.selectFrom('items')
				.select('id')
				.where('publication_id', '=', publicationId)
				.where('status', '=', 'available')
				.orderBy('id')
				.execute()
		).map((r) => r.id);
	} else {
		free = await freeDigitalCopies(tx, publicationId, now);
	}
	for (const h of waiting) {
		const itemId = Array.isArray(free) ? (free.shift() ?? null) : null;
		if (Array.isArray(free) ? itemId === null : free <= 0) break;
		if (!Array.isArray(free)) free--;
		const user = await tx
			.selectFrom('users')
			.select('member_type')
			.where('id', '=', h.user_id)
			.executeTakeFirstOrThrow();
		const policy = await policyFor(tx, user.member_type, kind === 'digital' ? 'digital' : pub.type);
		const pickupUntil = (await dueDate(tx, now, policy.holdPickupDays)).toISOString();
		await tx
			.updateTable('holds')
			.set({ ready_at: iso, pickup_until: pickupUntil, item_id: itemId })
			.where('id', '=', h.id)
			.execute();
		if (itemId !== null) {
			await tx
				.updateTable('items')
				.set({ status: 'on_hold_shelf', updated_at: iso })
				.where('id', '=', itemId)
				.execute();
		}
		await audit.record(tx, {
			actorId: null,
			action: 'hold.ready',
			entity: 'hold',
			entityId: h.id,
			after: { userId: h.user_id, itemId, pickupUntil }
		});
		made.push({ holdId: h.id, userId: h.user_id, itemId, pickupUntil });
	}
	return made;
}

/**
 * The periodic check: brings every title with an open hold or an expiring digital loan up to
 * date. Cheap when nothing is due; the desk and "My loans" call it on load, so deadlines are
 * honoured even when nobody touches the title itself.
 */
export async function processAll(db: Kysely<Database>, now: Date): Promise<void> {
	const iso = now.toISOString();
	const due = await db
		.selectFrom('holds')
		.select(['publication_id', 'kind'])
		.where('fulfilled_at', 'is', null)
		.where('cancelled_at', 'is', null)
		.where('expired_at', 'is', null)
		// Only titles where something can happen: a lapsed pickup, a waiting digital hold, or a
		// waiting physical hold with a copy on the shelf — so a long queue costs nothing per page.
		.where((eb) =>
			eb.or([
				eb('pickup_until', '<', iso),
				eb.and([eb('ready_at', 'is', null), eb('kind', '=', 'digital')]),
				eb.and([
					eb('ready_at', 'is', null),
					eb.exists(
						eb
							.selectFrom('items')
							.select('items.id')
							.whereRef('items.publication_id', '=', 'holds.publication_id')
							.where('items.status', '=', 'available')
					)
				])
			])
		)
		.union(
			db
				.selectFrom('loans')
				.select(['publication_id', 'kind'])
				.where('kind', '=', 'digital')
				.where('returned_at', 'is', null)
				.where('due_at', '<=', iso)
		)
		.execute();
	const seen = new Set<string>();
	for (const r of due) {
		const key = `${r.publication_id}:${r.kind}`;
		if (seen.has(key)) continue;
		seen.add(key);
		await writeTransaction(db, (tx) => processQueue(tx, r.publication_id, r.kind, now));
	}
}

/** The hold as members and the desk see it. */
export interface HoldView {
	id: number;
	kind: Kind;
	publicationId: number;
	/** Null while the member may not see the record (see visibility.ts). */
	title: string | null;
	userId: number;
	placedAt: string;
	readyAt: string | null;
	pickupUntil: string | null;
	barcode: string | null;
	/** 1 = next in line; null once ready (the copy is waiting on the shelf). */
	position: number | null;
	status: 'waiting' | 'ready' | 'fulfilled' | 'cancelled' | 'expired';
}

/** The 1-based place of a waiting hold in its title's queue. */
async function positionOf(
	db: Kysely<Database>,
	h: { id: number; publication_id: number; kind: Kind; placed_at: string }
): Promise<number> {
	const ahead = await activeHolds(db, h.publication_id, h.kind)
		.clearSelect()
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('ready_at', 'is', null)
		.where((eb) =>
			eb.or([
				eb('placed_at', '<', h.placed_at),
				eb.and([eb('placed_at', '=', h.placed_at), eb('id', '<', h.id)])
			])
		)
		.executeTakeFirstOrThrow();
	return Number(ahead.n) + 1;
}

/**
 * A member's holds (open ones first), with queue positions, as `viewer` may see them: the member
 * themselves, or staff at the desk (titles of records hidden from the viewer are null).
 */
export async function listForMember(
	db: Kysely<Database>,
	userId: number,
	opts: { viewer: Viewer; openOnly?: boolean; now?: Date }
): Promise<HoldView[]> {
	const now = opts.now ?? new Date();
	let q = db
		.selectFrom('holds as h')
		.innerJoin('publications as p', 'p.id', 'h.publication_id')
		.leftJoin('items as i', 'i.id', 'h.item_id')
		.selectAll('h')
		.select([
			'p.title',
			'p.access',
			'p.status as publication_status',
			'p.embargo_until',
			'p.digital_copies',
			'i.barcode'
		])
		.where('h.user_id', '=', userId);
	if (opts.openOnly)
		q = q
			.where('h.fulfilled_at', 'is', null)
			.where('h.cancelled_at', 'is', null)
			.where('h.expired_at', 'is', null);
	const rows = await q.orderBy('h.placed_at', 'desc').orderBy('h.id', 'desc').execute();
	const out: HoldView[] = [];
	for (const r of rows) {
		const status = r.fulfilled_at
			? 'fulfilled'
			: r.cancelled_at
				? 'cancelled'
				: r.expired_at
					? 'expired'
					: r.ready_at
						? 'ready'
						: 'waiting';
		out.push({
			id: r.id,
			kind: r.kind,
			publicationId: r.publication_id,
			title: titleFor(opts.viewer, { ...r, status: r.publication_status }, now),
			userId: r.user_id,
			placedAt: r.placed_at,
			readyAt: r.ready_at,
			pickupUntil: r.pickup_until,
			barcode: r.barcode,
			position: status === 'waiting' ? await positionOf(db, r) : null,
			status
		});
	}
	return out;
}

/**
 * Places a hold (reservation) for a member on a title: only when no copy is free (else 409
 * `copy_available`: borrow it instead), not twice (`already_held`), not for a title the member
 * already has (`already_on_loan`). Digital holds need a lendable record (`not_lendable`).
 * First of all the actor must be allowed to see the record (a member placing their own hold;
 * staff, who see everything, placing one for a member): else 404 `publication_not_found`,
 * exactly as for a record that does not exist.
 */
export async function place(
	db: Kysely<Database>,
	input: { publicationId: number; userId: number; kind?: Kind },
	actor: Actor,
	now: Date = new Date()
): Promise<HoldView> {
	const kind = input.kind ?? 'physical';
	let viewer: Viewer = null;
	const id = await writeTransaction(db, async (tx) => {
		viewer = await actingViewer(tx, actor.id);
		const pub = await visiblePublication(tx, viewer, input.publicationId, now);
		const member = await borrower(tx, { id: input.userId });
		// Staff at the desk see every record, but the hold is the member's: they must be allowed
		// to see it themselves (the same access policy as their own hold), or the desk would
		// hand them a draft or a restricted record. Said plainly to the librarian, who can see it.
		if (member.id !== actor.id) {
			const memberViewer = await actingViewer(tx, member.id);
			if (!canSeePublication(memberViewer, pub, now))
				throw new DomainError(409, 'hidden_from_member', 'counter.error.hidden_from_member');
		}
		await processQueue(tx, pub.id, kind, now);
		if (kind === 'digital' && pub.digital_copies <= 0) throw refused('not_lendable');
		if (kind === 'physical') {
			const items = await tx
				.selectFrom('items')
				.select(['status'])
				.where('publication_id', '=', pub.id)
				.execute();
			if (!items.some((i) => ['available', 'on_loan', 'on_hold_shelf'].includes(i.status)))
				throw refused('no_items');
			if (items.some((i) => i.status === 'available')) throw refused('copy_available');
		} else if ((await freeDigitalCopies(tx, pub.id, now)) > 0) {
			throw refused('copy_available');
		}
		const mine = await activeHolds(tx, pub.id, kind)
			.where('user_id', '=', member.id)
			.executeTakeFirst();
		if (mine) throw refused('already_held');
		let onLoan = tx
			.selectFrom('loans')
			.select('id')
			.where('publication_id', '=', pub.id)
			.where('user_id', '=', member.id)
			.where('kind', '=', kind)
			.where('returned_at', 'is', null);
		if (kind === 'digital') onLoan = onLoan.where('due_at', '>', now.toISOString());
		if (await onLoan.executeTakeFirst()) throw refused('already_on_loan');
		const row = await tx
			.insertInto('holds')
			.values({
				kind,
				publication_id: pub.id,
				user_id: member.id,
				placed_at: now.toISOString()
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		await audit.record(tx, {
			actorId: actor.id,
			action: 'hold.place',
			entity: 'hold',
			entityId: row.id,
			after: { publicationId: pub.id, userId: member.id, kind },
			ip: actor.ip
		});
		return row.id;
	});
	const view = (await listForMember(db, input.userId, { viewer, now })).find((h) => h.id === id);
	return view!;
}

/**
 * Cancels a hold (the member, or staff for them): closing timestamp, never a delete. A ready
 * hold's copy is offered to the next member at once.
 */
export async function cancel(
	db: Kysely<Database>,
	holdId: number,
	actor: Actor & { staff: boolean },
	now: Date = new Date()
): Promise<void> {
	await writeTransaction(db, async (tx) => {
		const h = await tx.selectFrom('holds').selectAll().where('id', '=', holdId).executeTakeFirst();
		// Someone else's hold does not exist as far as a member can tell.
		if (!h || (!actor.staff && h.user_id !== actor.id)) throw refused('hold_not_found', {}, 404);
		if (h.fulfilled_at || h.cancelled_at || h.expired_at) throw refused('hold_closed');
		const iso = now.toISOString();
		await tx.updateTable('holds').set({ cancelled_at: iso }).where('id', '=', h.id).execute();
		if (h.item_id !== null && h.ready_at) {
			await tx
				.updateTable('items')
				.set({ status: 'available', updated_at: iso })
				.where('id', '=', h.item_id)
				.where('status', '=', 'on_hold_shelf')
				.execute();
		}
		await audit.record(tx, {
			actorId: actor.id,
			action: 'hold.cancel',
			entity: 'hold',
			entityId: h.id,
			before: { readyAt: h.ready_at, itemId: h.item_id },
			ip: actor.ip
		});
		await processQueue(tx, h.publication_id, h.kind, now);
	});
}

/** Open holds of other members on a title (a renewal is refused while there are any). */
export async function othersWaiting(
	tx: Kysely<Database>,
	publicationId: number,
	kind: Kind,
	userId: number
): Promise<number> {
	const r = await activeHolds(tx, publicationId, kind)
		.clearSelect()
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('user_id', '!=', userId)
		.executeTakeFirstOrThrow();
	return Number(r.n);
}

/** The member's own open hold on a title, if any (so borrowing it fulfils the hold). */
export async function ownOpenHold(
	tx: Kysely<Database>,
	publicationId: number,
	kind: Kind,
	userId: number
) {
	return activeHolds(tx, publicationId, kind).where('user_id', '=', userId).executeTakeFirst();
}

/** Marks a hold fulfilled by a loan (closing timestamp). */
export async function fulfil(tx: Kysely<Database>, holdId: number, now: Date): Promise<void> {
	await tx
		.updateTable('holds')
		.set({ fulfilled_at: now.toISOString() })
		.where('id', '=', holdId)
		.execute();
}
