import type { Db } from '../db/index.ts';
import { Forbidden, Invalid, NotFound } from '../errors.ts';
import * as audit from '../audit.ts';
import { hasRole, type Viewer } from '../access.ts';
import type { SessionUser } from '../../types.ts';
import { toSessionUser } from './sessions.ts';
import { hashSecret, newSecret } from './tokens.ts';

/** Prefix that makes a leaked token recognisable in logs and secret scanners. */
const PREFIX = 'djkn_';

export interface ApiTokenInfo {
	id: number;
	name: string;
	createdAt: string;
	lastUsedAt: string | null;
	revokedAt: string | null;
}

/** Creates a personal API token for a librarian or admin; the secret is returned once only. */
export async function create(
	db: Db,
	viewer: Viewer,
	name: string,
	ip: string | null = null
): Promise<{ id: number; token: string }> {
	if (!viewer || !hasRole(viewer, 'librarian')) throw new Forbidden();
	const clean = name.trim();
	if (!clean || clean.length > 100) {
		throw new Invalid('error.invalid', {
			name: clean ? 'validation.tooLong' : 'validation.required'
		});
	}
	const token = PREFIX + newSecret();
	const row = await db
		.insertInto('api_tokens')
		.values({ user_id: viewer.id, name: clean, token_hash: hashSecret(token) })
		.returning('id')
		.executeTakeFirstOrThrow();
	await audit.record(db, {
		actorId: viewer.id,
		action: 'token.create',
		entity: 'api_token',
		entityId: row.id,
		after: { name: clean },
		ip
	});
	return { id: row.id, token };
}

/** The caller's own tokens (never the secrets). */
export async function listMine(db: Db, viewer: Viewer): Promise<ApiTokenInfo[]> {
	if (!viewer) return [];
	const rows = await db
		.selectFrom('api_tokens')
		.select(['id', 'name', 'created_at', 'last_used_at', 'revoked_at'])
		.where('user_id', '=', viewer.id)
		.orderBy('id', 'desc')
		.execute();
	return rows.map((r) => ({
		id: r.id,
		name: r.name,
		createdAt: r.created_at,
		lastUsedAt: r.last_used_at,
		revokedAt: r.revoked_at
	}));
}

/** Revokes one of the caller's tokens (admins may revoke anyone's). */
export async function revoke(
	db: Db,
	viewer: Viewer,
	id: number,
	ip: string | null = null
): Promise<void> {
	if (!viewer) throw new Forbidden();
	const row = await db
		.selectFrom('api_tokens')
		.select(['id', 'user_id', 'revoked_at'])
		.where('id', '=', id)
		.executeTakeFirst();
	if (!row || (row.user_id !== viewer.id && !hasRole(viewer, 'admin'))) throw new NotFound();
	if (row.revoked_at) return;
	await db
		.updateTable('api_tokens')
		.set({ revoked_at: new Date().toISOString() })
		.where('id', '=', id)
		.execute();
	await audit.record(db, {
		actorId: viewer.id,
		action: 'token.revoke',
		entity: 'api_token',
		entityId: id,
		ip
	});
}

/** The user behind a bearer token, or null when unknown, revoked or the user is inactive. */
export async function authenticate(db: Db, token: string): Promise<SessionUser | null> {
	if (!token.startsWith(PREFIX) || token.length > 200) return null;
	const row = await db
		.selectFrom('api_tokens')
		.innerJoin('users', 'users.id', 'api_tokens.user_id')
		.selectAll('users')
		.select(['api_tokens.id as token_id', 'api_tokens.revoked_at', 'api_tokens.last_used_at'])
		.where('api_tokens.token_hash', '=', hashSecret(token))
		.executeTakeFirst();
	if (!row || row.revoked_at || row.active !== 1) return null;
	const now = new Date();
	// Record use at most once a minute: a busy integration should not write on every call.
	if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > 60_000) {
		await db
			.updateTable('api_tokens')
			.set({ last_used_at: now.toISOString() })
			.where('id', '=', row.token_id)
			.execute();
	}
	return toSessionUser(row);
}
