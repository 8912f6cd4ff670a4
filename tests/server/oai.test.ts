import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDemoData } from '../helpers/demo.ts';
import { openLibraryDb, publicationIdOf } from '../helpers/db.ts';
import {
	OAI_DC_SCHEMA,
	OAI_QDC_SCHEMA,
	attributes,
	hiddenRecords,
	publicIds,
	texts,
	validateXml
} from '../helpers/oai.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * The OAI-PMH data provider through the real built server: every verb's answer is valid against
 * the official OAI-PMH and Dublin Core schemas (xmllint, offline), every protocol error has the
 * right code, GET and form POST both work, and nothing the anonymous public may not see — not
 * even a title — appears in any answer.
 */
let server: RunningServer;
let host: string;
let hidden: { id: number; title: string; why: string }[] = [];
let visible: number[] = [];
/** Every body this file received from /oai, for the leak check at the end. */
const bodies: string[] = [];

beforeAll(async () => {
	server = await startServer(copyDemoData());
	host = new URL(server.url).hostname;
	hidden = await hiddenRecords(server.dataDir);
	visible = await publicIds(server.dataDir);
});
afterAll(async () => {
	await server?.stop();
});

async function oai(query: string, init?: RequestInit): Promise<string> {
	const res = await fetch(`${server.url}/oai${query ? `?${query}` : ''}`, init);
	expect(res.status, query).toBe(200);
	expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-8');
	const body = await res.text();
	bodies.push(body);
	return body;
}

function expectValid(xml: string, schema = OAI_DC_SCHEMA) {
	const { ok, output } = validateXml(xml, schema);
	expect(ok, `${output}\n${xml.slice(0, 2000)}`).toBe(true);
}

const ids = (xml: string) =>
	texts(xml, 'identifier')
		.filter((i) => i.startsWith('oai:'))
		.map((i) => Number(i.split(':').pop()));

describe('OAI-PMH verbs, validated against the official schemas', () => {
	it('the demo has records the public must not see', () => {
		const kinds = hidden.map((h) => h.why).join(' ');
		for (const k of ['internal/', 'restricted/', '/draft', '/withdrawn', 'embargo'])
			expect(kinds).toContain(k);
	});

	it('Identify: base URL, UTC second granularity, persistent deletions, earliest datestamp', async () => {
		const xml = await oai('verb=Identify');
		expectValid(xml);
		expect(texts(xml, 'baseURL')).toEqual([`${server.url}/oai`]);
		expect(texts(xml, 'protocolVersion')).toEqual(['2.0']);
		expect(texts(xml, 'deletedRecord')).toEqual(['persistent']);
		expect(texts(xml, 'granularity')).toEqual(['YYYY-MM-DDThh:mm:ssZ']);
		expect(texts(xml, 'adminEmail')[0]).toMatch(/^\S+@\S+\.\S+$/);
		const [earliest] = texts(xml, 'earliestDatestamp');
		expect(earliest).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
		const all = await oai('verb=ListIdentifiers&metadataPrefix=oai_dc');
		for (const d of texts(all, 'datestamp')) expect(d >= earliest).toBe(true);
	});

	it('ListMetadataFormats: oai_dc and oai_qdc, for the repository and for one record', async () => {
		for (const q of [
			'verb=ListMetadataFormats',
			`verb=ListMetadataFormats&identifier=oai:${host}:${visible[0]}`
		]) {
			const xml = await oai(q);
			expectValid(xml);
			expect(texts(xml, 'metadataPrefix')).toEqual(['oai_dc', 'oai_qdc']);
			expect(texts(xml, 'schema')).toEqual([
				'http://www.openarchives.org/OAI/2.0/oai_dc.xsd',
				'http://worldcat.org/xmlschemas/qdc/1.0/qdc-1.0.xsd'
			]);
		}
	});

	it('ListSets: types, the magazine series and years, with names', async () => {
		const xml = await oai('verb=ListSets');
		expectValid(xml);
		const specs = texts(xml, 'setSpec');
		for (const s of ['type', 'type:magazine_issue', 'type:regulation', 'series', 'year'])
			expect(specs).toContain(s);
		expect(specs).toContain('series:media-kekayaan-negara');
		expect(specs.some((s) => /^year:\d{4}$/.test(s))).toBe(true);
		expect(texts(xml, 'setName')).toContain('Media Kekayaan Negara');
	});

	it('ListIdentifiers and ListRecords list exactly the public records, in both formats', async () => {
		for (const [prefix, schema] of [
			['oai_dc', OAI_DC_SCHEMA],
			['oai_qdc', OAI_QDC_SCHEMA]
		]) {
			const li = await oai(`verb=ListIdentifiers&metadataPrefix=${prefix}`);
			expectValid(li, schema);
			expect(ids(li).sort((a, b) => a - b)).toEqual(visible);
			const lr = await oai(`verb=ListRecords&metadataPrefix=${prefix}`);
			expectValid(lr, schema);
			expect(ids(lr).sort((a, b) => a - b)).toEqual(visible);
			for (const i of texts(lr, 'identifier').filter((x) => x.startsWith('oai:')))
				expect(i).toMatch(new RegExp(`^oai:${host.replace(/\./g, '\\.')}:\\d+$`));
			// Fewer than 100 records: one answer, no resumption token.
			expect(lr).not.toContain('resumptionToken');
		}
	});

	it('GetRecord: the Dublin Core mapping of a public magazine issue with its PDF', async () => {
		const db = openLibraryDb(server.dataDir);
		const row =
			(await db.get(`select p.id, p.title, p.language, s.title series from publications p join series s on s.id = p.series_id
				 join files f on f.publication_id = p.id and f.is_current = 1
				 where p.status = 'published' and p.access = 'public' and p.embargo_until is null order by p.id limit 1`)) as {
				id: number;
				title: string;
				language: string;
				series: string;
			};
		const authors = (
			(await db.all(
				`select name from publication_authors where publication_id = ? order by position`,
				row.id
			)) as { name: string }[]
		).map((a) => a.name);
		await db.close();
		const dc = await oai(`verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:${host}:${row.id}`);
		expectValid(dc);
		expect(texts(dc, 'dc:title')[0]).toBe(row.title);
		expect(texts(dc, 'dc:creator')).toEqual(authors);
		expect(texts(dc, 'dc:identifier')).toEqual(
			expect.arrayContaining([
				`${server.url}/publications/${row.id}`,
				`${server.url}/api/v1/publications/${row.id}/file`
			])
		);
		expect(texts(dc, 'dc:language')).toEqual([row.language]);
		expect(texts(dc, 'dc:type')).toContain('Text');
		expect(texts(dc, 'dc:format')).toContain('application/pdf');
		expect(texts(dc, 'dc:relation')).toContain(row.series);
		expect(texts(dc, 'dc:rights').join(' ')).toMatch(/Akses terbuka/);
		expect(texts(dc, 'setSpec')).toEqual(
			expect.arrayContaining(['series:media-kekayaan-negara', 'type:magazine_issue'])
		);
		// The PDF named in the record is really readable by anyone.
		expect((await fetch(`${server.url}/api/v1/publications/${row.id}/file`)).status).toBe(200);

		const qdc = await oai(`verb=GetRecord&metadataPrefix=oai_qdc&identifier=oai:${host}:${row.id}`);
		expectValid(qdc, OAI_QDC_SCHEMA);
		expect(qdc).toContain('<dc:type xsi:type="dcterms:DCMIType">Text</dc:type>');
		expect(texts(qdc, 'dcterms:isPartOf')).toContain(row.series);
		expect(texts(qdc, 'dcterms:issued')[0]).toMatch(/^\d{4}(-\d{2}-\d{2})?$/);
		expect(texts(qdc, 'dcterms:accessRights').length).toBeGreaterThan(0);
	});

	it('GetRecord of a regulation carries its JDIHN facts: kind, enactment, status and revocations', async () => {
		// Demo: PMK 213/PMK.06/2020 revokes PMK 27/PMK.06/2016 (both public); PMK 111/PMK.06/2016
		// revokes PMK 96/PMK.06/2007, which is withdrawn and must not be named.
		const revoked = await publicationIdOf(
			server.dataDir,
			'regulation_number = ?',
			'PMK 27/PMK.06/2016'
		);
		const revoking = await publicationIdOf(
			server.dataDir,
			'regulation_number = ?',
			'PMK 213/PMK.06/2020'
		);
		const withdrawn = await publicationIdOf(
			server.dataDir,
			'regulation_number = ?',
			'PMK 96/PMK.06/2007'
		);
		const other = await publicationIdOf(
			server.dataDir,
			'regulation_number = ?',
			'PMK 111/PMK.06/2016'
		);

		const qdc = await oai(
			`verb=GetRecord&metadataPrefix=oai_qdc&identifier=oai:${host}:${revoked}`
		);
		expectValid(qdc, OAI_QDC_SCHEMA);
		expect(texts(qdc, 'dcterms:isReplacedBy')).toEqual([`${server.url}/publications/${revoking}`]);
		expect(texts(qdc, 'dcterms:created')).toEqual(['2016-02-19']);
		expect(texts(qdc, 'dc:type')).toContain('Peraturan Menteri Keuangan');
		expect(texts(qdc, 'dc:description')).toEqual(
			expect.arrayContaining(['Status: Dicabut', 'Status: Revoked'])
		);
		const dc = await oai(`verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:${host}:${revoking}`);
		expectValid(dc);
		expect(texts(dc, 'dc:relation')).toContain(`${server.url}/publications/${revoked}`);
		expect(texts(dc, 'dc:description')).toContain('Status: Berlaku');

		const qdcOther = await oai(
			`verb=GetRecord&metadataPrefix=oai_qdc&identifier=oai:${host}:${other}`
		);
		expectValid(qdcOther, OAI_QDC_SCHEMA);
		expect(qdcOther).not.toContain(`/publications/${withdrawn}<`);
		expect(texts(qdcOther, 'dcterms:replaces')).toEqual([]);
	});

	it('sets select by type, series, year and parent set', async () => {
		const db = openLibraryDb(server.dataDir);
		const today = new Date().toISOString().slice(0, 10);
		const where = `status = 'published' and access = 'public' and (embargo_until is null or embargo_until <= '${today}')`;
		const q = async (sql: string) =>
			((await db.all(sql)) as { id: number }[]).map((r) => r.id).sort((a, b) => a - b);
		const magazines = await q(
			`select p.id from publications p join series s on s.id = p.series_id where s.slug = 'media-kekayaan-negara' and ${where}`
		);
		const regulations = await q(
			`select id from publications where type = 'regulation' and ${where}`
		);
		const { year } = (await db.get(
			`select year from publications where ${where} and year is not null limit 1`
		)) as { year: number };
		const ofYear = await q(`select id from publications where year = ${year} and ${where}`);
		await db.close();
		const sorted = (xml: string) => ids(xml).sort((a, b) => a - b);
		expect(magazines.length).toBeGreaterThan(0);
		const series = await oai(
			'verb=ListIdentifiers&metadataPrefix=oai_dc&set=series:media-kekayaan-negara'
		);
		expectValid(series);
		expect(sorted(series)).toEqual(magazines);
		expect(
			sorted(await oai('verb=ListRecords&metadataPrefix=oai_qdc&set=type:regulation'))
		).toEqual(regulations);
		expect(
			sorted(await oai(`verb=ListIdentifiers&metadataPrefix=oai_dc&set=year:${year}`))
		).toEqual(ofYear);
		expect(sorted(await oai('verb=ListIdentifiers&metadataPrefix=oai_dc&set=type'))).toEqual(
			visible
		);
	});

	it('from and until are inclusive to the second, in either granularity; huge ranges page normally', async () => {
		const all = await oai('verb=ListIdentifiers&metadataPrefix=oai_dc');
		const stamps = texts(all, 'datestamp').sort();
		const last = stamps[stamps.length - 1];
		const exact = await oai(
			`verb=ListIdentifiers&metadataPrefix=oai_dc&from=${last}&until=${last}`
		);
		expectValid(exact);
		expect(texts(exact, 'datestamp').length).toBe(stamps.filter((s) => s === last).length);
		const day = last.slice(0, 10);
		const byDay = await oai(`verb=ListIdentifiers&metadataPrefix=oai_dc&from=${day}&until=${day}`);
		expect(texts(byDay, 'datestamp').every((d) => d.startsWith(day))).toBe(true);
		const huge = await oai(
			'verb=ListRecords&metadataPrefix=oai_dc&from=0001-01-01T00:00:00Z&until=9999-12-31T23:59:59Z'
		);
		expectValid(huge);
		expect(ids(huge).sort((a, b) => a - b)).toEqual(visible);
		const after = new Date(Date.parse(last) + 1000).toISOString().slice(0, 19) + 'Z';
		const none = await oai(`verb=ListIdentifiers&metadataPrefix=oai_dc&from=${after}`);
		expect(attributes(none, 'error')?.code).toBe('noRecordsMatch');
	});
});

describe('protocol errors: the right code, a valid document, never a 500', () => {
	const cases: [string, string][] = [
		['', 'badVerb'],
		['verb=Frobnicate', 'badVerb'],
		['verb=Identify&verb=Identify', 'badVerb'],
		['verb=identify', 'badVerb'],
		['verb=Identify&metadataPrefix=oai_dc', 'badArgument'],
		['verb=ListRecords', 'badArgument'],
		['verb=ListIdentifiers&metadataPrefix=oai_dc&metadataPrefix=oai_dc', 'badArgument'],
		['verb=ListRecords&metadataPrefix=oai_dc&identifier=oai:x:1', 'badArgument'],
		['verb=GetRecord&identifier=oai:HOST:1', 'badArgument'],
		['verb=GetRecord&metadataPrefix=oai_dc', 'badArgument'],
		['verb=ListRecords&metadataPrefix=marc21', 'cannotDisseminateFormat'],
		['verb=GetRecord&metadataPrefix=mods&identifier=oai:HOST:1', 'cannotDisseminateFormat'],
		['verb=ListRecords&metadataPrefix=oai%20dc', 'badArgument'],
		['verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:elsewhere.example:1', 'idDoesNotExist'],
		['verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:HOST:999999', 'idDoesNotExist'],
		['verb=GetRecord&metadataPrefix=oai_dc&identifier=not%20an%20identifier', 'idDoesNotExist'],
		['verb=ListMetadataFormats&identifier=oai:HOST:999999', 'idDoesNotExist'],
		[`verb=ListMetadataFormats&identifier=oai:HOST:${'9'.repeat(5000)}`, 'idDoesNotExist'],
		['verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:HOST:01', 'idDoesNotExist'],
		['verb=ListRecords&metadataPrefix=oai_dc&from=2024-01-01T00:00Z', 'badArgument'],
		['verb=ListRecords&metadataPrefix=oai_dc&from=2024-01-01T00:00:00.000Z', 'badArgument'],
		['verb=ListRecords&metadataPrefix=oai_dc&from=2024-01-01T07:00:00%2B07:00', 'badArgument'],
		['verb=ListRecords&metadataPrefix=oai_dc&from=2024-01', 'badArgument'],
		['verb=ListRecords&metadataPrefix=oai_dc&from=2024-02-30', 'badArgument'],
		['verb=ListRecords&metadataPrefix=oai_dc&until=2024-13-01', 'badArgument'],
		[
			'verb=ListRecords&metadataPrefix=oai_dc&from=2024-01-01&until=2024-12-31T00:00:00Z',
			'badArgument'
		],
		['verb=ListRecords&metadataPrefix=oai_dc&from=2025-01-01&until=2024-01-01', 'badArgument'],
		['verb=ListRecords&metadataPrefix=oai_dc&until=1990-01-01', 'noRecordsMatch'],
		['verb=ListRecords&metadataPrefix=oai_dc&set=series:tidak-ada', 'noRecordsMatch'],
		['verb=ListRecords&metadataPrefix=oai_dc&set=bad%20set', 'badArgument'],
		['verb=ListRecords&metadataPrefix=oai_dc&set=type:', 'badArgument'],
		['verb=ListRecords&resumptionToken=garbage', 'badResumptionToken'],
		['verb=ListRecords&resumptionToken=a.b&metadataPrefix=oai_dc', 'badArgument'],
		['verb=ListIdentifiers&resumptionToken=', 'badResumptionToken'],
		['verb=ListSets&resumptionToken=anything', 'badResumptionToken'],
		['verb=ListSets&set=type', 'badArgument'],
		['verb=ListRecords&metadataPrefix=oai_dc&from=%00', 'badArgument'],
		['verb=GetRecord&metadataPrefix=oai_dc&identifier=%EF%BF%BE', 'badArgument']
	];
	for (const [query, code] of cases) {
		it(`${query.slice(0, 100) || '(no arguments)'} → ${code}`, async () => {
			const xml = await oai(query.replaceAll('HOST', host));
			expectValid(xml);
			expect(texts(xml, 'error').length).toBeGreaterThan(0);
			expect(attributes(xml, 'error')?.code).toBe(code);
			// badVerb and badArgument: the request element must not echo the arguments.
			if (code === 'badVerb' || code === 'badArgument')
				expect(attributes(xml, 'request')).toEqual({});
		});
	}

	it('a hidden record answers exactly like one that never existed', async () => {
		const strip = (xml: string) =>
			xml.replace(/<responseDate>[^<]*/, '').replace(/identifier="[^"]*"/, '');
		const missing = strip(
			await oai(`verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:${host}:999999`)
		);
		for (const h of hidden) {
			const xml = await oai(`verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:${host}:${h.id}`);
			expect(strip(xml), h.why).toBe(missing);
			const formats = await oai(`verb=ListMetadataFormats&identifier=oai:${host}:${h.id}`);
			expect(attributes(formats, 'error')?.code, h.why).toBe('idDoesNotExist');
		}
	});
});

describe('GET and POST', () => {
	it('a harvester’s form POST without Origin gets the same answer as GET', async () => {
		const body = 'verb=ListIdentifiers&metadataPrefix=oai_dc&set=type:book';
		const post = await oai('', {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body
		});
		expectValid(post);
		const get = await oai(body);
		const noDate = (x: string) => x.replace(/<responseDate>[^<]*/, '');
		expect(noDate(post)).toBe(noDate(get));
		expect(ids(post).length).toBeGreaterThan(0);
	});

	it('a POST that is not a form is a badArgument', async () => {
		const xml = await oai('', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ verb: 'Identify' })
		});
		expectValid(xml);
		expect(attributes(xml, 'error')?.code).toBe('badArgument');
	});

	it('cross-site form posts to anything else are still refused, as SvelteKit did', async () => {
		const form = (origin?: string) =>
			fetch(`${server.url}/login`, {
				method: 'POST',
				headers: {
					'content-type': 'application/x-www-form-urlencoded',
					...(origin ? { origin } : {})
				},
				body: 'username=x&password=y',
				redirect: 'manual'
			});
		for (const origin of [undefined, 'https://evil.example', 'null']) {
			const res = await form(origin);
			expect(res.status, String(origin)).toBe(403);
			expect(await res.text()).toBe('Cross-site POST form submissions are forbidden');
		}
		expect((await form(server.url)).status).not.toBe(403);
	});
});

describe('leaks', () => {
	it('no answer in this file names a record the public may not see', () => {
		expect(bodies.length).toBeGreaterThan(50);
		const all = bodies.join('\n');
		for (const h of hidden) {
			expect(all, `${h.why}: ${h.title}`).not.toContain(h.title);
			expect(all, h.why).not.toContain(`oai:${host}:${h.id}<`);
		}
	});
});

describe('Identify with a domain name', () => {
	it('describes the oai-identifier scheme and uses the host in identifiers', async () => {
		const named = await startServer(copyDemoData(), {
			ORIGIN: 'https://perpustakaan.example.go.id'
		});
		try {
			const res = await fetch(`${named.url}/oai?verb=Identify`);
			const xml = await res.text();
			expectValid(xml);
			expect(texts(xml, 'repositoryIdentifier')).toEqual(['perpustakaan.example.go.id']);
			expect(texts(xml, 'baseURL')).toEqual(['https://perpustakaan.example.go.id/oai']);
			expect(texts(xml, 'adminEmail')).toEqual(['perpustakaan@perpustakaan.example.go.id']);
			const list = await (
				await fetch(`${named.url}/oai?verb=ListIdentifiers&metadataPrefix=oai_dc`)
			).text();
			expect(texts(list, 'identifier')[0]).toMatch(/^oai:perpustakaan\.example\.go\.id:\d+$/);
		} finally {
			await named.stop();
		}
	});
});
