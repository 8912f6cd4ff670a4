import type { Transaction } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Database } from '../db/schema.ts';
import type { UserRow } from '../db/schema.ts';
import { config } from '../config.ts';
import type { SessionUser } from '../../types.ts';
import { hashSecret, newSecret } from './tokens.ts';

export const SESSION_COOKIE = 'djkn_session';
/** Extend a session's expiry at most this often, so reads do not turn into a write per request. */
const SLIDE_AFTER_MS = 60 * 60 * 1000;

/** The UI's view of a user row. */
export function toSessionUser(u: UserRow): SessionUser {
	return {
		id: u.id,
		name: u.name,
		nip: u.nip,
		email: u.email,
		role: u.role,
		memberType: u.member_type,
		unit: u.unit
	};
}

function expiryFrom(now: Date): string {
	return new Date(now.getTime() + config.sessionDays * 86_400_000).toISOString();
}

/** Starts a session; returns the secret token for the cookie (only its hash is stored). */
export async function create(
	db: Db,
	userId: number,
	meta: { ip?: string | null; userAgent?: string | null } = {},
	now = new Date()
): Promise<{ token: string; expiresAt: Date }> {
	const token = newSecret();
	const expiresAt = expiryFrom(now);
	await db
		.insertInto('sessions')
		.values({
			user_id: userId,
			token_hash: hashSecret(token),
			created_at: now.toISOString(),
			last_seen_at: now.toISOString(),
			expires_at: expiresAt,
			user_agent: meta.userAgent?.slice(0, 300) ?? null,
			ip: meta.ip ?? null
		})
		.execute();
	return { token, expiresAt: new Date(expiresAt) };
}

/**
 * The user behind a session token, or null when the token is unknown, expired, revoked or
 * belongs to a deactivated account. Slides the expiry forward on use.
 */
export async function validate(
	db: Db,
	token: string,
	now = new Date()
): Promise<{ user: SessionUser; expiresAt: Date; renewed: boolean } | null> {
	if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
	const row = await db
		.selectFrom('sessions')
		.innerJoin('users', 'users.id', 'sessions.user_id')
		.selectAll('users')
		.select([
			'sessions.id as session_id',
			'sessions.expires_at',
			'sessions.revoked_at',
			'sessions.last_seen_at'
		])
		.where('sessions.token_hash', '=', hashSecret(token))
		.executeTakeFirst();
	if (!row || row.revoked_at || row.active !== 1) return null;
	if (new Date(row.expires_at) <= now) return null;
	let expiresAt = new Date(row.expires_at);
	let renewed = false;
	if (now.getTime() - new Date(row.last_seen_at).getTime() > SLIDE_AFTER_MS) {
		const next = expiryFrom(now);
		await db
			.updateTable('sessions')
			.set({ last_seen_at: now.toISOString(), expires_at: next })
			.where('id', '=', row.session_id)
			.execute();
		expiresAt = new Date(next);
		renewed = true;
	}
	return { user: toSessionUser(row), expiresAt, renewed };
}

/** Ends one session (logout). */
export async function revoke(db: Db, token: string, now = new Date()): Promise<number | null> {
	const row = await db
		.updateTable('sessions')
		.set({ revoked_at: now.toISOString() })
		.where('token_hash', '=', hashSecret(token))
		.where('revoked_at', 'is', null)
		.returning('user_id')
		.executeTakeFirst();
	return row?.user_id ?? null;
}

/** Ends every session of a user (logout everywhere, password change, deactivation). */
export async function revokeAll(
	db: Db | Transaction<Database>,
	userId: number,
	now = new Date()
): Promise<void> {
	await db
		.updateTable('sessions')
		.set({ revoked_at: now.toISOString() })
		.where('user_id', '=', userId)
		.where('revoked_at', 'is', null)
		.execute();
}
