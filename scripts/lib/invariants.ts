import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';

/**
 * Invariants of a data directory, checked by SQL on the SQLite file and by listing the file
 * store: what must hold at every committed state, whatever ran concurrently. The circulation
 * bench checks them during and after its run; the write-stress and shutdown tests after theirs.
 */

/** policies.ts FALLBACK_POLICY.maxLoans: the limit when no policy row matches. */
export const FALLBACK_MAX_LOANS = 5;

export interface InvariantCheck {
	name: string;
	/** Rows (or files) the rule applies to. */
	checked: number;
	/** Rows (or files) that break it. */
	violations: number;
}

/**
 * The circulation invariants, checked by SQL on the database file (read-only, server stopped).
 * Each query counts violating rows; `checked` counts the rows the rule applies to.
 */
export function checkInvariants(dbFile: string, now = new Date()): InvariantCheck[] {
	const db = new SQLite(dbFile, { readonly: true });
	try {
		const count = (q: string, ...params: unknown[]) =>
			(db.prepare(q).get(...params) as { n: number }).n;
		const loans = count(`select count(*) n from loans`);
		const physical = count(`select count(*) n from loans where kind = 'physical'`);
		const returned = count(`select count(*) n from loans where returned_at is not null`);
		const items = count(`select count(*) n from items`);
		const open = `select user_id, count(*) n from loans
			 where kind = 'physical' and returned_at is null group by user_id`;
		const iso = now.toISOString();
		return [
			{
				name: 'no item has more than one open physical loan',
				checked: count(
					`select count(distinct item_id) n from loans where kind = 'physical' and returned_at is null`
				),
				violations: count(
					`select count(*) n from (select item_id from loans
					 where kind = 'physical' and returned_at is null
					 group by item_id having count(*) > 1)`
				)
			},
			{
				name: "item status = 'on_loan' ⇔ exactly one open physical loan",
				checked: items,
				violations: count(
					`select count(*) n from items i
					 where (i.status = 'on_loan') <> ((select count(*) from loans l
					   where l.item_id = i.id and l.kind = 'physical' and l.returned_at is null) = 1)`
				)
			},
			{
				// The desk counts all open physical loans against the policy of the title being lent,
				// so a member may hold at most the largest limit among the titles they hold.
				name: 'no member holds more open physical loans than their policy allows',
				checked: count(`select count(*) n from (${open})`),
				violations: count(
					`with open as (${open}),
					 lim as (select l.user_id, max(coalesce(lp.max_loans, ?)) m
					   from loans l
					   join users u on u.id = l.user_id
					   join publications p on p.id = l.publication_id
					   left join loan_policies lp
					     on lp.member_type = u.member_type and lp.publication_type = p.type
					   where l.kind = 'physical' and l.returned_at is null group by l.user_id)
					 select count(*) n from open join lim using (user_id) where open.n > lim.m`,
					FALLBACK_MAX_LOANS
				)
			},
			{
				name: "every loan has its checkout audit entry ('loan.checkout' / 'loan.digital_borrow')",
				checked: loans,
				violations: count(
					`select count(*) n from loans l where not exists (
					   select 1 from audit_log a
					   where a.entity = 'loan' and a.entity_id = cast(l.id as text)
					     and a.action = case l.kind when 'physical' then 'loan.checkout'
					                                else 'loan.digital_borrow' end)`
				)
			},
			{
				name: "every returned loan has its return audit entry ('loan.return' / 'loan.digital_return|expired')",
				checked: returned,
				violations: count(
					`select count(*) n from loans l where l.returned_at is not null and not exists (
					   select 1 from audit_log a
					   where a.entity = 'loan' and a.entity_id = cast(l.id as text)
					     and ((l.kind = 'physical' and a.action = 'loan.return')
					       or (l.kind = 'digital'
					           and a.action in ('loan.digital_return', 'loan.digital_expired'))))`
				)
			},
			{
				name: 'returned_at >= loaned_at',
				checked: returned,
				violations: count(
					`select count(*) n from loans where returned_at is not null and returned_at < loaned_at`
				)
			},
			{
				name: 'loans.renewals = number of loan_renewals rows',
				checked: physical,
				violations: count(
					`select count(*) n from loans l
					 where l.renewals <> (select count(*) from loan_renewals r where r.loan_id = l.id)`
				)
			},
			{
				// Open = not returned and not yet expired, as the lending code counts them.
				name: 'open digital loans per publication <= publications.digital_copies',
				checked: count(`select count(distinct publication_id) n from loans where kind = 'digital'`),
				violations: count(
					`select count(*) n from publications p
					 where (select count(*) from loans l
					   where l.kind = 'digital' and l.publication_id = p.id
					     and l.returned_at is null and l.due_at > ?) > p.digital_copies`,
					iso
				)
			}
		];
	} finally {
		db.close();
	}
}

/**
 * The file store matches the database: every `files` row's stored file (and thumbnail) exists
 * with its page texts, no stored file lacks a row that references it, nothing is left in `tmp/`.
 */
export function checkStorageInvariants(dataDir: string): InvariantCheck[] {
	const db = new SQLite(path.join(dataDir, 'perpustakaan.sqlite'), { readonly: true });
	let keys: string[];
	let files: number;
	let textless: number;
	try {
		files = (db.prepare('select count(*) n from files').get() as { n: number }).n;
		// Extraction is part of the upload's one transaction: a file row never lacks page texts.
		textless = (
			db
				.prepare(
					`select count(*) n from files f
					 where f.pages <> (select count(*) from page_texts t where t.file_id = f.id)`
				)
				.get() as { n: number }
		).n;
		keys = (
			db
				.prepare(
					`select storage_key k from files
					 union select thumbnail_key from files where thumbnail_key is not null
					 union select storage_key from cover_variants`
				)
				.all() as { k: string }[]
		).map((r) => r.k);
	} finally {
		db.close();
	}
	const list = (dir: string) =>
		fs.existsSync(dir)
			? fs
					.readdirSync(dir, { recursive: true, withFileTypes: true })
					.filter((d) => d.isFile())
					.map((d) => path.relative(dir, path.join(d.parentPath, d.name)).split(path.sep).join('/'))
			: [];
	const stored = new Set(list(path.join(dataDir, 'files')));
	const referenced = new Set(keys);
	const tmp = list(path.join(dataDir, 'tmp'));
	return [
		{
			name: 'every file row has its stored file (and thumbnail)',
			checked: referenced.size,
			violations: [...referenced].filter((k) => !stored.has(k)).length
		},
		{
			name: 'no stored file without a row that references it',
			checked: stored.size,
			violations: [...stored].filter((k) => !referenced.has(k)).length
		},
		{ name: 'every file row has one page text per page', checked: files, violations: textless },
		{ name: 'no leftovers in tmp/', checked: tmp.length, violations: tmp.length }
	];
}
