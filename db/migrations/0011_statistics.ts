import { sql, type Kysely } from 'kysely';

/**
 * Statistics for librarians (src/lib/server/statistics/).
 *
 * `search_log`: one row per search typed into the catalog (page or API): the normalised query,
 * the interface language, the number of results and whether the caller was signed in. On
 * purpose no user id, no IP address, no session: the log answers "what is searched and what
 * finds nothing", never "who searched for what". Pruned after SEARCH_LOG_RETENTION_MONTHS.
 *
 * `search_monthly`: searches per Jakarta month and query (count, and how many found nothing),
 * kept by triggers on `search_log` — pruning the log takes its searches out of it too.
 *
 * `usage_monthly`: a roll-up of `usage_events` per Jakarta month (UTC+7, the library's calendar,
 * as the circulation charts use), publication and kind, kept exact by triggers in the same
 * transaction as each insert or delete, so monthly and top-N figures read a few thousand rows
 * instead of scanning up to millions of events. Derived data: rebuilt here from the events.
 * Frozen in time like every migration: `Kysely<any>`, no application imports.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await sql`create table search_log (
		id integer primary key autoincrement,
		at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
		query text not null,
		lang text not null,
		results integer not null check (results >= 0),
		signed_in integer not null check (signed_in in (0, 1))
	)`.execute(db);
	// Period filters and pruning both range over `at`; the query is in the index so top-query
	// grouping over a period reads the index alone.
	await sql`create index search_log_at on search_log (at, query, results)`.execute(db);

	// The same per Jakarta month and query, so top queries over a year group the distinct
	// queries of each month rather than every search; pruning the log decrements it.
	await sql`create table search_monthly (
		month text not null,
		query text not null,
		n integer not null,
		zero integer not null,
		primary key (month, query)
	) without rowid`.execute(db);
	await sql`create trigger search_monthly_insert after insert on search_log begin
		insert into search_monthly (month, query, n, zero)
		values (strftime('%Y-%m', new.at, '+7 hours'), new.query, 1, new.results = 0)
		on conflict (month, query) do update set n = n + 1, zero = zero + (new.results = 0);
	end`.execute(db);
	await sql`create trigger search_monthly_delete after delete on search_log begin
		update search_monthly set n = n - 1, zero = zero - (old.results = 0)
		where month = strftime('%Y-%m', old.at, '+7 hours') and query = old.query;
		delete from search_monthly
		where month = strftime('%Y-%m', old.at, '+7 hours') and query = old.query and n <= 0;
	end`.execute(db);

	await sql`create table usage_monthly (
		month text not null,
		kind text not null check (kind in ('view', 'download')),
		publication_id integer not null,
		n integer not null,
		primary key (month, kind, publication_id)
	) without rowid`.execute(db);
	await sql`insert into usage_monthly (month, kind, publication_id, n)
		select strftime('%Y-%m', at, '+7 hours'), kind, publication_id, count(*)
		from usage_events group by 1, 2, 3`.execute(db);
	await sql`create trigger usage_monthly_insert after insert on usage_events begin
		insert into usage_monthly (month, kind, publication_id, n)
		values (strftime('%Y-%m', new.at, '+7 hours'), new.kind, new.publication_id, 1)
		on conflict (month, kind, publication_id) do update set n = n + 1;
	end`.execute(db);
	await sql`create trigger usage_monthly_delete after delete on usage_events begin
		update usage_monthly set n = n - 1
		where month = strftime('%Y-%m', old.at, '+7 hours') and kind = old.kind
			and publication_id = old.publication_id;
		delete from usage_monthly
		where month = strftime('%Y-%m', old.at, '+7 hours') and kind = old.kind
			and publication_id = old.publication_id and n <= 0;
	end`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop trigger if exists usage_monthly_delete`.execute(db);
	await sql`drop trigger if exists usage_monthly_insert`.execute(db);
	await sql`drop table if exists usage_monthly`.execute(db);
	await sql`drop trigger if exists search_monthly_delete`.execute(db);
	await sql`drop trigger if exists search_monthly_insert`.execute(db);
	await sql`drop table if exists search_monthly`.execute(db);
	await sql`drop table if exists search_log`.execute(db);
}
