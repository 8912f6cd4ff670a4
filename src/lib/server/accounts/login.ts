import type { Db } from '../db/index.ts';
import { DomainError } from '../errors.ts';
import * as audit from '../audit.ts';
import type { SessionUser } from '../../types.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import * as sessions from './sessions.ts';
import { toSessionUser } from './sessions.ts';
import { writeTransaction } from '../db/write.js';

/**
 * Brute-force protection. Failures are counted per typed username (whether or not such an
 * account exists, so the answer never reveals it) and per client address:
 * - every failure is answered after a growing delay (BASE_DELAY_MS doubling, capped);
 * - ACCOUNT_LOCK_FAILURES failures for one username within WINDOW_MINUTES lock that username
 *   for LOCK_MINUTES; IP_LOCK_FAILURES failures from one address lock that address.
 * A successful login resets the username's count.
 *
 * Counting and checking are atomic: one IMMEDIATE write transaction reads both counts and
 * records the attempt — as a failure until its password proves right — before the slow password
 * check. Attempts in flight therefore count, and however many arrive at once, no more than the
 * limit are ever verified; the rest are refused with 429 without a password check.
 */
export const WINDOW_MINUTES = 15;
export const LOCK_MINUTES = 15;
export const ACCOUNT_LOCK_FAILURES = 5;
export const IP_LOCK_FAILURES = 20;
export const BASE_DELAY_MS = 200;
export const MAX_DELAY_MS = 3200;

export interface LoginInput {
	username: string;
	password: string;
	ip: string;
	userAgent?: string | null;
}

export interface LoginResult {
	user: SessionUser;
	token: string;
	expiresAt: Date;
	mustChangePassword: boolean;
}

/** Failed login: same answer whether the account exists or not. */
export class InvalidCredentials extends DomainError {
	constructor() {
		super(401, 'invalid_credentials', 'auth.invalidCredentials');
	}
}

/** Too many failures: try again later. */
export class LockedOut extends DomainError {
	constructor(minutes: number) {
		super(429, 'locked_out', 'auth.lockedOut', { minutes });
	}
}

/** Lower-cased trimmed login name (NIP or e-mail). */
export function normalizeUsername(raw: string): string {
	return raw.trim().toLowerCase().slice(0, 254);
}

let dummyHash: Promise<string> | undefined;

/**
 * The names failures are counted under: the typed name and, when it names an account, every
 * name of that account (NIP and e-mail), so one account has one budget however it is addressed.
 */
async function namesOf(db: Db, username: string): Promise<string[]> {
	const u = await db
		.selectFrom('users')
		.select(['nip', 'email'])
		.where((eb) => eb.or([eb('nip', '=', username), eb('email', '=', username)]))
		.executeTakeFirst();
	const names = new Set([username]);
	for (const n of [u?.nip, u?.email]) if (n) names.add(normalizeUsername(n));
	return [...names];
}

async function recentFailures(db: Db, column: 'username' | 'ip', values: string[], since: string) {
	// Failures after the last success for this key, within the window.
	const lastSuccess = await db
		.selectFrom('login_attempts')
		.select((eb) => eb.fn.max('at').as('at'))
		.where(column, 'in', values)
		.where('success', '=', 1)
		.executeTakeFirst();
	const from = lastSuccess?.at && lastSuccess.at > since ? lastSuccess.at : since;
	const row = await db
		.selectFrom('login_attempts')
		.select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max('at').as('last')])
		.where(column, 'in', values)
		.where('success', '=', 0)
		.where('at', '>', from)
		.executeTakeFirstOrThrow();
	return { count: Number(row.n), last: row.last as string | null };
}

function minutesLeft(last: string | null, now: Date): number {
	if (!last) return LOCK_MINUTES;
	const until = new Date(last).getTime() + LOCK_MINUTES * 60_000;
	return Math.max(1, Math.ceil((until - now.getTime()) / 60_000));
}

/** Seconds a caller should wait after `failures` failures (exposed for tests and docs). */
export function delayFor(failures: number): number {
	return failures <= 0 ? 0 : Math.min(BASE_DELAY_MS * 2 ** (failures - 1), MAX_DELAY_MS);
}

/** A password check that was let through: its attempt row, and the name's failures before it. */
export interface Attempt {
	id: number;
	username: string;
	ip: string;
	failuresBefore: number;
}

/**
 * Counts, checks and claims one password check in a single IMMEDIATE write transaction: both
 * budgets (the name's and the address's) are read and, unless one is spent (LockedOut, audited
 * `auth.locked`), the attempt is recorded as a failure before any password is verified. Checks
 * in flight thus count against the budget, and no more than the limit can ever be verified.
 */
export async function claimAttempt(
	db: Db,
	rawUsername: string,
	ip: string,
	now: Date = new Date()
): Promise<Attempt> {
	const username = normalizeUsername(rawUsername);
	const since = new Date(now.getTime() - WINDOW_MINUTES * 60_000).toISOString();
	const claim = await writeTransaction(db, async (tx) => {
		const byUser = await recentFailures(tx, 'username', await namesOf(tx, username), since);
		const byIp = await recentFailures(tx, 'ip', [ip], since);
		if (byUser.count >= ACCOUNT_LOCK_FAILURES || byIp.count >= IP_LOCK_FAILURES) {
			const last = byUser.count >= ACCOUNT_LOCK_FAILURES ? byUser.last : byIp.last;
			await audit.record(tx, {
				actorId: null,
				action: 'auth.locked',
				entity: 'login',
				entityId: username,
				ip
			});
			return { locked: true, minutes: minutesLeft(last, now) } as const;
		}
		const row = await tx
			.insertInto('login_attempts')
			.values({ username, ip, success: 0, at: now.toISOString() })
			.returning('id')
			.executeTakeFirstOrThrow();
		const attempt: Attempt = { id: row.id, username, ip, failuresBefore: byUser.count };
		return { locked: false, attempt } as const;
	});
	if (claim.locked) throw new LockedOut(claim.minutes);
	return claim.attempt;
}

/**
 * Records how a claimed check ended. Success marks the attempt (which resets the name's count);
 * a failure is already recorded and is audited here (`auth.login_failed`, plus `auth.lockout`
 * when it spent the budget). Returns the name's failures including this one.
 */
export async function settleAttempt(
	db: Db,
	attempt: Attempt,
	ok: boolean,
	actorId: number | null
): Promise<number> {
	const failures = attempt.failuresBefore + (ok ? 0 : 1);
	await writeTransaction(db, async (tx) => {
		if (ok) {
			await tx
				.updateTable('login_attempts')
				.set({ success: 1 })
				.where('id', '=', attempt.id)
				.execute();
			return;
		}
		const entry = { actorId, entity: 'login', entityId: attempt.username, ip: attempt.ip };
		await audit.record(tx, { ...entry, action: 'auth.login_failed' });
		if (failures >= ACCOUNT_LOCK_FAILURES)
			await audit.record(tx, { ...entry, action: 'auth.lockout' });
	});
	return failures;
}

/**
 * Checks credentials (NIP or e-mail + password) and opens a session. Throws InvalidCredentials
 * or LockedOut; records every attempt and audits login, failure and lockout.
 */
export async function login(
	db: Db,
	input: LoginInput,
	opts: { now?: Date; sleep?: (ms: number) => Promise<void> } = {}
): Promise<LoginResult> {
	const now = opts.now ?? new Date();
	const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
	const username = normalizeUsername(input.username);
	const attempt = await claimAttempt(db, username, input.ip, now);

	const user = await db
		.selectFrom('users')
		.selectAll()
		.where((eb) => eb.or([eb('nip', '=', username), eb('email', '=', username)]))
		.executeTakeFirst();
	// Verify against a dummy hash when there is no such user, so timing does not reveal it.
	dummyHash ??= hashPassword('not-a-real-password');
	let ok = false;
	if (user?.password_hash && user.active === 1) {
		ok = await verifyPassword(input.password, user.password_hash);
	} else {
		await verifyPassword(input.password, await dummyHash);
	}

	const failures = await settleAttempt(db, attempt, ok && !!user, user?.id ?? null);
	if (!ok || !user) {
		if (failures >= ACCOUNT_LOCK_FAILURES) throw new LockedOut(LOCK_MINUTES);
		await sleep(delayFor(failures));
		throw new InvalidCredentials();
	}

	const session = await sessions.create(
		db,
		user.id,
		{ ip: input.ip, userAgent: input.userAgent },
		now
	);
	await audit.record(db, {
		actorId: user.id,
		action: 'auth.login',
		entity: 'user',
		entityId: user.id,
		ip: input.ip
	});
	return {
		user: toSessionUser(user),
		token: session.token,
		expiresAt: session.expiresAt,
		mustChangePassword: user.must_change_password === 1
	};
}
