// A realistic 5,000-record library catalog as a SLiMS bibliography export (the format a ministry
// library migrating from SLiMS brings): Indonesian titles on state assets, auctions, receivables
// and public finance; real-looking authors, publishers, places, subjects, series, years,
// ISBN/ISSN with valid check digits, DDC call numbers and item codes. Deterministic (seeded), so
// every run of `npm run bench pages` loads the same catalog.
import { mulberry32 } from './synthetic.ts';

const TOPICS = [
	'Pengelolaan Barang Milik Negara',
	'Lelang',
	'Piutang Negara',
	'Penilaian Aset',
	'Kekayaan Negara Dipisahkan',
	'Kebijakan Fiskal',
	'Akuntansi Pemerintahan',
	'Reformasi Birokrasi',
	'Hukum Administrasi Negara',
	'Keuangan Daerah',
	'Manajemen Risiko',
	'Tata Kelola Aset',
	'Pengadaan Barang dan Jasa',
	'Perbendaharaan Negara',
	'Pajak dan Retribusi'
];
const FORMS = [
	'Pedoman',
	'Pengantar',
	'Kajian',
	'Analisis',
	'Evaluasi',
	'Himpunan Peraturan',
	'Modul Pelatihan',
	'Laporan Tahunan',
	'Dinamika',
	'Strategi',
	'Optimalisasi',
	'Tinjauan Yuridis'
];
const SCOPES = [
	'di Indonesia',
	'pada Kementerian Keuangan',
	'di Lingkungan DJKN',
	'Pemerintah Daerah',
	'dalam Perspektif Hukum',
	'Berbasis Teknologi Informasi',
	'untuk Pelayanan Publik',
	'Tahun Anggaran',
	'di Era Digital',
	'Kantor Wilayah'
];
const GIVEN = [
	'Agus',
	'Budi',
	'Dewi',
	'Eko',
	'Fitri',
	'Hendra',
	'Indah',
	'Joko',
	'Kartika',
	'Lestari',
	'Muhammad',
	'Nur',
	'Putri',
	'Rina',
	'Sri',
	'Teguh',
	'Wahyu',
	'Yanti',
	'Bambang',
	'Siti'
];
const FAMILY = [
	'Santoso',
	'Wijaya',
	'Hidayat',
	'Pratama',
	'Saputra',
	'Kusuma',
	'Nugroho',
	'Setiawan',
	'Rahmawati',
	'Susanto',
	'Gunawan',
	'Siregar',
	'Nasution',
	'Harahap',
	'Simanjuntak',
	'Wibowo',
	'Purnomo',
	'Hakim'
];
const PUBLISHERS: [string, string][] = [
	['Direktorat Jenderal Kekayaan Negara', 'Jakarta'],
	['Badan Pendidikan dan Pelatihan Keuangan', 'Jakarta'],
	['Gramedia Pustaka Utama', 'Jakarta'],
	['Rajawali Pers', 'Depok'],
	['Sinar Grafika', 'Jakarta'],
	['Kencana Prenada Media', 'Jakarta'],
	['Pustaka Pelajar', 'Yogyakarta'],
	['UGM Press', 'Yogyakarta'],
	['Refika Aditama', 'Bandung'],
	['Salemba Empat', 'Jakarta'],
	['Airlangga University Press', 'Surabaya'],
	['Andi Offset', 'Yogyakarta']
];
const SERIES = [
	'Seri Kajian Kekayaan Negara',
	'Media Kekayaan Negara',
	'Seri Hukum Keuangan Negara',
	'Warta Lelang',
	'Seri Modul Diklat Teknis'
];
const GMD: [string, string][] = [
	['Text', '336.1'],
	['Buku', '343.03'],
	['Majalah', '050'],
	['Peraturan', '348.02'],
	['Laporan', '352.4']
];

/** Type names in the application for the SLiMS GMD values above (for picking URLs to load). */
export const TYPES = ['book', 'book', 'magazine_issue', 'regulation', 'report'] as const;

function isbn13(n: number): string {
	const body = `978602${String(n).padStart(6, '0')}`;
	const sum = [...body].reduce((acc, d, i) => acc + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
	return `${body.slice(0, 3)}-${body.slice(3, 6)}-${body.slice(6)}${(10 - (sum % 10)) % 10}`;
}

function issn(n: number): string {
	const body = String(2300000 + n).padStart(7, '0');
	const sum = [...body].reduce((acc, d, i) => acc + Number(d) * (8 - i), 0);
	const check = (11 - (sum % 11)) % 11;
	return `${body.slice(0, 4)}-${body.slice(4)}${check === 10 ? 'X' : check}`;
}

/** `rows` records as a SLiMS CSV export (header, enclosed fields, `<a><b>` lists, CRLF). */
export function slimsCatalog(rows = 5000, seed = 2026): string {
	const rand = mulberry32(seed);
	const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
	const lines = [
		'"title","gmd_name","edition","isbn_issn","publisher_name","publish_year","collation","series_title","call_number","language_name","place_name","classification","notes","image","sor","authors","topics","item_code"'
	];
	let code = 0;
	for (let i = 1; i <= rows; i++) {
		const [gmd, ddc] = GMD[i % GMD.length];
		const topic = pick(TOPICS);
		const title =
			gmd === 'Majalah'
				? `${pick(SERIES)} Edisi ${1 + (i % 12)}/${2005 + (i % 20)}: ${topic}`
				: `${pick(FORMS)} ${topic} ${pick(SCOPES)}${rand() < 0.3 ? ` ${2000 + (i % 25)}` : ''}`;
		const isbnIssn = gmd === 'Majalah' ? issn(i) : i % 3 === 0 ? '' : isbn13(i);
		const [publisher, place] = pick(PUBLISHERS);
		const authors = Array.from(
			{ length: 1 + Math.floor(rand() * 3) },
			() => `<${pick(GIVEN)} ${pick(FAMILY)}>`
		).join('');
		const topics = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => `<${pick(TOPICS)}>`);
		const items = Array.from(
			{ length: 1 + (i % 3) },
			() => `<B${String(++code).padStart(6, '0')}>`
		).join('');
		const family = pick(FAMILY);
		lines.push(
			[
				title,
				gmd,
				i % 7 === 0 ? `Cet. ${2 + (i % 3)}` : '',
				isbnIssn,
				publisher,
				String(1995 + (i % 31)),
				`${100 + (i % 300)} hlm. ; 24 cm`,
				gmd === 'Majalah' || i % 5 === 0 ? pick(SERIES) : '',
				`${ddc} ${family.slice(0, 3).toUpperCase()} ${title[0].toLowerCase()}`,
				i % 9 === 0 ? 'English' : 'Indonesia',
				place,
				ddc,
				i % 11 === 0 ? `Bibliografi: hlm. ${90 + (i % 50)}` : '',
				'',
				'',
				authors,
				topics.join(''),
				items
			]
				.map((v) => `"${v}"`)
				.join(',')
		);
	}
	return lines.join('\r\n') + '\r\n';
}
