import { fail, redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as login from '$lib/server/accounts/login.ts';
import { DomainError } from '$lib/server/errors.ts';
import { safeReturnPath } from '$lib/server/guard.ts';
import { clientIp, setSessionCookie } from '$lib/server/accounts/web.ts';
import { translator } from '$lib/i18n/index.ts';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/forms.ts';

export const load: PageServerLoad = ({ locals, url }) => {
	const redirectTo = safeReturnPath(url.searchParams.get('redirectTo'));
	if (locals.user) redirect(303, redirectTo);
	return { redirectTo };
};

export const actions: Actions = {
	/** Checks the credentials and starts a session; re-fills only the username on failure. */
	default: async (event) => {
		const form = await readForm(event);
		const username = String(form.get('username') ?? '').slice(0, 254);
		const password = String(form.get('password') ?? '').slice(0, 200);
		const redirectTo = safeReturnPath(String(form.get('redirectTo') ?? '/'));
		const t = translator(event.locals.lang);
		if (!username.trim() || !password) {
			return fail(400, { username, message: t('validation.required') });
		}
		let result: login.LoginResult;
		try {
			result = await login.login(await getDb(), {
				username,
				password,
				ip: clientIp(event),
				userAgent: event.request.headers.get('user-agent')
			});
		} catch (err) {
			if (err instanceof DomainError) {
				return fail(err.status, {
					username,
					message: t(err.messageKey, err.params),
					code: err.code
				});
			}
			throw err;
		}
		setSessionCookie(event, result.token, result.expiresAt);
		redirect(
			303,
			result.mustChangePassword
				? `/account/password?redirectTo=${encodeURIComponent(redirectTo)}`
				: redirectTo
		);
	}
};
