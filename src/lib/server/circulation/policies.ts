import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

type Q = Kysely<Database> | Transaction<Database>;

/** The lending rules for one member type × publication type (or `digital`). */
export interface LoanPolicy {
	loanDays: number;
	maxLoans: number;
	maxRenewals: number;
	holdPickupDays: number;
	finePerDay: number;
}

/**
 * Used when no row matches (a member type created later, an import's odd type): generous but
 * finite, so a missing row never means "unlimited".
 */
export const FALLBACK_POLICY: LoanPolicy = {
	loanDays: 14,
	maxLoans: 5,
	maxRenewals: 1,
	holdPickupDays: 3,
	finePerDay: 0
};

/** Digital lending's fallback: the issue fixes 14-day loans and no renewals. */
export const FALLBACK_DIGITAL_POLICY: LoanPolicy = { ...FALLBACK_POLICY, maxRenewals: 0 };

/** The policy for a member type and publication type (`'digital'` for digital lending). */
export async function policyFor(
	db: Q,
	memberType: string,
	publicationType: string
): Promise<LoanPolicy> {
	const row = await db
		.selectFrom('loan_policies')
		.selectAll()
		.where('member_type', '=', memberType)
		.where('publication_type', '=', publicationType)
		.executeTakeFirst();
	if (!row) return publicationType === 'digital' ? FALLBACK_DIGITAL_POLICY : FALLBACK_POLICY;
	return {
		loanDays: row.loan_days,
		maxLoans: row.max_loans,
		maxRenewals: row.max_renewals,
		holdPickupDays: row.hold_pickup_days,
		finePerDay: row.fine_per_day
	};
}

/** The library works on Jakarta time (WIB, UTC+7, no daylight saving). */
const WIB_OFFSET_MS = 7 * 3600_000;

/** The calendar date (`YYYY-MM-DD`) in Jakarta at an instant. */
export function localDate(at: Date): string {
	return new Date(at.getTime() + WIB_OFFSET_MS).toISOString().slice(0, 10);
}

/** The last millisecond of a Jakarta calendar date, as an instant. */
export function endOfLocalDay(date: string): Date {
	return new Date(Date.parse(`${date}T23:59:59.999Z`) - WIB_OFFSET_MS);
}

function addDays(date: string, days: number): string {
	return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Saturday or Sunday. */
export function isWeekend(date: string): boolean {
	const d = new Date(`${date}T00:00:00Z`).getUTCDay();
	return d === 0 || d === 6;
}

/** The configured holidays between two dates (inclusive), as a set of `YYYY-MM-DD`. */
async function holidaysBetween(db: Q, from: string, to: string): Promise<Set<string>> {
	const rows = await db
		.selectFrom('holidays')
		.select('date')
		.where('date', '>=', from)
		.where('date', '<=', to)
		.execute();
	return new Set(rows.map((r) => r.date));
}

/**
 * When something lent (or put on the hold shelf) `days` days from `from` is due: that many
 * calendar days later, moved forward to the next day the library is open (not a weekend, not a
 * configured holiday), at the end of that day in Jakarta — a loan is never due on a day nobody
 * can return it.
 */
export async function dueDate(db: Q, from: Date, days: number): Promise<Date> {
	const start = addDays(localDate(from), days);
	// Long holiday runs (Idulfitri plus weekends) never exceed a few weeks.
	const holidays = await holidaysBetween(db, start, addDays(start, 60));
	let date = start;
	while (isWeekend(date) || holidays.has(date)) date = addDays(date, 1);
	return endOfLocalDay(date);
}

/** Whole days a loan due at `dueAt` is overdue at `now` (0 when not overdue), in Jakarta days. */
export function daysOverdue(dueAt: string, now: Date): number {
	if (now.toISOString() <= dueAt) return 0;
	const due = localDate(new Date(dueAt));
	const today = localDate(now);
	return Math.max(1, Math.round((Date.parse(today) - Date.parse(due)) / 86_400_000));
}
