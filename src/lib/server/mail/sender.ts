import nodemailer, { type Transporter } from 'nodemailer';
import type { Db } from '../db/index.ts';
import { config, type SmtpSettings } from '../config.ts';
import { log } from '../log.ts';
import { claim, markFailed, markSent } from './outbox.ts';
import { staleReason } from './notices.ts';
import { unsubscribeUrl } from './unsubscribe.ts';

/** Rows claimed per round: small, so a slow SMTP server never holds many rows in `sending`. */
const BATCH = 20;

/** One nodemailer transport for the configured SMTP server (pooled connections are not needed). */
export function createTransport(smtp: SmtpSettings): Transporter {
	const timeouts = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };
	return nodemailer.createTransport({ ...smtp, ...timeouts });
}

/** The host part of MAIL_FROM's address, for Message-IDs. */
function fromDomain(): string {
	const m = /@([^>\s]+)>?\s*$/.exec(config.mailFrom);
	return m ? m[1] : 'localhost';
}

/**
 * One round of delivery: claims the rows whose time has come and hands each to SMTP, marking it
 * sent or failed (retry with back-off). Sends one at a time: reminders are few, and a failure
 * (server down) then costs one connection attempt per row per round, not a burst.
 * @returns what happened, for the log.
 */
export async function deliverDue(
	db: Db,
	transport: Transporter,
	now: () => Date,
	shouldStop: () => boolean = () => false
): Promise<{ sent: number; failed: number }> {
	let sent = 0;
	let failed = 0;
	const rows = await claim(db, now(), BATCH, staleReason);
	for (const row of rows) {
		if (shouldStop()) {
			// Stopping: the claimed but untouched rows go back to pending at once, not after a restart.
			await markFailed(db, row, 'not sent: the server was stopping', now(), 0);
			continue;
		}
		// The same Message-ID on every attempt of this row: a copy re-sent after a crash between
		// "accepted" and "marked sent" is recognisably the same message (see outbox.ts).
		const messageId = `<outbox-${row.id}@${fromDomain()}>`;
		const unsubscribe = await unsubscribeUrl(db, row.userId);
		try {
			const info = await transport.sendMail({
				from: config.mailFrom,
				to: row.to,
				subject: row.subject,
				text: row.body,
				messageId,
				headers: {
					// RFC 2369 and RFC 8058: mail clients show their own "unsubscribe" button.
					'List-Unsubscribe': `<${unsubscribe}>`,
					'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
					'Auto-Submitted': 'auto-generated'
				}
			});
			await markSent(db, row.id, info.messageId ?? messageId, now());
			sent++;
			log.info({ outbox: row.id, kind: row.kind, attempts: row.attempts }, 'mail: sent');
		} catch (err) {
			const message = err instanceof Error ? err.message : String(err);
			const next = await markFailed(db, row, message, now(), config.mailRetrySeconds);
			failed++;
			log.warn(
				{ outbox: row.id, kind: row.kind, attempts: row.attempts, error: message, next },
				'mail: send failed, will retry'
			);
		}
	}
	return { sent, failed };
}
