/**
 * Typed domain errors. Domain modules throw these; only routes turn them into HTTP answers
 * (see `$lib/server/http.ts`). `messageKey` names a string in the message files so the answer
 * is in the reader's language.
 */
export class DomainError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		readonly messageKey: string,
		readonly params: Record<string, string | number> = {},
		readonly fields: Record<string, string> = {}
	) {
		super(`${code}: ${messageKey}`);
	}
}

/** The thing does not exist — or the caller may not know that it exists. */
export class NotFound extends DomainError {
	constructor(messageKey = 'error.notFound', params: Record<string, string | number> = {}) {
		super(404, 'not_found', messageKey, params);
	}
}

/** The caller is known but lacks the right. */
export class Forbidden extends DomainError {
	constructor(messageKey = 'error.forbidden', params: Record<string, string | number> = {}) {
		super(403, 'forbidden', messageKey, params);
	}
}

/** The input is malformed; `fields` maps a field name to a message key. */
export class Invalid extends DomainError {
	constructor(
		messageKey = 'error.invalid',
		fields: Record<string, string> = {},
		params: Record<string, string | number> = {},
		code = 'invalid'
	) {
		super(400, code, messageKey, params, fields);
	}
}

/** The request clashes with the current state (duplicate, already lent, ...). */
export class Conflict extends DomainError {
	constructor(code: string, messageKey: string, params: Record<string, string | number> = {}) {
		super(409, code, messageKey, params);
	}
}

/**
 * The disk (or the database) is full: a write failed for lack of space. 507 Insufficient
 * Storage; the failed write left nothing behind, and what was stored before is untouched.
 */
export class StorageFull extends DomainError {
	constructor() {
		super(507, 'storage_full', 'error.storageFull');
	}
}

/** Error codes that mean "no space left": the file system's and SQLite's. */
const FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

/** True when an error (or its cause) is a write that failed for lack of space. */
export function isStorageFull(err: unknown): boolean {
	for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
		const code = (e as { code?: unknown }).code;
		if (typeof code === 'string' && FULL_CODES.has(code)) return true;
		e = (e as { cause?: unknown }).cause;
	}
	return false;
}

/**
 * The one mapping of low-level failures that callers should see as a domain answer: a full disk
 * becomes StorageFull. Anything else is returned unchanged.
 */
export function asDomainError(err: unknown): unknown {
	return !(err instanceof DomainError) && isStorageFull(err) ? new StorageFull() : err;
}
