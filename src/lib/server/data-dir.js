// Start checks for DATA_DIR: can the server create it, write to it, flush to it? Run by
// scripts/start.js before the application is loaded, and again by the `init` hook (for
// `node build` and `vite dev`). A failure becomes ONE log line naming what is wrong, the path
// and what to do — an operator should not have to read a stack trace to learn that a disk is
// full or mounted read-only. Plain JavaScript: start.js loads it without a build step.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A start check that failed, with a message for the operator. */
export class StartFailure extends Error {
	/**
	 * @param {string} message what is wrong, where, and what to do
	 * @param {string} code the system or SQLite error code behind it
	 * @param {string} where the path concerned
	 * @param {boolean} [foreseen] false for an error this module does not recognise
	 */
	constructor(message, code, where, foreseen = true) {
		super(message);
		this.name = 'StartFailure';
		this.code = code;
		this.path = where;
		this.foreseen = foreseen;
	}
}

/** Bytes written by the probe: one page, as the smallest write SQLite makes. */
const PROBE_BYTES = 4096;

/**
 * @typedef {object} ProbeFs the file operations the probe needs (tests may inject failures)
 * @property {typeof fs.mkdirSync} mkdirSync
 * @property {typeof fs.openSync} openSync
 * @property {typeof fs.writeSync} writeSync
 * @property {typeof fs.fsyncSync} fsyncSync
 * @property {typeof fs.closeSync} closeSync
 * @property {typeof fs.rmSync} rmSync
 */

/**
 * Creates DATA_DIR if needed, then writes, fsyncs and removes a small probe file in it. Throws a
 * StartFailure describing the first thing that failed.
 * @param {string} dir
 * @param {ProbeFs} [io]
 * @param {string} [name] the setting that names `dir`, for the message (`FILES_DIR` too)
 */
export function probeDataDir(dir, io = fs, name = 'DATA_DIR') {
	const probe = path.join(dir, `.write-probe-${process.pid}`);
	/** @type {'create' | 'write'} */
	let step = 'create';
	try {
		io.mkdirSync(dir, { recursive: true });
		step = 'write';
		const fd = io.openSync(probe, 'w');
		try {
			io.writeSync(fd, Buffer.alloc(PROBE_BYTES));
			io.fsyncSync(fd);
		} finally {
			io.closeSync(fd);
		}
		io.rmSync(probe, { force: true });
	} catch (err) {
		try {
			io.rmSync(probe, { force: true });
		} catch {
			// the probe could not be created or cannot be removed: the failure below says why
		}
		throw describeStartFailure(err, dir, step, name);
	}
}

/** @param {unknown} err */
function codeOf(err) {
	const e = /** @type {{ code?: unknown, cause?: { code?: unknown } } | null} */ (err);
	const code = e?.code ?? e?.cause?.code;
	return typeof code === 'string' ? code : '';
}

/** Who the server runs as, for "not writable by ..." messages. */
function runningAs() {
	try {
		return os.userInfo().username;
	} catch {
		return `uid ${process.getuid?.() ?? '?'}`;
	}
}

/**
 * Turns an error met while starting (the probe, opening or migrating the database) into a
 * StartFailure with an operator's message. Errors it does not recognise keep their own message.
 * @param {unknown} err
 * @param {string} dir DATA_DIR
 * @param {'create' | 'write' | 'open'} [step] what was being done
 * @param {string} [name] the setting that names `dir` (DATA_DIR, or FILES_DIR when shared)
 * @returns {StartFailure}
 */
export function describeStartFailure(err, dir, step = 'open', name = 'DATA_DIR') {
	if (err instanceof StartFailure) return err;
	const code = codeOf(err);
	const db = path.join(dir, 'perpustakaan.sqlite');
	const elsewhere = `or set ${name} to a writable directory`;
	if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL')
		return new StartFailure(
			`${name} ${dir} is full (${code}): free space on its file system (see df -h ${dir}) and start again`,
			code,
			dir
		);
	if (code === 'EROFS' || code.startsWith('SQLITE_READONLY'))
		return new StartFailure(
			`${name} ${dir} is read-only (${code}): mount it read-write ${elsewhere}`,
			code,
			dir
		);
	if (step === 'create' && (code === 'ENOTDIR' || code === 'ENOENT' || code === 'EEXIST'))
		return new StartFailure(
			`${name} ${dir} cannot be created (${code}: part of its path is missing or is not a directory): create it ${elsewhere}`,
			code,
			dir
		);
	if (code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST')
		return new StartFailure(
			`${name} ${dir} is not a usable directory (${code}): point ${name} at a directory`,
			code,
			dir
		);
	if (code === 'EACCES' || code === 'EPERM')
		return new StartFailure(
			`${name} ${dir} is not writable by ${runningAs()} (${code}): give that user write access (chown/chmod) ${elsewhere}`,
			code,
			dir
		);
	if (code === 'SQLITE_CANTOPEN')
		return new StartFailure(
			`database ${db} cannot be opened (${code}): check that DATA_DIR ${dir} exists and is writable, ${elsewhere}`,
			code,
			db
		);
	if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB')
		return new StartFailure(
			`database ${db} is damaged or not a SQLite database (${code}): restore it from a backup`,
			code,
			db
		);
	if (code.startsWith('SQLITE_IOERR') || code === 'EIO')
		return new StartFailure(
			`input/output error on ${name} ${dir} (${code}): check the disk (dmesg) and its free space`,
			code,
			dir
		);
	const message = err instanceof Error ? err.message : String(err);
	return new StartFailure(
		`cannot start on ${name} ${dir}${code ? ` (${code})` : ''}: ${message}`,
		code || 'unknown',
		dir,
		false
	);
}
