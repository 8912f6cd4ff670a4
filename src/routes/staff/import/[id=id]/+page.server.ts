import { getDb } from '$lib/server/db/index.ts';
import * as jobs from '$lib/server/catalog/import-jobs.ts';
import { explain } from '$lib/server/catalog/import-report.ts';
import { toPageError } from '$lib/server/http.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	const db = await getDb();
	const id = Number(params.id);
	try {
		const job = await jobs.get(db, id);
		const preview = job.status === 'preview' ? await jobs.previewOf(db, id) : null;
		const ended = ['done', 'failed', 'cancelled'].includes(job.status);
		const explainAll = <T extends { reason: jobs.ReportRow['reason'] }>(rows: T[]) =>
			rows.map((r) => ({ ...r, reason: explain(r.reason, locals.lang) }));
		return {
			job,
			error: job.error ? explain(job.error, locals.lang) : null,
			preview: preview && { ...preview, invalid: explainAll(preview.invalid) },
			failures: ended ? explainAll(await jobs.report(db, id, { status: 'failed' })) : [],
			imported: ended
				? explainAll(await jobs.report(db, id, { status: 'imported', limit: 200 }))
				: []
		};
	} catch (err) {
		toPageError(err, locals.lang);
	}
};
