import { translator } from '../../i18n/index.ts';
import type { Lang } from '../../types.ts';
import type { Db } from '../db/index.ts';
import { formatCsvRow } from './csv.ts';
import type { Reason } from './bulk-import.ts';
import * as jobs from './import-jobs.ts';

/**
 * How an import job is told to people and integrations: the API object (with its failures once
 * it has ended), reasons in the reader's language, and the report as CSV.
 */

/** A reason in the reader's language, with the fields it names. */
export function explain(reason: Reason | null, lang: Lang): string {
	if (!reason) return '';
	const t = translator(lang);
	const fields = Object.entries(reason.fields ?? {})
		.filter(([, key]) => key !== reason.key)
		.map(([field, key]) => `${field}: ${t(key, reason.params)}`);
	const message =
		reason.key === 'error.invalid' ? t('import.invalid') : t(reason.key, reason.params);
	return fields.length > 0 ? `${message} (${fields.join('; ')})` : message;
}

const ENDED = new Set(['done', 'failed', 'cancelled']);

/** The job as `GET /api/v1/imports/{id}` answers: plus `failures` once it has ended. */
export async function apiObject(db: Db, id: number, lang: Lang) {
	const job = await jobs.get(db, id);
	const { error, ...rest } = job;
	const out: Record<string, unknown> = { ...rest, error: error ? explain(error, lang) : null };
	if (ENDED.has(job.status))
		out.failures = (await jobs.report(db, id, { status: 'failed' })).map((r) => ({
			line: r.line,
			name: r.name,
			reason: explain(r.reason, lang)
		}));
	return out;
}

/** The whole report as CSV (UTF-8 with a BOM for Excel): one line per row or file. */
export async function reportCsv(db: Db, id: number, lang: Lang, origin: string): Promise<string> {
	await jobs.get(db, id);
	const t = translator(lang);
	let out =
		'\ufeff' +
		formatCsvRow([
			t('imp.csv.line'),
			t('imp.csv.name'),
			t('imp.csv.status'),
			t('imp.csv.record'),
			t('imp.csv.reason')
		]);
	for (const r of await jobs.report(db, id))
		out += formatCsvRow(
			[
				r.line,
				r.name,
				t(`imp.status.${r.status}`),
				r.publicationId ? `${origin}/publications/${r.publicationId}` : '',
				explain(r.reason, lang)
			],
			{ excelSafe: true }
		);
	return out;
}
