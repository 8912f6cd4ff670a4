import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import * as audit from '../audit.ts';
import { writeTransaction } from '../db/write.js';
import { DomainError } from '../errors.ts';
import { config } from '../config.ts';
import type { Viewer } from '../access.ts';
import { rupiah } from '../../format.ts';
import { daysOverdue, policyFor } from './policies.ts';
import { actingViewer, titleFor } from './visibility.ts';
import type { Actor } from './holds.ts';

type Q = Kysely<Database> | Transaction<Database>;

/**
 * Fines (#15). A fine is *assessed* once, when a late copy comes back: days late × the policy's
 * fine per day at that moment, one `fines` row per loan (migration 0012). From then on a policy
 * change never rewrites it. While the copy is still out the fine is only *accruing* (computed on
 * the fly, as loans.ts always did) and cannot be paid yet: it grows every day.
 * A librarian settles an assessed fine in one or more steps, each `paid` or `waived` with an
 * amount, a reason (required for a waiver), who and when — append-only `fine_payments` rows,
 * audited. Outstanding = amount − paid − waived, never below zero (checked inside the write
 * transaction, so two clicks at the same time cannot both settle the last rupiah).
 */

/** A refusal of this module: a status, a stable code and a `counter.error.*` message. */
function refusal(status: number, code: string, params: Record<string, string | number> = {}) {
	return new DomainError(status, code, `counter.error.${code}`, params);
}

/** One settlement step of a fine. */
export interface FinePayment {
	id: number;
	kind: 'paid' | 'waived';
	amount: number;
	reason: string | null;
	recordedBy: string | null;
	recordedAt: string;
}

/** An assessed fine as the desk, My loans and the API see it. */
export interface FineView {
	id: number;
	loanId: number;
	publicationId: number;
	/** Null while the viewer may not see the record (as for loans; see visibility.ts). */
	title: string | null;
	barcode: string | null;
	days: number;
	finePerDay: number;
	amount: number;
	paid: number;
	waived: number;
	outstanding: number;
	assessedAt: string;
	payments: FinePayment[];
}

/** What a member owes, for the desk panel, My loans and the loan block. */
export interface FineSummary {
	/** Assessed fines, unsettled ones first, then newest first. */
	fines: FineView[];
	/** Sum of the assessed fines' outstanding amounts. */
	outstanding: number;
	/** Fines still growing on copies not yet returned (not payable until the return). */
	accruing: number;
	/** outstanding + accruing: what the loan block compares with FINE_BLOCK_AMOUNT. */
	owed: number;
}

/**
 * The unpaid amount (rupiah) over which a member may not borrow (`FINE_BLOCK_AMOUNT`); 0, the
 * default, means fines never block a loan.
 */
export function blockAmount(): number {
	return config.fineBlockAmount;
}

/**
 * Assesses the fine of a physical loan being returned at `now`, inside the return's
 * transaction: nothing when it was on time or the policy has no fine. Idempotent per loan (the
 * unique `loan_id`), so a retried return never fines twice.
 */
export async function assessOnReturn(
	tx: Transaction<Database> | Kysely<Database>,
	loanId: number,
	actor: Actor,
	now: Date
): Promise<number> {
	const loan = await tx
		.selectFrom('loans as l')
		.innerJoin('users as u', 'u.id', 'l.user_id')
		.innerJoin('publications as p', 'p.id', 'l.publication_id')
		.select(['l.id', 'l.kind', 'l.user_id', 'l.due_at', 'u.member_type', 'p.type'])
		.where('l.id', '=', loanId)
		.executeTakeFirst();
	if (!loan || loan.kind !== 'physical') return 0;
	const days = daysOverdue(loan.due_at, now);
	if (days <= 0) return 0;
	const policy = await policyFor(tx, loan.member_type, loan.type);
	if (policy.finePerDay <= 0) return 0;
	const amount = days * policy.finePerDay;
	const row = await tx
		.insertInto('fines')
		.values({
			loan_id: loan.id,
			user_id: loan.user_id,
			days,
			fine_per_day: policy.finePerDay,
			amount,
			assessed_at: now.toISOString()
		})
		.onConflict((oc) => oc.column('loan_id').doNothing())
		.returning('id')
		.executeTakeFirst();
	if (row)
		await audit.record(tx, {
			actorId: actor.id,
			action: 'fine.assess',
			entity: 'fine',
			entityId: row.id,
			after: { loanId: loan.id, userId: loan.user_id, days, finePerDay: policy.finePerDay, amount },
			ip: actor.ip ?? null
		});
	return amount;
}

/** Fines still accruing on a member's physical loans that are out and past due at `now`. */
async function accruing(db: Q, userId: number, now: Date): Promise<number> {
	const rows = await db
		.selectFrom('loans as l')
		.innerJoin('users as u', 'u.id', 'l.user_id')
		.innerJoin('publications as p', 'p.id', 'l.publication_id')
		.select(['l.due_at', 'u.member_type', 'p.type'])
		.where('l.user_id', '=', userId)
		.where('l.kind', '=', 'physical')
		.where('l.returned_at', 'is', null)
		.where('l.due_at', '<', now.toISOString())
		.execute();
	let sum = 0;
	for (const r of rows) {
		const policy = await policyFor(db, r.member_type, r.type);
		sum += daysOverdue(r.due_at, now) * policy.finePerDay;
	}
	return sum;
}

/**
 * A member's fines as `viewer` sees them (the member, or staff at the desk): every assessed
 * fine with its settlement steps, and the totals. `openOnly` leaves out settled fines.
 */
export async function summary(
	db: Q,
	userId: number,
	opts: { viewer: Viewer; now: Date; openOnly?: boolean }
): Promise<FineSummary> {
	const rows = await db
		.selectFrom('fines as f')
		.innerJoin('loans as l', 'l.id', 'f.loan_id')
		.innerJoin('publications as p', 'p.id', 'l.publication_id')
		.leftJoin('items as i', 'i.id', 'l.item_id')
		.select([
			'f.id',
			'f.loan_id',
			'f.days',
			'f.fine_per_day',
			'f.amount',
			'f.assessed_at',
			'l.publication_id',
			'p.title',
			'p.access',
			'p.status',
			'p.embargo_until',
			'p.digital_copies',
			'i.barcode'
		])
		.where('f.user_id', '=', userId)
		.orderBy('f.assessed_at', 'desc')
		.orderBy('f.id', 'desc')
		.execute();
	const payments = rows.length
		? await db
				.selectFrom('fine_payments as fp')
				.leftJoin('users as u', 'u.id', 'fp.recorded_by')
				.select([
					'fp.id',
					'fp.fine_id',
					'fp.kind',
					'fp.amount',
					'fp.reason',
					'fp.recorded_at',
					'u.name as recorded_by'
				])
				.where(
					'fp.fine_id',
					'in',
					rows.map((r) => r.id)
				)
				.orderBy('fp.id')
				.execute()
		: [];
	const fines: FineView[] = rows.map((r) => {
		const mine = payments.filter((p) => p.fine_id === r.id);
		const paid = mine.filter((p) => p.kind === 'paid').reduce((s, p) => s + p.amount, 0);
		const waived = mine.filter((p) => p.kind === 'waived').reduce((s, p) => s + p.amount, 0);
		return {
			id: r.id,
			loanId: r.loan_id,
			publicationId: r.publication_id,
			title: titleFor(opts.viewer, r, opts.now),
			barcode: r.barcode,
			days: r.days,
			finePerDay: r.fine_per_day,
			amount: r.amount,
			paid,
			waived,
			outstanding: Math.max(0, r.amount - paid - waived),
			assessedAt: r.assessed_at,
			payments: mine.map((p) => ({
				id: p.id,
				kind: p.kind,
				amount: p.amount,
				reason: p.reason,
				recordedBy: p.recorded_by,
				recordedAt: p.recorded_at
			}))
		};
	});
	const open = fines.filter((f) => f.outstanding > 0);
	const outstanding = open.reduce((s, f) => s + f.outstanding, 0);
	const growing = await accruing(db, userId, opts.now);
	return {
		fines: opts.openOnly ? open : [...open, ...fines.filter((f) => f.outstanding === 0)],
		outstanding,
		accruing: growing,
		owed: outstanding + growing
	};
}

/**
 * Refuses a new loan (409 `fines_block`, naming what is owed and the limit) when the member
 * owes more than FINE_BLOCK_AMOUNT — assessed and still-accruing fines together, i.e. what
 * they would owe if everything came back today. Called inside the checkout/borrow transaction.
 */
export async function assertMayBorrow(tx: Q, userId: number, now: Date): Promise<void> {
	const limit = blockAmount();
	if (limit <= 0) return;
	const s = await summary(tx, userId, { viewer: null, now, openOnly: true });
	if (s.owed > limit)
		throw refusal(409, 'fines_block', { owed: rupiah(s.owed), limit: rupiah(limit) });
}

/** What a librarian records against one fine. */
export interface SettleInput {
	kind?: unknown;
	amount?: unknown;
	reason?: unknown;
}

/**
 * Records part or all of a fine as paid or waived, audited with the librarian as actor.
 * Validation (400, nothing written): `invalid_fine_kind`, `invalid_amount` (a whole number of
 * rupiah above 0), `reason_required` (a waiver says why), `reason_too_long` (over 500).
 * 404 `fine_not_found`; 409 `fine_settled` when nothing is outstanding and `amount_too_high`
 * when the amount exceeds what is outstanding. Returns the fine afterwards.
 */
export async function settle(
	db: Kysely<Database>,
	fineId: number,
	input: SettleInput,
	actor: Actor,
	now: Date
): Promise<FineView> {
	const kind = input.kind;
	if (kind !== 'paid' && kind !== 'waived') throw refusal(400, 'invalid_fine_kind');
	const raw = typeof input.amount === 'string' ? input.amount.replace(/[.\s]/g, '') : input.amount;
	const amount = typeof raw === 'string' && raw !== '' ? Number(raw) : raw;
	if (typeof amount !== 'number' || !Number.isInteger(amount) || amount <= 0)
		throw refusal(400, 'invalid_amount');
	const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
	if (kind === 'waived' && !reason) throw refusal(400, 'reason_required');
	if (reason.length > 500) throw refusal(400, 'reason_too_long');
	const userId = await writeTransaction(db, async (tx) => {
		const fine = await tx
			.selectFrom('fines')
			.selectAll()
			.where('id', '=', fineId)
			.executeTakeFirst();
		if (!fine) throw refusal(404, 'fine_not_found');
		const done = await tx
			.selectFrom('fine_payments')
			.select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.lit(0)).as('n'))
			.where('fine_id', '=', fine.id)
			.executeTakeFirstOrThrow();
		const outstanding = fine.amount - Number(done.n);
		if (outstanding <= 0) throw refusal(409, 'fine_settled');
		if (amount > outstanding)
			throw refusal(409, 'amount_too_high', { outstanding: rupiah(outstanding) });
		const row = await tx
			.insertInto('fine_payments')
			.values({
				fine_id: fine.id,
				kind,
				amount,
				reason: reason || null,
				recorded_by: actor.id,
				recorded_at: now.toISOString()
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		await audit.record(tx, {
			actorId: actor.id,
			action: kind === 'paid' ? 'fine.pay' : 'fine.waive',
			entity: 'fine',
			entityId: fine.id,
			before: { outstanding },
			after: {
				paymentId: row.id,
				userId: fine.user_id,
				amount,
				reason: reason || null,
				outstanding: outstanding - amount
			},
			ip: actor.ip ?? null
		});
		return fine.user_id;
	});
	const s = await summary(db, userId, { viewer: await actingViewer(db, actor.id), now });
	return s.fines.find((f) => f.id === fineId)!;
}
