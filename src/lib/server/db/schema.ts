import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** A column the database fills by default but that may be set explicitly. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export type PublicationType =
	'magazine_issue' | 'book' | 'regulation' | 'report' | 'article' | 'other';
export type AccessLevel = 'public' | 'internal' | 'restricted';
export type PublicationStatus = 'draft' | 'published' | 'withdrawn';
export type Role = 'employee' | 'librarian' | 'admin';
export type ItemStatus =
	'available' | 'on_loan' | 'on_hold_shelf' | 'lost' | 'damaged' | 'withdrawn';

export interface UsersTable {
	id: Generated<number>;
	nip: string | null;
	email: string | null;
	name: string;
	role: Role;
	member_type: Defaulted<string>;
	unit: string | null;
	password_hash: string | null;
	must_change_password: Defaulted<number>;
	active: Defaulted<number>;
	created_at: Defaulted<string>;
	updated_at: Defaulted<string>;
	deactivated_at: string | null;
	/** Language of mail sent to the member, `id` or `en` (migration 0013). */
	language: Defaulted<'id' | 'en'>;
	/** 1 = the member receives e-mail reminders; 0 = unsubscribed (migration 0013). */
	mail_reminders: Defaulted<number>;
}

export interface SessionsTable {
	id: Generated<number>;
	user_id: number;
	token_hash: string;
	created_at: Defaulted<string>;
	last_seen_at: Defaulted<string>;
	expires_at: string;
	revoked_at: string | null;
	user_agent: string | null;
	ip: string | null;
}

export interface ApiTokensTable {
	id: Generated<number>;
	user_id: number;
	name: string;
	token_hash: string;
	created_at: Defaulted<string>;
	last_used_at: string | null;
	revoked_at: string | null;
}

export interface LoginAttemptsTable {
	id: Generated<number>;
	username: string;
	ip: string;
	success: number;
	at: Defaulted<string>;
}

export interface SeriesTable {
	id: Generated<number>;
	slug: string;
	title: string;
	issn: string | null;
	publisher: string | null;
	description: string | null;
	created_at: Defaulted<string>;
}

export interface PublicationsTable {
	id: Generated<number>;
	type: PublicationType;
	title: string;
	subtitle: string | null;
	publisher: string | null;
	place: string | null;
	year: number | null;
	published_date: string | null;
	language: Defaulted<string>;
	abstract: string | null;
	isbn: string | null;
	issn: string | null;
	regulation_number: string | null;
	edition: string | null;
	series_id: number | null;
	volume: number | null;
	issue_number: number | null;
	call_number: string | null;
	access: Defaulted<AccessLevel>;
	embargo_until: string | null;
	status: Defaulted<PublicationStatus>;
	withdrawn_reason: string | null;
	downloadable: Defaulted<number>;
	digital_copies: Defaulted<number>;
	created_by: number | null;
	updated_by: number | null;
	created_at: Defaulted<string>;
	updated_at: Defaulted<string>;
	published_at: string | null;
	/** Imported records: the system they came from (`slims`, `csv`) and their id there. */
	source: string | null;
	source_id: string | null;
	/** Regulations (migration 0008): kind code from `lib/regulations.ts` (PMK, PP, ...). */
	regulation_kind: Defaulted<string | null>;
	enacted_date: Defaulted<string | null>;
	promulgated_date: Defaulted<string | null>;
	enacted_place: Defaulted<string | null>;
	legal_field: Defaulted<string | null>;
	/** A librarian's override of the derived status; null = derive from relations. */
	regulation_status: Defaulted<RegulationStatus | null>;
}

export type RegulationStatus = 'berlaku' | 'dicabut' | 'diubah';
export type RegulationRelationKind = 'amends' | 'revokes';

/** `source` amends or revokes `target` (both regulation records; migration 0008). */
export interface RegulationRelationsTable {
	id: Generated<number>;
	source_id: number;
	target_id: number;
	kind: RegulationRelationKind;
	note: string | null;
	created_at: Defaulted<string>;
}

export interface PublicationAuthorsTable {
	publication_id: number;
	position: number;
	name: string;
}

export interface SubjectsTable {
	id: Generated<number>;
	name: string;
	name_key: string;
}

export interface PublicationSubjectsTable {
	publication_id: number;
	subject_id: number;
	position: Defaulted<number>;
}

/** Cover renderings of a file's page-1 thumbnail (migration 0016). */
export interface CoverVariantsTable {
	file_id: number;
	format: 'png' | 'webp' | 'avif';
	width: number;
	height: number;
	storage_key: string;
	bytes: number;
}

export interface FilesTable {
	id: Generated<number>;
	publication_id: number;
	version: number;
	is_current: Defaulted<number>;
	sha256: string;
	bytes: number;
	pages: number;
	has_text_layer: number;
	storage_key: string;
	thumbnail_key: string | null;
	original_name: string | null;
	mime_type: Defaulted<string>;
	pdf_title: string | null;
	pdf_author: string | null;
	created_by: number | null;
	created_at: Defaulted<string>;
}

export interface PageTextsTable {
	file_id: number;
	page: number;
	text: string;
}

export interface ItemsTable {
	id: Generated<number>;
	publication_id: number;
	barcode: string;
	location: string | null;
	call_number: string | null;
	condition: Defaulted<string>;
	status: Defaulted<ItemStatus>;
	created_at: Defaulted<string>;
	updated_at: Defaulted<string>;
}

export interface LoanPoliciesTable {
	id: Generated<number>;
	member_type: string;
	publication_type: string;
	loan_days: number;
	max_loans: number;
	max_renewals: number;
	hold_pickup_days: number;
	fine_per_day: Defaulted<number>;
}

export interface HolidaysTable {
	date: string;
	name: string;
}

export interface LoansTable {
	id: Generated<number>;
	kind: Defaulted<'physical' | 'digital'>;
	item_id: number | null;
	publication_id: number;
	user_id: number;
	loaned_at: string;
	due_at: string;
	returned_at: string | null;
	renewals: Defaulted<number>;
	checked_out_by: number | null;
	returned_by: number | null;
}

export interface LoanRenewalsTable {
	id: Generated<number>;
	loan_id: number;
	renewed_at: string;
	previous_due_at: string;
	new_due_at: string;
	renewed_by: number | null;
}

export interface HoldsTable {
	id: Generated<number>;
	kind: Defaulted<'physical' | 'digital'>;
	publication_id: number;
	user_id: number;
	item_id: number | null;
	placed_at: string;
	ready_at: string | null;
	pickup_until: string | null;
	fulfilled_at: string | null;
	cancelled_at: string | null;
	expired_at: string | null;
}

export interface AuditLogTable {
	id: Generated<number>;
	at: Defaulted<string>;
	actor_id: number | null;
	action: string;
	entity: string | null;
	entity_id: string | null;
	before: string | null;
	after: string | null;
	ip: string | null;
}

export interface UsageEventsTable {
	id: Generated<number>;
	publication_id: number;
	kind: 'view' | 'download';
	user_id: number | null;
	visitor: string;
	at: Defaulted<string>;
}

export interface ReadingProgressTable {
	user_id: number;
	publication_id: number;
	page: number;
	updated_at: Defaulted<string>;
}

/** One row: bumped by triggers on every catalog table (migration 0005). */
export interface CatalogVersionTable {
	id: number;
	version: number;
}

/** Bumped by triggers on items, loans and holds (migration 0015): "a copy moved". */
export interface CirculationVersionTable {
	id: number;
	version: number;
}

/** What the OAI-PMH provider has exposed (migration 0009; lib/server/interop/oai.ts). */
export interface OaiRecordsTable {
	publication_id: number;
	/** UTC, to the second: `YYYY-MM-DDThh:mm:ssZ`. */
	datestamp: string;
	deleted: number;
	fingerprint: string;
}

export interface OaiRecordSetsTable {
	publication_id: number;
	set_spec: string;
}

export interface OaiStateTable {
	key: string;
	value: string;
}

/** One search typed into the catalog (migration 0011): no user id, no IP, on purpose. */
export interface SearchLogTable {
	id: Generated<number>;
	at: Defaulted<string>;
	/** Normalised: Unicode NFKC, lower case, single spaces (statistics/search-log.ts). */
	query: string;
	/** The interface language the search was made in (`id`, `en`). */
	lang: string;
	results: number;
	signed_in: number;
}

/** Searches per Jakarta month and query, kept by triggers on `search_log` (migration 0011). */
export interface SearchMonthlyTable {
	month: string;
	query: string;
	n: number;
	/** Of those, searches that found nothing. */
	zero: number;
}

/** Views and downloads per Jakarta month and publication, kept by triggers (migration 0011). */
export interface UsageMonthlyTable {
	/** `YYYY-MM`, Jakarta time. */
	month: string;
	kind: 'view' | 'download';
	publication_id: number;
	n: number;
}

export type MailKind = 'due_soon' | 'overdue' | 'hold_ready';
export type MailStatus = 'pending' | 'sending' | 'sent' | 'skipped';

/** One e-mail notice from enqueue to delivery (migration 0013; lib/server/mail/outbox.ts). */
export interface MailOutboxTable {
	id: Generated<number>;
	kind: MailKind;
	/** The loan (due_soon, overdue) or hold (hold_ready) the notice is about. */
	ref_id: number;
	/** The loan's due date or the hold's ready date: with kind and ref_id, the unique key. */
	ref_date: string;
	user_id: number;
	to_address: string;
	language: 'id' | 'en';
	subject: string;
	body: string;
	status: Defaulted<MailStatus>;
	attempts: Defaulted<number>;
	next_attempt_at: string;
	claimed_at: string | null;
	last_error: string | null;
	sent_at: string | null;
	message_id: string | null;
	created_at: Defaulted<string>;
}

export type ImportFormat = 'slims' | 'metadata' | 'zip';
export type ImportStatus = 'preview' | 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** One import from the browser or the API (migration 0014; lib/server/catalog/import-jobs.ts). */
export interface ImportJobsTable {
	id: Generated<number>;
	format: ImportFormat;
	file_name: string;
	bytes: Defaulted<number>;
	/** The job's folder, relative to DATA_DIR (removed when the job ends). */
	upload_dir: string;
	status: Defaulted<ImportStatus>;
	/** JSON: the column mapping (file header → catalogue column, '' = ignored). */
	mapping: string | null;
	/** JSON: what the preview showed (counts, first rows, invalid rows). */
	preview: string | null;
	total: Defaulted<number>;
	/** JSON reason when the job as a whole failed. */
	error: string | null;
	cancel_requested: Defaulted<number>;
	claimed_by: string | null;
	heartbeat_at: string | null;
	created_by: number | null;
	created_at: Defaulted<string>;
	started_at: string | null;
	finished_at: string | null;
}

/** The outcome of one row or file of an import job: `L<line>` or `F<path in the ZIP>`. */
export interface ImportJobRowsTable {
	job_id: number;
	item: string;
	line: number | null;
	name: Defaulted<string>;
	status: 'imported' | 'skipped' | 'failed';
	publication_id: number | null;
	/** JSON reason (message key, parameters, field keys). */
	reason: string | null;
}

export interface MailStateTable {
	key: string;
	value: string;
}

/** A late return's fine, assessed when the copy came back (migration 0012; circulation/fines.ts). */
export interface FinesTable {
	id: Generated<number>;
	loan_id: number;
	user_id: number;
	days: number;
	fine_per_day: number;
	amount: number;
	assessed_at: string;
}

/** Part of a fine paid or waived at the desk (append-only). */
export interface FinePaymentsTable {
	id: Generated<number>;
	fine_id: number;
	kind: 'paid' | 'waived';
	amount: number;
	reason: string | null;
	recorded_by: number | null;
	recorded_at: string;
}

/** The typed shape of the whole database, as Kysely sees it. */
export interface Database {
	users: UsersTable;
	sessions: SessionsTable;
	api_tokens: ApiTokensTable;
	login_attempts: LoginAttemptsTable;
	series: SeriesTable;
	publications: PublicationsTable;
	publication_authors: PublicationAuthorsTable;
	subjects: SubjectsTable;
	publication_subjects: PublicationSubjectsTable;
	files: FilesTable;
	cover_variants: CoverVariantsTable;
	page_texts: PageTextsTable;
	items: ItemsTable;
	loan_policies: LoanPoliciesTable;
	holidays: HolidaysTable;
	loans: LoansTable;
	loan_renewals: LoanRenewalsTable;
	holds: HoldsTable;
	audit_log: AuditLogTable;
	usage_events: UsageEventsTable;
	reading_progress: ReadingProgressTable;
	catalog_version: CatalogVersionTable;
	circulation_version: CirculationVersionTable;
	regulation_relations: RegulationRelationsTable;
	oai_records: OaiRecordsTable;
	oai_record_sets: OaiRecordSetsTable;
	oai_state: OaiStateTable;
	search_log: SearchLogTable;
	search_monthly: SearchMonthlyTable;
	usage_monthly: UsageMonthlyTable;
	mail_outbox: MailOutboxTable;
	mail_state: MailStateTable;
	fines: FinesTable;
	fine_payments: FinePaymentsTable;
	import_jobs: ImportJobsTable;
	import_job_rows: ImportJobRowsTable;
}

export type PublicationRow = Selectable<PublicationsTable>;
export type NewPublication = Insertable<PublicationsTable>;
export type PublicationUpdate = Updateable<PublicationsTable>;
export type UserRow = Selectable<UsersTable>;
export type FileRow = Selectable<FilesTable>;
export type ItemRow = Selectable<ItemsTable>;
export type SeriesRow = Selectable<SeriesTable>;
