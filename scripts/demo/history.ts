import type SQLite from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/lib/server/db/schema.ts';
import { writeSync, writeTransaction } from '../../src/lib/server/db/write.js';
import { Rng } from './random.ts';

/**
 * A year of plausible library use for the demo, so a newcomer opening /staff/statistics sees
 * charts rather than zeros: views and downloads (busier mid-week and in term time, a few popular
 * records), physical loans returned on time, and searches — some of which find nothing.
 *
 * Only history: every loan is returned (on or before its due date, so no fine and nothing overdue
 * now), every event lies before `now`, and no record, copy or account changes, so the catalog,
 * the desk and "My loans" look exactly as without it. Rows are written straight into the tables
 * (the roll-up trigger of migration 0011 keeps `usage_monthly` in step) in one transaction.
 *
 * Deterministic: the same `now` (to the day) gives the same rows; the pattern is fixed and moves
 * with the day of seeding, so the last twelve months are always filled. This module does not
 * read the clock itself — the caller passes `now`.
 */

const DAY = 86_400_000;
const WIB = 7 * 3600_000;

/** What people type, with how often relative to each other; the last ones find nothing. */
const QUERIES: [string, number, number][] = [
	['lelang', 30, 24],
	['piutang negara', 18, 11],
	['media kekayaan negara', 14, 27],
	['barang milik negara', 12, 15],
	['penilaian', 10, 9],
	['pmk 27/pmk.06/2016', 8, 1],
	['laporan tahunan', 7, 6],
	['kekayaan negara dipisahkan', 6, 5],
	['pengurusan piutang', 5, 4],
	['lelang eksekusi hak tanggungan', 5, 3],
	['aset', 4, 20],
	['bmn', 4, 12],
	// Zero results: what the collection lacks, and a few typing slips.
	['sertifikasi tanah ulayat', 4, 0],
	['leleng', 3, 0],
	['pajak bumi dan bangunan 1998', 3, 0],
	['kode etik juru lelang', 2, 0],
	['pmk 999/2030', 2, 0],
	['e-auction mobil dinas', 2, 0]
];

/** Rows added, for the seeding script's summary line. */
export interface HistoryCounts {
	views: number;
	downloads: number;
	loans: number;
	searches: number;
}

/** Seasonal weight of a day: quieter at the year's end and around Lebaran, busier mid-week. */
function dayWeight(date: Date): number {
	const month = date.getUTCMonth();
	const weekday = date.getUTCDay();
	if (weekday === 0 || weekday === 6) return 0.15;
	const season = [0.8, 1, 1.2, 1.1, 1.1, 0.7, 0.9, 1.1, 1.2, 1.2, 1, 0.6][month];
	return season * (weekday === 3 ? 1.2 : 1);
}

/** What the history is drawn from: the seeded catalog, accounts, copies and loan policies. */
export interface HistorySource {
	records: { id: number; type: string; downloadable: number; access: string }[];
	users: { id: number; role: string }[];
	items: { id: number; publication_id: number; type: string }[];
	policy: Map<string, number>;
}

/** The rows of a year of history, in the order they are inserted. */
export interface HistoryRows {
	events: [number, string, number | null, string, string][];
	loans: [number, number, number, string, string, string, number | null, number | null][];
	searches: [string, string, string, number, number][];
	counts: HistoryCounts;
}

const SOURCE_SQL = {
	records: `select id, type, downloadable, access from publications where status = 'published' order by id`,
	users: `select id, role from users order by id`,
	items: `select items.id, items.publication_id, publications.type from items
			 join publications on publications.id = items.publication_id order by items.id`,
	policy: `select publication_type, loan_days from loan_policies where member_type = 'employee'`
};
const INSERT_SQL = {
	event: `insert into usage_events (publication_id, kind, user_id, visitor, at) values (?, ?, ?, ?, ?)`,
	loan: `insert into loans (kind, item_id, publication_id, user_id, loaned_at, due_at, returned_at, renewals, checked_out_by, returned_by)
		 values ('physical', ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
	search: `insert into search_log (at, query, lang, results, signed_in) values (?, ?, ?, ?, ?)`
};

/** The history's rows — deterministic for the same source and `now` (to the day). */
export function historyRows(source: HistorySource, now: Date): HistoryRows {
	const { records, users, items, policy } = source;
	const rng = new Rng(`history:${new Date(now.getTime() + WIB).toISOString().slice(0, 10)}`);
	const librarian = users.find((u) => u.role === 'librarian')?.id ?? null;
	// A few records everyone reads, a long tail nobody much does.
	const popularity = records.map((_, i) => 1 / (1 + ((i * 7) % records.length) / 3));
	const total = popularity.reduce((a, b) => a + b, 0);
	const pickRecord = () => {
		let x = rng.float() * total;
		for (let i = 0; i < records.length; i++) if ((x -= popularity[i]) <= 0) return records[i];
		return records[records.length - 1];
	};
	const queryTotal = QUERIES.reduce((a, q) => a + q[1], 0);
	const pickQuery = () => {
		let x = rng.float() * queryTotal;
		for (const q of QUERIES) if ((x -= q[1]) <= 0) return q;
		return QUERIES[0];
	};
	const out: HistoryRows = {
		events: [],
		loans: [],
		searches: [],
		counts: { views: 0, downloads: 0, loans: 0, searches: 0 }
	};
	const { counts } = out;
	const itemFreeAt = new Map<number, number>();
	const members = users.filter((u) => u.role === 'employee' || u.role === 'librarian');
	// Whole Jakarta days, from 365 days ago to yesterday: nothing today, so the current
	// state (and "counted in the last 30 seconds") is untouched.
	const today = Math.floor((now.getTime() + WIB) / DAY) * DAY - WIB;
	for (let d = 365; d >= 1; d--) {
		const dayStart = today - d * DAY;
		const w = dayWeight(new Date(dayStart + WIB));
		// Working hours, 08:00–17:00 Jakarta time.
		const at = () => new Date(dayStart + 8 * 3600_000 + rng.int(0, 9 * 3600_000 - 1));
		const views = Math.round(w * rng.int(25, 60));
		for (let i = 0; i < views; i++) {
			const r = pickRecord();
			const user = r.access === 'public' && rng.chance(0.7) ? null : rng.pick(users).id;
			const visitor = user === null ? `a:demo${rng.int(1, 400)}` : `u:${user}`;
			const when = at().toISOString();
			out.events.push([r.id, 'view', user, visitor, when]);
			counts.views++;
			if (r.downloadable === 1 && rng.chance(0.22)) {
				out.events.push([r.id, 'download', user, visitor, when]);
				counts.downloads++;
			}
		}
		const searches = Math.round(w * rng.int(8, 22));
		for (let i = 0; i < searches; i++) {
			const [query, , results] = pickQuery();
			out.searches.push([
				at().toISOString(),
				query,
				rng.chance(0.85) ? 'id' : 'en',
				results,
				rng.chance(0.4) ? 1 : 0
			]);
			counts.searches++;
		}
		if (d < 3 || items.length === 0 || members.length === 0) continue;
		const loansToday = w < 0.5 ? 0 : rng.int(0, 3);
		for (let i = 0; i < loansToday; i++) {
			const item = rng.pick(items);
			const out_ = at();
			if ((itemFreeAt.get(item.id) ?? 0) > out_.getTime()) continue;
			const days = policy.get(item.type) ?? 7;
			const due = new Date(out_.getTime() + days * DAY);
			// Back on or before the due date, and before today: no fine, nothing open.
			const back = new Date(
				Math.min(out_.getTime() + rng.int(1, days) * DAY - 3600_000, today - 3600_000)
			);
			if (back <= out_) continue;
			out.loans.push([
				item.id,
				item.publication_id,
				rng.pick(members).id,
				out_.toISOString(),
				due.toISOString(),
				back.toISOString(),
				librarian,
				librarian
			]);
			itemFreeAt.set(item.id, back.getTime());
			counts.loans++;
		}
	}
	return out;
}

/**
 * Adds a year of demo history before `now` to an already seeded demo database, through a raw
 * SQLite connection in one write transaction (the browser test of the statistics page).
 */
export function addDemoHistory(sqlite: SQLite.Database, now: Date): HistoryCounts {
	const source: HistorySource = {
		records: sqlite.prepare(SOURCE_SQL.records).all() as HistorySource['records'],
		users: sqlite.prepare(SOURCE_SQL.users).all() as HistorySource['users'],
		items: sqlite.prepare(SOURCE_SQL.items).all() as HistorySource['items'],
		policy: new Map(
			(
				sqlite.prepare(SOURCE_SQL.policy).all() as {
					publication_type: string;
					loan_days: number;
				}[]
			).map((p) => [p.publication_type, p.loan_days])
		)
	};
	const rows = historyRows(source, now);
	const event = sqlite.prepare(INSERT_SQL.event);
	const loan = sqlite.prepare(INSERT_SQL.loan);
	const search = sqlite.prepare(INSERT_SQL.search);
	writeSync(sqlite, () => {
		for (const r of rows.events) event.run(...r);
		for (const r of rows.searches) search.run(...r);
		for (const r of rows.loans) loan.run(...r);
	})();
	return rows.counts;
}

/**
 * The same history through the application's Kysely instance, on either engine (`npm run
 * seed:demo`, also with DATABASE_URL): one write transaction (db/write.js), rows in batches.
 */
export async function addDemoHistoryDb(db: Kysely<Database>, now: Date): Promise<HistoryCounts> {
	const query = async <T>(text: string) => (await sql.raw<T>(text).execute(db)).rows;
	const source: HistorySource = {
		records: await query<HistorySource['records'][number]>(SOURCE_SQL.records),
		users: await query<HistorySource['users'][number]>(SOURCE_SQL.users),
		items: await query<HistorySource['items'][number]>(SOURCE_SQL.items),
		policy: new Map(
			(await query<{ publication_type: string; loan_days: number }>(SOURCE_SQL.policy)).map((p) => [
				p.publication_type,
				p.loan_days
			])
		)
	};
	const rows = historyRows(source, now);
	const BATCH = 500;
	await writeTransaction(db, async (tx) => {
		for (let i = 0; i < rows.events.length; i += BATCH)
			await tx
				.insertInto('usage_events')
				.values(
					rows.events.slice(i, i + BATCH).map(([publication_id, kind, user_id, visitor, at]) => ({
						publication_id,
						kind: kind as 'view' | 'download',
						user_id,
						visitor,
						at
					}))
				)
				.execute();
		for (let i = 0; i < rows.searches.length; i += BATCH)
			await tx
				.insertInto('search_log')
				.values(
					rows.searches.slice(i, i + BATCH).map(([at, query, lang, results, signed_in]) => ({
						at,
						query,
						lang,
						results,
						signed_in
					}))
				)
				.execute();
		for (let i = 0; i < rows.loans.length; i += BATCH)
			await tx
				.insertInto('loans')
				.values(
					rows.loans
						.slice(i, i + BATCH)
						.map(
							([item_id, publication_id, user_id, loaned_at, due_at, returned_at, by, back]) => ({
								kind: 'physical' as const,
								item_id,
								publication_id,
								user_id,
								loaned_at,
								due_at,
								returned_at,
								renewals: 0,
								checked_out_by: by,
								returned_by: back
							})
						)
				)
				.execute();
	});
	return rows.counts;
}
