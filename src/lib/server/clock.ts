import fs from 'node:fs';

/**
 * The current time for domain rules that depend on it (due dates, hold pickup deadlines,
 * digital loan expiry). Domain functions take `now` as a parameter; routes pass `clock()`.
 *
 * TEST ONLY: outside production, `FAKE_NOW_FILE` names a file holding an ISO timestamp that is
 * re-read on every call (so a test moves time forward while the server runs) and `FAKE_NOW`
 * fixes the time for the whole process. Both are ignored when `NODE_ENV=production` unless
 * `ALLOW_FAKE_CLOCK=1` is also set (the test harness runs the production build).
 */
export function clock(): Date {
	const allowed = process.env.NODE_ENV !== 'production' || process.env.ALLOW_FAKE_CLOCK === '1';
	if (!allowed) return new Date();
	const file = process.env.FAKE_NOW_FILE;
	if (file) {
		try {
			const t = new Date(fs.readFileSync(file, 'utf8').trim());
			if (!Number.isNaN(t.getTime())) return t;
		} catch {
			// No file yet: real time.
		}
	}
	const fixed = process.env.FAKE_NOW;
	if (fixed) {
		const t = new Date(fixed);
		if (!Number.isNaN(t.getTime())) return t;
	}
	return new Date();
}
