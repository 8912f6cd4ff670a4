import fs from 'node:fs';
import path from 'node:path';
import lunr from 'lunr';
import { describe, expect, it } from 'vitest';
import {
	fold,
	identifierTerms,
	queryStems,
	stemIndonesian,
	terms,
	tokenize
} from '../../src/lib/server/search/analyze.js';
import { buildIndex } from '../../src/lib/server/search/build.js';
import { expand } from '../../src/lib/server/search/synonyms.ts';
import { highlight, words } from '../../src/lib/server/search/index.ts';
import { CORPUS_DIR } from '../helpers/env.ts';

describe('Indonesian stemmer against Sastrawi’s own test pairs', () => {
	const lines = fs
		.readFileSync(path.join(CORPUS_DIR, 'indonesian', 'stem_pairs.tsv'), 'utf8')
		.trim()
		.split('\n')
		.slice(1);
	const results = lines.map((l) => {
		const [word, expected] = l.split('\t');
		const got = tokenize(word.replace(/\\n/g, '\n')).map(stemIndonesian).join(' ');
		return { word, expected, got };
	});
	const passed = results.filter((r) => r.got === r.expected).length;

	it(`passes at least 90% of ${lines.length} pairs (sastrawijs alone: 179)`, () => {
		console.log(
			`stemmer: ${passed}/${results.length} pairs (${((passed / results.length) * 100).toFixed(1)}%)`
		);
		expect(passed / results.length).toBeGreaterThanOrEqual(0.9);
	});

	it('handles reduplication and hyphenated particles that sastrawijs misses', () => {
		expect(stemIndonesian('buku-buku')).toBe('buku');
		expect(stemIndonesian('berbalas-balasan')).toBe('balas');
		expect(stemIndonesian('meniru-nirukan')).toBe('tiru');
		expect(stemIndonesian('malaikat-malaikat-Nya')).toBe('malaikat');
		expect(stemIndonesian('kuasa-Mu')).toBe('kuasa');
	});

	it('brings affixed forms to one stem so any form finds the others', () => {
		expect(
			new Set(['membangun', 'pembangunan', 'dibangun', 'bangunan'].map(stemIndonesian)).size
		).toBeLessThanOrEqual(2);
		expect(stemIndonesian('pengelolaan')).toBe(stemIndonesian('dikelola'));
		expect(stemIndonesian('pelelangan')).toBe('lelang');
	});
});

describe('analysis', () => {
	it('folds case and diacritics, drops stop words, stems by record language', () => {
		expect(fold('Sépak BOLA')).toBe('sepak bola');
		expect(terms('Pengelolaan barang milik negara yang baik', 'id')).toEqual([
			'kelola',
			'barang',
			'milik',
			'negara'
		]);
		expect(terms('Managing the auctions of state assets', 'en')).toEqual([
			'manag',
			'auction',
			'state',
			'asset'
		]);
	});

	it('splits identifiers so the number is found however it is typed', () => {
		expect(identifierTerms('PMK 181/PMK.06/2016')).toEqual(
			expect.arrayContaining(['181', '2016', 'pmk', '06', 'pmk181pmk062016'])
		);
	});

	it('treats Lunr syntax typed by a person as plain words', () => {
		expect(words('title:lelang~2 ^3 +aset -bmn "kpknl"')).toEqual([
			{ word: 'title', prefix: false },
			{ word: 'lelang', prefix: false },
			{ word: '2', prefix: false },
			{ word: '3', prefix: false },
			{ word: 'aset', prefix: false },
			{ word: 'bmn', prefix: false },
			{ word: 'kpknl', prefix: false }
		]);
		expect(words('lela* le*')).toEqual([
			{ word: 'lela', prefix: true },
			{ word: 'le', prefix: false }
		]);
	});

	it('expands domain synonyms both ways', () => {
		expect(expand('lelang rumah')).toEqual(expect.arrayContaining(['auction']));
		expect(expand('State Property reports')).toEqual(
			expect.arrayContaining(['barang milik negara', 'bmn'])
		);
		expect(expand('tidak ada')).toEqual([]);
		expect(queryStems('auctions')).toContain('auction');
	});

	it('highlights matched words and escapes everything else', () => {
		const { html } = highlight('<b>Lelang</b> & pelelangan', new Set(['lelang']));
		expect(html).toBe('&lt;b&gt;<mark>Lelang</mark>&lt;/b&gt; &amp; <mark>pelelangan</mark>');
	});
});

describe('index snapshots', () => {
	it('a loaded snapshot answers exactly like the index that was built', () => {
		const docs = [
			{
				id: 1,
				language: 'id',
				title: 'Pembangunan Gedung Kantor',
				subtitle: null,
				series: null,
				authors: ['Budi'],
				subjects: ['BMN'],
				identifiers: ['PMK 181/PMK.06/2016'],
				abstract: 'Tentang lelang',
				body: 'Membangun gedung negara dan melelang aset.'
			},
			{
				id: 2,
				language: 'en',
				title: 'Public Auction Handbook',
				subtitle: 'Practice',
				series: null,
				authors: ['Ani'],
				subjects: ['Auction'],
				identifiers: [],
				abstract: null,
				body: 'Auctions of state assets.'
			},
			{
				id: 3,
				language: 'id',
				title: 'Piutang Negara',
				subtitle: null,
				series: 'Media Kekayaan Negara',
				authors: [],
				subjects: [],
				identifiers: ['978-602-8023-62-7'],
				abstract: null,
				body: 'Pengurusan piutang negara oleh KPKNL.'
			}
		];
		const built = buildIndex(docs);
		const loaded = lunr.Index.load(JSON.parse(JSON.stringify(built)));
		for (const q of [
			'bangun',
			'lelang',
			'auction',
			'negara',
			'piutang',
			'181',
			'lela*',
			'aset~1'
		]) {
			const strip = (rs: lunr.Index.Result[]) => rs.map((r) => [r.ref, r.score]);
			expect(strip(loaded.search(q)), q).toEqual(strip(built.search(q)));
		}
		expect(built.search('bangun').map((r) => r.ref)).toEqual(['1']);
	});
});
