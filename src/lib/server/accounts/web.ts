import type { RequestEvent } from '@sveltejs/kit';
import { getDb } from '../db/index.ts';
import * as sessions from './sessions.ts';

/**
 * Cookie plumbing shared by the login page, the JSON login endpoint and password changes.
 * Lives beside the accounts domain but is the one piece that knows about SvelteKit's cookies.
 */

/** The client's address as the server sees it ('unknown' behind an unconfigured proxy). */
export function clientIp(event: RequestEvent): string {
	try {
		return event.getClientAddress();
	} catch {
		return 'unknown';
	}
}

/** Sets the session cookie: HttpOnly, SameSite=Lax, Secure over https. */
export function setSessionCookie(event: RequestEvent, token: string, expires: Date): void {
	event.cookies.set(sessions.SESSION_COOKIE, token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: event.url.protocol === 'https:',
		expires
	});
}

/** Ends the current session (if any) and clears its cookie. Returns the user id it belonged to. */
export async function endSession(event: RequestEvent): Promise<number | null> {
	const token = event.cookies.get(sessions.SESSION_COOKIE);
	event.cookies.delete(sessions.SESSION_COOKIE, { path: '/' });
	if (!token) return null;
	return sessions.revoke(await getDb(), token);
}
