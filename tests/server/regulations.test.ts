import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadOnly, publicationId } from '../helpers/db.ts';
import { copyDemoData } from '../helpers/demo.ts';
import { DEMO_PASSWORD } from '../helpers/env.ts';
import { Client } from '../helpers/http.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * Regulations (JDIHN) through the real built server: the facts and relations a librarian
 * enters through the API and the cataloguing form, the derived status, and what anonymous
 * readers and employees are shown of related records they may or may not see.
 */
let server: RunningServer;
let lib: Client;
let libEn: Client;
let employee: Client;

beforeAll(async () => {
	server = await startServer(copyDemoData());
	lib = new Client(server.url);
	libEn = new Client(server.url, { cookie: 'lang=en' });
	employee = new Client(server.url);
	for (const c of [lib, libEn])
		expect((await c.login('pustakawan@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
	expect((await employee.login('pegawai@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
});
afterAll(async () => {
	await server?.stop();
});

const anon = () => new Client(server.url);

async function getPub(client: Client, id: number) {
	const res = await client.fetch(`/api/v1/publications/${id}`);
	return { status: res.status, text: await res.clone().text(), body: await res.json() };
}

let serial = 0;
/** Creates a regulation through the JSON API as the librarian; returns the created record. */
async function createRegulation(fields: Record<string, unknown>, client = lib) {
	serial++;
	const res = await client.postJson('/api/v1/publications', {
		type: 'regulation',
		title: `Peraturan Uji ${serial}`,
		regulationNumber: `PMK ${900 + serial}/PMK.06/2025`,
		regulationKind: 'PMK',
		enactedDate: '2025-03-01',
		status: 'published',
		access: 'public',
		...fields
	});
	return { status: res.status, body: await res.json() };
}

function counts() {
	const db = openReadOnly(server.dataDir);
	const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
	const out = {
		publications: n('select count(*) n from publications'),
		relations: n('select count(*) n from regulation_relations')
	};
	db.close();
	return out;
}

describe('demo regulations', () => {
	it('a public PMK revoked by a later PMK is "dicabut", both ways linked', async () => {
		const old = publicationId(server.dataDir, `regulation_number = 'PMK 27/PMK.06/2016'`);
		const newer = publicationId(server.dataDir, `regulation_number = 'PMK 213/PMK.06/2020'`);
		const { body } = await getPub(anon(), old);
		expect(body.regulation).toMatchObject({
			kind: 'PMK',
			kindLabel: 'Peraturan Menteri Keuangan',
			number: 'PMK 27/PMK.06/2016',
			year: 2016,
			enactedDate: '2016-02-19',
			enactedPlace: 'Jakarta',
			status: 'dicabut',
			statusSource: 'derived',
			revokedBy: [{ id: newer, number: 'PMK 213/PMK.06/2020', kind: 'PMK' }]
		});
		const page = await (await anon().fetch(`/publications/${old}`)).text();
		expect(page).toContain('Dicabut oleh');
		expect(page).toContain(`href="/publications/${newer}"`);
		expect((await getPub(anon(), newer)).body.regulation.revokes).toEqual([
			expect.objectContaining({ id: old })
		]);
		const amended = publicationId(server.dataDir, `regulation_number = 'PMK 181/PMK.06/2016'`);
		expect((await getPub(anon(), amended)).body.regulation.status).toBe('diubah');
	});

	it('a relation to a withdrawn regulation is shown to staff only', async () => {
		const source = publicationId(server.dataDir, `regulation_number = 'PMK 111/PMK.06/2016'`);
		const withdrawn = publicationId(server.dataDir, `regulation_number = 'PMK 96/PMK.06/2007'`);
		const publicView = await getPub(anon(), source);
		expect(publicView.body.regulation.revokes).toEqual([]);
		expect(publicView.text).not.toContain('96/PMK.06/2007');
		expect((await getPub(lib, source)).body.regulation.revokes).toEqual([
			expect.objectContaining({ id: withdrawn })
		]);
	});
});

describe('cataloguing regulations', () => {
	it('the API creates a regulation with relations by number and by id, in one step', async () => {
		const a = await createRegulation({});
		const b = await createRegulation({});
		expect(a.status).toBe(201);
		const c = await createRegulation({
			promulgatedDate: '2025-03-04',
			enactedPlace: 'Jakarta',
			legalField: 'Hukum Keuangan Negara',
			relations: [`revokes:${a.body.regulationNumber}`, { kind: 'amends', id: b.body.id }]
		});
		expect(c.status).toBe(201);
		expect(c.body.regulation).toMatchObject({
			promulgatedDate: '2025-03-04',
			legalField: 'Hukum Keuangan Negara',
			status: 'berlaku',
			revokes: [{ id: a.body.id, title: a.body.title, number: a.body.regulationNumber }],
			amends: [{ id: b.body.id }]
		});
		const revoked = (await getPub(anon(), a.body.id)).body.regulation;
		expect(revoked).toMatchObject({ status: 'dicabut', revokedBy: [{ id: c.body.id }] });
		expect((await getPub(anon(), b.body.id)).body.regulation.status).toBe('diubah');

		// A librarian's status wins over the derived one, and is said to be theirs.
		const set = await lib.fetch(`/api/v1/publications/${a.body.id}`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ regulationStatus: 'berlaku' })
		});
		expect(set.status).toBe(200);
		expect((await set.json()).regulation).toMatchObject({
			status: 'berlaku',
			statusSource: 'librarian'
		});
	});

	it('the cataloguing form saves the regulation fieldset and its relation rows', async () => {
		const target = await createRegulation({});
		const res = await lib.postForm('/staff/publications/new', {
			type: 'regulation',
			title: 'Peraturan Menteri Keuangan tentang Lelang Uji Formulir',
			regulationNumber: 'PMK 999/PMK.06/2025',
			regulationKind: 'PMK',
			enactedDate: '2025-06-02',
			promulgatedDate: '2025-06-03',
			enactedPlace: 'Jakarta',
			legalField: 'Hukum Perdata',
			regulationStatus: '',
			relationsPresent: '1',
			relationKind: 'revokes',
			relationTarget: ` ${target.body.regulationNumber.toLowerCase()} `,
			status: 'published',
			access: 'public',
			language: 'id'
		});
		expect(res.status).toBe(303);
		const id = Number(/\/staff\/publications\/(\d+)/.exec(res.headers.get('location') ?? '')?.[1]);
		const { body } = await getPub(anon(), id);
		expect(body.regulation).toMatchObject({
			kind: 'PMK',
			enactedDate: '2025-06-02',
			revokes: [{ id: target.body.id }]
		});
		// The edit form shows the relation back as a row.
		const edit = await (await lib.fetch(`/staff/publications/${id}`)).text();
		expect(edit).toContain('data-testid="regulation-fieldset"');
		expect(edit).toContain(`value="${target.body.regulationNumber}"`);
	});

	it('a refused relation rolls the whole write back: no record, no relation, a clear error', async () => {
		const before = counts();
		const book = publicationId(server.dataDir, `type = 'book'`);
		const cases: [unknown, string][] = [
			[['revokes:PMK 1/TIDAK.ADA/1999'], 'is not in the catalog'],
			[[`amends:#${book}`], 'is not a regulation record'],
			[['cites:PMK 213/PMK.06/2020'], 'kind:number']
		];
		for (const [relations, message] of cases) {
			const res = await libEn.postJson('/api/v1/publications', {
				type: 'regulation',
				title: 'Peraturan yang gagal',
				relations
			});
			expect(res.status).toBe(400);
			const body = await res.json();
			expect(body.error.code).toBe('invalid');
			expect(body.error.fields.relations).toContain(message);
		}
		// The same refusal in Indonesian for the default language.
		const id = await lib.postJson('/api/v1/publications', {
			type: 'regulation',
			title: 'Peraturan yang gagal',
			relations: ['revokes:PMK 1/TIDAK.ADA/1999']
		});
		expect((await id.json()).error.fields.relations).toBe(
			'Peraturan PMK 1/TIDAK.ADA/1999 tidak ditemukan di katalog.'
		);
		expect(counts()).toEqual(before);

		// An update with one bad relation changes nothing, not even the title sent with it.
		const a = await createRegulation({});
		const c = await createRegulation({ relations: [`revokes:#${a.body.id}`] });
		const mid = counts();
		const res = await lib.fetch(`/api/v1/publications/${c.body.id}`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				title: 'Judul yang tidak boleh tersimpan',
				relations: [`amends:#${a.body.id}`, 'revokes:PMK 1/TIDAK.ADA/1999']
			})
		});
		expect(res.status).toBe(400);
		expect(counts()).toEqual(mid);
		const after = (await getPub(lib, c.body.id)).body;
		expect(after.title).toBe(c.body.title);
		expect(after.regulation.revokes).toEqual([expect.objectContaining({ id: a.body.id })]);
		expect(after.regulation.amends).toEqual([]);
	});

	it('refuses a regulation revoking itself, directly or through a cycle', async () => {
		const a = await createRegulation({});
		const b = await createRegulation({ relations: [`revokes:#${a.body.id}`] });
		const patch = (id: number, relations: string[]) =>
			libEn.fetch(`/api/v1/publications/${id}`, {
				method: 'PATCH',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ relations })
			});
		const self = await patch(a.body.id, [`revokes:#${a.body.id}`]);
		expect(self.status).toBe(400);
		expect((await self.json()).error.fields.relations).toContain('itself');
		const cycle = await patch(a.body.id, [`revokes:#${b.body.id}`]);
		expect(cycle.status).toBe(400);
		expect((await cycle.json()).error.fields.relations).toContain('cycle');
		// Amending each other is no cycle of revocations.
		expect((await patch(a.body.id, [`amends:#${b.body.id}`])).status).toBe(200);
	});
});

describe('relations never reveal what the viewer may not see', () => {
	it("an internal regulation's title never shows on a public regulation's page or API", async () => {
		const secret = 'Peraturan Internal Zamrud Rahasia';
		const visible = await createRegulation({});
		const internal = await createRegulation({
			title: secret,
			regulationNumber: 'PER-99/KN/2025',
			access: 'internal',
			relations: [`revokes:#${visible.body.id}`, `amends:#${visible.body.id}`]
		});
		expect(internal.status).toBe(201);
		// And the public one points at the internal one too.
		await lib.fetch(`/api/v1/publications/${visible.body.id}`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ relations: [`amends:#${internal.body.id}`] })
		});

		const pub = await getPub(anon(), visible.body.id);
		expect(pub.body.regulation).toMatchObject({
			status: 'berlaku',
			amends: [],
			revokedBy: [],
			amendedBy: []
		});
		expect(pub.text).not.toContain(secret);
		expect(pub.text).not.toContain('PER-99/KN/2025');
		for (const path of [
			`/publications/${visible.body.id}`,
			`/api/v1/publications?type=regulation&pageSize=100`,
			`/catalog?type=regulation`
		]) {
			const text = await (await anon().fetch(path)).text();
			expect(text, path).not.toContain(secret);
			expect(text, path).not.toContain('PER-99/KN/2025');
		}
		// Employees may see internal records: for them it is revoked.
		expect((await getPub(employee, visible.body.id)).body.regulation).toMatchObject({
			status: 'dicabut',
			revokedBy: [{ id: internal.body.id, title: secret }]
		});
	});

	it('a withdrawn revoking regulation does not make its target "dicabut"', async () => {
		const target = await createRegulation({});
		const revoker = await createRegulation({ relations: [`revokes:#${target.body.id}`] });
		expect((await getPub(anon(), target.body.id)).body.regulation.status).toBe('dicabut');
		const w = await lib.fetch(`/api/v1/publications/${revoker.body.id}/withdraw`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ reason: 'salah unggah' })
		});
		expect(w.status).toBe(200);
		const publicView = await getPub(anon(), target.body.id);
		expect(publicView.body.regulation).toMatchObject({ status: 'berlaku', revokedBy: [] });
		expect(publicView.text).not.toContain(revoker.body.title);
		// Staff see the relation, but a withdrawn regulation does not change the law.
		expect((await getPub(lib, target.body.id)).body.regulation).toMatchObject({
			status: 'berlaku',
			revokedBy: [{ id: revoker.body.id }]
		});
	});
});
