import crypto from 'node:crypto';
import { sql } from 'kysely';
import { writeTransaction } from '../db/write.js';
import type { Db } from '../db/index.ts';
import { caseless, likeIgnoringCase } from '../db/dialect.ts';
import type { Role } from '../db/schema.ts';
import { Conflict, Invalid, NotFound } from '../errors.ts';
import * as audit from '../audit.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import * as sessions from './sessions.ts';
import {
	ACCOUNT_LOCK_FAILURES,
	LOCK_MINUTES,
	LockedOut,
	claimAttempt,
	settleAttempt
} from './login.ts';

/** An NIP (Nomor Induk Pegawai) is exactly 18 digits. */
export const NIP_PATTERN = /^\d{18}$/;
export const MIN_PASSWORD_LENGTH = 10;

export interface NewUser {
	name: string;
	role: Role;
	nip?: string | null;
	email?: string | null;
	memberType?: string;
	unit?: string | null;
	password: string;
	/** A password set by someone else is temporary: the member must change it at first login. */
	mustChangePassword?: boolean;
}

/** Creates an account with a hashed password; NIP and e-mail must be unique. */
export async function create(
	db: Db,
	input: NewUser,
	actorId: number | null = null
): Promise<number> {
	const fields: Record<string, string> = {};
	const name = input.name.trim();
	if (!name || name.length > 200) fields.name = name ? 'validation.tooLong' : 'validation.required';
	if (input.nip && !NIP_PATTERN.test(input.nip)) fields.nip = 'validation.nip';
	const email = input.email?.trim().toLowerCase() || null;
	if (email && (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)))
		fields.email = 'validation.email';
	if (!input.nip && !email) fields.nip = 'validation.required';
	if (input.password.length < MIN_PASSWORD_LENGTH) fields.password = 'validation.passwordLength';
	if (Object.keys(fields).length) throw new Invalid('error.invalid', fields);

	const existing = await db
		.selectFrom('users')
		.select('id')
		// Only the identifiers given (at least one is, checked above); PostgreSQL refuses a NUL
		// character in text, so no placeholder value stands in for a missing one.
		.where((eb) =>
			eb.or([
				...(input.nip ? [eb('nip', '=', input.nip)] : []),
				...(email ? [eb('email', '=', email)] : [])
			])
		)
		.executeTakeFirst();
	if (existing) throw new Conflict('account_exists', 'accounts.exists');

	const passwordHash = await hashPassword(input.password);
	return writeTransaction(db, async (tx) => {
		const row = await tx
			.insertInto('users')
			.values({
				name,
				role: input.role,
				nip: input.nip || null,
				email,
				member_type: input.memberType ?? (input.role === 'employee' ? 'employee' : 'staff'),
				unit: input.unit ?? null,
				password_hash: passwordHash,
				must_change_password: input.mustChangePassword ? 1 : 0
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		await audit.record(tx, {
			actorId,
			action: 'account.create',
			entity: 'user',
			entityId: row.id,
			after: { name, role: input.role, nip: input.nip ?? null, email }
		});
		return row.id;
	});
}

/** An account as the admin pages see it (never the password hash). */
export interface Account {
	id: number;
	name: string;
	nip: string | null;
	email: string | null;
	role: Role;
	memberType: string;
	unit: string | null;
	active: boolean;
	mustChangePassword: boolean;
	createdAt: string;
	deactivatedAt: string | null;
}

const ROLES: Role[] = ['employee', 'librarian', 'admin'];

function toAccount(u: {
	id: number;
	name: string;
	nip: string | null;
	email: string | null;
	role: Role;
	member_type: string;
	unit: string | null;
	active: number;
	must_change_password: number;
	created_at: string;
	deactivated_at: string | null;
}): Account {
	return {
		id: u.id,
		name: u.name,
		nip: u.nip,
		email: u.email,
		role: u.role,
		memberType: u.member_type,
		unit: u.unit,
		active: u.active === 1,
		mustChangePassword: u.must_change_password === 1,
		createdAt: u.created_at,
		deactivatedAt: u.deactivated_at
	};
}

const ACCOUNT_COLUMNS = [
	'id',
	'name',
	'nip',
	'email',
	'role',
	'member_type',
	'unit',
	'active',
	'must_change_password',
	'created_at',
	'deactivated_at'
] as const;

/** True when the string is a role name. */
export function isRole(raw: unknown): raw is Role {
	return typeof raw === 'string' && (ROLES as string[]).includes(raw);
}

/** Columns the accounts list may be sorted by (the admin table's sortable headers). */
export const ACCOUNT_SORTS = ['name', 'nip', 'email', 'role', 'active'] as const;
export type AccountSort = { key: (typeof ACCOUNT_SORTS)[number]; dir: 'asc' | 'desc' };

/**
 * Accounts matching a search over name, NIP and e-mail, newest first unless `sort` names a
 * column; ties fall back to the newest account so paging is stable.
 */
export async function search(
	db: Db,
	q: string,
	limit = 50,
	offset = 0,
	sort: AccountSort | null = null
): Promise<{ total: number; items: Account[] }> {
	let query = db.selectFrom('users');
	const text = q.trim();
	if (text) {
		const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
		query = query.where((eb) =>
			eb.or([
				likeIgnoringCase(eb.ref('name'), like),
				likeIgnoringCase(eb.ref('nip'), like),
				likeIgnoringCase(eb.ref('email'), like)
			])
		);
	}
	const { n } = await query
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	let ordered = query.select(ACCOUNT_COLUMNS);
	if (sort) {
		// Names sort case-insensitively; an account without NIP or e-mail sorts last either way.
		ordered =
			sort.key === 'name'
				? ordered.orderBy(caseless(sql.ref('name')), sort.dir)
				: ordered.orderBy(sql`${sql.ref(sort.key)} is null`).orderBy(sort.key, sort.dir);
	}
	const rows = await ordered.orderBy('id', 'desc').limit(limit).offset(offset).execute();
	return { total: Number(n), items: rows.map(toAccount) };
}

/** One account by id; NotFound otherwise. */
export async function findById(db: Db, id: number): Promise<Account> {
	const row = await db
		.selectFrom('users')
		.select(ACCOUNT_COLUMNS)
		.where('id', '=', id)
		.executeTakeFirst();
	if (!row) throw new NotFound('accounts.notFound');
	return toAccount(row);
}

/** Changes an account's role and member type (admin). Audited with before → after. */
export async function update(
	db: Db,
	id: number,
	changes: { role?: Role; memberType?: string; unit?: string | null; name?: string },
	actorId: number,
	ip: string | null = null
): Promise<Account> {
	const before = await findById(db, id);
	const fields: Record<string, string> = {};
	if (changes.role !== undefined && !isRole(changes.role)) fields.role = 'validation.invalidChoice';
	if (changes.memberType !== undefined && !/^[a-z_]{2,30}$/.test(changes.memberType))
		fields.memberType = 'validation.invalidChoice';
	if (changes.unit && changes.unit.length > 200) fields.unit = 'validation.tooLong';
	if (changes.name !== undefined && (!changes.name.trim() || changes.name.length > 200))
		fields.name = 'validation.required';
	if (Object.keys(fields).length) throw new Invalid('error.invalid', fields);
	if (before.id === actorId && changes.role && changes.role !== 'admin') {
		// An admin demoting themselves could leave the library without any admin.
		throw new Conflict('last_admin', 'accounts.cannotDemoteSelf');
	}
	await writeTransaction(db, async (tx) => {
		await tx
			.updateTable('users')
			.set({
				...(changes.role ? { role: changes.role } : {}),
				...(changes.memberType ? { member_type: changes.memberType } : {}),
				...(changes.unit !== undefined ? { unit: changes.unit?.trim() || null } : {}),
				...(changes.name ? { name: changes.name.trim() } : {}),
				updated_at: new Date().toISOString()
			})
			.where('id', '=', id)
			.execute();
		await audit.record(tx, {
			actorId,
			action:
				changes.role && changes.role !== before.role ? 'account.role_change' : 'account.update',
			entity: 'user',
			entityId: id,
			before: {
				role: before.role,
				memberType: before.memberType,
				unit: before.unit,
				name: before.name
			},
			after: changes,
			ip
		});
	});
	return findById(db, id);
}

/** Deactivates an account: history is kept, every session and token stops working. */
export async function deactivate(
	db: Db,
	id: number,
	actorId: number,
	ip: string | null = null
): Promise<void> {
	if (id === actorId) throw new Conflict('self_deactivate', 'accounts.cannotDeactivateSelf');
	await findById(db, id);
	const now = new Date().toISOString();
	await writeTransaction(db, async (tx) => {
		await tx
			.updateTable('users')
			.set({ active: 0, deactivated_at: now, updated_at: now })
			.where('id', '=', id)
			.execute();
		await sessions.revokeAll(tx, id);
		await tx
			.updateTable('api_tokens')
			.set({ revoked_at: now })
			.where('user_id', '=', id)
			.where('revoked_at', 'is', null)
			.execute();
		await audit.record(tx, {
			actorId,
			action: 'account.deactivate',
			entity: 'user',
			entityId: id,
			ip
		});
	});
}

/** Re-activates a deactivated account. */
export async function reactivate(
	db: Db,
	id: number,
	actorId: number,
	ip: string | null = null
): Promise<void> {
	await findById(db, id);
	await writeTransaction(db, async (tx) => {
		await tx
			.updateTable('users')
			.set({ active: 1, deactivated_at: null, updated_at: new Date().toISOString() })
			.where('id', '=', id)
			.execute();
		await audit.record(tx, {
			actorId,
			action: 'account.reactivate',
			entity: 'user',
			entityId: id,
			ip
		});
	});
}

/** A generated temporary password: 12 random URL-safe characters (72 bits). */
function temporaryPassword(): string {
	return crypto.randomBytes(9).toString('base64url');
}

/**
 * Resets a password to a temporary one that must be changed at next login; every session of
 * the account ends. Returns the temporary password to hand to the member once.
 */
export async function resetPassword(
	db: Db,
	id: number,
	actorId: number,
	ip: string | null = null
): Promise<string> {
	await findById(db, id);
	const password = temporaryPassword();
	await storePassword(db, id, await hashPassword(password), true, {
		actorId,
		action: 'account.password_reset',
		ip
	});
	return password;
}

/**
 * Changes one's own password after checking the current one. Every session ends (including
 * the current one); the caller starts a fresh session for the user.
 */
export async function changePassword(
	db: Db,
	id: number,
	current: string,
	next: string,
	ip: string | null = null
): Promise<void> {
	const row = await db
		.selectFrom('users')
		.select(['password_hash', 'active', 'nip', 'email'])
		.where('id', '=', id)
		.executeTakeFirst();
	if (!row || row.active !== 1) throw new NotFound('accounts.notFound');
	// Checking the current password is a password guess like a login: the same budget, counted
	// atomically (login.ts), so a stolen session cannot brute-force the password either.
	const attempt = await claimAttempt(db, row.nip ?? row.email ?? `#${id}`, ip ?? 'unknown');
	const ok = !!row.password_hash && (await verifyPassword(current, row.password_hash));
	const failures = await settleAttempt(db, attempt, ok, id);
	if (!ok) {
		if (failures >= ACCOUNT_LOCK_FAILURES) throw new LockedOut(LOCK_MINUTES);
		throw new Invalid('error.invalid', { current: 'accounts.wrongPassword' });
	}
	if (next.length < MIN_PASSWORD_LENGTH)
		throw new Invalid('error.invalid', { password: 'validation.passwordLength' });
	if (next.length > 200) throw new Invalid('error.invalid', { password: 'validation.tooLong' });
	if (next === current) throw new Invalid('error.invalid', { password: 'accounts.samePassword' });
	await storePassword(db, id, await hashPassword(next), false, {
		actorId: id,
		action: 'account.password_change',
		ip
	});
}

/**
 * Stores a new password hash and ends every session of the account, in one transaction with
 * its audit entry: a password that changed must not leave an old session alive.
 */
async function storePassword(
	db: Db,
	id: number,
	hash: string,
	mustChange: boolean,
	entry: { actorId: number; action: string; ip: string | null }
): Promise<void> {
	await writeTransaction(db, async (tx) => {
		await tx
			.updateTable('users')
			.set({
				password_hash: hash,
				must_change_password: mustChange ? 1 : 0,
				updated_at: new Date().toISOString()
			})
			.where('id', '=', id)
			.execute();
		await sessions.revokeAll(tx, id);
		await audit.record(tx, { ...entry, entity: 'user', entityId: id });
	});
}
