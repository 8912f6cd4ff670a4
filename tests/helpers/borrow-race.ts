/**
 * One contender in the digital-lending race test: opens its own connection to the database
 * (a SQLite file, or a `postgres://` URL in the PostgreSQL pass), waits until the agreed start time so all contenders start together, borrows, and prints
 * `ok` or the refusal code.
 */
import { openDatabase, openPostgres } from '../../src/lib/server/db/index.ts';
import * as digital from '../../src/lib/server/circulation/digital.ts';
import { DomainError } from '../../src/lib/server/errors.ts';

const [file, pub, user, startAt] = process.argv.slice(2);
const db = /^postgres(ql)?:\/\//.test(file) ? openPostgres(file) : openDatabase(file);
await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
try {
	await digital.borrow(db, Number(pub), Number(user), { id: Number(user) });
	console.log('ok');
} catch (err) {
	console.log(err instanceof DomainError ? err.code : `error ${String(err)}`);
} finally {
	await db.destroy();
}
