import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as loans from '$lib/server/circulation/loans.ts';
import * as members from '$lib/server/circulation/members.ts';
import { processAll } from '$lib/server/circulation/holds.ts';
import { caller, stringField } from '$lib/server/circulation/web.ts';
import { readJsonObject, toApiError } from '$lib/server/http.ts';
import { DomainError } from '$lib/server/errors.ts';
import { clock } from '$lib/server/clock.ts';
import { viewerOf } from '$lib/server/request.ts';
import type { RequestHandler } from './$types';

const STATUSES = ['open', 'overdue', 'returned', 'all'] as const;

/**
 * `GET /api/v1/loans?nip=&status=open|overdue|returned|all&kind=` — librarians list anyone's
 * loans (all members without `nip`); members see only their own (another member's NIP is 403).
 */
export const GET: RequestHandler = async (event) => {
	try {
		const who = caller(event);
		const db = await getDb();
		const now = clock();
		await processAll(db, now);
		// `active`/`closed` are accepted as the words other library systems use.
		const raw = event.url.searchParams.get('status') ?? 'open';
		const status = raw === 'active' ? 'open' : raw === 'closed' ? 'returned' : raw;
		if (!(STATUSES as readonly string[]).includes(status))
			throw new DomainError(400, 'invalid_parameter', 'error.invalidParam', { name: 'status' });
		const kind = event.url.searchParams.get('kind');
		if (kind !== null && kind !== 'physical' && kind !== 'digital')
			throw new DomainError(400, 'invalid_parameter', 'error.invalidParam', { name: 'kind' });
		let userId: number | undefined = who.id;
		const nip = event.url.searchParams.get('nip');
		if (!who.staff && nip && nip !== event.locals.user?.nip)
			throw new DomainError(403, 'forbidden', 'error.forbidden');
		if (who.staff) {
			userId = undefined;
			if (nip) {
				const m = await members.findByNip(db, nip);
				if (!m) throw new DomainError(404, 'member_not_found', 'circ.error.member_not_found');
				userId = m.id;
			}
		}
		const items = await loans.list(
			db,
			{
				viewer: viewerOf(event.locals.user),
				userId,
				status: status as (typeof STATUSES)[number],
				kind: kind ?? undefined
			},
			now
		);
		return json({ items });
	} catch (err) {
		return toApiError(err, event.locals.lang);
	}
};

/** `POST /api/v1/loans` {barcode, nip} (librarians) → 201 the loan with its due date. */
export const POST: RequestHandler = async (event) => {
	try {
		const who = caller(event, { staff: true });
		const body = await readJsonObject(event.request);
		const loan = await loans.checkout(
			await getDb(),
			{ barcode: stringField(body, 'barcode'), nip: stringField(body, 'nip') },
			who,
			clock()
		);
		return json(loan, { status: 201 });
	} catch (err) {
		return toApiError(err, event.locals.lang);
	}
};
