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
	const q = ` ${fold(query).replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
	const out = new Set<string>();
	for (const group of GROUPS) {
		if (group.some((p) => q.includes(` ${p.replace(/[^\p{L}\p{N}]+/gu, ' ')} `))) {
			for (const p of group) if (!q.includes(` ${p} `)) out.add(p);
		}
	}
	return [...out];
}
