import type { Migration } from 'kysely';
import * as m0001 from './0001_initial.ts';
import * as m0002 from './0002_import_source.ts';
import * as m0003 from './0003_circulation.ts';
import * as m0004 from './0004_search_text.ts';
import * as m0005 from './0005_catalog_version.ts';
import * as m0006 from './0006_search_pages.ts';
import * as m0007 from './0007_search_lengths.ts';
import * as m0008 from './0008_regulations.ts';
import * as m0009 from './0009_oai.ts';
import * as m0011 from './0011_statistics.ts';
import * as m0012 from './0012_fines.ts';
import * as m0013 from './0013_outbox.ts';
import * as m0014 from './0014_import_jobs.ts';
import * as m0015 from './0015_circulation_version.ts';
import * as m0016 from './0016_cover_variants.ts';
import * as m0017 from './0017_search_page_terms.ts';
import * as m0018 from './0018_search_text_postgres.ts';
import * as m0019 from './0019_catalog_notify.ts';
import * as m0020 from './0020_search_text_match.ts';

/**
 * Every migration, in order. Listed in code rather than discovered on disk because Kysely's
 * FileMigrationProvider cannot load `.ts` files on Node 20 and they are not copied into `build/`.
 */
export const migrations: Record<string, Migration> = {
	'0001_initial': m0001,
	'0002_import_source': m0002,
	'0003_circulation': m0003,
	'0004_search_text': m0004,
	'0005_catalog_version': m0005,
	'0006_search_pages': m0006,
	'0007_search_lengths': m0007,
	'0008_regulations': m0008,
	'0009_oai': m0009,
	'0011_statistics': m0011,
	'0012_fines': m0012,
	'0013_outbox': m0013,
	'0014_import_jobs': m0014,
	'0015_circulation_version': m0015,
	'0016_cover_variants': m0016,
	'0017_search_page_terms': m0017,
	'0018_search_text_postgres': m0018,
	'0019_catalog_notify': m0019,
	'0020_search_text_match': m0020
};
