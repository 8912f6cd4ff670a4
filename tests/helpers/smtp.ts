import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './server.ts';

/** A message the test SMTP server accepted: the envelope and the parsed message. */
export interface Received {
	to: string[];
	mail: ParsedMail;
	/** The message as sent (headers unfolded, and body), for assertions on raw headers. */
	raw: string;
}

/**
 * A real SMTP server on a loopback port (the `smtp-server` package), collecting every message
 * it accepts. It can be stopped and started again on the same port, so a test sees what the
 * application does while its mail server is unreachable and after it comes back.
 */
export class TestSmtp {
	readonly received: Received[] = [];
	port = 0;
	private server: SMTPServer | null = null;

	async start(port?: number): Promise<void> {
		this.port = port ?? (await freePort());
		const server = new SMTPServer({
			// Plain SMTP on loopback: no TLS certificate to trust, no credentials.
			disabledCommands: ['STARTTLS', 'AUTH'],
			authOptional: true,
			logger: false,
			onData: (stream, session, callback) => {
				const chunks: Buffer[] = [];
				stream.on('data', (c: Buffer) => chunks.push(c));
				stream.on('end', () => {
					const raw = Buffer.concat(chunks);
					simpleParser(raw).then(
						(mail) => {
							this.received.push({
								to: session.envelope.rcptTo.map((r) => r.address),
								mail,
								raw: raw.toString('utf8').replace(/\r?\n[ \t]+/g, ' ')
							});
							callback();
						},
						(err: Error) => callback(err)
					);
				});
			}
		});
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(this.port, '127.0.0.1', () => resolve());
		});
		this.server = server;
	}

	/** Stops listening: connections are refused until `start(port)` again. */
	async stop(): Promise<void> {
		const server = this.server;
		this.server = null;
		if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
	}

	/** Messages to one address. */
	to(address: string): Received[] {
		return this.received.filter((r) => r.to.includes(address));
	}
}
