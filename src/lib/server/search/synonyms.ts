import { fold } from './analyze.js';

/**
 * A small curated bilingual list for the domain, so an English query finds Indonesian records
 * and the other way round, and common abbreviations find their full names. Each group is a set
 * of phrases that mean the same; a query containing one also asks for the others.
 */
export const SYNONYM_GROUPS: string[][] = [
	['lelang', 'auction', 'pelelangan'],
	['barang milik negara', 'bmn', 'state property', 'state-owned property'],
	['barang milik daerah', 'bmd', 'regional property'],
	['piutang negara', 'state receivables', 'state receivable', 'pnpn'],
	['kekayaan negara', 'state assets', 'state wealth'],
	['kekayaan negara dipisahkan', 'knd', 'separated state assets', 'state-owned enterprises'],
	['penilaian', 'valuation', 'appraisal', 'penilai'],
	['aset', 'asset', 'assets', 'harta'],
	['pengelolaan', 'management', 'manajemen'],
	['peraturan menteri keuangan', 'pmk', 'finance minister regulation'],
	['laporan', 'report'],
	['kinerja', 'performance'],
	['reformasi birokrasi', 'bureaucratic reform'],
	['direktorat jenderal kekayaan negara', 'djkn', 'directorate general of state assets'],
	['kantor pelayanan kekayaan negara dan lelang', 'kpknl'],
	['kantor wilayah', 'kanwil', 'regional office'],
	['tanah', 'land'],
	['gedung', 'building', 'bangunan'],
	['pemindahtanganan', 'transfer of assets', 'disposal'],
	['penghapusan', 'write-off', 'write off'],
	['sewa', 'lease', 'rent'],
	['hibah', 'grant'],
	['majalah', 'magazine']
];

const GROUPS = SYNONYM_GROUPS.map((g) => g.map((p) => fold(p)));

/**
 * The synonym phrases a query asks for besides its own words: for every group with a phrase
 * occurring (as whole words) in the query, the group's other phrases.
 */
export function expand(query: string): string[] {
	return [...new Set(expansions(query).map((e) => e.phrase))];
}

/**
 * Like `expand`, with the query phrase each expansion stands for (folded, words separated by
 * single spaces): a record matching every word of `state property` counts as matching the typed
 * words `barang milik negara`, so it is one of the records that match every word of the query.
 */
export function expansions(query: string): { phrase: string; stands: string }[] {
	const plain = (p: string) => p.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
	const q = ` ${plain(fold(query))} `;
	const out: { phrase: string; stands: string }[] = [];
	for (const group of GROUPS) {
		const present = group.filter((p) => q.includes(` ${plain(p)} `));
		if (present.length === 0) continue;
		// The longest phrase found stands for the typed words (`kekayaan negara dipisahkan`, not `kekayaan negara`).
		const stands = plain(present.reduce((a, b) => (b.length > a.length ? b : a)));
		for (const p of group) if (!q.includes(` ${p} `)) out.push({ phrase: p, stands });
	}
	return out;
}
