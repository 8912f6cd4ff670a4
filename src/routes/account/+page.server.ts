import { fail, redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as users from '$lib/server/accounts/users.ts';
import * as sessions from '$lib/server/accounts/sessions.ts';
import * as apiTokens from '$lib/server/accounts/api-tokens.ts';
import * as progress from '$lib/server/reader/progress.ts';
import * as audit from '$lib/server/audit.ts';
import { isStaff } from '$lib/server/access.ts';
import { DomainError } from '$lib/server/errors.ts';
import { clientIp } from '$lib/server/accounts/web.ts';
import { viewerOf } from '$lib/server/request.ts';
import { translator } from '$lib/i18n/index.ts';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/forms.ts';
import * as mailPrefs from '$lib/server/mail/preferences.ts';
import * as mail from '$lib/server/mail/index.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const db = await getDb();
	const user = locals.user!;
	const viewer = viewerOf(user);
	return {
		account: await users.findById(db, user.id),
		tokens: isStaff(viewer) ? await apiTokens.listMine(db, viewer) : null,
		recentlyRead: await progress.recent(db, viewer),
		mail: { ...(await mailPrefs.get(db, user.id))!, enabled: mail.enabled() }
	};
};

export const actions: Actions = {
	/** The member's e-mail reminder opt-in and the language reminders are written in. */
	mailPreferences: async (event) => {
		const form = await readForm(event);
		const language = form.get('language');
		if (language !== null && language !== 'id' && language !== 'en')
			return fail(400, { mailError: translator(event.locals.lang)('error.invalid') });
		await mailPrefs.set(
			await getDb(),
			event.locals.user!.id,
			{
				reminders: form.get('reminders') === 'on',
				...(language ? { language: language as 'id' | 'en' } : {})
			},
			{ id: event.locals.user!.id, ip: clientIp(event) }
		);
		return { mailSaved: true };
	},
	/** Ends every session of this account, on every device, including this one. */
	logoutEverywhere: async (event) => {
		const db = await getDb();
		const user = event.locals.user!;
		await sessions.revokeAll(db, user.id);
		await audit.record(db, {
			actorId: user.id,
			action: 'auth.logout_everywhere',
			entity: 'user',
			entityId: user.id,
			ip: clientIp(event)
		});
		event.cookies.delete(sessions.SESSION_COOKIE, { path: '/' });
		redirect(303, '/login');
	},
	/** Creates an API token; its secret is shown once in the returned form data. */
	createToken: async (event) => {
		const form = await readForm(event);
		const t = translator(event.locals.lang);
		try {
			const created = await apiTokens.create(
				await getDb(),
				viewerOf(event.locals.user),
				String(form.get('name') ?? ''),
				clientIp(event)
			);
			return { createdToken: created.token };
		} catch (err) {
			if (err instanceof DomainError) {
				return fail(err.status, { tokenError: t(Object.values(err.fields)[0] ?? err.messageKey) });
			}
			throw err;
		}
	},
	revokeToken: async (event) => {
		const form = await readForm(event);
		const id = Number(form.get('id'));
		if (!Number.isInteger(id))
			return fail(400, { tokenError: translator(event.locals.lang)('error.invalid') });
		try {
			await apiTokens.revoke(await getDb(), viewerOf(event.locals.user), id, clientIp(event));
		} catch (err) {
			// An unknown or someone else's token is a refusal on the page, not a server error.
			if (err instanceof DomainError)
				return fail(err.status, { tokenError: translator(event.locals.lang)(err.messageKey) });
			throw err;
		}
		return { revoked: id };
	}
};
