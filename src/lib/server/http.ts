import { error, json } from '@sveltejs/kit';
import { asDomainError, DomainError } from './errors.ts';
import { translator } from '../i18n/index.ts';
import type { Lang } from '../types.ts';

/**
 * The one place domain errors become HTTP. Pages call `toPageError`, JSON endpoints
 * `toApiError`; a full disk (ENOSPC, SQLITE_FULL) becomes 507 `storage_full` here too;
 * anything else that is not a DomainError is re-thrown for the 500 handler.
 */

/** A JSON error body `{ error: { code, message, fields? } }` with the right status. */
export function apiError(
	status: number,
	code: string,
	message: string,
	fields?: Record<string, string>
): Response {
	return json(
		{ error: fields && Object.keys(fields).length ? { code, message, fields } : { code, message } },
		{ status }
	);
}

/** Maps a thrown DomainError to a JSON error response in the caller's language. */
export function toApiError(thrown: unknown, lang: Lang): Response {
	const err = asDomainError(thrown);
	if (!(err instanceof DomainError)) throw err;
	const t = translator(lang);
	const fields = Object.fromEntries(
		Object.entries(err.fields).map(([k, v]) => [k, t(v, err.params)])
	);
	return apiError(err.status, err.code, t(err.messageKey, err.params), fields);
}

/** Maps a thrown DomainError to SvelteKit's error page in the reader's language. */
export function toPageError(thrown: unknown, lang: Lang): never {
	const err = asDomainError(thrown);
	if (!(err instanceof DomainError)) throw err;
	error(err.status, translator(lang)(err.messageKey, err.params));
}

/** Parses an optional integer query parameter; throws a 400-mapped DomainError when malformed. */
export function intParam(
	url: URL,
	name: string,
	min = 0,
	max = Number.MAX_SAFE_INTEGER
): number | undefined {
	const raw = url.searchParams.get(name);
	if (raw === null || raw.trim() === '') return undefined;
	const n = Number(raw);
	if (!Number.isInteger(n) || n < min || n > max) {
		throw new DomainError(400, 'invalid_parameter', 'error.invalidParam', { name });
	}
	return n;
}

/**
 * Renders the translated 403 page for a navigation the area guard (hooks.server.ts) flagged.
 * Called from each protected area's layout: an error thrown in the root layout would skip the
 * site's own error page.
 */
export function refuseFlaggedPage(locals: App.Locals): Record<string, never> {
	if (locals.forbidden) error(403, translator(locals.lang)('error.forbidden'));
	return {};
}

/** Largest JSON body accepted by API endpoints (file uploads use multipart, not JSON). */
const MAX_JSON_BYTES = 256 * 1024;

/**
 * Reads a JSON object body, or throws a DomainError: 415 for another content type, 400 for
 * malformed or non-object JSON, 413 when too large.
 */
export async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
	const type = request.headers.get('content-type') ?? '';
	if (!/^application\/json\b/i.test(type))
		throw new DomainError(415, 'unsupported_media_type', 'auth.contentType');
	const text = await request.text();
	if (text.length > MAX_JSON_BYTES) throw new DomainError(413, 'too_large', 'validation.tooLong');
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		throw new DomainError(400, 'bad_json', 'auth.badJson');
	}
	if (!body || typeof body !== 'object' || Array.isArray(body))
		throw new DomainError(400, 'bad_json', 'auth.badJson');
	return body as Record<string, unknown>;
}
