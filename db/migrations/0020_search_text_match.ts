import { sql, type Kysely } from 'kysely';
import { isPostgres } from './dialect.ts';

/**
 * PostgreSQL only (#16): `search_text_match(q)`, the records whose abstract or body matches a
 * tsquery — one statement per word group instead of two, and always by the GIN indexes of 0018.
 *
 * Why a function with `set enable_seqscan = off`: the planner costs a sequential scan of
 * `search_text` by its heap, which is small (the tsvectors live in TOAST), and not by the
 * de-TOASTing of every row's body that `body @@ q` then needs. With a few hundred PDF texts it
 * chose the scan: 87 ms per query against 1.3 ms by the GIN index (measured, 2,091 rows, 45 MB),
 * and it was most of PostgreSQL's time per search in the scale-out bench. The setting is local
 * to the function's execution (a SET clause), so no other query of the connection is affected;
 * the function is not inlined because of it, which is what keeps the setting in force.
 * SQLite: nothing (FTS5 has no planner choice to make).
 * Frozen in time like every migration: `Kysely<any>`, no application imports.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	if (!isPostgres(db)) return;
	await sql`create or replace function search_text_match(q tsquery)
		returns table (publication_id integer, in_body boolean)
		language sql stable set enable_seqscan = off as $$
			select t.publication_id, false from search_text t where t.abstract @@ q
			union all
			select t.publication_id, true from search_text t where t.body @@ q
		$$`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	if (!isPostgres(db)) return;
	await sql`drop function if exists search_text_match(tsquery)`.execute(db);
}
