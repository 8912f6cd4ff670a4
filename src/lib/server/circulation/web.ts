import type { RequestEvent } from '@sveltejs/kit';
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
