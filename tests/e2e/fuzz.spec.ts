// Bad input is a 400 (or a 401/403/404/409/415), never a 5xx. Every route and form action is
// discovered from src/routes (a new one is driven automatically), then sent generated bad
// values — path parameters, query strings, form bodies (with files and repeated fields),
// multipart and JSON bodies, malformed check payloads — signed in as an administrator, as
// field staff, as a planner and signed out, against the real built app. Then the cases that
// were 500s, one by one, and a check UUID reused by another user (409).
import { test, expect, request, type APIRequestContext } from '@playwright/test';
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { ROOT, FIXTURE_AREA } from '../support/template';
import { DEMO_PASSWORD } from '../../src/lib/server/seed/users';
import { ROUTE_ACCESS } from '../../src/lib/server/auth/routes';
import { DEMO, freshTotp } from './helpers';

/** Runs per route, method and role; FUZZ_RUNS=100 for a longer search. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const COUNTY = `${FIXTURE_AREA}000000`;

interface Target {
	/** route id, e.g. /(app)/admin/users/[id] */
	id: string;
	method: 'GET' | 'POST' | 'PATCH';
	/** a page's form action ('default' for an unnamed one); undefined for loads and endpoints */
	action?: string;
	/** a page (GET also answers /__data.json) or an endpoint */
	page: boolean;
	params: string[];
	/** field names the route's code mentions: what its query or body may be read for */
	fields: string[];
}

/** Words that read like field names in a route's source: quoted identifiers and object keys. */
function fieldNames(text: string): string[] {
	const names = new Set<string>();
	for (const m of text.matchAll(/['"]([A-Za-z][\w]{0,30})['"]/g)) names.add(m[1]);
	for (const m of text.matchAll(/^\s*([a-z]\w{0,30})\??:\s/gm)) names.add(m[1]);
	return [...names];
}

/** Every route of src/routes: pages (load, actions) and endpoints (their exported methods). */
function discoverTargets(): Target[] {
	const base = path.join(ROOT, 'src/routes');
	const out: Target[] = [];
	const walk = (dir: string) => {
		const files = readdirSync(dir);
		const id = '/' + path.relative(base, dir).split(path.sep).filter(Boolean).join('/');
		const params = [...id.matchAll(/\[(\w+)\]/g)].map((m) => m[1]);
		const text = files
			.filter((f) => /\.(ts|svelte)$/.test(f))
			.map((f) => readFileSync(path.join(dir, f), 'utf8'))
			.join('\n');
		const fields = fieldNames(text);
		if (files.includes('+page.svelte')) out.push({ id, method: 'GET', page: true, params, fields });
		const server = files.includes('+page.server.ts')
			? readFileSync(path.join(dir, '+page.server.ts'), 'utf8')
			: '';
		if (/export const actions/.test(server)) {
			const body = server.slice(server.indexOf('export const actions'));
			for (const m of body.matchAll(/^\t(\w+): async/gm))
				out.push({ id, method: 'POST', action: m[1], page: true, params, fields });
		}
		if (files.includes('+server.ts')) {
			const t = readFileSync(path.join(dir, '+server.ts'), 'utf8');
			for (const m of t.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)) {
				// PATCH (the tus endpoint's bytes) gets the same bad bodies as a POST
				if (m[1] !== 'GET' && m[1] !== 'POST' && m[1] !== 'PATCH')
					throw new Error(`${id} exports ${m[1]}: teach fuzz.spec.ts to send it`);
				out.push({ id, method: m[1], page: false, params, fields });
			}
		}
		for (const f of files) if (statSync(path.join(dir, f)).isDirectory()) walk(path.join(dir, f));
	};
	walk(base);
	return out;
}

// ---- bad values ----

/** Values that broke routes before, and the usual suspects. None is a valid choice anywhere. */
const NASTY = [
	'',
	' ',
	'2026-13-01',
	'T99:99',
	'2026-05-01T99:99',
	'2026-02-30',
	'1e20',
	'1e309',
	'1.5',
	'-1',
	'-0',
	'12345678901234567890',
	'9007199254740993',
	'NaN',
	'Infinity',
	'null',
	'undefined',
	'[]',
	'{}',
	'{"a":',
	'true',
	'0x1F',
	'４２１０８３',
	'421083',
	'42108300000000000000',
	"' OR 1=1 --",
	'<script>alert(1)</script>',
	'../../etc/passwd',
	'%00',
	'\u0000',
	'\ud800',
	'😀'.repeat(50),
	'x'.repeat(5000),
	'\r\n\t',
	'/\\evil.example',
	'a,b,c,d',
	'113,29,113.1',
	'114,30,113,29'
];

/** A short number-like text could be a real choice (a status '0'/'1', a radius): never sent. */
const plausible = (s: string) => /^\s*[+-]?\d{1,7}(\.\d+)?\s*$/.test(s);

const badText: fc.Arbitrary<string> = fc.oneof(
	{ weight: 3, arbitrary: fc.constantFrom(...NASTY) },
	{ weight: 1, arbitrary: fc.string({ maxLength: 30 }).filter((s) => !plausible(s)) },
	{
		weight: 1,
		arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }).filter((s) => !plausible(s))
	}
);

/** A form or query value: text, the same name twice, or (in a multipart body) a file. */
type Value =
	{ kind: 'text'; v: string } | { kind: 'twice'; v: [string, string] } | { kind: 'file' };
const badValue: fc.Arbitrary<Value> = fc.oneof(
	{ weight: 6, arbitrary: badText.map((v) => ({ kind: 'text' as const, v })) },
	{
		weight: 1,
		arbitrary: fc.tuple(badText, badText).map((v) => ({ kind: 'twice' as const, v }))
	},
	{ weight: 1, arbitrary: fc.constant({ kind: 'file' as const }) }
);

function fieldsArb(t: Target): fc.Arbitrary<[string, Value][]> {
	const names = [...new Set([...t.fields, ...t.params])];
	return fc.array(fc.tuple(names.length ? fc.constantFrom(...names) : fc.constant('x'), badValue), {
		minLength: 1,
		maxLength: 6
	});
}

/** A path parameter: never a real id, code or tile. */
const badParam = fc
	.oneof(fc.constantFrom(...NASTY.filter((s) => s.trim() !== '')), fc.string({ minLength: 1 }))
	.filter((s) => !/^\d{1,15}$/.test(s.trim()));

/** A check payload that is valid except for one field, which gets a wrong value or shape. */
function badCheckJson(segment: number): fc.Arbitrary<string> {
	const RAW = '"__raw__"';
	const wrong: Record<string, unknown[]> = {
		clientUuid: [null, 5, [randomUUID()], 'not-a-uuid', {}],
		waterwayId: [1.5, 'raw:1e309', 'raw:12345678901234567890', -1, 0, '7', null, [], {}],
		recordedAt: [null, 5, '2026-13-01T00:00:00Z', 'yesterday', [], {}],
		note: [5, {}, [], true, 'x'.repeat(1001)],
		slots: [
			null,
			[null],
			[],
			[{}],
			[{ item: 'lamp', status: 'present' }],
			[{ item: 'sign', status: 'used' }],
			[
				{ item: 'sign', status: 'present' },
				{ item: 'sign', status: 'missing' }
			],
			'sign',
			{ 0: { item: 'sign', status: 'present' } }
		],
		lon: ['113.5', 500, {}, true],
		lat: ['29.8', -91, []],
		photoMeta: ['x', 5, { sign: 'here' }, { sign: { lon: 'x' } }]
	};
	return fc.tuple(fc.constantFrom(...Object.keys(wrong)), fc.nat()).map(([field, i]) => {
		const bad = wrong[field][i % wrong[field].length];
		const payload: Record<string, unknown> = {
			clientUuid: randomUUID(),
			waterwayId: segment,
			recordedAt: new Date().toISOString(),
			lon: null,
			lat: null,
			note: null,
			slots: [{ item: 'sign', status: 'present' }]
		};
		const raw = typeof bad === 'string' && bad.startsWith('raw:') ? bad.slice(4) : null;
		payload[field] = raw === null ? bad : '__raw__';
		const text = JSON.stringify(payload);
		// numbers JSON can carry but JavaScript cannot hold exactly
		return raw === null ? text : text.replace(RAW, raw);
	});
}

// ---- requests ----

const BOUNDARY = 'fuzzboundary7MA4YWxkTrZu0gW';

function multipart(fields: [string, Value][]): Buffer {
	const parts: Buffer[] = [];
	const add = (name: string, body: string, file = false) =>
		parts.push(
			Buffer.from(
				`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name.replace(/["\r\n]/g, '_')}"` +
					(file ? '; filename="x.bin"\r\nContent-Type: application/octet-stream' : '') +
					`\r\n\r\n${body}\r\n`
			)
		);
	for (const [name, value] of fields) {
		if (value.kind === 'file') add(name, 'not really a file', true);
		else if (value.kind === 'twice') value.v.forEach((v) => add(name, v));
		else add(name, value.v);
	}
	parts.push(Buffer.from(`--${BOUNDARY}--\r\n`));
	return Buffer.concat(parts);
}

function urlencoded(fields: [string, Value][]): string {
	const u = new URLSearchParams();
	for (const [name, value] of fields) {
		if (value.kind === 'twice') value.v.forEach((v) => u.append(name, v));
		else u.append(name, value.kind === 'text' ? value.v : '[object File]');
	}
	return u.toString();
}

type Body =
	| { kind: 'form'; fields: [string, Value][] }
	| { kind: 'multipart'; fields: [string, Value][] }
	| { kind: 'json'; value: unknown }
	| { kind: 'broken' }
	| { kind: 'none' }
	| { kind: 'check'; json: string };

interface Probe {
	params: Record<string, string>;
	query: [string, Value][];
	/** a page's data request (/__data.json), or an action posted as the enhanced form does */
	data: boolean;
	body: Body;
}

function probeArb(t: Target, segment: number): fc.Arbitrary<Probe> {
	const params = fc.record(Object.fromEntries(t.params.map((p) => [p, badParam])));
	const bodies: fc.Arbitrary<Body>[] = [
		fieldsArb(t).map((fields) => ({ kind: 'form' as const, fields })),
		fieldsArb(t).map((fields) => ({ kind: 'multipart' as const, fields })),
		fc.jsonValue({ maxDepth: 3 }).map((value) => ({ kind: 'json' as const, value })),
		fc.constant({ kind: 'broken' as const }),
		fc.constant({ kind: 'none' as const })
	];
	if (t.id === '/api/checks')
		bodies.push(
			badCheckJson(segment).map((json) => ({ kind: 'check' as const, json })),
			badCheckJson(segment).map((json) => ({ kind: 'check' as const, json }))
		);
	return fc.record({
		params: t.params.length ? params : fc.constant({}),
		query: t.method === 'GET' ? fieldsArb(t) : fc.constant([]),
		data: fc.boolean(),
		body: t.method !== 'GET' ? fc.oneof(...bodies) : fc.constant({ kind: 'none' as const })
	});
}

function urlOf(t: Target, p: Probe): string {
	let pathname = t.id
		.replace(/\/\([^)]+\)/g, '')
		.replace(/\[(\w+)\]/g, (_, k: string) => encodeURIComponent(p.params[k] ?? 'x'));
	if (!pathname) pathname = '/';
	if (t.action) return t.action === 'default' ? pathname : `${pathname}?/${t.action}`;
	if (t.page && p.data) pathname = `${pathname.replace(/\/$/, '')}/__data.json`;
	const q = new URLSearchParams();
	for (const [name, value] of p.query) {
		if (value.kind === 'twice') value.v.forEach((v) => q.append(name, v));
		else q.append(name, value.kind === 'text' ? value.v : '');
	}
	return q.size ? `${pathname}?${q}` : pathname;
}

async function send(ctx: APIRequestContext, t: Target, p: Probe) {
	const url = urlOf(t, p);
	const headers: Record<string, string> = {};
	let data: string | Buffer | undefined;
	const b = p.body;
	if (b.kind === 'form') {
		headers['content-type'] = 'application/x-www-form-urlencoded';
		data = urlencoded(b.fields);
	} else if (b.kind === 'multipart') {
		headers['content-type'] = `multipart/form-data; boundary=${BOUNDARY}`;
		data = multipart(b.fields);
	} else if (b.kind === 'check') {
		headers['content-type'] = `multipart/form-data; boundary=${BOUNDARY}`;
		data = multipart([['check', { kind: 'text', v: b.json }]]);
	} else if (b.kind === 'json') {
		headers['content-type'] = 'application/json';
		data = JSON.stringify(b.value);
	} else if (b.kind === 'broken') {
		headers['content-type'] = 'multipart/form-data; boundary=nothere';
		data = '--elsewhere\r\nContent-Disposition: form-data; name="a"\r\n\r\nb';
	}
	// an action sent as the enhanced form does (JSON answer) or as a plain form post (the page)
	if (t.action && p.data) {
		headers['x-sveltekit-action'] = 'true';
		headers['accept'] = 'application/json';
	} else if (!t.page) headers['accept'] = '*/*';
	// a data request says which loads to rerun: SvelteKit's own header, as bad as the rest
	if (t.page && !t.action && p.data && p.query.length % 2)
		headers['x-sveltekit-invalidated'] = '1x_';
	const r = await ctx.fetch(url, { method: t.method, headers, data, maxRedirects: 0 });
	return { status: r.status(), url, body: r.status() >= 500 ? await r.text() : '' };
}

// ---- sessions ----

async function newContext(baseURL: string): Promise<APIRequestContext> {
	return request.newContext({
		baseURL,
		extraHTTPHeaders: { origin: baseURL, accept: 'text/html' },
		maxRedirects: 0
	});
}

async function signIn(baseURL: string, username: string, password: string, totp = false) {
	const ctx = await newContext(baseURL);
	const r = await ctx.post('/login', { form: { username, password }, maxRedirects: 0 });
	expect(r.status(), `sign-in of ${username}`).toBe(303);
	if (totp) {
		// a code is accepted once, and no step older than the last taken: the shared helper
		// hands out steps no other test of this run has used
		const r2 = await ctx.post('/login/totp', {
			form: { code: await freshTotp(username) },
			maxRedirects: 0
		});
		expect(r2.status(), `second factor of ${username}`).toBe(303);
	}
	return ctx;
}

/** Routes that act on the signed-in person's own password, second factor or session. */
const OWN_ACCOUNT = ['/login', '/login/totp', '/account/totp', '/(app)/account', '/logout'];

const targets = discoverTargets();
let admin: APIRequestContext;
const made: { role: string; ctx: APIRequestContext }[] = [];
let segment = 0;

test.beforeAll(async ({ baseURL }) => {
	test.setTimeout(180_000);
	admin = await signIn(baseURL!, DEMO.county, DEMO_PASSWORD, true);
	// accounts made for this test, so that what it sends to the sign-in and account routes
	// (wrong passwords, codes) can lock nobody else
	const area = await (await admin.get(`/api/areas/${COUNTY}`)).text();
	const township = new RegExp(`"(${FIXTURE_AREA}(?!000)\\d{3}000)"`).exec(area)?.[1];
	expect(township, 'a township of the fixture county').toBeTruthy();
	const password = `Fz!${randomUUID()}`;
	for (const [role, jurisdiction] of [
		['township_staff', township!],
		['planner', COUNTY]
	]) {
		const username = `fuzz.${role}.${Date.now().toString(36)}`;
		const r = await admin.post('/admin/users?/create', {
			headers: { 'x-sveltekit-action': 'true', accept: 'application/json' },
			form: { username, displayName: `Fuzz ${role}`, role, jurisdiction, password }
		});
		expect(await r.text(), `account ${username}`).toContain('"type":"success"');
		made.push({ role, ctx: await signIn(baseURL!, username, password) });
	}
	// a segment the field account may record checks on: bad payloads aim at a real one
	const list = await (await made[0].ctx.get('/waterways?mine=0')).text();
	segment = Number(/\/waterways\/(\d+)/.exec(list)?.[1]);
	expect(segment).toBeGreaterThan(0);
});

test.afterAll(async () => {
	await admin?.dispose();
	for (const m of made) await m.ctx.dispose();
});

test('every route is driven (a new one is found in src/routes)', () => {
	const ids = new Set(targets.map((t) => t.id));
	for (const id of Object.keys(ROUTE_ACCESS)) expect(ids, `${id} is driven`).toContain(id);
	for (const must of ['/api/checks', '/(app)/admin/audit', '/tiles/[source]/[z]/[x]/[y].mvt'])
		expect(ids).toContain(must);
	expect(targets.some((t) => t.id === '/(app)/admin/emergencies' && t.action === 'end')).toBe(true);
});

test('the inputs that answered 500 are 400s that name the field', async () => {
	const html = { headers: { accept: 'text/html' } };
	// the audit filter with a month 13, in Chinese (the default) and in English
	let r = await admin.get('/admin/audit?from=2026-13-01', html);
	expect(r.status()).toBe(400);
	expect(await r.text()).toContain('from：不是有效日期');
	// an emergency's window at 99:99, and an emergency id of 1e20: the form says why
	r = await admin.post('/admin/emergencies?/declare', {
		form: { area: COUNTY, start: '2026-05-01T99:99', end: '2026-05-02T08:00', reason: '演练' }
	});
	expect(r.status()).toBe(400);
	expect(await r.text()).toContain('不是有效时间');
	r = await admin.post('/admin/emergencies?/end', { form: { id: '1e20' } });
	expect(r.status()).toBe(400);
	expect(await r.text()).toContain('id：应为正整数编号');
	// check bodies of the wrong shape
	const staff = made[0].ctx;
	const ok = {
		clientUuid: randomUUID(),
		waterwayId: segment,
		recordedAt: new Date().toISOString(),
		slots: [{ item: 'sign', status: 'present' }]
	};
	const raw = (field: string, value: string) =>
		JSON.stringify({ ...ok, [field]: '__raw__' }).replace('"__raw__"', value);
	for (const [check, field] of [
		['null', 'check'],
		[JSON.stringify({ ...ok, note: 42 }), 'check.note'],
		[JSON.stringify({ ...ok, slots: [null] }), 'check.slots[0]'],
		[JSON.stringify({ ...ok, clientUuid: [ok.clientUuid] }), 'check.clientUuid'],
		[raw('waterwayId', '1.5'), 'check.waterwayId'],
		[raw('waterwayId', '1e309'), 'check.waterwayId'],
		[raw('waterwayId', '12345678901234567890'), 'check.waterwayId'],
		['{"clientUuid":', 'check']
	]) {
		const res = await staff.post('/api/checks', { multipart: { check } });
		expect(res.status(), check).toBe(400);
		const body = (await res.json()) as { field: string; message: string };
		expect(body.field, check).toBe(field);
		expect(body.message, check).toContain(`${field}：`);
	}
	// a segment page for an id that is no whole number: not found, not a crash
	for (const id of ['1.5', '1e309', '12345678901234567890'])
		expect((await staff.get(`/waterways/${id}`, html)).status(), id).toBe(404);
	// the same refusal in English
	await admin.post('/lang', { form: { lang: 'en', back: '/' } });
	r = await admin.get('/admin/audit?to=2026-02-30', html);
	expect(r.status()).toBe(400);
	expect(await r.text()).toContain('to: is not a real date');
	await admin.post('/lang', { form: { lang: 'zh-CN', back: '/' } });
});

test("reusing another user's check UUID is a conflict; the owner's retry is the same check", async () => {
	const staff = made[0].ctx;
	const check = JSON.stringify({
		clientUuid: randomUUID(),
		waterwayId: segment,
		recordedAt: new Date().toISOString(),
		slots: [{ item: 'sign', status: 'present' }]
	});
	const first = await staff.post('/api/checks', { multipart: { check } });
	expect(first.status(), await first.text()).toBe(201);
	const { id } = (await first.json()) as { id: number };
	const other = await admin.post('/api/checks', { multipart: { check } });
	expect(other.status()).toBe(409);
	const body = (await other.json()) as Record<string, unknown>;
	expect(body.field).toBe('clientUuid');
	expect(body).not.toHaveProperty('id');
	const again = await staff.post('/api/checks', { multipart: { check } });
	expect(again.status()).toBe(200);
	expect(await again.json()).toEqual({ id, duplicate: true });
});

/** Drive `list` as one session; the 5xx answers, with what was sent. */
async function drive(ctx: APIRequestContext, list: Target[], runs: number): Promise<string[]> {
	const failures: string[] = [];
	let sent = 0;
	for (const t of list) {
		const r = await fc.check(
			fc.asyncProperty(probeArb(t, segment), async (p) => {
				const res = await send(ctx, t, p);
				if (res.status >= 500) {
					failures.push(
						`${res.status} ${t.method} ${res.url} ${JSON.stringify(p.body).slice(0, 300)} → ${res.body.slice(0, 200)}`
					);
					return false;
				}
				return true;
			}),
			// no shrinking: every failure found is listed as it was sent. A slow target (the
			// rule's recomputation) gets fewer runs rather than the whole budget.
			{ numRuns: runs, endOnFailure: true, interruptAfterTimeLimit: 3000 }
		);
		sent += r.numRuns;
	}
	test.info().annotations.push({ type: 'fuzz', description: `${sent} requests` });
	console.log(`[fuzz] ${test.info().title}: ${sent} requests, ${failures.length} answered 5xx`);
	return failures;
}

test('no bad input answers 5xx: signed out', async ({ baseURL }) => {
	test.setTimeout(120_000);
	const anon = await newContext(baseURL!);
	const failures = await drive(anon, targets, RUNS);
	await anon.dispose();
	expect(failures).toEqual([]);
});

test('no bad input answers 5xx: county administrator', async () => {
	test.setTimeout(240_000);
	const list = targets.filter((t) => !OWN_ACCOUNT.includes(t.id));
	expect(await drive(admin, list, RUNS)).toEqual([]);
});

for (const [i, role] of ['township_staff', 'planner'].entries()) {
	test(`no bad input answers 5xx: ${role}`, async () => {
		test.setTimeout(240_000);
		const { ctx } = made[i];
		// its own password and second factor after everything else, signing out last
		const order = (t: Target) => (t.id === '/logout' ? 2 : OWN_ACCOUNT.includes(t.id) ? 1 : 0);
		const list = [...targets].sort((a, b) => order(a) - order(b));
		expect(await drive(ctx, list, RUNS)).toEqual([]);
	});
}
