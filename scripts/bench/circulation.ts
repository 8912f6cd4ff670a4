import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { startTimed } from './server.ts';
import { checkInvariants } from '../lib/invariants.ts';

/**
 * Circulation scenario: desk operations through the HTTP API of the built server on a copy of
 * the demo catalog — adding copies, checkouts, renewals and check-ins one after another (a
 * librarian at the desk); then CLIENTS independent librarian sessions looping checkout → return
 * for a fixed time over a shared pool of copies and members (contention on purpose: two clients
 * sometimes want the same copy, a busy member runs into the loan limit); then 20 members racing
 * for the last digital copy. The circulation invariants are checked by SQL on the SQLite file
 * itself — on read-only snapshots every second during the concurrent phase (while loans are
 * open) and after the run; any violation, or any unexpected answer, fails the run.
 * Env: BENCH_CIRC_SECONDS (concurrent phase, default 15), BENCH_CIRC_CLIENTS (default 20).
 */
const PASSWORD = 'bench-password-1';
const EMPLOYEE_NIP = '199003202015031003';
const LIBRARIAN = 'pustakawan@perpustakaan.test';
const COPIES = 200;
const MEMBERS = 20;
const RENEWALS = 10;
const SECONDS = Number(process.env.BENCH_CIRC_SECONDS || 15);
const CLIENTS = Number(process.env.BENCH_CIRC_CLIENTS || 20);
/** The physical loan limit during the concurrent phase (the seeded default). */
const MAX_LOANS = 5;
/** Share of concurrent checkouts that go to one busy member, so `limit_reached` really happens. */
const BUSY_SHARE = 0.5;
/** How often the invariants are checked on a snapshot during the concurrent phase. */
const SNAPSHOT_MS = 1000;
/** Refusals the concurrent phase provokes on purpose (409 with these codes). */
const EXPECTED_REFUSALS = ['item_not_available', 'limit_reached'];

const memberNip = (i: number) => `19950101202001${1000 + i}`;

export interface Stats {
	n: number;
	p50: number;
	p95: number;
	p99: number;
	max: number;
}

export interface ConcurrentResult {
	clients: number;
	seconds: number;
	copies: number;
	members: number;
	maxLoans: number;
	busyShare: number;
	/** Completed checkout (201) + return (200) pairs. */
	cycles: number;
	cyclesPerSecond: number;
	/** Requests answered as expected: checkouts, returns and expected refusals. */
	operations: number;
	operationsPerSecond: number;
	checkout: Stats;
	checkin: Stats;
	refused: Record<string, number>;
	errors: number;
	/** Unexpected answers by `operation status code` (or the network error), with counts. */
	errorKinds: Record<string, number>;
}

export interface Invariant {
	name: string;
	/** Rows examined after the run (loans, items, members or publications). */
	checked: number;
	/** The most rows examined in one snapshot taken during the concurrent phase. */
	peakChecked: number;
	/** Violations after the run plus those seen in every snapshot during the run. */
	violations: number;
}

/** Read-only snapshots of the database checked while the concurrent phase runs. */
export interface Snapshots {
	count: number;
	/** Time one check took (it runs in the bench process, between client requests). */
	ms: Stats;
}

export interface CirculationResult {
	copies: number;
	addItem: Stats;
	checkoutSequential: Stats;
	renewSequential: Stats;
	checkinSequential: Stats;
	concurrent: ConcurrentResult;
	digitalRace: { contenders: number; winners: number; p95: number; max: number };
	invariants: Invariant[];
	snapshots: Snapshots;
	/** Why the run failed (invariant violations, errors, a wrong race outcome); empty when fine. */
	failures: string[];
}

function stats(ms: number[]): Stats {
	if (ms.length === 0) return { n: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN };
	const s = [...ms].sort((a, b) => a - b);
	const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
	return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: s[s.length - 1] };
}

async function session(url: string, username: string): Promise<string> {
	const res = await fetch(`${url}/api/v1/auth/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: url },
		body: JSON.stringify({ username, password: PASSWORD })
	});
	if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
	return res.headers.getSetCookie()[0].split(';')[0];
}

interface Answer {
	ms: number;
	status: number;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	json: any;
}

async function timedPost(url: string, cookie: string, p: string, body: unknown): Promise<Answer> {
	const t0 = performance.now();
	const res = await fetch(`${url}${p}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: url, cookie },
		body: JSON.stringify(body)
	});
	const text = await res.text();
	let json: unknown = null;
	try {
		json = JSON.parse(text);
	} catch {
		json = { raw: text.slice(0, 200) };
	}
	return { ms: performance.now() - t0, status: res.status, json };
}

/** A request that must not throw: a network failure becomes status 0. */
async function attempt(url: string, cookie: string, p: string, body: unknown): Promise<Answer> {
	const t0 = performance.now();
	try {
		return await timedPost(url, cookie, p, body);
	} catch (err) {
		return { ms: performance.now() - t0, status: 0, json: { error: { code: String(err) } } };
	}
}

/**
 * CLIENTS librarian sessions, each looping for SECONDS: check a random copy of the shared pool
 * out to a member (the busy one BUSY_SHARE of the time, else a random one), then return it.
 */
async function concurrentPhase(
	url: string,
	sessions: string[],
	snapshot: () => void
): Promise<ConcurrentResult> {
	const out: number[] = [];
	const back: number[] = [];
	const refused: Record<string, number> = Object.fromEntries(EXPECTED_REFUSALS.map((c) => [c, 0]));
	const errorKinds: Record<string, number> = {};
	let cycles = 0;
	const unexpected = (op: string, a: Answer) => {
		const key = `${op} ${a.status} ${a.json?.error?.code ?? ''}`.trim();
		errorKinds[key] = (errorKinds[key] ?? 0) + 1;
	};
	const t0 = performance.now();
	const until = t0 + SECONDS * 1000;
	const sampler = async () => {
		for (;;) {
			await new Promise((r) => setTimeout(r, SNAPSHOT_MS));
			if (performance.now() >= until) return;
			snapshot();
		}
	};
	await Promise.all(
		[sampler()].concat(
			sessions.map(async (cookie) => {
				while (performance.now() < until) {
					const barcode = `B-${crypto.randomInt(COPIES)}`;
					const member = Math.random() < BUSY_SHARE ? 0 : crypto.randomInt(MEMBERS);
					const co = await attempt(url, cookie, '/api/v1/loans', {
						barcode,
						nip: memberNip(member)
					});
					if (co.status === 409 && EXPECTED_REFUSALS.includes(co.json?.error?.code)) {
						refused[co.json.error.code]++;
						continue;
					}
					if (co.status !== 201 || typeof co.json?.id !== 'number') {
						unexpected('checkout', co);
						continue;
					}
					out.push(co.ms);
					const ret = await attempt(url, cookie, `/api/v1/loans/${co.json.id}/return`, {});
					if (ret.status !== 200) {
						unexpected('return', ret);
						continue;
					}
					back.push(ret.ms);
					cycles++;
				}
			})
		)
	);
	const seconds = (performance.now() - t0) / 1000;
	const refusals = Object.values(refused).reduce((a, b) => a + b, 0);
	const operations = out.length + back.length + refusals;
	return {
		clients: sessions.length,
		seconds,
		copies: COPIES,
		members: MEMBERS,
		maxLoans: MAX_LOANS,
		busyShare: BUSY_SHARE,
		cycles,
		cyclesPerSecond: cycles / seconds,
		operations,
		operationsPerSecond: operations / seconds,
		checkout: stats(out),
		checkin: stats(back),
		refused,
		errors: Object.values(errorKinds).reduce((a, b) => a + b, 0),
		errorKinds
	};
}

export async function circulationScenario(seededDir: string): Promise<CirculationResult> {
	const dataDir = path.join(os.tmpdir(), `djkn-bench-circ-${crypto.randomUUID()}`);
	fs.cpSync(seededDir, dataDir, { recursive: true });
	const dbFile = path.join(dataDir, 'perpustakaan.sqlite');
	const server = await startTimed(dataDir);
	try {
		const db = new SQLite(dbFile);
		db.pragma('busy_timeout = 5000');
		// At the single desk one member borrows half the copies: the limit is a policy, not a cost.
		db.prepare('update loan_policies set max_loans = 100000').run();
		const { id: pub } = db
			.prepare(`select id from publications where status = 'published' order by id limit 1`)
			.get() as { id: number };
		// Bench members (borrowers in the concurrent phase, racers for the digital copy) and one
		// librarian account per concurrent client, with the demo password.
		const member = db.prepare(
			`insert into users (nip, email, name, role, member_type, password_hash)
			 select ?, ?, ?, 'employee', 'employee', password_hash from users where nip = ?`
		);
		for (let i = 0; i < MEMBERS; i++)
			member.run(memberNip(i), `bench${i}@test`, `Bench ${i}`, EMPLOYEE_NIP);
		const desk = db.prepare(
			`insert into users (email, name, role, member_type, password_hash)
			 select ?, ?, 'librarian', 'staff', password_hash from users where email = ?`
		);
		for (let i = 0; i < CLIENTS; i++) desk.run(`desk${i}@bench.test`, `Desk ${i}`, LIBRARIAN);
		const { id: lendable } = db
			.prepare(`select id from publications where access = 'restricted' order by id limit 1`)
			.get() as { id: number };
		db.close();

		const lib = await session(server.url, LIBRARIAN);
		const add: number[] = [];
		for (let i = 0; i < COPIES; i++) {
			const r = await timedPost(server.url, lib, '/api/v1/items', {
				publicationId: pub,
				barcode: `B-${i}`
			});
			if (r.status !== 201) throw new Error(`add copy ${r.status} ${JSON.stringify(r.json)}`);
			add.push(r.ms);
		}
		const out: number[] = [];
		const loanIds: number[] = [];
		for (let i = 0; i < COPIES / 2; i++) {
			const r = await timedPost(server.url, lib, '/api/v1/loans', {
				barcode: `B-${i}`,
				nip: EMPLOYEE_NIP
			});
			if (r.status !== 201) throw new Error(`checkout ${r.status} ${JSON.stringify(r.json)}`);
			out.push(r.ms);
			loanIds.push(r.json.id);
		}
		const renew: number[] = [];
		for (const id of loanIds.slice(0, RENEWALS)) {
			const r = await timedPost(server.url, lib, `/api/v1/loans/${id}/renew`, {});
			if (r.status !== 200) throw new Error(`renew ${r.status} ${JSON.stringify(r.json)}`);
			renew.push(r.ms);
		}
		const back: number[] = [];
		for (const id of loanIds) {
			const r = await timedPost(server.url, lib, `/api/v1/loans/${id}/return`, {});
			if (r.status !== 200) throw new Error(`return ${r.status} ${JSON.stringify(r.json)}`);
			back.push(r.ms);
		}

		// Concurrent desks: a realistic physical loan limit from here on (the desk reads the policy
		// on every checkout), so a busy member's checkouts are refused with `limit_reached`.
		const rw = new SQLite(dbFile);
		rw.pragma('busy_timeout = 5000');
		rw.prepare(`update loan_policies set max_loans = ? where publication_type <> 'digital'`).run(
			MAX_LOANS
		);
		rw.close();
		const desks = await Promise.all(
			Array.from({ length: CLIENTS }, (_, i) => session(server.url, `desk${i}@bench.test`))
		);
		// WAL: a read-only connection sees a committed state, so every invariant must hold in it.
		const during = new Map<string, { peak: number; violations: number }>();
		const snapshotMs: number[] = [];
		const concurrent = await concurrentPhase(server.url, desks, () => {
			const t = performance.now();
			for (const i of checkInvariants(dbFile)) {
				const d = during.get(i.name) ?? { peak: 0, violations: 0 };
				during.set(i.name, {
					peak: Math.max(d.peak, i.checked),
					violations: d.violations + i.violations
				});
			}
			snapshotMs.push(performance.now() - t);
		});

		const patch = await fetch(`${server.url}/api/v1/publications/${lendable}`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/json', origin: server.url, cookie: lib },
			body: JSON.stringify({ digitalCopies: 1 })
		});
		if (patch.status !== 200) throw new Error(`digitalCopies: ${patch.status}`);
		const racers = await Promise.all(
			Array.from({ length: MEMBERS }, (_, i) => session(server.url, memberNip(i)))
		);
		const race = await Promise.all(
			racers.map((c) => timedPost(server.url, c, `/api/v1/publications/${lendable}/borrow`, {}))
		);
		const raceStats = stats(race.map((r) => r.ms));
		const digitalRace = {
			contenders: race.length,
			winners: race.filter((r) => r.status === 201).length,
			p95: raceStats.p95,
			max: raceStats.max
		};

		await server.stop();
		const invariants: Invariant[] = checkInvariants(dbFile).map((i) => ({
			...i,
			peakChecked: during.get(i.name)?.peak ?? 0,
			violations: i.violations + (during.get(i.name)?.violations ?? 0)
		}));
		const failures = [
			...invariants
				.filter((i) => i.violations !== 0)
				.map((i) => `invariant violated ${i.violations}×: ${i.name}`),
			...Object.entries(concurrent.errorKinds).map(([k, n]) => `unexpected answer ${n}×: ${k}`),
			...(digitalRace.winners === 1
				? []
				: [`digital race: ${digitalRace.winners} winners for the last copy (expected 1)`])
		];
		return {
			copies: COPIES,
			addItem: stats(add),
			checkoutSequential: stats(out),
			renewSequential: stats(renew),
			checkinSequential: stats(back),
			concurrent,
			digitalRace,
			invariants,
			snapshots: { count: snapshotMs.length, ms: stats(snapshotMs) },
			failures
		};
	} finally {
		await server.stop();
		fs.rmSync(dataDir, { recursive: true, force: true });
	}
}

/** The scenario's table for the bench report. */
export function circulationTable(r: CirculationResult): string {
	const f = (n: number) => n.toFixed(1);
	const c = r.concurrent;
	const row = (name: string, s: Stats) =>
		`| ${name} | ${s.n} | ${f(s.p50)} | ${f(s.p95)} | ${f(s.p99)} | ${f(s.max)} |`;
	const refusals = Object.entries(c.refused)
		.map(([k, n]) => `${k} ${n}`)
		.join(', ');
	return [
		`\nCirculation — ${r.copies} copies through the HTTP API (latency in ms)`,
		'| operation | n | p50 | p95 | p99 | max |',
		'|---|---:|---:|---:|---:|---:|',
		row('add copy (POST /items), one desk', r.addItem),
		row('checkout, one desk', r.checkoutSequential),
		row('renew, one desk', r.renewSequential),
		row('check-in, one desk', r.checkinSequential),
		row(`checkout, ${c.clients} clients`, c.checkout),
		row(`return, ${c.clients} clients`, c.checkin),
		`| digital race: ${r.digitalRace.contenders} members, last copy → ${r.digitalRace.winners} winner(s) | ${r.digitalRace.contenders} | | ${f(r.digitalRace.p95)} | | ${f(r.digitalRace.max)} |`,
		'',
		`${c.clients} concurrent clients (own librarian sessions) for ${f(c.seconds)} s, checkout → return over ${c.copies} shared copies and ${c.members} members (${c.busyShare * 100} % to one busy member; limit ${c.maxLoans} loans):`,
		'| measure | value |',
		'|---|---:|',
		`| checkout+return cycles | ${c.cycles} (${f(c.cyclesPerSecond)}/s) |`,
		`| operations (checkouts, returns, expected refusals) | ${c.operations} (${f(c.operationsPerSecond)}/s) |`,
		`| refused, expected (409) | ${refusals} |`,
		`| errors (5xx, unexpected status, network) | ${c.errors} |`,
		...Object.entries(c.errorKinds).map(([k, n]) => `| ↳ ${k} | ${n} |`),
		'',
		`Invariants (SQL on the SQLite file, read-only: ${r.snapshots.count} snapshots during the run, p50 ${f(r.snapshots.ms.p50)} ms each, and after it)`,
		'| invariant | rows checked: peak during / after | violations |',
		'|---|---:|---:|',
		...r.invariants.map((i) => `| ${i.name} | ${i.peakChecked} / ${i.checked} | ${i.violations} |`),
		r.failures.length
			? `\nCIRCULATION FAILED:\n${r.failures.map((x) => `- ${x}`).join('\n')}`
			: '(no errors, no invariant violations)'
	].join('\n');
}
