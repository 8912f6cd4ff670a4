import type { TestProject } from 'vitest/node';
import { publicationId } from '../helpers/db.ts';
import { copyDemoData } from '../helpers/demo.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

declare module 'vitest' {
	export interface ProvidedContext {
		baseUrl: string;
		dataDir: string;
		internalId: number;
	}
}

let server: RunningServer | undefined;

/** One built production server over a private copy of the demo catalog for all browser tests. */
export async function setup(project: TestProject): Promise<void> {
	server = await startServer(copyDemoData());
	project.provide('baseUrl', server.url);
	project.provide('dataDir', server.dataDir);
	project.provide(
		'internalId',
		publicationId(server.dataDir, `access = 'internal' and status = 'published'`)
	);
}

export async function teardown(): Promise<void> {
	await server?.stop();
}
