import type SQLite from 'better-sqlite3';
import { writeSync } from '../../src/lib/server/db/write.js';
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

/** Adds a year of demo history before `now` to an already seeded demo database. */
export function addDemoHistory(sqlite: SQLite.Database, now: Date): HistoryCounts {
	const rng = new Rng(`history:${new Date(now.getTime() + WIB).toISOString().slice(0, 10)}`);
	const records = sqlite
		.prepare(
			`select id, type, downloadable, access from publications where status = 'published' order by id`
		)
		.all() as { id: number; type: string; downloadable: number; access: string }[];
	const users = sqlite.prepare(`select id, role from users order by id`).all() as {
		id: number;
		role: string;
	}[];
	const items = sqlite
		.prepare(
			`select items.id, items.publication_id, publications.type from items
			 join publications on publications.id = items.publication_id order by items.id`
		)
		.all() as { id: number; publication_id: number; type: string }[];
	const policy = new Map(
		(
			sqlite
				.prepare(
					`select publication_type, loan_days from loan_policies where member_type = 'employee'`
				)
				.all() as { publication_type: string; loan_days: number }[]
		).map((p) => [p.publication_type, p.loan_days])
	);
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

	const event = sqlite.prepare(
		`insert into usage_events (publication_id, kind, user_id, visitor, at) values (?, ?, ?, ?, ?)`
	);
	const loan = sqlite.prepare(
		`insert into loans (kind, item_id, publication_id, user_id, loaned_at, due_at, returned_at, renewals, checked_out_by, returned_by)
		 values ('physical', ?, ?, ?, ?, ?, ?, 0, ?, ?)`
	);
	const search = sqlite.prepare(
		`insert into search_log (at, query, lang, results, signed_in) values (?, ?, ?, ?, ?)`
	);
	const counts: HistoryCounts = { views: 0, downloads: 0, loans: 0, searches: 0 };
	const itemFreeAt = new Map<number, number>();
	const members = users.filter((u) => u.role === 'employee' || u.role === 'librarian');

	writeSync(sqlite, () => {
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
				event.run(r.id, 'view', user, visitor, when);
				counts.views++;
				if (r.downloadable === 1 && rng.chance(0.22)) {
					event.run(r.id, 'download', user, visitor, when);
					counts.downloads++;
				}
			}
			const searches = Math.round(w * rng.int(8, 22));
			for (let i = 0; i < searches; i++) {
				const [query, , results] = pickQuery();
				search.run(
					at().toISOString(),
					query,
					rng.chance(0.85) ? 'id' : 'en',
					results,
					rng.chance(0.4) ? 1 : 0
				);
				counts.searches++;
			}
			if (d < 3 || items.length === 0 || members.length === 0) continue;
			const loansToday = w < 0.5 ? 0 : rng.int(0, 3);
			for (let i = 0; i < loansToday; i++) {
				const item = rng.pick(items);
				const out = at();
				if ((itemFreeAt.get(item.id) ?? 0) > out.getTime()) continue;
				const days = policy.get(item.type) ?? 7;
				const due = new Date(out.getTime() + days * DAY);
				// Back on or before the due date, and before today: no fine, nothing open.
				const back = new Date(
					Math.min(out.getTime() + rng.int(1, days) * DAY - 3600_000, today - 3600_000)
				);
				if (back <= out) continue;
				loan.run(
					item.id,
					item.publication_id,
					rng.pick(members).id,
					out.toISOString(),
					due.toISOString(),
					back.toISOString(),
					librarian,
					librarian
				);
				itemFreeAt.set(item.id, back.getTime());
				counts.loans++;
			}
		}
	})();
	return counts;
}
