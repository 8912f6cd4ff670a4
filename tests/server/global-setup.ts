import { ensureDemoSeed } from '../helpers/demo.ts';

/** Seeds the shared demo catalog once, before any integration test file runs. */
export function setup(): void {
	ensureDemoSeed();
}
