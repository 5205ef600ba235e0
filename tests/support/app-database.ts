// A suite's test database, opened before its tests and closed after them (with the analysis
// worker the services start), and, for suites that call the app's route handlers, the app's
// `$lib/server/db` pointed at it. In the suite:
//
//   vi.mock('$lib/server/db', () => import('../support/app-database'));
//   const t = useTestDatabase(engine);   // t.d inside the tests
//
// The mock is this module (the same instance the suite imports): the real module's exports,
// with database() answering the suite's database. vi.mock stays in the suite because vitest
// hoists it only there.
import { afterAll, beforeAll, vi } from 'vitest';
import { openTestDatabase, type EngineName, type TestDatabase } from './template';
import { closeAnalysis } from '../../src/lib/server/services/exposure';

type DbModule = typeof import('../../src/lib/server/db');
const actual = await vi.importActual<DbModule>('../../src/lib/server/db');
export const { DatabaseSetupError, openAndPrepare, closeDatabase } = actual;

let current: TestDatabase | null = null;

/** The app's database(): the open suite's test database. */
export async function database(): Promise<TestDatabase> {
	if (!current) throw new Error('no test database open (useTestDatabase in the suite)');
	return current;
}

/**
 * Open the engine's test database before the suite's tests (the app's database() answers it)
 * and close it, and the analysis worker, after them.
 */
export function useTestDatabase(
	engine: EngineName,
	timeoutMs?: number
): { readonly d: TestDatabase } {
	const held = {} as { d: TestDatabase };
	beforeAll(async () => {
		held.d = await openTestDatabase(engine);
		current = held.d;
	}, timeoutMs);
	afterAll(async () => {
		await closeAnalysis();
		await held.d?.close();
		current = null;
	});
	return held;
}
