import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { monthAt } from '../db/dialect.ts';
import * as audit from '../audit.ts';
import { daysOverdue, dueDate, localDate, policyFor } from './policies.ts';
import { refused } from './tx.ts';
import { writeTransaction } from '../db/write.js';
import { countLoan } from '../metrics.ts';
import { borrower } from './members.ts';
import { fulfil, othersWaiting, ownOpenHold, processQueue, type Actor } from './holds.ts';
import type { Viewer } from '../access.ts';
import { actingViewer, isVisible, titleFor } from './visibility.ts';
import { assertMayBorrow, assessOnReturn } from './fines.ts';

/** A loan as the desk, "My loans" and the API see it. */
export interface LoanView {
	id: number;
	kind: 'physical' | 'digital';
	publicationId: number;
	/**
	 * Null while the viewer may not see the record (a copy lent at the desk, or a record hidden
	 * after the loan): the loan still counts and shows, its title does not (see visibility.ts).
	 */
	title: string | null;
	barcode: string | null;
	userId: number;
	memberName: string;
	nip: string | null;
	loanedAt: string;
	dueAt: string;
	returnedAt: string | null;
	renewals: number;
	/** `open`, `overdue` (physical, past due), `expired` (digital, past due) or `returned`. */
	status: 'open' | 'overdue' | 'expired' | 'returned';
	daysOverdue: number;
	/**
	 * The fine in rupiah: days late × the policy's fine per day (0 when the policy has no fine,
	 * the default). Open loans accrue it until today; returned ones keep what they reached.
	 */
	fine: number;
}

function loanQuery(db: Kysely<Database>) {
	return (
		db
			.selectFrom('loans as l')
			.innerJoin('publications as p', 'p.id', 'l.publication_id')
			.innerJoin('users as u', 'u.id', 'l.user_id')
			.leftJoin('items as i', 'i.id', 'l.item_id')
			.leftJoin('loan_policies as lp', (join) =>
				join
					.onRef('lp.member_type', '=', 'u.member_type')
					.onRef('lp.publication_type', '=', 'p.type')
			)
			// A returned loan's fine is what was assessed at the return (fines.ts), not today's policy.
			.leftJoin('fines as f', 'f.loan_id', 'l.id')
			.select([
				'l.id',
				'l.kind',
				'l.publication_id',
				'p.title',
				'p.access',
				'p.status as publication_status',
				'p.embargo_until',
				'p.digital_copies',
				'i.barcode',
				'l.user_id',
				'u.name as member_name',
				'u.nip',
				'l.loaned_at',
				'l.due_at',
				'l.returned_at',
				'l.renewals',
				'lp.fine_per_day',
				'f.amount as assessed_fine'
			])
	);
}

type LoanRow = Awaited<ReturnType<ReturnType<typeof loanQuery>['executeTakeFirstOrThrow']>>;

function toView(r: LoanRow, now: Date, viewer: Viewer): LoanView {
	const late =
		r.kind === 'digital' ? 0 : daysOverdue(r.due_at, r.returned_at ? new Date(r.returned_at) : now);
	return {
		id: r.id,
		kind: r.kind,
		publicationId: r.publication_id,
		title: titleFor(viewer, { ...r, status: r.publication_status }, now),
		barcode: r.barcode,
		userId: r.user_id,
		memberName: r.member_name,
		nip: r.nip,
		loanedAt: r.loaned_at,
		dueAt: r.due_at,
		returnedAt: r.returned_at,
		renewals: r.renewals,
		status: r.returned_at
			? 'returned'
			: now.toISOString() <= r.due_at
				? 'open'
				: r.kind === 'digital'
					? 'expired'
					: 'overdue',
		daysOverdue: r.returned_at ? 0 : late,
		fine: r.returned_at ? (r.assessed_fine ?? 0) : late * (r.fine_per_day ?? 0)
	};
}

/** One loan by id as `viewer` sees it, or a 404 `loan_not_found`. */
export async function get(
	db: Kysely<Database>,
	id: number,
	viewer: Viewer,
	now = new Date()
): Promise<LoanView> {
	const r = await loanQuery(db).where('l.id', '=', id).executeTakeFirst();
	if (!r) throw refused('loan_not_found', {}, 404);
	return toView(r, now, viewer);
}

/**
 * Checks an item out to a member (by barcode and NIP) in one transaction. Refusals:
 * `item_not_found`/`member_not_found` (404), `member_inactive`, `item_not_available` (on loan,
 * lost, damaged, withdrawn), `has_hold` (on the hold shelf for someone else), `limit_reached`
 * (the member's open physical loans reached the policy's maximum). A copy on the shelf for this
 * member, or a waiting hold of theirs, is fulfilled by the loan. A copy of a record the actor may
 * not see is `item_not_found`, like a barcode nobody has (staff see every record).
 */
export async function checkout(
	db: Kysely<Database>,
	input: { barcode: string; nip: string },
	actor: Actor,
	now: Date = new Date()
): Promise<LoanView> {
	let viewer: Viewer = null;
	const id = await writeTransaction(db, async (tx) => {
		viewer = await actingViewer(tx, actor.id);
		const member = await borrower(tx, { nip: input.nip });
		// Over FINE_BLOCK_AMOUNT in unpaid fines: no new loan until some is paid or waived.
		await assertMayBorrow(tx, member.id, now);
		let item = await tx
			.selectFrom('items')
			.innerJoin('publications as p', 'p.id', 'items.publication_id')
			.select(['items.id', 'items.status', 'items.publication_id', 'p.type'])
			.where('items.barcode', '=', input.barcode.trim())
			.executeTakeFirst();
		if (!item || !(await isVisible(tx, viewer, item.publication_id, now)))
			throw refused('item_not_found', {}, 404);
		// Lapsed pickups release their copy before we decide.
		await processQueue(tx, item.publication_id, 'physical', now);
		item = {
			...item,
			...(await tx
				.selectFrom('items')
				.select('status')
				.where('id', '=', item.id)
				.executeTakeFirstOrThrow())
		};
		const hold = await ownOpenHold(tx, item.publication_id, 'physical', member.id);
		if (item.status === 'on_hold_shelf') {
			if (!hold || hold.item_id !== item.id) throw refused('has_hold');
		} else if (item.status !== 'available') {
			throw refused('item_not_available', { status: item.status });
		}
		const policy = await policyFor(tx, member.memberType, item.type);
		const open = await tx
			.selectFrom('loans')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('user_id', '=', member.id)
			.where('kind', '=', 'physical')
			.where('returned_at', 'is', null)
			.executeTakeFirstOrThrow();
		if (Number(open.n) >= policy.maxLoans) throw refused('limit_reached', { max: policy.maxLoans });
		const due = await dueDate(tx, now, policy.loanDays);
		const loan = await tx
			.insertInto('loans')
			.values({
				kind: 'physical',
				item_id: item.id,
				publication_id: item.publication_id,
				user_id: member.id,
				loaned_at: now.toISOString(),
				due_at: due.toISOString(),
				checked_out_by: actor.id
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		await tx
			.updateTable('items')
			.set({ status: 'on_loan', updated_at: now.toISOString() })
			.where('id', '=', item.id)
			.execute();
		if (hold) {
			// If the member's hold had reserved another copy, that copy goes to the next in line.
			if (hold.item_id !== null && hold.item_id !== item.id) {
				await tx
					.updateTable('items')
					.set({ status: 'available', updated_at: now.toISOString() })
					.where('id', '=', hold.item_id)
					.where('status', '=', 'on_hold_shelf')
					.execute();
			}
			await fulfil(tx, hold.id, now);
		}
		await audit.record(tx, {
			actorId: actor.id,
			action: 'loan.checkout',
			entity: 'loan',
			entityId: loan.id,
			after: {
				itemId: item.id,
				userId: member.id,
				dueAt: due.toISOString(),
				holdId: hold?.id ?? null
			},
			ip: actor.ip
		});
		if (hold) await processQueue(tx, item.publication_id, 'physical', now);
		return loan.id;
	});
	countLoan('checkout', 'physical');
	return get(db, id, viewer, now);
}

/** What a return did: the closed loan, and the hold the copy now waits for, if any. */
export interface ReturnResult {
	loan: LoanView;
	hold: { holdId: number; userId: number; memberName: string; pickupUntil: string } | null;
}

/**
 * Checks a physical loan in (closing timestamp `returned_at`, never a delete). The copy becomes
 * available — or goes straight to the hold shelf for the first member waiting for the title.
 */
export async function checkin(
	db: Kysely<Database>,
	loanId: number,
	actor: Actor,
	now: Date = new Date()
): Promise<ReturnResult> {
	let viewer: Viewer = null;
	const ready = await writeTransaction(db, async (tx) => {
		viewer = await actingViewer(tx, actor.id);
		const loan = await tx
			.selectFrom('loans')
			.selectAll()
			.where('id', '=', loanId)
			.executeTakeFirst();
		if (!loan || loan.kind !== 'physical') throw refused('loan_not_found', {}, 404);
		if (loan.returned_at) throw refused('already_returned');
		const iso = now.toISOString();
		await tx
			.updateTable('loans')
			.set({ returned_at: iso, returned_by: actor.id })
			.where('id', '=', loan.id)
			.where('returned_at', 'is', null)
			.execute();
		await tx
			.updateTable('items')
			.set({ status: 'available', updated_at: iso })
			.where('id', '=', loan.item_id!)
			.where('status', '=', 'on_loan')
			.execute();
		await assessOnReturn(tx, loan.id, actor, now);
		await audit.record(tx, {
			actorId: actor.id,
			action: 'loan.return',
			entity: 'loan',
			entityId: loan.id,
			after: { returnedAt: iso, itemId: loan.item_id },
			ip: actor.ip
		});
		const made = await processQueue(tx, loan.publication_id, 'physical', now);
		return made.find((m) => m.itemId === loan.item_id) ?? null;
	});
	countLoan('return', 'physical');
	const loan = await get(db, loanId, viewer, now);
	if (!ready) return { loan, hold: null };
	const who = await db
		.selectFrom('users')
		.select('name')
		.where('id', '=', ready.userId)
		.executeTakeFirstOrThrow();
	return {
		loan,
		hold: {
			holdId: ready.holdId,
			userId: ready.userId,
			memberName: who.name,
			pickupUntil: ready.pickupUntil
		}
	};
}

/** The open physical loan of an item by barcode, or null. */
export async function openLoanByBarcode(
	db: Kysely<Database>,
	barcode: string
): Promise<number | null> {
	const r = await db
		.selectFrom('loans as l')
		.innerJoin('items as i', 'i.id', 'l.item_id')
		.select('l.id')
		.where('i.barcode', '=', barcode.trim())
		.where('l.returned_at', 'is', null)
		.executeTakeFirst();
	return r?.id ?? null;
}

/**
 * Renews a physical loan: a new `loan_renewals` row keeps the due-date history (previous and
 * new due date); the loan's `due_at`/`renewals` move with it in the same transaction. Refused
 * with `renewal_limit` past the policy's maximum and `has_hold` while another member waits for
 * the title. Members renew their own loans; staff renew anyone's (`staff`).
 */
export async function renew(
	db: Kysely<Database>,
	loanId: number,
	actor: Actor & { staff: boolean },
	now: Date = new Date()
): Promise<LoanView> {
	let viewer: Viewer = null;
	await writeTransaction(db, async (tx) => {
		viewer = await actingViewer(tx, actor.id);
		const loan = await tx
			.selectFrom('loans as l')
			.innerJoin('publications as p', 'p.id', 'l.publication_id')
			.innerJoin('users as u', 'u.id', 'l.user_id')
			.select(['l.id', 'l.kind', 'l.user_id', 'l.publication_id', 'l.due_at', 'l.returned_at'])
			.select(['p.type', 'u.member_type', 'u.active'])
			.where('l.id', '=', loanId)
			.executeTakeFirst();
		if (!loan || (!actor.staff && loan.user_id !== actor.id))
			throw refused('loan_not_found', {}, 404);
		if (loan.returned_at) throw refused('already_returned');
		if (loan.kind !== 'physical') throw refused('not_renewable');
		if (loan.active !== 1) throw refused('member_inactive');
		await processQueue(tx, loan.publication_id, 'physical', now);
		if ((await othersWaiting(tx, loan.publication_id, 'physical', loan.user_id)) > 0)
			throw refused('has_hold');
		const policy = await policyFor(tx, loan.member_type, loan.type);
		const done = await tx
			.selectFrom('loan_renewals')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('loan_id', '=', loan.id)
			.executeTakeFirstOrThrow();
		if (Number(done.n) >= policy.maxRenewals)
			throw refused('renewal_limit', { max: policy.maxRenewals });
		// A renewal runs a full loan period from today, never shortening the current one.
		let next = (await dueDate(tx, now, policy.loanDays)).toISOString();
		if (next < loan.due_at) next = loan.due_at;
		await tx
			.insertInto('loan_renewals')
			.values({
				loan_id: loan.id,
				renewed_at: now.toISOString(),
				previous_due_at: loan.due_at,
				new_due_at: next,
				renewed_by: actor.id
			})
			.execute();
		await tx
			.updateTable('loans')
			.set({ due_at: next, renewals: Number(done.n) + 1 })
			.where('id', '=', loan.id)
			.execute();
		await audit.record(tx, {
			actorId: actor.id,
			action: 'loan.renew',
			entity: 'loan',
			entityId: loan.id,
			before: { dueAt: loan.due_at },
			after: { dueAt: next, renewals: Number(done.n) + 1 },
			ip: actor.ip
		});
	});
	countLoan('renewal', 'physical');
	return get(db, loanId, viewer, now);
}

/** Filters for listing loans. */
export interface LoanFilter {
	/** Whose eyes: titles of records this viewer may not see are null. */
	viewer: Viewer;
	userId?: number;
	publicationId?: number;
	kind?: 'physical' | 'digital';
	/** `open` (default), `overdue`, `returned` or `all`. */
	status?: 'open' | 'overdue' | 'returned' | 'all';
	limit?: number;
}

/** Loans matching a filter, newest first (overdue: most overdue first). */
export async function list(
	db: Kysely<Database>,
	f: LoanFilter,
	now: Date = new Date()
): Promise<LoanView[]> {
	let q = loanQuery(db);
	if (f.userId !== undefined) q = q.where('l.user_id', '=', f.userId);
	if (f.publicationId !== undefined) q = q.where('l.publication_id', '=', f.publicationId);
	if (f.kind) q = q.where('l.kind', '=', f.kind);
	const status = f.status ?? 'open';
	if (status === 'open' || status === 'overdue') {
		q = q.where('l.returned_at', 'is', null);
		// An expired digital loan is over even before the sweep closes its row.
		q = q.where((eb) =>
			eb.or([eb('l.kind', '=', 'physical'), eb('l.due_at', '>', now.toISOString())])
		);
	}
	if (status === 'overdue')
		q = q.where('l.kind', '=', 'physical').where('l.due_at', '<', now.toISOString());
	if (status === 'returned') q = q.where('l.returned_at', 'is not', null);
	q =
		status === 'overdue'
			? q.orderBy('l.due_at').orderBy('l.id')
			: q.orderBy('l.loaned_at', 'desc').orderBy('l.id', 'desc');
	const rows = await q.limit(f.limit ?? 500).execute();
	return rows.map((r) => toView(r, now, f.viewer));
}

/** Dashboard counts: copies on loan, of which overdue, and holds (waiting or on the shelf). */
export async function counts(
	db: Kysely<Database>,
	now: Date = new Date()
): Promise<{ onLoan: number; overdue: number; holdsWaiting: number; holdsReady: number }> {
	const iso = now.toISOString();
	const loan = await db
		.selectFrom('loans')
		.select((eb) => [
			eb.fn.countAll<number>().as('onLoan'),
			eb.fn.sum<number>(eb.case().when('due_at', '<', iso).then(1).else(0).end()).as('overdue')
		])
		.where('kind', '=', 'physical')
		.where('returned_at', 'is', null)
		.executeTakeFirstOrThrow();
	const holds = await db
		.selectFrom('holds')
		.select((eb) => [
			eb.fn.sum<number>(eb.case().when('ready_at', 'is', null).then(1).else(0).end()).as('waiting'),
			eb.fn
				.sum<number>(eb.case().when('ready_at', 'is not', null).then(1).else(0).end())
				.as('ready')
		])
		.where('fulfilled_at', 'is', null)
		.where('cancelled_at', 'is', null)
		.where('expired_at', 'is', null)
		.executeTakeFirstOrThrow();
	return {
		onLoan: Number(loan.onLoan),
		overdue: Number(loan.overdue ?? 0),
		holdsWaiting: Number(holds.waiting ?? 0),
		holdsReady: Number(holds.ready ?? 0)
	};
}

/** Loans started in one Jakarta calendar month, by kind. */
export interface MonthCount {
	/** `YYYY-MM`. */
	month: string;
	physical: number;
	digital: number;
}

/**
 * Loans started per month over the last `months` months up to `now` (Jakarta months, empty months
 * included as zeros), oldest first — the dashboard's chart.
 */
export async function perMonth(
	db: Kysely<Database>,
	now: Date = new Date(),
	months = 12
): Promise<MonthCount[]> {
	const [y, m] = localDate(now).split('-').map(Number);
	const keys: string[] = [];
	for (let i = months - 1; i >= 0; i--) {
		const d = new Date(Date.UTC(y, m - 1 - i, 1));
		keys.push(d.toISOString().slice(0, 7));
	}
	// Stored instants are UTC; the library's months are Jakarta months (UTC+7).
	const month = monthAt(db, sql.ref('loaned_at'), 7);
	const rows = await db
		.selectFrom('loans')
		.select([month.as('month'), 'kind', (eb) => eb.fn.countAll<number>().as('n')])
		.where(month, '>=', keys[0])
		.where(month, '<=', keys[keys.length - 1])
		.groupBy([month, 'kind'])
		.execute();
	const by = new Map(keys.map((k) => [k, { month: k, physical: 0, digital: 0 }]));
	for (const r of rows) {
		const slot = by.get(r.month);
		if (slot) slot[r.kind] = Number(r.n);
	}
	return [...by.values()];
}
