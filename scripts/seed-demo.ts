// `npm run seed:demo`: fills DATA_DIR with the deterministic demo catalog — series, 60+
// publications each with a generated multi-page Indonesian PDF (text extracted and cover
// rendered by the same pdf.js code path as uploads), physical copies, and demo accounts.
//
// Options: --fresh  wipe DATA_DIR first.  Env: DEMO_PASSWORD (else one is generated and printed).
import crypto from 'node:crypto';
import fs from 'node:fs';
import { config } from '../src/lib/server/config.ts';
import { closeDb, getDb } from '../src/lib/server/db/index.ts';
import * as records from '../src/lib/server/catalog/records.ts';
import * as ingest from '../src/lib/server/catalog/ingest.ts';
import * as pdf from '../src/lib/server/pdf/index.ts';
import * as users from '../src/lib/server/accounts/users.ts';
import { validatePublication } from '../src/lib/schemas/publication.ts';
import { buildDemoCatalog } from './demo/catalog.ts';
import { addDemoHistoryDb } from './demo/history.ts';
import { renderDemoPdf } from './demo/pdf.ts';

/** Demo accounts (documented in the README). NIPs follow the 18-digit civil-servant format. */
const DEMO_USERS = [
	{
		email: 'admin@perpustakaan.test',
		nip: '198001012005011001',
		name: 'Admin Perpustakaan',
		role: 'admin',
		unit: 'Sekretariat DJKN'
	},
	{
		email: 'pustakawan@perpustakaan.test',
		nip: '198502152010012002',
		name: 'Siti Pustakawati',
		role: 'librarian',
		unit: 'Perpustakaan DJKN'
	},
	{
		email: 'pegawai@perpustakaan.test',
		nip: '199003202015031003',
		name: 'Budi Santoso',
		role: 'employee',
		unit: 'Kanwil DJKN DKI Jakarta'
	},
	{
		email: 'pegawai2@perpustakaan.test',
		nip: '199207112018012004',
		name: 'Dewi Lestari',
		role: 'employee',
		unit: 'KPKNL Bandung'
	}
] as const;

/** Default loan policy rows: member type × publication type (circulation refines these). */
const DEFAULT_POLICIES = [
	{ publication_type: 'book', loan_days: 14, max_loans: 5, max_renewals: 2, hold_pickup_days: 3 },
	{
		publication_type: 'magazine_issue',
		loan_days: 7,
		max_loans: 5,
		max_renewals: 1,
		hold_pickup_days: 3
	},
	{ publication_type: 'report', loan_days: 7, max_loans: 5, max_renewals: 1, hold_pickup_days: 3 },
	{
		publication_type: 'regulation',
		loan_days: 14,
		max_loans: 5,
		max_renewals: 2,
		hold_pickup_days: 3
	},
	{ publication_type: 'article', loan_days: 7, max_loans: 5, max_renewals: 1, hold_pickup_days: 3 },
	{ publication_type: 'other', loan_days: 7, max_loans: 5, max_renewals: 1, hold_pickup_days: 3 }
];

async function main(): Promise<void> {
	if (process.argv.includes('--fresh')) fs.rmSync(config.dataDir, { recursive: true, force: true });
	const db = await getDb();
	const existing = await db.selectFrom('publications').select('id').limit(1).executeTakeFirst();
	if (existing) {
		console.log(
			`${config.dataDir} already holds a catalog; nothing seeded (use --fresh to start over).`
		);
		return;
	}
	const started = performance.now();
	const password = process.env.DEMO_PASSWORD || crypto.randomBytes(9).toString('base64url');
	let adminId: number | null = null;
	for (const u of DEMO_USERS) {
		const id = await users.create(db, {
			...u,
			password,
			memberType: u.role === 'employee' ? 'employee' : 'staff'
		});
		if (u.role === 'admin') adminId = id;
	}
	for (const memberType of ['employee', 'staff']) {
		await db
			.insertInto('loan_policies')
			.values(DEFAULT_POLICIES.map((p) => ({ ...p, member_type: memberType })))
			.execute();
	}

	const catalog = buildDemoCatalog();
	const actor = { id: adminId };
	let pages = 0;
	let copies = 0;
	for (const rec of catalog) {
		if (rec.series) {
			await records.ensureSeries(db, {
				slug: rec.series.slug,
				title: rec.series.title,
				issn: rec.series.issn,
				publisher: 'Direktorat Jenderal Kekayaan Negara',
				description:
					'Majalah resmi Direktorat Jenderal Kekayaan Negara tentang pengelolaan kekayaan negara, lelang dan piutang negara.'
			});
		}
	}
	// PDFs are inspected in the worker pool a batch at a time (both cores busy) and committed in
	// catalog order, so record ids are the same on every run.
	const BATCH = pdf.POOL_SIZE * 2;
	const idOf = new Map<string, number>();
	for (let start = 0; start < catalog.length; start += BATCH) {
		const batch = catalog.slice(start, start + BATCH);
		const inspected = await Promise.all(
			batch.map(async (rec) =>
				ingest.inspect(db, await ingest.writeTemp(await renderDemoPdf(rec)), `${rec.key}.pdf`)
			)
		);
		for (const [j, rec] of batch.entries()) {
			const input = validatePublication(
				{ ...rec, series: rec.series?.slug ?? null, issue: rec.issueNumber, relations: [] },
				new Date(Date.UTC(2026, 0, 1))
			);
			if (!input.ok)
				throw new Error(`demo record ${rec.key} is invalid: ${JSON.stringify(input.errors)}`);
			const committed = await ingest.commit(db, inspected[j], { metadata: input.value }, actor);
			pages += committed.pages;
			idOf.set(rec.key, committed.publicationId);
			for (const c of rec.copies) {
				await records.addItem(db, committed.publicationId, {
					barcode: c.barcode,
					location: c.location,
					callNumber: rec.callNumber
				});
				copies++;
			}
			const i = start + j;
			// A live counter on a terminal; a line every 10 records in logs.
			if (process.stdout.isTTY)
				process.stdout.write(`\r  ${i + 1}/${catalog.length} publications, ${pages} pages`);
			else if ((i + 1) % 10 === 0 || i + 1 === catalog.length)
				console.log(`  ${i + 1}/${catalog.length} publications, ${pages} pages`);
		}
	}
	if (process.stdout.isTTY) process.stdout.write('\n');
	// Relations between regulations, once every record exists (a target may come later in the
	// catalogue): through the same update librarians use, so they are validated and audited.
	for (const rec of catalog)
		if (rec.relations?.length)
			await records.update(db, idOf.get(rec.key)!, { relations: rec.relations }, actor);
	// A year of use before today (views, downloads, returned loans, searches) for the statistics
	// page; DEMO_HISTORY=0 leaves it out (the test suite's shared demo seed does: its tests
	// count loans and views from a known-empty start).
	if (process.env.DEMO_HISTORY !== '0') {
		const h = await addDemoHistoryDb(db, new Date());
		console.log(
			`  history: ${h.views} views, ${h.downloads} downloads, ${h.loans} returned loans, ${h.searches} searches over the last 12 months`
		);
	}
	const seconds = ((performance.now() - started) / 1000).toFixed(1);
	console.log(
		`Demo catalog ready in ${seconds}s: ${catalog.length} publications, ${pages} pages, ${copies} copies.`
	);
	console.log('Demo accounts (password below; set DEMO_PASSWORD to choose it):');
	for (const u of DEMO_USERS) console.log(`  ${u.role.padEnd(9)} ${u.email}  NIP ${u.nip}`);
	console.log(`  password: ${password}`);
}

try {
	await main();
} finally {
	await pdf.shutdown();
	await closeDb();
}
