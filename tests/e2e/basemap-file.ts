// Where the e2e server's basemap archive is written (by serve.ts) and read back (by the tests).
import os from 'node:os';
import path from 'node:path';

export const E2E_BASEMAP = path.join(
	os.tmpdir(),
	`tongan-e2e-basemap-${process.env.E2E_PORT ?? 4317}.pmtiles`
);
