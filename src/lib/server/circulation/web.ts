import { fail, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import { translator, type Translate } from '../../i18n/index.ts';
import type { Lang } from '../../types.ts';
import { DomainError } from '../errors.ts';
import { isStaff } from '../access.ts';
import { clientIp } from '../accounts/web.ts';
import { viewerOf } from '../request.ts';

/**
 * The caller of a circulation endpoint as the domain wants it: signed in (else 401), optionally
 * staff (else 403), with the address for the audit log. Routes stay one call thick.
 */
export function caller(
	event: RequestEvent,
	opts: { staff?: boolean } = {}
): { id: number; ip: string; staff: boolean } {
	const viewer = viewerOf(event.locals.user);
	if (!viewer) throw new DomainError(401, 'unauthorized', 'error.unauthorized');
	const staff = isStaff(viewer);
	if (opts.staff && !staff) throw new DomainError(403, 'forbidden', 'error.forbidden');
	return { id: viewer.id, ip: clientIp(event), staff };
}

/** A required string field of a JSON body (400 `invalid` naming it when missing). */
export function stringField(body: Record<string, unknown>, name: string): string {
	const v = body[name];
	if (typeof v !== 'string' || !v.trim())
		throw new DomainError(400, 'invalid', 'error.invalidParam', { name });
	return v.trim();
}

/** A required positive integer field of a JSON body. */
export function intField(body: Record<string, unknown>, name: string): number {
	const v = body[name];
	const n = typeof v === 'string' && v.trim() ? Number(v) : v;
	if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0)
		throw new DomainError(400, 'invalid', 'error.invalidParam', { name });
	return n;
}

/**
 * Runs one circulation form action (desk, settings, copies) and turns its outcome into what the
 * page shows: `{ok, message}` on success, or a 4xx `fail` whose message is the refusal in the
 * librarian's language. Anything that is not a DomainError still reaches the 500 handler.
 */
export async function formOutcome(
	lang: Lang,
	fn: (t: Translate) => Promise<string>
): Promise<{ ok: true; message: string } | ActionFailure<{ message: string }>> {
	const t = translator(lang);
	try {
		return { ok: true, message: await fn(t) };
	} catch (err) {
		if (!(err instanceof DomainError)) throw err;
		return fail(err.status, { message: t(err.messageKey, err.params) });
	}
}
