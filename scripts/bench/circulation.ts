import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { startTimed } from './server.ts';

/**
 * Circulation scenario: desk operations through the HTTP API of the built server on a copy of
 * the demo catalog — adding copies, checkouts and check-ins one after another (a librarian at
 * the desk) and 10 at a time (several desks / integrations), then 20 members racing for the
 * last digital copy (correctness: exactly one wins; and how long the losers wait).
 */
const PASSWORD = 'bench-password-1';
const EMPLOYEE_NIP = '199003202015031003';
const COPIES = 200;

export interface CirculationResult {
	copies: number;
	addItem: Stats;
	checkoutSequential: Stats;
	checkinSequential: Stats;
	checkoutParallel10: Stats & { perSecond: number };
	digitalRace: { contenders: number; winners: number; p95: number; max: number };
}

interface Stats {
	p50: number;
	p95: number;
	max: number;
}

function stats(ms: number[]): Stats {
	const s = [...ms].sort((a, b) => a - b);
	const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
	return { p50: at(0.5), p95: at(0.95), max: s[s.length - 1] };
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

async function timedPost(url: string, cookie: string, p: string, body: unknown) {
	const t0 = performance.now();
	const res = await fetch(`${url}${p}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: url, cookie },
		body: JSON.stringify(body)
	});
	const json = await res.json();
	return { ms: performance.now() - t0, status: res.status, json };
}

export async function circulationScenario(seededDir: string): Promise<CirculationResult> {
	const dataDir = path.join(os.tmpdir(), `djkn-bench-circ-${crypto.randomUUID()}`);
	fs.cpSync(seededDir, dataDir, { recursive: true });
	const server = await startTimed(dataDir);
	try {
		const db = new SQLite(path.join(dataDir, 'perpustakaan.sqlite'));
		db.pragma('busy_timeout = 5000');
		// A bench member may hold every copy; the default limit (5) is a policy, not a cost.
		db.prepare('update loan_policies set max_loans = 100000').run();
		const { id: pub } = db
			.prepare(`select id from publications where status = 'published' order by id limit 1`)
			.get() as { id: number };
		const racer = db.prepare(
			`insert into users (nip, email, name, role, member_type, password_hash)
			 select ?, ?, ?, 'employee', 'employee', password_hash from users where nip = ?`
		);
		for (let i = 0; i < 20; i++)
			racer.run(`19950101202001${1000 + i}`, `bench${i}@test`, `Bench ${i}`, EMPLOYEE_NIP);
		const { id: lendable } = db
			.prepare(`select id from publications where access = 'restricted' order by id limit 1`)
			.get() as { id: number };
		db.close();

		const lib = await session(server.url, 'pustakawan@perpustakaan.test');
		const add: number[] = [];
		for (let i = 0; i < COPIES; i++)
			add.push(
				(
					await timedPost(server.url, lib, '/api/v1/items', {
						publicationId: pub,
						barcode: `B-${i}`
					})
				).ms
			);
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
		const back: number[] = [];
		for (const id of loanIds)
			back.push((await timedPost(server.url, lib, `/api/v1/loans/${id}/return`, {})).ms);
		// Ten desks at once over the other half.
		const par: number[] = [];
		const t0 = performance.now();
		for (let i = COPIES / 2; i < COPIES; i += 10) {
			const batch = await Promise.all(
				Array.from({ length: 10 }, (_, j) =>
					timedPost(server.url, lib, '/api/v1/loans', { barcode: `B-${i + j}`, nip: EMPLOYEE_NIP })
				)
			);
			par.push(...batch.map((b) => b.ms));
		}
		const parSeconds = (performance.now() - t0) / 1000;

		const patch = await fetch(`${server.url}/api/v1/publications/${lendable}`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/json', origin: server.url, cookie: lib },
			body: JSON.stringify({ digitalCopies: 1 })
		});
		if (patch.status !== 200) throw new Error(`digitalCopies: ${patch.status}`);
		const racers = await Promise.all(
			Array.from({ length: 20 }, (_, i) => session(server.url, `19950101202001${1000 + i}`))
		);
		const race = await Promise.all(
			racers.map((c) => timedPost(server.url, c, `/api/v1/publications/${lendable}/borrow`, {}))
		);
		const raceStats = stats(race.map((r) => r.ms));
		return {
			copies: COPIES,
			addItem: stats(add),
			checkoutSequential: stats(out),
			checkinSequential: stats(back),
			checkoutParallel10: { ...stats(par), perSecond: par.length / parSeconds },
			digitalRace: {
				contenders: race.length,
				winners: race.filter((r) => r.status === 201).length,
				p95: raceStats.p95,
				max: raceStats.max
			}
		};
	} finally {
		await server.stop();
		fs.rmSync(dataDir, { recursive: true, force: true });
	}
}

/** The scenario's table for the bench report. */
export function circulationTable(r: CirculationResult): string {
	const f = (n: number) => n.toFixed(1);
	const row = (name: string, s: Stats) => `| ${name} | ${f(s.p50)} | ${f(s.p95)} | ${f(s.max)} |`;
	return [
		`\nCirculation — ${r.copies} copies through the HTTP API (ms)`,
		'| operation | p50 | p95 | max |',
		'|---|---:|---:|---:|',
		row('add copy (POST /items)', r.addItem),
		row('checkout, one desk', r.checkoutSequential),
		row('check-in, one desk', r.checkinSequential),
		row(`checkout, 10 at once (${f(r.checkoutParallel10.perSecond)}/s)`, r.checkoutParallel10),
		`| digital race: ${r.digitalRace.contenders} members, last copy → ${r.digitalRace.winners} winner(s) | | ${f(r.digitalRace.p95)} | ${f(r.digitalRace.max)} |`
	].join('\n');
}
