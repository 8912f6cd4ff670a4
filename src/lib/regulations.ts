/**
 * Regulation vocabulary shared by the server, the cataloguing form and the detail page (no
 * server imports): the kinds of legal instrument JDIHN distinguishes, the statuses of a
 * regulation, the relations between regulations, and the text form of relations used by the
 * form, the API and CSV (`amends:<number>; revokes:#<id>`).
 */

/** Kinds of regulation, with the Indonesian name JDIHN uses and an English gloss. */
export const REGULATION_KINDS = [
	{ code: 'UUD', id: 'Undang-Undang Dasar', en: 'Constitution' },
	{ code: 'UU', id: 'Undang-Undang', en: 'Law' },
	{
		code: 'Perppu',
		id: 'Peraturan Pemerintah Pengganti Undang-Undang',
		en: 'Government Regulation in Lieu of Law'
	},
	{ code: 'PP', id: 'Peraturan Pemerintah', en: 'Government Regulation' },
	{ code: 'Perpres', id: 'Peraturan Presiden', en: 'Presidential Regulation' },
	{ code: 'Keppres', id: 'Keputusan Presiden', en: 'Presidential Decree' },
	{ code: 'Inpres', id: 'Instruksi Presiden', en: 'Presidential Instruction' },
	{ code: 'PMK', id: 'Peraturan Menteri Keuangan', en: 'Minister of Finance Regulation' },
	{ code: 'KMK', id: 'Keputusan Menteri Keuangan', en: 'Minister of Finance Decree' },
	{ code: 'Perdirjen', id: 'Peraturan Direktur Jenderal', en: 'Director General Regulation' },
	{ code: 'Kepdirjen', id: 'Keputusan Direktur Jenderal', en: 'Director General Decree' },
	{ code: 'SE', id: 'Surat Edaran', en: 'Circular' },
	{ code: 'Perda', id: 'Peraturan Daerah', en: 'Regional Regulation' },
	{ code: 'Lainnya', id: 'Peraturan Lainnya', en: 'Other regulation' }
] as const;

export type RegulationKind = (typeof REGULATION_KINDS)[number]['code'];

export const REGULATION_KIND_CODES: readonly string[] = REGULATION_KINDS.map((k) => k.code);

/** Statuses of a regulation: in force, revoked, amended (in force as amended). */
export const REGULATION_STATUSES = ['berlaku', 'dicabut', 'diubah'] as const;
export type RegulationStatus = (typeof REGULATION_STATUSES)[number];

/** Relations from one regulation to another: the source amends / revokes the target. */
export const RELATION_KINDS = ['amends', 'revokes'] as const;
export type RelationKind = (typeof RELATION_KINDS)[number];

/** The name of a kind in the reader's language; unknown codes are shown as they are. */
export function kindLabel(code: string | null, lang: 'id' | 'en' = 'id'): string | null {
	if (code === null) return null;
	const kind = REGULATION_KINDS.find((k) => k.code === code);
	return kind ? kind[lang] : code;
}

/** Another regulation as a relation shows it. */
export interface RegulationRef {
	id: number;
	title: string;
	number: string | null;
	kind: string | null;
}

/** What JDIHN expects of a regulation record, as the page, the API and the feeds see it. */
export interface RegulationFacts {
	kind: string | null;
	/** The kind's Indonesian name (JDIHN's vocabulary). */
	kindLabel: string | null;
	number: string | null;
	year: number | null;
	enactedDate: string | null;
	promulgatedDate: string | null;
	enactedPlace: string | null;
	legalField: string | null;
	/** The effective status (see `effectiveStatus`). */
	status: RegulationStatus;
	statusSource: 'librarian' | 'derived';
	/** Regulations this one amends / revokes, and those amending / revoking it — only ones the viewer may see. */
	amends: RegulationRef[];
	revokes: RegulationRef[];
	amendedBy: RegulationRef[];
	revokedBy: RegulationRef[];
}

/**
 * The status rule: a librarian's setting wins; otherwise a regulation revoked by a (visible,
 * published) regulation is `dicabut`, else one amended by one is `diubah`, else `berlaku`.
 * The caller passes only the relations that count (visible and published).
 */
export function effectiveStatus(
	override: RegulationStatus | null,
	revokedBy: number,
	amendedBy: number
): { status: RegulationStatus; statusSource: 'librarian' | 'derived' } {
	if (override) return { status: override, statusSource: 'librarian' };
	if (revokedBy > 0) return { status: 'dicabut', statusSource: 'derived' };
	if (amendedBy > 0) return { status: 'diubah', statusSource: 'derived' };
	return { status: 'berlaku', statusSource: 'derived' };
}

/**
 * A relation as entered: its kind and the other regulation by record id or by regulation
 * number (resolved on the server, where the catalog is).
 */
export interface RelationInput {
	kind: RelationKind;
	id: number | null;
	number: string | null;
}

/**
 * Reads one relation written as `kind:target` — `amends:PMK 12/PMK.06/2020`, `revokes:#42`
 * (a record id; bare digits are an id too). Indonesian kind names (`mengubah`, `mencabut`)
 * are accepted. Returns null when it cannot be read.
 */
export function parseRelation(text: string): RelationInput | null {
	const m = /^\s*([A-Za-z]+)\s*:\s*(.+?)\s*$/.exec(text);
	if (!m) return null;
	const word = m[1].toLowerCase();
	const kind: RelationKind | null =
		word === 'amends' || word === 'mengubah'
			? 'amends'
			: word === 'revokes' || word === 'mencabut'
				? 'revokes'
				: null;
	if (!kind) return null;
	const target = m[2];
	const id = /^#?(\d{1,12})$/.exec(target);
	if (id) return { kind, id: Number(id[1]), number: null };
	return { kind, id: null, number: target.replace(/\s+/g, ' ') };
}

/** The text form of a relation, the inverse of `parseRelation`. */
export function formatRelation(r: RelationInput): string {
	return `${r.kind}:${r.number ?? `#${r.id}`}`;
}

/** The text form of relations to other regulations: by number when they have one, else by id. */
export function formatRelationRefs(kind: RelationKind, refs: RegulationRef[]): string[] {
	return refs.map((r) => formatRelation({ kind, id: r.id, number: r.number }));
}

/**
 * A regulation number compared loosely: case, spaces and a leading `Nomor` do not matter
 * (`PMK 213/PMK.06/2020` = `pmk 213 / PMK.06/2020`). The server compares stored numbers the
 * same way in SQL (lower case, spaces removed).
 */
export function numberKey(number: string): string {
	return number
		.normalize('NFKC')
		.replace(/^\s*nomor\s+/i, '')
		.replace(/\s+/g, '')
		.toLowerCase();
}
