import { describe, expect, it } from 'vitest';
import { openReadOnly } from '../helpers/db.ts';
import { ensureDemoSeed } from '../helpers/demo.ts';

/** What the demo catalog promises a newcomer (README), checked on the seeded database. */
describe('demo catalog', () => {
	const db = openReadOnly(ensureDemoSeed());
	const one = <T>(q: string, ...p: unknown[]) => db.prepare(q).get(...p) as T;
	const all = <T>(q: string, ...p: unknown[]) => db.prepare(q).all(...p) as T[];

	it('has at least 60 published records of every main type', () => {
		const { n } = one<{ n: number }>(
			`select count(*) n from publications where status = 'published'`
		);
		expect(n).toBeGreaterThanOrEqual(60);
		const types = all<{ type: string }>(
			`select distinct type from publications where status = 'published'`
		).map((r) => r.type);
		for (const t of ['magazine_issue', 'regulation', 'report', 'book']) expect(types).toContain(t);
	});

	it('has at least 24 Media Kekayaan Negara issues across several years, numbered by volume and issue', () => {
		const rows = all<{ year: number; volume: number; issue_number: number }>(
			`select p.year, p.volume, p.issue_number from publications p join series s on s.id = p.series_id
			 where s.slug = 'media-kekayaan-negara' and p.status = 'published'`
		);
		expect(rows.length).toBeGreaterThanOrEqual(24);
		expect(new Set(rows.map((r) => r.year)).size).toBeGreaterThanOrEqual(4);
		expect(rows.every((r) => r.volume > 0 && r.issue_number > 0)).toBe(true);
		const keys = rows.map((r) => `${r.volume}/${r.issue_number}`);
		expect(new Set(keys).size).toBe(keys.length);
	});

	it('mixes public, internal and restricted records, and regulations carry PMK numbers', () => {
		const levels = all<{ access: string; n: number }>(
			`select access, count(*) n from publications where status = 'published' group by access`
		);
		expect(levels.map((l) => l.access).sort()).toEqual(['internal', 'public', 'restricted']);
		const pmk = all<{ regulation_number: string }>(
			`select regulation_number from publications where type = 'regulation' and regulation_number like 'PMK %'`
		);
		expect(pmk.length).toBeGreaterThan(0);
		expect(pmk[0].regulation_number).toMatch(/^PMK \d+\/PMK\.\d+\/\d{4}$/);
	});

	it('gives every record a real multi-page PDF with extracted Indonesian text and a cover', () => {
		const files = all<{
			pages: number;
			has_text_layer: number;
			thumbnail_key: string | null;
			texts: number;
		}>(
			`select f.pages, f.has_text_layer, f.thumbnail_key,
			        (select count(*) from page_texts t where t.file_id = f.id) texts
			 from files f where f.is_current = 1`
		);
		const { n } = one<{ n: number }>(`select count(*) n from publications`);
		expect(files.length).toBe(n);
		for (const f of files) {
			expect(f.pages).toBeGreaterThan(1);
			expect(f.texts).toBe(f.pages);
			expect(f.has_text_layer).toBe(1);
			expect(f.thumbnail_key).toBeTruthy();
		}
		const hits = one<{ n: number }>(
			`select count(distinct file_id) n from page_texts where text like '%lelang%' or text like '%piutang negara%'`
		);
		expect(hits.n).toBeGreaterThan(5);
	});

	it('has physical copies with unique barcodes, and the four demo accounts with 18-digit NIPs', () => {
		const items = all<{ barcode: string }>(`select barcode from items`);
		expect(items.length).toBeGreaterThan(0);
		const users = all<{ email: string; nip: string; role: string; password_hash: string }>(
			`select email, nip, role, password_hash from users order by id`
		);
		expect(users.map((u) => [u.email, u.role])).toEqual([
			['admin@perpustakaan.test', 'admin'],
			['pustakawan@perpustakaan.test', 'librarian'],
			['pegawai@perpustakaan.test', 'employee'],
			['pegawai2@perpustakaan.test', 'employee']
		]);
		for (const u of users) {
			expect(u.nip).toMatch(/^\d{18}$/);
			expect(u.password_hash).toMatch(/^scrypt\$/);
		}
	});
});
