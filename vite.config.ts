import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	server: { fs: { allow: ['geodata', 'migrations'] } },
	test: {
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					include: ['tests/unit/**/*.test.ts'],
					environment: 'node',
					// a few unit tests do real work (rebuilding the PostGIS bundle, scoring passwords
					// with zxcvbn, LP solves): on a busy 2-core machine they pass 5 s
					testTimeout: 30_000
				}
			},
			{
				extends: true,
				test: {
					name: 'integration',
					include: ['tests/integration/**/*.test.ts', 'tests/parity/**/*.test.ts'],
					environment: 'node',
					globalSetup: ['tests/integration/global-setup.ts'],
					testTimeout: 120_000,
					hookTimeout: 300_000
					// each file gets its own database: a restored data dir or a template copy
				}
			}
		]
	}
});
