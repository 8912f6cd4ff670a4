import crypto from 'node:crypto';
import {
	isHttpError,
	isRedirect,
	json,
	redirect,
	text,
	type Handle,
	type HandleServerError,
	type RequestEvent,
	type ServerInit
} from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { getDb } from '$lib/server/db/index.ts';
import { log } from '$lib/server/log.ts';
import * as lifecycle from '$lib/server/lifecycle.ts';
import * as metrics from '$lib/server/metrics.ts';
import { isStorageFull } from '$lib/server/errors.ts';
import { addSecurityHeaders } from '$lib/server/security-headers.js';
import * as sessions from '$lib/server/accounts/sessions.ts';
import * as apiTokens from '$lib/server/accounts/api-tokens.ts';
import * as audit from '$lib/server/audit.ts';
import { hasRole } from '$lib/server/access.ts';
import { requiredRole } from '$lib/server/guard.ts';
import { apiError } from '$lib/server/http.ts';
import { viewerOf } from '$lib/server/request.ts';
import { applyCachePolicy } from '$lib/server/cache.ts';
import * as pageCache from '$lib/server/page-cache.ts';
import { compressResponse } from '$lib/server/compression.ts';
import * as searchLog from '$lib/server/statistics/search-log.ts';
import { reservedActionRefusal } from '$lib/server/forms.ts';
import { clientIp, setSessionCookie } from '$lib/server/accounts/web.ts';
import { LANG_COOKIE, parseLang, translator } from '$lib/i18n/index.ts';

/**
 * Runs once at start, before the first request: start checks, migrations, recovery sweeps, search
 * index, shutdown listener (see lib/server/lifecycle.ts).
 */
export const init: ServerInit = () => lifecycle.start();

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * POST endpoints that only read, so cross-site requests cannot do harm: OAI-PMH harvesters send
 * their arguments as a form-encoded POST, from servers, without any Origin header.
 */
const READ_ONLY_POSTS = new Set(['/oai']);

/**
 * POST endpoints authorised by a signed token in their URL, not by a cookie: a mail client's
 * RFC 8058 one-click unsubscribe POSTs there from its own servers, without an Origin header, and
 * a forged cross-site request could not name a valid token anyway.
 */
const SIGNED_LINK_POSTS = new Set(['/mail/unsubscribe']);

/** The content types a browser form can send cross-site (SvelteKit's list). */
const FORM_TYPES = new Set([
	'application/x-www-form-urlencoded',
	'multipart/form-data',
	'text/plain',
	'application/x-sveltekit-formdata'
]);

/**
 * SvelteKit's own check against cross-site form submissions, moved here because the built-in one
 * (turned off in svelte.config.js) cannot exempt a path: a POST, PUT, PATCH or DELETE with a
 * form content type whose Origin is not the site's — none at all included — gets SvelteKit's
 * 403 text, exactly as before. The exceptions are the read-only endpoints above, which a
 * harvester without an Origin header must be able to POST to, and the signed-link ones.
 */
function formOriginRefusal(event: RequestEvent): Response | null {
	const { request, url } = event;
	if (!UNSAFE_METHODS.has(request.method) || READ_ONLY_POSTS.has(url.pathname)) return null;
	if (SIGNED_LINK_POSTS.has(url.pathname)) return null;
	const type = request.headers.get('content-type')?.split(';', 1)[0].trim().toLowerCase() ?? '';
	if (!FORM_TYPES.has(type) || request.headers.get('origin') === url.origin) return null;
	const message = `Cross-site ${request.method} form submissions are forbidden`;
	return request.headers.get('accept') === 'application/json'
		? json({ message }, { status: 403 })
		: text(message, { status: 403 });
}

/**
 * Who is asking: a bearer token (integrations) or the session cookie (people). A bad bearer
 * token is an error, not a silent downgrade to anonymous.
 */
async function authenticate(event: RequestEvent): Promise<Response | null> {
	const db = await getDb();
	const header = event.request.headers.get('authorization');
	if (header) {
		const m = /^Bearer\s+(\S+)$/i.exec(header);
		const user = m ? await apiTokens.authenticate(db, m[1]) : null;
		if (!user)
			return apiError(401, 'invalid_token', translator(event.locals.lang)('auth.invalidToken'));
		event.locals.user = user;
		event.locals.authVia = 'token';
		return null;
	}
	const token = event.cookies.get(sessions.SESSION_COOKIE);
	if (!token) return null;
	const session = await sessions.validate(db, token);
	if (!session) {
		event.cookies.delete(sessions.SESSION_COOKIE, { path: '/' });
		return null;
	}
	event.locals.user = session.user;
	event.locals.authVia = 'session';
	if (session.renewed) setSessionCookie(event, token, session.expiresAt);
	return null;
}

/**
 * Cross-site request forgery: SvelteKit already refuses cross-origin form posts; JSON and
 * other bodies are checked here. A write carrying the session cookie must show it comes from
 * this site: an `Origin` equal to the site's, or — from a browser that sent none —
 * `Sec-Fetch-Site: same-origin`. Anything else (no Origin at all, `null`, another origin, a
 * same-site neighbour) is 403 `cross_site`. Anonymous writes (logging in) carry no ambient
 * credentials and are refused only when they say they come from elsewhere; bearer-token calls
 * pass.
 */
function crossSiteRefusal(event: RequestEvent): Response | null {
	if (!UNSAFE_METHODS.has(event.request.method) || event.locals.authVia === 'token') return null;
	if (READ_ONLY_POSTS.has(event.url.pathname)) return null;
	const origin = event.request.headers.get('origin');
	const site = event.request.headers.get('sec-fetch-site');
	const ok =
		event.locals.authVia === 'session'
			? origin === event.url.origin || (origin === null && site === 'same-origin')
			: (origin === null || origin === event.url.origin) && site !== 'cross-site';
	if (!ok) return apiError(403, 'cross_site', translator(event.locals.lang)('auth.crossSite'));
	return null;
}

/** Language, identity, role-protected areas, security headers and one log line per request. */
const application: Handle = async ({ event, resolve }) => {
	const started = performance.now();
	event.locals.requestId = crypto.randomUUID();
	event.locals.lang = parseLang(event.cookies.get(LANG_COOKIE));
	event.locals.user = null;
	event.locals.authVia = null;
	event.locals.forbidden = false;

	// Anonymous GETs of public pages and the public API are answered from the shared page cache
	// when nothing they depend on changed (lib/server/page-cache.ts); signed-in callers never are.
	const cacheKey = await pageCache.cacheKey(event, event.locals.lang);
	const cached = cacheKey ? await pageCache.lookup(cacheKey, event.request) : null;
	let response =
		cached ??
		formOriginRefusal(event) ??
		(await authenticate(event)) ??
		crossSiteRefusal(event) ??
		reservedActionRefusal(event) ??
		(await guardArea(event)) ??
		(await resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%lang%', event.locals.lang)
		}));

	if (!cached) {
		applyCachePolicy(response, event.locals.user !== null);
		// SvelteKit sets the CSP on HTML pages; other responses (JSON, files) get a strict one.
		addSecurityHeaders(response.headers);
		if (cacheKey && event.locals.user === null)
			response = await pageCache.remember(cacheKey, event.request, response);
		// Last, over the final body: gzip/Brotli by Accept-Encoding (lib/server/compression.ts);
		// the page cache's answers come already encoded and pass through unchanged.
		response = compressResponse(event.request, response);
	}
	// After the cache, so searches answered from it are counted too (statistics/search-log.ts).
	searchLog.observe(
		event.request,
		event.url,
		event.locals.lang,
		event.locals.user !== null,
		response
	);
	log.info(
		{
			reqId: event.locals.requestId,
			method: event.request.method,
			path: event.url.pathname,
			status: response.status,
			cached: cached ? true : undefined,
			user: (event.locals as App.Locals).user?.id,
			ms: Math.round(performance.now() - started)
		},
		'request'
	);
	return response;
};

/**
 * Operations around every request: it counts as in progress for a clean shutdown, and its route
 * id, method, status and duration go to the metrics.
 */
const instrument: Handle = async ({ event, resolve }) => {
	const done = lifecycle.requestStarted();
	const started = performance.now();
	let status = 500;
	try {
		const response = await resolve(event);
		status = response.status;
		return response;
	} catch (err) {
		if (isRedirect(err) || isHttpError(err)) status = err.status;
		throw err;
	} finally {
		done();
		metrics.observeRequest(
			event.route.id,
			event.request.method,
			status,
			(performance.now() - started) / 1000
		);
	}
};

export const handle = sequence(instrument, application);

/**
 * Role-protected areas: anonymous → login page; wrong role → 403, audited. A page navigation
 * is let through flagged `forbidden` so the root layout renders the translated 403 page with the
 * site around it; anything else (actions, endpoints, data requests) is refused right here.
 */
async function guardArea(event: RequestEvent): Promise<Response | null> {
	const role = requiredRole(event.url.pathname);
	if (!role) return null;
	const user = event.locals.user;
	if (!user) {
		if (event.request.method !== 'GET') {
			return apiError(401, 'unauthorized', translator(event.locals.lang)('error.unauthorized'));
		}
		redirect(303, `/login?redirectTo=${encodeURIComponent(event.url.pathname + event.url.search)}`);
	}
	if (hasRole(viewerOf(user), role)) return null;
	await audit.record(await getDb(), {
		actorId: user.id,
		action: 'auth.permission_denied',
		entity: 'path',
		entityId: event.url.pathname,
		ip: clientIp(event)
	});
	const isPageNavigation =
		(event.request.method === 'GET' || event.request.method === 'HEAD') &&
		!event.isDataRequest &&
		(event.request.headers.get('accept') ?? '').includes('text/html');
	if (isPageNavigation) {
		event.locals.forbidden = true;
		return null;
	}
	return apiError(403, 'forbidden', translator(event.locals.lang)('error.forbidden'));
}

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
		// A full disk is the one failure a visitor can act on ("tell the administrator").
		message:
			status === 404
				? t('error.notFound')
				: isStorageFull(error)
					? t('error.storageFull')
					: t('error.internal'),
		requestId: event.locals.requestId
	};
};
