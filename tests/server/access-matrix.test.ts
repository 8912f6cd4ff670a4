import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLibraryDb } from '../helpers/db.ts';
import { copyDemoData } from '../helpers/demo.ts';
import { DEMO_PASSWORD } from '../helpers/env.ts';
import { Client } from '../helpers/http.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * Walks every route that can reveal a publication, for each role × access level × status
 * (and embargo), and asserts exactly who gets what. Anonymous and other callers that may not
 * know a record exists get 404, never 403.
 */
const ACCESS = ['public', 'internal', 'restricted'] as const;
const STATES = ['published', 'draft', 'withdrawn', 'embargoed'] as const;
type Role = 'anonymous' | 'employee' | 'librarian' | 'admin' | 'librarian-token';

/** The expected rule, written out independently of src/lib/server/access.ts. */
function mayKnow(
	role: Role,
	access: (typeof ACCESS)[number],
	state: (typeof STATES)[number]
): boolean {
	if (role === 'librarian' || role === 'admin' || role === 'librarian-token') return true;
	if (state !== 'published') return false;
	if (role === 'employee') return access !== 'restricted';
	return access === 'public';
}

let server: RunningServer;
const fixtures: { id: number; access: (typeof ACCESS)[number]; state: (typeof STATES)[number] }[] =
	[];
const clients = {} as Record<Role, Client>;

beforeAll(async () => {
	const dataDir = copyDemoData();
	const db = openLibraryDb(dataDir);
	const file = (await db.get<Record<string, unknown>>(
		'select * from files where is_current = 1 order by id limit 1'
	))!;
	for (const access of ACCESS) {
		for (const state of STATES) {
			const status = state === 'embargoed' ? 'published' : state;
			const embargo = state === 'embargoed' ? '2099-01-01' : null;
			const { id } = (await db.get<{ id: number }>(
				`insert into publications (type, title, year, access, status, embargo_until) values ('report', ?, 2025, ?, ?, ?) returning id`,
				`Matriks akses ${access} ${state}`,
				access,
				status,
				embargo
			))!;
			await db.run(
				`insert into files (publication_id, version, sha256, bytes, pages, has_text_layer, storage_key, thumbnail_key) values (?, 1, ?, ?, ?, 1, ?, ?)`,
				id,
				file.sha256,
				file.bytes,
				file.pages,
				file.storage_key,
				file.thumbnail_key
			);
			fixtures.push({ id, access, state });
		}
	}
	await db.close();
	server = await startServer(dataDir);
	clients.anonymous = new Client(server.url);
	for (const [role, user] of [
		['employee', 'pegawai@perpustakaan.test'],
		['librarian', 'pustakawan@perpustakaan.test'],
		['admin', 'admin@perpustakaan.test']
	] as const) {
		clients[role] = new Client(server.url);
		expect((await clients[role].login(user, DEMO_PASSWORD)).status).toBe(200);
	}
	const { token } = await (
		await clients.librarian.postJson('/api/v1/tokens', { name: 'matrix' })
	).json();
	clients['librarian-token'] = new Client(server.url, { authorization: `Bearer ${token}` });
});

afterAll(async () => {
	await server?.stop();
});

/** Every id the API list endpoint shows this caller, over all pages. */
async function listedIds(c: Client): Promise<Set<number>> {
	const ids = new Set<number>();
	for (let page = 1; ; page++) {
		const body = await (
			await c.fetch(`/api/v1/publications?pageSize=100&page=${page}&sort=added`)
		).json();
		for (const item of body.items) ids.add(item.id);
		if (page * 100 >= body.total) return ids;
	}
}

describe('access matrix', () => {
	for (const role of ['anonymous', 'employee', 'librarian', 'admin', 'librarian-token'] as Role[]) {
		it(`${role}: detail page, API record, API list and cover follow the policy`, async () => {
			const c = clients[role];
			const listed = await listedIds(c);
			const report: string[] = [];
			for (const f of fixtures) {
				const expected = mayKnow(role, f.access, f.state);
				const want = expected ? 200 : 404;
				const page = (await c.fetch(`/publications/${f.id}`, { headers: { accept: 'text/html' } }))
					.status;
				const api = await c.fetch(`/api/v1/publications/${f.id}`);
				const cover = (await c.fetch(`/publications/${f.id}/cover`)).status;
				const body = await api.json();
				const row = `${f.access}/${f.state}: page ${page} api ${api.status} cover ${cover} listed ${listed.has(f.id)}`;
				report.push(row);
				expect(page, row).toBe(want);
				expect(api.status, row).toBe(want);
				expect(cover, row).toBe(want);
				expect(listed.has(f.id), row).toBe(expected);
				if (!expected) {
					// A refusal says nothing about the record.
					expect(JSON.stringify(body)).not.toContain('Matriks akses');
					expect(body.error.code).toBe('not_found');
				}
			}
			expect(report).toHaveLength(ACCESS.length * STATES.length);
		});
	}

	it('the catalog page and its facet counts only count what the caller may see', async () => {
		const ids = new Set(fixtures.map((f) => f.id));
		const count = async (c: Client) => {
			const html = await (
				await c.fetch('/catalog?q=Matriks', { headers: { accept: 'text/html' } })
			).text();
			const shown = new Set(
				[...html.matchAll(/href="\/publications\/(\d+)"/g)].map((m) => Number(m[1]))
			);
			return [...shown].filter((id) => ids.has(id)).length;
		};
		expect(await count(clients.anonymous)).toBe(1);
		expect(await count(clients.employee)).toBe(2);
		expect(await count(clients.librarian)).toBe(12);
	});
});
