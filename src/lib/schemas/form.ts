/** The metadata field names the cataloguing form and the multipart API accept. */
export const PUBLICATION_FIELDS = [
	'type',
	'title',
	'subtitle',
	'authors',
	'publisher',
	'place',
	'year',
	'publishedDate',
	'language',
	'abstract',
	'subjects',
	'isbn',
	'issn',
	'regulationNumber',
	'edition',
	'series',
	'volume',
	'issue',
	'callNumber',
	'access',
	'embargoUntil',
	'status',
	'downloadable',
	'withdrawnReason'
] as const;

/**
 * Picks the publication fields out of submitted form data as strings (what the schema
 * validates). Fields not present are left out, so a partial form updates only what it sends.
 */
export function publicationFieldsFrom(form: FormData): Record<string, string> {
	const out: Record<string, string> = {};
	for (const name of PUBLICATION_FIELDS) {
		const v = form.get(name);
		if (typeof v === 'string') out[name] = v;
	}
	// An unticked checkbox sends nothing; the form marks that it has the box.
	if (form.has('downloadablePresent') && !form.has('downloadable')) out.downloadable = 'false';
	return out;
}
