import { describe, expect, it } from 'vitest';
import { pathOf } from '../../src/lib/server/storage/index.ts';

describe('storage keys', () => {
	it('resolves a content-addressed key inside the store', () => {
		const sha = 'a'.repeat(64);
		expect(pathOf(`pdf/aa/${sha}.pdf`)).toMatch(/files\/pdf\/aa\/a{64}\.pdf$/);
	});

	it('refuses keys that could escape the store', () => {
		for (const key of [
			'../etc/passwd',
			`pdf/aa/../../${'a'.repeat(64)}.pdf`,
			'/abs/path',
			'pdf/aa/x.pdf'
		]) {
			expect(() => pathOf(key)).toThrow(/invalid storage key/);
		}
	});
});
