import type { TestProject } from 'vitest/node';
import { copyDemoData } from '../helpers/demo.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

declare module 'vitest' {
	export interface ProvidedContext {
		baseUrl: string;
	}
}

let server: RunningServer | undefined;

/** One built production server over a private copy of the demo catalog for all browser tests. */
export async function setup(project: TestProject): Promise<void> {
	server = await startServer(copyDemoData());
	project.provide('baseUrl', server.url);
}

export async function teardown(): Promise<void> {
	await server?.stop();
}
