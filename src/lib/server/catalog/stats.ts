import type { Db } from '../db/index.ts';

/** Counts for the librarian dashboard: records by status and by access level, files, copies. */
export async function overview(db: Db) {
	const byStatus = await db
		.selectFrom('publications')
		.select(['status', (eb) => eb.fn.countAll<number>().as('n')])
		.groupBy('status')
		.execute();
	const byAccess = await db
		.selectFrom('publications')
		.select(['access', (eb) => eb.fn.countAll<number>().as('n')])
		.groupBy('access')
		.execute();
	const files = await db
		.selectFrom('files')
		.select([
			(eb) => eb.fn.countAll<number>().as('n'),
			(eb) => eb.fn.sum<number>('pages').as('pages')
		])
		.where('is_current', '=', 1)
		.executeTakeFirstOrThrow();
	const items = await db
		.selectFrom('items')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return {
		byStatus: Object.fromEntries(byStatus.map((r) => [r.status, Number(r.n)])) as Record<
			string,
			number
		>,
		byAccess: Object.fromEntries(byAccess.map((r) => [r.access, Number(r.n)])) as Record<
			string,
			number
		>,
		files: Number(files.n),
		pages: Number(files.pages ?? 0),
		items: Number(items.n)
	};
}

/** The latest catalog-related audit entries with the actor's name. */
export async function recentChanges(db: Db, limit = 15) {
	return db
		.selectFrom('audit_log')
		.leftJoin('users', 'users.id', 'audit_log.actor_id')
		.select([
			'audit_log.id',
			'audit_log.at',
			'audit_log.action',
			'audit_log.entity',
			'audit_log.entity_id',
			'users.name as actor'
		])
		.where('audit_log.action', 'like', 'publication.%')
		.orderBy('audit_log.id', 'desc')
		.limit(limit)
		.execute();
}
