import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as desk from '$lib/server/circulation/desk.ts';
import * as loans from '$lib/server/circulation/loans.ts';
import * as holds from '$lib/server/circulation/holds.ts';
import * as members from '$lib/server/circulation/members.ts';
import { formOutcome } from '$lib/server/circulation/web.ts';
import { clientIp } from '$lib/server/accounts/web.ts';
import { clock } from '$lib/server/clock.ts';
import { viewerOf } from '$lib/server/request.ts';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/forms.ts';
import { counterActions, deskFines } from '$lib/server/circulation/counter-actions.ts';

export const load: PageServerLoad = async ({ url, locals }) => {
	const db = await getDb();
	const now = clock();
	// The lazy "periodic" check: lapsed pickups and expired digital loans move on.
	await holds.processAll(db, now);
	const nip = url.searchParams.get('nip');
	const member = nip ? await members.findByNip(db, nip) : null;
	const viewer = viewerOf(locals.user);
	return {
		now: now.toISOString(),
		counts: await loans.counts(db, now),
		member,
		loans: member ? await loans.list(db, { viewer, userId: member.id, status: 'open' }, now) : [],
		holds: member ? await holds.listForMember(db, member.id, { viewer, openOnly: true, now }) : [],
		fines: await deskFines(viewer, nip, now)
	};
};

export const actions: Actions = {
	...counterActions,
	scan: async (event) => {
		const form = await readForm(event);
		const code = String(form.get('code') ?? '');
		const selected = event.url.searchParams.get('nip');
		const actor = { id: event.locals.user!.id, ip: clientIp(event) };
		let target: string | null = null;
		const result = await formOutcome(event.locals.lang, async (t) => {
			const r = await desk.scan(await getDb(), code, selected, actor, clock());
			if (r.kind === 'member') {
				target = r.nip;
				return t('circ.done.member', { name: r.name });
			}
			if (r.kind === 'checkout')
				return t('circ.done.checkout', {
					barcode: r.barcode,
					name: r.name,
					due: desk.dueLabel(r.dueAt)
				});
			return r.hold
				? t('circ.done.checkinHold', {
						barcode: r.barcode,
						name: r.hold.memberName,
						until: desk.dueLabel(r.hold.pickupUntil)
					})
				: t('circ.done.checkin', { barcode: r.barcode });
		});
		if (target) redirect(303, `/staff/circulation?nip=${encodeURIComponent(target)}`);
		return result;
	},
	renew: async (event) => {
		const form = await readForm(event);
		const actor = { id: event.locals.user!.id, ip: clientIp(event), staff: true };
		return formOutcome(event.locals.lang, async (t) => {
			const loan = await loans.renew(await getDb(), Number(form.get('loan')), actor, clock());
			return t('circ.done.renew', { due: desk.dueLabel(loan.dueAt) });
		});
	},
	checkin: async (event) => {
		const form = await readForm(event);
		const actor = { id: event.locals.user!.id, ip: clientIp(event) };
		return formOutcome(event.locals.lang, async (t) => {
			const r = await loans.checkin(await getDb(), Number(form.get('loan')), actor, clock());
			return r.hold
				? t('circ.done.checkinHold', {
						barcode: r.loan.barcode ?? '',
						name: r.hold.memberName,
						until: desk.dueLabel(r.hold.pickupUntil)
					})
				: t('circ.done.checkin', { barcode: r.loan.barcode ?? '' });
		});
	}
};
