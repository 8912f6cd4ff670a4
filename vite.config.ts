import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	server: { host: '127.0.0.1' },
	test: {
		// Each project is a layer of the test pyramid; scripts/test.js runs them all and prints
		// the one summary line CI reads.
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					include: ['tests/unit/**/*.test.ts'],
					exclude: ['tests/unit/**/*.svelte.test.ts'],
					environment: 'node'
				}
			},
			{
				// Components mounted in a DOM (happy-dom): Svelte's `mount` exists only in its browser
				// build, so this layer resolves packages with the `browser` condition; the unit layer
				// keeps Node's, which the server modules it tests need.
				extends: true,
				resolve: { conditions: ['browser'] },
				test: {
					name: 'component',
					include: ['tests/unit/**/*.svelte.test.ts'],
					environment: 'happy-dom'
				}
			},
			{
				extends: true,
				test: {
					name: 'server',
					include: ['tests/server/**/*.test.ts'],
					environment: 'node',
					globalSetup: ['tests/server/global-setup.ts'],
					testTimeout: 60_000,
					hookTimeout: 120_000
				}
			},
			{
				extends: true,
				test: {
					name: 'e2e',
					include: ['tests/e2e/**/*.test.ts'],
					environment: 'node',
					globalSetup: ['tests/e2e/global-setup.ts'],
					testTimeout: 60_000,
					hookTimeout: 180_000,
					fileParallelism: false
				}
			}
		]
	}
});
