import crypto from 'node:crypto';
import { config } from '../config.ts';
import type { Db } from '../db/index.ts';
import { writeTransaction } from '../db/write.js';

/**
 * Signed unsubscribe links: `/mail/unsubscribe?u=<user id>&t=<token>`, where the token is an
 * HMAC-SHA256 of the user id under the application secret. The link works without a login (a
 * member reading mail on a phone is rarely signed in) and cannot be forged for another member;
 * it never expires, because an old reminder's link must still work. It only ever switches
 * reminders off, so a leaked link can do no more than that.
 */

const KEY = 'unsubscribe_key';
let cached: Buffer | null = null;

/** APP_SECRET when set; else a random key made once and kept in mail_state (every process shares it). */
async function signingKey(db: Db): Promise<Buffer> {
	const configured = config.appSecret;
	if (configured) return Buffer.from(configured, 'utf8');
	if (cached) return cached;
	const value = await writeTransaction(db, async (tx) => {
		const row = await tx
			.selectFrom('mail_state')
			.select('value')
			.where('key', '=', KEY)
			.executeTakeFirst();
		if (row) return row.value;
		const fresh = crypto.randomBytes(32).toString('base64');
		await tx.insertInto('mail_state').values({ key: KEY, value: fresh }).execute();
		return fresh;
	});
	cached = Buffer.from(value, 'base64');
	return cached;
}

function sign(key: Buffer, userId: number): string {
	return crypto.createHmac('sha256', key).update(`unsubscribe:${userId}`).digest('base64url');
}

/** The absolute unsubscribe link for a member, as put in every reminder. */
export async function unsubscribeUrl(db: Db, userId: number): Promise<string> {
	const token = sign(await signingKey(db), userId);
	return `${config.origin}/mail/unsubscribe?u=${userId}&t=${token}`;
}

/** The user id a link's parameters sign for, or null when they are missing or forged. */
export async function verify(
	db: Db,
	u: string | null | undefined,
	t: string | null | undefined
): Promise<number | null> {
	if (!u || !t || !/^[1-9]\d{0,15}$/.test(u) || !/^[A-Za-z0-9_-]{43}$/.test(t)) return null;
	const id = Number(u);
	const expected = Buffer.from(sign(await signingKey(db), id));
	const given = Buffer.from(t);
	// Constant time, so the token cannot be guessed byte by byte from response timings.
	return expected.length === given.length && crypto.timingSafeEqual(expected, given) ? id : null;
}
