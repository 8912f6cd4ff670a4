// A seeded generator of Indonesian-like publications and of a fixed mix of search queries, for
// the search benchmark. Deterministic (mulberry32, never Math.random) so every run, engine and
// size sees the same documents and queries; each document is derived from its own id, so a
// catalog of 5,000 can be streamed without holding 100 million words in memory.

/** The shape `buildIndex` (src/lib/server/search/build.js) indexes. */
export interface SyntheticDoc {
	id: number;
	language: string;
	title: string;
	subtitle: string | null;
	series: string | null;
	authors: string[];
	subjects: string[];
	identifiers: string[];
	abstract: string | null;
	/** The pages joined by form feeds, as the importer stores the text of a PDF. */
	body: string;
}

/** One benchmark query: free text, or words scoped to the title field. */
export interface SyntheticQuery {
	kind: 'plain' | 'prefix' | 'typo' | 'title';
	q: string;
	title?: string;
}

export const PAGES_PER_DOC = 40;
export const WORDS_PER_PAGE = 500;
/** Pseudo-roots: enough that a 20,000-word document holds thousands of distinct forms. */
const ROOTS = 40_000;
/** Zipf exponent: close to natural language, where a few words make most of the text. */
const ZIPF_S = 1.0;
/** Share of running text that is a function word (removed by the analyzer's stop list). */
const STOP_SHARE = 0.3;
/** Share of content words that are real domain words (lelang, aset...). */
const DOMAIN_SHARE = 0.06;
/** Share of content words that carry an affix. */
const AFFIX_SHARE = 0.45;
const QUERY_SEED = 0x5eed_0001;
const VOCAB_SEED = 0x5eed_0002;

/** mulberry32: a tiny, fast, well-distributed 32-bit PRNG. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const STOP = (
	'yang dan di ke dari untuk dengan pada dalam ini itu adalah sebagai oleh atau juga akan ' +
	'tidak telah dapat harus serta bahwa tersebut karena secara antara setiap maka agar'
).split(' ');

const DOMAIN = (
	'lelang aset barang negara piutang kekayaan tanah gedung bangunan penilaian pengelolaan ' +
	'laporan kinerja sewa hibah penghapusan pemindahtanganan kantor wilayah pelayanan ' +
	'peraturan menteri keuangan direktorat jenderal anggaran pendapatan belanja pajak ' +
	'kendaraan inventarisasi penetapan status penggunaan pemanfaatan pengamanan pemeliharaan'
).split(' ');

const SUBJECTS = (
	'Lelang|Barang Milik Negara|Piutang Negara|Kekayaan Negara Dipisahkan|Penilaian|' +
	'Pengelolaan Aset|Hukum|Keuangan Negara|Reformasi Birokrasi|Statistik|Perpajakan|' +
	'Akuntansi Pemerintahan|Manajemen Risiko|Teknologi Informasi|Sumber Daya Manusia'
).split('|');

const GIVEN = 'Agus Budi Citra Dewi Eko Fitri Gita Hadi Indra Joko Kartika Lestari Made Nur'.split(
	' '
);
const FAMILY = 'Santoso Wijaya Saputra Kusuma Pratama Hidayat Nugroho Siregar Lubis Harahap'.split(
	' '
);

const ONSETS = 'b c d g h j k l m n p r s t w y'.split(' ');
const VOWELS = 'a i u e o a a i u'.split(' ');
const CODAS = ['', '', '', 'n', 'ng', 'r', 'k', 'l', 's', 't', 'h', 'm'];

/** Affix patterns of real Indonesian, applied with nasal assimilation like the language does. */
function affix(root: string, r: number): string {
	const first = root[0];
	const nasal = (prefix: 'me' | 'pe'): string => {
		if ('bfv'.includes(first)) return `${prefix}m${root}`;
		if (first === 'p') return `${prefix}m${root.slice(1)}`;
		if ('dcjz'.includes(first)) return `${prefix}n${root}`;
		if (first === 't') return `${prefix}n${root.slice(1)}`;
		if (first === 's') return `${prefix}ny${root.slice(1)}`;
		if (first === 'k') return `${prefix}ng${root.slice(1)}`;
		if ('aiueogh'.includes(first)) return `${prefix}ng${root}`;
		return `${prefix}${root}`;
	};
	const patterns = [
		() => nasal('me'),
		() => `${nasal('me')}kan`,
		() => `${nasal('me')}i`,
		() => `${nasal('pe')}an`,
		() => nasal('pe'),
		() => `di${root}`,
		() => `di${root}kan`,
		() => `ber${root}`,
		() => `ter${root}`,
		() => `ke${root}an`,
		() => `${root}an`,
		() => `${root}nya`,
		() => `per${root}an`
	];
	return patterns[Math.floor(r * patterns.length)]();
}

interface Vocabulary {
	roots: string[];
	/** Cumulative Zipf weights over the roots, for binary-search sampling. */
	cumulative: Float64Array;
}

let vocabulary: Vocabulary | null = null;

/** The pseudo-root vocabulary, built once per process from a fixed seed. */
function vocab(): Vocabulary {
	if (vocabulary) return vocabulary;
	const rand = mulberry32(VOCAB_SEED);
	const seen = new Set<string>();
	const roots: string[] = [];
	while (roots.length < ROOTS) {
		const syllables = 2 + (rand() < 0.35 ? 1 : 0);
		let w = '';
		for (let i = 0; i < syllables; i++) {
			w += ONSETS[Math.floor(rand() * ONSETS.length)] + VOWELS[Math.floor(rand() * VOWELS.length)];
		}
		w += CODAS[Math.floor(rand() * CODAS.length)];
		if (!seen.has(w)) {
			seen.add(w);
			roots.push(w);
		}
	}
	const cumulative = new Float64Array(ROOTS);
	let sum = 0;
	for (let i = 0; i < ROOTS; i++) {
		sum += 1 / Math.pow(i + 1, ZIPF_S);
		cumulative[i] = sum;
	}
	for (let i = 0; i < ROOTS; i++) cumulative[i] /= sum;
	vocabulary = { roots, cumulative };
	return vocabulary;
}

/** A root drawn with Zipf frequency. */
function zipfRoot(v: Vocabulary, r: number): string {
	let lo = 0;
	let hi = v.cumulative.length - 1;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (v.cumulative[mid] < r) lo = mid + 1;
		else hi = mid;
	}
	return v.roots[lo];
}

/** One word of running text. */
function word(v: Vocabulary, rand: () => number): string {
	if (rand() < STOP_SHARE) return STOP[Math.floor(rand() * STOP.length)];
	if (rand() < DOMAIN_SHARE) return DOMAIN[Math.floor(rand() * DOMAIN.length)];
	const root = zipfRoot(v, rand());
	return rand() < AFFIX_SHARE ? affix(root, rand()) : root;
}

function sentence(v: Vocabulary, rand: () => number, n: number): string {
	const ws: string[] = [];
	for (let i = 0; i < n; i++) ws.push(word(v, rand));
	ws[0] = ws[0][0].toUpperCase() + ws[0].slice(1);
	return `${ws.join(' ')}.`;
}

/** Words of running text, in sentences of 8–20 words. */
function text(v: Vocabulary, rand: () => number, words: number): string {
	const out: string[] = [];
	let left = words;
	while (left > 0) {
		const n = Math.min(left, 8 + Math.floor(rand() * 13));
		out.push(sentence(v, rand, n));
		left -= n;
	}
	return out.join(' ');
}

/** A content word for a title: mid-frequency roots and domain words, as real titles have. */
function titleWord(v: Vocabulary, rand: () => number): string {
	if (rand() < 0.35) return DOMAIN[Math.floor(rand() * DOMAIN.length)];
	const root = v.roots[50 + Math.floor(rand() * 5000)];
	return rand() < 0.5 ? affix(root, rand()) : root;
}

/** Publication `id` of the synthetic catalog (ids start at 1); the same id always gives the same document. */
export function syntheticDoc(id: number): SyntheticDoc {
	const v = vocab();
	const rand = mulberry32(Math.imul(id, 0x9e3779b1) ^ 0x1234567);
	const titleWords = 4 + Math.floor(rand() * 6);
	const title: string[] = [];
	for (let i = 0; i < titleWords; i++) title.push(titleWord(v, rand));
	title[0] = title[0][0].toUpperCase() + title[0].slice(1);
	const authors = Array.from(
		{ length: 1 + Math.floor(rand() * 3) },
		() =>
			`${GIVEN[Math.floor(rand() * GIVEN.length)]} ${FAMILY[Math.floor(rand() * FAMILY.length)]}`
	);
	const subjects = [
		...new Set(
			Array.from(
				{ length: 1 + Math.floor(rand() * 3) },
				() => SUBJECTS[Math.floor(rand() * SUBJECTS.length)]
			)
		)
	];
	const pages: string[] = [];
	for (let p = 0; p < PAGES_PER_DOC; p++) pages.push(text(v, rand, WORDS_PER_PAGE));
	return {
		id,
		language: 'id',
		title: title.join(' '),
		subtitle: null,
		series: null,
		authors,
		subjects,
		identifiers: [],
		abstract: text(v, rand, 60),
		body: pages.join('\n\f')
	};
}

/** Documents 1..n, generated lazily. */
export function* syntheticDocs(n: number): Generator<SyntheticDoc> {
	for (let id = 1; id <= n; id++) yield syntheticDoc(id);
}

/** One typo a person makes: a letter dropped, doubled, swapped with the next, or replaced. */
function typo(w: string, rand: () => number): string {
	const i = 1 + Math.floor(rand() * (w.length - 2));
	const kind = Math.floor(rand() * 4);
	if (kind === 0) return w.slice(0, i) + w.slice(i + 1);
	if (kind === 1) return w.slice(0, i) + w[i] + w.slice(i);
	if (kind === 2) return w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
	const letter = 'aiueokmnrst'[Math.floor(rand() * 11)];
	return w.slice(0, i) + letter + w.slice(i + 1);
}

/**
 * A word people search for: a domain word, or a content word of the corpus drawn from its
 * mid-frequency band (the very commonest roots say nothing, the rarest are rarely sought),
 * sometimes in an affixed form so stemming matters.
 */
function queryWord(v: Vocabulary, rand: () => number): string {
	if (rand() < 0.3) return DOMAIN[Math.floor(rand() * DOMAIN.length)];
	const root = v.roots[20 + Math.floor(Math.pow(rand(), 2) * 8000)];
	return rand() < 0.35 ? affix(root, rand()) : root;
}

/**
 * The fixed mix of `count` benchmark queries of 1–3 words: about 10% prefix (`abc*`), 10% with
 * one typo, 10% scoped to the title, the rest plain.
 */
export function syntheticQueries(count = 1000): SyntheticQuery[] {
	const v = vocab();
	const rand = mulberry32(QUERY_SEED);
	const out: SyntheticQuery[] = [];
	for (let i = 0; i < count; i++) {
		const n = 1 + Math.floor(rand() * 3);
		const ws = Array.from({ length: n }, () => queryWord(v, rand));
		const r = rand();
		if (r < 0.1) {
			const last = ws[ws.length - 1];
			ws[ws.length - 1] = `${last.slice(0, Math.min(last.length, 3 + Math.floor(rand() * 3)))}*`;
			out.push({ kind: 'prefix', q: ws.join(' ') });
		} else if (r < 0.2) {
			let j = 0;
			while (j < ws.length - 1 && ws[j].length < 6) j++;
			if (ws[j].length >= 4) ws[j] = typo(ws[j], rand);
			out.push({ kind: 'typo', q: ws.join(' ') });
		} else if (r < 0.3) {
			out.push({ kind: 'title', q: '', title: ws.join(' ') });
		} else out.push({ kind: 'plain', q: ws.join(' ') });
	}
	return out;
}
