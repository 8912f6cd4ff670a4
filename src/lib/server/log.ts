import pino from 'pino';
import { config } from './config.ts';

/** Structured JSON logger (one line per event on stdout). */
export const log = pino({
	level: config.logLevel,
	base: { app: 'perpustakaan-djkn' },
	timestamp: pino.stdTimeFunctions.isoTime,
	redact: ['req.headers.cookie', 'req.headers.authorization', '*.password']
});
