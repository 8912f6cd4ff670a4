import { fail, redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as users from '$lib/server/accounts/users.ts';
import * as sessions from '$lib/server/accounts/sessions.ts';
import { DomainError } from '$lib/server/errors.ts';
import { safeReturnPath } from '$lib/server/guard.ts';
import { clientIp, setSessionCookie } from '$lib/server/accounts/web.ts';
import { translator } from '$lib/i18n/index.ts';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/forms.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	const account = await users.findById(await getDb(), locals.user!.id);
	return {
		mustChange: account.mustChangePassword,
		redirectTo: safeReturnPath(url.searchParams.get('redirectTo'))
	};
};

export const actions: Actions = {
	/** Changes the password, ends every session, and starts a fresh one here. */
	default: async (event) => {
		const form = await readForm(event);
		const current = String(form.get('current') ?? '');
		const next = String(form.get('password') ?? '');
		const confirm = String(form.get('confirm') ?? '');
		const t = translator(event.locals.lang);
		if (next !== confirm) return fail(400, { errors: { confirm: t('accounts.passwordMismatch') } });
		const db = await getDb();
		const user = event.locals.user!;
		try {
			await users.changePassword(db, user.id, current, next, clientIp(event));
		} catch (err) {
			if (err instanceof DomainError) {
				const errors = Object.fromEntries(Object.entries(err.fields).map(([k, v]) => [k, t(v)]));
				// A refusal without field errors (a lockout) is shown beside the current password.
				if (!Object.keys(errors).length) errors.current = t(err.messageKey, err.params);
				return fail(err.status, { errors });
			}
			throw err;
		}
		const session = await sessions.create(db, user.id, {
			ip: clientIp(event),
			userAgent: event.request.headers.get('user-agent')
		});
		setSessionCookie(event, session.token, session.expiresAt);
		redirect(303, safeReturnPath(String(form.get('redirectTo') ?? '/account')));
	}
};
