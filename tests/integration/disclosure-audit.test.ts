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
import { describe, expect, it, vi } from 'vitest';
import { principalOf, FIXTURE_AREA } from '../support/template';
import { useTestDatabase } from '../support/app-database';
import type { Principal } from '../../src/lib/server/auth/policy';
import { collect } from '../support/auditor/collect';
import {
	audit,
	auditFailures,
	describeReport,
	readTruth,
	type ReleaseMode
} from '../support/auditor/audit';

vi.mock('$lib/server/db', () => import('../support/app-database'));

/** Deepest tile zoom fetched (14 = the server's deepest; 13 already shows the finest cells). */
const MAX_ZOOM = Number(process.env.AUDIT_MAX_ZOOM ?? 14);

describe('disclosure audit on pglite', () => {
	const held = useTestDatabase('pglite');

	it('pins no count under five from what a planner and a river chief can fetch', async () => {
		const t0 = performance.now();
		const log = (m: string) => console.log(`[audit] ${m}`);
		const collected = [];
		for (const username of ['planner', 'river.chief']) {
			const who = (await principalOf(held.d.db, username)) as Principal;
			collected.push(await collect(who, username, { maxZoom: MAX_ZOOM, log }));
		}
		const tCollect = performance.now();
		const truth = await readTruth(held.d.db, FIXTURE_AREA);
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
		// nothing it could not read, no label that lies, no derived figure beyond the released
		// ones, no protected count pinned to one value
		expect(auditFailures(report)).toBe('');
		expect(report.minWidth).toBeGreaterThan(0);
	}, 900_000);
});
