import { sql, type Kysely } from 'kysely';
import { autoId, nowIso, refuseTrigger } from './dialect.ts';

/**
 * The whole domain in one first migration so later work extends it instead of rewriting it.
 * Frozen in time: it uses `Kysely<any>` and imports nothing from the application.
 * Timestamps are ISO-8601 UTC text (`2026-01-31T08:00:00.000Z`), dates are `YYYY-MM-DD`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	// SQLite: strftime(…); PostgreSQL: to_char(clock_timestamp() …) — the same text (dialect.ts).
	const now = nowIso(db);

	await db.schema
		.createTable('users')
		.addColumn('id', 'integer', autoId(db))
		.addColumn('nip', 'text', (c) => c.unique())
		.addColumn('email', 'text', (c) => c.unique())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('role', 'text', (c) =>
			c.notNull().check(sql`role in ('employee','librarian','admin')`)
		)
		.addColumn('member_type', 'text', (c) => c.notNull().defaultTo('employee'))
		.addColumn('unit', 'text')
		.addColumn('password_hash', 'text')
		.addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
		.addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
		.addColumn('updated_at', 'text', (c) => c.notNull().defaultTo(now))
		.addColumn('deactivated_at', 'text')
		.execute();

	await db.schema
		.createTable('sessions')
		.addColumn('id', 'integer', autoId(db))
		.addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
		.addColumn('token_hash', 'text', (c) => c.notNull().unique())
		.addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
		.addColumn('last_seen_at', 'text', (c) => c.notNull().defaultTo(now))
		.addColumn('expires_at', 'text', (c) => c.notNull())
		.addColumn('revoked_at', 'text')
		.addColumn('user_agent', 'text')
		.addColumn('ip', 'text')
		.execute();
	await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

	await db.schema
		.createTable('api_tokens')
		.addColumn('id', 'integer', autoId(db))
		.addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('token_hash', 'text', (c) => c.notNull().unique())
		.addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
		.addColumn('last_used_at', 'text')
		.addColumn('revoked_at', 'text')
		.execute();

	await db.schema
		.createTable('login_attempts')
		.addColumn('id', 'integer', autoId(db))
		.addColumn('username', 'text', (c) => c.notNull())
		.addColumn('ip', 'text', (c) => c.notNull())
		.addColumn('success', 'integer', (c) => c.notNull())
		.addColumn('at', 'text', (c) => c.notNull().defaultTo(now))
		.execute();
	await db.schema
		.createIndex('login_attempts_username')
		.on('login_attempts')
		.columns(['username', 'at'])
		.execute();
	await db.schema
		.createIndex('login_attempts_ip')
		.on('login_attempts')
		.columns(['ip', 'at'])
		.execute();

	await db.schema
		.createTable('series')
		.addColumn('id', 'integer', autoId(db))
		.addColumn('slug', 'text', (c) => c.notNull().unique())
		.addColumn('title', 'text', (c) => c.notNull())
		.addColumn('issn', 'text')
		.addColumn('publisher', 'text')
		.addColumn('description', 'text')
		.addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
		.execute();

	await db.schema
		.createTable('publications')
		.addColumn('id', 'integer', autoId(db))
		.addColumn('type', 'text', (c) =>
			c
				.notNull()
				.check(sql`type in ('magazine_issue','book','regulation','report','article','other')`)
		)
		.addColumn('title', 'text', (c) => c.notNull())
		.addColumn('subtitle', 'text')
		.addColumn('publisher', 'text')
		.addColumn('place', 'text')
		.addColumn('year', 'integer')
		.addColumn('published_date', 'text')
		.addColumn('language', 'text', (c) => c.notNull().defaultTo('id'))
		.addColumn('abstract', 'text')
		.addColumn('isbn', 'text')
		.addColumn('issn', 'text')
		.addColumn('regulation_number', 'text')
		.addColumn('edition', 'text')
		.addColumn('series_id', 'integer', (c) => c.references('series.id'))
		.addColumn('volume', 'integer')
		.addColumn('issue_number', 'integer')
		.addColumn('call_number', 'text')
		.addColumn('access', 'text', (c) =>
			c
				.notNull()
				.defaultTo('public')
				.check(sql`access in ('public','internal','restricted')`)
		)
		.addColumn('embargo_until', 'text')
		.addColumn('status', 'text', (c) =>
			c
				.notNull()
				.defaultTo('draft')
				.check(sql`status in ('draft','published','withdrawn')`)
		)
		.addColumn('withdrawn_reason', 'text')
		.addColumn('downloadable', 'integer', (c) => c.notNull().defaultTo(1))
		.addColumn('digital_copies', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('created_by', 'integer', (c) => c.references('users.id'))
		.addColumn('updated_by', 'integer', (c) => c.references('users.id'))
		.addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
		.addColumn('updated_at', 'text', (c) => c.notNull().defaultTo(now))
		.addColumn('published_at', 'text')
		.execute();
	await db.schema
		.createIndex('publications_visibility')
		.on('publications')
		.columns(['status', 'access', 'year'])
		.execute();
	await db.schema
		.createIndex('publications_series')
		.on('publications')
		.columns(['series_id', 'volume', 'issue_number'])
		.execute();
	await db.schema.createIndex('publications_type').on('publications').column('type').execute();

	await db.schema
		.createTable('publication_authors')
		.addColumn('publication_id', 'integer', (c) =>
			c.notNull().references('publications.id').onDelete('cascade')
		)
		.addColumn('position', 'integer', (c) => c.notNull())
		.addColumn('name', 'text', (c) => c.notNull())
		.addPrimaryKeyConstraint('publication_authors_pk', ['publication_id', 'position'])
		.execute();

	await db.schema
		.createTable('subjects')
		.addColumn('id', 'integer', autoId(db))
		.addColumn('name', 'text', (c) => c.notNull())
		// Lower-cased, trimmed form: one subject however librarians capitalise it.
		.addColumn('name_key', 'text', (c) => c.notNull().unique())
		.execute();

	await db.schema
		.createTable('publication_subjects')
		.addColumn('publication_id', 'integer', (c) =>
			c.notNull().references('publications.id').onDelete('cascade')
		)
		.addColumn('subject_id', 'integer', (c) => c.notNull().references('subjects.id'))
		.addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
		.addPrimaryKeyConstraint('publication_subjects_pk', ['publication_id', 'subject_id'])
		.execute();
	await db.schema
		.createIndex('publication_subjects_subject')
		.on('publication_subjects')
		.column('subject_id')
		.execute();

	await db.schema
		.createTable('files')
		.addColumn('id', 'integer', autoId(db))
		.addColumn('publication_id', 'integer', (c) => c.notNull().references('publications.id'))
		.addColumn('version', 'integer', (c) => c.notNull())
		.addColumn('is_current', 'integer', (c) => c.notNull().defaultTo(1))
		.addColumn('sha256', 'text', (c) => c.notNull())
		.addColumn('bytes', 'integer', (c) => c.notNull())
		.addColumn('pages', 'integer', (c) => c.notNull())
		.addColumn('has_text_layer', 'integer', (c) => c.notNull())
		.addColumn('storage_key', 'text', (c) => c.notNull())
		.addColumn('thumbnail_key', 'text')
		.addColumn('original_name', 'text')
		.addColumn('mime_type', 'text', (c) => c.notNull().defaultTo('application/pdf'))
		.addColumn('pdf_title', 'text')
		.addColumn('pdf_author', 'text')
		.addColumn('created_by', 'integer', (c) => c.references('users.id'))
		.addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
		.addUniqueConstraint('files_publication_version', ['publication_id', 'version'])
		.execute();
	await db.schema.createIndex('files_sha256').on('files').column('sha256').execute();
	await db.schema
		.createIndex('files_current')
		.on('files')
		.columns(['publication_id', 'is_current'])
		.execute();

	await db.schema
		.createTable('page_texts')
		.addColumn('file_id', 'integer', (c) => c.notNull().references('files.id').onDelete('cascade'))
		.addColumn('page', 'integer', (c) => c.notNull())
		.addColumn('text', 'text', (c) => c.notNull())
		.addPrimaryKeyConstraint('page_texts_pk', ['file_id', 'page'])
		.execute();

	await db.schema
		.createTable('items')
		.addColumn('id', 'integer', autoId(db))
		.addColumn('publication_id', 'integer', (c) => c.notNull().references('publications.id'))
		.addColumn('barcode', 'text', (c) => c.notNull().unique())
		.addColumn('location', 'text')
		.addColumn('call_number', 'text')
		.addColumn('condition', 'text', (c) => c.notNull().defaultTo('good'))
		.addColumn('status', 'text', (c) =>
			c
				.notNull()
				.defaultTo('available')
				.check(sql`status in ('available','on_loan','on_hold_shelf','lost','damaged','withdrawn')`)
		)
		.addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
		.addColumn('updated_at', 'text', (c) => c.notNull().defaultTo(now))
		.execute();
	await db.schema.createIndex('items_publication').on('items').column('publication_id').execute();

	await db.schema
		.createTable('loan_policies')
		.addColumn('id', 'integer', autoId(db))
		.addColumn('member_type', 'text', (c) => c.notNull())
		.addColumn('publication_type', 'text', (c) => c.notNull())
		.addColumn('loan_days', 'integer', (c) => c.notNull())
		.addColumn('max_loans', 'integer', (c) => c.notNull())
		.addColumn('max_renewals', 'integer', (c) => c.notNull())
		.addColumn('hold_pickup_days', 'integer', (c) => c.notNull())
		.addColumn('fine_per_day', 'integer', (c) => c.notNull().defaultTo(0))
		.addUniqueConstraint('loan_policies_key', ['member_type', 'publication_type'])
		.execute();

	await db.schema
		.createTable('holidays')
		.addColumn('date', 'text', (c) => c.primaryKey())
		.addColumn('name', 'text', (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('loans')
		.addColumn('id', 'integer', autoId(db))
		.addColumn('kind', 'text', (c) =>
			c
				.notNull()
				.defaultTo('physical')
				.check(sql`kind in ('physical','digital')`)
		)
		.addColumn('item_id', 'integer', (c) => c.references('items.id'))
		.addColumn('publication_id', 'integer', (c) => c.notNull().references('publications.id'))
		.addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
		.addColumn('loaned_at', 'text', (c) => c.notNull())
		.addColumn('due_at', 'text', (c) => c.notNull())
		.addColumn('returned_at', 'text')
		.addColumn('renewals', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('checked_out_by', 'integer', (c) => c.references('users.id'))
		.addColumn('returned_by', 'integer', (c) => c.references('users.id'))
		.execute();
	// The invariant "an item has at most one open loan" is enforced by the database itself.
	await sql`create unique index loans_one_open_per_item on loans(item_id) where returned_at is null and item_id is not null`.execute(
		db
	);
	await db.schema
		.createIndex('loans_user')
		.on('loans')
		.columns(['user_id', 'returned_at'])
		.execute();
	await db.schema
		.createIndex('loans_publication')
		.on('loans')
		.columns(['publication_id', 'kind', 'returned_at'])
		.execute();

	await db.schema
		.createTable('loan_renewals')
		.addColumn('id', 'integer', autoId(db))
		.addColumn('loan_id', 'integer', (c) => c.notNull().references('loans.id'))
		.addColumn('renewed_at', 'text', (c) => c.notNull())
		.addColumn('previous_due_at', 'text', (c) => c.notNull())
		.addColumn('new_due_at', 'text', (c) => c.notNull())
		.addColumn('renewed_by', 'integer', (c) => c.references('users.id'))
		.execute();

	await db.schema
		.createTable('holds')
		.addColumn('id', 'integer', autoId(db))
		.addColumn('kind', 'text', (c) =>
			c
				.notNull()
				.defaultTo('physical')
				.check(sql`kind in ('physical','digital')`)
		)
		.addColumn('publication_id', 'integer', (c) => c.notNull().references('publications.id'))
		.addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
		.addColumn('item_id', 'integer', (c) => c.references('items.id'))
		.addColumn('placed_at', 'text', (c) => c.notNull())
		.addColumn('ready_at', 'text')
		.addColumn('pickup_until', 'text')
		.addColumn('fulfilled_at', 'text')
		.addColumn('cancelled_at', 'text')
		.addColumn('expired_at', 'text')
		.execute();
	await db.schema
		.createIndex('holds_queue')
		.on('holds')
		.columns(['publication_id', 'placed_at'])
		.execute();

	await db.schema
		.createTable('audit_log')
		.addColumn('id', 'integer', autoId(db))
		.addColumn('at', 'text', (c) => c.notNull().defaultTo(now))
		.addColumn('actor_id', 'integer', (c) => c.references('users.id'))
		.addColumn('action', 'text', (c) => c.notNull())
		.addColumn('entity', 'text')
		.addColumn('entity_id', 'text')
		.addColumn('before', 'text')
		.addColumn('after', 'text')
		.addColumn('ip', 'text')
		.execute();
	await db.schema
		.createIndex('audit_log_entity')
		.on('audit_log')
		.columns(['entity', 'entity_id'])
		.execute();
	// Append-only: the database refuses to rewrite history.
	await refuseTrigger(db, 'audit_log_no_update', 'update', 'audit_log', 'audit_log is append-only');
	await refuseTrigger(db, 'audit_log_no_delete', 'delete', 'audit_log', 'audit_log is append-only');

	// Reading statistics: one row per counted view/download (kept for later statistics).
	await db.schema
		.createTable('usage_events')
		.addColumn('id', 'integer', autoId(db))
		.addColumn('publication_id', 'integer', (c) => c.notNull().references('publications.id'))
		.addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('view','download')`))
		.addColumn('user_id', 'integer', (c) => c.references('users.id'))
		.addColumn('visitor', 'text', (c) => c.notNull())
		.addColumn('at', 'text', (c) => c.notNull().defaultTo(now))
		.execute();
	await db.schema
		.createIndex('usage_events_publication')
		.on('usage_events')
		.columns(['publication_id', 'kind', 'at'])
		.execute();

	await db.schema
		.createTable('reading_progress')
		.addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
		.addColumn('publication_id', 'integer', (c) => c.notNull().references('publications.id'))
		.addColumn('page', 'integer', (c) => c.notNull())
		.addColumn('updated_at', 'text', (c) => c.notNull().defaultTo(now))
		.addPrimaryKeyConstraint('reading_progress_pk', ['user_id', 'publication_id'])
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	for (const t of [
		'reading_progress',
		'usage_events',
		'audit_log',
		'holds',
		'loan_renewals',
		'loans',
		'holidays',
		'loan_policies',
		'items',
		'page_texts',
		'files',
		'publication_subjects',
		'subjects',
		'publication_authors',
		'publications',
		'series',
		'login_attempts',
		'api_tokens',
		'sessions',
		'users'
	]) {
		await db.schema.dropTable(t).ifExists().execute();
	}
}
