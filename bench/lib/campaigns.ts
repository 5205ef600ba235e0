// Flood-season campaigns (issue 12), on the province already built:
// - target generation for a province-wide campaign: the app's own service (createCampaign, as an
//   administrator launches one), beside a plain PostGIS query for its largest part (institutions
//   flagged near water); target < 2 s;
// - "my targets" ordered by distance for 300 targets: the app's own module (lib/geo/proximity,
//   Turf) bundled and run in Chromium with the CPU slowed 4× (a phone-class CPU), with the
//   targets' nearest-water lines; target < 50 ms;
// - the campaign dashboard of a county campaign with checks and hazards: the service the route
//   calls (campaignDashboard); target < 300 ms.
// Every campaign the bench launches is removed again (with its targets, checks and hazards) once
// measured, and any a stopped run left behind are removed first (benchCampaignIds: named
// "bench …" and audited as launched by the bench), so launches do not pile up in the table and
// slow later runs.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { sql } from 'kysely';
import type { Database } from '../../src/lib/server/db/engine';
import type { Principal } from '../../src/lib/server/auth/policy';
import {
	createCampaign,
	recordTargetCheck,
	stepHazard
} from '../../src/lib/server/services/campaigns';
import { campaignDashboard } from '../../src/lib/server/services/campaign-dashboard';
import { analysisFor, closeAnalysis } from '../../src/lib/server/services/exposure';
import { DEFAULT_CHECKLIST_ITEMS, type Checklist } from '../../src/lib/domain/campaign';
import { ROOT } from './app';
import { BENCH_AGENT, benchCampaignIds, removeCampaigns } from './campaign-cleanup';
import { activateStaff, deactivateStaff } from './campaign-staff';
import { percentile, round } from './stats';

const meta = { ip: '127.0.0.1', userAgent: BENCH_AGENT };
const PROVINCE = '420000000000';
const COUNTY = '421083000000';

export interface CampaignsBench {
	generation: {
		app_ms: number[];
		targets: number;
		/** loading the in-memory engine's snapshot first (the server does it as it warms up) */
		engine_load_ms: number;
		/** the same launch with PostGIS answering alone (createCampaign's 'postgis') */
		postgis_only_ms: number;
		postgis_flagged_ms: number;
		flagged: number;
		/** the same launch with an account in every township and village (campaign-staff.ts) */
		staffed: { accounts: number; app_ms: number[]; assigned: number };
	};
	my_targets: {
		targets: number;
		cpu_slowdown: number;
		order_ms_p50: number;
		order_ms_max: number;
		with_lines_ms_p50: number;
	};
	dashboard: { targets: number; checks: number; hazards: number; ms: number[]; p50_ms: number };
}

async function principal(db: Database['db'], username: string): Promise<Principal> {
	const u = await db
		.selectFrom('users')
		.select(['id', 'username', 'role', 'jurisdiction_code'])
		.where('username', '=', username)
		.executeTakeFirstOrThrow();
	return {
		userId: Number(u.id),
		username: u.username,
		role: u.role as Principal['role'],
		jurisdiction: u.jurisdiction_code
	};
}

const days = (n: number) => new Date(Date.now() + n * 86400_000);

/** pg_advisory_lock key of the campaigns case (an arbitrary constant: "camp" in ASCII) */
const LOCK_KEY = 0x63616d70;

export async function benchCampaigns(
	d: Database,
	opts: { runs: number },
	log: (m: string) => void
): Promise<CampaignsBench> {
	if (d.engine !== 'postgres') return cleanRun(d, opts, log);
	// one campaigns case at a time on a PostgreSQL bench database, which checkouts share: the
	// leftovers removed first could otherwise be another run's campaigns still being measured.
	// (The embedded engine's data dir belongs to one checkout.)
	return d.db.connection().execute(async (lock) => {
		const got = await sql<{ ok: boolean }>`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS ok`.execute(
			lock
		);
		if (!got.rows[0].ok) {
			log('campaigns: another campaigns bench is running on this database; waiting for it…');
			await sql`SELECT pg_advisory_lock(${LOCK_KEY})`.execute(lock);
		}
		try {
			return await cleanRun(d, opts, log);
		} finally {
			await sql`SELECT pg_advisory_unlock(${LOCK_KEY})`.execute(lock);
		}
	});
}

/** The measurements, between removing what earlier runs left and what this run launched. */
async function cleanRun(
	d: Database,
	opts: { runs: number },
	log: (m: string) => void
): Promise<CampaignsBench> {
	const left = await removeCampaigns(d.db, await benchCampaignIds(d.db));
	const leftStaff = await deactivateStaff(d.db);
	if (left || leftStaff)
		log(
			`campaigns: removed ${left} campaigns earlier runs left, deactivated ${leftStaff} accounts`
		);
	const made: number[] = [];
	try {
		return await measure(d, opts, log, made);
	} finally {
		await removeCampaigns(d.db, made);
		await deactivateStaff(d.db);
		log(`campaigns: removed the ${made.length} campaigns this run launched`);
	}
}

async function measure(
	d: Database,
	opts: { runs: number },
	log: (m: string) => void,
	/** every campaign launched, as it is launched */
	made: number[]
): Promise<CampaignsBench> {
	const db = d.db;
	const province = await principal(db, 'province.admin');
	const county = await principal(db, 'county.admin');

	// 1. a province-wide campaign, launched as the administrator launches it
	log('campaigns: province-wide target generation (the app service)…');
	// the engine's snapshot, as a started server holds it: loaded once, timed on its own
	const t00 = performance.now();
	await analysisFor(db).refresh();
	const engineLoadMs = round(performance.now() - t00, 0);
	const appMs: number[] = [];
	let targets = 0;
	// the last launch is kept until "my targets" below has read it; each other is removed once
	// timed, so every launch writes into a table of the same size
	let last = 0;
	for (let i = 0; i < opts.runs; i++) {
		if (last) await removeCampaigns(db, [last]);
		const t0 = performance.now();
		const r = await createCampaign(
			db,
			province,
			{ name: `bench 全省 ${i}`, areaCode: PROVINCE, startsAt: days(-1), endsAt: days(90) },
			meta
		);
		appMs.push(round(performance.now() - t0, 0));
		made.push((last = r.id));
		targets = r.targets;
	}
	// the same launch through PostGIS alone, as before the engine answered (once)
	const t2 = performance.now();
	const plain = await createCampaign(
		db,
		province,
		{ name: `bench 全省 PostGIS`, areaCode: PROVINCE, startsAt: days(-1), endsAt: days(90) },
		meta,
		new Date(),
		'postgis'
	);
	const postgisOnlyMs = round(performance.now() - t2, 0);
	made.push(plain.id);
	await removeCampaigns(db, [plain.id]);
	// the same launch in a staffed province, where every target gets a holder
	log('campaigns: the same launch with an account in every township and village…');
	const accounts = await activateStaff(db, PROVINCE.slice(0, 2));
	const staffedMs: number[] = [];
	let assigned = 0;
	try {
		for (let i = 0; i < opts.runs; i++) {
			const t0 = performance.now();
			const r = await createCampaign(
				db,
				province,
				{ name: `bench 全省 有人 ${i}`, areaCode: PROVINCE, startsAt: days(-1), endsAt: days(90) },
				meta
			);
			staffedMs.push(round(performance.now() - t0, 0));
			made.push(r.id);
			const a = await sql<{ n: number }>`
				SELECT count(assignee_id)::int AS n FROM campaign_targets WHERE campaign_id = ${r.id}`.execute(db);
			assigned = Number(a.rows[0].n);
			await removeCampaigns(db, [r.id]);
		}
	} finally {
		await deactivateStaff(db);
	}
	// its largest part by hand: every institution of the province with its nearest water and
	// whether that is within 200 m (what the app flags)
	const t1 = performance.now();
	const flagged = await sql<{ n: number }>`
		SELECT count(*) FILTER (WHERE nw.d <= 200)::int AS n
		FROM institutions p
		LEFT JOIN LATERAL (
			SELECT ST_Distance(w.geom::geography, p.geom::geography, false) AS d
			FROM waterways w
			WHERE w.geom && ST_Expand(p.geom, 0.03)
			ORDER BY w.geom <-> p.geom LIMIT 1
		) nw ON true
		WHERE p.admin_code LIKE '42%'`.execute(db);
	const postgisMs = round(performance.now() - t1, 0);

	// 2. "my targets": 300 targets of that campaign with their nearest water's line, ordered on
	// a slowed Chromium by the page's own module
	log('campaigns: "my targets" ordering in Chromium (CPU 4× slower)…');
	const rows = await sql<{ id: number; lon: number; lat: number; line: string | null }>`
		SELECT t.id::float8 AS id, ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat,
			(SELECT ST_AsGeoJSON(w.geom) FROM waterways w ORDER BY w.geom <-> t.geom LIMIT 1) AS line
		FROM campaign_targets t
		WHERE t.campaign_id = ${last} AND t.kind <> 'segment'
		ORDER BY t.id LIMIT 300`.execute(db);
	const mine = rows.rows.map((r) => ({ id: Number(r.id), lon: Number(r.lon), lat: Number(r.lat) }));
	const lines = rows.rows
		.filter((r) => r.line)
		.map((r) => ({
			id: Number(r.id),
			coordinates: (JSON.parse(r.line!) as { coordinates: [number, number][] }).coordinates
		}));
	await removeCampaigns(db, [last]);
	const browser = await myTargetsInBrowser(mine, lines, 4, opts.runs * 4);

	// 3. a county campaign with a season's work in it, and its dashboard
	log('campaigns: a county campaign with checks and hazards, then its dashboard…');
	const c = await createCampaign(
		db,
		county,
		{ name: `bench 县 ${Date.now()}`, areaCode: COUNTY, startsAt: days(-30), endsAt: days(60) },
		meta
	);
	made.push(c.id);
	const work = await sql<{ id: number; checklist: string; assignee: string | null }>`
		SELECT t.id::float8 AS id, t.checklist, u.username AS assignee
		FROM campaign_targets t LEFT JOIN users u ON u.id = t.assignee_id
		WHERE t.campaign_id = ${c.id} ORDER BY t.id`.execute(db);
	const workers = new Map<string, Principal>();
	let checks = 0;
	let hazards = 0;
	for (const [i, t] of work.rows.entries()) {
		// two targets in three visited, over the last four weeks; one check in four finds a hazard
		if (i % 3 === 2) continue;
		const who = t.assignee
			? (workers.get(t.assignee) ??
				workers.set(t.assignee, await principal(db, t.assignee)).get(t.assignee)!)
			: county;
		const items = DEFAULT_CHECKLIST_ITEMS[t.checklist as Checklist];
		const r = await recordTargetCheck(
			db,
			who,
			{
				clientUuid: randomUUID(),
				targetId: Number(t.id),
				recordedAt: days(-(i % 28)),
				answers: items.map((item, k) => ({
					item,
					answer: i % 4 === 0 && k === 0 ? ('hazard' as const) : ('ok' as const)
				}))
			},
			meta
		);
		checks++;
		for (const h of r.hazards) {
			hazards++;
			// most registered (two weeks ago), half of those already past their deadline
			if (hazards % 3 !== 0)
				await stepHazard(
					db,
					county,
					h,
					{
						action: 'register',
						severity: hazards % 5 === 0 ? 'major' : 'general',
						responsible: '负责人',
						deadline: days(hazards % 2 ? -3 : 10)
					},
					null,
					meta,
					days(-14)
				);
		}
	}
	const dashMs: number[] = [];
	for (let i = 0; i < opts.runs + 1; i++) {
		const t0 = performance.now();
		await campaignDashboard(db, county, c.id);
		dashMs.push(round(performance.now() - t0, 0));
	}
	// the first is the cold one; the figure is over the warm runs
	const warm = dashMs.slice(1);
	await closeAnalysis();
	return {
		generation: {
			app_ms: appMs,
			targets,
			engine_load_ms: engineLoadMs,
			postgis_only_ms: postgisOnlyMs,
			postgis_flagged_ms: postgisMs,
			flagged: Number(flagged.rows[0].n),
			staffed: { accounts, app_ms: staffedMs, assigned }
		},
		my_targets: { targets: mine.length, ...browser },
		dashboard: {
			targets: work.rows.length,
			checks,
			hazards,
			ms: dashMs,
			p50_ms: round(percentile(warm, 50), 0)
		}
	};
}

/** The app's ordering module, bundled as it is, run in Chromium with the CPU slowed. */
async function myTargetsInBrowser(
	targets: { id: number; lon: number; lat: number }[],
	lines: { id: number; coordinates: [number, number][] }[],
	slowdown: number,
	runs: number
) {
	const bundle = await build({
		entryPoints: [path.join(ROOT, 'src/lib/geo/proximity.ts')],
		bundle: true,
		format: 'iife',
		globalName: 'proximity',
		write: false,
		platform: 'browser'
	});
	const b = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--no-first-run']
	});
	try {
		const page = await b.newPage();
		await page.setContent('<!doctype html><title>my targets</title>');
		await page.addScriptTag({ content: bundle.outputFiles[0].text });
		const cdp = await page.context().newCDPSession(page);
		await cdp.send('Emulation.setCPUThrottlingRate', { rate: slowdown });
		const r = await page.evaluate(
			({ targets, lines, runs }) => {
				const g = (
					window as unknown as {
						proximity: {
							pointsByDistance: (at: [number, number], t: unknown[]) => unknown[];
							linesNear: (at: [number, number], l: unknown[], r: number) => unknown[];
						};
					}
				).proximity;
				const order: number[] = [];
				const withLines: number[] = [];
				for (let i = 0; i < runs; i++) {
					// the phone somewhere among its targets, a little further each run
					const at: [number, number] = [
						targets[i % targets.length].lon + 0.01,
						targets[i % targets.length].lat
					];
					const t0 = performance.now();
					g.pointsByDistance(at, targets);
					order.push(performance.now() - t0);
					// and, for the worst case, each target's nearest water measured again on the phone
					const t1 = performance.now();
					g.pointsByDistance(at, targets);
					for (const t of targets) g.linesNear([t.lon, t.lat], lines, 2000);
					withLines.push(performance.now() - t1);
				}
				return { order, withLines };
			},
			{ targets, lines, runs }
		);
		const sorted = [...r.order].sort((a, b) => a - b);
		return {
			cpu_slowdown: slowdown,
			order_ms_p50: round(percentile(r.order, 50), 1),
			order_ms_max: round(sorted[sorted.length - 1], 1),
			with_lines_ms_p50: round(percentile(r.withLines, 50), 1)
		};
	} finally {
		await b.close();
	}
}
