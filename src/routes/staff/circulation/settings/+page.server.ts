import { getDb } from '$lib/server/db/index.ts';
import * as policies from '$lib/server/circulation/policies.ts';
import { formOutcome } from '$lib/server/circulation/web.ts';
import { clientIp } from '$lib/server/accounts/web.ts';
import { intParam } from '$lib/server/http.ts';
import { clock } from '$lib/server/clock.ts';
import { PUBLICATION_TYPES } from '$lib/types';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { readForm } from '$lib/server/forms.ts';

/** Publication types a policy can name: every catalog type, plus `digital` lending. */
const POLICY_TYPES = [...PUBLICATION_TYPES, 'digital'] as const;

export const load: PageServerLoad = async ({ url }) => {
	const db = await getDb();
	const thisYear = Number(policies.localDate(clock()).slice(0, 4));
	let year = thisYear;
	try {
		year = intParam(url, 'year', 1900, 9999) ?? thisYear;
	} catch {
		// A malformed ?year= shows this year rather than an error page.
	}
	return {
		policies: await policies.listPolicies(db),
		fallback: policies.FALLBACK_POLICY,
		memberTypes: await policies.memberTypes(db),
		policyTypes: POLICY_TYPES,
		year,
		holidays: await policies.listHolidays(db, year)
	};
};

const actor = (event: RequestEvent) => ({ id: event.locals.user!.id, ip: clientIp(event) });

export const actions: Actions = {
	savePolicy: async (event) => {
		const form = Object.fromEntries(await readForm(event));
		return formOutcome(event.locals.lang, async (t) => {
			const saved = await policies.savePolicy(await getDb(), form, actor(event), POLICY_TYPES);
			return t('circ.settings.saved', {
				member: saved.memberType,
				type: t(
					saved.publicationType === 'digital'
						? 'circ.settings.digital'
						: `type.${saved.publicationType}`
				)
			});
		});
	},
	addHoliday: async (event) => {
		const form = await readForm(event);
		return formOutcome(event.locals.lang, async (t) => {
			const day = await policies.addHoliday(
				await getDb(),
				{ date: form.get('date'), name: form.get('name') },
				actor(event)
			);
			return t('circ.settings.holidayAdded', { date: day.date });
		});
	},
	removeHoliday: async (event) => {
		const date = String((await readForm(event)).get('date') ?? '');
		return formOutcome(event.locals.lang, async (t) => {
			await policies.removeHoliday(await getDb(), date, actor(event));
			return t('circ.settings.holidayRemoved', { date });
		});
	}
};
