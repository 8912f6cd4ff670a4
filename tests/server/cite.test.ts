import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadOnly } from '../helpers/db.ts';
import { copyDemoData } from '../helpers/demo.ts';
import { DEMO_PASSWORD } from '../helpers/env.ts';
import { Client } from '../helpers/http.ts';
import { checkSchemaOrg } from '../helpers/schema-org.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * Citations and structured data through the real built server over the demo catalog: the cite
 * endpoints in every format, the multi-record export, the detail page's citation tags, Open
 * Graph and JSON-LD — and that none of it tells the public about a record it may not see.
 */
let server: RunningServer;
let hidden: { id: number; title: string; why: string }[] = [];
const pick: Record<string, { id: number; title: string; downloadable: number }> = {};
let internalId = 0;
let internalTitle = '';

const PUBLIC = `status = 'published' and access = 'public' and (embargo_until is null or embargo_until <= date('now'))`;

beforeAll(async () => {
	server = await startServer(copyDemoData());
	const db = openReadOnly(server.dataDir);
	hidden = db
		.prepare(
			`select id, title, access || '/' || status || coalesce('/embargo ' || embargo_until, '') why
			 from publications where not (${PUBLIC})`
		)
		.all() as typeof hidden;
	for (const type of ['magazine_issue', 'book', 'regulation', 'report'])
		pick[type] = db
			.prepare(
				`select p.id, p.title, p.downloadable from publications p
				 where type = ? and ${PUBLIC} and exists (select 1 from files f where f.publication_id = p.id)
				 order by id limit 1`
			)
			.get(type) as (typeof pick)[string];
	({ id: internalId, title: internalTitle } = db
		.prepare(
			`select id, title from publications where access = 'internal' and status = 'published' order by id limit 1`
		)
		.get() as { id: number; title: string });
	db.close();
});

afterAll(async () => {
	await server?.stop();
});

const get = (path: string, init?: RequestInit) => fetch(`${server.url}${path}`, init);

/** The JSON-LD documents and meta tags of an HTML page. */
function headOf(html: string) {
	const scripts = [
		...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)
	].map((m) => JSON.parse(m[1]));
	const meta = [...html.matchAll(/<meta (name|property)="([^"]+)" content="([^"]*)"/g)].map(
		(m) => ({ key: m[2], content: m[3] })
	);
	const tag = (key: string) => meta.filter((m) => m.key === key).map((m) => m.content);
	return { scripts, tag };
}
const escapeHtml = (s: string) =>
	s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

describe('GET /api/v1/publications/{id}/cite', () => {
	it('the demo has public records of each type and hidden ones', () => {
		for (const type of Object.keys(pick)) expect(pick[type], type).toBeTruthy();
		expect(hidden.length).toBeGreaterThan(0);
	});

	it('answers every format with its media type, the record, and the detail page URL', async () => {
		const { id, title } = pick.magazine_issue;
		const expected = {
			bibtex: 'application/x-bibtex; charset=utf-8',
			ris: 'application/x-research-info-systems; charset=utf-8',
			'csl-json': 'application/vnd.citationstyles.csl+json; charset=utf-8',
			apa: 'text/plain; charset=utf-8',
			ieee: 'text/plain; charset=utf-8'
		};
		const bodies: Record<string, string> = {};
		for (const [format, type] of Object.entries(expected)) {
			const res = await get(`/api/v1/publications/${id}/cite?format=${format}`);
			expect(res.status, format).toBe(200);
			expect(res.headers.get('content-type')).toBe(type);
			expect(res.headers.get('content-disposition')).toMatch(/^inline; filename="djkn-\d+/);
			bodies[format] = await res.text();
			expect(bodies[format]).toContain(`${server.url}/publications/${id}`);
		}
		expect(bodies.bibtex).toMatch(/^@article\{/);
		expect(bodies.ris).toMatch(/^TY {2}- MGZN$/m);
		const [item] = JSON.parse(bodies['csl-json']);
		expect(item).toMatchObject({ id: `djkn-${id}`, type: 'article-magazine' });
		expect(item.title).toContain(title);
		expect(item['container-title']).toBe('Media Kekayaan Negara');
		expect(bodies.apa).toContain(title);
		expect(bodies.ieee).toMatch(/^\[1\] /);
		// Formatted references follow the reader's language.
		expect(bodies.ieee).toContain('Tersedia pada');
		const en = await get(`/api/v1/publications/${id}/cite?format=ieee`, {
			headers: { cookie: 'lang=en' }
		});
		expect(await en.text()).toContain('Available:');
		const dl = await get(`/api/v1/publications/${id}/cite?format=ris&download=1`);
		expect(dl.headers.get('content-disposition')).toBe(`attachment; filename="djkn-${id}.ris"`);
	});

	it('maps regulations, books and reports to their citation types', async () => {
		const csl = async (id: number) =>
			(await (await get(`/api/v1/publications/${id}/cite?format=csl-json`)).json())[0];
		expect((await csl(pick.regulation.id)).type).toBe('legislation');
		expect((await csl(pick.book.id)).type).toBe('book');
		expect((await csl(pick.report.id)).type).toBe('report');
	});

	it('refuses an unknown or missing format with a 400 listing the valid ones', async () => {
		const id = pick.book.id;
		const res = await get(`/api/v1/publications/${id}/cite?format=endnote`);
		expect(res.status).toBe(400);
		expect(await res.json()).toEqual({
			error: {
				code: 'invalid_format',
				message: 'Parameter "format" harus salah satu dari: bibtex, ris, csl-json, apa, ieee.'
			}
		});
		const en = await get(`/api/v1/publications/${id}/cite`, { headers: { cookie: 'lang=en' } });
		expect(en.status).toBe(400);
		expect((await en.json()).error.message).toBe(
			'Parameter "format" must be one of: bibtex, ris, csl-json, apa, ieee.'
		);
	});

	it('answers a hidden record exactly like a missing one, and never with its title', async () => {
		const missing = await get('/api/v1/publications/999999/cite?format=bibtex');
		expect(missing.status).toBe(404);
		const missingBody = await missing.text();
		for (const { id, title, why } of hidden) {
			for (const format of ['bibtex', 'csl-json']) {
				const res = await get(`/api/v1/publications/${id}/cite?format=${format}`);
				expect(res.status, `${why} ${format}`).toBe(404);
				const body = await res.text();
				expect(body, why).toBe(missingBody);
				expect(body.includes(title)).toBe(false);
			}
		}
	});

	it('cites an internal record for a signed-in employee', async () => {
		const employee = new Client(server.url);
		expect((await employee.login('pegawai@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
		const res = await employee.fetch(`/api/v1/publications/${internalId}/cite?format=ris`);
		expect(res.status).toBe(200);
		expect(res.headers.get('cache-control')).toBe('private, no-cache');
		expect(await res.text()).toContain(`TI  - ${internalTitle}`);
	});
});

describe('GET /api/v1/cite (export)', () => {
	it('exports several records as one file, leaving out hidden ones like missing ones', async () => {
		const ids = [pick.book.id, hidden[0].id, 999999, pick.magazine_issue.id];
		const res = await get(`/api/v1/cite?ids=${ids.join(',')}&format=bibtex`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/x-bibtex; charset=utf-8');
		expect(res.headers.get('content-disposition')).toBe(
			'attachment; filename="djkn-citations.bib"'
		);
		const bib = await res.text();
		expect(bib.match(/^@\w+\{/gm)).toHaveLength(2);
		expect(bib).toContain(`/publications/${pick.book.id}}`);
		for (const { title } of hidden) expect(bib.includes(title)).toBe(false);

		const ris = await get(`/api/v1/cite?ids=${pick.book.id}&ids=${pick.report.id}&format=ris`);
		expect(ris.headers.get('content-disposition')).toBe(
			'attachment; filename="djkn-citations.ris"'
		);
		expect((await ris.text()).match(/^TY {2}- /gm)).toHaveLength(2);
		const json = await get(`/api/v1/cite?ids=${pick.book.id}&format=csl-json`);
		expect(json.headers.get('content-disposition')).toBe(
			'attachment; filename="djkn-citations.json"'
		);
	});

	it('is a 404 when none of the ids may be seen, the same as when none exists', async () => {
		const onlyHidden = await get(
			`/api/v1/cite?ids=${hidden
				.slice(0, 100)
				.map((h) => h.id)
				.join(',')}&format=ris`
		);
		const onlyMissing = await get('/api/v1/cite?ids=999998,999999&format=ris');
		expect(onlyHidden.status).toBe(404);
		expect(onlyMissing.status).toBe(404);
		expect(await onlyHidden.text()).toBe(await onlyMissing.text());
	});

	it('refuses malformed or too many ids and unknown formats with a 400', async () => {
		const tooMany = Array.from({ length: 101 }, (_, i) => i + 1).join(',');
		for (const q of [`ids=${tooMany}&format=ris`, 'ids=1,abc&format=ris', 'format=ris', 'ids=1']) {
			const res = await get(`/api/v1/cite?${q}`, { headers: { cookie: 'lang=en' } });
			expect(res.status, q).toBe(400);
			const { error } = await res.json();
			expect(error.message, q).toMatch(/^Parameter "(ids|format)" must/);
		}
	});
});

describe('structured data on the detail page', () => {
	it('puts Highwire citation tags, Open Graph and a PublicationIssue in a Periodical on a magazine issue', async () => {
		const { id, title, downloadable } = pick.magazine_issue;
		const html = await (await get(`/publications/${id}`)).text();
		const { scripts, tag } = headOf(html);
		expect(tag('citation_title')[0]).toContain(escapeHtml(title));
		expect(tag('citation_journal_title')).toEqual(['Media Kekayaan Negara']);
		expect(tag('citation_volume')).toHaveLength(1);
		expect(tag('citation_issue')).toHaveLength(1);
		expect(tag('citation_publication_date')[0]).toMatch(/^\d{4}(\/\d{2}\/\d{2})?$/);
		expect(tag('citation_abstract_html_url')).toEqual([`${server.url}/publications/${id}`]);
		expect(tag('citation_pdf_url')).toEqual(
			downloadable ? [`${server.url}/api/v1/publications/${id}/file`] : []
		);
		expect(tag('og:url')).toEqual([`${server.url}/publications/${id}`]);
		expect(tag('og:site_name')).toEqual(['Perpustakaan DJKN']);
		expect(tag('og:image')).toEqual([
			expect.stringMatching(new RegExp(`^${server.url}/publications/${id}/cover`))
		]);
		expect(tag('twitter:card')).toEqual(['summary']);
		// The links the tags name work for the anonymous fetchers that read them.
		expect((await get(tag('og:image')[0].slice(server.url.length))).status).toBe(200);
		if (downloadable)
			expect((await get(tag('citation_pdf_url')[0].slice(server.url.length))).status).toBe(200);

		expect(scripts).toHaveLength(1);
		const [doc] = scripts;
		expect(doc['@context']).toBe('https://schema.org');
		expect(doc['@type']).toBe('PublicationIssue');
		expect(doc.name).toContain(title);
		expect(doc.issueNumber).toMatch(/^\d+$/);
		const periodical =
			doc.isPartOf['@type'] === 'Periodical' ? doc.isPartOf : doc.isPartOf.isPartOf;
		expect(periodical).toMatchObject({ '@type': 'Periodical', name: 'Media Kekayaan Negara' });
	});

	it('gives each type its schema.org type and required properties', async () => {
		const expected = { regulation: 'Legislation', book: 'Book', report: 'Report' } as const;
		for (const [type, schemaType] of Object.entries(expected)) {
			const { id, title } = pick[type];
			const { scripts, tag } = headOf(await (await get(`/publications/${id}`)).text());
			expect(scripts[0], type).toMatchObject({
				'@context': 'https://schema.org',
				'@type': schemaType,
				'@id': `${server.url}/publications/${id}`,
				url: `${server.url}/publications/${id}`,
				name: expect.stringContaining(title),
				inLanguage: expect.any(String)
			});
			expect(tag('citation_title')[0], type).toContain(escapeHtml(title));
			if (type === 'regulation')
				expect(scripts[0].legislationIdentifier, type).toEqual(expect.any(String));
		}
	});

	it('every JSON-LD document served conforms to the schema.org vocabulary (types, properties, ranges)', async () => {
		const db = openReadOnly(server.dataDir);
		// The demo's revoked PMK and the one revoking it: Legislation with its legal force and changes.
		const regulations = (
			db
				.prepare(
					`select id from publications where regulation_number in ('PMK 27/PMK.06/2016', 'PMK 213/PMK.06/2020')
					 order by regulation_number desc`
				)
				.all() as { id: number }[]
		).map((r) => r.id);
		db.close();
		const ids = [...Object.values(pick).map((p) => p.id), ...regulations];
		const docs: { label: string; doc: Record<string, unknown> }[] = [];
		for (const id of ids) {
			const { scripts } = headOf(await (await get(`/publications/${id}`)).text());
			expect(scripts, `publication ${id}`).toHaveLength(1);
			docs.push({ label: `/publications/${id}`, doc: scripts[0] });
		}
		expect(docs.map((d) => d.doc['@type'])).toEqual(
			expect.arrayContaining(['PublicationIssue', 'Book', 'Legislation', 'Report'])
		);
		const [revoked, revoking] = regulations.map(
			(id) => docs.find((d) => d.label === `/publications/${id}`)!.doc
		);
		expect(revoked.legislationLegalForce).toEqual({ '@id': 'https://schema.org/NotInForce' });
		expect(revoking.legislationChanges).toEqual([
			{ '@id': `${server.url}/publications/${regulations[0]}` }
		]);
		const result = checkSchemaOrg(docs);
		expect(result.output).toBe('');
		expect(result.ok).toBe(true);
		// The checker does refuse what schema.org does not define.
		const wrong = checkSchemaOrg([
			{ label: 'wrong', doc: { ...docs[0].doc, legislationLegalForce: 'Maybe' } }
		]);
		expect(wrong.ok).toBe(false);
		expect(wrong.output).toMatch(/legislationLegalForce/);
	});

	it('an employee gets the tags of an internal record, without a public cover; the public gets a 404', async () => {
		const employee = new Client(server.url);
		await employee.login('pegawai@perpustakaan.test', DEMO_PASSWORD);
		const html = await (await employee.fetch(`/publications/${internalId}`)).text();
		const { scripts, tag } = headOf(html);
		expect(tag('citation_title')).toHaveLength(1);
		expect(tag('citation_title')[0]).toContain(escapeHtml(internalTitle));
		expect(tag('og:image')).toEqual([]);
		expect(scripts[0].isAccessibleForFree).toBe(false);
		const anon = await get(`/publications/${internalId}`);
		expect(anon.status).toBe(404);
		expect((await anon.text()).includes(escapeHtml(internalTitle))).toBe(false);
	});
});
