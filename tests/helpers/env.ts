import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Where test runs keep their scratch data (ignored by git). */
export const TEST_DIR = path.join(ROOT, 'test-results');
/** The seeded demo catalog shared (read-only) by every test run; copied before mutation. */
export const DEMO_SEED_DIR = path.join(TEST_DIR, 'demo-seed');
/** The demo accounts' password in tests. */
export const DEMO_PASSWORD = 'demo-password-2026';
/** The real-world PDFs the tests use, kept in the repository (origins in its README). */
export const CORPUS_DIR = path.join(ROOT, 'tests', 'fixtures', 'corpus');
