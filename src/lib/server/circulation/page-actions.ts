import { jakartaDate } from '../../format.ts';
import { fail, type RequestEvent } from '@sveltejs/kit';
import { getDb } from '../db/index.ts';
import { DomainError } from '../errors.ts';
import { clientIp } from '../accounts/web.ts';
import { viewerOf } from '../request.ts';
import * as publications from '../catalog/publications.ts';
import { translator } from '../../i18n/index.ts';
import { clock } from '../clock.ts';
import * as holds from './holds.ts';
import * as digital from './digital.ts';
import { readForm } from '../forms.ts';

type Event = RequestEvent<{ id: string }>;

/**
 * The record page's form actions, kept here so the shared page file only points at them:
 * `hold` (reserve a physical copy or join the digital waitlist) and `borrow` (a digital loan).
 * Answers `{ ok, message }` in the reader's language; refusals as a 4xx form result.
 */
async function run(event: Event, fn: (userId: number, now: Date) => Promise<string>) {
	const t = translator(event.locals.lang);
	const user = event.locals.user;
	if (!user) return fail(401, { ok: false, message: t('error.unauthorized') });
	try {
		const db = await getDb();
		// Nothing about a record the member may not see.
		await publications.findById(db, viewerOf(user), Number(event.params.id));
		return { ok: true, message: await fn(user.id, clock()) };
	} catch (err) {
		if (!(err instanceof DomainError)) throw err;
		return fail(err.status, { ok: false, message: t(err.messageKey, err.params) });
	}
}

export const lendingActions = {
	hold: async (event: Event) => {
		const kind = (await readForm(event)).get('kind') === 'digital' ? 'digital' : 'physical';
		return run(event, async (userId, now) => {
			const h = await holds.place(
				await getDb(),
				{ publicationId: Number(event.params.id), userId, kind },
				{ id: userId, ip: clientIp(event) },
				now
			);
			return translator(event.locals.lang)('circ.done.hold', { position: h.position ?? 1 });
		});
	},
	borrow: async (event: Event) =>
		run(event, async (userId, now) => {
			const loan = await digital.borrow(
				await getDb(),
				Number(event.params.id),
				userId,
				{ id: userId, ip: clientIp(event) },
				now
			);
			const due = jakartaDate(loan.dueAt);
			return translator(event.locals.lang)('circ.done.borrowed', { due });
		})
};
