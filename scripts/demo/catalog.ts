/**
 * Deterministic demo catalogue for Perpustakaan DJKN.
 *
 * `buildDemoCatalog()` returns the same records, in the same order, with the
 * same text on every run (seeded PRNG per record, no clock, no Math.random).
 * `pdf.ts` turns each record into a PDF whose page 1 is a cover, page 2 a
 * table of contents and pages 3+ the sections, one section per new page.
 *
 * Fixtures that tests rely on:
 * - `RARE_WORD` ("zamrudkatulistiwa") occurs only in the body of the internal
 *   study `kajian-aset-idle-2021` (section "Bab III Hasil dan Pembahasan",
 *   therefore page 3 or later), never in any title or abstract.
 * - `PAGE3_WORD` ("kalibrasi") occurs only in `mkn-2019-01` (public), in the
 *   first paragraph of its first article, i.e. on page 3, and nowhere else in
 *   that document or in the catalogue.
 * - `mkn-2024-04` is the long special edition (~40 pages); every other
 *   record renders to 6-16 pages.
 *
 * All content is synthetic. Institutions and legal instruments are named to
 * make the corpus realistic; people are invented.
 */

import {
	FEATURE_HEADINGS,
	HEADING_TAGLINES,
	INTERVIEW_QUESTIONS_ID,
	KANWIL,
	MINISTRIES,
	MISC_HEADINGS,
	MONTHS_ID,
	OPINION_HEADINGS,
	PEOPLE,
	REGION_PHRASES,
	SUBHEADINGS_EN,
	SUBHEADINGS_ID,
	TextWriter,
	TOPICS_ID,
	CLAUSES_ID,
	formatNumber,
	type TopicId
} from './content.ts';
import { Rng } from './random.ts';

// ---------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------

export type PublicationType =
	'magazine_issue' | 'book' | 'regulation' | 'report' | 'article' | 'other';
export type AccessLevel = 'public' | 'internal' | 'restricted';
export type RecordStatus = 'published' | 'draft' | 'withdrawn';

export interface DemoTable {
	caption: string;
	header: string[];
	rows: string[][];
}

export interface DemoSection {
	heading: string;
	paragraphs: string[];
	table?: DemoTable;
}

export interface DemoSeries {
	title: string;
	slug: string;
	issn: string | null;
}

export interface DemoCopy {
	barcode: string;
	location: string;
}

export interface DemoRecord {
	/** Stable unique slug, e.g. 'mkn-2021-03', 'pmk-181-2016'. */
	key: string;
	type: PublicationType;
	title: string;
	subtitle: string | null;
	/** Ordered. */
	authors: string[];
	publisher: string;
	place: string | null;
	year: number;
	/** 'YYYY-MM-DD'. */
	publishedDate: string | null;
	language: 'id' | 'en';
	abstract: string;
	/** Values from `SUBJECTS`. */
	subjects: string[];
	/** ISBN-13 with a valid check digit, hyphenated. */
	isbn: string | null;
	issn: string | null;
	regulationNumber: string | null;
	/** Regulations only (JDIHN facts): kind code, dates, place, field of law. */
	regulationKind?: string;
	enactedDate?: string;
	promulgatedDate?: string;
	enactedPlace?: string;
	legalField?: string;
	/**
	 * Regulations only: `amends:<number>` / `revokes:<number>`. The seed sets them once every
	 * record exists, as a target may come later in the catalogue.
	 */
	relations?: string[];
	series: DemoSeries | null;
	volume: number | null;
	issueNumber: number | null;
	callNumber: string | null;
	access: AccessLevel;
	status: RecordStatus;
	/** 'YYYY-MM-DD'. */
	embargoUntil: string | null;
	copies: DemoCopy[];
	sections: DemoSection[];
}

/** Controlled list of Indonesian subject headings used by the catalogue. */
export const SUBJECTS = [
	'Barang Milik Negara',
	'Lelang',
	'Piutang Negara',
	'Kekayaan Negara Dipisahkan',
	'Penilaian',
	'Pengelolaan Kekayaan Negara',
	'Keuangan Negara',
	'Hukum',
	'Reformasi Birokrasi',
	'Teknologi Informasi',
	'Akuntansi Pemerintahan',
	'Aset Infrastruktur',
	'Pelayanan Publik',
	'Sumber Daya Manusia',
	'Kebijakan Fiskal'
] as const;
export type Subject = (typeof SUBJECTS)[number];

/** Unusual token planted in exactly one internal record (see file header). */
export const RARE_WORD = 'zamrudkatulistiwa';
export const RARE_WORD_KEY = 'kajian-aset-idle-2021';
/** Word that must be found on page 3 of `PAGE3_WORD_KEY` and nowhere else. */
export const PAGE3_WORD = 'kalibrasi';
export const PAGE3_WORD_KEY = 'mkn-2019-01';
/** The long special magazine edition. */
export const LONG_ISSUE_KEY = 'mkn-2024-04';

const RARE_WORD_SENTENCE = `Sebagai proyek percontohan, tim kajian menyiapkan skema pemanfaatan bersama dengan nama sandi ${RARE_WORD} yang diuji pada tiga lokasi aset idle di Kalimantan Barat.`;
const PAGE3_WORD_SENTENCE = `Sebelum survei lapangan dimulai, tim penilai selalu memastikan ${PAGE3_WORD} alat ukur jarak dan perangkat GPS agar luas tanah yang dicatat sesuai dengan kondisi sebenarnya.`;

// ---------------------------------------------------------------------------
// Identifiers: ISBN-13 and ISSN
// ---------------------------------------------------------------------------

/** ISBN-13 check digit for the first 12 digits (weights 1,3,1,3,...). */
export function isbn13CheckDigit(first12: string): number {
	if (!/^\d{12}$/.test(first12)) throw new Error(`Need 12 digits, got ${first12}`);
	let sum = 0;
	for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
	return (10 - (sum % 10)) % 10;
}

/** True when `isbn` (hyphens allowed) is a 13-digit ISBN with a correct check digit. */
export function isValidIsbn13(isbn: string): boolean {
	const digits = isbn.replace(/-/g, '');
	if (!/^97[89]\d{10}$/.test(digits)) return false;
	return isbn13CheckDigit(digits.slice(0, 12)) === Number(digits[12]);
}

/** ISSN check character for the first 7 digits (weights 8..2, mod 11, 10 = X). */
export function issnCheckDigit(first7: string): string {
	if (!/^\d{7}$/.test(first7)) throw new Error(`Need 7 digits, got ${first7}`);
	let sum = 0;
	for (let i = 0; i < 7; i++) sum += Number(first7[i]) * (8 - i);
	const check = (11 - (sum % 11)) % 11;
	return check === 10 ? 'X' : String(check);
}

/** True when `issn` looks like NNNN-NNNC with a correct check character. */
export function isValidIssn(issn: string): boolean {
	const match = /^(\d{4})-(\d{3})([\dX])$/.exec(issn);
	if (!match) return false;
	return issnCheckDigit(match[1] + match[2]) === match[3];
}

function makeIsbn(group: '602' | '623', publisher: string, title: string): string {
	const first12 = `978${group}${publisher}${title}`;
	return `978-${group}-${publisher}-${title}-${isbn13CheckDigit(first12)}`;
}

function makeIssn(first7: string): string {
	return `${first7.slice(0, 4)}-${first7.slice(4)}${issnCheckDigit(first7)}`;
}

const MKN_ISSN = makeIssn('2338516');
const MKN_SERIES: DemoSeries = {
	title: 'Media Kekayaan Negara',
	slug: 'media-kekayaan-negara',
	issn: MKN_ISSN
};

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

const DJKN = 'Direktorat Jenderal Kekayaan Negara';
const KEMENKEU = 'Kementerian Keuangan Republik Indonesia';
const DJKN_EN =
	'Directorate General of State Assets Management, Ministry of Finance of the Republic of Indonesia';
const PUSDIKLAT = 'Pusat Pendidikan dan Pelatihan Kekayaan Negara dan Perimbangan Keuangan';

const TOPIC_SUBJECT: Readonly<Record<TopicId, Subject>> = {
	bmn: 'Barang Milik Negara',
	lelang: 'Lelang',
	piutang: 'Piutang Negara',
	knd: 'Kekayaan Negara Dipisahkan',
	penilaian: 'Penilaian',
	digital: 'Teknologi Informasi',
	rb: 'Reformasi Birokrasi',
	hukum: 'Hukum',
	keuangan: 'Keuangan Negara',
	infra: 'Aset Infrastruktur'
};

function pad2(n: number): string {
	return String(n).padStart(2, '0');
}

function isoDate(year: number, month: number, day: number): string {
	return `${year}-${pad2(month)}-${pad2(day)}`;
}

/** '2016-12-05' -> '5 Desember 2016'. */
function longDateId(iso: string): string {
	const [y, m, d] = iso.split('-').map(Number);
	return `${d} ${MONTHS_ID[m - 1]} ${y}`;
}

function unique<T>(items: readonly T[]): T[] {
	return [...new Set(items)];
}

const TITLE_LOWER = new Set([
	'dan',
	'di',
	'ke',
	'dari',
	'yang',
	'untuk',
	'pada',
	'atau',
	'dengan',
	'bagi',
	'dalam',
	'oleh',
	'atas'
]);

/** Indonesian heading case: capitalise words except short function words; keep acronyms. */
function titleCase(text: string): string {
	return text
		.split(' ')
		.map((word, index) =>
			index > 0 && TITLE_LOWER.has(word)
				? word
				: word
						.split('/')
						.map((part) => (part.length ? part[0].toUpperCase() + part.slice(1) : part))
						.join('/')
		)
		.join(' ');
}

function subjectsFor(topics: readonly TopicId[], extra: readonly Subject[] = []): Subject[] {
	return unique([...extra, ...topics.map((topic) => TOPIC_SUBJECT[topic])]);
}

/** Defaults for every optional field so builders only state what differs. */
function makeRecord(
	init: Pick<DemoRecord, 'key' | 'type' | 'title' | 'year'> & Partial<DemoRecord>
): DemoRecord {
	return {
		subtitle: null,
		authors: [],
		publisher: DJKN,
		place: 'Jakarta',
		publishedDate: null,
		language: 'id',
		abstract: '',
		subjects: [],
		isbn: null,
		issn: null,
		regulationNumber: null,
		series: null,
		volume: null,
		issueNumber: null,
		callNumber: null,
		access: 'public',
		status: 'published',
		embargoUntil: null,
		copies: [],
		sections: [],
		...init
	};
}

/**
 * Hands out headings so the same hand-written heading is not reused across
 * the catalogue; once a bank is exhausted it composes "<Activity> <Object>,
 * <Tagline>" headings instead.
 */
class HeadingPool {
	private readonly used = new Set<string>();

	private take(candidates: readonly string[], rng: Rng): string | null {
		const free = candidates.filter((candidate) => !this.used.has(candidate));
		if (free.length === 0) return null;
		const choice = rng.pick(free);
		this.used.add(choice);
		return choice;
	}

	feature(topic: TopicId, rng: Rng): string {
		const handWritten = rng.chance(0.65) ? this.take(FEATURE_HEADINGS[topic], rng) : null;
		if (handWritten) return handWritten;
		const lex = TOPICS_ID[topic];
		for (let attempt = 0; attempt < 50; attempt++) {
			const heading = `${titleCase(rng.pick(lex.actions).noun)} ${titleCase(rng.pick(lex.objects))}, ${rng.pick(HEADING_TAGLINES)}`;
			if (!this.used.has(heading)) {
				this.used.add(heading);
				return heading;
			}
		}
		throw new Error(`Ran out of feature headings for ${topic}`);
	}

	opinion(topic: TopicId, rng: Rng): string {
		return this.take(OPINION_HEADINGS, rng) ?? this.feature(topic, rng);
	}

	misc(topic: TopicId, rng: Rng): string {
		return this.take(MISC_HEADINGS, rng) ?? this.feature(topic, rng);
	}
}

// ---------------------------------------------------------------------------
// Magazine: Media Kekayaan Negara
// ---------------------------------------------------------------------------

interface IssueSpec {
	year: number;
	issue: number;
	title: string;
	topics: TopicId[];
	access?: AccessLevel;
}

/** 28 issues, four a year; volume = year - 2017. */
const MKN_ISSUES: readonly IssueSpec[] = [
	{
		year: 2018,
		issue: 1,
		title: 'Revaluasi BMN: Menghitung Ulang Kekayaan Negara',
		topics: ['penilaian', 'bmn', 'keuangan']
	},
	{
		year: 2018,
		issue: 2,
		title: 'Lelang Melalui Internet Makin Diminati',
		topics: ['lelang', 'digital']
	},
	{
		year: 2018,
		issue: 3,
		title: 'Mengurai Benang Kusut Piutang Negara',
		topics: ['piutang', 'hukum'],
		access: 'internal'
	},
	{
		year: 2018,
		issue: 4,
		title: 'Aset Negara sebagai Penggerak Ekonomi',
		topics: ['bmn', 'infra']
	},
	{
		year: 2019,
		issue: 1,
		title: 'Hasil Revaluasi dan Wajah Baru Neraca Pemerintah',
		topics: ['keuangan', 'penilaian', 'bmn']
	},
	{ year: 2019, issue: 2, title: 'Manajemen Aset Berbasis Data', topics: ['digital', 'bmn'] },
	{
		year: 2019,
		issue: 3,
		title: 'Membangun Zona Integritas di Unit Vertikal',
		topics: ['rb', 'hukum'],
		access: 'internal'
	},
	{
		year: 2019,
		issue: 4,
		title: 'Penyertaan Modal Negara dan Kinerja BUMN',
		topics: ['knd', 'keuangan']
	},
	{
		year: 2020,
		issue: 1,
		title: 'Pelayanan Kekayaan Negara di Masa Pandemi',
		topics: ['digital', 'rb', 'lelang']
	},
	{
		year: 2020,
		issue: 2,
		title: 'Lelang Tetap Berjalan dari Rumah',
		topics: ['lelang', 'digital']
	},
	{ year: 2020, issue: 3, title: 'Menjaga Aset Negara di Tengah Krisis', topics: ['bmn', 'hukum'] },
	{
		year: 2020,
		issue: 4,
		title: 'Keringanan Utang bagi Pelaku UMKM',
		topics: ['piutang', 'keuangan'],
		access: 'internal'
	},
	{ year: 2021, issue: 1, title: 'Aset Idle dan Peluang Pemanfaatannya', topics: ['bmn', 'infra'] },
	{ year: 2021, issue: 2, title: 'Penilai Pemerintah di Garis Depan', topics: ['penilaian', 'rb'] },
	{
		year: 2021,
		issue: 3,
		title: 'Optimalisasi Aset Negara untuk Pemulihan Ekonomi',
		topics: ['infra', 'bmn', 'knd']
	},
	{
		year: 2021,
		issue: 4,
		title: 'Hak Tagih Negara dan Kepastian Hukum',
		topics: ['piutang', 'hukum'],
		access: 'restricted'
	},
	{
		year: 2022,
		issue: 1,
		title: 'Transformasi Digital Layanan Kekayaan Negara',
		topics: ['digital', 'rb']
	},
	{
		year: 2022,
		issue: 2,
		title: 'Sertifikasi Tanah Negara: Mengamankan Aset Bangsa',
		topics: ['bmn', 'hukum'],
		access: 'internal'
	},
	{
		year: 2022,
		issue: 3,
		title: 'Lelang untuk Semua: Inklusif dan Terpercaya',
		topics: ['lelang', 'rb']
	},
	{
		year: 2022,
		issue: 4,
		title: 'Tata Kelola Kekayaan Negara Dipisahkan',
		topics: ['knd', 'keuangan']
	},
	{
		year: 2023,
		issue: 1,
		title: 'Aset Infrastruktur dan Pembiayaan Kreatif',
		topics: ['infra', 'knd'],
		access: 'restricted'
	},
	{
		year: 2023,
		issue: 2,
		title: 'Menuju Birokrasi Bersih dan Melayani',
		topics: ['rb', 'digital']
	},
	{
		year: 2023,
		issue: 3,
		title: 'Menilai Kekayaan Alam Indonesia',
		topics: ['penilaian', 'infra'],
		access: 'internal'
	},
	{
		year: 2023,
		issue: 4,
		title: 'Mengelola Rumah Negara dengan Lebih Baik',
		topics: ['bmn', 'hukum']
	},
	{
		year: 2024,
		issue: 1,
		title: 'Pengelolaan Aset di Ibu Kota Nusantara',
		topics: ['infra', 'bmn']
	},
	{ year: 2024, issue: 2, title: 'Data Aset yang Terintegrasi', topics: ['digital', 'keuangan'] },
	{
		year: 2024,
		issue: 3,
		title: 'Strategi Baru Penyelesaian Piutang Negara',
		topics: ['piutang', 'lelang']
	},
	{
		year: 2024,
		issue: 4,
		title: 'Kilas Balik Tujuh Tahun Pengelolaan Kekayaan Negara',
		topics: ['bmn', 'lelang', 'piutang', 'knd', 'penilaian', 'digital', 'rb', 'infra']
	}
];

type Rubric = 'utama' | 'wawancara' | 'opini' | 'daerah' | 'regulasi' | 'serba';

/** Regulation short titles the "Regulasi" rubric explains, by topic. */
const RUBRIC_REGULATIONS: Readonly<Partial<Record<TopicId, string>>> = {
	bmn: 'Pemanfaatan Barang Milik Negara',
	lelang: 'Petunjuk Pelaksanaan Lelang',
	piutang: 'Pengurusan Piutang Negara',
	penilaian: 'Penilaian oleh Penilai Pemerintah',
	digital: 'Layanan Pengelolaan BMN secara Elektronik',
	knd: 'Penatausahaan Investasi Pemerintah',
	infra: 'Kerja Sama Pemanfaatan Infrastruktur',
	rb: 'Pembangunan Zona Integritas',
	hukum: 'Penyederhanaan Regulasi Kekayaan Negara',
	keuangan: 'Penatausahaan Barang Milik Negara'
};

/** Inserts a sub-heading in the middle of longer articles for visual rhythm. */
function withSubheading(paragraphs: string[], rng: Rng, lang: 'id' | 'en'): string[] {
	if (paragraphs.length < 6) return paragraphs;
	const at = Math.floor(paragraphs.length / 2);
	const sub = rng.pick(lang === 'id' ? SUBHEADINGS_ID : SUBHEADINGS_EN);
	return [...paragraphs.slice(0, at), sub, ...paragraphs.slice(at)];
}

interface ArticleOptions {
	rubric: Rubric;
	topic: TopicId;
	secondary: readonly TopicId[];
	paragraphs: number;
}

function magazineArticle(
	w: TextWriter,
	rng: Rng,
	pool: HeadingPool,
	opt: ArticleOptions
): DemoSection {
	const topics: TopicId[] = [opt.topic, ...opt.secondary.filter((t) => t !== opt.topic)];
	const lex = TOPICS_ID[opt.topic];
	switch (opt.rubric) {
		case 'utama':
			return {
				heading: `Laporan Utama: ${pool.feature(opt.topic, rng)}`,
				paragraphs: withSubheading(w.paragraphs(topics, opt.paragraphs, 4, 6), rng, 'id')
			};
		case 'wawancara': {
			const person = rng.pick(PEOPLE);
			const role = w.role();
			const action = rng.pick(lex.actions);
			const intro =
				`${person} telah ${rng.int(8, 26)} tahun berkarier di lingkungan DJKN dan kini menjabat ${role}. ` +
				`Kepada tim Media Kekayaan Negara, ia berbagi pandangan mengenai ${action.noun} ${rng.pick(lex.objects)} ` +
				'serta tantangan yang dihadapi jajarannya setiap hari.';
			const paragraphs = [intro];
			const questions = rng.sample(
				INTERVIEW_QUESTIONS_ID,
				Math.max(3, Math.ceil(opt.paragraphs / 2))
			);
			for (const question of questions) {
				paragraphs.push(`Tanya: ${w.fill(question, opt.topic)}`);
				paragraphs.push(
					`Jawab: ${w.paragraph(rng.chance(0.7) ? opt.topic : rng.pick(topics), 3, 5)}`
				);
			}
			return { heading: `Wawancara: ${person}, ${role}`, paragraphs };
		}
		case 'opini': {
			const author = rng.pick(PEOPLE);
			return {
				heading: `Opini: ${pool.opinion(opt.topic, rng)}`,
				paragraphs: [
					`Oleh: ${author}, ${w.role()}`,
					...w.paragraphs(topics, opt.paragraphs, 3, 6),
					'Tulisan ini merupakan pendapat pribadi penulis dan tidak mencerminkan kebijakan instansi tempat penulis bekerja.'
				]
			};
		}
		case 'daerah': {
			const office = w.office();
			const action = rng.pick(lex.actions);
			const lead =
				`Bagi jajaran ${office}, ${action.noun} ${rng.pick(lex.objects)} bukan sekadar target kinerja. ` +
				w.paragraph(opt.topic, 2, 4);
			return {
				heading: `Kiprah Daerah: ${office} ${rng.pick(REGION_PHRASES)}`,
				paragraphs: [lead, ...w.paragraphs(topics, opt.paragraphs - 1, 3, 5)]
			};
		}
		case 'regulasi': {
			const about = RUBRIC_REGULATIONS[opt.topic] ?? 'Pengelolaan Kekayaan Negara';
			return {
				heading: `Regulasi: Memahami Aturan tentang ${about}`,
				paragraphs: w.paragraphs(['hukum', opt.topic], opt.paragraphs, 3, 5)
			};
		}
		case 'serba':
			return {
				heading: `Serba-serbi: ${pool.misc(opt.topic, rng)}`,
				paragraphs: w.paragraphs(topics, opt.paragraphs, 3, 5)
			};
	}
}

function articlePlan(spec: IssueSpec, rng: Rng): ArticleOptions[] {
	const [main, ...rest] = spec.topics;
	const second = rest[0] ?? main;
	if (`mkn-${spec.year}-${pad2(spec.issue)}` === LONG_ISSUE_KEY) {
		// The special edition: one long feature per topic plus every rubric.
		const rubrics: Rubric[] = [
			'utama',
			'utama',
			'wawancara',
			'utama',
			'opini',
			'daerah',
			'utama',
			'wawancara',
			'regulasi',
			'utama',
			'opini',
			'daerah',
			'utama',
			'wawancara',
			'serba',
			'utama'
		];
		return rubrics.map((rubric, index) => ({
			rubric,
			topic: spec.topics[index % spec.topics.length],
			secondary: spec.topics,
			paragraphs: rubric === 'utama' ? rng.int(11, 14) : rng.int(9, 12)
		}));
	}
	const extras = rng.sample<Rubric>(
		['utama', 'opini', 'daerah', 'regulasi', 'serba'],
		rng.int(2, 4)
	);
	const plan: ArticleOptions[] = [
		{ rubric: 'utama', topic: main, secondary: rest, paragraphs: rng.int(5, 8) },
		{ rubric: 'wawancara', topic: rng.pick(spec.topics), secondary: [], paragraphs: rng.int(6, 8) }
	];
	for (const rubric of extras) {
		plan.push({
			rubric,
			topic: rubric === 'utama' ? second : rng.pick(spec.topics),
			secondary: spec.topics,
			paragraphs: rubric === 'utama' ? rng.int(5, 8) : rng.int(3, 6)
		});
	}
	return plan;
}

function buildMagazineIssue(spec: IssueSpec, pool: HeadingPool): DemoRecord {
	const key = `mkn-${spec.year}-${pad2(spec.issue)}`;
	const rng = new Rng(key);
	const w = new TextWriter(rng, 'id', spec.year);
	const sections = articlePlan(spec, rng).map((opt) => magazineArticle(w, rng, pool, opt));
	if (key === PAGE3_WORD_KEY) {
		sections[0].paragraphs[0] = `${sections[0].paragraphs[0]} ${PAGE3_WORD_SENTENCE}`;
	}
	const special = key === LONG_ISSUE_KEY;
	const features = sections
		.filter((s) => s.heading.startsWith('Laporan Utama: '))
		.map((s) => s.heading.slice(15));
	const interview = sections.find((s) => s.heading.startsWith('Wawancara: '));
	const abstract = [
		`Edisi ini mengangkat tema "${spec.title}".`,
		`Laporan utama mengulas ${features.map((f) => `"${f}"`).join(', ')}.`,
		interview ? `Rubrik wawancara menghadirkan ${interview.heading.slice(11)}.` : '',
		special
			? 'Sebagai edisi khusus akhir tahun, majalah ini merangkum perjalanan pengelolaan barang milik negara, lelang, piutang negara, penilaian, dan kekayaan negara dipisahkan sejak 2018.'
			: `Edisi ini juga memuat ${sections.length - features.length - (interview ? 1 : 0)} tulisan lain seputar pengelolaan kekayaan negara.`
	]
		.filter(Boolean)
		.join(' ');
	return makeRecord({
		key,
		type: 'magazine_issue',
		title: spec.title,
		subtitle: `Edisi ${spec.issue} Tahun ${spec.year}${special ? ' (Edisi Khusus)' : ''}`,
		authors: rng.sample(PEOPLE, rng.int(2, 3)),
		year: spec.year,
		publishedDate: isoDate(spec.year, spec.issue * 3, rng.int(10, 28)),
		abstract,
		subjects: subjectsFor(spec.topics, ['Pengelolaan Kekayaan Negara']),
		issn: MKN_ISSN,
		series: MKN_SERIES,
		volume: spec.year - 2017,
		issueNumber: spec.issue,
		access: spec.access ?? 'public',
		sections
	});
}

// ---------------------------------------------------------------------------
// Regulations
// ---------------------------------------------------------------------------

interface RegulationSpec {
	key: string;
	kind: 'PMK' | 'PER';
	/** '181/PMK.06/2016' or 'PER-2/KN/2020'; null for drafts. */
	number: string | null;
	about: string;
	date: string;
	topics: TopicId[];
	subjects: Subject[];
	access?: AccessLevel;
	status?: RecordStatus;
	/** Regulation revoked by this one, cited in the closing chapter. */
	revokes?: string;
	/** Catalogued regulations this one amends / revokes (`amends:<number>`, `revokes:<number>`). */
	relations?: string[];
}

const REGULATIONS: readonly RegulationSpec[] = [
	{
		key: 'pmk-181-2016',
		kind: 'PMK',
		number: '181/PMK.06/2016',
		about: 'Penatausahaan Barang Milik Negara',
		date: '2016-12-05',
		topics: ['bmn', 'keuangan'],
		subjects: ['Barang Milik Negara', 'Akuntansi Pemerintahan', 'Hukum'],
		revokes:
			'Peraturan Menteri Keuangan Nomor 120/PMK.06/2007 tentang Penatausahaan Barang Milik Negara'
	},
	{
		key: 'pmk-213-2020',
		kind: 'PMK',
		number: '213/PMK.06/2020',
		about: 'Petunjuk Pelaksanaan Lelang',
		date: '2020-12-22',
		topics: ['lelang', 'hukum'],
		subjects: ['Lelang', 'Hukum'],
		revokes: 'Peraturan Menteri Keuangan Nomor 27/PMK.06/2016 tentang Petunjuk Pelaksanaan Lelang',
		relations: ['revokes:PMK 27/PMK.06/2016']
	},
	{
		key: 'pmk-240-2016',
		kind: 'PMK',
		number: '240/PMK.06/2016',
		about: 'Pengurusan Piutang Negara',
		date: '2016-12-30',
		topics: ['piutang', 'hukum'],
		subjects: ['Piutang Negara', 'Hukum'],
		revokes: 'Peraturan Menteri Keuangan Nomor 128/PMK.06/2007 tentang Pengurusan Piutang Negara'
	},
	{
		key: 'pmk-111-2016',
		kind: 'PMK',
		number: '111/PMK.06/2016',
		about: 'Tata Cara Pelaksanaan Pemindahtanganan Barang Milik Negara',
		date: '2016-07-04',
		topics: ['bmn', 'lelang'],
		subjects: ['Barang Milik Negara', 'Hukum'],
		// The older omnibus rule, kept (withdrawn) for the history of the regulation: the
		// relation exists but the public sees neither it nor the revoked record.
		relations: ['revokes:PMK 96/PMK.06/2007']
	},
	{
		key: 'pmk-115-2020',
		kind: 'PMK',
		number: '115/PMK.06/2020',
		about: 'Pemanfaatan Barang Milik Negara',
		date: '2020-08-31',
		topics: ['bmn', 'infra'],
		subjects: ['Barang Milik Negara', 'Pengelolaan Kekayaan Negara', 'Hukum'],
		revokes:
			'Peraturan Menteri Keuangan Nomor 78/PMK.06/2014 tentang Tata Cara Pelaksanaan Pemanfaatan Barang Milik Negara'
	},
	{
		key: 'pmk-83-2016',
		kind: 'PMK',
		number: '83/PMK.06/2016',
		about: 'Tata Cara Pelaksanaan Pemusnahan dan Penghapusan Barang Milik Negara',
		date: '2016-05-20',
		topics: ['bmn', 'keuangan'],
		subjects: ['Barang Milik Negara', 'Hukum']
	},
	{
		key: 'pmk-173-2020',
		kind: 'PMK',
		number: '173/PMK.06/2020',
		about: 'Penilaian oleh Penilai Pemerintah di Lingkungan Direktorat Jenderal Kekayaan Negara',
		date: '2020-11-09',
		topics: ['penilaian', 'bmn'],
		subjects: ['Penilaian', 'Hukum']
	},
	{
		key: 'pmk-52-2023',
		kind: 'PMK',
		number: '52/PMK.06/2023',
		about: 'Tata Cara Penatausahaan Investasi Pemerintah dan Penyertaan Modal Negara',
		date: '2023-05-15',
		topics: ['knd', 'keuangan'],
		subjects: ['Kekayaan Negara Dipisahkan', 'Kebijakan Fiskal', 'Hukum']
	},
	{
		key: 'pmk-146-2022',
		kind: 'PMK',
		number: '146/PMK.06/2022',
		about: 'Layanan Pengelolaan Barang Milik Negara secara Elektronik',
		date: '2022-10-10',
		topics: ['digital', 'bmn'],
		subjects: ['Barang Milik Negara', 'Teknologi Informasi', 'Pelayanan Publik'],
		relations: ['amends:PMK 181/PMK.06/2016']
	},
	{
		key: 'per-2-kn-2020',
		kind: 'PER',
		number: 'PER-2/KN/2020',
		about:
			'Petunjuk Teknis Penatausahaan Barang Milik Negara melalui Sistem Informasi Manajemen Aset Negara',
		date: '2020-03-16',
		topics: ['digital', 'bmn'],
		subjects: ['Barang Milik Negara', 'Teknologi Informasi']
	},
	{
		key: 'per-5-kn-2021',
		kind: 'PER',
		number: 'PER-5/KN/2021',
		about: 'Petunjuk Teknis Penilaian Barang Milik Negara Berupa Tanah dan/atau Bangunan',
		date: '2021-06-14',
		topics: ['penilaian', 'bmn'],
		subjects: ['Penilaian', 'Barang Milik Negara'],
		access: 'internal'
	},
	{
		key: 'per-7-kn-2018',
		kind: 'PER',
		number: 'PER-7/KN/2018',
		about: 'Pedoman Pembangunan Zona Integritas di Lingkungan Direktorat Jenderal Kekayaan Negara',
		date: '2018-04-02',
		topics: ['rb'],
		subjects: ['Reformasi Birokrasi', 'Sumber Daya Manusia'],
		access: 'internal'
	}
];

/** Non-published regulations (withdrawn and draft). */
const EXTRA_REGULATIONS: readonly RegulationSpec[] = [
	{
		key: 'pmk-96-2007',
		kind: 'PMK',
		number: '96/PMK.06/2007',
		about:
			'Tata Cara Pelaksanaan Penggunaan, Pemanfaatan, Penghapusan, dan Pemindahtanganan Barang Milik Negara',
		date: '2007-09-04',
		topics: ['bmn'],
		subjects: ['Barang Milik Negara', 'Hukum'],
		status: 'withdrawn'
	},
	{
		key: 'rancangan-pmk-bmn-ikn',
		kind: 'PMK',
		number: null,
		about: 'Pengelolaan Barang Milik Negara di Ibu Kota Nusantara',
		date: '2024-09-30',
		topics: ['infra', 'bmn'],
		subjects: ['Barang Milik Negara', 'Aset Infrastruktur', 'Hukum'],
		access: 'internal',
		status: 'draft'
	}
];

/**
 * A regulation catalogued late (it comes last, so the ids of every other demo record stay as
 * they were): the lelang rule PMK 213/PMK.06/2020 revokes, still public, so its page shows
 * "Dicabut oleh".
 */
const LATE_REGULATIONS: readonly RegulationSpec[] = [
	{
		key: 'pmk-27-2016',
		kind: 'PMK',
		number: '27/PMK.06/2016',
		about: 'Petunjuk Pelaksanaan Lelang',
		date: '2016-02-19',
		topics: ['lelang', 'hukum'],
		subjects: ['Lelang', 'Hukum']
	}
];

/** Field of law (bidang hukum) of a regulation, by main topic. */
const LEGAL_FIELD: Readonly<Partial<Record<TopicId, string>>> = {
	rb: 'Hukum Administrasi Negara',
	digital: 'Hukum Administrasi Negara',
	lelang: 'Hukum Perdata',
	piutang: 'Hukum Keuangan Negara'
};

/** A date `days` after an ISO date, as `YYYY-MM-DD`. */
function addDays(date: string, days: number): string {
	const d = new Date(`${date}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + days);
	return d.toISOString().slice(0, 10);
}

/** Statutory basis cited under "Menimbang" huruf a, by main topic. */
const LEGAL_BASIS: Readonly<Partial<Record<TopicId, string>>> = {
	bmn: 'Peraturan Pemerintah Nomor 27 Tahun 2014 tentang Pengelolaan Barang Milik Negara/Daerah sebagaimana telah diubah dengan Peraturan Pemerintah Nomor 28 Tahun 2020',
	penilaian:
		'Peraturan Pemerintah Nomor 27 Tahun 2014 tentang Pengelolaan Barang Milik Negara/Daerah',
	digital:
		'Peraturan Pemerintah Nomor 27 Tahun 2014 tentang Pengelolaan Barang Milik Negara/Daerah',
	infra:
		'Peraturan Pemerintah Nomor 27 Tahun 2014 tentang Pengelolaan Barang Milik Negara/Daerah sebagaimana telah diubah dengan Peraturan Pemerintah Nomor 28 Tahun 2020',
	lelang:
		'Vendu Reglement (Staatsblad 1908:189) sebagaimana telah beberapa kali diubah terakhir dengan Staatsblad 1941:3',
	piutang: 'Undang-Undang Nomor 49 Prp. Tahun 1960 tentang Panitia Urusan Piutang Negara',
	knd: 'Peraturan Pemerintah Nomor 44 Tahun 2005 tentang Tata Cara Penyertaan dan Penatausahaan Modal Negara pada Badan Usaha Milik Negara dan Perseroan Terbatas',
	rb: 'Peraturan Presiden Nomor 81 Tahun 2010 tentang Grand Design Reformasi Birokrasi 2010-2025'
};

/** Definitions for "Pasal 1", by topic (general ones are always included). */
const GLOSSARY_GENERAL: readonly string[] = [
	'Menteri adalah Menteri Keuangan Republik Indonesia.',
	'Direktur Jenderal adalah Direktur Jenderal Kekayaan Negara.',
	'Kantor Wilayah adalah Kantor Wilayah Direktorat Jenderal Kekayaan Negara.',
	'Kantor Pelayanan Kekayaan Negara dan Lelang yang selanjutnya disingkat KPKNL adalah instansi vertikal Direktorat Jenderal Kekayaan Negara yang berada di bawah dan bertanggung jawab langsung kepada Kepala Kantor Wilayah.'
];

const GLOSSARY: Readonly<Partial<Record<TopicId, readonly string[]>>> = {
	bmn: [
		'Barang Milik Negara yang selanjutnya disingkat BMN adalah semua barang yang dibeli atau diperoleh atas beban Anggaran Pendapatan dan Belanja Negara atau berasal dari perolehan lainnya yang sah.',
		'Pengelola Barang adalah pejabat yang berwenang dan bertanggung jawab menetapkan kebijakan dan pedoman serta melakukan pengelolaan BMN.',
		'Pengguna Barang adalah pejabat pemegang kewenangan penggunaan BMN.',
		'Kuasa Pengguna Barang adalah kepala satuan kerja atau pejabat yang ditunjuk oleh Pengguna Barang untuk menggunakan barang yang berada dalam penguasaannya dengan sebaik-baiknya.',
		'Penatausahaan adalah rangkaian kegiatan yang meliputi pembukuan, inventarisasi, dan pelaporan BMN sesuai dengan ketentuan peraturan perundang-undangan.',
		'Pemanfaatan adalah pendayagunaan BMN yang tidak digunakan untuk penyelenggaraan tugas dan fungsi kementerian/lembaga dan/atau optimalisasi BMN dengan tidak mengubah status kepemilikan.',
		'Pemindahtanganan adalah pengalihan kepemilikan BMN.',
		'Penghapusan adalah tindakan menghapus BMN dari daftar barang dengan menerbitkan keputusan dari pejabat yang berwenang untuk membebaskan pejabat yang bersangkutan dari tanggung jawab administrasi dan fisik atas barang yang berada dalam penguasaannya.'
	],
	lelang: [
		'Lelang adalah penjualan barang yang terbuka untuk umum dengan penawaran harga secara tertulis dan/atau lisan yang semakin meningkat atau menurun untuk mencapai harga tertinggi, yang didahului dengan Pengumuman Lelang.',
		'Pejabat Lelang adalah orang yang berdasarkan peraturan perundang-undangan diberi wewenang khusus untuk melaksanakan penjualan barang secara lelang.',
		'Penjual adalah orang, badan hukum, badan usaha, atau instansi yang berdasarkan peraturan perundang-undangan atau perjanjian berwenang untuk menjual barang secara lelang.',
		'Pembeli adalah orang atau badan yang mengajukan penawaran tertinggi dan disahkan sebagai pemenang lelang oleh Pejabat Lelang.',
		'Nilai Limit adalah harga minimal barang yang akan dilelang dan ditetapkan oleh Penjual.',
		'Risalah Lelang adalah berita acara pelaksanaan lelang yang dibuat oleh Pejabat Lelang yang merupakan akta autentik dan mempunyai kekuatan pembuktian sempurna.',
		'Uang Jaminan Penawaran Lelang adalah sejumlah uang yang disetor oleh calon Peserta Lelang sebagai syarat sahnya menjadi Peserta Lelang.'
	],
	piutang: [
		'Piutang Negara adalah jumlah uang yang wajib dibayar kepada negara atau badan-badan yang baik secara langsung atau tidak langsung dikuasai oleh negara berdasarkan suatu peraturan, perjanjian, atau sebab apa pun.',
		'Panitia Urusan Piutang Negara yang selanjutnya disingkat PUPN adalah panitia yang bersifat interdepartemental sebagaimana dimaksud dalam Undang-Undang Nomor 49 Prp. Tahun 1960.',
		'Penanggung Utang adalah badan atau orang yang berutang kepada negara menurut perjanjian atau peraturan yang berlaku.',
		'Penjamin Utang adalah badan atau orang yang menjamin penyelesaian sebagian atau seluruh utang Penanggung Utang.',
		'Barang Jaminan adalah harta kekayaan milik Penanggung Utang dan/atau Penjamin Utang yang diserahkan sebagai jaminan penyelesaian utang.',
		'Surat Paksa adalah surat perintah kepada Penanggung Utang untuk membayar sekaligus seluruh utangnya dalam jangka waktu 1 x 24 (satu kali dua puluh empat) jam.'
	],
	penilaian: [
		'Penilaian adalah proses kegiatan yang dilakukan oleh Penilai untuk memberikan suatu opini nilai atas suatu objek penilaian pada saat tertentu.',
		'Penilai Pemerintah adalah Penilai Pemerintah di lingkungan Direktorat Jenderal Kekayaan Negara yang diberi tugas, wewenang, dan tanggung jawab untuk melakukan penilaian secara independen.',
		'Objek Penilaian adalah objek yang dinilai oleh Penilai.',
		'Nilai Wajar adalah estimasi harga yang akan diterima dari penjualan aset atau dibayarkan untuk penyelesaian kewajiban antara pelaku pasar yang memahami dan berkeinginan untuk melakukan transaksi wajar pada tanggal penilaian.',
		'Laporan Penilaian adalah dokumen tertulis yang memuat opini nilai atas objek penilaian.',
		'Pendekatan Biaya adalah pendekatan penilaian yang didasarkan pada biaya pengganti baru dikurangi penyusutan.'
	],
	knd: [
		'Kekayaan Negara Dipisahkan adalah kekayaan negara yang berasal dari Anggaran Pendapatan dan Belanja Negara untuk dijadikan penyertaan modal negara pada Badan Usaha Milik Negara, Perseroan Terbatas, atau badan hukum lainnya.',
		'Penyertaan Modal Negara adalah pemisahan kekayaan negara dari Anggaran Pendapatan dan Belanja Negara atau penetapan cadangan perusahaan atau sumber lain untuk dijadikan sebagai modal Badan Usaha Milik Negara dan/atau Perseroan Terbatas lainnya.',
		'Badan Usaha Milik Negara yang selanjutnya disingkat BUMN adalah badan usaha yang seluruh atau sebagian besar modalnya dimiliki oleh negara melalui penyertaan secara langsung yang berasal dari kekayaan negara yang dipisahkan.',
		'Investasi Pemerintah adalah penempatan sejumlah dana dan/atau barang dalam jangka panjang untuk investasi dalam bentuk saham, surat utang, dan/atau investasi langsung.'
	],
	digital: [
		'Sistem Informasi Manajemen Aset Negara yang selanjutnya disebut SIMAN adalah sistem informasi yang digunakan untuk mendukung pengelolaan BMN.',
		'Operator adalah pegawai yang ditunjuk untuk melakukan perekaman dan pemutakhiran data dalam SIMAN.',
		'Dokumen Elektronik adalah setiap informasi elektronik yang dibuat, diteruskan, dikirimkan, diterima, atau disimpan dalam bentuk digital.',
		'Hak Akses adalah hak yang diberikan kepada pengguna untuk menggunakan fitur tertentu dalam SIMAN.'
	],
	rb: [
		'Reformasi Birokrasi adalah upaya untuk melakukan pembaruan dan perubahan mendasar terhadap sistem penyelenggaraan pemerintahan.',
		'Zona Integritas adalah predikat yang diberikan kepada instansi pemerintah yang pimpinan dan jajarannya mempunyai komitmen untuk mewujudkan Wilayah Bebas dari Korupsi dan Wilayah Birokrasi Bersih dan Melayani.',
		'Agen Perubahan adalah pegawai yang ditetapkan untuk menjadi pelopor dan teladan dalam penerapan nilai-nilai organisasi.',
		'Unit Kerja adalah unit eselon II di kantor pusat dan kantor vertikal di lingkungan Direktorat Jenderal Kekayaan Negara.'
	]
};

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

function regulationTitle(spec: RegulationSpec): string {
	if (spec.number === null) return `Rancangan Peraturan Menteri Keuangan tentang ${spec.about}`;
	return spec.kind === 'PMK'
		? `Peraturan Menteri Keuangan Nomor ${spec.number} tentang ${spec.about}`
		: `Peraturan Direktur Jenderal Kekayaan Negara Nomor ${spec.number} tentang ${spec.about}`;
}

/** Pasal with one or more ayat; a single ayat is not numbered, as in real texts. */
function pasal(number: number, clauses: string[]): string[] {
	if (clauses.length === 1) return [`Pasal ${number}`, clauses[0]];
	return [`Pasal ${number}`, ...clauses.map((clause, i) => `(${i + 1}) ${clause}`)];
}

function buildRegulation(spec: RegulationSpec): DemoRecord {
	const rng = new Rng(spec.key);
	const year = Number(spec.date.slice(0, 4));
	const w = new TextWriter(rng, 'id', year);
	const main = spec.topics[0];
	const lex = TOPICS_ID[main];
	const isPmk = spec.kind === 'PMK';
	const instrument = isPmk ? 'Peraturan Menteri' : 'Peraturan Direktur Jenderal';
	const title = regulationTitle(spec);
	const basis = LEGAL_BASIS[main] ?? LEGAL_BASIS.bmn ?? '';
	const actions = rng.sample(lex.actions, 3);

	const menimbang: DemoSection = {
		heading: 'Menimbang',
		paragraphs: [
			`a. bahwa untuk melaksanakan ketentuan dalam ${basis}, perlu mengatur ketentuan mengenai ${spec.about.toLowerCase()};`,
			`b. bahwa untuk meningkatkan ${rng.pick(lex.goals)} serta menyesuaikan dengan perkembangan kebutuhan organisasi, ketentuan mengenai ${actions[0].noun} ${rng.pick(lex.objects)} perlu disempurnakan;`,
			`c. bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a dan huruf b, perlu menetapkan ${title.replace(/ Nomor \S+/, '')};`
		]
	};

	const perpres =
		year >= 2020
			? 'Peraturan Presiden Nomor 57 Tahun 2020 tentang Kementerian Keuangan (Lembaran Negara Republik Indonesia Tahun 2020 Nomor 98);'
			: 'Peraturan Presiden Nomor 28 Tahun 2015 tentang Kementerian Keuangan (Lembaran Negara Republik Indonesia Tahun 2015 Nomor 51);';
	const mengingatItems = [
		'Undang-Undang Nomor 17 Tahun 2003 tentang Keuangan Negara (Lembaran Negara Republik Indonesia Tahun 2003 Nomor 47, Tambahan Lembaran Negara Republik Indonesia Nomor 4286);',
		'Undang-Undang Nomor 1 Tahun 2004 tentang Perbendaharaan Negara (Lembaran Negara Republik Indonesia Tahun 2004 Nomor 5, Tambahan Lembaran Negara Republik Indonesia Nomor 4355);',
		`${basis};`,
		perpres
	];
	if (!isPmk) {
		const parent =
			REGULATIONS.find((r) => r.kind === 'PMK' && r.topics[0] === main) ?? REGULATIONS[0];
		mengingatItems.push(`${regulationTitle(parent)};`);
	}
	const mengingat: DemoSection = {
		heading: 'Mengingat',
		paragraphs: [
			...mengingatItems.map((item, i) => `${i + 1}. ${item}`),
			'MEMUTUSKAN:',
			`Menetapkan: ${title.replace(/ Nomor \S+/, '').toUpperCase()}.`
		]
	};

	// BAB I: definitions, purpose and scope.
	const definitions = [
		...GLOSSARY_GENERAL,
		...(GLOSSARY[main] ?? []),
		...(GLOSSARY[spec.topics[1] ?? main] ?? [])
	];
	const uniqueDefinitions = unique(definitions);
	let pasalNo = 1;
	const bab1: string[] = [
		...pasal(pasalNo++, [`Dalam ${instrument} ini yang dimaksud dengan:`]),
		...uniqueDefinitions.map((definition, i) => `${i + 1}. ${definition}`),
		...pasal(pasalNo++, [`${instrument} ini bertujuan untuk:`]),
		...rng
			.sample(lex.goals, 3)
			.map(
				(goal, i, list) => `${LETTERS[i]}. mewujudkan ${goal}${i === list.length - 1 ? '.' : ';'}`
			),
		...pasal(pasalNo++, [`Ruang lingkup ${instrument} ini meliputi:`]),
		...actions.map(
			(action, i) =>
				`${LETTERS[i]}. ${action.noun} ${rng.pick(lex.objects)}${i === actions.length - 1 ? '.' : ';'}`
		)
	];

	const chapter = (
		roman: string,
		heading: string,
		topic: TopicId,
		pasalCount: number
	): DemoSection => {
		const paragraphs: string[] = [];
		for (let i = 0; i < pasalCount; i++) {
			const clauses = rng.sample(CLAUSES_ID, rng.int(1, 4)).map((clause) => w.fill(clause, topic));
			paragraphs.push(...pasal(pasalNo++, clauses));
		}
		return { heading: `BAB ${roman} ${heading}`, paragraphs };
	};

	const sections: DemoSection[] = [
		menimbang,
		mengingat,
		{ heading: 'BAB I KETENTUAN UMUM', paragraphs: bab1 },
		chapter('II', `${actions[0].noun} ${rng.pick(lex.objects)}`.toUpperCase(), main, rng.int(4, 6)),
		chapter(
			'III',
			`${actions[1].noun} ${rng.pick(lex.objects)}`.toUpperCase(),
			spec.topics[1] ?? main,
			rng.int(4, 6)
		),
		chapter('IV', 'PELAPORAN, PENGAWASAN, DAN PENGENDALIAN', main, rng.int(3, 4))
	];

	const closing: string[] = [];
	if (spec.revokes) {
		closing.push(
			...pasal(pasalNo++, [
				`Pada saat ${instrument} ini mulai berlaku, ${spec.revokes} dicabut dan dinyatakan tidak berlaku.`
			])
		);
	}
	closing.push(...pasal(pasalNo++, [`${instrument} ini mulai berlaku pada tanggal diundangkan.`]));
	closing.push(
		`Agar setiap orang mengetahuinya, memerintahkan pengundangan ${instrument} ini dengan penempatannya dalam Berita Negara Republik Indonesia.`,
		spec.number === null
			? 'Ditetapkan di Jakarta pada tanggal ...'
			: `Ditetapkan di Jakarta pada tanggal ${longDateId(spec.date)}`,
		isPmk ? 'MENTERI KEUANGAN REPUBLIK INDONESIA' : 'DIREKTUR JENDERAL KEKAYAAN NEGARA',
		'ttd.'
	);
	sections.push({ heading: 'BAB V KETENTUAN PENUTUP', paragraphs: closing });

	const scope = actions.map((action) => action.noun).join(', ');
	const abstract = [
		spec.number === null
			? `Rancangan peraturan ini disusun untuk mengatur ${spec.about}.`
			: `${isPmk ? 'Peraturan Menteri Keuangan' : 'Peraturan Direktur Jenderal Kekayaan Negara'} ini mengatur ${spec.about}.`,
		`Ruang lingkup pengaturan meliputi ${scope}, termasuk ketentuan pelaporan, pengawasan, dan pengendalian.`,
		spec.revokes ? `Peraturan ini mencabut ${spec.revokes}.` : '',
		spec.status === 'withdrawn'
			? 'Peraturan ini telah dicabut dan tidak berlaku lagi; disimpan untuk keperluan sejarah regulasi.'
			: ''
	]
		.filter(Boolean)
		.join(' ');

	return makeRecord({
		key: spec.key,
		type: 'regulation',
		title,
		authors: [isPmk ? 'Menteri Keuangan Republik Indonesia' : 'Direktur Jenderal Kekayaan Negara'],
		publisher: isPmk ? KEMENKEU : DJKN,
		year,
		publishedDate: spec.number === null ? null : spec.date,
		abstract,
		subjects: [...spec.subjects],
		regulationNumber: spec.number === null ? null : isPmk ? `PMK ${spec.number}` : spec.number,
		regulationKind: isPmk ? 'PMK' : 'Perdirjen',
		...(spec.number === null
			? {}
			: {
					enactedDate: spec.date,
					enactedPlace: 'Jakarta',
					// A PMK is promulgated in the Berita Negara a few days after it is signed; a
					// Director General's regulation is not promulgated.
					...(isPmk ? { promulgatedDate: addDays(spec.date, 1 + (year % 3)) } : {})
				}),
		legalField: LEGAL_FIELD[main] ?? 'Hukum Keuangan Negara',
		relations: spec.relations,
		access: spec.access ?? 'public',
		status: spec.status ?? 'published',
		sections
	});
}

// ---------------------------------------------------------------------------
// Reports: tables
// ---------------------------------------------------------------------------

const fmt = (value: number, decimals = 2): string => formatNumber(value, decimals, 'id');

/** Splits `total` into `count` positive parts with a skewed distribution. */
function skewedShares(rng: Rng, count: number): number[] {
	const weights = Array.from({ length: count }, (_, i) => rng.range(0.4, 1.6) / (1 + i * 0.35));
	const sum = weights.reduce((acc, v) => acc + v, 0);
	return weights.map((v) => v / sum);
}

const IKU: readonly { name: string; kind: 'pct' | 'index' | 'rpm' | 'rpt' }[] = [
	{ name: 'Persentase BMN yang ditetapkan status penggunaannya', kind: 'pct' },
	{ name: 'Indeks efektivitas pemanfaatan BMN', kind: 'index' },
	{ name: 'PNBP dari pengelolaan kekayaan negara (Rp miliar)', kind: 'rpm' },
	{ name: 'Persentase penyelesaian berkas piutang negara', kind: 'pct' },
	{ name: 'Pokok lelang yang terealisasi (Rp triliun)', kind: 'rpt' },
	{ name: 'Persentase laporan penilaian yang diselesaikan tepat waktu', kind: 'pct' },
	{ name: 'Indeks kepuasan pengguna layanan', kind: 'index' },
	{ name: 'Persentase BMN berupa tanah yang telah bersertifikat', kind: 'pct' },
	{ name: 'Tingkat kematangan manajemen risiko', kind: 'index' },
	{ name: 'Indeks kualitas regulasi bidang kekayaan negara', kind: 'index' }
];

function ikuTable(rng: Rng, year: number): DemoTable {
	const rows = rng.sample(IKU, rng.int(7, 9)).map((iku, i) => {
		let target: number;
		let decimals = 2;
		switch (iku.kind) {
			case 'pct':
				target = rng.int(70, 95);
				decimals = 1;
				break;
			case 'index':
				target = rng.range(3, 4.2);
				break;
			case 'rpm':
				target = rng.int(2500, 6000);
				decimals = 0;
				break;
			case 'rpt':
				target = rng.range(20, 45);
				break;
		}
		const realisation = target * rng.range(0.88, 1.18);
		const achievement = Math.min(120, (realisation / target) * 100);
		return [
			String(i + 1),
			iku.name,
			fmt(target, decimals),
			fmt(realisation, decimals),
			fmt(achievement, 2)
		];
	});
	return {
		caption: `Capaian Indikator Kinerja Utama DJKN Tahun ${year}`,
		header: ['No', 'Indikator Kinerja Utama', 'Target', 'Realisasi', 'Capaian (%)'],
		rows
	};
}

function budgetTable(rng: Rng, year: number): DemoTable {
	const items = ['Belanja Pegawai', 'Belanja Barang', 'Belanja Modal'];
	let totalPagu = 0;
	let totalReal = 0;
	const rows = items.map((item, i) => {
		const pagu = rng.int(150_000, 900_000);
		const real = pagu * rng.range(0.9, 0.99);
		totalPagu += pagu;
		totalReal += real;
		return [String(i + 1), item, fmt(pagu, 0), fmt(real, 0), fmt((real / pagu) * 100, 2)];
	});
	rows.push([
		'',
		'Jumlah',
		fmt(totalPagu, 0),
		fmt(totalReal, 0),
		fmt((totalReal / totalPagu) * 100, 2)
	]);
	return {
		caption: `Pagu dan Realisasi Anggaran DJKN Tahun ${year} per Jenis Belanja`,
		header: ['No', 'Jenis Belanja', 'Pagu (Rp ribu)', 'Realisasi (Rp ribu)', 'Persentase (%)'],
		rows
	};
}

function auctionByKanwilTable(rng: Rng, year: number): DemoTable {
	let freq = 0;
	let principal = 0;
	let fee = 0;
	const rows = KANWIL.map((kanwil, i) => {
		const f = rng.int(900, 5200);
		const p = f * rng.range(0.25, 1.4);
		const b = p * rng.range(0.018, 0.032);
		freq += f;
		principal += p;
		fee += b;
		return [String(i + 1), kanwil, fmt(f, 0), fmt(p, 1), fmt(b, 1)];
	});
	rows.push(['', 'Jumlah', fmt(freq, 0), fmt(principal, 1), fmt(fee, 1)]);
	return {
		caption: `Realisasi Lelang per Kantor Wilayah Tahun ${year}`,
		header: [
			'No',
			'Kantor Wilayah DJKN',
			'Frekuensi Lelang',
			'Pokok Lelang (Rp miliar)',
			'PNBP Lelang (Rp miliar)'
		],
		rows
	};
}

function receivablesByKanwilTable(rng: Rng, year: number): DemoTable {
	const rows = rng.sample(KANWIL, 10).map((kanwil, i) => {
		const received = rng.int(120, 1400);
		const done = Math.round(received * rng.range(0.3, 0.8));
		return [
			String(i + 1),
			kanwil,
			fmt(received, 0),
			fmt(done, 0),
			fmt(done * rng.range(0.05, 0.6), 1)
		];
	});
	return {
		caption: `Pengurusan Piutang Negara pada Sepuluh Kantor Wilayah Tahun ${year}`,
		header: [
			'No',
			'Kantor Wilayah DJKN',
			'BKPN Diterima',
			'BKPN Selesai',
			'Piutang Terselesaikan (Rp miliar)'
		],
		rows
	};
}

function bmnByMinistryTable(rng: Rng, year: number): DemoTable {
	const total = rng.range(5900, 7400);
	const shares = skewedShares(rng, MINISTRIES.length + 1);
	const rows = MINISTRIES.map((ministry, i) => [
		String(i + 1),
		ministry,
		fmt(total * shares[i]),
		fmt(shares[i] * 100)
	]);
	const restShare = shares[MINISTRIES.length];
	rows.push([
		String(MINISTRIES.length + 1),
		'Kementerian/lembaga lainnya',
		fmt(total * restShare),
		fmt(restShare * 100)
	]);
	rows.push(['', 'Jumlah', fmt(total), '100,00']);
	return {
		caption: `Nilai BMN per Kementerian/Lembaga per 31 Desember ${year}`,
		header: ['No', 'Kementerian/Lembaga', 'Nilai BMN (Rp triliun)', 'Porsi (%)'],
		rows
	};
}

function bmnMutationTable(rng: Rng, year: number): DemoTable {
	const groups = [
		'Tanah',
		'Peralatan dan Mesin',
		'Gedung dan Bangunan',
		'Jalan, Irigasi, dan Jaringan',
		'Aset Tetap Lainnya',
		'Konstruksi Dalam Pengerjaan'
	];
	const rows = groups.map((group) => {
		const opening = rng.range(80, 4800);
		const added = opening * rng.range(0.02, 0.15);
		const removed = opening * rng.range(0.005, 0.06);
		return [group, fmt(opening), fmt(added), fmt(removed), fmt(opening + added - removed)];
	});
	return {
		caption: `Mutasi BMN Intrakomptabel Tahun ${year} (Rp triliun)`,
		header: ['Kelompok Aset', 'Saldo Awal', 'Penambahan', 'Pengurangan', 'Saldo Akhir'],
		rows
	};
}

// ---------------------------------------------------------------------------
// Reports
// ---------------------------------------------------------------------------

function buildPerformanceReport(year: number): DemoRecord {
	const key = `lakin-djkn-${year}`;
	const rng = new Rng(key);
	const w = new TextWriter(rng, 'id', year);
	const ikuCount = rng.int(10, 14);
	const sections: DemoSection[] = [
		{
			heading: 'Ikhtisar Eksekutif',
			paragraphs: [
				`Laporan Kinerja ini menyajikan capaian kinerja Direktorat Jenderal Kekayaan Negara selama tahun ${year}. Pada tahun tersebut DJKN menetapkan ${ikuCount} Indikator Kinerja Utama dengan capaian rata-rata sebesar ${fmt(rng.range(101, 112))} persen.`,
				...w.paragraphs(['bmn', 'lelang', 'piutang'], rng.int(2, 3), 3, 5)
			]
		},
		{
			heading: 'Bab I Pendahuluan',
			paragraphs: [
				'Direktorat Jenderal Kekayaan Negara mempunyai tugas menyelenggarakan perumusan serta pelaksanaan kebijakan di bidang kekayaan negara, piutang negara, dan lelang sesuai dengan ketentuan peraturan perundang-undangan.',
				`Dalam melaksanakan tugasnya, DJKN didukung oleh ${KANWIL.length} Kantor Wilayah dan 71 Kantor Pelayanan Kekayaan Negara dan Lelang yang tersebar di seluruh Indonesia.`,
				...w.paragraphs(['rb', 'bmn'], rng.int(2, 4))
			]
		},
		{
			heading: 'Bab II Perencanaan Kinerja',
			paragraphs: w.paragraphs(['rb', 'keuangan', 'digital'], rng.int(3, 5))
		},
		{
			heading: 'Bab III Akuntabilitas Kinerja',
			paragraphs: w.paragraphs(['bmn', 'lelang', 'piutang', 'penilaian'], rng.int(3, 4)),
			table: ikuTable(rng, year)
		},
		{
			heading: 'Bab IV Realisasi Anggaran',
			paragraphs: w.paragraphs(['keuangan'], rng.int(2, 3), 3, 5),
			table: budgetTable(rng, year)
		},
		{
			heading: 'Bab V Penutup',
			paragraphs: [
				...w.paragraphs(['rb', 'digital'], rng.int(2, 3), 3, 5),
				'Laporan ini diharapkan menjadi bahan evaluasi dan pertimbangan dalam perencanaan kinerja tahun berikutnya.'
			]
		}
	];
	return makeRecord({
		key,
		type: 'report',
		title: `Laporan Kinerja Direktorat Jenderal Kekayaan Negara Tahun ${year}`,
		authors: [DJKN],
		year: year + 1,
		publishedDate: isoDate(year + 1, 2, rng.int(10, 28)),
		abstract: `Laporan akuntabilitas kinerja DJKN tahun ${year} yang memuat perencanaan kinerja, capaian ${ikuCount} Indikator Kinerja Utama, realisasi anggaran per jenis belanja, serta langkah perbaikan di bidang barang milik negara, lelang, piutang negara, dan penilaian.`,
		subjects: ['Pengelolaan Kekayaan Negara', 'Reformasi Birokrasi', 'Keuangan Negara'],
		sections
	});
}

function buildAnnualReport(year: number, subtitle: string, access: AccessLevel): DemoRecord {
	const key = `laporan-tahunan-djkn-${year}`;
	const rng = new Rng(key);
	const w = new TextWriter(rng, 'id', year);
	const sections: DemoSection[] = [
		{
			heading: 'Sambutan Direktur Jenderal',
			paragraphs: w.paragraphs(['rb', 'bmn', 'lelang'], rng.int(3, 4), 3, 5)
		},
		{
			heading: 'Profil Organisasi',
			paragraphs: [
				'Direktorat Jenderal Kekayaan Negara merupakan unit eselon I di lingkungan Kementerian Keuangan yang menyelenggarakan perumusan dan pelaksanaan kebijakan di bidang kekayaan negara, piutang negara, dan lelang.',
				...w.paragraphs(['rb', 'digital'], rng.int(2, 3))
			]
		},
		{
			heading: 'Pengelolaan Kekayaan Negara',
			paragraphs: w.paragraphs(['bmn', 'knd', 'penilaian'], rng.int(4, 6))
		},
		{
			heading: 'Kinerja Lelang',
			paragraphs: w.paragraphs(['lelang'], rng.int(2, 3), 3, 5),
			table: auctionByKanwilTable(rng, year)
		},
		{
			heading: 'Pengurusan Piutang Negara',
			paragraphs: w.paragraphs(['piutang'], rng.int(2, 3), 3, 5),
			table: receivablesByKanwilTable(rng, year)
		},
		{
			heading: 'Agenda Strategis Tahun Berikutnya',
			paragraphs: w.paragraphs(['digital', 'infra', 'rb'], rng.int(3, 5))
		}
	];
	return makeRecord({
		key,
		type: 'report',
		title: `Laporan Tahunan Direktorat Jenderal Kekayaan Negara ${year}`,
		subtitle,
		authors: [DJKN],
		year: year + 1,
		publishedDate: isoDate(year + 1, 4, rng.int(1, 28)),
		abstract: `Laporan tahunan DJKN ${year} bertema "${subtitle}". Memuat profil organisasi, kinerja pengelolaan kekayaan negara, realisasi lelang per Kantor Wilayah, pengurusan piutang negara, dan agenda strategis tahun berikutnya.`,
		subjects: ['Pengelolaan Kekayaan Negara', 'Lelang', 'Piutang Negara'],
		access,
		sections
	});
}

function buildBmnReport(year: number, access: AccessLevel): DemoRecord {
	const key = `lbmn-${year}`;
	const rng = new Rng(key);
	const w = new TextWriter(rng, 'id', year);
	const sections: DemoSection[] = [
		{ heading: 'Ringkasan', paragraphs: w.paragraphs(['keuangan', 'bmn'], rng.int(2, 3), 3, 5) },
		{
			heading: 'Bab I Pendahuluan',
			paragraphs: [
				'Laporan Barang Milik Negara disusun oleh Menteri Keuangan selaku Pengelola Barang sebagai bahan penyusunan neraca pemerintah pusat.',
				...w.paragraphs(['keuangan', 'bmn'], rng.int(2, 4))
			]
		},
		{
			heading: 'Bab II Posisi BMN per Kementerian/Lembaga',
			paragraphs: w.paragraphs(['bmn', 'keuangan'], rng.int(2, 3), 3, 5),
			table: bmnByMinistryTable(rng, year)
		},
		{
			heading: 'Bab III Mutasi BMN',
			paragraphs: w.paragraphs(['bmn', 'keuangan'], rng.int(2, 4), 3, 5),
			table: bmnMutationTable(rng, year)
		},
		{
			heading: 'Bab IV Permasalahan dan Tindak Lanjut',
			paragraphs: w.paragraphs(['bmn', 'hukum', 'digital'], rng.int(4, 6))
		},
		{ heading: 'Bab V Penutup', paragraphs: w.paragraphs(['keuangan'], rng.int(2, 3), 3, 4) }
	];
	return makeRecord({
		key,
		type: 'report',
		title: `Laporan Barang Milik Negara Tahun Anggaran ${year}`,
		subtitle: 'Tingkat Pengelola Barang',
		authors: [DJKN],
		year: year + 1,
		publishedDate: isoDate(year + 1, 5, rng.int(1, 28)),
		abstract: `Laporan Barang Milik Negara tahun anggaran ${year} menyajikan posisi nilai BMN per kementerian/lembaga, mutasi BMN intrakomptabel per kelompok aset, serta permasalahan dan tindak lanjut penatausahaan BMN.`,
		subjects: ['Barang Milik Negara', 'Akuntansi Pemerintahan', 'Keuangan Negara'],
		access,
		sections
	});
}

interface StudySpec {
	key: string;
	title: string;
	subtitle: string;
	year: number;
	topics: TopicId[];
	access: AccessLevel;
	status?: RecordStatus;
	embargoUntil?: string;
	table: (rng: Rng) => DemoTable;
	abstract: string;
}

const STUDIES: readonly StudySpec[] = [
	{
		key: 'kajian-lelang-internet-2019',
		title: 'Kajian Efektivitas Lelang Melalui Internet',
		subtitle: 'Evaluasi Lima Tahun Penawaran Lelang Tanpa Kehadiran Peserta',
		year: 2019,
		topics: ['lelang', 'digital'],
		access: 'internal',
		abstract:
			'Kajian ini mengevaluasi penerapan lelang melalui internet sejak 2014, membandingkan jumlah peserta, tingkat laku, dan harga terbentuk antara lelang konvensional dan lelang daring, serta merumuskan rekomendasi perbaikan layanan.',
		table: (rng) => {
			let previous = rng.int(22_000, 26_000);
			const rows = [2014, 2015, 2016, 2017, 2018, 2019].map((year, i) => {
				previous = Math.round(previous * rng.range(1.01, 1.12));
				const online = Math.round(previous * Math.min(0.97, 0.12 + i * 0.16 + rng.range(0, 0.04)));
				return [String(year), fmt(previous, 0), fmt(online, 0), fmt((online / previous) * 100, 1)];
			});
			return {
				caption: 'Perkembangan Jumlah Lelang dan Lelang Melalui Internet 2014-2019',
				header: ['Tahun', 'Jumlah Lelang', 'Lelang Melalui Internet', 'Porsi (%)'],
				rows
			};
		}
	},
	{
		key: RARE_WORD_KEY,
		title: 'Kajian Optimalisasi Pemanfaatan Aset Idle Kementerian/Lembaga',
		subtitle: 'Pemetaan Potensi dan Model Pemanfaatan Bersama',
		year: 2021,
		topics: ['bmn', 'infra'],
		access: 'internal',
		abstract:
			'Kajian ini memetakan aset idle pada kementerian/lembaga di sepuluh provinsi, menghitung potensi penerimaan dari pemanfaatannya, dan mengusulkan model pemanfaatan bersama antara pengelola barang, pengguna barang, dan pemerintah daerah.',
		table: (rng) => ({
			caption: 'Sebaran Aset Idle dan Potensi Penerimaan dari Pemanfaatannya',
			header: ['No', 'Provinsi', 'Jumlah Aset Idle', 'Luas Tanah (m2)', 'Potensi PNBP (Rp miliar)'],
			rows: [
				'DKI Jakarta',
				'Jawa Barat',
				'Jawa Timur',
				'Sumatera Utara',
				'Kalimantan Barat',
				'Sulawesi Selatan',
				'Bali',
				'Papua',
				'Riau',
				'Nusa Tenggara Timur'
			].map((province, i) => {
				const count = rng.int(12, 240);
				return [
					String(i + 1),
					province,
					fmt(count, 0),
					fmt(count * rng.range(800, 5200), 0),
					fmt(count * rng.range(0.05, 0.9), 1)
				];
			})
		})
	},
	{
		key: 'kajian-piutang-macet-2022',
		title: 'Kajian Penyelesaian Piutang Negara Macet Berskala Kecil',
		subtitle: 'Alternatif Kebijakan Keringanan dan Penghapusan',
		year: 2022,
		topics: ['piutang', 'hukum'],
		access: 'restricted',
		abstract:
			'Kajian ini menganalisis karakteristik piutang negara macet bernilai kecil yang diurus PUPN, menilai efektivitas program keringanan utang, dan merumuskan alternatif kebijakan penghapusan bersyarat.',
		table: (rng) => ({
			caption: 'Profil Piutang Negara Macet Berdasarkan Kategori Penanggung Utang',
			header: [
				'Kategori Penanggung Utang',
				'Jumlah BKPN',
				'Outstanding (Rp miliar)',
				'Tingkat Penyelesaian (%)'
			],
			rows: [
				'Usaha mikro',
				'Usaha kecil',
				'Perorangan eks pegawai',
				'Mahasiswa penerima beasiswa',
				'Pasien rumah sakit pemerintah',
				'Badan usaha menengah'
			].map((category) => {
				const files = rng.int(300, 9000);
				return [
					category,
					fmt(files, 0),
					fmt(files * rng.range(0.01, 0.4), 1),
					fmt(rng.range(8, 46), 1)
				];
			})
		})
	}
];

/** Non-published studies: one embargoed, one draft. */
const EXTRA_STUDIES: readonly StudySpec[] = [
	{
		key: 'kajian-aset-ikn-2024',
		title: 'Kajian Strategis Pengelolaan Aset di Ibu Kota Nusantara',
		subtitle: 'Skenario Pemanfaatan Aset Eks Kantor Pusat Kementerian/Lembaga di Jakarta',
		year: 2024,
		topics: ['infra', 'bmn'],
		access: 'restricted',
		embargoUntil: '2030-01-01',
		abstract:
			'Kajian ini menyusun skenario pemanfaatan gedung dan tanah kantor pusat kementerian/lembaga di Jakarta setelah relokasi ke Ibu Kota Nusantara, termasuk estimasi nilai dan pilihan skema kerja sama.',
		table: (rng) => ({
			caption: 'Skenario Pemanfaatan Aset Eks Kantor Pusat',
			header: [
				'Skenario',
				'Jumlah Gedung',
				'Estimasi Nilai (Rp triliun)',
				'Potensi PNBP per Tahun (Rp miliar)'
			],
			rows: [
				'Sewa jangka panjang',
				'Kerja sama pemanfaatan',
				'Bangun guna serah',
				'Alih status penggunaan',
				'Pemindahtanganan'
			].map((scenario) => [
				scenario,
				fmt(rng.int(8, 60), 0),
				fmt(rng.range(2, 40), 1),
				fmt(rng.range(40, 900), 1)
			])
		})
	},
	{
		key: 'kajian-bmn-energi-terbarukan',
		title: 'Kajian Pemanfaatan Barang Milik Negara untuk Pembangkit Energi Terbarukan',
		subtitle: 'Draf untuk Pembahasan Internal',
		year: 2024,
		topics: ['bmn', 'infra'],
		access: 'internal',
		status: 'draft',
		abstract:
			'Draf kajian mengenai pemanfaatan atap gedung dan lahan BMN untuk pembangkit listrik tenaga surya melalui skema sewa dan kerja sama pemanfaatan.',
		table: (rng) => ({
			caption: 'Potensi Atap Gedung Kantor untuk Panel Surya',
			header: ['Wilayah', 'Jumlah Gedung', 'Luas Atap (m2)', 'Kapasitas (kWp)'],
			rows: [
				'Jawa',
				'Sumatera',
				'Kalimantan',
				'Sulawesi',
				'Bali dan Nusa Tenggara',
				'Maluku dan Papua'
			].map((region) => {
				const roof = rng.int(20_000, 400_000);
				return [region, fmt(rng.int(40, 900), 0), fmt(roof, 0), fmt(roof * 0.15, 0)];
			})
		})
	}
];

const RECOMMENDATIONS_ID: readonly string[] = [
	'Pertama, {nom} {obj} perlu dilakukan secara bertahap dengan melibatkan {actor}.',
	'Kedua, {actor} perlu memperkuat koordinasi dengan {actor2} dalam {nom} {obj}.',
	'Ketiga, diperlukan penyesuaian regulasi agar {obj} dapat {pas} dengan prosedur yang lebih sederhana.',
	'Keempat, pemantauan dan evaluasi atas {nom} {obj} dilakukan setiap semester dengan memanfaatkan {tool}.'
];

function buildStudy(spec: StudySpec): DemoRecord {
	const rng = new Rng(spec.key);
	const w = new TextWriter(rng, 'id', spec.year);
	const [main] = spec.topics;
	const results = w.paragraphs(spec.topics, rng.int(3, 5));
	if (spec.key === RARE_WORD_KEY) {
		// Planted mid-section so it lands on page 3 or later, never on the cover/TOC.
		results.splice(1, 0, `${w.paragraph(main, 2, 3)} ${RARE_WORD_SENTENCE}`);
	}
	const sections: DemoSection[] = [
		{
			heading: 'Ringkasan Eksekutif',
			paragraphs: [spec.abstract, ...w.paragraphs(spec.topics, rng.int(1, 2), 3, 5)]
		},
		{ heading: 'Bab I Latar Belakang', paragraphs: w.paragraphs(spec.topics, rng.int(4, 6)) },
		{
			heading: 'Bab II Tujuan dan Metodologi',
			paragraphs: [
				`Kajian ini bertujuan untuk memetakan permasalahan ${rng.pick(TOPICS_ID[main].actions).noun} ${rng.pick(TOPICS_ID[main].objects)} dan merumuskan alternatif kebijakan yang dapat diterapkan.`,
				`Data primer dikumpulkan melalui survei daring kepada ${rng.int(60, 400)} responden dan wawancara mendalam dengan pejabat di ${rng.int(4, 12)} Kantor Wilayah DJKN, sedangkan data sekunder diperoleh dari SIMAN dan laporan kinerja unit vertikal.`,
				'Analisis dilakukan secara deskriptif kuantitatif dan dilengkapi dengan diskusi kelompok terpumpun bersama para pemangku kepentingan.',
				...w.paragraphs(spec.topics, rng.int(1, 2), 3, 4)
			]
		},
		{ heading: 'Bab III Hasil dan Pembahasan', paragraphs: results, table: spec.table(rng) },
		{
			heading: 'Bab IV Kesimpulan dan Rekomendasi',
			paragraphs: [
				...w.paragraphs(spec.topics, rng.int(1, 2), 3, 5),
				'Berdasarkan hasil kajian, tim merekomendasikan beberapa langkah berikut.',
				...RECOMMENDATIONS_ID.map((template) => w.fill(template, main))
			]
		}
	];
	return makeRecord({
		key: spec.key,
		type: 'report',
		title: spec.title,
		subtitle: spec.subtitle,
		authors: rng.sample(PEOPLE, rng.int(2, 4)),
		year: spec.year,
		publishedDate:
			spec.status === 'draft' ? null : isoDate(spec.year, rng.int(6, 11), rng.int(1, 28)),
		abstract: spec.abstract,
		subjects: subjectsFor(spec.topics, ['Pengelolaan Kekayaan Negara']),
		access: spec.access,
		status: spec.status ?? 'published',
		embargoUntil: spec.embargoUntil ?? null,
		sections
	});
}

// ---------------------------------------------------------------------------
// Books
// ---------------------------------------------------------------------------

interface BookSpec {
	key: string;
	title: string;
	subtitle: string | null;
	authors: string[];
	language: 'id' | 'en';
	year: number;
	publisher: string;
	isbn: string;
	subjects: Subject[];
	access?: AccessLevel;
	blurb: string;
	chapters: { title: string; topic: TopicId; table?: DemoTable }[];
}

const UTILISATION_TABLE: DemoTable = {
	caption: 'Bentuk Pemanfaatan BMN dan Jangka Waktunya',
	header: ['Bentuk Pemanfaatan', 'Jangka Waktu Paling Lama', 'Persetujuan'],
	rows: [
		['Sewa', '5 tahun, dapat diperpanjang', 'Pengelola Barang'],
		['Pinjam Pakai', '5 tahun, dapat diperpanjang', 'Pengelola Barang'],
		['Kerja Sama Pemanfaatan', '30 tahun', 'Pengelola Barang'],
		['Bangun Guna Serah', '30 tahun', 'Pengelola Barang'],
		['Bangun Serah Guna', '30 tahun', 'Pengelola Barang'],
		['Kerja Sama Penyediaan Infrastruktur', '50 tahun', 'Pengelola Barang'],
		['Kerja Sama Terbatas untuk Pembiayaan Infrastruktur', '50 tahun', 'Pengelola Barang']
	]
};

const AUCTION_TYPES_TABLE: DemoTable = {
	caption: 'Jenis Lelang Berdasarkan Sifat Penjualannya',
	header: ['Jenis Lelang', 'Contoh Objek', 'Dasar Pelaksanaan'],
	rows: [
		[
			'Lelang Eksekusi',
			'Barang sitaan PUPN, objek hak tanggungan',
			'Putusan atau penetapan yang dapat dieksekusi'
		],
		[
			'Lelang Noneksekusi Wajib',
			'BMN yang dipindahtangankan, barang rampasan',
			'Peraturan perundang-undangan'
		],
		[
			'Lelang Noneksekusi Sukarela',
			'Aset badan usaha swasta, barang perorangan',
			'Kehendak pemilik barang'
		]
	]
};

const AUCTION_TYPES_TABLE_EN: DemoTable = {
	caption: 'Types of Public Auction in Indonesia',
	header: ['Type', 'Typical Objects', 'Legal Basis'],
	rows: [
		[
			'Execution auction',
			'Goods seized by PUPN, mortgaged property',
			'Enforceable court ruling or order'
		],
		[
			'Mandatory non-execution auction',
			'State assets being transferred, confiscated goods',
			'Statutory obligation'
		],
		[
			'Voluntary non-execution auction',
			'Private company assets, personal property',
			'Decision of the owner'
		]
	]
};

const VALUATION_APPROACHES_TABLE: DemoTable = {
	caption: 'Valuation Approaches and Typical Public Sector Uses',
	header: ['Approach', 'Main Inputs', 'Typical Use'],
	rows: [
		['Market approach', 'Comparable sales and listings', 'Land, houses, vehicles'],
		['Income approach', 'Rental income, discount rate', 'Commercial property, concessions'],
		['Cost approach', 'Replacement cost, depreciation', 'Specialised buildings, infrastructure']
	]
};

const BOOKS: readonly BookSpec[] = [
	{
		key: 'buku-pengelolaan-bmn',
		title: 'Pengelolaan Barang Milik Negara',
		subtitle: 'Teori, Regulasi, dan Praktik',
		authors: ['Bambang Setiadi', 'Dewi Anggraeni'],
		language: 'id',
		year: 2019,
		publisher: DJKN,
		isbn: makeIsbn('602', '5387', '12'),
		subjects: ['Barang Milik Negara', 'Pengelolaan Kekayaan Negara', 'Hukum'],
		blurb:
			'Buku ini menguraikan siklus pengelolaan barang milik negara mulai dari perencanaan kebutuhan hingga penghapusan, dilengkapi contoh kasus dari kementerian/lembaga dan kantor vertikal DJKN.',
		chapters: [
			{ title: 'Pendahuluan', topic: 'bmn' },
			{ title: 'Siklus Pengelolaan Barang Milik Negara', topic: 'bmn' },
			{ title: 'Penggunaan dan Pemanfaatan', topic: 'bmn', table: UTILISATION_TABLE },
			{ title: 'Pemindahtanganan dan Penghapusan', topic: 'bmn' },
			{ title: 'Penatausahaan dan Pelaporan', topic: 'keuangan' },
			{ title: 'Penutup', topic: 'bmn' }
		]
	},
	{
		key: 'buku-hukum-lelang',
		title: 'Hukum Lelang Indonesia',
		subtitle: 'Sejarah, Asas, dan Perkembangan Lelang Elektronik',
		authors: ['Lukman Hakim Siregar'],
		language: 'id',
		year: 2018,
		publisher: PUSDIKLAT,
		isbn: makeIsbn('602', '5387', '07'),
		subjects: ['Lelang', 'Hukum'],
		blurb:
			'Pengantar hukum lelang di Indonesia sejak Vendu Reglement hingga lelang melalui internet, mencakup asas-asas lelang, jenis lelang, serta kedudukan risalah lelang sebagai akta autentik.',
		chapters: [
			{ title: 'Pendahuluan', topic: 'lelang' },
			{ title: 'Sejarah Lelang dari Vendu Reglement hingga Kini', topic: 'hukum' },
			{ title: 'Asas-Asas Lelang', topic: 'lelang' },
			{ title: 'Jenis-Jenis Lelang', topic: 'lelang', table: AUCTION_TYPES_TABLE },
			{ title: 'Lelang Melalui Internet', topic: 'digital' },
			{ title: 'Penutup', topic: 'lelang' }
		]
	},
	{
		key: 'buku-piutang-negara',
		title: 'Piutang Negara',
		subtitle: 'Mekanisme Pengurusan dan Penyelesaiannya',
		authors: ['Teguh Santoso', 'Oktaviani Simanjuntak'],
		language: 'id',
		year: 2017,
		publisher: PUSDIKLAT,
		isbn: makeIsbn('602', '5387', '03'),
		subjects: ['Piutang Negara', 'Hukum', 'Keuangan Negara'],
		blurb:
			'Buku ajar mengenai pengurusan piutang negara oleh PUPN, mulai dari penyerahan piutang, penerbitan surat paksa, penyitaan, hingga lelang barang jaminan dan program keringanan utang.',
		chapters: [
			{ title: 'Pendahuluan', topic: 'piutang' },
			{ title: 'Penyerahan dan Penerimaan Piutang', topic: 'piutang' },
			{ title: 'Penagihan dengan Surat Paksa', topic: 'hukum' },
			{ title: 'Penyitaan dan Lelang Barang Jaminan', topic: 'lelang' },
			{ title: 'Keringanan dan Penghapusan Piutang', topic: 'piutang' }
		]
	},
	{
		key: 'buku-knd-bumn',
		title: 'Kekayaan Negara Dipisahkan dan Tata Kelola BUMN',
		subtitle: null,
		authors: ['Rizal Fahmi', 'Intan Permatasari', 'Wahyu Hidayat'],
		language: 'id',
		year: 2020,
		publisher: DJKN,
		isbn: makeIsbn('602', '5387', '21'),
		subjects: ['Kekayaan Negara Dipisahkan', 'Kebijakan Fiskal', 'Keuangan Negara'],
		blurb:
			'Membahas kedudukan kekayaan negara dipisahkan dalam keuangan negara, analisis penyertaan modal negara, kebijakan dividen, dan tata kelola BUMN dari sudut pandang pemegang saham.',
		chapters: [
			{ title: 'Pendahuluan', topic: 'knd' },
			{ title: 'Kekayaan Negara Dipisahkan dalam Sistem Keuangan Negara', topic: 'keuangan' },
			{ title: 'Analisis Penyertaan Modal Negara', topic: 'knd' },
			{ title: 'Kebijakan Dividen BUMN', topic: 'knd' },
			{ title: 'Tata Kelola dan Pengawasan', topic: 'knd' },
			{ title: 'Penutup', topic: 'knd' }
		]
	},
	{
		key: 'buku-penilaian-aset-pemerintah',
		title: 'Penilaian Aset Pemerintah',
		subtitle: 'Pedoman Praktis bagi Penilai Pemerintah',
		authors: ['Made Suarjana'],
		language: 'id',
		year: 2021,
		publisher: PUSDIKLAT,
		isbn: makeIsbn('623', '7295', '04'),
		subjects: ['Penilaian', 'Barang Milik Negara'],
		access: 'internal',
		blurb:
			'Pedoman kerja penilai pemerintah yang menjelaskan tahapan penilaian, pemilihan pendekatan, survei lapangan, dan penyusunan laporan penilaian untuk berbagai jenis objek.',
		chapters: [
			{ title: 'Pendahuluan', topic: 'penilaian' },
			{ title: 'Tahapan Penilaian', topic: 'penilaian' },
			{ title: 'Pendekatan Data Pasar', topic: 'penilaian' },
			{ title: 'Pendekatan Biaya dan Pendekatan Pendapatan', topic: 'penilaian' },
			{ title: 'Penyusunan Laporan Penilaian', topic: 'penilaian' }
		]
	},
	{
		key: 'buku-reformasi-birokrasi-djkn',
		title: 'Reformasi Birokrasi di Lingkungan Kekayaan Negara',
		subtitle: 'Catatan Perjalanan Menuju Birokrasi Bersih dan Melayani',
		authors: ['Sri Wahyuningsih', 'Fadli Ramadhan'],
		language: 'id',
		year: 2022,
		publisher: DJKN,
		isbn: makeIsbn('623', '7295', '11'),
		subjects: ['Reformasi Birokrasi', 'Sumber Daya Manusia', 'Pelayanan Publik'],
		blurb:
			'Catatan perjalanan reformasi birokrasi di DJKN: pembangunan zona integritas, penguatan budaya kerja, pengembangan kompetensi pegawai, dan transformasi layanan.',
		chapters: [
			{ title: 'Pendahuluan', topic: 'rb' },
			{ title: 'Membangun Zona Integritas', topic: 'rb' },
			{ title: 'Budaya Kerja dan Nilai-Nilai Organisasi', topic: 'rb' },
			{ title: 'Transformasi Layanan', topic: 'digital' },
			{ title: 'Pelajaran dari Unit Vertikal', topic: 'rb' },
			{ title: 'Penutup', topic: 'rb' }
		]
	},
	{
		key: 'buku-jejak-piutang-negara',
		title: 'Jejak Panjang Pengurusan Piutang Negara',
		subtitle: 'Dari PUPN hingga Era Digital',
		authors: ['Robertus Sinaga'],
		language: 'id',
		year: 2023,
		publisher: DJKN,
		isbn: makeIsbn('623', '7295', '18'),
		subjects: ['Piutang Negara', 'Hukum'],
		blurb:
			'Sejarah kelembagaan pengurusan piutang negara sejak pembentukan PUPN pada 1960, perubahan organisasi, hingga pemanfaatan sistem informasi dalam penagihan.',
		chapters: [
			{ title: 'Awal Mula Panitia Urusan Piutang Negara', topic: 'piutang' },
			{ title: 'Masa Krisis dan Piutang Perbankan', topic: 'piutang' },
			{ title: 'Penataan Kelembagaan', topic: 'hukum' },
			{ title: 'Penagihan di Era Digital', topic: 'digital' },
			{ title: 'Catatan Akhir', topic: 'piutang' }
		]
	},
	{
		key: 'buku-digitalisasi-aset-negara',
		title: 'Digitalisasi Pengelolaan Aset Negara',
		subtitle: 'Belajar dari Pengembangan SIMAN',
		authors: ['Yudha Pratama', 'Hanifah Zahra'],
		language: 'id',
		year: 2024,
		publisher: DJKN,
		isbn: makeIsbn('623', '7295', '25'),
		subjects: ['Teknologi Informasi', 'Barang Milik Negara'],
		access: 'restricted',
		blurb:
			'Dokumentasi pengembangan SIMAN, termasuk arsitektur data, integrasi dengan sistem akuntansi, penandaan geografis tanah negara, dan layanan persetujuan elektronik.',
		chapters: [
			{ title: 'Pendahuluan', topic: 'digital' },
			{ title: 'Arsitektur Data Aset', topic: 'digital' },
			{ title: 'Integrasi dengan Sistem Akuntansi', topic: 'keuangan' },
			{ title: 'Penandaan Geografis Tanah Negara', topic: 'bmn' },
			{ title: 'Layanan Elektronik', topic: 'digital' },
			{ title: 'Penutup', topic: 'digital' }
		]
	},
	{
		key: 'book-state-asset-management',
		title: 'State Asset Management in Indonesia',
		subtitle: 'Policy, Institutions, and Practice',
		authors: ['Anak Agung Ayu Laksmi', 'Gregorius Manek'],
		language: 'en',
		year: 2020,
		publisher: DJKN_EN,
		isbn: makeIsbn('623', '7295', '02'),
		subjects: ['Barang Milik Negara', 'Pengelolaan Kekayaan Negara', 'Kekayaan Negara Dipisahkan'],
		blurb:
			'An English-language overview of how Indonesia manages state assets: the legal framework, the roles of property managers and asset users, asset utilisation schemes, digital registers, and separated state wealth.',
		chapters: [
			{ title: 'Introduction', topic: 'bmn' },
			{ title: 'The Legal and Institutional Framework', topic: 'bmn' },
			{ title: 'Utilising Idle Assets', topic: 'bmn' },
			{ title: 'Digital Asset Registers', topic: 'digital' },
			{ title: 'Separated State Wealth and State-Owned Enterprises', topic: 'knd' },
			{ title: 'Conclusion', topic: 'bmn' }
		]
	},
	{
		key: 'book-public-auction-handbook',
		title: 'Public Auction Practice: A Handbook',
		subtitle: 'For Auction Officials and Practitioners',
		authors: ['Yosephine Wattimena', 'Ikhsan Maulana'],
		language: 'en',
		year: 2022,
		publisher: DJKN_EN,
		isbn: makeIsbn('623', '7295', '13'),
		subjects: ['Lelang', 'Hukum'],
		blurb:
			'A practical handbook on conducting public auctions in Indonesia, from announcements and reserve prices to online bidding, auction minutes and the settlement of proceeds.',
		chapters: [
			{ title: 'Introduction', topic: 'lelang' },
			{ title: 'Types of Auction', topic: 'lelang', table: AUCTION_TYPES_TABLE_EN },
			{ title: 'Preparing an Auction', topic: 'lelang' },
			{ title: 'Online Bidding', topic: 'digital' },
			{ title: 'Auctions in Debt Recovery', topic: 'piutang' }
		]
	},
	{
		key: 'book-valuing-public-assets',
		title: 'Valuing Public Sector Assets',
		subtitle: 'Approaches for Government Valuers',
		authors: ['Kartika Sari Dewanti'],
		language: 'en',
		year: 2023,
		publisher: DJKN_EN,
		isbn: makeIsbn('623', '7295', '20'),
		subjects: ['Penilaian', 'Barang Milik Negara', 'Aset Infrastruktur'],
		blurb:
			'Explains the market, income and cost approaches as applied by government valuers to land, buildings, infrastructure and natural resources, with notes on documentation and quality review.',
		chapters: [
			{ title: 'Introduction', topic: 'penilaian' },
			{ title: 'Valuation Approaches', topic: 'penilaian', table: VALUATION_APPROACHES_TABLE },
			{ title: 'Valuing Land and Buildings', topic: 'penilaian' },
			{ title: 'Valuation for Asset Management Decisions', topic: 'bmn' },
			{ title: 'Quality Review and Reporting', topic: 'penilaian' }
		]
	}
];

function buildBook(spec: BookSpec): DemoRecord {
	const rng = new Rng(spec.key);
	const w = new TextWriter(rng, spec.language, spec.year);
	const en = spec.language === 'en';
	const sections: DemoSection[] = [
		{
			heading: en ? 'Preface' : 'Kata Pengantar',
			paragraphs: [
				spec.blurb,
				...w.paragraphs([spec.chapters[0].topic], rng.int(1, 2), 3, 4),
				en
					? `The authors thank colleagues at DJKN head office and regional offices for their comments on earlier drafts. Jakarta, ${spec.year}.`
					: `Penulis menyampaikan terima kasih kepada rekan-rekan di kantor pusat dan kantor vertikal DJKN atas masukan terhadap naskah buku ini. Jakarta, ${spec.year}.`
			]
		},
		...spec.chapters.map((chapter, index): DemoSection => {
			const label = en ? `Chapter ${index + 1}` : `Bab ${index + 1}`;
			const topics = unique([chapter.topic, spec.chapters[0].topic]);
			const paragraphs = withSubheading(
				w.paragraphs(topics, rng.int(4, 8), 4, 6),
				rng,
				spec.language
			);
			return {
				heading: `${label} ${chapter.title}`,
				paragraphs,
				...(chapter.table ? { table: chapter.table } : {})
			};
		})
	];
	return makeRecord({
		key: spec.key,
		type: 'book',
		title: spec.title,
		subtitle: spec.subtitle,
		authors: [...spec.authors],
		publisher: spec.publisher,
		year: spec.year,
		publishedDate: isoDate(spec.year, rng.int(1, 12), rng.int(1, 28)),
		language: spec.language,
		abstract: spec.blurb,
		subjects: [...spec.subjects],
		isbn: spec.isbn,
		access: spec.access ?? 'public',
		sections
	});
}

// ---------------------------------------------------------------------------
// Articles and other material
// ---------------------------------------------------------------------------

function buildArticles(): DemoRecord[] {
	const records: DemoRecord[] = [];

	{
		const key = 'artikel-nilai-wajar-jalan-tol';
		const rng = new Rng(key);
		const w = new TextWriter(rng, 'id', 2022);
		const rows = ['Ruas A', 'Ruas B', 'Ruas C', 'Ruas D', 'Ruas E'].map((segment) => {
			const length = rng.range(20, 140);
			return [
				segment,
				fmt(length, 1),
				fmt(rng.range(7, 11), 2),
				fmt(length * rng.range(0.08, 0.3), 2)
			];
		});
		records.push(
			makeRecord({
				key,
				type: 'article',
				title: 'Menakar Nilai Wajar Aset Infrastruktur Jalan Tol',
				subtitle: 'Studi atas Pendekatan Pendapatan dalam Penilaian Aset Konsesi',
				authors: ['Putu Eka Wirawan', 'Larasati Pramesti'],
				year: 2022,
				publishedDate: '2022-08-15',
				abstract:
					'Artikel ini membahas penerapan pendekatan pendapatan dalam menilai aset jalan tol yang dikonsesikan, termasuk pemilihan tingkat diskonto, proyeksi lalu lintas, dan sensitivitas nilai terhadap masa konsesi.',
				subjects: ['Penilaian', 'Aset Infrastruktur'],
				sections: [
					{
						heading: 'Pendahuluan',
						paragraphs: w.paragraphs(['penilaian', 'infra'], rng.int(3, 4))
					},
					{ heading: 'Tinjauan Pustaka', paragraphs: w.paragraphs(['penilaian'], rng.int(3, 5)) },
					{
						heading: 'Metode Penelitian',
						paragraphs: w.paragraphs(['penilaian', 'infra'], rng.int(2, 4))
					},
					{
						heading: 'Hasil dan Pembahasan',
						paragraphs: w.paragraphs(['infra', 'penilaian'], rng.int(3, 5)),
						table: {
							caption: 'Hasil Penilaian Lima Ruas Jalan Tol dengan Pendekatan Pendapatan',
							header: ['Ruas', 'Panjang (km)', 'Tingkat Diskonto (%)', 'Nilai Wajar (Rp triliun)'],
							rows
						}
					},
					{ heading: 'Simpulan', paragraphs: w.paragraphs(['penilaian'], 2, 3, 5) }
				]
			})
		);
	}

	{
		const key = 'article-online-auction-price-discovery';
		const rng = new Rng(key);
		const w = new TextWriter(rng, 'en', 2023);
		const rows = [2019, 2020, 2021, 2022].map((year) => [
			String(year),
			formatNumber(rng.range(2.1, 6.5), 1, 'en'),
			formatNumber(rng.range(58, 81), 1, 'en'),
			formatNumber(rng.range(3, 19), 1, 'en')
		]);
		records.push(
			makeRecord({
				key,
				type: 'article',
				title: 'Online Auctions and Price Discovery: Evidence from Indonesian State Auctions',
				subtitle: null,
				authors: ['Fadli Ramadhan', 'Maria Goreti Bria'],
				year: 2023,
				publishedDate: '2023-11-20',
				language: 'en',
				abstract:
					'Using auction records from state asset and auction offices, this article examines whether closed online bidding changes the number of bidders, sale rates and price premiums over reserve prices.',
				subjects: ['Lelang', 'Teknologi Informasi'],
				sections: [
					{
						heading: 'Introduction',
						paragraphs: w.paragraphs(['lelang', 'digital'], rng.int(3, 4))
					},
					{
						heading: 'Institutional Background',
						paragraphs: w.paragraphs(['lelang'], rng.int(3, 4))
					},
					{
						heading: 'Data and Method',
						paragraphs: w.paragraphs(['digital', 'lelang'], rng.int(2, 3))
					},
					{
						heading: 'Results',
						paragraphs: w.paragraphs(['lelang'], rng.int(3, 4)),
						table: {
							caption: 'Average Bidders, Sale Rate and Premium over Reserve Price',
							header: ['Year', 'Average Bidders', 'Sale Rate (%)', 'Premium (%)'],
							rows
						}
					},
					{ heading: 'Conclusion', paragraphs: w.paragraphs(['lelang'], 2, 3, 5) }
				]
			})
		);
	}

	{
		const key = 'buku-saku-lelang';
		const rng = new Rng(key);
		const w = new TextWriter(rng, 'id', 2023);
		records.push(
			makeRecord({
				key,
				type: 'other',
				title: 'Buku Saku Lelang untuk Masyarakat',
				subtitle: 'Tanya Jawab Seputar Lelang Negara',
				authors: [DJKN],
				year: 2023,
				publishedDate: '2023-03-01',
				abstract:
					'Panduan ringkas bagi masyarakat yang ingin mengikuti lelang: pengertian lelang, jenis lelang, cara mendaftar dan menawar melalui portal lelang.go.id, hak dan kewajiban pembeli, serta jawaban atas pertanyaan yang sering diajukan.',
				subjects: ['Lelang', 'Pelayanan Publik'],
				sections: [
					{ heading: 'Apa Itu Lelang?', paragraphs: w.paragraphs(['lelang'], rng.int(3, 4), 3, 4) },
					{
						heading: 'Jenis-Jenis Lelang',
						paragraphs: w.paragraphs(['lelang', 'hukum'], rng.int(3, 4), 3, 4)
					},
					{
						heading: 'Cara Mengikuti Lelang Melalui Internet',
						paragraphs: w.paragraphs(['digital', 'lelang'], rng.int(3, 4), 3, 4)
					},
					{
						heading: 'Hak dan Kewajiban Pembeli',
						paragraphs: w.paragraphs(['lelang'], rng.int(3, 4), 3, 4)
					},
					{
						heading: 'Pertanyaan yang Sering Diajukan',
						paragraphs: [
							'Tanya: Apakah siapa saja boleh mengikuti lelang?',
							'Jawab: Setiap orang atau badan hukum dapat menjadi peserta lelang sepanjang tidak dilarang oleh peraturan dan telah menyetorkan uang jaminan penawaran.',
							'Tanya: Bagaimana jika saya kalah dalam lelang?',
							'Jawab: Uang jaminan penawaran dikembalikan sepenuhnya kepada peserta yang tidak menjadi pemenang tanpa potongan apa pun.',
							'Tanya: Kapan barang dapat diambil oleh pembeli?',
							'Jawab: Barang dapat diambil setelah pembeli melunasi harga lelang dan bea lelang serta menerima kutipan risalah lelang.',
							...w.paragraphs(['lelang'], 1, 3, 4)
						]
					}
				]
			})
		);
	}

	return records;
}

// ---------------------------------------------------------------------------
// Call numbers and physical copies
// ---------------------------------------------------------------------------

/** Dewey-style class numbers keyed by the first subject. */
const DDC: Readonly<Record<Subject, string>> = {
	'Barang Milik Negara': '352.5',
	Lelang: '381.17',
	'Piutang Negara': '336.34',
	'Kekayaan Negara Dipisahkan': '338.62',
	Penilaian: '333.332',
	'Pengelolaan Kekayaan Negara': '352.5',
	'Keuangan Negara': '336.1',
	Hukum: '343.02',
	'Reformasi Birokrasi': '351.598',
	'Teknologi Informasi': '352.38',
	'Akuntansi Pemerintahan': '657.835',
	'Aset Infrastruktur': '363.6',
	'Pelayanan Publik': '352.63',
	'Sumber Daya Manusia': '352.6',
	'Kebijakan Fiskal': '336.3'
};

const CORPORATE_PREFIXES = ['Direktorat', 'Kementerian', 'Menteri', 'Direktur', 'Directorate'];

/**
 * "<class> <AAA> <t>": class from the first subject, three letters of the main
 * entry (surname-like last name element, corporate body, series, or IND for
 * regulations) and the first letter of the title.
 */
function callNumberFor(record: DemoRecord): string {
	const subject = record.subjects[0] as Subject;
	const classNumber = DDC[subject] ?? '352.5';
	let entry: string;
	if (record.type === 'regulation') entry = 'Indonesia';
	else if (record.series) entry = record.series.title;
	else {
		const author = record.authors[0] ?? record.publisher;
		const corporate = CORPORATE_PREFIXES.some((prefix) => author.startsWith(prefix));
		const parts = author.split(' ');
		entry = corporate ? parts[0] : parts[parts.length - 1];
	}
	const titleWord = record.title.replace(/^(The|A|An)\s+/, '');
	return `${classNumber} ${entry.slice(0, 3).toUpperCase()} ${titleWord[0].toLowerCase()}`;
}

/** Records that have printed copies in the reading room. */
const COPY_KEYS: readonly string[] = [
	'mkn-2018-01',
	'mkn-2019-01',
	'mkn-2020-03',
	'mkn-2021-03',
	'mkn-2022-01',
	LONG_ISSUE_KEY,
	'lakin-djkn-2021',
	'laporan-tahunan-djkn-2022',
	'lbmn-2020',
	...BOOKS.map((book) => book.key)
];

function shelfFor(record: DemoRecord, rng: Rng): string {
	if (record.access === 'restricted') return 'Ruang Koleksi Khusus, Lantai 3';
	switch (record.type) {
		case 'magazine_issue':
			return `Rak M-${rng.int(1, 4)}, Lantai 2`;
		case 'report':
			return `Rak L-${rng.int(1, 6)}, Lantai 3`;
		default:
			return `Rak ${rng.pick(['A', 'B', 'C'])}-${rng.int(1, 8)}, Lantai 2`;
	}
}

// ---------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------

/**
 * Builds the full demo catalogue: 28 magazine issues, regulations, reports,
 * books, articles and a few non-published records. Pure and deterministic:
 * every call returns deep-equal data.
 */
export function buildDemoCatalog(): DemoRecord[] {
	const pool = new HeadingPool();
	const records: DemoRecord[] = [
		...MKN_ISSUES.map((spec) => buildMagazineIssue(spec, pool)),
		...REGULATIONS.map(buildRegulation),
		...[2019, 2020, 2021, 2022, 2023].map(buildPerformanceReport),
		buildAnnualReport(2021, 'Bangkit Bersama, Mengelola Kekayaan Negara untuk Pemulihan', 'public'),
		buildAnnualReport(2022, 'Transformasi untuk Nilai Tambah', 'internal'),
		buildBmnReport(2020, 'restricted'),
		buildBmnReport(2022, 'internal'),
		...STUDIES.map(buildStudy),
		...BOOKS.map(buildBook),
		...buildArticles(),
		// Not (yet) visible to the public: withdrawn, drafts, embargoed.
		...EXTRA_REGULATIONS.map(buildRegulation),
		...EXTRA_STUDIES.map(buildStudy),
		...LATE_REGULATIONS.map(buildRegulation)
	];

	const seen = new Set<string>();
	let barcode = 101;
	for (const record of records) {
		if (seen.has(record.key)) throw new Error(`Duplicate demo key ${record.key}`);
		seen.add(record.key);
		if (record.status !== 'draft') record.callNumber = callNumberFor(record);
		if (COPY_KEYS.includes(record.key)) {
			const rng = new Rng(`${record.key}:copies`);
			const count = rng.int(1, 3);
			for (let i = 0; i < count; i++) {
				record.copies.push({
					barcode: `DJKN-${String(barcode++).padStart(6, '0')}`,
					location: shelfFor(record, rng)
				});
			}
		}
	}
	return records;
}
