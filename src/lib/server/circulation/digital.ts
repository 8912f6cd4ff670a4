import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import * as audit from '../audit.ts';
import { policyFor } from './policies.ts';
import { refused } from './tx.ts';
import { writeTransaction } from '../db/write.js';
import { countLoan } from '../metrics.ts';
import { assertMayBorrow } from './fines.ts';
import { borrower } from './members.ts';
import {
	freeDigitalCopies,
	fulfil,
	listForMember,
	ownOpenHold,
	processQueue,
	type Actor
} from './holds.ts';
import { get, type LoanView } from './loans.ts';
import type { Viewer } from '../access.ts';
import { actingViewer, visiblePublication } from './visibility.ts';

/**
 * True when the member holds an unexpired, unreturned digital loan of the publication — the one
 * thing that opens a lendable restricted record's file to a non-librarian (see
 * `canReadContent` in access.ts).
 */
export async function hasActiveDigitalLoan(
	db: Kysely<Database>,
	userId: number,
	publicationId: number,
	now: Date = new Date()
): Promise<boolean> {
	const r = await db
		.selectFrom('loans')
		.select('id')
		.where('kind', '=', 'digital')
		.where('user_id', '=', userId)
		.where('publication_id', '=', publicationId)
		.where('returned_at', 'is', null)
		.where('due_at', '>', now.toISOString())
		.executeTakeFirst();
	return !!r;
}

/**
 * Borrows one of a lendable record's N digital copies for the policy's period (14 days by
 * default). The check "a copy is free" and the insert run in one IMMEDIATE transaction, so
 * concurrent requests — from any number of connections or processes — can never lend more than
 * N at once: the last copy goes to exactly one of them, the others get `no_copies`.
 * A member whose hold is ready (or who is first in an otherwise free queue) gets their copy.
 * Refusals: `not_lendable` (record not published or digital_copies = 0), `already_on_loan`,
 * `limit_reached`, `no_copies`, `member_inactive` — after the policy: a record the actor may not
 * see is 404 `publication_not_found`, exactly as one that does not exist.
 */
export async function borrow(
	db: Kysely<Database>,
	publicationId: number,
	userId: number,
	actor: Actor,
	now: Date = new Date()
): Promise<LoanView> {
	let viewer: Viewer = null;
	const id = await writeTransaction(db, async (tx) => {
		viewer = await actingViewer(tx, actor.id);
		const pub = await visiblePublication(tx, viewer, publicationId, now);
		const member = await borrower(tx, { id: userId });
		await assertMayBorrow(tx, member.id, now);
		const today = now.toISOString().slice(0, 10);
		if (
			pub.status !== 'published' ||
			pub.digital_copies <= 0 ||
			(pub.embargo_until && pub.embargo_until > today)
		)
			throw refused('not_lendable');
		await processQueue(tx, pub.id, 'digital', now);
		const iso = now.toISOString();
		const mine = await tx
			.selectFrom('loans')
			.select('id')
			.where('kind', '=', 'digital')
			.where('user_id', '=', member.id)
			.where('publication_id', '=', pub.id)
			.where('returned_at', 'is', null)
			.where('due_at', '>', iso)
			.executeTakeFirst();
		if (mine) throw refused('already_on_loan');
		const hold = await ownOpenHold(tx, pub.id, 'digital', member.id);
		// A ready hold already has its copy set aside; otherwise a copy must be free.
		if (!hold?.ready_at && (await freeDigitalCopies(tx, pub.id, now)) <= 0)
			throw refused('no_copies');
		const policy = await policyFor(tx, member.memberType, 'digital');
		const open = await tx
			.selectFrom('loans')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('kind', '=', 'digital')
			.where('user_id', '=', member.id)
			.where('returned_at', 'is', null)
			.where('due_at', '>', iso)
			.executeTakeFirstOrThrow();
		if (Number(open.n) >= policy.maxLoans) throw refused('limit_reached', { max: policy.maxLoans });
		// Digital loans end at the same instant of day they started: no desk to return them to.
		const due = new Date(now.getTime() + policy.loanDays * 86_400_000);
		const loan = await tx
			.insertInto('loans')
			.values({
				kind: 'digital',
				item_id: null,
				publication_id: pub.id,
				user_id: member.id,
				loaned_at: iso,
				due_at: due.toISOString(),
				checked_out_by: actor.id
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		if (hold) await fulfil(tx, hold.id, now);
		await audit.record(tx, {
			actorId: actor.id,
			action: 'loan.digital_borrow',
			entity: 'loan',
			entityId: loan.id,
			after: { publicationId: pub.id, userId: member.id, dueAt: due.toISOString() },
			ip: actor.ip
		});
		return loan.id;
	});
	countLoan('checkout', 'digital');
	return get(db, id, viewer, now);
}

/** Ends a digital loan early (the member, or staff); the copy goes to the next in line. */
export async function giveBack(
	db: Kysely<Database>,
	loanId: number,
	actor: Actor & { staff: boolean },
	now: Date = new Date()
): Promise<LoanView> {
	let viewer: Viewer = null;
	await writeTransaction(db, async (tx) => {
		viewer = await actingViewer(tx, actor.id);
		const loan = await tx
			.selectFrom('loans')
			.selectAll()
			.where('id', '=', loanId)
			.executeTakeFirst();
		if (!loan || loan.kind !== 'digital' || (!actor.staff && loan.user_id !== actor.id))
			throw refused('loan_not_found', {}, 404);
		const iso = now.toISOString();
		if (loan.returned_at || loan.due_at <= iso) throw refused('already_returned');
		await tx
			.updateTable('loans')
			.set({ returned_at: iso, returned_by: actor.id })
			.where('id', '=', loan.id)
			.where('returned_at', 'is', null)
			.execute();
		await audit.record(tx, {
			actorId: actor.id,
			action: 'loan.digital_return',
			entity: 'loan',
			entityId: loan.id,
			after: { returnedAt: iso },
			ip: actor.ip
		});
		await processQueue(tx, loan.publication_id, 'digital', now);
	});
	countLoan('return', 'digital');
	return get(db, loanId, viewer, now);
}

/** Availability of a record's digital copies at `now` (for the publication page). */
export async function availability(
	db: Kysely<Database>,
	publicationId: number,
	now: Date = new Date()
): Promise<{ copies: number; free: number; waiting: number }> {
	const pub = await db
		.selectFrom('publications')
		.select('digital_copies')
		.where('id', '=', publicationId)
		.executeTakeFirst();
	const free = await freeDigitalCopies(db, publicationId, now);
	const waiting = await db
		.selectFrom('holds')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('publication_id', '=', publicationId)
		.where('kind', '=', 'digital')
		.where('ready_at', 'is', null)
		.where('fulfilled_at', 'is', null)
		.where('cancelled_at', 'is', null)
		.where('expired_at', 'is', null)
		.executeTakeFirstOrThrow();
	return { copies: pub?.digital_copies ?? 0, free, waiting: Number(waiting.n) };
}

/**
 * Sets how many concurrent digital copies a record lends (0 = not lendable). Loans already
 * running continue to their end; lowering N only stops new ones. Audited.
 */
export async function setDigitalCopies(
	db: Kysely<Database>,
	publicationId: number,
	copies: number,
	actor: Actor,
	now: Date = new Date()
): Promise<void> {
	if (!Number.isInteger(copies) || copies < 0 || copies > 1000)
		throw refused('invalid_copies', {}, 400);
	await writeTransaction(db, async (tx) => {
		const pub = await tx
			.selectFrom('publications')
			.select(['id', 'digital_copies'])
			.where('id', '=', publicationId)
			.executeTakeFirst();
		if (!pub) throw refused('publication_not_found', {}, 404);
		if (pub.digital_copies === copies) return;
		await tx
			.updateTable('publications')
			.set({ digital_copies: copies, updated_at: now.toISOString(), updated_by: actor.id })
			.where('id', '=', pub.id)
			.execute();
		await audit.record(tx, {
			actorId: actor.id,
			action: 'publication.digital_copies',
			entity: 'publication',
			entityId: pub.id,
			before: { digitalCopies: pub.digital_copies },
			after: { digitalCopies: copies },
			ip: actor.ip
		});
		// More copies may serve people already waiting.
		await processQueue(tx, pub.id, 'digital', now);
	});
}

/** What the publication page shows about borrowing a record, for one viewer. */
export interface LendingSummary {
	physical: { total: number; free: number; waiting: number } | null;
	digital: { copies: number; free: number; waiting: number } | null;
	/** The viewer's open hold on the title (either kind), with its position. */
	myHolds: { id: number; kind: 'physical' | 'digital'; status: string; position: number | null }[];
	/** The viewer's open digital loan, if any. */
	myDigitalLoan: { id: number; dueAt: string } | null;
	/** Signed-in members may reserve and borrow; the public sees availability only. */
	canBorrow: boolean;
}

/**
 * Availability and the viewer's own place in the queues, for the publication page: lendable
 * copies on the shelf (items not lost, damaged or withdrawn) and digital copies.
 */
export async function lendingSummary(
	db: Kysely<Database>,
	userId: number | null,
	publicationId: number,
	now: Date = new Date()
): Promise<LendingSummary> {
	const rows = await db
		.selectFrom('items')
		.select('status')
		.where('publication_id', '=', publicationId)
		.where('status', 'in', ['available', 'on_loan', 'on_hold_shelf'])
		.execute();
	const waitingPhysical = await db
		.selectFrom('holds')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('publication_id', '=', publicationId)
		.where('kind', '=', 'physical')
		.where('ready_at', 'is', null)
		.where('fulfilled_at', 'is', null)
		.where('cancelled_at', 'is', null)
		.where('expired_at', 'is', null)
		.executeTakeFirstOrThrow();
	const d = await availability(db, publicationId, now);
	let myHolds: LendingSummary['myHolds'] = [];
	let myDigitalLoan: LendingSummary['myDigitalLoan'] = null;
	if (userId !== null) {
		myHolds = (
			await listForMember(db, userId, {
				openOnly: true,
				viewer: await actingViewer(db, userId),
				now
			})
		)
			.filter((h) => h.publicationId === publicationId)
			.map((h) => ({ id: h.id, kind: h.kind, status: h.status, position: h.position }));
		const l = await db
			.selectFrom('loans')
			.select(['id', 'due_at'])
			.where('kind', '=', 'digital')
			.where('user_id', '=', userId)
			.where('publication_id', '=', publicationId)
			.where('returned_at', 'is', null)
			.where('due_at', '>', now.toISOString())
			.executeTakeFirst();
		myDigitalLoan = l ? { id: l.id, dueAt: l.due_at } : null;
	}
	return {
		physical: rows.length
			? {
					total: rows.length,
					free: rows.filter((r) => r.status === 'available').length,
					waiting: Number(waitingPhysical.n)
				}
			: null,
		digital: d.copies > 0 ? d : null,
		myHolds,
		myDigitalLoan,
		canBorrow: userId !== null
	};
}

/**
 * What circulation grants a viewer on a record, for `canReadContent(viewer, pub, now, …)`:
 * the reader's file, progress and summary ask this so an active digital loan — and nothing
 * else — opens a lendable restricted record.
 */
export async function lendingFacts(
	db: Kysely<Database>,
	viewer: { id: number } | null,
	publicationId: number,
	now: Date = new Date()
): Promise<{ activeDigitalLoan: boolean }> {
	return {
		activeDigitalLoan: viewer
			? await hasActiveDigitalLoan(db, viewer.id, publicationId, now)
			: false
	};
}
