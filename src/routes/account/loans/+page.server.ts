import { jakartaDate } from '$lib/format';
import { fail } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as loans from '$lib/server/circulation/loans.ts';
import * as holds from '$lib/server/circulation/holds.ts';
import * as digital from '$lib/server/circulation/digital.ts';
import * as fines from '$lib/server/circulation/fines.ts';
import { policyFor } from '$lib/server/circulation/policies.ts';
import { DomainError } from '$lib/server/errors.ts';
import { clientIp } from '$lib/server/accounts/web.ts';
import { clock } from '$lib/server/clock.ts';
import { viewerOf } from '$lib/server/request.ts';
import { translator } from '$lib/i18n/index.ts';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/forms.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const db = await getDb();
	const now = clock();
	const user = locals.user!;
	// The member's own eyes: titles of records they may not see stay hidden (visibility.ts).
	const viewer = viewerOf(user);
	await holds.processAll(db, now);
	const open = await loans.list(db, { viewer, userId: user.id, status: 'open' }, now);
	// "Renew where allowed": the member sees the button only while the policy allows one more.
	const renewable: Record<number, boolean> = {};
	for (const l of open) {
		if (l.kind !== 'physical') continue;
		const pub = await db
			.selectFrom('publications')
			.select('type')
			.where('id', '=', l.publicationId)
			.executeTakeFirstOrThrow();
		const policy = await policyFor(db, user.memberType, pub.type);
		renewable[l.id] = l.renewals < policy.maxRenewals;
	}
	return {
		now: now.toISOString(),
		loans: open,
		renewable,
		holds: await holds.listForMember(db, user.id, { viewer, openOnly: true, now }),
		history: await loans.list(db, { viewer, userId: user.id, status: 'returned', limit: 200 }, now),
		fines: {
			...(await fines.summary(db, user.id, { viewer, now })),
			blockAmount: fines.blockAmount()
		}
	};
};

async function run(locals: App.Locals, fn: (t: ReturnType<typeof translator>) => Promise<string>) {
	const t = translator(locals.lang);
	try {
		return { ok: true, message: await fn(t) };
	} catch (err) {
		if (!(err instanceof DomainError)) throw err;
		return fail(err.status, { ok: false, message: t(err.messageKey, err.params) });
	}
}
const day = jakartaDate;

export const actions: Actions = {
	renew: async (event) => {
		const id = Number((await readForm(event)).get('loan'));
		const actor = { id: event.locals.user!.id, ip: clientIp(event), staff: false };
		return run(event.locals, async (t) => {
			const loan = await loans.renew(await getDb(), id, actor, clock());
			return t('circ.done.renew', { due: day(loan.dueAt) });
		});
	},
	giveBack: async (event) => {
		const id = Number((await readForm(event)).get('loan'));
		const actor = { id: event.locals.user!.id, ip: clientIp(event), staff: false };
		return run(event.locals, async (t) => {
			await digital.giveBack(await getDb(), id, actor, clock());
			return t('circ.done.returned');
		});
	},
	cancelHold: async (event) => {
		const id = Number((await readForm(event)).get('hold'));
		const actor = { id: event.locals.user!.id, ip: clientIp(event), staff: false };
		return run(event.locals, async (t) => {
			await holds.cancel(await getDb(), id, actor, clock());
			return t('circ.done.holdCancelled');
		});
	}
};
