import type { Kysely, Transaction } from 'kysely';
import { writeTransaction } from '../db/write.js';
import type { Database } from '../db/schema.ts';
import * as audit from '../audit.ts';
import { jakartaDate, WIB_OFFSET_MS } from '../../format.ts';
import { refused } from './tx.ts';
import { DomainError } from '../errors.ts';

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

/** The calendar date (`YYYY-MM-DD`) in Jakarta at an instant. */
export function localDate(at: Date): string {
	return jakartaDate(at);
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

/** A policy row as the settings screen and the API see it. */
export interface PolicyRow extends LoanPolicy {
	memberType: string;
	/** A publication type, or `digital` for digital lending. */
	publicationType: string;
}

/** Every configured policy, by member type then publication type. */
export async function listPolicies(db: Q): Promise<PolicyRow[]> {
	const rows = await db
		.selectFrom('loan_policies')
		.selectAll()
		.orderBy('member_type')
		.orderBy('publication_type')
		.execute();
	return rows.map((r) => ({
		memberType: r.member_type,
		publicationType: r.publication_type,
		loanDays: r.loan_days,
		maxLoans: r.max_loans,
		maxRenewals: r.max_renewals,
		holdPickupDays: r.hold_pickup_days,
		finePerDay: r.fine_per_day
	}));
}

/** The member types a policy can name: those in use by accounts or policies, plus the defaults. */
export async function memberTypes(db: Q): Promise<string[]> {
	const used = await db.selectFrom('users').select('member_type').distinct().execute();
	const ruled = await db.selectFrom('loan_policies').select('member_type').distinct().execute();
	return [
		...new Set([
			'employee',
			'staff',
			...used.map((r) => r.member_type),
			...ruled.map((r) => r.member_type)
		])
	].sort();
}

/** Limits a librarian can set, so a typo (a loan of 1400 days) is refused, not stored. */
const LIMITS: Record<keyof LoanPolicy, [number, number]> = {
	loanDays: [1, 365],
	maxLoans: [0, 100],
	maxRenewals: [0, 20],
	holdPickupDays: [1, 30],
	finePerDay: [0, 1_000_000]
};

/**
 * Creates or changes the policy for one member type × publication type (`digital` included),
 * audited with the previous values. Every number is checked against LIMITS; a refusal names the
 * field (`invalid_policy` with `field`). Existing loans keep their due dates: a policy applies
 * from the next checkout or renewal.
 */
export async function savePolicy(
	db: Kysely<Database>,
	input: Record<string, unknown>,
	actor: { id: number; ip?: string | null },
	knownTypes: readonly string[]
): Promise<PolicyRow> {
	const memberType = String(input.memberType ?? '').trim();
	if (!/^[a-z_]{2,30}$/.test(memberType)) throw refused('invalid_member_type', {}, 400);
	const publicationType = String(input.publicationType ?? '').trim();
	if (!knownTypes.includes(publicationType)) throw refused('invalid_publication_type', {}, 400);
	const values = {} as LoanPolicy;
	for (const [field, [min, max]] of Object.entries(LIMITS) as [
		keyof LoanPolicy,
		[number, number]
	][]) {
		const raw = input[field];
		const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
		if (raw === undefined && field === 'finePerDay') {
			values[field] = 0;
			continue;
		}
		if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max)
			throw new DomainError(400, 'invalid_policy', `circ.policy.invalid.${field}`, { min, max });
		values[field] = n;
	}
	const row = {
		member_type: memberType,
		publication_type: publicationType,
		loan_days: values.loanDays,
		max_loans: values.maxLoans,
		max_renewals: values.maxRenewals,
		hold_pickup_days: values.holdPickupDays,
		fine_per_day: values.finePerDay
	};
	await writeTransaction(db, async (tx) => {
		const before = await tx
			.selectFrom('loan_policies')
			.selectAll()
			.where('member_type', '=', memberType)
			.where('publication_type', '=', publicationType)
			.executeTakeFirst();
		if (before)
			await tx.updateTable('loan_policies').set(row).where('id', '=', before.id).execute();
		else await tx.insertInto('loan_policies').values(row).execute();
		await audit.record(tx, {
			actorId: actor.id,
			action: 'loan_policy.save',
			entity: 'loan_policy',
			entityId: `${memberType}/${publicationType}`,
			before: before ?? null,
			after: row,
			ip: actor.ip ?? null
		});
	});
	return { memberType, publicationType, ...values };
}

/** A day the library is closed. */
export interface Holiday {
	date: string;
	name: string;
}

/** The configured holidays of a year (or all of them), in date order. */
export async function listHolidays(db: Q, year?: number): Promise<Holiday[]> {
	let q = db.selectFrom('holidays').select(['date', 'name']).orderBy('date');
	if (year !== undefined) q = q.where('date', 'like', `${year}-%`);
	return q.execute();
}

function validDate(date: string): boolean {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
	const d = new Date(`${date}T00:00:00Z`);
	return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === date;
}

/**
 * Adds a closing day (a national holiday, collective leave, an office closure). Due dates
 * computed from now on skip it; loans already out keep theirs. Refuses a malformed date
 * (`invalid_date`), an empty name (`invalid_holiday_name`) and a date already listed
 * (`holiday_exists`).
 */
export async function addHoliday(
	db: Kysely<Database>,
	input: { date: unknown; name: unknown },
	actor: { id: number; ip?: string | null }
): Promise<Holiday> {
	const date = String(input.date ?? '').trim();
	if (!validDate(date)) throw refused('invalid_date', {}, 400);
	const name = String(input.name ?? '').trim();
	if (!name || name.length > 200) throw refused('invalid_holiday_name', {}, 400);
	await writeTransaction(db, async (tx) => {
		const exists = await tx
			.selectFrom('holidays')
			.select('date')
			.where('date', '=', date)
			.executeTakeFirst();
		if (exists) throw refused('holiday_exists', { date });
		await tx.insertInto('holidays').values({ date, name }).execute();
		await audit.record(tx, {
			actorId: actor.id,
			action: 'holiday.add',
			entity: 'holiday',
			entityId: date,
			after: { date, name },
			ip: actor.ip ?? null
		});
	});
	return { date, name };
}

/** Removes a closing day (404 `holiday_not_found` when it is not listed). Audited. */
export async function removeHoliday(
	db: Kysely<Database>,
	date: string,
	actor: { id: number; ip?: string | null }
): Promise<void> {
	await writeTransaction(db, async (tx) => {
		const row = await tx
			.selectFrom('holidays')
			.select(['date', 'name'])
			.where('date', '=', date)
			.executeTakeFirst();
		if (!row) throw refused('holiday_not_found', { date }, 404);
		await tx.deleteFrom('holidays').where('date', '=', date).execute();
		await audit.record(tx, {
			actorId: actor.id,
			action: 'holiday.remove',
			entity: 'holiday',
			entityId: date,
			before: row,
			ip: actor.ip ?? null
		});
	});
}
