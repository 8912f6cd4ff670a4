import { describe, expect, it } from 'vitest';
import {
	isCompressibleType,
	negotiate,
	varyOnEncoding,
	weakEtag
} from '../../src/lib/server/compression.ts';

describe('Accept-Encoding negotiation', () => {
	it('prefers Brotli, honours q-values and refusals', () => {
		expect(negotiate('gzip, deflate, br')).toBe('br');
		expect(negotiate('gzip, deflate')).toBe('gzip');
		expect(negotiate('br;q=0, gzip')).toBe('gzip');
		expect(negotiate('br;q=0.5, gzip;q=0.8')).toBe('gzip');
		expect(negotiate('br;q=0.8, gzip;q=0.8')).toBe('br');
		expect(negotiate('gzip;q=0, br;q=0')).toBeNull();
		expect(negotiate('identity')).toBeNull();
		expect(negotiate('')).toBeNull();
		expect(negotiate(null)).toBeNull();
		expect(negotiate('*')).toBe('br');
		expect(negotiate('*;q=0, gzip')).toBe('gzip');
		expect(negotiate('x-gzip')).toBe('gzip');
		expect(negotiate('deflate, zstd')).toBeNull();
	});
});

describe('what may be compressed', () => {
	it('takes text, JSON and XML, never PDFs, images or event streams', () => {
		for (const t of [
			'text/html; charset=utf-8',
			'application/json',
			'application/xml',
			'text/xml',
			'text/csv; charset=utf-8',
			'application/atom+xml;profile=opds-catalog',
			'application/opds+json',
			'application/ld+json'
		])
			expect(isCompressibleType(t), t).toBe(true);
		for (const t of ['application/pdf', 'image/png', 'image/webp', 'text/event-stream', null])
			expect(isCompressibleType(t), String(t)).toBe(false);
	});
});

describe('headers', () => {
	it('adds Accept-Encoding to Vary once', () => {
		const h = new Headers();
		varyOnEncoding(h);
		expect(h.get('vary')).toBe('Accept-Encoding');
		const h2 = new Headers({ vary: 'Cookie, Authorization' });
		varyOnEncoding(h2);
		varyOnEncoding(h2);
		expect(h2.get('vary')).toBe('Cookie, Authorization, Accept-Encoding');
	});
	it('weakens strong tags only', () => {
		expect(weakEtag('"abc"')).toBe('W/"abc"');
		expect(weakEtag('W/"abc"')).toBe('W/"abc"');
	});
});
