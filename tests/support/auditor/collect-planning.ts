// What a planner can fetch from /planning and its APIs, read as the auditor's figures: the
// released cells (demand, and the map's uncovered demand) as grid counts, every village's
// counts as area counts, and every other number about children (coverage now at each reach,
// by village, township and category; a siting answer's base, total, gains and curve; saved
// scenarios, their comparison and their exports) as a derived figure that must be the sum of
// released counts the attacker can name. The attacker names them with what the page itself
// gives: the cells' centres, the existing sites, the chosen sites, and the browser's own
// coverage code (lib/geo/coverage.ts, held equal to the server's).
import { load as planningLoad } from '../../../src/routes/(app)/planning/+page.server';
import { POST as runPOST } from '../../../src/routes/api/planning/run/+server';
import { POST as savePOST } from '../../../src/routes/api/planning/scenarios/+server';
import { GET as scenarioExportGET } from '../../../src/routes/api/exports/planning/+server';
import { GET as coverageExportGET } from '../../../src/routes/api/exports/planning-coverage/+server';
import { scopeFor } from '../../../src/lib/server/auth/scope';
import type { Principal } from '../../../src/lib/server/auth/policy';
import { coveredCells } from '../../../src/lib/geo/coverage';
import { tileOf } from '../../../src/lib/geo/tiles';
import {
	DEMAND_LEVEL,
	DIRECTOR_THRESHOLD,
	REACHES,
	type AreaCoverage,
	type DemandCell,
	type Scenario,
	type SitingAnswer,
	type UncoveredCell,
	type VillageCoverage
} from '../../../src/lib/domain/planning';
import Papa from 'papaparse';
import { readXlsx } from '../xlsx';
import { translator } from '../../../src/lib/i18n';
import { cellQ, emptyCollected, fakeEvent, readShown, unitQ, type Collected } from './collect';

type PageData = {
	cells: DemandCell[];
	uncovered: UncoveredCell[];
	fixed: { lon: number; lat: number }[];
	coverage: { reach: number; covered: number }[];
	all: number;
	scenarios: Scenario[];
	compare: [Scenario, Scenario] | null;
	villages: { villages: VillageCoverage[]; townships: AreaCoverage[]; jurisdiction: AreaCoverage };
};

/** Numbers in planning answers that are not about children (positions, settings, timings). */
const NOT_CHILDREN =
	/(\.lon|\.lat|\.radiusM|\.k|\.ms|\.swaps|\.nearestM|\.homes|\.id|\.reach|\.from|\.newSites|\.upgrades|\.ref|bbox\[\]|\.radius_m|\.order)$/;

function numericLeaves(value: unknown, path: string, out: Set<string>): void {
	if (Array.isArray(value)) value.forEach((v) => numericLeaves(v, `${path}[]`, out));
	else if (value && typeof value === 'object')
		for (const [k, v] of Object.entries(value))
			numericLeaves(v, `${path}.${/^\d+$/.test(k) ? '#' : k}`, out);
	else if (typeof value === 'number' && !NOT_CHILDREN.test(path)) out.add(path);
}

function post(who: Principal, url: string, body: unknown) {
	const ev = fakeEvent(who, url) as Record<string, unknown>;
	return {
		...ev,
		request: new Request(new URL(url, 'http://localhost'), {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(body)
		})
	} as never;
}

export async function collectPlanning(who: Principal, role: string): Promise<Collected> {
	const c = emptyCollected();
	const prefix = scopeFor(who.jurisdiction).prefix;
	c.grids.add(prefix);
	const read = new Set<string>();
	const seen: [string, unknown][] = [];
	const count = (k: string) => (c.requests[k] = (c.requests[k] ?? 0) + 1);
	const figure = (quantity: string, v: unknown, source: string, path: string) => {
		read.add(path);
		const shown = readShown(v);
		if (!shown) c.unread.push(`${source}: ${JSON.stringify(v)}`);
		else c.figures.push({ quantity, shown, source: `${role} ${source}`, zeroApart: true });
	};
	const sum = (parts: string[], value: unknown, source: string, path: string) => {
		read.add(path);
		if (typeof value !== 'number') c.unread.push(`${source}: ${JSON.stringify(value)}`);
		else c.derived.push({ kind: 'sum', parts, value, source: `${role} ${source}` });
	};

	const page = async (query = '') => {
		count('page');
		const d = (await planningLoad(fakeEvent(who, `/planning${query}`))) as unknown as PageData;
		seen.push(['p', d]);
		return d;
	};
	const d = await page();

	// the released cells: demand, and the map's uncovered demand (each a grid count)
	const cellOf = (x: { lon: number; lat: number }) => {
		const t = tileOf(x.lon, x.lat, DEMAND_LEVEL);
		return cellQ(prefix, DEMAND_LEVEL, t.x, t.y);
	};
	const cellIds = d.cells.map(cellOf);
	d.cells.forEach((x, i) => figure(cellIds[i], x.n, `planning cells[${i}]`, 'p.cells[].n'));
	d.uncovered.forEach((x, i) =>
		figure(cellOf(x), x.n, `planning uncovered[${i}]`, 'p.uncovered[].n')
	);
	const ll = (xs: readonly { lon: number; lat: number }[]) =>
		xs.map((s) => [s.lon, s.lat] as [number, number]);
	const coveredBy = (sites: readonly { lon: number; lat: number }[], r: number) => {
		const cov = coveredCells(d.cells, ll(sites), r).covered;
		return cellIds.filter((_, i) => cov[i] === 1);
	};
	sum(cellIds, d.all, 'planning all', 'p.all');
	for (const x of d.coverage)
		sum(
			coveredBy(d.fixed, x.reach),
			x.covered,
			`planning coverage[${x.reach}]`,
			'p.coverage[].covered'
		);

	// villages: released counts (area counts); townships and the jurisdiction: sums of them
	const measures = ['total', 'leftBehind', 'inDifficulty'] as const;
	const villagesOf = new Map<string, VillageCoverage[]>();
	for (const v of d.villages.villages) {
		c.villages.set(v.code, v.township);
		c.townships.add(v.township);
		villagesOf.set(v.township, [...(villagesOf.get(v.township) ?? []), v]);
		for (const m of measures)
			figure(
				unitQ(v.code, m),
				v.counts[m],
				`planning village ${v.code} ${m}`,
				`p.villages.villages[].counts.${m}`
			);
		// the extra-director flag: released left-behind + in difficulty above the threshold
		read.add('p.villages.villages[].needsExtraDirector');
		c.derived.push({
			kind: 'above',
			parts: [unitQ(v.code, 'leftBehind'), unitQ(v.code, 'inDifficulty')],
			threshold: DIRECTOR_THRESHOLD,
			value: v.needsExtraDirector,
			source: `${role} planning village ${v.code} needsExtraDirector`
		});
	}
	const areaSums = (a: AreaCoverage, vs: VillageCoverage[], where: string, path: string) => {
		for (const m of measures) {
			sum(
				vs.map((v) => unitQ(v.code, m)),
				a.all[m],
				`${where} all.${m}`,
				`${path}.all.${m}`
			);
			a.covered.forEach((cv, j) =>
				sum(
					vs.filter((v) => v.covered[j]).map((v) => unitQ(v.code, m)),
					cv[m],
					`${where} covered[${REACHES[j]}].${m}`,
					`${path}.covered[].${m}`
				)
			);
		}
	};
	for (const t of d.villages.townships)
		areaSums(
			t,
			villagesOf.get(t.code) ?? [],
			`planning township ${t.code}`,
			'p.villages.townships[]'
		);
	areaSums(
		d.villages.jurisdiction,
		d.villages.villages,
		'planning jurisdiction',
		'p.villages.jurisdiction'
	);

	// siting answers: base, total, each gain in order, and the greedy curve
	const answers: SitingAnswer[] = [];
	for (const q of [
		{ k: 10, radiusM: 1000 },
		{ k: 5, radiusM: 500 },
		{ k: 3, radiusM: 2000, placed: [[d.cells[0].lon, d.cells[0].lat]] }
	]) {
		count('run');
		const res = await runPOST(post(who, '/api/planning/run', q));
		const a = (await res.json()) as SitingAnswer;
		seen.push(['r', a]);
		answers.push(a);
		const where = `run k=${a.k} r=${a.radiusM}`;
		sum(cellIds, a.all, `${where} all`, 'r.all');
		sum(coveredBy(d.fixed, a.radiusM), a.base, `${where} base`, 'r.base');
		sum(coveredBy([...d.fixed, ...a.sites], a.radiusM), a.total, `${where} total`, 'r.total');
		let before = new Set(coveredBy(d.fixed, a.radiusM));
		a.sites.forEach((s, i) => {
			const now = coveredBy([...d.fixed, ...a.sites.slice(0, i + 1)], a.radiusM);
			sum(
				now.filter((q) => !before.has(q)),
				s.gain,
				`${where} sites[${i}].gain`,
				'r.sites[].gain'
			);
			before = new Set(now);
		});
		// the greedy curve: the total after each greedy pick; without swaps, the sites in order
		if (a.swaps === 0) {
			a.curve.forEach((v, i) =>
				sum(
					coveredBy([...d.fixed, ...a.sites.slice(0, i + 1)], a.radiusM),
					v,
					`${where} curve[${i}]`,
					'r.curve[]'
				)
			);
			sum(
				coveredBy([...d.fixed, ...a.sites], a.radiusM),
				a.greedyTotal,
				`${where} greedyTotal`,
				'r.greedyTotal'
			);
		}
	}

	// two saved scenarios (the first with a site dragged 300 m east), compared side by side
	const ids: number[] = [];
	for (const [i, a] of answers.slice(0, 2).entries()) {
		const sites = a.sites.map(({ gain: _gain, ...s }, j) =>
			i === 0 && j === 0 ? { ...s, lon: s.lon + 0.003 } : s
		);
		count('save');
		const res = await savePOST(
			post(who, '/api/planning/scenarios', {
				name: `audit ${i}`,
				k: a.k,
				radiusM: a.radiusM,
				sites
			})
		);
		ids.push(((await res.json()) as { id: number }).id);
	}
	const cmp = await page(`?a=${ids[0]}&b=${ids[1]}`);
	const scenarioSums = (s: Scenario, where: string, path: string) => {
		sum(cellIds, s.summary.all, `${where} all`, `${path}.summary.all`);
		sum(coveredBy(d.fixed, s.radiusM), s.summary.base, `${where} base`, `${path}.summary.base`);
		sum(
			coveredBy([...d.fixed, ...s.sites], s.radiusM),
			s.summary.total,
			`${where} total`,
			`${path}.summary.total`
		);
		for (const r of REACHES)
			sum(
				coveredBy([...d.fixed, ...s.sites], r),
				s.summary.byReach[r],
				`${where} byReach[${r}]`,
				`${path}.summary.byReach.#`
			);
		let before = new Set(coveredBy(d.fixed, s.radiusM));
		s.sites.forEach((p, i) => {
			const now = coveredBy([...d.fixed, ...s.sites.slice(0, i + 1)], s.radiusM);
			sum(
				now.filter((q) => !before.has(q)),
				p.gain,
				`${where} sites[${i}].gain`,
				`${path}.sites[].gain`
			);
			before = new Set(now);
		});
	};
	for (const s of cmp.scenarios) scenarioSums(s, `scenario ${s.id}`, 'p.scenarios[]');
	for (const s of cmp.compare ?? []) scenarioSums(s, `compare ${s.id}`, 'p.compare[]');
	// the rest of the comparison page repeats the figures above
	for (const [k, v] of [
		['cells', cmp.cells],
		['uncovered', cmp.uncovered]
	] as const)
		if (JSON.stringify(v) !== JSON.stringify(d[k])) c.unread.push(`compare page: ${k} differ`);

	// each scenario's exports: the gains again, in every format (fakeEvent asks in zh-CN; the
	// GeoJSON's properties are named as the CSV's headings)
	const gainHeading = translator('zh-CN')('plan.gain');
	for (const s of cmp.scenarios) {
		const gains = s.sites.map((p) => p.gain);
		for (const format of ['csv', 'xlsx', 'geojson'] as const) {
			count('export');
			const res = await scenarioExportGET(
				fakeEvent(who, `/api/exports/planning?scenario=${s.id}&format=${format}`)
			);
			let got: unknown[];
			if (format === 'geojson') {
				const g = (await res.json()) as { features: { properties: Record<string, unknown> }[] };
				got = g.features.map((f) => f.properties[gainHeading]);
			} else if (format === 'csv') {
				// by its heading: the last column is the file's watermark (导出标记)
				const [head, ...rows] = Papa.parse<string[]>(
					(await res.text()).replace(/^\uFEFF/, '').trim()
				).data;
				const col = head.indexOf(gainHeading);
				got = rows.map((r) => (col < 0 ? null : Number(r[col])));
			} else {
				const x = readXlsx(Buffer.from(await res.arrayBuffer()));
				got = x.rows.slice(1).map((r) => Number(r.at(-1)?.value));
			}
			if (JSON.stringify(got) !== JSON.stringify(gains))
				c.unread.push(`export ${s.id} ${format}: gains ${JSON.stringify(got)} are not the page's`);
		}
	}

	// the coverage results by village as a file: each village's released counts again
	count('export');
	const covCsv = await (
		await coverageExportGET(
			fakeEvent(who, '/api/exports/planning-coverage?level=village&format=csv')
		)
	).text();
	for (const line of covCsv
		.replace(/^\uFEFF/, '')
		.trim()
		.split(/\r?\n/)
		.slice(1)) {
		const r = line.split(',');
		measures.forEach((m, j) =>
			figure(unitQ(r[1], m), Number(r[3 + j]), `coverage export ${r[1]} ${m}`, 'x.coverage')
		);
	}

	// every number about children in every answer was read
	for (const [root, value] of seen) {
		const leaves = new Set<string>();
		numericLeaves(value, root, leaves);
		for (const p of leaves)
			if (!read.has(p)) c.unread.push(`${p}: a number about children nobody read`);
	}
	return c;
}
