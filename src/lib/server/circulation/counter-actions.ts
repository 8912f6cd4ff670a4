import type { RequestEvent } from '@sveltejs/kit';
import { getDb } from '../db/index.ts';
import { clientIp } from '../accounts/web.ts';
import { clock } from '../clock.ts';
import { readForm } from '../forms.ts';
import type { Viewer } from '../access.ts';
import { rupiah } from '../../format.ts';
import * as counter from './counter.ts';
import * as fines from './fines.ts';
import * as members from './members.ts';
import { formOutcome } from './web.ts';
import { dueLabel } from './desk.ts';

/**
 * The desk page's #15 additions, kept here so the page file only spreads them in: the member's
 * fines for the panel (`deskFines`), and the form actions `deskHold` (a hold for the selected
 * member) and `settleFine` (pay or waive). Answers `{ok, message}` in the librarian's language.
 */

/** The selected member's fines and the block limit, for the desk's FinesPanel (null: none). */
export async function deskFines(viewer: Viewer, nip: string | null, now: Date) {
	if (!nip) return null;
	const db = await getDb();
	const member = await members.findByNip(db, nip);
	if (!member) return null;
	const s = await fines.summary(db, member.id, { viewer, now });
	return { ...s, blockAmount: fines.blockAmount() };
}

export const counterActions = {
	deskHold: async (event: RequestEvent) => {
		const form = await readForm(event);
		const kind = form.get('kind') === 'digital' ? 'digital' : 'physical';
		const actor = { id: event.locals.user!.id, ip: clientIp(event) };
		return formOutcome(event.locals.lang, async (t) => {
			const h = await counter.deskHold(
				await getDb(),
				{
					nip: event.url.searchParams.get('nip') ?? '',
					record: String(form.get('record') ?? ''),
					kind
				},
				actor,
				clock()
			);
			return h.status === 'ready'
				? t('counter.hold.doneReady', {
						name: h.memberName,
						until: dueLabel(h.pickupUntil ?? '')
					})
				: t('counter.hold.done', { name: h.memberName, position: h.position ?? 1 });
		});
	},
	settleFine: async (event: RequestEvent) => {
		const form = await readForm(event);
		const actor = { id: event.locals.user!.id, ip: clientIp(event) };
		return formOutcome(event.locals.lang, async (t) => {
			const f = await fines.settle(
				await getDb(),
				Number(form.get('fine')),
				{ kind: form.get('kind'), amount: form.get('amount'), reason: form.get('reason') },
				actor,
				clock()
			);
			const last = f.payments[f.payments.length - 1];
			return t(last.kind === 'paid' ? 'counter.fine.donePaid' : 'counter.fine.doneWaived', {
				amount: rupiah(last.amount),
				outstanding: rupiah(f.outstanding)
			});
		});
	}
};
