import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as holds from '$lib/server/circulation/holds.ts';
import * as members from '$lib/server/circulation/members.ts';
import { caller, intField } from '$lib/server/circulation/web.ts';
import { readJsonObject, toApiError } from '$lib/server/http.ts';
import { DomainError } from '$lib/server/errors.ts';
import { clock } from '$lib/server/clock.ts';
import { viewerOf } from '$lib/server/request.ts';
import type { RequestHandler } from './$types';

/** `GET /api/v1/holds` — the caller's open holds with queue positions. */
export const GET: RequestHandler = async (event) => {
	try {
		const who = caller(event);
		const db = await getDb();
		const now = clock();
		await holds.processAll(db, now);
		const viewer = viewerOf(event.locals.user);
		return json({ items: await holds.listForMember(db, who.id, { viewer, openOnly: true, now }) });
	} catch (err) {
		return toApiError(err, event.locals.lang);
	}
};

/**
 * `POST /api/v1/holds` {publicationId, kind?: 'physical'|'digital', memberNip?} → 201 the hold
 * with its queue position. `memberNip` (or `nip`; librarians only) places it for that member,
 * under the member's own rules — including that the member may see the record (409
 * `hidden_from_member` otherwise).
 */
export const POST: RequestHandler = async (event) => {
	try {
		const who = caller(event);
		const db = await getDb();
		const body = await readJsonObject(event.request);
		const kind = body.kind ?? 'physical';
		if (kind !== 'physical' && kind !== 'digital')
			throw new DomainError(400, 'invalid', 'error.invalidParam', { name: 'kind' });
		let userId = who.id;
		// `memberNip` is the explicit name (#15 desk holds); `nip` stays for existing callers.
		const nip = typeof body.memberNip === 'string' ? body.memberNip : body.nip;
		if (typeof nip === 'string' && nip.trim()) {
			if (!who.staff) throw new DomainError(403, 'forbidden', 'error.forbidden');
			const m = await members.findByNip(db, nip);
			if (!m) throw new DomainError(404, 'member_not_found', 'circ.error.member_not_found');
			userId = m.id;
		}
		const hold = await holds.place(
			db,
			{ publicationId: intField(body, 'publicationId'), userId, kind },
			who,
			clock()
		);
		return json(hold, { status: 201 });
	} catch (err) {
		return toApiError(err, event.locals.lang);
	}
};
