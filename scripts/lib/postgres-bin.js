// Where Debian's PostgreSQL server binaries are: shared by `npm test` (does it need to install
// the package?) and the tests' PostgreSQL harness (tests/helpers/pg-server.ts).
import fs from 'node:fs';
import path from 'node:path';

/**
 * PG_BIN when set, else the newest /usr/lib/postgresql/<version>/bin holding pg_ctl, version
 * ≥ 15, else null.
 * @returns {string | null}
 */
export function postgresBin() {
	if (process.env.PG_BIN) return process.env.PG_BIN;
	const base = '/usr/lib/postgresql';
	if (!fs.existsSync(base)) return null;
	const versions = fs
		.readdirSync(base)
		.map(Number)
		.filter((v) => Number.isInteger(v) && v >= 15)
		.sort((a, b) => b - a);
	const found = versions.find((v) => fs.existsSync(path.join(base, String(v), 'bin', 'pg_ctl')));
	return found === undefined ? null : path.join(base, String(found), 'bin');
}
