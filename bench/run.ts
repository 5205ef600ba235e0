// `npm run bench -- --scale 0.5|1|2 [--engine pglite|postgres]`: the province-scale benchmark of
// issue 5. Builds or reuses the demo province at the scale, times the four analyses side by
// side (app, plain PostGIS, naive Turf, floor), then starts the built app on that database and
// measures tiles (cold, warm, 4 clients, during an analysis), restart time and the map's first
// render in Chromium. Prints a table of ratios; writes bench/results/latest.json (the issue's
// shape) and bench/results/<engine>-s<scale>.json (everything measured). See bench/README.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { appBuild, ROOT, signIn, startServer, waitForLog, WORK } from './lib/app';
import { firstStart, province, type Engine } from './lib/province';
import { benchAnalyses, CASES } from './lib/analyses';
import {
	byZoom,
	concurrent,
	PLACES,
	idleVersusBusy,
	sequential,
	summary,
	tilesAround
} from './lib/tiles';
import { mapFirstRender } from './lib/browser';
import { round } from './lib/stats';
import { benchRule, type RuleBench } from './lib/rule';
import { migrate } from '../src/lib/server/db/migrate';
import { benchPages, pagesAgainstTargets, type PagesBench } from './lib/pages';
import { benchCampaigns, type CampaignsBench } from './lib/campaigns';
import { benchImports, type ImportsBench } from './lib/imports';
import { benchSiting, printSiting, type SitingBench } from './lib/siting';
import { createAnalysis } from '../src/lib/server/analysis';

const { values: args } = parseArgs({
	options: {
		scale: { type: 'string', default: '1' },
		engine: { type: 'string' },
		runs: { type: 'string', default: '5' },
		'sql-runs': { type: 'string', default: '1' },
		'turf-pairs': { type: 'string', default: '40000' },
		port: { type: 'string', default: '4410' },
		'skip-sql': { type: 'boolean', default: false },
		'skip-server': { type: 'boolean', default: false },
		'fresh-start': { type: 'boolean', default: false },
		// `--only pages`: just the pages case (issue 15: lists, dashboard, settings, exports,
		// 20 users on a county list), on the province already built; `--only campaigns`: just
		// the campaign cases (issue 12: target generation, "my targets" in Chromium, dashboard);
		// `--only siting`: the planning cases (issue 13: coverage at three reaches, k = 50 for a
		// prefecture and k = 100 for the province), read only; `--only imports`: a 300,000-row
		// roster imported while colleagues use the county's list (issue 14)
		only: { type: 'string' },
		'import-rows': { type: 'string', default: '300000' }
	}
});

const scale = Number(args.scale);
if (![0.5, 1, 2].includes(scale)) throw new Error('--scale must be 0.5, 1 or 2');
const engine = (args.engine ?? (process.env.DATABASE_URL ? 'postgres' : 'pglite')) as Engine;
if (!['pglite', 'postgres'].includes(engine))
	throw new Error('--engine must be pglite or postgres');
const port = Number(args.port);
const log = (m: string) => console.log(`[bench] ${m}`);
mkdirSync(WORK, { recursive: true });

const build = appBuild(log);
let firstStartS: number | null = null;
const ensureBase = async () => (firstStartS = (await firstStart(engine, build, port, log)).seconds);
if (args['fresh-start']) await ensureBase();
const prov = await province(engine, scale, ensureBase, log);
firstStartS ??= prov.firstStartS;

/** A fresh start of the built app, then the pages as users meet them. */
async function pagesCase(): Promise<PagesBench> {
	log('pages: a fresh start of the app, then the province views and 20 users on a county list…');
	const server = await startServer(
		build,
		{ ...prov.serverEnv, WARM_TILES: '0' },
		port,
		path.join(WORK, `server-${engine}-pages.log`)
	);
	try {
		// the server warms the province's list and dashboard at start: wait for that, as a
		// user arriving a minute after a restart would
		const warmed = await waitForLog(path.join(WORK, `server-${engine}-pages.log`), 'views warm');
		log(`province views warm ${warmed ? 'after start' : '(no log line seen)'}`);
		const province = await signIn(server.url);
		// twenty county users, each signed in on their own session
		const county: string[] = [];
		for (let i = 0; i < 20; i++) county.push(await signIn(server.url, 'planner'));
		return await benchPages(server.url, province, county, log);
	} finally {
		await server.stop();
	}
}

function printPages(p: PagesBench): void {
	console.log(`\npages (province administrator; first request after a start, then warm):`);
	for (const [name, x] of Object.entries(p.province))
		console.log(
			`  ${name.padEnd(24)} first ${String(x.first_ms).padStart(8)} ms  warm ${String(x.warm_ms).padStart(8)} ms  ${x.bytes} B`
		);
	for (const [name, x] of Object.entries(p.annual))
		console.log(
			`  ${name.padEnd(24)} first ${String(x.first_ms).padStart(8)} ms  warm ${String(x.warm_ms).padStart(8)} ms  ${x.bytes} B`
		);
	for (const [f, x] of Object.entries(p.export))
		console.log(
			`  export ${f.padEnd(17)} first byte ${String(x.first_byte_ms).padStart(8)} ms  whole ${String(x.total_ms).padStart(8)} ms  ${x.bytes} B`
		);
	const c = p.county_list_20_users;
	console.log(
		`  county list, 20 users at once: p50 ${c.p50_ms} ms, p95 ${c.p95_ms} ms, ${c.per_s} pages/s (${c.requests} requests; target p95 < 300 ms: ${round(c.p95_ms / 300, 2)}× of it)`
	);
	console.log(
		`\npages against the issues' targets (15, item 3; 14, the annual report; load average ${loadavg()
			.map((x) => x.toFixed(1))
			.join(' / ')} on ${availableParallelism()} cores):`
	);
	const rows = [['case', 'target', 'measured', 'met'], ...pagesAgainstTargets(p)];
	const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
	for (const r of rows)
		console.log(`  ${r[0].padEnd(w[0])}  ${r[1].padEnd(w[1])}  ${r[2].padEnd(w[2])}  ${r[3]}`);
}

/** The campaign cases (issue 12) on the province's database, this version's migrations first. */
async function campaignsCase(): Promise<CampaignsBench> {
	const d = await prov.open();
	try {
		await migrate(d.db, path.join(ROOT, 'migrations'), log);
		return await benchCampaigns(d, { runs: Number(args.runs) }, log);
	} finally {
		await d.close();
	}
}

function printCampaigns(c: CampaignsBench): void {
	const g = c.generation;
	const gen = [...g.app_ms].sort((a, b) => a - b)[g.app_ms.length >> 1];
	console.log(`\ncampaigns (issue 12):`);
	console.log(
		`  province-wide target generation  app ${String(gen).padStart(7)} ms (median of ${g.app_ms.join(', ')}; ${g.targets} targets)  target 2000 ms: ${round(gen / 2000, 2)}×`
	);
	console.log(
		`    in-memory engine's snapshot loaded first: ${g.engine_load_ms} ms; the same launch with PostGIS alone: ${g.postgis_only_ms} ms`
	);
	console.log(
		`    beside: plain PostGIS, institutions flagged near water ${g.postgis_flagged_ms} ms (${g.flagged} flagged)`
	);
	const st = g.staffed;
	const stMed = [...st.app_ms].sort((a, b) => a - b)[st.app_ms.length >> 1];
	console.log(
		`    with an account in every township and village (${st.accounts} accounts): app ${stMed} ms (median of ${st.app_ms.join(', ')}; ${st.assigned} of ${g.targets} targets assigned)  target 2000 ms: ${round(stMed / 2000, 2)}×`
	);
	const m = c.my_targets;
	console.log(
		`  "my targets" ordered, ${m.targets} targets, CPU ${m.cpu_slowdown}× slower  p50 ${m.order_ms_p50} ms, max ${m.order_ms_max} ms  target 50 ms: ${round(m.order_ms_p50 / 50, 2)}×  (with each target's nearest water re-measured: ${m.with_lines_ms_p50} ms)`
	);
	const s = c.dashboard;
	console.log(
		`  county campaign dashboard (${s.targets} targets, ${s.checks} checks, ${s.hazards} hazards)  p50 ${s.p50_ms} ms (runs ${s.ms.join(', ')}, first cold)  target 300 ms: ${round(s.p50_ms / 300, 2)}×`
	);
}

/** The large import (issue 14) on a scratch copy of the province. */
const importsCase = (): Promise<ImportsBench> =>
	benchImports(build, prov.serverEnv, port, log, Number(args['import-rows']));

function printImports(i: ImportsBench): void {
	console.log(
		`\nimports (issue 14): ${i.rows} children, ${(i.bytes / 1048576).toFixed(1)} MB CSV, county administrator`
	);
	console.log(
		`  upload (tus) ${i.upload_ms} ms  read ${i.read_ms} ms  dry run ${i.dry_run_ms} ms  commit ${i.commit_ms} ms  (${i.inserts} inserted, ${i.rejected} rejected)`
	);
	console.log(
		`  memory: app ${i.rss_before_mb.app} → peak ${i.rss_peak_mb.app} MB, database host ${i.rss_before_mb.db} → peak ${i.rss_peak_mb.db} MB`
	);
	const st = i.rss_peak_by_step_mb;
	console.log(
		`  app's peak by step: upload ${st.upload} MB, read ${st.read} MB, dry run ${st.dry_run} MB, commit ${st.commit} MB`
	);
	const a = i.county_list_idle;
	const b = i.county_list_during;
	console.log(
		`  county list, 4 users  idle p50 ${a.p50_ms} ms p95 ${a.p95_ms} ms max ${a.max_ms} ms (${a.requests})  during the import p50 ${b.p50_ms} ms p95 ${b.p95_ms} ms max ${b.max_ms} ms (${b.requests}; target p95 < 300 ms: ${round(b.p95_ms / 300, 2)}×)`
	);
	if (i.commit_phases) console.log(`  commit on the server: ${i.commit_phases}`);
}

/** One case alone (`--only`): its figures in bench/results/<case>-<engine>-s<scale>.json. */
function writeOnly(name: string, figures: unknown, extra: Record<string, unknown> = {}): void {
	mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
	const file = `bench/results/${name}-${engine}-s${String(scale).replace('.', '_')}.json`;
	const out = {
		scale,
		engine,
		[name]: figures,
		...extra,
		// the machine is shared: its load while the case ran says how far to trust it
		load_average: loadavg().map((x) => round(x, 2)),
		at: new Date().toISOString()
	};
	writeFileSync(path.join(ROOT, file), JSON.stringify(out, null, 2) + '\n');
}

if (args.only === 'campaigns') {
	const campaigns = await campaignsCase();
	writeOnly('campaigns', campaigns);
	printCampaigns(campaigns);
	process.exit(0);
}

if (args.only === 'siting') {
	const d = await prov.open();
	let siting: SitingBench;
	try {
		await migrate(d.db, path.join(ROOT, 'migrations'), log);
		// the analysis engine beside the kernel, its snapshot loaded as in the full run
		const analysis = createAnalysis(d.db, { projectRoot: ROOT, checkEveryMs: 3_600_000 });
		try {
			await analysis.refresh();
			siting = await benchSiting(d, { runs: Number(args.runs), analysis }, log);
		} finally {
			await analysis.close();
		}
	} finally {
		await d.close();
	}
	writeOnly('siting', siting);
	printSiting(siting);
	process.exit(0);
}

if (args.only === 'pages') {
	const pages = await pagesCase();
	writeOnly('pages', pages, { targets: pagesAgainstTargets(pages) });
	printPages(pages);
	process.exit(0);
}

if (args.only === 'imports') {
	const imports = await importsCase();
	writeOnly('imports', imports);
	printImports(imports);
	process.exit(0);
}

log(`analyses on ${engine}, scale ${scale}`);
const d = await prov.open();
let a;
let rule: RuleBench;
let siting: SitingBench;
try {
	// a database built by an older version gets this version's migrations, as the app would
	await migrate(d.db, path.join(ROOT, 'migrations'), log);
	a = await benchAnalyses(
		d,
		{
			runs: Number(args.runs),
			sqlRuns: Number(args['sql-runs']),
			turfPairs: Number(args['turf-pairs']),
			skipSql: args['skip-sql']
		},
		log
	);
	rule = await benchRule(
		d,
		a.analysis,
		{ runs: Number(args.runs), skipSql: args['skip-sql'] },
		log
	);
	siting = await benchSiting(d, { runs: Number(args.runs), analysis: a.analysis }, log);
} finally {
	// the embedded engine allows one process per data dir: the app's server gets it next
	await d.close();
}

const details: Record<string, unknown> = { snapshot: a.snapshot };
let tiles = { p95_ms: NaN, busy_p95_ms: NaN, max_bytes: NaN, tiles_per_s_c4: NaN };
let restartS = NaN;
let render = { ms: NaN, jsGzKb: NaN, jsFiles: 0 };
if (!args['skip-server']) {
	log('starting the built app on this database (restart: existing data)…');
	let server = await startServer(
		build,
		prov.serverEnv,
		port,
		path.join(WORK, `server-${engine}.log`)
	);
	restartS = round(server.readyMs / 1000, 2);
	log(`restart to first page: ${restartS} s`);
	try {
		// the first map right after the restart, as a user would meet it
		render = await mapFirstRender(server.url, build);
		log(
			`map first render ${render.ms} ms, route JS ${render.jsGzKb} KB gzipped (${render.jsFiles} files)`
		);
		// tiles on a server that has rendered none yet: no background warm-up, so "cold" is cold
		await server.stop();
		server = await startServer(
			build,
			{ ...prov.serverEnv, WARM_TILES: '0' },
			port,
			path.join(WORK, `server-${engine}-tiles.log`)
		);
		const cookie = await signIn(server.url);

		const listA = [
			...tilesAround(PLACES.wuhan),
			...tilesAround(PLACES.honghu),
			...tilesAround(PLACES.yichang)
		];
		const cold = await sequential(server.url, cookie, listA);
		const warm = await sequential(server.url, cookie, listA);
		log(`cold ${JSON.stringify(summary(cold))} by zoom ${JSON.stringify(byZoom(cold))}`);
		log(`warm ${JSON.stringify(summary(warm))}`);

		const four = [PLACES.xiangyang, PLACES.jingzhou, PLACES.shiyan, PLACES.huanggang].map((p) =>
			tilesAround(p)
		);
		const c4cold = await concurrent(server.url, cookie, four);
		const c4warm = await concurrent(server.url, cookie, four);
		log(`4 clients: ${c4cold.perS} tiles/s cold, ${c4warm.perS} tiles/s warm`);

		// idle and busy from one mixed stream: new tiles of three places, warm tiles, pages
		const fresh = [
			...tilesAround(PLACES.enshi),
			...tilesAround(PLACES.xiaogan),
			...tilesAround(PLACES.suizhou)
		];
		const stream = fresh.flatMap((t, i) => [t, listA[(i * 7) % listA.length]]);
		// the analyses are the app's own: children at risk for the province and for two
		// prefectures, through its route (its worker thread, its snapshot)
		let turn = 0;
		const areas = ['420000000000', '420100000000', '421000000000'];
		const analyse = async () => {
			const r = await fetch(
				`${server.url}/api/analysis/exposure?area=${areas[turn++ % areas.length]}`,
				{ headers: { cookie } }
			);
			if (!r.ok) throw new Error(`exposure route answered ${r.status}`);
			await r.arrayBuffer();
		};
		const tw = performance.now();
		await analyse();
		log(
			`app analysis route, first call (loads its snapshot): ${Math.round(performance.now() - tw)} ms`
		);
		const {
			idle,
			busy,
			analyses: analysesDone
		} = await idleVersusBusy(server.url, cookie, stream, analyse);
		log(
			`idle ${JSON.stringify(summary(idle))}; busy ${JSON.stringify(summary(busy))} (${analysesDone} analyses ran meanwhile)`
		);
		const all = [...cold, ...warm, ...c4cold.samples, ...idle, ...busy];
		tiles = {
			p95_ms: summary(warm).p95_ms,
			busy_p95_ms: summary(busy).p95_ms,
			max_bytes: summary(all).max_bytes,
			tiles_per_s_c4: c4warm.perS
		};
		Object.assign(details, {
			tiles_cold: { ...summary(cold), by_zoom_p95: byZoom(cold) },
			tiles_warm: summary(warm),
			tiles_per_s_c4_cold: c4cold.perS,
			tiles_per_s_c4_warm: c4warm.perS,
			idle: summary(idle),
			busy: { ...summary(busy), analyses_meanwhile: analysesDone }
		});
	} finally {
		await server.stop();
	}
}
await a.analysis.close();
const pages = args['skip-server'] ? null : await pagesCase();
const imports = args['skip-server'] ? null : await importsCase();
// the campaign cases write campaigns into the province's database: last, after every other case
const campaigns = await campaignsCase();

const result = {
	scale,
	engine,
	counts: a.counts,
	metrics: {
		...Object.fromEntries(
			CASES.map((c) => {
				const m = a.metrics[c];
				return [
					c,
					{
						app_ms: m.app_ms,
						postgis_plain_ms: m.postgis_plain_ms,
						turf_naive_ms: m.turf_naive_ms,
						floor_ms: m.floor_ms
					}
				];
			})
		),
		segment_rule: {
			app_ms: rule.app_ms,
			postgis_plain_ms: rule.postgis_plain_ms,
			turf_naive_ms: null,
			floor_ms: rule.floor_ms,
			floor_residences_ms: a.metrics[CASES[0]].floor_ms,
			app_stored_ms: rule.app_stored_ms,
			app_rewrite_ms: rule.app_rewrite_ms,
			app_cold_ms: rule.app_cold_ms,
			local_change_ms: rule.local_change.ms
		},
		river_chief_view_ms: rule.county_list.ms,
		tiles,
		startup: {
			first_start_s: firstStartS === null ? null : round(firstStartS, 1),
			restart_s: restartS
		},
		map_first_render_ms: render.ms,
		map_route_js_gz_kb: render.jsGzKb,
		pages,
		imports,
		campaigns,
		siting: Object.fromEntries(siting.cases.map((c) => [c.name, { ms: c.ms, target: c.target }]))
	}
};

const out = path.join(ROOT, 'bench/results');
mkdirSync(out, { recursive: true });
writeFileSync(path.join(out, 'latest.json'), JSON.stringify(result, null, 2) + '\n');
writeFileSync(
	path.join(out, `${engine}-s${String(scale).replace('.', '_')}.json`),
	JSON.stringify(
		{
			...result,
			details: { ...details, cases: a.metrics, rule, siting },
			at: new Date().toISOString()
		},
		null,
		2
	) + '\n'
);

// the table
const pad = (s: unknown, n: number) => String(s).padStart(n);
console.log(
	`\nTongAn bench — ${engine}, scale ${scale}: ${a.counts.residences} residences, ${a.counts.segments} segments, ${a.counts.facilities} homes+stations`
);
console.log(
	`${'case'.padEnd(24)}${pad('app ms', 10)}${pad('postgis ms', 12)}${pad('turf ms', 12)}${pad('floor ms', 10)}${pad('pg/app', 9)}${pad('turf/app', 10)}${pad('app/floor', 11)}  same answer`
);
for (const c of CASES) {
	const m = a.metrics[c];
	console.log(
		`${c.padEnd(24)}${pad(m.app_ms, 10)}${pad(m.postgis_plain_ms, 12)}${pad(m.turf_naive_ms, 12)}${pad(m.floor_ms, 10)}` +
			`${pad(round(m.postgis_plain_ms / m.app_ms), 9)}${pad(round(m.turf_naive_ms / m.app_ms, 0), 10)}${pad(round(m.app_ms / m.floor_ms), 11)}  ${m.answers.equal === null ? '–' : m.answers.equal ? 'yes' : 'NO'}`
	);
}
const rulePg = rule.postgis_plain_ms;
const floorMs = rule.floor_ms;
const residenceFloor = a.metrics[CASES[0]].floor_ms;
const pgOver = (ms: number) => (rulePg ? round(rulePg / ms) : '–');
console.log(
	`${'segment_rule'.padEnd(24)}${pad(rule.app_ms, 10)}${pad(rulePg ?? '–', 12)}${pad('–', 12)}${pad(floorMs, 10)}` +
		`${pad(pgOver(rule.app_ms), 9)}${pad('–', 10)}${pad(round(rule.app_ms / floorMs), 11)}  ${rule.same_answer === null ? '–' : rule.same_answer ? 'yes' : `NO (${rule.rows_differing} rows)`}`
);
console.log(
	`segment_rule floor: one distance per point it reads (${rule.floor_points}: residences and the other kinds) ${floorMs} ms; ` +
		`against the residences' floor ${residenceFloor} ms app/floor is ${round(rule.app_ms / residenceFloor)}`
);
console.log(
	`segment_rule as stored: ${rule.app_stored_ms} ms (pg/app ${pgOver(rule.app_stored_ms)}) · every row rewritten ${rule.app_rewrite_ms} ms (pg/app ${pgOver(rule.app_rewrite_ms)}) · ` +
		`cold, reading the data ${rule.app_cold_ms} ms (pg/app ${pgOver(rule.app_cold_ms)})`
);
console.log(
	`${rule.local_change.children_moved} children moved: ${rule.local_change.segments} segments recomputed, ${rule.local_change.changed} changed, with child counts in ${rule.local_change.ms} ms · ` +
		`waterway list of ${rule.county_list.county} (${rule.county_list.segments} segments) ${rule.county_list.ms} ms`
);
console.log(
	`tiles: warm p95 ${tiles.p95_ms} ms · cold p95 ${(details.tiles_cold as { p95_ms?: number })?.p95_ms ?? '–'} ms · busy p95 ${tiles.busy_p95_ms} ms (idle ${(details.idle as { p95_ms?: number })?.p95_ms ?? '–'}) · max ${tiles.max_bytes} B · ${tiles.tiles_per_s_c4} tiles/s with 4 clients (cold ${details.tiles_per_s_c4_cold ?? '–'})`
);
console.log(
	`startup: first start ${result.metrics.startup.first_start_s} s · restart ${restartS} s · map first render ${render.ms} ms · route JS ${render.jsGzKb} KB gz`
);
printSiting(siting);
if (pages) printPages(pages);
if (imports) printImports(imports);
printCampaigns(campaigns);
console.log(`written: bench/results/latest.json`);
