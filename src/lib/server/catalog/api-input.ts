import { DomainError } from '../errors.ts';
import { PUBLICATION_FIELDS } from '../../schemas/form.ts';

/**
 * Reads publication metadata from an API request: multipart form fields (repeated fields or a
 * JSON array for `authors`/`subjects`) or a JSON object. Unknown fields are refused by name, so
 * a typo in an integration does not silently drop data.
 */
export function fieldsFromForm(form: FormData): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const key of new Set(form.keys())) {
		if (key === 'file') continue;
		if (!(PUBLICATION_FIELDS as readonly string[]).includes(key)) {
			throw new DomainError(400, 'unknown_field', 'error.unknownField', { name: key.slice(0, 50) });
		}
		const values = form.getAll(key).filter((v): v is string => typeof v === 'string');
		if (values.length > 1) out[key] = values;
		else if (values.length === 1) {
			const v = values[0];
			out[key] =
				(key === 'authors' || key === 'subjects' || key === 'relations') && v.trim().startsWith('[')
					? parseList(v, key)
					: v;
		}
	}
	return out;
}

function parseList(raw: string, key: string): unknown[] {
	try {
		const v: unknown = JSON.parse(raw);
		// Relations may also be `{kind, id | number}` objects; the schema reads both forms.
		if (Array.isArray(v) && (key === 'relations' || v.every((x) => typeof x === 'string')))
			return v;
	} catch {
		// fall through
	}
	throw new DomainError(400, 'invalid', 'error.invalidParam', { name: key });
}

/** The same rules for a JSON object body. */
export function fieldsFromJson(body: Record<string, unknown>): Record<string, unknown> {
	for (const key of Object.keys(body)) {
		if (!(PUBLICATION_FIELDS as readonly string[]).includes(key)) {
			throw new DomainError(400, 'unknown_field', 'error.unknownField', { name: key.slice(0, 50) });
		}
	}
	// The record JSON carries `series` as an object; accept it back as its slug.
	const series = body.series;
	if (series && typeof series === 'object' && 'slug' in series)
		return { ...body, series: (series as { slug: unknown }).slug };
	return body;
}
