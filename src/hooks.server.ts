import crypto from 'node:crypto';
import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import { log } from '$lib/server/log.ts';
import * as storage from '$lib/server/storage/index.ts';
import { LANG_COOKIE, parseLang, translator } from '$lib/i18n/index.ts';

/** Runs once at start: migrations are applied before the first request is served. */
export const init: ServerInit = async () => {
	await getDb();
	const swept = await storage.sweepTemp();
	log.info({ swept }, 'ready');
};

const SECURITY_HEADERS: Record<string, string> = {
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'strict-origin-when-cross-origin',
	'X-Frame-Options': 'SAMEORIGIN',
	'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
	'Cross-Origin-Opener-Policy': 'same-origin'
};

/** Language, security headers and one structured log line per request. */
export const handle: Handle = async ({ event, resolve }) => {
	const started = performance.now();
	event.locals.requestId = crypto.randomUUID();
	event.locals.lang = parseLang(event.cookies.get(LANG_COOKIE));
	event.locals.user = null;

	const response = await resolve(event, {
		transformPageChunk: ({ html }) => html.replace('%lang%', event.locals.lang)
	});
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
		if (!response.headers.has(name)) response.headers.set(name, value);
	}
	// SvelteKit sets the CSP on HTML pages; other responses (JSON, files) get a strict one.
	if (!response.headers.has('Content-Security-Policy')) {
		response.headers.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'self'");
	}
	log.info(
		{
			reqId: event.locals.requestId,
			method: event.request.method,
			path: event.url.pathname,
			status: response.status,
			ms: Math.round(performance.now() - started)
		},
		'request'
	);
	return response;
};

/** Logs the real error with its stack; the visitor sees only a translated generic message. */
export const handleError: HandleServerError = ({ error, event, status }) => {
	if (status !== 404) {
		log.error(
			{ reqId: event.locals.requestId, err: error, path: event.url.pathname },
			'unhandled error'
		);
	}
	const t = translator(event.locals.lang ?? 'id');
	return {
		message: status === 404 ? t('error.notFound') : t('error.internal'),
		requestId: event.locals.requestId
	};
};
