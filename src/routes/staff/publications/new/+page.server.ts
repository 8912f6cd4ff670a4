import { fail, redirect } from '@sveltejs/kit';
import { writeTransaction } from '$lib/server/db/write.js';
import { getDb } from '$lib/server/db/index.ts';
import * as records from '$lib/server/catalog/records.ts';
import * as ingest from '$lib/server/catalog/ingest.ts';
import * as staging from '$lib/server/catalog/staging.ts';
import * as forms from '$lib/server/catalog/forms.ts';
import * as regulations from '$lib/server/catalog/regulations.ts';
import { DomainError, Invalid } from '$lib/server/errors.ts';
import { clientIp } from '$lib/server/accounts/web.ts';
import { validatePublication } from '$lib/schemas/publication.ts';
import { publicationFieldsFrom } from '$lib/schemas/form.ts';
import { toPageError } from '$lib/server/http.ts';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/forms.ts';

export const load: PageServerLoad = async ({ url, locals }) => {
	const db = await getDb();
	let values = { ...forms.EMPTY_FORM };
	const seriesSlug = url.searchParams.get('series');
	if (seriesSlug) {
		// "Add the next issue": series, volume and number continue from the latest issue.
		try {
			values = { ...values, ...(await records.nextIssueDefaults(db, seriesSlug)) };
		} catch (err) {
			toPageError(err, locals.lang);
		}
	}
	return {
		values,
		series: await forms.seriesOptions(db),
		regulations: await regulations.regulationOptions(db),
		nextIssue: !!seriesSlug
	};
};

export const actions: Actions = {
	/** Creates the record (with the staged PDF, if one was uploaded) and opens it for editing. */
	default: async (event) => {
		const db = await getDb();
		const form = await readForm(event);
		const values = publicationFieldsFrom(form);
		const uploadId = String(form.get('uploadId') ?? '');
		const actor = { id: event.locals.user!.id, ip: clientIp(event) };
		let id: number;
		try {
			// Validate before taking the staged file, so a typing error keeps the upload.
			const result = validatePublication(values);
			if (!result.ok) throw new Invalid('error.invalid', result.errors as Record<string, string>);
			if (uploadId) {
				const inspected = await staging.take(uploadId);
				id = (await ingest.commit(db, inspected, { metadata: result.value }, actor)).publicationId;
			} else {
				id = await writeTransaction(db, (tx) => records.createInTx(tx, result.value, actor));
			}
		} catch (err) {
			if (err instanceof DomainError) {
				return fail(err.status, {
					values,
					uploadId,
					staged: await staging.peek(uploadId),
					...forms.formErrors(err, event.locals.lang)
				});
			}
			throw err;
		}
		redirect(303, `/staff/publications/${id}?created=1`);
	}
};
