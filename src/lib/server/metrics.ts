import client from 'prom-client';

/**
 * Prometheus instrumentation, in one place. Domain modules count what happens through the small
 * functions below (`countLoan`, `countUpload`); the request hook times every request; the
 * /metrics endpoint fills the scrape-time gauges (`render`) from a snapshot it is handed, so this
 * module imports nothing of the application and can be imported from anywhere without a cycle.
 *
 * Counters live in this process: they start at 0 when the server starts (Prometheus' `rate()`
 * and `increase()` handle such resets), and the CLI scripts, which import the same domain code,
 * count into a registry nobody scrapes.
 */

const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

/** Known methods keep the label set small; anything else is `OTHER`. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

const httpRequests = new client.Counter({
	name: 'perpustakaan_http_requests_total',
	help: 'HTTP requests answered by the application, by route id (not path), method and status.',
	labelNames: ['route', 'method', 'status'] as const,
	registers: [registry]
});

const httpDuration = new client.Histogram({
	name: 'perpustakaan_http_request_duration_seconds',
	help: 'Time until the response headers were ready, by route id, method and status.',
	labelNames: ['route', 'method', 'status'] as const,
	buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
	registers: [registry]
});

const loans = new client.Counter({
	name: 'perpustakaan_loans_total',
	help: 'Circulation actions that committed: checkouts, returns and renewals, physical or digital.',
	labelNames: ['action', 'kind'] as const,
	registers: [registry]
});

const uploads = new client.Counter({
	name: 'perpustakaan_uploads_total',
	help: 'PDFs offered to the catalog: accepted (stored with their record) or refused (with the refusal code).',
	labelNames: ['result', 'reason'] as const,
	registers: [registry]
});

// Series that exist from the start (at 0), so rates and alerts work before the first event.
for (const kind of ['physical', 'digital']) {
	loans.inc({ action: 'checkout', kind }, 0);
	loans.inc({ action: 'return', kind }, 0);
}
loans.inc({ action: 'renewal', kind: 'physical' }, 0);
uploads.inc({ result: 'accepted', reason: '' }, 0);

const gauge = (name: string, help: string, labelNames: string[] = []) =>
	new client.Gauge({ name, help, labelNames, registers: [registry] });

const pdfQueue = gauge(
	'perpustakaan_pdf_queue_length',
	'PDFs waiting for a free extraction worker.'
);
const pdfBusy = gauge('perpustakaan_pdf_workers_busy', 'Extraction workers working on a PDF.');
const pdfSize = gauge('perpustakaan_pdf_workers_max', 'Size of the PDF extraction worker pool.');
const coordinator = gauge(
	'perpustakaan_coordinator',
	'1 in the one process, of all servers sharing the database, that runs the once-per-library duties (recovery sweeps, e-mail reminders, pruning); else 0.'
);
const indexAge = gauge(
	'perpustakaan_search_index_age_seconds',
	'Seconds since the loaded search index was built (NaN before the first index is loaded).'
);
const indexBuild = gauge(
	'perpustakaan_search_index_last_build_duration_seconds',
	'Duration of the last search index build in this process (NaN when none ran yet).'
);
const indexDocs = gauge(
	'perpustakaan_search_index_documents',
	'Records in the loaded search index.'
);
const indexBuilding = gauge(
	'perpustakaan_search_index_building',
	'1 while the search index is being rebuilt in its worker.'
);
const publications = gauge(
	'perpustakaan_publications',
	'Catalog records by status (draft, published, withdrawn).',
	['status']
);
const files = gauge('perpustakaan_files', 'Records with a PDF (their current file versions).');
const items = gauge('perpustakaan_items', 'Physical copies (items) in the catalog.');
const freeBytes = gauge(
	'perpustakaan_data_dir_free_bytes',
	'Free bytes on the file system holding DATA_DIR (what uploads can still use).'
);
const info = gauge('perpustakaan_info', 'Always 1; the version label names the running release.', [
	'version'
]);

/**
 * The PostgreSQL pool's gauges, registered at the first scrape that has a pool: on SQLite (one
 * in-process connection, nothing to pool or to wait for) the series are absent rather than
 * zeros, so a dashboard cannot mistake "no pool" for "an idle pool".
 */
let poolGauges:
	| { connections: client.Gauge<string>; waiting: client.Gauge<string>; max: client.Gauge<string> }
	| undefined;

function setPoolGauges(pool: PoolFigures): void {
	poolGauges ??= {
		connections: gauge(
			'perpustakaan_db_pool_connections',
			'PostgreSQL connections this process holds open, by state: idle, or in_use by a query or transaction.',
			['state']
		),
		waiting: gauge(
			'perpustakaan_db_pool_waiting',
			'Queries of this process waiting for a pooled PostgreSQL connection (all in use).'
		),
		max: gauge(
			'perpustakaan_db_pool_max',
			'Connections this process may open to PostgreSQL (DATABASE_POOL_SIZE).'
		)
	};
	poolGauges.connections.set({ state: 'idle' }, pool.idle);
	poolGauges.connections.set({ state: 'in_use' }, pool.inUse);
	poolGauges.waiting.set(pool.waiting);
	poolGauges.max.set(pool.max);
}

/** Records one answered request. `routeId` is SvelteKit's route id, null when none matched. */
export function observeRequest(
	routeId: string | null,
	method: string,
	status: number,
	seconds: number
): void {
	const labels = {
		route: routeId ?? 'unmatched',
		method: METHODS.has(method) ? method : 'OTHER',
		status: String(status)
	};
	httpRequests.inc(labels);
	httpDuration.observe(labels, seconds);
}

/** Counts a committed circulation action. */
export function countLoan(
	action: 'checkout' | 'return' | 'renewal',
	kind: 'physical' | 'digital'
): void {
	loans.inc({ action, kind });
}

/** Counts an upload: accepted (stored) or refused with its error code (`pdf_encrypted`, ...). */
export function countUpload(result: 'accepted' | 'refused', reason = ''): void {
	uploads.inc({ result, reason: result === 'accepted' ? '' : reason || 'error' });
}

/** What the scrape-time gauges show, gathered by the caller at scrape time. */
export interface Snapshot {
	version: string;
	pdf: { queued: number; busy: number; size: number };
	search: { builtAt: string | null; lastBuildMs: number | null; docs: number; building: boolean };
	catalog: { byStatus: Record<string, number>; files: number; items: number };
	/** Free bytes on DATA_DIR's file system, null when unknown. */
	freeBytes: number | null;
	/** The PostgreSQL connection pool; null (no pool gauges) on SQLite. */
	databasePool: PoolFigures | null;
	/** Whether this process is the library's coordinator (db/coordinator.ts). */
	coordinator: boolean;
}

/** A connection pool's figures (db/index.ts `poolStats`; not imported, see the top). */
export interface PoolFigures {
	max: number;
	idle: number;
	inUse: number;
	waiting: number;
}

/** The Prometheus text exposition (format 0.0.4) with the gauges set from `snap`. */
export async function render(snap: Snapshot, now = Date.now()): Promise<string> {
	info.reset();
	info.set({ version: snap.version }, 1);
	pdfQueue.set(snap.pdf.queued);
	pdfBusy.set(snap.pdf.busy);
	pdfSize.set(snap.pdf.size);
	indexAge.set(snap.search.builtAt ? (now - Date.parse(snap.search.builtAt)) / 1000 : NaN);
	indexBuild.set(snap.search.lastBuildMs === null ? NaN : snap.search.lastBuildMs / 1000);
	indexDocs.set(snap.search.docs);
	indexBuilding.set(snap.search.building ? 1 : 0);
	// Every status gets a sample (0 when none), so a dashboard's series never vanish.
	publications.reset();
	for (const status of ['draft', 'published', 'withdrawn', ...Object.keys(snap.catalog.byStatus)])
		publications.set({ status }, snap.catalog.byStatus[status] ?? 0);
	files.set(snap.catalog.files);
	items.set(snap.catalog.items);
	freeBytes.set(snap.freeBytes ?? NaN);
	if (snap.databasePool) setPoolGauges(snap.databasePool);
	coordinator.set(snap.coordinator ? 1 : 0);
	return registry.metrics();
}

/** The Content-Type of `render`'s text. */
export const CONTENT_TYPE = registry.contentType;
