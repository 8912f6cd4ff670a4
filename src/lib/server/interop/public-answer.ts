import crypto from 'node:crypto';
import { asDomainError, DomainError } from '../errors.ts';
import { SESSION_COOKIE } from '../accounts/sessions.ts';
import { translator } from '../../i18n/index.ts';
import type { Lang } from '../../types.ts';

/**
 * HTTP answers of the public machine-readable outputs (OPDS, /feed.xml, the sitemap,
 * robots.txt). Their content is the anonymous view whoever asks, so it may sit in shared caches:
 * `public, no-cache` with a strong ETag from the body, like a public cover — every copy
 * revalidates (a cheap 304), so a record stops appearing the moment it is hidden. A request that
 * carries a session cookie or a token gets the same body as `private, no-cache`, because the
 * session hook may renew its cookie on that very response, and a Set-Cookie must never be
 * stored by a shared cache.
 */
export function publicAnswer(request: Request, body: string, type: string): Response {
	const etag = `"${crypto.createHash('sha1').update(body).digest('base64url')}"`;
	const cookies = (request.headers.get('cookie') ?? '').split(';').map((c) => c.trim());
	const personal =
		request.headers.has('authorization') || cookies.some((c) => c.startsWith(`${SESSION_COOKIE}=`));
	const headers: Record<string, string> = {
		'Content-Type': `${type}; charset=utf-8`,
		'Cache-Control': personal ? 'private, no-cache' : 'public, no-cache',
		ETag: etag
	};
	const match = (request.headers.get('if-none-match') ?? '')
		.split(',')
		.some((t) => t.trim().replace(/^W\//, '') === etag);
	if (match) return new Response(null, { status: 304, headers });
	return new Response(body, { headers });
}

/**
 * A refused request (unknown path, page past the last, malformed parameter) as plain text in
 * the caller's language with its status; `no-store`, as every error. Anything that is not a
 * DomainError is re-thrown for the 500 handler.
 */
export function publicError(thrown: unknown, lang: Lang): Response {
	const err = asDomainError(thrown);
	if (!(err instanceof DomainError)) throw err;
	return new Response(`${translator(lang)(err.messageKey, err.params)}\n`, {
		status: err.status,
		headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }
	});
}
