// The authorization matrix: every route of the app, discovered from src/routes (a new route is
// enumerated automatically and fails here until it has an access rule and a sample), × every
// role and signed-out × own / other jurisdiction. Asserts allow or deny, and that no response
// to a denied or count-only role carries a child's residence coordinate.
import { test, expect, request, type APIRequestContext } from '@playwright/test';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { openTestDatabase, ROOT, type TestDatabase } from '../support/template';
import { ROUTE_ACCESS, type RouteAccess } from '../../src/lib/server/auth/routes';
import { DEMO_PASSWORD } from '../../src/lib/server/seed/users';
import { DEMO, freshTotp, signIn } from './helpers';
import { translator } from '../../src/lib/i18n';
import { TILE_MAX_ZOOM } from '../../src/lib/domain/tile-contract';
import sharp from 'sharp';
import { randomUUID } from 'node:crypto';

interface RouteInfo {
	id: string;
	methods: ('GET' | 'POST')[];
	/** form action names of the page ('default' for an unnamed action) */
	actions: string[];
}

/** Walk src/routes: pages answer GET, page actions and endpoints answer what they export. */
function discoverRoutes(): RouteInfo[] {
	const base = path.join(ROOT, 'src/routes');
	const out = new Map<string, Set<'GET' | 'POST'>>();
	const actions = new Map<string, string[]>();
	const walk = (dir: string) => {
		for (const name of readdirSync(dir)) {
			const p = path.join(dir, name);
			if (statSync(p).isDirectory()) {
				walk(p);
				continue;
			}
			const id = '/' + path.relative(base, dir).split(path.sep).filter(Boolean).join('/');
			const methods = out.get(id) ?? new Set();
			const text = readFileSync(p, 'utf8');
			if (name === '+page.svelte') methods.add('GET');
			if (name === '+page.server.ts' && /export const actions/.test(text)) {
				methods.add('POST');
				const body = text.slice(text.indexOf('export const actions'));
				actions.set(
					id,
					[...body.matchAll(/^\t(\w+): async/gm)].map((m) => m[1])
				);
			}
			if (name === '+server.ts') {
				for (const m of text.matchAll(/export const (GET|POST)\b/g))
					methods.add(m[1] as 'GET' | 'POST');
			}
			if (methods.size) out.set(id, methods);
		}
	};
	walk(base);
	return [...out].map(([id, m]) => ({
		id: id === '/' ? '/' : id.replace(/\/$/, ''),
		methods: [...m].sort(),
		actions: actions.get(id) ?? ['default']
	}));
}

const ROLES = Object.values(DEMO);
type Who = (typeof ROLES)[number] | 'anonymous';
const COUNT_ONLY: readonly string[] = [DEMO.riverChief, DEMO.emergency, DEMO.planner];
const ADMINS: readonly string[] = [DEMO.province, DEMO.prefecture, DEMO.county];
// the emergency desk and "near a place": emergency staff and administrators (emergency-place.ts)
const EMERGENCY_ROUTES: readonly string[] = ['/(app)/emergency', '/api/emergency/near'];
const PLANNING_ROUTES: readonly string[] = [
	'/(app)/planning',
	'/api/planning/run',
	'/api/planning/scenarios',
	'/api/exports/planning',
	'/api/exports/planning-coverage'
];

let db: TestDatabase;
const users = new Map<string, { id: number; jurisdiction: string }>();
let residenceNeedles: [string, string][] = [];
// photos taken on a segment of township A and of township B, recorded through the real API
let photoA = 0;
let photoB = 0;
let fixture: {
	county: string;
	townshipA: string;
	townshipB: string;
	village: string;
	segA: number;
	segB: number;
};

/**
 * Whether `body` prints this longitude and latitude as one point: both within a few dozen
 * characters of each other, in either order. Long bodies (a county's segment export, the planner's
 * released grid cells) print thousands of coordinates, so a longitude and a latitude found far
 * apart are two different points, not a home.
 */
function printsPair(body: string, lon: string, lat: string, window = 80): boolean {
	for (let i = body.indexOf(lon); i >= 0; i = body.indexOf(lon, i + 1)) {
		const near = body.slice(Math.max(0, i - window), i + lon.length + window);
		if (near.includes(lat)) return true;
	}
	return false;
}

test.beforeAll(async () => {
	db = await openTestDatabase('pglite');
	const u = await db.db
		.selectFrom('users')
		.select(['id', 'username', 'jurisdiction_code'])
		.execute();
	for (const r of u) users.set(r.username, { id: r.id, jurisdiction: r.jurisdiction_code });
	const township = users.get(DEMO.township)!.jurisdiction;
	const other = await sql<{ code: string }>`
		SELECT township_code AS code FROM waterways WHERE township_code <> ${township}
		GROUP BY township_code ORDER BY count(*) DESC LIMIT 1`.execute(db.db);
	const segA = await sql<{
		id: number;
	}>`SELECT id FROM waterways WHERE township_code = ${township} ORDER BY id LIMIT 1`.execute(db.db);
	const segB = await sql<{
		id: number;
	}>`SELECT id FROM waterways WHERE township_code = ${other.rows[0].code} ORDER BY id LIMIT 1`.execute(
		db.db
	);
	fixture = {
		county: users.get(DEMO.county)!.jurisdiction,
		townshipA: township,
		townshipB: other.rows[0].code,
		village: users.get(DEMO.village)!.jurisdiction,
		segA: segA.rows[0].id,
		segB: segB.rows[0].id
	};
	// every residence as the app would print it: longitude and latitude to 5 decimals
	const homes = await sql<{
		lon: number;
		lat: number;
	}>`SELECT ST_X(residence) AS lon, ST_Y(residence) AS lat FROM children`.execute(db.db);
	residenceNeedles = homes.rows.map((h) => [h.lon.toFixed(5), h.lat.toFixed(5)]);
});
test.afterAll(async () => {
	await db?.close();
});

/** Record a check with a photo as `who` on a segment; returns the stored photo's id. */
async function photoOn(baseURL: string, who: string, segment: number): Promise<number> {
	const ctx = await session(baseURL, who as Who);
	const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a7' } })
		.jpeg()
		.toBuffer();
	const clientUuid = randomUUID();
	const r = await ctx.post('/api/checks', {
		multipart: {
			check: JSON.stringify({
				clientUuid,
				waterwayId: segment,
				recordedAt: new Date().toISOString(),
				slots: [{ item: 'sign', status: 'present' }]
			}),
			'photo:sign': { name: 'sign.jpg', mimeType: 'image/jpeg', buffer: jpeg }
		}
	});
	expect(r.status(), await r.text()).toBe(201);
	const page = await (await ctx.get(`/waterways/${segment}`)).text();
	await ctx.dispose();
	return Number(/\/api\/photos\/(\d+)/.exec(page)?.[1]);
}

test.beforeAll(async ({ baseURL }) => {
	photoA = await photoOn(baseURL!, DEMO.township, fixture.segA);
	photoB = await photoOn(baseURL!, DEMO.county, fixture.segB);
	expect(photoA).toBeGreaterThan(0);
	expect(photoB).toBeGreaterThan(0);
});

// a campaign over the county with a target and a hazard (with its after photo) in township A
// and in another township, made through the real pages
const campaign: {
	id: number;
	targetA: number;
	targetB: number;
	hazardA: number;
	hazardB: number;
	photoA: number;
	photoB: number;
	/** a photo of a target check (uploaded over tus) in each township */
	checkPhotoA: number;
	checkPhotoB: number;
} = {
	id: 0,
	targetA: 0,
	targetB: 0,
	hazardA: 0,
	hazardB: 0,
	photoA: 0,
	photoB: 0,
	checkPhotoA: 0,
	checkPhotoB: 0
};

/** Ids a page links to, e.g. every /hazards/N on it. */
async function linked(ctx: APIRequestContext, url: string, re: RegExp): Promise<number[]> {
	const text = await (await ctx.get(url)).text();
	return [...text.matchAll(re)].map((m) => Number(m[1]));
}

/**
 * A target check from the phone's outbox with one photo sent over tus (creation with the bytes
 * in one request); the photo's id, as the target's page links it.
 */
async function checkPhotoOn(worker: APIRequestContext, target: number): Promise<number> {
	const items = ['buildings', 'wall', 'hillside', 'water', 'fire', 'bus', 'hygiene'];
	const check = randomUUID();
	const photo = randomUUID();
	const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#37a' } })
		.jpeg()
		.toBuffer();
	const r = await worker.post('/api/target-checks', {
		data: {
			clientUuid: check,
			targetId: target,
			recordedAt: new Date().toISOString(),
			answers: items.map((item) => ({ item, answer: 'ok' })),
			photos: [{ photo, sizeBytes: jpeg.length }]
		}
	});
	expect(r.status(), await r.text()).toBe(201);
	const b64 = (s: string) => Buffer.from(s).toString('base64');
	const up = await worker.post('/api/uploads', {
		headers: {
			'Tus-Resumable': '1.0.0',
			'Upload-Length': String(jpeg.length),
			'Upload-Metadata': `photo ${b64(photo)},check ${b64(check)}`,
			'Content-Type': 'application/offset+octet-stream'
		},
		data: jpeg
	});
	expect(up.status(), await up.text()).toBe(201);
	const [id] = await linked(worker, `/campaigns/targets/${target}`, /\/api\/check-photos\/(\d+)/g);
	return id;
}

/** Check an institution target with one hazard, register it and fix it; the after photo's id. */
async function hazardOn(
	worker: APIRequestContext,
	admin: APIRequestContext,
	target: number
): Promise<[number, number]> {
	const items = ['buildings', 'wall', 'hillside', 'water', 'fire', 'bus', 'hygiene'];
	const form: Record<string, string> = { clientUuid: randomUUID() };
	for (const i of items) form[`answer:${i}`] = i === 'wall' ? 'hazard' : 'ok';
	const r = await worker.post(`/campaigns/targets/${target}?/check`, { form });
	expect(r.status(), await r.text()).toBe(200);
	const [hazard] = await linked(worker, `/campaigns/targets/${target}`, /\/hazards\/(\d+)/g);
	const deadline = new Date(Date.now() + 7 * 86400_000).toISOString().slice(0, 10);
	const reg = await admin.post(`/hazards/${hazard}?/register`, {
		form: { expected: 'found', severity: 'general', responsible: '校长', deadline }
	});
	expect(reg.status(), await reg.text()).toBe(200);
	const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#a73' } })
		.jpeg()
		.toBuffer();
	const fix = await worker.post(`/hazards/${hazard}?/fix`, {
		multipart: {
			expected: 'registered',
			note: '已整改',
			photo: { name: 'after.jpg', mimeType: 'image/jpeg', buffer: jpeg }
		}
	});
	expect(fix.status(), await fix.text()).toBe(200);
	const [photo] = await linked(worker, `/hazards/${hazard}`, /\/api\/hazard-photos\/(\d+)/g);
	return [hazard, photo];
}

test.beforeAll(async ({ baseURL }) => {
	const admin = await session(baseURL!, DEMO.county);
	const staff = await session(baseURL!, DEMO.township);
	const day = (n: number) => new Date(Date.now() + n * 86400_000).toISOString().slice(0, 10);
	const r = await admin.post('/campaigns?/create', {
		form: {
			name: '权限测试排查',
			area: fixture.county,
			starts: day(0),
			ends: day(30),
			institutionWaterM: '200',
			villageWaterM: '500',
			institutions: '1'
		}
	});
	expect(r.status(), await r.text()).toBe(303);
	campaign.id = Number(/\/campaigns\/(\d+)/.exec(r.headers()['location'])?.[1]);
	const mine = await linked(staff, `/campaigns/${campaign.id}`, /\/campaigns\/targets\/(\d+)/g);
	const all = await linked(admin, `/campaigns/${campaign.id}`, /\/campaigns\/targets\/(\d+)/g);
	campaign.targetA = mine[0];
	campaign.targetB = all.find((t) => !mine.includes(t))!;
	expect(campaign.targetA).toBeGreaterThan(0);
	expect(campaign.targetB).toBeGreaterThan(0);
	[campaign.hazardA, campaign.photoA] = await hazardOn(staff, admin, campaign.targetA);
	[campaign.hazardB, campaign.photoB] = await hazardOn(admin, admin, campaign.targetB);
	expect(campaign.photoA).toBeGreaterThan(0);
	expect(campaign.photoB).toBeGreaterThan(0);
	campaign.checkPhotoA = await checkPhotoOn(staff, campaign.targetA);
	campaign.checkPhotoB = await checkPhotoOn(admin, campaign.targetB);
	expect(campaign.checkPhotoA).toBeGreaterThan(0);
	expect(campaign.checkPhotoB).toBeGreaterThan(0);
	await admin.dispose();
	await staff.dispose();
});

async function session(baseURL: string, who: Who): Promise<APIRequestContext> {
	const ctx = await request.newContext({
		baseURL,
		extraHTTPHeaders: { origin: baseURL, accept: 'text/html' },
		maxRedirects: 0
	});
	if (who === 'anonymous') return ctx;
	const r = await ctx.post('/login', {
		form: { username: who, password: DEMO_PASSWORD },
		maxRedirects: 0
	});
	expect(r.status(), `sign-in of ${who}`).toBe(303);
	if (ADMINS.includes(who)) {
		const r2 = await ctx.post('/login/totp', {
			form: { code: await freshTotp(who) },
			maxRedirects: 0
		});
		expect(r2.status()).toBe(303);
		expect(r2.headers()['location']).toBe('/');
	}
	return ctx;
}

/** A concrete URL inside (own) and outside (other) the user's jurisdiction, per route. */
function samples(routeId: string, who: Who): { own: string; other?: string } {
	const j = who === 'anonymous' ? fixture.county : users.get(who)!.jurisdiction;
	const lvl = j.endsWith('0000000000')
		? 'province'
		: j.endsWith('000000')
			? 'wide'
			: j.endsWith('000')
				? 'township'
				: 'village';
	const narrow = lvl === 'township' || lvl === 'village';
	const ownSeg = narrow ? fixture.segA : fixture.segA;
	const otherTownship = narrow ? fixture.townshipB : undefined;
	const tile = (z: number) =>
		`/tiles/water/${z}/${Math.floor(((113.5 + 180) / 360) * 2 ** z)}/${Math.floor(((1 - Math.log(Math.tan((29.8 * Math.PI) / 180) + 1 / Math.cos((29.8 * Math.PI) / 180)) / Math.PI) / 2) * 2 ** z)}.mvt`;
	switch (routeId) {
		case '/(app)':
			return { own: `/?area=${j}`, other: otherTownship && `/?area=${otherTownship}` };
		case '/api/areas/[code]':
			return {
				own: `/api/areas/${j}`,
				other: otherTownship ? `/api/areas/${otherTownship}` : `/api/areas/420102000000`
			};
		case '/api/features/[layer]/[id]':
			return {
				own: `/api/features/waterway/${who === DEMO.village ? fixture.segA : ownSeg}`,
				other: narrow ? `/api/features/waterway/${fixture.segB}` : undefined
			};
		case '/api/residences': {
			const area = lvl === 'village' ? j : narrow ? j : fixture.townshipA;
			return {
				own: `/api/residences?area=${area}&purpose=home_visit`,
				other: narrow ? `/api/residences?area=${fixture.townshipB}&purpose=home_visit` : undefined
			};
		}
		case '/api/exports/emergency-homes': {
			const area = narrow ? j : fixture.townshipA;
			return {
				own: `/api/exports/emergency-homes?area=${area}&format=csv`,
				other: narrow
					? `/api/exports/emergency-homes?area=${fixture.townshipB}&format=csv`
					: undefined
			};
		}
		case '/tiles/[source]/[z]/[x]/[y].mvt':
			return { own: tile(10) };
		case '/(app)/waterways/[id]':
			return {
				own: `/waterways/${fixture.segA}`,
				other: narrow ? `/waterways/${fixture.segB}` : undefined
			};
		case '/api/photos/[id]':
			return { own: `/api/photos/${photoA}`, other: narrow ? `/api/photos/${photoB}` : undefined };
		case '/(app)/campaigns/[id]':
			// a county's campaign is open to everyone in the county (each sees their part)
			return { own: `/campaigns/${campaign.id}` };
		case '/(app)/campaigns/[id]/dashboard':
			return { own: `/campaigns/${campaign.id}/dashboard` };
		case '/(app)/campaigns/[id]/bulletin':
			return { own: `/campaigns/${campaign.id}/bulletin` };
		case '/api/exports/campaign-dashboard':
			return {
				own: `/api/exports/campaign-dashboard?campaign=${campaign.id}&table=townships&format=csv`
			};
		case '/(app)/campaigns/[id]/checklists':
			// administrators only (the route table); all three demo ones cover the campaign's county
			return { own: `/campaigns/${campaign.id}/checklists` };
		case '/(app)/campaigns/targets/[id]':
			return {
				own: `/campaigns/targets/${campaign.targetA}`,
				other: narrow ? `/campaigns/targets/${campaign.targetB}` : undefined
			};
		case '/(app)/hazards/[id]':
			return {
				own: `/hazards/${campaign.hazardA}`,
				other: narrow ? `/hazards/${campaign.hazardB}` : undefined
			};
		case '/api/hazard-photos/[id]':
			return {
				own: `/api/hazard-photos/${campaign.photoA}`,
				other: narrow ? `/api/hazard-photos/${campaign.photoB}` : undefined
			};
		case '/api/check-photos/[id]':
			return {
				own: `/api/check-photos/${campaign.checkPhotoA}`,
				other: narrow ? `/api/check-photos/${campaign.checkPhotoB}` : undefined
			};
		case '/api/uploads/[...path]':
		case '/api/import-uploads/[...path]':
			// a tus request without its protocol header: refused as such (412), never carried out
			return { own: routeId.replace('/[...path]', '') };
		case '/(app)/reports/annual':
			return {
				own: `/reports/annual?code=${j}&year=2026`,
				other: otherTownship && `/reports/annual?code=${otherTownship}&year=2026`
			};
		// the public sites of the user's own area: no other area to ask for
		case '/api/exports/sites':
			return { own: '/api/exports/sites?kind=children_homes&format=csv' };
		case '/api/exports/annual-report':
			return {
				own: `/api/exports/annual-report?code=${j}&year=2026`,
				other: otherTownship && `/api/exports/annual-report?code=${otherTownship}&year=2026`
			};
		case '/api/waterways/geometry':
			return { own: `/api/waterways/geometry?bbox=113.3,29.6,113.55,29.85` };
		case '/(app)/admin/users/[id]': {
			const target = users.get(DEMO.township)!.id;
			return {
				own: `/admin/users/${target}`,
				other:
					who === DEMO.county || who === DEMO.prefecture
						? `/admin/users/${users.get(DEMO.province)!.id}`
						: undefined
			};
		}
		default: {
			if (/\[/.test(routeId))
				throw new Error(`route ${routeId} has parameters: add a sample for it in authz.spec.ts`);
			return { own: routeId.replace(/\/\([^)]+\)/g, '') || '/' };
		}
	}
}

function expected(
	access: RouteAccess,
	who: Who,
	routeId: string,
	scope: 'own' | 'other'
): 'allow' | 'deny' {
	if (access === 'public') return 'allow';
	if (who === 'anonymous') return 'deny';
	if (access === 'admin' && !ADMINS.includes(who)) return 'deny';
	if (scope === 'other') return 'deny';
	if (routeId === '/api/residences' || routeId === '/api/exports/emergency-homes')
		return COUNT_ONLY.includes(who) ? 'deny' : 'allow';
	if (EMERGENCY_ROUTES.includes(routeId))
		return who === DEMO.emergency || ADMINS.includes(who) ? 'allow' : 'deny';
	// siting is for planners and administrators (policy.canPlanSites)
	if (PLANNING_ROUTES.includes(routeId))
		return who === DEMO.planner || ADMINS.includes(who) ? 'allow' : 'deny';
	return 'allow';
}

test('every route has an access rule, and every rule a route', () => {
	const ids = discoverRoutes().map((r) => r.id);
	expect(ids.length).toBeGreaterThan(10);
	for (const id of ids) expect(ROUTE_ACCESS[id], `access rule for ${id}`).toBeDefined();
	for (const id of Object.keys(ROUTE_ACCESS)) expect(ids, `route for rule ${id}`).toContain(id);
});

for (const who of ['anonymous', ...ROLES] as Who[]) {
	test(`authorization matrix: ${who}`, async ({ baseURL }) => {
		const ctx = await session(baseURL!, who);
		const routes = discoverRoutes();
		let checked = 0;
		for (const route of routes) {
			const access = ROUTE_ACCESS[route.id];
			const s = samples(route.id, who);
			for (const scope of ['own', 'other'] as const) {
				const url = s[scope];
				if (!url) continue;
				for (const method of route.methods) {
					// sign-out would end the session the rest of the matrix needs: checked last
					if (route.id === '/logout') continue;
					// every form action of a page is posted to (an empty form: it must be refused or
					// answered with a validation message, never carried out)
					const targets =
						method === 'GET'
							? [url]
							: route.actions.map((a) =>
									a === 'default' ? url : `${url}${url.includes('?') ? '&' : '?'}/${a}`
								);
					for (const target of targets) {
						const res =
							method === 'GET'
								? await ctx.get(target, { maxRedirects: 0 })
								: await ctx.post(target, { form: {}, maxRedirects: 0 });
						const status = res.status();
						const body = await res.text();
						const want = expected(access, who, route.id, scope);
						const label = `${who} ${method} ${target} (${route.id}, ${scope})`;
						const toLogin = status === 303 && res.headers()['location'] === '/login';
						// emergency staff may get exact homes only under a declared emergency (another
						// suite may have declared one on this server): then the basis must say so
						if (route.id === '/api/residences' && who === DEMO.emergency && status === 200) {
							expect(JSON.parse(body).basis, `${label} basis`).toBe('emergency');
							checked++;
							continue;
						}
						// the same for the homes' file: it is the same audited read, as a CSV
						if (
							route.id === '/api/exports/emergency-homes' &&
							who === DEMO.emergency &&
							status === 200
						) {
							expect(res.headers()['content-type'], `${label} a file`).toContain('text/csv');
							checked++;
							continue;
						}
						if (want === 'allow') {
							expect([401, 403, 404], `${label} allowed (got ${status})`).not.toContain(status);
							expect(status, `${label} no server error`).toBeLessThan(500);
							expect(toLogin, `${label} not sent to sign-in`).toBe(false);
						} else {
							expect(
								toLogin || [401, 403, 404].includes(status),
								`${label} denied (got ${status})`
							).toBe(true);
						}
						// no residence coordinate may reach a denied request or a count-only role
						if (want === 'deny' || COUNT_ONLY.includes(who) || who === 'anonymous') {
							const leaked = residenceNeedles.find(([lon, lat]) => printsPair(body, lon, lat));
							expect(leaked, `${label} leaks a residence coordinate`).toBeUndefined();
						}
						checked++;
					}
				}
			}
		}
		expect(checked).toBeGreaterThan(15);
		// sign-out ends the session: afterwards the map is out of reach
		const out = await ctx.post('/logout', { form: {}, maxRedirects: 0 });
		expect(out.status()).toBe(who === 'anonymous' ? 401 : 303);
		const after = await ctx.get('/api/areas/420000000000', { maxRedirects: 0 });
		expect(after.status()).toBe(401);
		await ctx.dispose();
	});
}

test('a cross-site form post is rejected (CSRF) and changes nothing', async ({ baseURL }) => {
	const ctx = await request.newContext({
		baseURL,
		extraHTTPHeaders: { origin: 'http://evil.example', accept: 'text/html' },
		maxRedirects: 0
	});
	const r = await ctx.post('/login', {
		form: { username: DEMO.county, password: DEMO_PASSWORD },
		maxRedirects: 0
	});
	expect(r.status()).toBe(403);
	expect(r.headers()['set-cookie'] ?? '').not.toMatch(/tongan_session/);
	await ctx.dispose();
});

test('security headers: CSP of the app’s own origin, no-store on personal pages, HttpOnly SameSite cookie', async ({
	baseURL
}) => {
	const ctx = await request.newContext({
		baseURL,
		extraHTTPHeaders: { origin: baseURL!, accept: 'text/html' },
		maxRedirects: 0
	});
	const login = await ctx.post('/login', {
		form: { username: DEMO.village, password: DEMO_PASSWORD }
	});
	const cookie = login.headers()['set-cookie'];
	expect(cookie).toMatch(/HttpOnly/i);
	expect(cookie).toMatch(/SameSite=Lax/i);
	const page = await ctx.get('/', { maxRedirects: 0 });
	const h = page.headers();
	expect(h['content-security-policy']).toMatch(/default-src 'self'/);
	expect(h['content-security-policy']).not.toMatch(/https?:\/\//);
	expect(h['cache-control']).toBe('no-store');
	expect(h['x-frame-options']).toBe('DENY');
	const api = await ctx.get(
		`/api/residences?area=${users.get(DEMO.village)!.jurisdiction}&purpose=home_visit`
	);
	expect(api.status()).toBe(200);
	expect(api.headers()['cache-control']).toBe('no-store');
	// the resumable uploads are for this site's pages only: tus's default would let any site
	// read their answers (access-control-allow-origin: *)
	for (const path of ['/api/uploads', '/api/import-uploads']) {
		const preflight = await ctx.fetch(path, {
			method: 'OPTIONS',
			headers: { origin: 'https://elsewhere.example', 'tus-resumable': '1.0.0' }
		});
		expect(preflight.status(), path).toBeLessThan(500);
		expect(preflight.headers()['access-control-allow-origin'], path).toBeUndefined();
	}
	await ctx.dispose();
});

test('a refused or unknown page says so in Chinese, with a way back to the start page', async ({
	page
}) => {
	await signIn(page, DEMO.planner);
	const refused = await page.goto('/admin/users');
	expect(refused?.status()).toBe(403);
	await expect(
		page.getByRole('heading', { name: '没有权限打开此页面', exact: true })
	).toBeVisible();
	await expect(page.getByTestId('error-page')).not.toContainText('forbidden');
	// in the user's language only: SvelteKit's static fallback said everything twice
	await expect(page.getByTestId('error-page')).not.toContainText('Start page');
	await expect(page).toHaveTitle(/没有权限打开此页面/);
	await page.goto('/');
	await page.locator('form.lang button').click();
	await expect(page.locator('html')).toHaveAttribute('lang', 'en');
	expect((await page.goto('/admin/users'))?.status()).toBe(403);
	await expect(
		page.getByRole('heading', { name: 'You cannot open this page', exact: true })
	).toBeVisible();
	await expect(page.getByTestId('error-page')).not.toContainText('返回首页');
	await page.goto('/');
	await page.locator('form.lang button').click();
	await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');

	const noSegment = await page.goto('/waterways/abc');
	expect(noSegment?.status()).toBe(404);
	await expect(page.getByRole('heading', { name: '页面不存在', exact: true })).toBeVisible();

	const unknown = await page.goto('/admin');
	expect(unknown?.status()).toBe(404);
	await expect(page.getByRole('heading', { name: '页面不存在', exact: true })).toBeVisible();
	// under the app's own header, in the user's session
	await expect(page.getByTestId('user-role')).toHaveText('规划人员');
	await page.getByRole('link', { name: '返回首页' }).click();
	await expect(page).toHaveURL(/\/$/);
	await expect(page.getByTestId('map')).toBeVisible();
});

test("an API's refusals are in the user's language, like its pages'", async ({ page }) => {
	const zh = translator('zh-CN');
	// not signed in
	const anonymous = await page.request.get('/api/areas/421083000000');
	expect(anonymous.status()).toBe(401);
	expect((await anonymous.json()).message).toBe(zh('error.signIn'));
	await signIn(page, DEMO.riverChief);
	// a role refused by the service (planning is for planners and administrators)
	const refused = await page.request.get('/api/exports/planning-coverage?level=village&format=csv');
	expect(refused.status()).toBe(403);
	expect((await refused.json()).message).toBe(zh('error.forbidden'));
	// a tile that cannot exist
	const tile = await page.request.get('/tiles/water/30/1/1.mvt');
	expect(tile.status()).toBe(400);
	expect((await tile.json()).message).toBe(
		zh('error.tile', { tile: '30/1/1', max: TILE_MAX_ZOOM })
	);
});
