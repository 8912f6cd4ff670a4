import { describe, expect, it } from 'vitest';
import { en } from '../../src/lib/i18n/en.ts';
import { id } from '../../src/lib/i18n/id.ts';
import { parseLang, translator } from '../../src/lib/i18n/index.ts';

describe('messages', () => {
	it('every Indonesian string has an English translation and no empty strings', () => {
		expect(Object.keys(en).sort()).toEqual(Object.keys(id).sort());
		for (const [k, v] of [...Object.entries(id), ...Object.entries(en)]) {
			expect(v.trim(), k).not.toBe('');
		}
	});

	it('placeholders are the same in both languages', () => {
		const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
		for (const key of Object.keys(id) as (keyof typeof id)[]) {
			expect(holes(en[key]), key).toEqual(holes(id[key]));
		}
	});

	it('formats numbers the way each language writes them', () => {
		expect(translator('id')('home.stats', { count: 1538 })).toBe('1.538 publikasi tersedia');
		expect(translator('en')('home.stats', { count: 1538 })).toBe('1,538 publications available');
	});

	it('defaults to Indonesian for anything but English', () => {
		expect(parseLang('en')).toBe('en');
		expect(parseLang('fr')).toBe('id');
		expect(parseLang(undefined)).toBe('id');
	});
});
