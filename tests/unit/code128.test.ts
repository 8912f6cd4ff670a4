import { describe, expect, it } from 'vitest';
import {
	bars,
	checksum,
	Code128Error,
	modules,
	svg,
	symbols,
	totalModules,
	widths
} from '../../src/lib/barcode/code128.ts';

/**
 * The Code 128 symbol patterns of values 0–105 as bar (1) / space (0) modules, copied from the
 * published table (ISO/IEC 15417, as reproduced on Wikipedia's "Code 128" page) — written
 * independently of the encoder's width table so a typo in either shows up here.
 */
const PUBLISHED = (
	'11011001100 11001101100 11001100110 10010011000 10010001100 10001001100 10011001000 10011000100 ' +
	'10001100100 11001001000 11001000100 11000100100 10110011100 10011011100 10011001110 10111001100 ' +
	'10011101100 10011100110 11001110010 11001011100 11001001110 11011100100 11001110100 11101101110 ' +
	'11101001100 11100101100 11100100110 11101100100 11100110100 11100110010 11011011000 11011000110 ' +
	'11000110110 10100011000 10001011000 10001000110 10110001000 10001101000 10001100010 11010001000 ' +
	'11000101000 11000100010 10110111000 10110001110 10001101110 10111011000 10111000110 10001110110 ' +
	'11101110110 11010001110 11000101110 11011101000 11011100010 11011101110 11101011000 11101000110 ' +
	'11100010110 11101101000 11101100010 11100011010 11101111010 11001000010 11110001010 10100110000 ' +
	'10100001100 10010110000 10010000110 10000101100 10000100110 10110010000 10110000100 10011010000 ' +
	'10011000010 10000110100 10000110010 11000010010 11001010000 11110111010 11000010100 10001111010 ' +
	'10100111100 10010111100 10010011110 10111100100 10011110100 10011110010 11110100100 11110010100 ' +
	'11110010010 11011011110 11011110110 11110110110 10101111000 10100011110 10001011110 10111101000 ' +
	'10111100010 11110101000 11110100010 10111011110 10111101110 11101011110 11110101110 11010000100 ' +
	'11010010000 11010011100'
).split(' ');
const STOP = '1100011101011';
/** Code set B: value = ASCII code − 32. */
const SET_B = (v: number) => String.fromCharCode(v + 32);

/** Decodes a module string with the published table: start B, data, check, stop. */
function decode(bits: string): { text: string; check: number } {
	expect(bits.endsWith(STOP)).toBe(true);
	const body = bits.slice(0, -STOP.length);
	expect(body.length % 11).toBe(0);
	const values: number[] = [];
	for (let i = 0; i < body.length; i += 11) {
		const v = PUBLISHED.indexOf(body.slice(i, i + 11));
		expect(v, `unknown pattern at module ${i}`).toBeGreaterThanOrEqual(0);
		values.push(v);
	}
	expect(values[0]).toBe(104); // start B
	const data = values.slice(1, -1);
	const check = values[values.length - 1];
	// The check symbol verifies: start + Σ position × value ≡ check (mod 103).
	expect((104 + data.reduce((s, v, i) => s + v * (i + 1), 0)) % 103).toBe(check);
	return { text: data.map(SET_B).join(''), check };
}

describe('Code 128 set B', () => {
	it('the published table is what the test believes it is', () => {
		expect(PUBLISHED).toHaveLength(106);
		expect(new Set(PUBLISHED).size).toBe(106);
		for (const p of PUBLISHED) expect(p).toMatch(/^1[01]{9}0$/);
		expect(PUBLISHED[104]).toBe('11010010000'); // start B
	});

	it('starts with start B and ends with the stop pattern', () => {
		const bits = modules('A');
		expect(bits.startsWith('11010010000')).toBe(true);
		expect(bits.endsWith('1100011101011')).toBe(true);
		// "A" = value 33 = 10100011000; check = (104 + 33) mod 103 = 34 = 10001011000.
		expect(bits).toBe('11010010000' + '10100011000' + '10001011000' + STOP);
	});

	it('computes the mod-103 check symbol', () => {
		// "Wikipedia": 104 + 55·1 + 73·2 + 75·3 + 73·4 + 80·5 + 69·6 + 68·7 + 73·8 + 65·9
		// = 3281 = 31·103 + 88.
		expect(checksum('Wikipedia')).toBe(88);
		expect(symbols('Wikipedia')).toEqual([104, 55, 73, 75, 73, 80, 69, 68, 73, 65, 88, 106]);
		// A weighted sum that is a multiple of 103 gives check value 0: 104 + 2·1 + 50·2 = 2·103.
		expect(checksum('"R')).toBe(0);
		expect(checksum('G')).toBe((104 + 39) % 103);
	});

	it('has 11·(n+3)+2 modules, six elements per symbol and seven for stop', () => {
		for (const text of ['A', 'DJKN-0001', 'PMK 113/2023', ' ~', 'x'.repeat(40)]) {
			const n = text.length;
			const w = widths(text);
			expect(w.reduce((a, b) => a + b, 0)).toBe(11 * (n + 3) + 2);
			expect(w).toHaveLength(6 * (n + 2) + 7);
			expect(w.every((x) => x >= 1 && x <= 4)).toBe(true);
			expect(modules(text)).toHaveLength(11 * (n + 3) + 2);
			expect(totalModules(text, 10)).toBe(11 * (n + 3) + 2 + 20);
		}
	});

	it('decodes back to the text with the independent table, for every printable character', () => {
		let all = '';
		for (let c = 32; c <= 126; c++) all += String.fromCharCode(c);
		for (const text of [all, 'Wikipedia', 'DJKN-2024/0001', 'a', '   ', 'MKN.2023.IV']) {
			expect(decode(modules(text)).text).toBe(text);
		}
		expect(decode(modules('Wikipedia')).check).toBe(88);
	});

	it('refuses characters outside code set B, and an empty text', () => {
		for (const bad of ['é', 'tab\there', 'line\n', '\u007f', 'Rp€', '']) {
			expect(() => symbols(bad)).toThrow(Code128Error);
		}
		expect(() => modules('ab\u0000')).toThrow(/position 2/);
	});

	it('draws bars at their module offsets and renders an SVG', () => {
		const b = bars('A', 10);
		expect(b[0]).toEqual([10, 2]); // start B begins with a 2-module bar after the quiet zone
		const last = b[b.length - 1];
		expect(last[0] + last[1]).toBe(totalModules('A', 10) - 10); // stop's final bar, then quiet
		const image = svg('A&<"B>', { moduleWidth: 2, height: 40 });
		expect(image).toMatch(/^<svg [^>]*viewBox="0 0 121 40"/); // 11·(6+3)+2 + 2·10
		expect(image).toContain('width="242"');
		expect(image).toContain('<title>A&amp;&lt;&quot;B&gt;</title>');
		// One rect for the background plus 3 bars per symbol and 4 for stop.
		expect(image.match(/<rect /g)).toHaveLength(1 + 3 * (6 + 2) + 4);
	});
});
