import { config } from '../config.ts';
import { clock } from '../clock.ts';
import type { Db } from '../db/index.ts';
import { log } from '../log.ts';
import { requeueInterrupted } from './outbox.ts';
import { scan } from './notices.ts';
import { createTransport, deliverDue } from './sender.ts';

/**
 * The reminder loop of the leader process: every MAIL_INTERVAL, scan for due notices
 * and deliver what the outbox has ready. Off — not started at all, nothing queued — while no
 * SMTP server is configured, so switching mail on later does not flood members with a backlog
 * of stale notices: the first scan queues only what is due from then on.
 */

let timer: NodeJS.Timeout | null = null;
let running: Promise<void> | null = null;
let stopped = false;

/** Whether e-mail is configured (SMTP_URL or SMTP_HOST). */
export function enabled(): boolean {
	return config.smtp !== null;
}

/**
 * Starts the loop (leader only; lifecycle.ts calls it). First puts back rows an earlier process
 * left half-sent. Errors of one round are logged and the next round tries again.
 */
export async function start(db: Db): Promise<boolean> {
	const smtp = config.smtp;
	if (!smtp) {
		log.info('mail: no SMTP server configured (SMTP_URL or SMTP_HOST), reminders are off');
		return false;
	}
	stopped = false;
	const transport = createTransport(smtp);
	const requeued = await requeueInterrupted(db, clock());
	if (requeued) log.warn({ requeued }, 'mail: rows interrupted while sending are queued again');
	const round = async () => {
		try {
			const queued = await scan(db, clock());
			const { sent, failed } = await deliverDue(db, transport, clock, () => stopped);
			if (queued || sent || failed) log.info({ queued, sent, failed }, 'mail: round');
		} catch (err) {
			log.error({ err }, 'mail: round failed');
		}
	};
	const schedule = () => {
		if (stopped) return;
		timer = setTimeout(() => {
			running = round().finally(() => {
				running = null;
				schedule();
			});
		}, config.mailIntervalSeconds * 1000);
		timer.unref();
	};
	running = round().finally(() => {
		running = null;
		schedule();
	});
	log.info({ intervalSeconds: config.mailIntervalSeconds }, 'mail: reminder loop started');
	return true;
}

/** Stops the loop and waits for a round in progress (its current send finishes and is marked). */
export async function stop(): Promise<void> {
	stopped = true;
	if (timer) clearTimeout(timer);
	timer = null;
	await running;
}
