// The disclosure auditor on /planning: a planner fetches everything the planning page and its
// APIs release (the released cells, the map's uncovered demand, coverage now at each reach,
// coverage by village, township and category, the extra-director flags, three siting answers
// with their gains and curves, two saved scenarios, their comparison and their CSV, XLSX and
// GeoJSON exports) through the app's own handlers. Every number about children must be a
// released count or a sum of released counts the attacker can name from what the page shows;
// then HiGHS bounds every protected count (true 1..4) under all of it together, the village
// list included. Fails on any count pinned to one value, any figure that is not such a sum
// (a difference that would say more than the released counts), and any number left unread.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { principalOf, FIXTURE_AREA } from '../support/template';
import { useTestDatabase } from '../support/app-database';
import { scopeFor } from '../../src/lib/server/auth/scope';
import type { Principal } from '../../src/lib/server/auth/policy';
import { cellQ, type Collected } from '../support/auditor/collect';
import { collectPlanning } from '../support/auditor/collect-planning';
import {
	audit,
	auditFailures,
	describeReport,
	readTruth,
	type Truth
} from '../support/auditor/audit';

vi.mock('$lib/server/db', () => import('../support/app-database'));

describe('disclosure audit of /planning on pglite', () => {
	const held = useTestDatabase('pglite');
	let collected: Collected;
	let truth: Truth;
	let prefix: string;
	beforeAll(async () => {
		const who = (await principalOf(held.d.db, 'planner')) as Principal;
		prefix = scopeFor(who.jurisdiction).prefix;
		collected = await collectPlanning(who, 'planner');
		truth = await readTruth(held.d.db, FIXTURE_AREA);
	}, 600_000);

	it('derives no count under five from every figure the planning pages and APIs release', async () => {
		const report = await audit([collected], truth, { mode: 'perturbed' });
		console.log(
			`[planning audit] requests ${JSON.stringify(collected.requests)}\n${describeReport(report)}`
		);
		// it looked: cells and village counts, hundreds of protected ones, every kind of answer
		const kinds = new Set(report.checked.map((b) => b.id.split(':')[0]));
		expect([...kinds].sort()).toEqual(['G', 'U']);
		expect(report.checked.length).toBeGreaterThan(300);
		expect(collected.requests).toMatchObject({ page: 2, run: 3, save: 2 });
		expect(collected.requests.export).toBeGreaterThanOrEqual(7);
		const sums = collected.derived.filter((x) => x.kind === 'sum');
		for (const what of ['uncovered', 'coverage', 'township', 'gain', 'curve', 'byReach', 'compare'])
			expect(
				sums.some((s) => s.source.includes(what)) ||
					collected.figures.some((f) => f.source.includes(what)),
				what
			).toBe(true);
		// nothing it could not read, no label that lies, no derived figure beyond the released
		// ones, no protected count pinned to one value
		expect(auditFailures(report)).toBe('');
		expect(report.minWidth).toBeGreaterThan(0);
	}, 600_000);

	it('catches an answer that releases a small count exactly (the gain of one child’s cell)', async () => {
		// a cell holding one to four children whose released value is not its truth
		const counts = new Map<string, number>();
		for (const ch of truth.children) {
			const q = cellQ(prefix, 17, ch.x, ch.y);
			counts.set(q, (counts.get(q) ?? 0) + 1);
		}
		const shown = new Map(
			collected.figures.flatMap((f) =>
				f.shown.kind === 'number' ? [[f.quantity, f.shown.value]] : []
			)
		);
		const [q, n] = [...counts].find(([q, n]) => n <= 4 && shown.has(q) && shown.get(q) !== n)!;
		const leaky: Collected = {
			...collected,
			derived: [
				...collected.derived,
				{ kind: 'sum', parts: [q], value: n, source: 'planner leaky gain' }
			]
		};
		const perturbed = await audit([leaky], truth, { mode: 'perturbed' });
		const caught = perturbed.findings.filter((f) => f.kind === 'derived');
		expect(caught.map((f) => f.detail)).toEqual([
			`planner leaky gain = ${n}, released parts give ${shown.get(q)}`
		]);
	}, 600_000);
});
