import { fail } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as users from '$lib/server/accounts/users.ts';
import { DomainError } from '$lib/server/errors.ts';
import { translator } from '$lib/i18n/index.ts';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/forms.ts';
import { sortFromUrl } from '$lib/components/data-table.ts';

const PAGE_SIZE = 50;

export const load: PageServerLoad = async ({ url }) => {
	const q = (url.searchParams.get('q') ?? '').slice(0, 100);
	const page = Math.max(1, Number(url.searchParams.get('page')) || 1);
	// ?sort=col&dir=asc|desc from the table's headers; an unknown column is ignored.
	const sort = sortFromUrl(url, users.ACCOUNT_SORTS) as users.AccountSort | null;
	const result = await users.search(await getDb(), q, PAGE_SIZE, (page - 1) * PAGE_SIZE, sort);
	return { q, page, pageSize: PAGE_SIZE, sort, ...result };
};

export const actions: Actions = {
	/** Creates an account with an initial password the member must change at first login. */
	create: async (event) => {
		const form = await readForm(event);
		const t = translator(event.locals.lang);
		const values = {
			name: String(form.get('name') ?? '').slice(0, 300),
			nip: String(form.get('nip') ?? '').trim(),
			email: String(form.get('email') ?? '')
				.trim()
				.slice(0, 300),
			role: String(form.get('role') ?? 'employee'),
			memberType: String(form.get('memberType') ?? 'employee'),
			unit: String(form.get('unit') ?? '')
				.trim()
				.slice(0, 300)
		};
		const password = String(form.get('password') ?? '');
		if (!users.isRole(values.role))
			return fail(400, { values, errors: { role: t('validation.invalidChoice') } });
		try {
			const id = await users.create(
				await getDb(),
				{
					...values,
					role: values.role,
					nip: values.nip || null,
					email: values.email || null,
					unit: values.unit || null,
					password,
					mustChangePassword: form.get('mustChange') === 'on'
				},
				event.locals.user!.id
			);
			return { created: id, createdName: values.name };
		} catch (err) {
			if (err instanceof DomainError) {
				const errors = Object.fromEntries(Object.entries(err.fields).map(([k, v]) => [k, t(v)]));
				return fail(err.status, { values, errors, message: t(err.messageKey, err.params) });
			}
			throw err;
		}
	}
};
