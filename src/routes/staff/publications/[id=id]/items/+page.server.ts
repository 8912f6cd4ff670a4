import { fail } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as publications from '$lib/server/catalog/publications.ts';
import * as items from '$lib/server/circulation/items.ts';
import * as digital from '$lib/server/circulation/digital.ts';
import { dueLabel } from '$lib/server/circulation/desk.ts';
import { DomainError } from '$lib/server/errors.ts';
import { toPageError } from '$lib/server/http.ts';
import { clientIp } from '$lib/server/accounts/web.ts';
import { viewerOf } from '$lib/server/request.ts';
import { clock } from '$lib/server/clock.ts';
import { translator, type Translate } from '$lib/i18n/index.ts';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { readForm } from '$lib/server/forms.ts';

export const load: PageServerLoad = async ({ params, locals }) => {
	const db = await getDb();
	try {
		const pub = await publications.findById(db, viewerOf(locals.user), Number(params.id));
		const copies = await items.listWithCirculation(db, pub.id);
		return {
			pub: {
				id: pub.id,
				title: pub.title,
				callNumber: pub.callNumber,
				access: pub.access,
				digitalCopies: pub.digitalCopies
			},
			items: copies.map((c) => ({
				...c,
				dueLabel: c.loan ? dueLabel(c.loan.dueAt) : null,
				pickupLabel: c.hold?.pickupUntil ? dueLabel(c.hold.pickupUntil) : null
			})),
			statuses: items.SETTABLE_STATUSES
		};
	} catch (err) {
		toPageError(err, locals.lang);
	}
};

/**
 * Runs one action on this record's copies and answers `{ ok, message, action }` in the
 * librarian's language; a refusal becomes a 4xx form result carrying what was typed.
 */
async function run(
	event: RequestEvent,
	action: string,
	values: Record<string, string>,
	fn: (t: Translate, actor: { id: number; ip: string }) => Promise<string>
) {
	const t = translator(event.locals.lang);
	try {
		const actor = { id: event.locals.user!.id, ip: clientIp(event) };
		return { ok: true, action, message: await fn(t, actor) };
	} catch (err) {
		if (!(err instanceof DomainError)) throw err;
		return fail(err.status, {
			ok: false,
			action,
			values,
			message: t(err.messageKey, err.params)
		});
	}
}

const text = (form: FormData, name: string) => String(form.get(name) ?? '');

export const actions: Actions = {
	/** Adds a copy with its barcode, shelf location and condition. */
	add: async (event) => {
		const form = await readForm(event);
		const values = {
			barcode: text(form, 'barcode'),
			location: text(form, 'location'),
			condition: text(form, 'condition')
		};
		return run(event, 'add', values, async (t, actor) => {
			const item = await items.create(
				await getDb(),
				{
					publicationId: Number(event.params.id),
					barcode: values.barcode,
					location: values.location,
					condition: values.condition
				},
				actor,
				clock()
			);
			const key = item.status === 'on_hold_shelf' ? 'items.addedHold' : 'items.added';
			return t(key, { barcode: item.barcode });
		});
	},
	/** Changes one copy's location, condition and (outside circulation) status. */
	update: async (event) => {
		const form = await readForm(event);
		const itemId = Number(text(form, 'item'));
		const status = text(form, 'status');
		const values = { item: String(itemId) };
		return run(event, 'update', values, async (t, actor) => {
			const db = await getDb();
			const current = Number.isInteger(itemId) && itemId > 0 ? await items.byId(db, itemId) : null;
			// Only copies of the record on the page.
			if (!current || current.publicationId !== Number(event.params.id))
				throw new DomainError(404, 'item_not_found', 'circ.error.item_unknown');
			const item = await items.update(
				db,
				current.id,
				{
					location: form.has('location') ? text(form, 'location') : undefined,
					condition: form.has('condition') ? text(form, 'condition') : undefined,
					status: status || undefined
				},
				actor,
				clock()
			);
			const wentToHoldShelf = current.status !== 'on_hold_shelf' && item.status === 'on_hold_shelf';
			return t(wentToHoldShelf ? 'items.updatedHold' : 'items.updated', {
				barcode: item.barcode
			});
		});
	},
	/** How many digital copies a restricted record lends at once. */
	digital: async (event) => {
		const form = await readForm(event);
		const raw = text(form, 'copies').trim();
		return run(event, 'digital', { copies: raw }, async (t, actor) => {
			const copies = raw === '' ? NaN : Number(raw);
			await digital.setDigitalCopies(
				await getDb(),
				Number(event.params.id),
				copies,
				actor,
				clock()
			);
			return t('items.digital.saved', { n: copies });
		});
	}
};
