// Build (or reuse) the prepared databases once, before any integration file runs.
import { ensurePgliteTemplate, ensurePostgresTemplate, testEngines } from '../support/template';

export default async function setup(): Promise<void> {
	const engines = testEngines();
	await ensurePgliteTemplate();
	if (engines.includes('postgres')) await ensurePostgresTemplate(process.env.TEST_DATABASE_URL!);
}
