import type { Kysely, Transaction } from 'kysely';
import type { Database } from './db/schema.ts';

/** One audit entry: who did what to which record, with the state before and after. */
export interface AuditEntry {
	actorId: number | null;
	action: string;
	entity?: string;
	entityId?: string | number;
	before?: unknown;
	after?: unknown;
	ip?: string | null;
}

/**
 * Appends to the audit log. Pass the surrounding transaction so the entry commits (or rolls
 * back) together with the change it describes. Rows are never updated or deleted — the
 * database enforces that with triggers.
 */
export async function record(
	db: Kysely<Database> | Transaction<Database>,
	entry: AuditEntry
): Promise<void> {
	await db
		.insertInto('audit_log')
		.values({
			actor_id: entry.actorId,
			action: entry.action,
			entity: entry.entity ?? null,
			entity_id: entry.entityId === undefined ? null : String(entry.entityId),
			before: entry.before === undefined ? null : JSON.stringify(entry.before),
			after: entry.after === undefined ? null : JSON.stringify(entry.after),
			ip: entry.ip ?? null
		})
		.execute();
}
