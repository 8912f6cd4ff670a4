import { redirect } from '@sveltejs/kit';
import { LANG_COOKIE, parseLang } from '$lib/i18n/index.ts';
import type { RequestHandler } from './$types';

/** Only same-site paths may be returned to, never another host (open redirect). */
function safeReturn(to: string | null): string {
	if (!to || !to.startsWith('/') || to.startsWith('//') || to.startsWith('/\\')) return '/';
	return to;
}

/** Remembers the chosen interface language for a year and returns to the page the reader was on. */
export const GET: RequestHandler = ({ params, url, cookies }) => {
	cookies.set(LANG_COOKIE, parseLang(params.lang), {
		path: '/',
		maxAge: 60 * 60 * 24 * 365,
		sameSite: 'lax',
		httpOnly: false,
		secure: url.protocol === 'https:'
	});
	redirect(303, safeReturn(url.searchParams.get('to')));
};
