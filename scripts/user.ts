// `npm run user -- <command>`: account administration from the shell, e.g. the first admin on a
// fresh install.
//
//   create --role admin|librarian|employee --name "..." (--nip 18digits | --email a@b) [--unit "..."] [--member-type employee|staff|external]
//       The password is read from standard input when it is not a terminal
//       (echo "$PW" | npm run user -- create ...), otherwise asked for twice without echo.
//   list
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { closeDb, getDb } from '../src/lib/server/db/index.ts';
import * as users from '../src/lib/server/accounts/users.ts';
import { DomainError } from '../src/lib/server/errors.ts';
import { translator } from '../src/lib/i18n/index.ts';

const t = translator(process.env.LANG?.startsWith('en') ? 'en' : 'id');

async function readPasswordFromStdin(): Promise<string> {
	let data = '';
	for await (const chunk of process.stdin) data += String(chunk);
	return data.replace(/\r?\n$/, '');
}

function ask(prompt: string): Promise<string> {
	return new Promise((resolve) => {
		const rl = readline.createInterface({
			input: process.stdin,
			output: process.stdout,
			terminal: true
		});
		// Hide what is typed: print nothing for each key.
		(rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
			if (s.startsWith(prompt)) process.stdout.write(prompt);
		};
		rl.question(prompt, (answer) => {
			rl.close();
			process.stdout.write('\n');
			resolve(answer);
		});
	});
}

async function create(args: string[]): Promise<number> {
	const { values } = parseArgs({
		args,
		options: {
			role: { type: 'string' },
			name: { type: 'string' },
			nip: { type: 'string' },
			email: { type: 'string' },
			unit: { type: 'string' },
			'member-type': { type: 'string' }
		},
		strict: true
	});
	if (!users.isRole(values.role)) {
		console.error('--role must be admin, librarian or employee');
		return 2;
	}
	if (!values.name) {
		console.error('--name is required');
		return 2;
	}
	let password: string;
	if (process.stdin.isTTY) {
		password = await ask('Password: ');
		if ((await ask('Repeat password: ')) !== password) {
			console.error(t('accounts.passwordMismatch'));
			return 1;
		}
	} else {
		password = await readPasswordFromStdin();
	}
	try {
		const id = await users.create(await getDb(), {
			role: values.role,
			name: values.name,
			nip: values.nip ?? null,
			email: values.email ?? null,
			unit: values.unit ?? null,
			memberType: values['member-type'] ?? (values.role === 'employee' ? 'employee' : 'staff'),
			password
		});
		console.log(`created user #${id} (${values.role}) ${values.nip ?? values.email}`);
		return 0;
	} catch (err) {
		if (err instanceof DomainError) {
			console.error(t(err.messageKey, err.params));
			for (const [field, key] of Object.entries(err.fields)) console.error(`  ${field}: ${t(key)}`);
			return 1;
		}
		throw err;
	}
}

async function list(): Promise<number> {
	const { items } = await users.search(await getDb(), '', 1000);
	for (const u of items) {
		console.log(
			[
				u.id,
				u.role.padEnd(9),
				u.nip ?? '-',
				u.email ?? '-',
				u.active ? 'active' : 'inactive',
				u.name
			].join('\t')
		);
	}
	return 0;
}

const [command, ...rest] = process.argv.slice(2);
try {
	if (command === 'create') process.exitCode = await create(rest);
	else if (command === 'list') process.exitCode = await list();
	else {
		console.error(
			'usage: npm run user -- create --role admin --nip <18 digits> --name "Name" [--email e] [--unit u]\n       npm run user -- list'
		);
		process.exitCode = 2;
	}
} catch (err) {
	console.error(String((err as Error).message));
	process.exitCode = 1;
} finally {
	await closeDb();
}
