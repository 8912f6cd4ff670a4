import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as login from '$lib/server/accounts/login.ts';
import { readJsonObject, toApiError, apiError } from '$lib/server/http.ts';
import { clientIp, setSessionCookie } from '$lib/server/accounts/web.ts';
import { translator } from '$lib/i18n/index.ts';
import type { RequestHandler } from './$types';

/** `POST /api/v1/auth/login` {username, password} → the user, and the same session cookie as the login page. */
export const POST: RequestHandler = async (event) => {
	try {
		const body = await readJsonObject(event.request);
		const { username, password } = body;
		if (
			typeof username !== 'string' ||
			typeof password !== 'string' ||
			!username.trim() ||
			!password ||
			username.length > 254 ||
			password.length > 200
		) {
			return apiError(400, 'invalid', translator(event.locals.lang)('error.invalid'));
		}
		const result = await login.login(await getDb(), {
			username,
			password,
			ip: clientIp(event),
			userAgent: event.request.headers.get('user-agent')
		});
		setSessionCookie(event, result.token, result.expiresAt);
		return json({
			user: result.user,
			expiresAt: result.expiresAt.toISOString(),
			mustChangePassword: result.mustChangePassword
		});
	} catch (err) {
		return toApiError(err, event.locals.lang);
	}
};
