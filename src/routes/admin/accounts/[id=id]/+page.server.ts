import { fail } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as users from '$lib/server/accounts/users.ts';
import { DomainError } from '$lib/server/errors.ts';
import { toPageError } from '$lib/server/http.ts';
import { clientIp } from '$lib/server/accounts/web.ts';
import { translator } from '$lib/i18n/index.ts';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { readForm } from '$lib/server/forms.ts';

export const load: PageServerLoad = async ({ params, locals }) => {
	try {
		return { account: await users.findById(await getDb(), Number(params.id)) };
	} catch (err) {
		toPageError(err, locals.lang);
	}
};

/** Runs one admin change and maps a refusal to form errors in the admin's language. */
async function attempt(
	event: RequestEvent,
	work: (
		db: Awaited<ReturnType<typeof getDb>>,
		id: number,
		actor: number,
		ip: string
	) => Promise<Record<string, unknown> | void>
) {
	const t = translator(event.locals.lang);
	try {
		return (
			(await work(
				await getDb(),
				Number(event.params.id),
				event.locals.user!.id,
				clientIp(event)
			)) ?? { saved: true }
		);
	} catch (err) {
		if (err instanceof DomainError) {
			const errors = Object.fromEntries(Object.entries(err.fields).map(([k, v]) => [k, t(v)]));
			return fail(err.status, { errors, message: t(err.messageKey, err.params) });
		}
		throw err;
	}
}

export const actions: Actions = {
	update: (event) =>
		attempt(event, async (db, id, actor, ip) => {
			const form = await readForm(event);
			const role = String(form.get('role') ?? '');
			if (!users.isRole(role))
				throw new DomainError(
					400,
					'invalid',
					'error.invalid',
					{},
					{ role: 'validation.invalidChoice' }
				);
			await users.update(
				db,
				id,
				{
					role,
					memberType: String(form.get('memberType') ?? ''),
					unit: String(form.get('unit') ?? '')
				},
				actor,
				ip
			);
		}),
	deactivate: (event) => attempt(event, (db, id, actor, ip) => users.deactivate(db, id, actor, ip)),
	reactivate: (event) => attempt(event, (db, id, actor, ip) => users.reactivate(db, id, actor, ip)),
	/** Issues a temporary password, shown to the admin once, that the member must change. */
	resetPassword: (event) =>
		attempt(event, async (db, id, actor, ip) => ({
			temporaryPassword: await users.resetPassword(db, id, actor, ip)
		}))
};
