import { fail } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as unsubscribe from '$lib/server/mail/unsubscribe.ts';
import * as mailPrefs from '$lib/server/mail/preferences.ts';
import { clientIp } from '$lib/server/accounts/web.ts';
import type { Actions, PageServerLoad } from './$types';

/** `b***@example.go.id`: enough for the reader to recognise, little for whoever sees the link. */
function masked(email: string | null): string {
	if (!email) return '—';
	const [local, domain] = email.split('@');
	return `${local.slice(0, 1)}***@${domain ?? ''}`;
}

/**
 * The unsubscribe link of every reminder. Opening it (GET) only asks — link scanners and
 * previews fetch links, and must not unsubscribe anybody; the button, or a mail client's RFC 8058
 * one-click POST to the same URL, switches reminders off. No login needed: the signed token
 * names the member.
 */
export const load: PageServerLoad = async ({ url }) => {
	const db = await getDb();
	const userId = await unsubscribe.verify(db, url.searchParams.get('u'), url.searchParams.get('t'));
	const prefs = userId === null ? null : await mailPrefs.get(db, userId);
	return {
		valid: prefs !== null,
		email: prefs ? masked(prefs.email) : null,
		reminders: prefs?.reminders ?? false
	};
};

export const actions: Actions = {
	default: async (event) => {
		const db = await getDb();
		const { url } = event;
		const userId = await unsubscribe.verify(
			db,
			url.searchParams.get('u'),
			url.searchParams.get('t')
		);
		if (userId === null || !(await mailPrefs.get(db, userId))) return fail(400, { invalid: true });
		await mailPrefs.set(
			db,
			userId,
			{ reminders: false },
			{ id: null, ip: clientIp(event), via: 'unsubscribe_link' }
		);
		return { done: true };
	}
};
