import { error, json } from '@sveltejs/kit';
import { DomainError } from './errors.ts';
import { translator } from '../i18n/index.ts';
import type { Lang } from '../types.ts';

/**
 * The one place domain errors become HTTP. Pages call `toPageError`, JSON endpoints
 * `toApiError`; anything that is not a DomainError is re-thrown for the 500 handler.
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
export function toApiError(err: unknown, lang: Lang): Response {
	if (!(err instanceof DomainError)) throw err;
	const t = translator(lang);
	const fields = Object.fromEntries(Object.entries(err.fields).map(([k, v]) => [k, t(v)]));
	return apiError(err.status, err.code, t(err.messageKey, err.params), fields);
}

/** Maps a thrown DomainError to SvelteKit's error page in the reader's language. */
export function toPageError(err: unknown, lang: Lang): never {
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
