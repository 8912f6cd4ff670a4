import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as fines from '$lib/server/circulation/fines.ts';
import * as members from '$lib/server/circulation/members.ts';
import { caller } from '$lib/server/circulation/web.ts';
import { toApiError } from '$lib/server/http.ts';
import { DomainError } from '$lib/server/errors.ts';
import { clock } from '$lib/server/clock.ts';
import { viewerOf } from '$lib/server/request.ts';
import type { RequestHandler } from './$types';

/**
 * `GET /api/v1/fines?nip=&open=1` — a member's fines with their payments and the totals
 * (`outstanding`, `accruing`, `owed`) and the configured `blockAmount`. Librarians name the
 * member by NIP; members see only their own (another member's NIP is 403).
 */
export const GET: RequestHandler = async (event) => {
	try {
		const who = caller(event);
		const db = await getDb();
		const nip = event.url.searchParams.get('nip')?.trim();
		let userId = who.id;
		if (nip && nip !== event.locals.user?.nip) {
			if (!who.staff) throw new DomainError(403, 'forbidden', 'error.forbidden');
			const m = await members.findByNip(db, nip);
			if (!m) throw new DomainError(404, 'member_not_found', 'circ.error.member_not_found');
			userId = m.id;
		}
		const s = await fines.summary(db, userId, {
			viewer: viewerOf(event.locals.user),
			now: clock(),
			openOnly: event.url.searchParams.get('open') === '1'
		});
		return json({ ...s, blockAmount: fines.blockAmount() });
	} catch (err) {
		return toApiError(err, event.locals.lang);
	}
};
