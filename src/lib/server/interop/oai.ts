import crypto from 'node:crypto';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { Db } from '../db/index.ts';
import type { PublicationRow } from '../db/schema.ts';
import { writeTransaction } from '../db/write.js';
import { canSeePublication, today, visibleTo } from '../access.ts';
import { clock } from '../clock.ts';
import { hydrate } from '../catalog/publications.ts';
import { translator } from '../../i18n/index.ts';
import type { Publication } from '../../types.ts';
import { dublinCore, type DcStatement } from './dublin-core.ts';

/**
 * OAI-PMH 2.0 data provider (https://www.openarchives.org/OAI/openarchivesprotocol.html):
 * the six verbs over what the anonymous public may see, in `oai_dc` and qualified Dublin Core
 * (`oai_qdc`). README "OAI-PMH (Indonesia OneSearch)" documents the mapping and the policies.
 *
 * What harvesters see is decided by `reconcile`: before answering, when the catalog version or
 * the UTC day changed since the last pass, every record visible to anonymous readers
 * (access.ts `visibleTo(null)`) is compared with what was exposed before (`oai_records`). New or
 * changed public Dublin Core gets a new datestamp; a record exposed before that is no longer
 * visible (withdrawn, made internal or restricted, put under embargo, back to draft) becomes a
 * deleted record with a new datestamp, so incremental harvesters delete it. Records never
 * exposed never enter the table, so the protocol cannot reveal even their identifier.
 */

/** The OAI-PMH 2.0 namespace. */
export const OAI_NS = 'http://www.openarchives.org/OAI/2.0/';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const OAI_SCHEMA = 'http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd';
const DC_NS = 'http://purl.org/dc/elements/1.1/';
const DCTERMS_NS = 'http://purl.org/dc/terms/';
const ID_NS = 'http://www.openarchives.org/OAI/2.0/oai-identifier';

/** Records per ListIdentifiers / ListRecords answer. */
export const PAGE_SIZE = 100;
/** How long a resumption token stays valid. */
export const TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

/** The metadata formats this provider disseminates, every record in each. */
export const FORMATS = {
	oai_dc: {
		schema: 'http://www.openarchives.org/OAI/2.0/oai_dc.xsd',
		namespace: 'http://www.openarchives.org/OAI/2.0/oai_dc/'
	},
	// Qualified Dublin Core in the container namespace OCLC defined for OAI (`oai_qdc`, as
	// CONTENTdm and DPLA hubs harvest it): DCMI's qualifieddc element with DC elements and
	// DCMI term refinements, encoding schemes as xsi:type.
	oai_qdc: {
		schema: 'http://worldcat.org/xmlschemas/qdc/1.0/qdc-1.0.xsd',
		namespace: 'http://worldcat.org/xmlschemas/qdc-1.0/'
	}
} as const;
type Prefix = keyof typeof FORMATS;

const VERBS = [
	'Identify',
	'ListMetadataFormats',
	'ListSets',
	'GetRecord',
	'ListIdentifiers',
	'ListRecords'
] as const;
type Verb = (typeof VERBS)[number];

/** Arguments each verb accepts besides `verb`: required, optional, exclusive. */
const ARGUMENTS: Record<Verb, { required: string[]; optional: string[]; exclusive?: string }> = {
	Identify: { required: [], optional: [] },
	ListMetadataFormats: { required: [], optional: ['identifier'] },
	ListSets: { required: [], optional: [], exclusive: 'resumptionToken' },
	GetRecord: { required: ['identifier', 'metadataPrefix'], optional: [] },
	ListIdentifiers: {
		required: ['metadataPrefix'],
		optional: ['from', 'until', 'set'],
		exclusive: 'resumptionToken'
	},
	ListRecords: {
		required: ['metadataPrefix'],
		optional: ['from', 'until', 'set'],
		exclusive: 'resumptionToken'
	}
};

// The syntax OAI-PMH.xsd gives these arguments: anything else could not even be echoed in a
// valid <request>, and is a badArgument.
const PREFIX_RE = /^[A-Za-z0-9\-_.!~*'()]+$/;
const SET_RE = /^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$/;
const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const SECOND_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
// eslint-disable-next-line no-control-regex
const XML_ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDFFF]/;
/** What may be echoed as the identifier attribute (xs:anyURI) of <request>. */
const URI_SAFE = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/;

export type OaiErrorCode =
	| 'badArgument'
	| 'badResumptionToken'
	| 'badVerb'
	| 'cannotDisseminateFormat'
	| 'idDoesNotExist'
	| 'noRecordsMatch'
	| 'noMetadataFormats'
	| 'noSetHierarchy';

/** A protocol error: answered as `<error code>` with HTTP 200, as OAI-PMH prescribes. */
export class OaiError extends Error {
	constructor(
		readonly code: OaiErrorCode,
		message: string
	) {
		super(message);
	}
}

/** Where the provider lives and who runs it (config.origin, config.oaiAdminEmail). */
export interface OaiContext {
	origin: string;
	adminEmail: string;
	/** When the request arrived: its `responseDate`, taken before anything is read. */
	now: Date;
}

/** `YYYY-MM-DDThh:mm:ssZ`: the repository's granularity. */
export function utcSecond(d: Date): string {
	return d.toISOString().slice(0, 19) + 'Z';
}

/** The OAI identifier's namespace part: the host of ORIGIN, without port. */
function repositoryId(origin: string): string {
	return new URL(origin).hostname;
}

/** `oai:<host>:<id>` for a publication id. */
export function oaiIdentifier(origin: string, id: number): string {
	return `oai:${repositoryId(origin)}:${id}`;
}

/** The publication id an OAI identifier of this repository names, or null. */
function parseIdentifier(origin: string, identifier: string): number | null {
	const prefix = `oai:${repositoryId(origin)}:`;
	if (!identifier.startsWith(prefix)) return null;
	const rest = identifier.slice(prefix.length);
	if (!/^[1-9]\d{0,14}$/.test(rest)) return null;
	return Number(rest);
}

/** The granularity and bound of a from/until argument, or null when it is not a legal date. */
function parseDate(raw: string, end: 'from' | 'until'): { day: boolean; stamp: string } | null {
	const second = SECOND_RE.exec(raw);
	const day = second ? null : DAY_RE.exec(raw);
	const m = second ?? day;
	if (!m) return null;
	const [y, mo, d, h = '00', mi = '00', s = '00'] = m.slice(1);
	const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}Z`;
	const t = new Date(iso);
	// Date rolls 2024-02-30 over to March; a date that does not round-trip does not exist.
	if (Number.isNaN(t.getTime()) || utcSecond(t) !== iso) return null;
	if (day) return { day: true, stamp: end === 'from' ? iso : `${y}-${mo}-${d}T23:59:59Z` };
	return { day: false, stamp: iso };
}

// ---------------------------------------------------------------------------------------------
// State: signing key, reconcile marks, earliest datestamp

async function readState(db: Db): Promise<Map<string, string>> {
	const rows = await db.selectFrom('oai_state').select(['key', 'value']).execute();
	return new Map(rows.map((r) => [r.key, r.value]));
}

async function writeState(db: Db, values: Record<string, string>): Promise<void> {
	for (const [key, value] of Object.entries(values))
		await db
			.insertInto('oai_state')
			.values({ key, value })
			.onConflict((oc) => oc.column('key').doUpdateSet({ value }))
			.execute();
}

async function catalogVersion(db: Db): Promise<string> {
	const row = await db
		.selectFrom('catalog_version')
		.select('version')
		.where('id', '=', 1)
		.executeTakeFirst();
	return String(row?.version ?? 0);
}

/**
 * The key resumption tokens are signed with: random, created once, kept in the database so
 * every process signs alike and tokens survive a restart.
 */
async function signingKey(db: Db): Promise<Buffer> {
	const row = await db
		.selectFrom('oai_state')
		.select('value')
		.where('key', '=', 'token_key')
		.executeTakeFirst();
	if (row) return Buffer.from(row.value, 'base64');
	const fresh = crypto.randomBytes(32).toString('base64');
	// Two processes may race here: the first insert wins and both read it back.
	await db
		.insertInto('oai_state')
		.values({ key: 'token_key', value: fresh })
		.onConflict((oc) => oc.column('key').doNothing())
		.execute();
	return signingKey(db);
}

// ---------------------------------------------------------------------------------------------
// Reconcile: what harvesters are told

/** The sets a visible publication belongs to, parents included (`type`, `type:book`, …). */
function setsOf(pub: Publication): string[] {
	const sets = ['type', `type:${pub.type}`];
	if (pub.year !== null) sets.push('year', `year:${pub.year}`);
	if (pub.series && SET_RE.test(pub.series.slug)) sets.push('series', `series:${pub.series.slug}`);
	return sets;
}

function fingerprint(dc: DcStatement[], sets: string[]): string {
	return crypto.createHash('sha256').update(JSON.stringify({ dc, sets })).digest('base64url');
}

/** A stored timestamp (`2026-01-02 03:04:05` or ISO) as a UTC second, or null. */
function asUtcSecond(raw: string | null | undefined): string | null {
	if (!raw) return null;
	const t = new Date(/[zZ]|[+-]\d{2}:?\d{2}$/.test(raw) ? raw : `${raw.replace(' ', 'T')}Z`);
	return Number.isNaN(t.getTime()) ? null : utcSecond(t);
}

const CHUNK = 400;

/** What the public sees of one record: its fingerprint, sets and last update. */
interface Exposure {
	fingerprint: string;
	sets: string[];
	updatedAt: string;
}

/** Every record the anonymous public may see at `now`, described as harvesters will see it. */
async function describeVisible(db: Db, origin: string, now: Date): Promise<Map<number, Exposure>> {
	const ids = (
		await db
			.selectFrom('publications')
			.select('id')
			.where(visibleTo(null, now))
			.orderBy('id')
			.execute()
	).map((r) => r.id);
	const out = new Map<number, Exposure>();
	for (let i = 0; i < ids.length; i += CHUNK) {
		const rows = await db
			.selectFrom('publications')
			.selectAll()
			.where('id', 'in', ids.slice(i, i + CHUNK))
			.execute();
		for (const pub of await hydrate(db, rows)) {
			const sets = setsOf(pub);
			out.set(pub.id, {
				fingerprint: fingerprint(dublinCore(pub, { origin }), sets),
				sets,
				updatedAt: pub.updatedAt
			});
		}
	}
	return out;
}

/** Writes the difference between what was exposed and `visible` (inside the write lock). */
async function apply(
	tx: Db,
	visible: Map<number, Exposure>,
	state: Map<string, string>,
	marks: { version: string; day: string; origin: string },
	now: Date
): Promise<void> {
	const stamp = utcSecond(now);
	const first = !state.has('earliest');
	let earliest = state.get('earliest') ?? stamp;
	const known = new Map(
		(
			await tx
				.selectFrom('oai_records')
				.select(['publication_id', 'deleted', 'fingerprint'])
				.execute()
		).map((r) => [r.publication_id, r])
	);
	for (const [id, e] of visible) {
		const before = known.get(id);
		if (before && before.deleted === 0 && before.fingerprint === e.fingerprint) continue;
		let datestamp = stamp;
		if (first) {
			const updated = asUtcSecond(e.updatedAt);
			if (updated && updated < stamp) datestamp = updated;
			if (datestamp < earliest) earliest = datestamp;
		}
		const fp = e.fingerprint;
		await tx
			.insertInto('oai_records')
			.values({ publication_id: id, datestamp, deleted: 0, fingerprint: fp })
			.onConflict((oc) =>
				oc.column('publication_id').doUpdateSet({ datestamp, deleted: 0, fingerprint: fp })
			)
			.execute();
		await tx.deleteFrom('oai_record_sets').where('publication_id', '=', id).execute();
		await tx
			.insertInto('oai_record_sets')
			.values(e.sets.map((set_spec) => ({ publication_id: id, set_spec })))
			.execute();
	}
	// Exposed before, not visible now: a deletion harvesters must hear about. Its sets stay as
	// they were, so set-selective harvesters get the deletion too.
	const gone = [...known.values()]
		.filter((r) => r.deleted === 0 && !visible.has(r.publication_id))
		.map((r) => r.publication_id);
	for (let i = 0; i < gone.length; i += CHUNK)
		await tx
			.updateTable('oai_records')
			.set({ deleted: 1, datestamp: stamp })
			.where('publication_id', 'in', gone.slice(i, i + CHUNK))
			.execute();
	await writeState(tx, { ...marks, earliest });
}

/**
 * Brings `oai_records` up to date with what the anonymous public may see, when the catalog
 * version, the UTC day (embargoes lift by date) or ORIGIN (identifiers and URLs) changed since
 * the last pass. Another process that got there first is noticed and nothing is done twice.
 *
 * The catalog is described outside the write lock (a quarter of a second for 5,000 records),
 * then the difference is written in one IMMEDIATE transaction — only if the catalog version
 * and day are still the ones described; otherwise it is described again (after three tries,
 * under the lock, so a busy circulation desk cannot starve it).
 *
 * Datestamps are the time of the write, taken after the write lock is held: every request that
 * did not see a change started before it, so its `responseDate` is at most the change's
 * datestamp, and an incremental harvest `from` that responseDate (inclusive, to the second)
 * always gets it — even when the change and the earlier harvest fall in the same second.
 * The first pass of an empty provider dates each record by its last update instead (no
 * harvester can have missed anything yet), so earliestDatestamp means something.
 */
export async function reconcile(db: Db, origin: string): Promise<void> {
	const marks = async (d: Db) => ({
		version: await catalogVersion(d),
		day: today(clock()),
		origin
	});
	const clean = (s: Map<string, string>, m: { version: string; day: string; origin: string }) =>
		s.get('version') === m.version && s.get('day') === m.day && s.get('origin') === m.origin;
	if (clean(await readState(db), await marks(db))) return;
	for (let attempt = 1; ; attempt++) {
		const underLock = attempt > 3;
		const before = await marks(db);
		const visible = underLock ? null : await describeVisible(db, origin, clock());
		const done = await writeTransaction(db, async (tx) => {
			const state = await readState(tx);
			const now = await marks(tx);
			if (clean(state, now)) return true;
			if (visible && (now.version !== before.version || now.day !== before.day)) return false;
			await apply(tx, visible ?? (await describeVisible(tx, origin, clock())), state, now, clock());
			return true;
		});
		if (done) return;
	}
}

// ---------------------------------------------------------------------------------------------
// Resumption tokens

interface TokenState {
	/** verb */
	v: 'ListIdentifiers' | 'ListRecords';
	/** metadataPrefix */
	m: Prefix;
	s?: string;
	/** from / until, as inclusive UTC seconds */
	f?: string;
	u?: string;
	/** cursor: records returned before the page this token asks for */
	c: number;
	/** completeListSize when the list was first asked for */
	n: number;
	/** last (datestamp, id) returned */
	k: [string, number];
	/** expiry, epoch ms */
	e: number;
}

function sign(key: Buffer, body: string): string {
	return crypto.createHmac('sha256', key).update(body).digest('base64url');
}

function encodeToken(key: Buffer, state: TokenState): string {
	const body = Buffer.from(JSON.stringify(state)).toString('base64url');
	return `${body}.${sign(key, body)}`;
}

/** The state a token carries, or a badResumptionToken for anything forged, stale or foreign. */
function decodeToken(key: Buffer, token: string, verb: Verb, now: Date): TokenState {
	const bad = (why: string) => new OaiError('badResumptionToken', why);
	const m = /^([A-Za-z0-9_-]{1,4000})\.([A-Za-z0-9_-]{43})$/.exec(token);
	if (!m) throw bad('The resumption token is not one this repository issued.');
	const expected = Buffer.from(sign(key, m[1]));
	const given = Buffer.from(m[2]);
	if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given))
		throw bad('The resumption token is not one this repository issued.');
	let s: TokenState;
	try {
		s = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8'));
	} catch {
		throw bad('The resumption token is not one this repository issued.');
	}
	if (s.v !== verb) throw bad(`The resumption token belongs to ${s.v}, not ${verb}.`);
	if (!(typeof s.e === 'number' && s.e > now.getTime()))
		throw bad('The resumption token has expired; start the list again.');
	return s;
}

// ---------------------------------------------------------------------------------------------
// Response document

interface Doc {
	root: XMLBuilder;
	end(): string;
}

function document(ctx: OaiContext, request: Record<string, string> | null): Doc {
	const doc = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '' });
	const root = doc.ele(OAI_NS, 'OAI-PMH', {
		'xmlns:xsi': XSI_NS,
		'xsi:schemaLocation': `${OAI_NS} ${OAI_SCHEMA}`
	});
	root.ele('responseDate').txt(utcSecond(ctx.now));
	root.ele('request', request ?? {}).txt(baseUrl(ctx));
	return { root, end: () => doc.end({ prettyPrint: true }) };
}

function baseUrl(ctx: OaiContext): string {
	return `${ctx.origin.replace(/\/+$/, '')}/oai`;
}

interface HeaderRow {
	publication_id: number;
	datestamp: string;
	deleted: number;
}

function header(
	parent: XMLBuilder,
	ctx: OaiContext,
	row: HeaderRow,
	sets: string[],
	deleted: boolean
) {
	const h = parent.ele('header', deleted ? { status: 'deleted' } : {});
	h.ele('identifier').txt(oaiIdentifier(ctx.origin, row.publication_id));
	h.ele('datestamp').txt(row.datestamp);
	// Leaf sets only; membership of the parent (`type`) follows from the hierarchy.
	for (const s of sets.filter((x) => x.includes(':')).sort()) h.ele('setSpec').txt(s);
}

function metadata(parent: XMLBuilder, prefix: Prefix, dc: DcStatement[]) {
	const m = parent.ele('metadata');
	if (prefix === 'oai_dc') {
		const root = m.ele(FORMATS.oai_dc.namespace, 'oai_dc:dc', {
			'xmlns:dc': DC_NS,
			'xmlns:xsi': XSI_NS,
			'xsi:schemaLocation': `${FORMATS.oai_dc.namespace} ${FORMATS.oai_dc.schema}`
		});
		// Simple DC: every statement under its element, refinements dumbed down.
		for (const s of dc)
			root.ele(DC_NS, `dc:${s.element}`, s.lang ? { 'xml:lang': s.lang } : {}).txt(s.value);
		return;
	}
	const root = m.ele(FORMATS.oai_qdc.namespace, 'oai_qdc:qualifieddc', {
		'xmlns:dc': DC_NS,
		'xmlns:dcterms': DCTERMS_NS,
		'xmlns:xsi': XSI_NS,
		'xsi:schemaLocation': `${FORMATS.oai_qdc.namespace} ${FORMATS.oai_qdc.schema}`
	});
	for (const s of dc) {
		const attrs: Record<string, string> = {};
		if (s.scheme) attrs['xsi:type'] = `dcterms:${s.scheme}`;
		if (s.lang) attrs['xml:lang'] = s.lang;
		const el = s.term
			? root.ele(DCTERMS_NS, `dcterms:${s.term}`, attrs)
			: root.ele(DC_NS, `dc:${s.element}`, attrs);
		el.txt(s.value);
	}
}

// ---------------------------------------------------------------------------------------------
// Verbs

/** Earliest datestamp: fixed by the first reconcile and never later than any datestamp. */
async function earliest(db: Db, ctx: OaiContext): Promise<string> {
	return (await readState(db)).get('earliest') ?? utcSecond(ctx.now);
}

async function identify(db: Db, ctx: OaiContext, doc: Doc) {
	const el = doc.root.ele('Identify');
	const id = translator('id');
	el.ele('repositoryName').txt(id('oai.repositoryName'));
	el.ele('baseURL').txt(baseUrl(ctx));
	el.ele('protocolVersion').txt('2.0');
	el.ele('adminEmail').txt(ctx.adminEmail);
	el.ele('earliestDatestamp').txt(await earliest(db, ctx));
	el.ele('deletedRecord').txt('persistent');
	el.ele('granularity').txt('YYYY-MM-DDThh:mm:ssZ');
	const host = repositoryId(ctx.origin);
	// The oai-identifier scheme needs a domain name; an IP or `localhost` origin (development)
	// still gets identifiers, just no description claiming the scheme.
	if (/^[a-zA-Z][a-zA-Z0-9-]*(\.[a-zA-Z][a-zA-Z0-9-]*)+$/.test(host)) {
		const d = el.ele('description').ele(ID_NS, 'oai-identifier', {
			'xmlns:xsi': XSI_NS,
			'xsi:schemaLocation': `${ID_NS} http://www.openarchives.org/OAI/2.0/oai-identifier.xsd`
		});
		d.ele('scheme').txt('oai');
		d.ele('repositoryIdentifier').txt(host);
		d.ele('delimiter').txt(':');
		d.ele('sampleIdentifier').txt(oaiIdentifier(ctx.origin, 1));
	}
}

async function recordRow(db: Db, ctx: OaiContext, identifier: string) {
	const id = parseIdentifier(ctx.origin, identifier);
	const row =
		id === null
			? undefined
			: await db
					.selectFrom('oai_records')
					.select(['publication_id', 'datestamp', 'deleted'])
					.where('publication_id', '=', id)
					.executeTakeFirst();
	if (!row)
		throw new OaiError(
			'idDoesNotExist',
			'No record with this identifier exists in this repository.'
		);
	return row;
}

async function listMetadataFormats(
	db: Db,
	ctx: OaiContext,
	args: Record<string, string>,
	doc: Doc
) {
	if (args.identifier !== undefined) await recordRow(db, ctx, args.identifier);
	const el = doc.root.ele('ListMetadataFormats');
	for (const [prefix, f] of Object.entries(FORMATS)) {
		const mf = el.ele('metadataFormat');
		mf.ele('metadataPrefix').txt(prefix);
		mf.ele('schema').txt(f.schema);
		mf.ele('metadataNamespace').txt(f.namespace);
	}
}

async function listSets(db: Db, doc: Doc) {
	// Only sets with a record the public sees now: a series whose records were all hidden
	// later is not announced (its deletions are still reported under its setSpec).
	const specs = (
		await db
			.selectFrom('oai_record_sets as s')
			.innerJoin('oai_records as r', 'r.publication_id', 's.publication_id')
			.select('s.set_spec')
			.distinct()
			.where('r.deleted', '=', 0)
			.orderBy('s.set_spec')
			.execute()
	).map((r) => r.set_spec);
	const slugs = specs.filter((s) => s.startsWith('series:')).map((s) => s.slice(7));
	const series = new Map(
		slugs.length
			? (
					await db
						.selectFrom('series')
						.select(['slug', 'title'])
						.where('slug', 'in', slugs)
						.execute()
				).map((r) => [r.slug, r.title])
			: []
	);
	const id = translator('id');
	const en = translator('en');
	const bilingual = (key: string) => {
		const [a, b] = [id(key), en(key)];
		return a === b ? a : `${a} / ${b}`;
	};
	const el = doc.root.ele('ListSets');
	for (const spec of specs) {
		const [kind, value] = spec.split(':', 2);
		let name: string;
		if (value === undefined) name = bilingual(`oai.set.${kind}`);
		else if (kind === 'type') name = bilingual(`type.${value}`);
		else if (kind === 'series') name = series.get(value) ?? value;
		else name = value;
		const s = el.ele('set');
		s.ele('setSpec').txt(spec);
		s.ele('setName').txt(name);
	}
}

/** Rows visible to the public now, hydrated, by id (records hidden since reconcile are absent). */
async function visiblePublications(db: Db, ids: number[]): Promise<Map<number, Publication>> {
	if (ids.length === 0) return new Map();
	const now = clock();
	const rows: PublicationRow[] = await db
		.selectFrom('publications')
		.selectAll()
		.where('id', 'in', ids)
		.where(visibleTo(null, now))
		.execute();
	// The policy's predicate once more, as every other route does before revealing a record.
	const shown = rows.filter((r) => canSeePublication(null, r, now));
	return new Map((await hydrate(db, shown)).map((p) => [p.id, p]));
}

async function setsFor(db: Db, ids: number[]): Promise<Map<number, string[]>> {
	const out = new Map<number, string[]>();
	if (ids.length === 0) return out;
	const rows = await db
		.selectFrom('oai_record_sets')
		.select(['publication_id', 'set_spec'])
		.where('publication_id', 'in', ids)
		.execute();
	for (const r of rows)
		out.set(r.publication_id, [...(out.get(r.publication_id) ?? []), r.set_spec]);
	return out;
}

async function getRecord(db: Db, ctx: OaiContext, args: Record<string, string>, doc: Doc) {
	const prefix = args.metadataPrefix as Prefix;
	const row = await recordRow(db, ctx, args.identifier);
	const [pubs, sets] = await Promise.all([
		row.deleted ? new Map<number, Publication>() : visiblePublications(db, [row.publication_id]),
		setsFor(db, [row.publication_id])
	]);
	const pub = pubs.get(row.publication_id);
	const rec = doc.root.ele('GetRecord').ele('record');
	header(rec, ctx, row, sets.get(row.publication_id) ?? [], !pub);
	if (pub) metadata(rec, prefix, dublinCore(pub, { origin: ctx.origin }));
}

async function list(
	db: Db,
	ctx: OaiContext,
	verb: 'ListIdentifiers' | 'ListRecords',
	args: Record<string, string>,
	doc: Doc
) {
	const key = await signingKey(db);
	let state: Omit<TokenState, 'e' | 'k' | 'n'> & { k?: [string, number]; n?: number };
	if (args.resumptionToken !== undefined) {
		state = decodeToken(key, args.resumptionToken, verb, ctx.now);
	} else {
		const from = args.from !== undefined ? parseDate(args.from, 'from') : undefined;
		const until = args.until !== undefined ? parseDate(args.until, 'until') : undefined;
		// Syntax was checked with the arguments; what is left is how the two relate.
		if (from && until && from.day !== until.day)
			throw new OaiError('badArgument', 'from and until must have the same granularity.');
		if (from && until && from.stamp > until.stamp)
			throw new OaiError('badArgument', 'from is later than until.');
		state = {
			v: verb,
			m: args.metadataPrefix as Prefix,
			s: args.set,
			f: from?.stamp,
			u: until?.stamp,
			c: 0
		};
	}
	let q = db.selectFrom('oai_records as r');
	if (state.f) q = q.where('r.datestamp', '>=', state.f);
	if (state.u) q = q.where('r.datestamp', '<=', state.u);
	if (state.s) {
		const spec = state.s;
		q = q.where(({ exists, selectFrom }) =>
			exists(
				selectFrom('oai_record_sets as s')
					.select('s.publication_id')
					.whereRef('s.publication_id', '=', 'r.publication_id')
					.where('s.set_spec', '=', spec)
			)
		);
	}
	const total =
		state.n ??
		Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
	if (state.k) {
		const [ds, id] = state.k;
		q = q.where((eb) =>
			eb.or([
				eb('r.datestamp', '>', ds),
				eb.and([eb('r.datestamp', '=', ds), eb('r.publication_id', '>', id)])
			])
		);
	}
	const rows = await q
		.select(['r.publication_id', 'r.datestamp', 'r.deleted'])
		.orderBy('r.datestamp')
		.orderBy('r.publication_id')
		.limit(PAGE_SIZE + 1)
		.execute();
	if (rows.length === 0)
		throw new OaiError('noRecordsMatch', 'No records match the given arguments.');
	const page = rows.slice(0, PAGE_SIZE);
	const ids = page.map((r) => r.publication_id);
	const [pubs, sets] = await Promise.all([
		visiblePublications(
			db,
			page.filter((r) => !r.deleted).map((r) => r.publication_id)
		),
		setsFor(db, ids)
	]);
	const el = doc.root.ele(verb);
	for (const row of page) {
		const pub = pubs.get(row.publication_id);
		const rowSets = sets.get(row.publication_id) ?? [];
		if (verb === 'ListIdentifiers') header(el, ctx, row, rowSets, !pub);
		else {
			const rec = el.ele('record');
			header(rec, ctx, row, rowSets, !pub);
			if (pub) metadata(rec, state.m, dublinCore(pub, { origin: ctx.origin }));
		}
	}
	const more = rows.length > PAGE_SIZE;
	// A list that needed a token ends with an empty one; a list that fit in one answer has none.
	if (more) {
		const last = page[page.length - 1];
		const expires = new Date(ctx.now.getTime() + TOKEN_TTL_MS);
		const next: TokenState = {
			...state,
			c: state.c + page.length,
			n: total,
			k: [last.datestamp, last.publication_id],
			e: expires.getTime()
		};
		el.ele('resumptionToken', {
			expirationDate: utcSecond(expires),
			completeListSize: String(total),
			cursor: String(state.c)
		}).txt(encodeToken(key, next));
	} else if (args.resumptionToken !== undefined) {
		el.ele('resumptionToken', { completeListSize: String(total), cursor: String(state.c) });
	}
}

// ---------------------------------------------------------------------------------------------
// Entry point

/** The arguments of one request, validated for its verb; throws badVerb / badArgument. */
function validate(pairs: [string, string][] | null): { verb: Verb; args: Record<string, string> } {
	if (pairs === null)
		throw new OaiError('badArgument', 'POST requests must be application/x-www-form-urlencoded.');
	const verbs = pairs.filter(([k]) => k === 'verb').map(([, v]) => v);
	if (verbs.length === 0) throw new OaiError('badVerb', 'The verb argument is missing.');
	if (verbs.length > 1) throw new OaiError('badVerb', 'The verb argument is repeated.');
	const verb = verbs[0] as Verb;
	if (!VERBS.includes(verb))
		throw new OaiError('badVerb', 'The value of the verb argument is not a legal OAI-PMH verb.');
	const spec = ARGUMENTS[verb];
	const args: Record<string, string> = {};
	for (const [k, v] of pairs) {
		if (k === 'verb') continue;
		if (![...spec.required, ...spec.optional, spec.exclusive].includes(k))
			throw new OaiError('badArgument', `${verb} does not take the argument "${k}".`);
		if (k in args) throw new OaiError('badArgument', `The argument "${k}" is repeated.`);
		if (XML_ILLEGAL.test(v))
			throw new OaiError('badArgument', `The argument "${k}" has an illegal value.`);
		args[k] = v;
	}
	if (spec.exclusive && args[spec.exclusive] !== undefined) {
		if (Object.keys(args).length > 1)
			throw new OaiError('badArgument', `${spec.exclusive} is an exclusive argument.`);
		return { verb, args };
	}
	for (const k of spec.required)
		if (args[k] === undefined)
			throw new OaiError('badArgument', `${verb} requires the argument "${k}".`);
	if (args.metadataPrefix !== undefined && !PREFIX_RE.test(args.metadataPrefix))
		throw new OaiError('badArgument', 'The metadataPrefix has illegal syntax.');
	if (args.set !== undefined && !SET_RE.test(args.set))
		throw new OaiError('badArgument', 'The set argument has illegal syntax.');
	for (const k of ['from', 'until'] as const)
		if (args[k] !== undefined && !parseDate(args[k], k))
			throw new OaiError(
				'badArgument',
				`${k} must be a date YYYY-MM-DD or a UTC time YYYY-MM-DDThh:mm:ssZ that exists.`
			);
	return { verb, args };
}

/** The arguments that can be echoed in <request> (all validated, identifier if URI-safe). */
function echo(verb: Verb, args: Record<string, string>): Record<string, string> {
	const out: Record<string, string> = { verb };
	for (const [k, v] of Object.entries(args)) if (k !== 'identifier' || URI_SAFE.test(v)) out[k] = v;
	return out;
}

/**
 * Answers one OAI-PMH request — `pairs` are its arguments in order (repeats kept), or null for
 * a POST body that is not a form — with the XML document to send (always HTTP 200: protocol
 * errors are `<error>` elements). Only what the anonymous public may see is ever described.
 */
export async function respond(
	db: Db,
	pairs: [string, string][] | null,
	ctx: OaiContext
): Promise<string> {
	let verb: Verb;
	let args: Record<string, string>;
	try {
		({ verb, args } = validate(pairs));
	} catch (err) {
		if (!(err instanceof OaiError)) throw err;
		// badVerb / badArgument: <request> carries no attributes (the spec's rule).
		const doc = document(ctx, null);
		doc.root.ele('error', { code: err.code }).txt(err.message);
		return doc.end();
	}
	const doc = document(ctx, echo(verb, args));
	try {
		if (args.metadataPrefix !== undefined && !(args.metadataPrefix in FORMATS))
			throw new OaiError(
				'cannotDisseminateFormat',
				`The metadata format "${args.metadataPrefix}" is not supported: use oai_dc or oai_qdc.`
			);
		if (verb === 'ListSets' && args.resumptionToken !== undefined)
			throw new OaiError(
				'badResumptionToken',
				'ListSets answers are complete; there is nothing to resume.'
			);
		await reconcile(db, ctx.origin);
		switch (verb) {
			case 'Identify':
				await identify(db, ctx, doc);
				break;
			case 'ListMetadataFormats':
				await listMetadataFormats(db, ctx, args, doc);
				break;
			case 'ListSets':
				await listSets(db, doc);
				break;
			case 'GetRecord':
				await getRecord(db, ctx, args, doc);
				break;
			case 'ListIdentifiers':
			case 'ListRecords':
				await list(db, ctx, verb, args, doc);
				break;
		}
		return doc.end();
	} catch (err) {
		if (!(err instanceof OaiError)) throw err;
		// The verb's element may be half built; start a clean document for the error.
		const failed = document(ctx, err.code === 'badArgument' ? null : echo(verb, args));
		failed.root.ele('error', { code: err.code }).txt(err.message);
		return failed.end();
	}
}
