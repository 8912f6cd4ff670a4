import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDemoData } from '../helpers/demo.ts';
import { DEMO_PASSWORD } from '../helpers/env.ts';
import { Client } from '../helpers/http.ts';
import {
	OAI_DC_SCHEMA,
	addPublicBooks,
	attributes,
	harvest,
	hiddenRecords,
	publicIds,
	texts,
	validateXml
} from '../helpers/oai.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * Harvesting with a real harvester (Debian's HTTP::OAI::Harvester, tests/helpers/oai-harvest.pl)
 * against the built server: the whole catalog over several pages of resumption tokens, then an
 * incremental harvest `from` the last responseDate that returns exactly what changed — edits as
 * records, withdrawals and records hidden from the public as deletions. Tokens are signed,
 * survive a restart and expire. The demo catalog gets 130 extra public books so a full harvest
 * needs two pages of 100.
 */
let server: RunningServer;
let dataDir: string;
let origin: string;
let host: string;
let token: string;
/** The server's test clock (FAKE_NOW_FILE): absent = real time. */
let clockFile: string;
const EXTRA = 130;

const env = () => ({ ALLOW_FAKE_CLOCK: '1', FAKE_NOW_FILE: clockFile, ORIGIN: origin });

beforeAll(async () => {
	dataDir = copyDemoData();
	addPublicBooks(dataDir, EXTRA);
	clockFile = path.join(path.dirname(dataDir), `${path.basename(dataDir)}.now`);
	server = await startServer(dataDir, { ALLOW_FAKE_CLOCK: '1', FAKE_NOW_FILE: clockFile });
	origin = server.url;
	host = new URL(origin).hostname;
	// Cataloguing goes through the API with a bearer token, which stays valid across restarts.
	const lib = new Client(server.url);
	expect((await lib.login('pustakawan@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
	const res = await lib.postJson('/api/v1/tokens', { name: 'oai-harvest' });
	token = (await res.json()).token;
}, 60_000);
afterAll(async () => {
	await server?.stop();
	fs.rmSync(clockFile, { force: true });
});

const base = () => `${server.url}/oai`;
const idOf = (identifier: string) => Number(identifier.split(':').pop());

async function api(method: string, url: string, body?: unknown) {
	const res = await fetch(`${server.url}${url}`, {
		method,
		headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	expect(res.status, `${method} ${url}: ${await res.clone().text()}`).toBeLessThan(300);
	return res.json();
}

async function oai(query: string): Promise<string> {
	const res = await fetch(`${base()}?${query}`);
	expect(res.status).toBe(200);
	return res.text();
}

function expectValid(xml: string) {
	const { ok, output } = validateXml(xml, OAI_DC_SCHEMA);
	expect(ok, output).toBe(true);
}

/** A public record of the demo (not one of the added books), the n-th by id. */
async function demoPublic(n: number): Promise<number> {
	return (await publicIds(dataDir))[n];
}

describe('harvesting with HTTP::OAI::Harvester', () => {
	let full: ReturnType<typeof harvest>;

	it('a full harvest gets every public record, over two pages, and nothing else', async () => {
		full = harvest(base(), { verb: 'ListRecords' });
		const expected = await publicIds(dataDir);
		expect(expected.length).toBeGreaterThan(100 + 50);
		expect(full.pages).toBe(2);
		expect(full.records.map((r) => idOf(r.identifier)).sort((a, b) => a - b)).toEqual(expected);
		expect(full.records.every((r) => r.status === 'active' && r.title.length > 0)).toBe(true);
		for (const h of await hiddenRecords(dataDir)) expect(full.raw, h.why).not.toContain(h.title);
	});

	it('resumption tokens carry completeListSize, cursor and a 24-hour expiry; the last one is empty', async () => {
		const first = await oai('verb=ListIdentifiers&metadataPrefix=oai_dc');
		expectValid(first);
		const total = (await publicIds(dataDir)).length;
		expect(first.match(/<header>/g)?.length).toBe(100);
		const t1 = attributes(first, 'resumptionToken')!;
		expect(t1.completeListSize).toBe(String(total));
		expect(t1.cursor).toBe('0');
		const expires = Date.parse(t1.expirationDate);
		expect(Math.abs(expires - Date.now() - 24 * 3600 * 1000)).toBeLessThan(120_000);
		const [tok] = texts(first, 'resumptionToken');
		const second = await oai(`verb=ListIdentifiers&resumptionToken=${encodeURIComponent(tok)}`);
		expectValid(second);
		expect(second.match(/<header>/g)?.length).toBe(total - 100);
		expect(attributes(second, 'resumptionToken')).toEqual({
			completeListSize: String(total),
			cursor: '100'
		});
		expect(texts(second, 'resumptionToken')).toEqual([]);
		const seen = [...texts(first, 'identifier'), ...texts(second, 'identifier')];
		expect(new Set(seen).size).toBe(total);
	});

	it('a tampered, foreign or malformed token is a badResumptionToken', async () => {
		const first = await oai('verb=ListRecords&metadataPrefix=oai_dc');
		const [tok] = texts(first, 'resumptionToken');
		const [body, sig] = tok.split('.');
		const state = JSON.parse(Buffer.from(body, 'base64url').toString());
		const forged = Buffer.from(JSON.stringify({ ...state, c: 0, k: ['0000', 0] })).toString(
			'base64url'
		);
		const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
		for (const bad of [
			`${body}.${flip(sig)}`,
			`${forged}.${sig}`,
			`${flip(body)}.${sig}`,
			tok.slice(0, -1),
			`${tok}x`,
			'x'.repeat(5000)
		]) {
			const xml = await oai(`verb=ListRecords&resumptionToken=${encodeURIComponent(bad)}`);
			expectValid(xml);
			expect(attributes(xml, 'error')?.code).toBe('badResumptionToken');
		}
		// A ListRecords token is not a ListIdentifiers token.
		const other = await oai(`verb=ListIdentifiers&resumptionToken=${encodeURIComponent(tok)}`);
		expect(attributes(other, 'error')?.code).toBe('badResumptionToken');
	});

	it('an incremental harvest from the last responseDate returns exactly the edit and the withdrawal', async () => {
		const before = harvest(base(), { verb: 'ListIdentifiers' });
		const edited = await demoPublic(0);
		const withdrawn = await demoPublic(1);
		await api('PATCH', `/api/v1/publications/${edited}`, { title: 'Judul yang Diperbaiki' });
		await api('POST', `/api/v1/publications/${withdrawn}/withdraw`, { reason: 'duplikat' });

		const inc = harvest(base(), { verb: 'ListIdentifiers', from: before.responseDate });
		expect(
			inc.records.map((r) => [idOf(r.identifier), r.status]).sort((a, b) => +a[0] - +b[0])
		).toEqual(
			[
				[edited, 'active'],
				[withdrawn, 'deleted']
			].sort((a, b) => +a[0] - +b[0])
		);
		for (const r of inc.records) expect(r.datestamp >= before.responseDate).toBe(true);

		const records = harvest(base(), { verb: 'ListRecords', from: before.responseDate });
		const byId = new Map(records.records.map((r) => [idOf(r.identifier), r]));
		expect(byId.get(edited)?.title.split(' | ')[0]).toBe('Judul yang Diperbaiki');
		expect(byId.get(withdrawn)?.status).toBe('deleted');
		expect(byId.get(withdrawn)?.title).toBe('');
		// Deleted records keep the sets they were harvested from.
		expect(byId.get(withdrawn)?.sets.length).toBeGreaterThan(0);

		const get = await oai(
			`verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:${host}:${withdrawn}`
		);
		expectValid(get);
		expect(attributes(get, 'header')).toEqual({ status: 'deleted' });
		expect(get).not.toContain('<metadata>');

		// An edit that changes nothing harvesters see (the call number) dates nothing: the next
		// incremental harvest is empty (noRecordsMatch).
		await new Promise((r) => setTimeout(r, 1100));
		const quiet = harvest(base(), { verb: 'ListIdentifiers' }).responseDate;
		await api('PATCH', `/api/v1/publications/${await demoPublic(5)}`, {
			callNumber: '346.04 KEK k'
		});
		const again = harvest(base(), { verb: 'ListIdentifiers', from: quiet });
		expect(again.records).toEqual([]);
	});

	it('records made internal or embargoed after being harvested become deletions, and their titles vanish', async () => {
		const since = harvest(base(), { verb: 'ListIdentifiers' }).responseDate;
		const internal = await demoPublic(2);
		const embargoed = await demoPublic(3);
		const titles = [internal, embargoed].map(
			(id) => full.records.find((r) => idOf(r.identifier) === id)!.title.split(' | ')[0]
		);
		await api('PATCH', `/api/v1/publications/${internal}`, { access: 'internal' });
		await api('PATCH', `/api/v1/publications/${embargoed}`, { embargoUntil: '2099-12-31' });

		const inc = harvest(base(), { verb: 'ListRecords', from: since });
		expect(inc.records.map((r) => [idOf(r.identifier), r.status])).toEqual(
			expect.arrayContaining([
				[internal, 'deleted'],
				[embargoed, 'deleted']
			])
		);
		expect(inc.records).toHaveLength(2);
		const everything = [
			harvest(base(), { verb: 'ListRecords' }).raw,
			harvest(base(), { verb: 'ListRecords', prefix: 'oai_qdc' }).raw,
			await oai(`verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:${host}:${internal}`),
			await oai(`verb=GetRecord&metadataPrefix=oai_qdc&identifier=oai:${host}:${embargoed}`),
			await oai('verb=ListRecords&metadataPrefix=oai_dc&set=type'),
			await oai('verb=ListSets')
		].join('\n');
		for (const t of titles) expect(everything).not.toContain(t);
		for (const h of await hiddenRecords(dataDir)) expect(everything, h.why).not.toContain(h.title);

		// Public again: back as a record, with a new datestamp.
		const back = harvest(base(), { verb: 'ListIdentifiers' }).responseDate;
		await api('PATCH', `/api/v1/publications/${internal}`, { access: 'public' });
		const returned = harvest(base(), { verb: 'ListIdentifiers', from: back });
		expect(returned.records.map((r) => [idOf(r.identifier), r.status])).toEqual([
			[internal, 'active']
		]);
	});

	it('a change in the same second as the last harvest is still in the next one (inclusive from)', async () => {
		// Freeze the server clock on one second: the harvest and the change share it.
		const second = new Date(Math.floor(Date.now() / 1000) * 1000 + 1000).toISOString();
		fs.writeFileSync(clockFile, second);
		try {
			const before = harvest(base(), { verb: 'ListIdentifiers' });
			expect(before.responseDate).toBe(second.slice(0, 19) + 'Z');
			const changed = await demoPublic(4);
			await api('PATCH', `/api/v1/publications/${changed}`, { subtitle: 'Edisi revisi' });
			const inc = harvest(base(), { verb: 'ListIdentifiers', from: before.responseDate });
			expect(inc.records.map((r) => idOf(r.identifier))).toContain(changed);
			expect(inc.records.find((r) => idOf(r.identifier) === changed)?.datestamp).toBe(
				before.responseDate
			);
		} finally {
			fs.rmSync(clockFile, { force: true });
		}
		// Let real time pass the frozen second before anything else is dated.
		await new Promise((r) => setTimeout(r, 1100));
	});

	it('a resumption token survives a server restart', async () => {
		const first = await oai('verb=ListIdentifiers&metadataPrefix=oai_dc');
		const [tok] = texts(first, 'resumptionToken');
		expect(tok).toBeTruthy();
		await server.stop();
		// Same public origin as before (a proxy in front would keep it): same identifiers and URLs.
		server = await startServer(dataDir, env());
		const second = await oai(`verb=ListIdentifiers&resumptionToken=${encodeURIComponent(tok)}`);
		expectValid(second);
		expect(attributes(second, 'resumptionToken')?.cursor).toBe('100');
		const seen = [...texts(first, 'identifier'), ...texts(second, 'identifier')];
		expect(new Set(seen).size).toBe(seen.length);
		const total = Number(attributes(first, 'resumptionToken')!.completeListSize);
		expect(seen.length).toBe(total);
	}, 60_000);

	it('a token expires after 24 hours with badResumptionToken', async () => {
		const first = await oai('verb=ListRecords&metadataPrefix=oai_dc');
		const [tok] = texts(first, 'resumptionToken');
		fs.writeFileSync(clockFile, new Date(Date.now() + 25 * 3600 * 1000).toISOString());
		try {
			const xml = await oai(`verb=ListRecords&resumptionToken=${encodeURIComponent(tok)}`);
			expectValid(xml);
			expect(attributes(xml, 'error')?.code).toBe('badResumptionToken');
			expect(texts(xml, 'error')[0]).toMatch(/expired/);
		} finally {
			fs.rmSync(clockFile, { force: true });
		}
	});
});
