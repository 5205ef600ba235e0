import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.E2E_PORT ?? 4317);
// Specs that add rows the others count from the fixture (an import adds children's homes; the
// map's legend is compared with the fixture's homes) run after the rest, on the same server.
// Alone: `npx playwright test --no-deps tests/e2e/imports.spec.ts`.
const LATE = ['**/imports.spec.ts'];

export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.spec.ts',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	timeout: 60_000,
	expect: { timeout: 20_000 },
	reporter: process.env.PW_REPORTER ? [[process.env.PW_REPORTER]] : [['list']],
	use: {
		baseURL: `http://127.0.0.1:${PORT}`,
		locale: 'zh-CN',
		timezoneId: 'Asia/Shanghai',
		launchOptions: {
			// Debian's Chromium; Playwright never downloads a browser here
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync'
			]
		}
	},
	projects: [
		{ name: 'chromium', testIgnore: LATE },
		{ name: 'late', testMatch: LATE, dependencies: ['chromium'] }
	],
	webServer: {
		// builds if needed, copies the prepared fixture database and starts the real server
		command: `npx tsx tests/e2e/serve.ts ${PORT}`,
		url: `http://127.0.0.1:${PORT}/healthz`,
		timeout: 240_000,
		reuseExistingServer: false,
		stdout: 'pipe',
		stderr: 'pipe'
	}
});
