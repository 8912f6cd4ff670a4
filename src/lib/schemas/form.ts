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
	'withdrawnReason',
	'regulationKind',
	'enactedDate',
	'promulgatedDate',
	'enactedPlace',
	'legalField',
	'regulationStatus',
	'relations'
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
	// The regulation fieldset sends its relations as rows (kind + target); a row without a
	// target is an unused one. Together they are one `kind:target` line each.
	if (form.has('relationsPresent')) {
		const kinds = form.getAll('relationKind').map(String);
		const targets = form.getAll('relationTarget').map(String);
		out.relations = targets
			.map((t, i) => (t.trim() ? `${kinds[i] ?? 'amends'}:${t.trim()}` : ''))
			.filter(Boolean)
			.join('\n');
	}
	return out;
}
