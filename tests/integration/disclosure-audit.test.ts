// The disclosure auditor: an attacker with a planner's and a river chief's accounts in the
// fixture county (洪湖市) fetches every figure about children those roles can — area pages at
// every level, exposure, dashboards, the segment list, every segment's page, the export, and
// children tiles at every zoom — through the app's own route handlers, writes down everything
// the figures and their nesting say as linear constraints, and bounds every protected count
// (true value 1..4) with HiGHS. Fails if one is pinned to a single value, if a figure's label
// does not hold the true count, or if a derived figure says more than the released counts.
//
// PGlite only: what is released is computed in JavaScript from the same tables on both engines
// (the other integration suites hold the engines to the same figures); the auditor is about the
// figures, and a second full pass would double its two minutes.
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
	openTestDatabase,
	principalOf,
	FIXTURE_AREA,
	type TestDatabase
} from '../support/template';
import { closeAnalysis } from '../../src/lib/server/services/exposure';
import type { Principal } from '../../src/lib/server/auth/policy';
import { collect } from '../support/auditor/collect';
import { audit, describeReport, readTruth, type ReleaseMode } from '../support/auditor/audit';

const state = vi.hoisted(() => ({ db: null as TestDatabase | null }));
vi.mock('$lib/server/db', async (original) => ({
	...(await original<typeof import('../../src/lib/server/db')>()),
	database: async () => state.db!
}));

/** Deepest tile zoom fetched (14 = the server's deepest; 13 already shows the finest cells). */
const MAX_ZOOM = Number(process.env.AUDIT_MAX_ZOOM ?? 14);

describe('disclosure audit on pglite', () => {
	let d: TestDatabase;
	beforeAll(async () => {
		d = await openTestDatabase('pglite');
		state.db = d;
	});
	afterAll(async () => {
		await closeAnalysis();
		await d?.close();
	});

	it('pins no count under five from what a planner and a river chief can fetch', async () => {
		const t0 = performance.now();
		const log = (m: string) => console.log(`[audit] ${m}`);
		const collected = [];
		for (const username of ['planner', 'river.chief']) {
			const who = (await principalOf(d.db, username)) as Principal;
			collected.push(await collect(who, username, { maxZoom: MAX_ZOOM, log }));
		}
		const tCollect = performance.now();
		const truth = await readTruth(d.db, FIXTURE_AREA);
		const report = await audit(collected, truth, {
			mode: process.env.AUDIT_RELEASE as ReleaseMode | undefined,
			finestLevel: Math.min(17, MAX_ZOOM + 4)
		});
		log(
			`collected in ${((tCollect - t0) / 1000).toFixed(1)} s, audited in ${((performance.now() - tCollect) / 1000).toFixed(1)} s\n${describeReport(report)}`
		);

		// AUDIT_REPORT=file.json keeps every protected count's interval and every finding
		if (process.env.AUDIT_REPORT)
			await writeFile(
				process.env.AUDIT_REPORT,
				JSON.stringify({ ...report, widths: Object.fromEntries(report.widths) }, null, 1)
			);

		// it looked: every kind of figure, and thousands of protected counts among them
		const kinds = new Set(report.checked.map((b) => b.id.split(':')[0]));
		expect([...kinds].sort()).toEqual(['G', 'S', 'U']);
		expect(report.checked.length).toBeGreaterThan(1000);
		// nothing it could not read, no label that lies, no derived figure beyond the released ones
		const problems = report.findings.filter((f) => f.kind !== 'pinned');
		expect(
			problems.length,
			problems
				.slice(0, 40)
				.map((f) => `${f.kind}: ${f.detail}`)
				.join('\n')
		).toBe(0);
		// and no protected count pinned to one value
		expect(
			report.pinned.length,
			report.pinned
				.slice(0, 40)
				.map((p) => `${p.id} = ${p.lo}: ${p.figures.join('; ')}`)
				.join('\n')
		).toBe(0);
		expect(report.minWidth).toBeGreaterThan(0);
	}, 900_000);
});
