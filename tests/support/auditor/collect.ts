// What an attacker with a planner's or a river chief's account can fetch, gathered through the
// app's own route handlers (the same code a browser reaches), and read as figures: which count
// each number is about, what it shows, and where it was seen. Nothing here reads the database
// except through those handlers; the test's `$lib/server/db` mock hands them the test database.
import { VectorTile } from '@mapbox/vector-tile';
import Protobuf from 'pbf';
import { GET as areaGET } from '../../../src/routes/api/areas/[code]/+server';
import { GET as exposureGET } from '../../../src/routes/api/analysis/exposure/+server';
import { GET as exportGET } from '../../../src/routes/api/exports/segments/+server';
import { GET as tileGET } from '../../../src/routes/tiles/[source]/[z]/[x]/[y].mvt/+server';
import { load as dashboardLoad } from '../../../src/routes/(app)/dashboard/+page.server';
import { load as listLoad } from '../../../src/routes/(app)/waterways/+page.server';
import { load as segmentLoad } from '../../../src/routes/(app)/waterways/[id]/+page.server';
import { scopeFor } from '../../../src/lib/server/auth/scope';
import type { Principal } from '../../../src/lib/server/auth/policy';
import { translator } from '../../../src/lib/i18n';
import { readXlsx } from '../xlsx';

/** How a released figure reads: a number, "<5" (under five, not zero), or "—" (hidden). */
export type Shown = { kind: 'number'; value: number } | { kind: 'small' } | { kind: 'hidden' };

export interface Figure {
	/** the count it is about: `U:<code>:<measure>`, `G:<prefix>:<level>:<x>:<y>`, `S:<segment id>` */
	quantity: string;
	shown: Shown;
	/**
	 * the source shows none as 0 (or leaves it out: a tile draws no empty cell), so its "<5" is
	 * 1..4; elsewhere "<5" is read as it says, 0..4 (before the change, suppress(0) was "<5")
	 */
	zeroApart?: boolean;
	/** where it was seen: role, endpoint, field */
	source: string;
}

/** Figures computed from others: they must add nothing, or (before the change) they constrain. */
export type Derived =
	| { kind: 'share'; part: string; whole: string; value: number | null; source: string }
	| {
			kind: 'risk';
			segment: number;
			level: string;
			waterKind: string;
			usable: number;
			required: boolean;
			source: string;
	  }
	| {
			kind: 'order';
			segments: { id: number; waterKind: string; usable: number; required: boolean }[];
			source: string;
	  }
	| { kind: 'childHome'; segment: number; within: boolean; source: string }
	/** a figure that is the sum of counts (planning: covered children, gains, sums of villages) */
	| { kind: 'sum'; parts: string[]; value: number; source: string }
	/** a flag that a sum of counts is above a threshold (planning: an extra child director) */
	| { kind: 'above'; parts: string[]; threshold: number; value: boolean; source: string }
	| { kind: 'distance'; segment: number; nearestKind: string; source: string };

export interface Collected {
	figures: Figure[];
	derived: Derived[];
	/** every village seen, with its township */
	villages: Map<string, string>;
	townships: Set<string>;
	/** numbers about children the collector saw but does not know how to read */
	unread: string[];
	requests: Record<string, number>;
	/** grid prefixes (jurisdictions) whose tiles were read */
	grids: Set<string>;
}

export const MEASURES = ['total', 'leftBehind', 'inDifficulty', 'near', 'uncovered'] as const;
export type Measure = (typeof MEASURES)[number];

export function unitQ(code: string, m: Measure): string {
	return `U:${code}:${m}`;
}

export function cellQ(prefix: string, level: number, x: number, y: number): string {
	return `G:${prefix}:${level}:${x}:${y}`;
}

/** Any of the forms a count has taken: a number, {suppressed, count, protects}, a label. */
export function readShown(v: unknown): Shown | null {
	if (typeof v === 'number' && Number.isFinite(v)) return { kind: 'number', value: v };
	if (typeof v === 'string') {
		const s = v.trim();
		if (s === '<5' || s === '＜5') return { kind: 'small' };
		if (s === '—' || s === '-' || s === '–') return { kind: 'hidden' };
		if (/^\d[\d,]*$/.test(s)) return { kind: 'number', value: Number(s.replace(/,/g, '')) };
		return null;
	}
	if (v && typeof v === 'object') {
		const o = v as Record<string, unknown>;
		if (o.suppressed === true) return o.protects ? { kind: 'hidden' } : { kind: 'small' };
		for (const k of ['count', 'total', 'value', 'released'])
			if (typeof o[k] === 'number') return { kind: 'number', value: o[k] as number };
		if (typeof o.label === 'string') return readShown(o.label);
	}
	return null;
}

export function fakeEvent(who: Principal, url: string, params: Record<string, string> = {}) {
	const u = new URL(url, 'http://localhost');
	return {
		url: u,
		params,
		locals: {
			locale: 'zh-CN',
			user: {
				principal: who,
				displayName: who.username,
				sessionId: 'auditor',
				secondFactorOk: true,
				totpEnabled: false
			},
			scope: scopeFor(who.jurisdiction)
		},
		request: new Request(u),
		getClientAddress: () => '127.0.0.1',
		setHeaders: () => {},
		cookies: { get: () => undefined, set: () => {}, delete: () => {} },
		depends: () => {},
		parent: async () => ({}),
		route: { id: null },
		isDataRequest: false
	} as never;
}

/** Numeric leaves of a JSON value whose path speaks of children: what a reader must account for. */
function childLeaves(value: unknown, path: string, out: string[]): void {
	if (Array.isArray(value)) value.forEach((v, i) => childLeaves(v, `${path}[${i}]`, out));
	else if (value && typeof value === 'object')
		for (const [k, v] of Object.entries(value)) childLeaves(v, `${path}.${k}`, out);
	else if (typeof value === 'number' || typeof value === 'string') {
		const p = path.replace(/\[\d+\]/g, '[]');
		if (
			/child|kid|uncovered|nearIncomplete|exposure/i.test(p) &&
			!/childrenHomes|\.code$|\.name$|\.level$|label$|Share$|\.ms$/i.test(p)
		)
			out.push(p);
	}
}

/** Nothing collected yet. */
export function emptyCollected(): Collected {
	return {
		figures: [],
		derived: [],
		villages: new Map(),
		townships: new Set(),
		unread: [],
		requests: {},
		grids: new Set()
	};
}

export async function collect(
	who: Principal,
	role: string,
	opts: { maxZoom: number; log?: (m: string) => void }
): Promise<Collected> {
	const c = emptyCollected();
	const count = (k: string) => (c.requests[k] = (c.requests[k] ?? 0) + 1);
	const ms: Record<string, number> = {};
	let lap = performance.now();
	const phase = (name: string) => {
		const now = performance.now();
		ms[name] = Math.round(now - lap);
		lap = now;
	};
	const read = new Set<string>();
	const seen = new Map<string, { root: string; value: unknown }>();
	const add = (quantity: string, v: unknown, source: string, path: string, zeroApart = false) => {
		read.add(path.replace(/\[\d+\]/g, '[]'));
		if (v === null || v === undefined) return;
		const shown = readShown(v);
		if (!shown) {
			c.unread.push(`${source}: ${JSON.stringify(v)}`);
			return;
		}
		c.figures.push({ quantity, shown, source: `${role} ${source}`, zeroApart });
	};
	/** a response whose numbers about children must all be read; `root` as in add's paths */
	const audit = (name: string, root: string, value: unknown) => {
		seen.set(name, { root, value });
	};

	// area summaries, every level from the jurisdiction down
	const codes: string[] = [];
	const queue = [who.jurisdiction];
	const summaries = new Map<string, { bbox: [number, number, number, number]; level: string }>();
	const areaOf = async (code: string) => {
		codes.push(code);
		const res = await areaGET(fakeEvent(who, `/api/areas/${code}`, { code }));
		count('area');
		const s = await res.json();
		audit(`area ${code}`, 'a', s);
		summaries.set(code, { bbox: s.unit.bbox, level: s.unit.level });
		if (s.unit.level === 'township') c.townships.add(code);
		if (s.unit.level === 'village') c.villages.set(code, `${code.slice(0, 9)}000`);
		const ch = s.counts?.children ?? {};
		add(
			unitQ(code, 'total'),
			ch.total,
			`area ${code} counts.children.total`,
			'a.counts.children.total'
		);
		add(
			unitQ(code, 'leftBehind'),
			ch.leftBehind,
			`area ${code} counts.children.leftBehind`,
			'a.counts.children.leftBehind'
		);
		add(
			unitQ(code, 'inDifficulty'),
			ch.inDifficulty,
			`area ${code} counts.children.inDifficulty`,
			'a.counts.children.inDifficulty'
		);
		for (const [i, sub] of (s.children ?? []).entries()) {
			add(
				unitQ(sub.code, 'total'),
				sub.children,
				`area ${code} children[${sub.code}]`,
				`a.children[${i}].children`
			);
			queue.push(sub.code);
		}
	};
	// level by level, a few requests at a time (the database and the analysis worker overlap)
	while (queue.length) await pool(queue.splice(0), areaOf);
	const myPrefix = scopeFor(who.jurisdiction).prefix;

	phase('areas');
	// exposure and dashboard of every area
	await pool(codes, async (code) => {
		const res = await exposureGET(fakeEvent(who, `/api/analysis/exposure?area=${code}`));
		count('exposure');
		const e = await res.json();
		audit(`exposure ${code}`, 'e', e);
		const row = (unit: string, r: Record<string, unknown>, where: string, path: string) => {
			add(unitQ(unit, 'total'), r.children, `${where}.children`, `${path}.children`);
			add(
				unitQ(unit, 'near'),
				r.nearIncomplete,
				`${where}.nearIncomplete`,
				`${path}.nearIncomplete`
			);
			add(unitQ(unit, 'uncovered'), r.uncovered, `${where}.uncovered`, `${path}.uncovered`);
			for (const [share, part] of [
				['nearShare', 'near'],
				['uncoveredShare', 'uncovered']
			] as const)
				if (share in r)
					c.derived.push({
						kind: 'share',
						part: unitQ(unit, part),
						whole: unitQ(unit, 'total'),
						value: (r[share] as number | null) ?? null,
						source: `${role} ${where}.${share}`
					});
		};
		row(code, e.total, `exposure ${code} total`, 'e.total');
		for (const [i, r] of (e.bySubunit ?? []).entries())
			row(r.code, r, `exposure ${code} bySubunit[${r.code}]`, `e.bySubunit[${i}]`);

		const tDash = performance.now();
		const dash = (await dashboardLoad(fakeEvent(who, `/dashboard?area=${code}`))) as {
			dash: {
				top: { id: number; kind: string; usable: number; risk: string }[];
			};
		};
		count('dashboard');
		ms.dashboards = (ms.dashboards ?? 0) + Math.round(performance.now() - tDash);
		audit(`dashboard ${code}`, 'd', dash);
		const top = dash.dash.top ?? [];
		for (const t of top)
			c.derived.push({
				kind: 'risk',
				segment: t.id,
				level: t.risk,
				waterKind: t.kind,
				usable: t.usable,
				required: true,
				source: `${role} dashboard ${code} top[${t.id}]`
			});
		c.derived.push({
			kind: 'order',
			segments: top.map((t) => ({ id: t.id, waterKind: t.kind, usable: t.usable, required: true })),
			source: `${role} dashboard ${code} top`
		});
	});

	phase('exposure+dashboards');
	// the segment list (all of the area's segments, not only one's own), each segment's page
	const list = (await listLoad(fakeEvent(who, `/waterways?mine=0&all=1`))) as {
		total: number;
		segments: {
			id: number;
			kind: string;
			usable: number;
			required: boolean;
			childrenWithin: unknown;
			risk: string;
		}[];
	};
	count('list');
	audit('list', 'l', list);
	if (list.segments.length !== list.total)
		throw new Error(`the list shows ${list.segments.length} of ${list.total} segments`);
	for (const [i, s] of list.segments.entries()) {
		add(
			`S:${s.id}`,
			s.childrenWithin,
			`list [${s.id}].childrenWithin`,
			`l.segments[${i}].childrenWithin`
		);
		c.derived.push({
			kind: 'risk',
			segment: s.id,
			level: s.risk,
			waterKind: s.kind,
			usable: s.usable,
			required: s.required,
			source: `${role} list [${s.id}].risk`
		});
	}
	c.derived.push({
		kind: 'order',
		segments: list.segments.map((s) => ({
			id: s.id,
			waterKind: s.kind,
			usable: s.usable,
			required: s.required
		})),
		source: `${role} list`
	});
	await pool(list.segments, async (s) => {
		const p = (await segmentLoad(fakeEvent(who, `/waterways/${s.id}`, { id: String(s.id) }))) as {
			requirement: Record<string, unknown> | null;
		};
		count('segment page');
		audit(`segment ${s.id}`, 'p', p);
		const r = p.requirement;
		if (!r) return;
		add(
			`S:${s.id}`,
			r.childrenWithin,
			`segment ${s.id} requirement.childrenWithin`,
			'p.requirement.childrenWithin'
		);
		const within =
			typeof r.childHomeWithin === 'boolean'
				? r.childHomeWithin
				: Array.isArray(r.nearKinds)
					? r.nearKinds.includes('children')
					: undefined;
		if (within !== undefined)
			c.derived.push({
				kind: 'childHome',
				segment: s.id,
				within,
				source: `${role} segment ${s.id} requirement`
			});
		const nearest = r.nearest as { m?: number; kind?: string } | null;
		if (nearest && typeof nearest.m === 'number')
			c.derived.push({
				kind: 'distance',
				segment: s.id,
				nearestKind: String(nearest.kind),
				source: `${role} segment ${s.id} requirement.nearest`
			});
	});

	phase('list+pages');
	// the export, as a file
	const res = await exportGET(fakeEvent(who, `/api/exports/segments?format=xlsx&mine=0`));
	count('export');
	const x = readXlsx(Buffer.from(await res.arrayBuffer()));
	const header = x.rows[0].map((h) => String(h?.value ?? ''));
	const t = translator('zh-CN');
	const idCol = 0;
	const kidsCol = header.indexOf(t('ww.children'));
	const riskCol = header.indexOf(t('ww.risk'));
	if (kidsCol < 0 || riskCol < 0)
		throw new Error(`no children or risk column in the export: ${header.join(' | ')}`);
	const riskWord = new Map(
		(['high', 'medium', 'low', 'none'] as const).map((l) => [t(`riskLevel.${l}`), l])
	);
	const byId = new Map(list.segments.map((s) => [s.id, s]));
	for (const row of x.rows.slice(1)) {
		const id = Number(row[idCol]?.value);
		add(`S:${id}`, row[kidsCol]?.value, `export [${id}] ${header[kidsCol]}`, 'x.children', true);
		const s = byId.get(id);
		const word = String(row[riskCol]?.value ?? '');
		const level = riskWord.get(word);
		if (s && level)
			c.derived.push({
				kind: 'risk',
				segment: id,
				level,
				waterKind: s.kind,
				usable: s.usable,
				required: s.required,
				source: `${role} export [${id}] ${header[riskCol]}`
			});
	}

	phase('export');
	// children tiles at every zoom, descending only into tiles that hold something
	const bbox = summaries.get(who.jurisdiction)!.bbox;
	c.grids.add(myPrefix);
	let frontier: [number, number][] = [[0, 0]];
	for (let z = 0; z <= opts.maxZoom; z++) {
		const next: [number, number][] = [];
		await pool(frontier, async ([tx, ty]) => {
			if (!tileTouches(z, tx, ty, bbox)) return;
			const r = await tileGET(
				fakeEvent(who, `/tiles/children/${z}/${tx}/${ty}.mvt`, {
					source: 'children',
					z: String(z),
					x: String(tx),
					y: String(ty)
				})
			);
			count(`tile z${z}`);
			if (r.status === 204) return;
			const body = new Uint8Array(await r.arrayBuffer());
			if (!body.byteLength) return;
			readChildrenTile(body, z, tx, ty, myPrefix, role, c);
			for (const dx of [0, 1]) for (const dy of [0, 1]) next.push([tx * 2 + dx, ty * 2 + dy]);
		});
		frontier = next;
	}

	phase('tiles');
	// every number about children the pages carried must have been read above
	for (const [name, { root, value }] of seen) {
		const leaves: string[] = [];
		childLeaves(value, root, leaves);
		for (const l of leaves)
			if (![...read].some((r) => l === r || l.startsWith(`${r}.`)) && !isKnownNonCount(l))
				c.unread.push(`${role} ${name}: ${l}`);
	}
	c.unread = [...new Set(c.unread)];
	opts.log?.(`${role}: requests ${JSON.stringify(c.requests)}, ms ${JSON.stringify(ms)}`);
	return c;
}

/** Run `fn` over `items`, `n` at a time. */
async function pool<T>(items: T[], fn: (item: T) => Promise<void>, n = 3): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < items.length) await fn(items[next++]);
	};
	await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

/** Fields that speak of children but are not counts of them. */
function isKnownNonCount(path: string): boolean {
	return /requirement\.(radiusM|nearKinds|childHomeWithin|nearestHomeBand)|\.risk$|radiusM|coverageM/.test(
		path
	);
}

function lon2x(lon: number, z: number) {
	return ((lon + 180) / 360) * 2 ** z;
}
function lat2y(lat: number, z: number) {
	const r = (lat * Math.PI) / 180;
	return ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z;
}

function tileTouches(z: number, x: number, y: number, [w, s, e, n]: number[]): boolean {
	return !(x + 1 < lon2x(w, z) || x > lon2x(e, z) || y + 1 < lat2y(n, z) || y > lat2y(s, z));
}

const EXTENT = 4096;

function readChildrenTile(
	body: Uint8Array,
	z: number,
	tx: number,
	ty: number,
	prefix: string,
	role: string,
	c: Collected
): void {
	const vt = new VectorTile(new Protobuf(body));
	const cells = vt.layers.cells;
	for (let i = 0; cells && i < cells.length; i++) {
		const f = cells.feature(i);
		const ring = f.loadGeometry()[0];
		const xs = ring.map((p) => p.x);
		const ys = ring.map((p) => p.y);
		const size = Math.max(...xs) - Math.min(...xs);
		const k = Math.round(Math.log2(EXTENT / size));
		const level = z + k;
		const cx = tx * 2 ** k + Math.round(Math.min(...xs) / size);
		const cy = ty * 2 ** k + Math.round(Math.min(...ys) / size);
		const shown = readShown(f.properties);
		if (!shown) c.unread.push(`${role} tile ${z}/${tx}/${ty} cell ${JSON.stringify(f.properties)}`);
		else
			c.figures.push({
				quantity: cellQ(prefix, level, cx, cy),
				shown,
				source: `${role} tile ${z}/${tx}/${ty} cell ${level}/${cx}/${cy}`,
				zeroApart: true
			});
	}
	const villages = vt.layers.villages;
	for (let i = 0; villages && i < villages.length; i++) {
		const f = villages.feature(i);
		const code = String(f.properties.code);
		const shown = readShown(f.properties);
		if (!shown)
			c.unread.push(`${role} tile ${z}/${tx}/${ty} village ${JSON.stringify(f.properties)}`);
		else
			c.figures.push({
				quantity: unitQ(code, 'total'),
				shown,
				source: `${role} tile ${z}/${tx}/${ty} village ${code}`,
				zeroApart: true
			});
	}
}
