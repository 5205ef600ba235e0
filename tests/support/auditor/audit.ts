// The attacker's model of everything collected (collect.ts), the true counts it is judged
// against (read from the database directly), and the verdict: which protected counts (true
// value 1..4) the figures pin to one value, which figures lie about the count they show, and
// which derived figures say more than the released counts behind them.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../../src/lib/server/db/schema';
import { DIFFICULTY_CATEGORIES, LEFT_BEHIND_CATEGORIES } from '../../../src/lib/domain/children';
import { jurisdictionPrefix } from '../../../src/lib/domain/admin';
import {
	compareRisk,
	riskLevel,
	riskScore,
	KIND_RISK_WEIGHT,
	type WaterwayKind
} from '../../../src/lib/domain/equipment';
import { analysisFor, COVERAGE_RADIUS_M } from '../../../src/lib/server/services/exposure';
import { ruleRadius } from '../../../src/lib/server/repositories/segment-rule';
import {
	boundTargets,
	LinearSystem,
	type SolveStats,
	type Target,
	type TargetBound,
	type Term
} from './lp';
import { trueCountRange } from './contract';
import { MEASURES, type Collected, type Figure, type Measure, type Shown } from './collect';

export const FINEST_LEVEL = 17;
export const COARSEST_LEVEL = 7;
/** Grid blocks: the cells of one level-12 cell (a few dozen finest cells) solve on their own. */
const BLOCK_LEVEL = 12;

export interface Truth {
	/** per village and measure */
	villages: Map<string, Record<Measure, number>>;
	/** finest-level cells per child: village code, x, y */
	children: { village: string; x: number; y: number }[];
	segments: Map<number, number>;
}

export async function readTruth(db: Kysely<DB>, countyPrefix: string): Promise<Truth> {
	const lb = [...LEFT_BEHIND_CATEGORIES] as string[];
	const df = [...DIFFICULTY_CATEGORIES] as string[];
	const like = `${countyPrefix}%`;
	const v = await sql<{ code: string; total: number; lb: number; df: number }>`
		SELECT village_code AS code, count(*)::int AS total,
			count(*) FILTER (WHERE categories && ${lb}::text[])::int AS lb,
			count(*) FILTER (WHERE categories && ${df}::text[])::int AS df
		FROM children WHERE village_code LIKE ${like} GROUP BY village_code`.execute(db);
	const villages = new Map<string, Record<Measure, number>>();
	const units = await sql<{ code: string }>`
		SELECT code FROM admin_units WHERE level = 'village' AND code LIKE ${like}`.execute(db);
	for (const u of units.rows)
		villages.set(u.code, { total: 0, leftBehind: 0, inDifficulty: 0, near: 0, uncovered: 0 });
	for (const r of v.rows)
		villages.set(r.code, {
			total: r.total,
			leftBehind: r.lb,
			inDifficulty: r.df,
			near: 0,
			uncovered: 0
		});
	// children near incomplete water and without a usable home within 1 km: the app's own
	// analysis engine, per village
	const a = analysisFor(db);
	const radius = await ruleRadius(db);
	const [near, uncovered] = await Promise.all([
		a.exposureIncomplete(countyPrefix, radius, 12),
		a.uncovered(countyPrefix, COVERAGE_RADIUS_M, 12)
	]);
	for (const [res, m] of [
		[near, 'near'],
		[uncovered, 'uncovered']
	] as const) {
		const g = res.groups!;
		for (let i = 0; i < g.codes.length; i++) {
			const code = String(g.codes[i]).padStart(12, '0');
			const row = villages.get(code);
			if (!row) throw new Error(`exposure names village ${code}, which the county lacks`);
			row[m] = g.count[i];
		}
	}
	// the finest grid cell of every child (the formula child_cells is built with)
	const cells = await sql<{ village: string; x: number; y: number }>`
		SELECT village_code AS village,
			floor((ST_X(residence) + 180.0) / 360.0 * 2 ^ ${FINEST_LEVEL})::int AS x,
			floor((1.0 - ln(tan(radians(ST_Y(residence))) + 1.0 / cos(radians(ST_Y(residence)))) / pi())
				/ 2.0 * 2 ^ ${FINEST_LEVEL})::int AS y
		FROM children WHERE village_code LIKE ${like}`.execute(db);
	const segs = await sql<{ id: number; n: number }>`
		SELECT waterway_id AS id, children_within AS n FROM segment_requirements`.execute(db);
	return {
		villages,
		children: cells.rows,
		segments: new Map(segs.rows.map((r) => [Number(r.id), r.n]))
	};
}

export type ReleaseMode = 'exact' | 'perturbed';

/** The true counts a released figure allows, as the attacker reads it. */
export function interval(shown: Shown, mode: ReleaseMode, zeroApart = true): [number, number] {
	switch (shown.kind) {
		case 'small':
			return [zeroApart ? 1 : 0, 4];
		case 'hidden':
			return [0, Infinity];
		case 'number':
			return mode === 'exact' ? [shown.value, shown.value] : trueCountRange(shown.value);
	}
}

export interface Finding {
	kind: 'pinned' | 'lie' | 'derived' | 'distance' | 'exact-release' | 'unread' | 'inconsistent';
	detail: string;
}

export interface ProtectedResult extends TargetBound {
	figures: string[];
}

export interface AuditReport {
	mode: ReleaseMode;
	figures: number;
	quantities: number;
	variables: number;
	rows: number;
	checked: ProtectedResult[];
	pinned: ProtectedResult[];
	findings: Finding[];
	stats: SolveStats;
	/** protected counts by the width (hi - lo) of their interval */
	widths: Map<number, number>;
	minWidth: number;
}

const kindOf = (q: string) => q.split(':')[0];

/** Build the attacker's model from what was collected and bound every protected count. */
export async function audit(
	collected: Collected[],
	truth: Truth,
	opts: { mode?: ReleaseMode; finestLevel?: number } = {}
): Promise<AuditReport> {
	const fine = opts.finestLevel ?? FINEST_LEVEL;
	const figures = collected.flatMap((c) => c.figures);
	const derived = collected.flatMap((c) => c.derived);
	const findings: Finding[] = collected.flatMap((c) =>
		c.unread.map((u) => ({ kind: 'unread' as const, detail: u }))
	);
	const mode: ReleaseMode =
		opts.mode ?? (figures.some((f) => f.shown.kind !== 'number') ? 'exact' : 'perturbed');
	const sys = new LinearSystem();

	// administrative units: one variable per village and measure; a unit is the sum of its villages
	for (const [code, t] of truth.villages)
		for (const m of MEASURES) sys.variable(`${code}:${m}`, t[m]);
	const villagesUnder = new Map<string, string[]>();
	const villagesOf = (prefix: string) => {
		let list = villagesUnder.get(prefix);
		if (!list) {
			list = [...truth.villages.keys()].filter((c) => c.startsWith(prefix));
			villagesUnder.set(prefix, list);
		}
		return list;
	};
	for (const code of truth.villages.keys())
		for (const m of ['leftBehind', 'inDifficulty', 'near', 'uncovered'] as const)
			sys.constrain(
				[
					[sys.index(`${code}:${m}`)!, 1],
					[sys.index(`${code}:total`)!, -1]
				],
				-Infinity,
				0,
				`${code} ${m} ≤ total`
			);

	// grids: one variable per finest cell of each jurisdiction whose tiles were read
	const grids = [...new Set(collected.flatMap((c) => [...c.grids]))].sort();
	const cellTruth = new Map<string, Map<string, number>>();
	for (const g of grids) {
		const m = new Map<string, number>();
		for (const ch of truth.children) {
			if (!ch.village.startsWith(g)) continue;
			for (let level = COARSEST_LEVEL; level <= fine; level++) {
				const k = `${level}:${ch.x >> (FINEST_LEVEL - level)}:${ch.y >> (FINEST_LEVEL - level)}`;
				m.set(k, (m.get(k) ?? 0) + 1);
			}
		}
		cellTruth.set(g, m);
	}
	const fineVar = (g: string, x: number, y: number) =>
		sys.variable(
			`${g}:${fine}:${x}:${y}`,
			cellTruth.get(g)!.get(`${fine}:${x}:${y}`) ?? 0,
			`grid ${x >> (fine - BLOCK_LEVEL)}/${y >> (fine - BLOCK_LEVEL)}`
		);
	const shownFine = new Map<string, Set<string>>(grids.map((g) => [g, new Set()]));
	for (const f of figures) {
		const [k, g, level, x, y] = f.quantity.split(':');
		if (k === 'G' && Number(level) >= fine) {
			const s = 2 ** (Number(level) - fine);
			shownFine.get(g)!.add(`${Math.floor(Number(x) / s)}:${Math.floor(Number(y) / s)}`);
		}
	}
	for (const g of grids) {
		for (const xy of shownFine.get(g)!) {
			const [x, y] = xy.split(':').map(Number);
			fineVar(g, x, y);
		}
		for (const [k, n] of cellTruth.get(g)!) {
			const [level, x, y] = k.split(':').map(Number);
			if (level === fine && n > 0) fineVar(g, x, y);
		}
	}
	const gridVars = new Map<string, { x: number; y: number; i: number }[]>();
	sys.names.forEach((name, i) => {
		const [g, level, x, y] = name.split(':');
		if (grids.includes(g) && Number(level) === fine) {
			const list = gridVars.get(g) ?? [];
			list.push({ x: Number(x), y: Number(y), i });
			gridVars.set(g, list);
		}
	});
	// a township's cells hold some of the county's: each finest cell at most the county's
	for (const g of grids)
		for (const outer of grids)
			if (g !== outer && g.startsWith(outer))
				for (const v of gridVars.get(g) ?? [])
					sys.constrain(
						[
							[v.i, 1],
							[fineVar(outer, v.x, v.y), -1]
						],
						-Infinity,
						0,
						`${g} cell ${v.x}/${v.y} ≤ ${outer}'s`
					);
	// every child of a jurisdiction is in one of its cells
	for (const g of grids)
		sys.constrain(
			[
				...(gridVars.get(g) ?? []).map((v) => [v.i, 1] as Term),
				...villagesOf(g).map((c) => [sys.index(`${c}:total`)!, -1] as Term)
			],
			0,
			0,
			`${g}: its cells hold all its children`
		);

	// segments
	for (const [id, n] of truth.segments) sys.variable(`S:${id}`, n, 'segments');

	const termsOf = (q: string): Term[] | null => {
		const parts = q.split(':');
		if (parts[0] === 'U') {
			const [, code, m] = parts;
			return villagesOf(jurisdictionPrefix(code)).map((c) => [sys.index(`${c}:${m}`)!, 1]);
		}
		if (parts[0] === 'G') {
			const [, g, level, x, y] = parts;
			const k = fine - Number(level);
			if (k < 0) return null;
			return (gridVars.get(g) ?? [])
				.filter((v) => v.x >> k === Number(x) && v.y >> k === Number(y))
				.map((v) => [v.i, 1]);
		}
		const i = sys.index(q);
		return i === undefined ? null : [[i, 1]];
	};
	const truthOf = (terms: Term[]) => sys.valueAtTruth(terms);

	// every released figure: its interval (checked against the truth first)
	const byQuantity = new Map<string, Figure[]>();
	for (const f of figures) {
		const list = byQuantity.get(f.quantity) ?? [];
		list.push(f);
		byQuantity.set(f.quantity, list);
	}
	// cells the tiles leave out say "no child here" (at the levels read: planning reads only the
	// finest)
	const levelsRead = new Set(
		figures.filter((f) => f.quantity.startsWith('G:')).map((f) => f.quantity.split(':')[2])
	);
	for (const g of grids)
		for (const [k, n] of cellTruth.get(g)!) {
			const [level, x, y] = k.split(':');
			if (!levelsRead.has(level)) continue;
			const q = `G:${g}:${level}:${x}:${y}`;
			if (n > 0 && !byQuantity.has(q))
				findings.push({
					kind: 'lie',
					detail: `${q}: absent from every tile (read as 0) but holds ${n}`
				});
		}
	const exprOf = new Map<string, Term[]>();
	for (const [q, list] of byQuantity) {
		const terms = termsOf(q);
		if (!terms) {
			findings.push({ kind: 'unread', detail: `${q}: no model for this count` });
			continue;
		}
		exprOf.set(q, terms);
		const t = truthOf(terms);
		let lo = 0;
		let hi = Infinity;
		for (const f of list) {
			let [a, b] = interval(f.shown, mode, f.zeroApart);
			if (t < a || t > b) {
				findings.push({
					kind: 'lie',
					detail: `${f.source}: shows ${showText(f.shown)} (${a}..${b}) for a true ${t}`
				});
				[a, b] = [Math.min(a, t), Math.max(b, t)];
			}
			lo = Math.max(lo, a);
			hi = Math.min(hi, b);
		}
		const numbers = new Set(
			list.flatMap((f) => (f.shown.kind === 'number' ? [f.shown.value] : []))
		);
		if (numbers.size > 1)
			findings.push({
				kind: 'inconsistent',
				detail: `${q}: released as ${[...numbers].join(', ')} (${list.map((f) => f.source).join('; ')})`
			});
		sys.constrain(terms, lo, hi, `${q} released`);
	}
	const released = (q: string): number | null => {
		for (const f of byQuantity.get(q) ?? []) if (f.shown.kind === 'number') return f.shown.value;
		return null;
	};

	// derived figures
	const weight = (kind: string) => KIND_RISK_WEIGHT[kind as WaterwayKind] ?? NaN;
	const scoreCoef = (s: { waterKind: string; usable: number; required: boolean }) =>
		s.required ? Math.max(0, 4 - s.usable) * weight(s.waterKind) : 0;
	for (const d of derived) {
		if (d.kind === 'distance') {
			if (d.nearestKind === 'children')
				findings.push({
					kind: 'distance',
					detail: `${d.source}: exact distance to a child's home`
				});
			continue;
		}
		if (d.kind === 'childHome') {
			const i = sys.index(`S:${d.segment}`)!;
			sys.constrain(
				[[i, 1]],
				d.within ? 1 : 0,
				d.within ? Infinity : 0,
				`${d.source} child home within`
			);
			continue;
		}
		if (d.kind === 'sum' || d.kind === 'above') {
			const known = d.parts.map(released);
			const missing = d.parts.filter((_, i) => known[i] === null);
			if (mode === 'perturbed') {
				// a sum must be the sum of released counts the attacker can name, or it is a new figure
				const total = known.reduce<number>((a, v) => a + (v ?? 0), 0);
				const ok =
					missing.length === 0 &&
					(d.kind === 'sum' ? d.value === total : d.value === total > d.threshold);
				if (!ok)
					findings.push({
						kind: 'derived',
						detail: `${d.source} = ${d.value}, released parts give ${total}${missing.length ? ` (${missing.length} parts never released, e.g. ${missing[0]})` : ''}`
					});
				continue;
			}
			// before the change: the sum of the true counts
			const terms = d.parts.flatMap((q) => exprOf.get(q) ?? termsOf(q) ?? []);
			if (d.kind === 'sum') sys.constrain(terms, d.value, d.value, d.source);
			else if (d.value) sys.constrain(terms, d.threshold + 1, Infinity, d.source);
			else sys.constrain(terms, -Infinity, d.threshold, d.source);
			continue;
		}
		if (mode === 'perturbed') {
			// derived figures must follow from the released counts alone
			if (d.kind === 'share') {
				const p = released(d.part);
				const w = released(d.whole);
				const expect = p === null || w === null ? undefined : w > 0 ? Math.min(1, p / w) : null;
				if (expect === undefined || (d.value ?? null) !== expect) {
					if (!(
						typeof d.value === 'number' &&
						typeof expect === 'number' &&
						Math.abs(d.value - expect) < 1e-9
					))
						findings.push({
							kind: 'derived',
							detail: `${d.source} = ${d.value}, released ${p}/${w} give ${expect}`
						});
				}
			} else if (d.kind === 'risk') {
				const r = released(`S:${d.segment}`) ?? 0;
				const expect = riskLevel(
					d.required ? riskScore(d.waterKind as WaterwayKind, r, d.usable) : 0
				);
				if (expect !== d.level)
					findings.push({
						kind: 'derived',
						detail: `${d.source} = ${d.level}, from the released ${r} it would be ${expect}`
					});
			} else if (d.kind === 'order') {
				for (let k = 1; k < d.segments.length; k++) {
					const [a, b] = [d.segments[k - 1], d.segments[k]];
					const ra = a.required ? (released(`S:${a.id}`) ?? 0) : 0;
					const rb = b.required ? (released(`S:${b.id}`) ?? 0) : 0;
					const c = compareRisk(
						{ id: a.id, kind: a.waterKind as WaterwayKind, childrenWithin: ra, usable: a.usable },
						{ id: b.id, kind: b.waterKind as WaterwayKind, childrenWithin: rb, usable: b.usable }
					);
					if (c > 0 && (a.required || b.required))
						findings.push({
							kind: 'derived',
							detail: `${d.source}: ${a.id} before ${b.id} is not the order of the released counts`
						});
				}
			}
			continue;
		}
		// before the change: derived figures were computed from the true counts
		if (d.kind === 'share') {
			if (d.value === null) continue;
			const p = exprOf.get(d.part) ?? termsOf(d.part)!;
			const w = exprOf.get(d.whole) ?? termsOf(d.whole)!;
			sys.constrain(
				[...p, ...w.map(([i, c]) => [i, -c * d.value!] as Term)],
				-1e-6,
				1e-6,
				d.source
			);
		} else if (d.kind === 'risk') {
			const c = scoreCoef(d);
			if (!(c > 0)) continue;
			const i = sys.index(`S:${d.segment}`)!;
			// high ≥ 60, medium ≥ 20, low > 0, none = 0 (the score is children × missing × weight)
			const [a, b] =
				d.level === 'high'
					? [60 / c, Infinity]
					: d.level === 'medium'
						? [20 / c, 60 / c - 1e-9]
						: d.level === 'low'
							? [1e-9, 20 / c - 1e-9]
							: [0, 0];
			sys.constrain([[i, 1]], Math.ceil(a - 1e-9), Math.floor(b), `${d.source} (${d.level})`);
		} else if (d.kind === 'order') {
			// riskier first: each score at least the next one's
			for (let k = 1; k < d.segments.length; k++) {
				const [a, b] = [d.segments[k - 1], d.segments[k]];
				const terms: Term[] = [];
				if (scoreCoef(a) > 0) terms.push([sys.index(`S:${a.id}`)!, scoreCoef(a)]);
				if (scoreCoef(b) > 0) terms.push([sys.index(`S:${b.id}`)!, -scoreCoef(b)]);
				if (terms.length) sys.constrain(terms, 0, Infinity, `${d.source}: ${a.id} ≥ ${b.id}`);
			}
		}
	}

	// an exact count where perturbed ones are promised: every small one of a source equal to the truth
	if (mode === 'perturbed') {
		const bySource = new Map<string, { same: number; all: number }>();
		for (const [q, list] of byQuantity) {
			const terms = exprOf.get(q);
			if (!terms) continue;
			const t = truthOf(terms);
			if (t < 1 || t > 4) continue;
			for (const f of list) {
				if (f.shown.kind !== 'number') continue;
				const src = f.source.split(' ').slice(0, 2).join(' ') + ` ${kindOf(q)}`;
				const s = bySource.get(src) ?? { same: 0, all: 0 };
				s.all++;
				if (f.shown.value === t) s.same++;
				bySource.set(src, s);
			}
		}
		for (const [src, s] of bySource)
			if (s.all >= 20 && s.same === s.all)
				findings.push({
					kind: 'exact-release',
					detail: `${src}: all ${s.all} small counts released unperturbed`
				});
	}

	const broken = sys.violatedByTruth();
	if (broken.length)
		throw new Error(
			`the model contradicts the true counts (a modelling error): ${broken
				.slice(0, 5)
				.map((r) => r.label)
				.join('; ')}`
		);

	// protected: every released count whose true value is 1..4
	const targets: Target[] = [];
	for (const [q, terms] of exprOf) {
		const t = truthOf(terms);
		if (t >= 1 && t <= 4) targets.push({ id: q, terms, truth: t });
	}
	const { bounds, stats } = await boundTargets(sys, targets);
	const checked = bounds.map((b) => ({
		...b,
		figures: (byQuantity.get(b.id) ?? []).map((f) => `${f.source}: ${showText(f.shown)}`)
	}));
	const pinned = checked.filter((b) => b.lo === b.hi);
	for (const p of pinned)
		findings.push({
			kind: 'pinned',
			detail: `${p.id} = ${p.lo} (true ${p.truth}) from ${p.figures[0]}`
		});
	const widths = new Map<number, number>();
	for (const b of checked) widths.set(b.hi - b.lo, (widths.get(b.hi - b.lo) ?? 0) + 1);
	return {
		mode,
		figures: figures.length,
		quantities: byQuantity.size,
		variables: sys.names.length,
		rows: sys.rows.length,
		checked,
		pinned,
		findings,
		stats,
		widths,
		minWidth: Math.min(...checked.map((b) => b.hi - b.lo))
	};
}

function showText(s: Shown): string {
	return s.kind === 'number' ? String(s.value) : s.kind === 'small' ? '<5' : '—';
}

/** A short account of the audit for the test's output. */
/**
 * What makes an audit fail, as text ('' when clean): any finding but a pinned count (a figure
 * it could not read, a label that lies, a derived figure beyond the released ones), and any
 * protected count pinned to one value; the first 40 of each.
 */
export function auditFailures(r: AuditReport): string {
	const problems = r.findings.filter((f) => f.kind !== 'pinned');
	return [
		...problems.slice(0, 40).map((f) => `${f.kind}: ${f.detail}`),
		...r.pinned.slice(0, 40).map((p) => `pinned ${p.id} = ${p.lo}: ${p.figures.join('; ')}`)
	].join('\n');
}

export function describeReport(r: AuditReport): string {
	const by = (kind: string) => r.checked.filter((b) => kindOf(b.id) === kind);
	const pinnedBy = (kind: string) => r.pinned.filter((b) => kindOf(b.id) === kind).length;
	const lines = [
		`release read as: ${r.mode === 'exact' ? 'exact numbers, "<5" = 0..4 (1..4 where 0 shows apart), "—" = any' : 'perturbed, true = released ± 3 (0 = 0)'}`,
		`${r.figures} figures on ${r.quantities} counts; model ${r.variables} variables, ${r.rows} constraints`,
		`protected counts (true 1..4) checked: ${r.checked.length} — areas ${by('U').length}, grid cells ${by('G').length}, segments ${by('S').length}`,
		`pinned: ${r.pinned.length} — areas ${pinnedBy('U')}, grid cells ${pinnedBy('G')}, segments ${pinnedBy('S')}`,
		`smallest interval width: ${r.minWidth}; widths ${[...r.widths]
			.sort((a, b) => a[0] - b[0])
			.map(([w, n]) => `${w}:${n}`)
			.join(' ')}`,
		`solver: ${r.stats.blocks} blocks, core ${r.stats.coreVariables}×${r.stats.coreRows}, ${r.stats.lpSolves} LP + ${r.stats.mipSolves} MIP solves, ${r.stats.skipped} skipped, ${r.stats.ms} ms`
	];
	const narrow = r.checked.filter((b) => b.hi - b.lo === r.minWidth);
	for (const kind of ['U', 'G', 'S']) {
		const b = narrow.find((n) => kindOf(n.id) === kind);
		if (b)
			lines.push(
				`  narrowest ${b.id}: ${b.lo}..${b.hi} (true ${b.truth}) from ${b.figures.slice(0, 3).join('; ')}`
			);
	}
	const kinds = new Map<string, Finding[]>();
	for (const f of r.findings) kinds.set(f.kind, [...(kinds.get(f.kind) ?? []), f]);
	for (const [k, list] of kinds) {
		lines.push(`${k}: ${list.length}`);
		for (const f of list.slice(0, 8)) lines.push(`  ${f.detail}`);
	}
	return lines.join('\n');
}
