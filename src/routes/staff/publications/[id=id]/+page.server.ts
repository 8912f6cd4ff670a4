import { fail } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as records from '$lib/server/catalog/records.ts';
import * as publications from '$lib/server/catalog/publications.ts';
import * as ingest from '$lib/server/catalog/ingest.ts';
import * as staging from '$lib/server/catalog/staging.ts';
import * as forms from '$lib/server/catalog/forms.ts';
import * as regulations from '$lib/server/catalog/regulations.ts';
import { DomainError } from '$lib/server/errors.ts';
import { toPageError } from '$lib/server/http.ts';
import { clientIp } from '$lib/server/accounts/web.ts';
import { viewerOf } from '$lib/server/request.ts';
import { publicationFieldsFrom } from '$lib/schemas/form.ts';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { readForm } from '$lib/server/forms.ts';

export const load: PageServerLoad = async ({ params, locals, url }) => {
	const db = await getDb();
	const id = Number(params.id);
	try {
		const pub = await publications.findById(db, viewerOf(locals.user), id);
		return {
			pub,
			values: forms.toFormValues(await records.loadInput(db, id)),
			series: await forms.seriesOptions(db),
			regulations: (await regulations.regulationOptions(db)).filter((r) => r.id !== id),
			versions: await records.fileVersions(db, id),
			history: await records.history(db, id),
			created: url.searchParams.has('created')
		};
	} catch (err) {
		toPageError(err, locals.lang);
	}
};

/** Runs one catalog change and maps a refusal to field errors in the librarian's language. */
async function attempt(
	event: RequestEvent,
	values: Record<string, string> | null,
	work: () => Promise<Record<string, unknown>>
) {
	try {
		return await work();
	} catch (err) {
		if (err instanceof DomainError)
			return fail(err.status, { values, ...forms.formErrors(err, event.locals.lang) });
		throw err;
	}
}

const actor = (event: RequestEvent) => ({ id: event.locals.user!.id, ip: clientIp(event) });

export const actions: Actions = {
	/** Saves metadata without touching the file. */
	save: async (event) => {
		const values = publicationFieldsFrom(await readForm(event));
		return attempt(event, values, async () => {
			await records.update(await getDb(), Number(event.params.id), values, actor(event));
			return { saved: true };
		});
	},
	publish: (event) =>
		attempt(event, null, async () => {
			await records.publish(await getDb(), Number(event.params.id), actor(event));
			return { published: true };
		}),
	/** Withdraws (never deletes): the record leaves public view, history and files stay. */
	withdraw: async (event) => {
		const reason = String((await readForm(event)).get('reason') ?? '');
		return attempt(event, null, async () => {
			await records.withdraw(await getDb(), Number(event.params.id), reason, actor(event));
			return { withdrawn: true };
		});
	},
	/** Makes a staged upload the new current file; the previous version is kept. */
	replaceFile: async (event) => {
		const uploadId = String((await readForm(event)).get('uploadId') ?? '');
		return attempt(event, null, async () => {
			const db = await getDb();
			const id = Number(event.params.id);
			await records.loadInput(db, id); // NotFound before the staged file is consumed
			const committed = await ingest.commit(
				db,
				await staging.take(uploadId),
				{ publicationId: id },
				actor(event)
			);
			return { replaced: committed.version };
		});
	}
};
