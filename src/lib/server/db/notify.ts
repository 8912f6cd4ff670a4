// Change notifications between servers sharing one PostgreSQL database (issue #16). Migration
// 0019 makes every transaction that changes the catalog (any bump of `catalog_version`) send
// `pg_notify('perpustakaan_catalog', '')`; a server's leader LISTENs on a dedicated connection
// and checks its search index at once, instead of at its next poll. The poll stays: it is the
// fallback while this connection is down (and the only mechanism on SQLite, where one server's
// own processes see its changes through the in-process events and the snapshot file).
import pg from 'pg';
import { log } from '../log.ts';
import { databaseUrl } from './dialect.ts';

/** The channel migration 0019's trigger notifies when the catalog changed. */
export const CATALOG_CHANNEL = 'perpustakaan_catalog';
/** First and longest wait before connecting again after the listening connection was lost. */
const BACKOFF_MIN_MS = 1000;
const BACKOFF_MAX_MS = 30_000;

/** A running listener; `close` ends it (server shutdown). */
export interface Listener {
	close(): Promise<void>;
}

/**
 * Calls `onNotify` for every notification on `channel`, over a connection of its own (LISTEN
 * belongs to one session; the pool's connections come and go). A lost connection is logged and
 * opened again with back-off (1 s doubling to 30 s); `onNotify` is called once after each
 * reconnection, since notifications sent meanwhile were lost. On SQLite: nothing (no other
 * server can change the database).
 */
export function listen(channel: string, onNotify: () => void): Listener {
	const url = databaseUrl();
	if (!url) return { close: async () => {} };
	let client: pg.Client | null = null;
	let timer: NodeJS.Timeout | null = null;
	let closed = false;
	let backoff = BACKOFF_MIN_MS;
	let failures = 0;

	const retry = (err: unknown) => {
		if (closed || timer) return;
		const c = client;
		client = null;
		if (c) {
			c.removeAllListeners('end');
			c.on('error', () => {});
			void c.end().catch(() => {});
		}
		if (failures++ === 0)
			log.warn({ err, channel }, 'notifications: connection lost, reconnecting');
		timer = setTimeout(() => {
			timer = null;
			void open();
		}, backoff);
		timer.unref();
		backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
	};

	const open = async () => {
		if (closed) return;
		const c = new pg.Client({
			connectionString: url,
			application_name: 'perpustakaan-listener',
			keepAlive: true
		});
		client = c;
		c.on('notification', (n) => {
			if (n.channel === channel) onNotify();
		});
		c.on('error', (err) => {
			if (client === c) retry(err);
		});
		c.on('end', () => {
			if (client === c) retry(new Error('the connection ended'));
		});
		try {
			await c.connect();
			await c.query(`listen ${channel}`);
			if (closed || client !== c) return;
			if (failures > 0) {
				log.info({ channel, failures }, 'notifications: listening again');
				// Whatever changed while the connection was down was not notified.
				onNotify();
			}
			failures = 0;
			backoff = BACKOFF_MIN_MS;
		} catch (err) {
			if (client === c) retry(err);
		}
	};
	void open();

	return {
		async close() {
			closed = true;
			if (timer) clearTimeout(timer);
			timer = null;
			const c = client;
			client = null;
			if (!c) return;
			c.removeAllListeners('end');
			c.on('error', () => {});
			await Promise.race([
				c.end().catch(() => {}),
				new Promise((r) => setTimeout(r, 1000).unref())
			]);
		}
	};
}
