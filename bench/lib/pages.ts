// Pages as users meet them (issue 15, item 3): the province's segment list, a later page of
// it, the dashboard and the settings page, each on its first request after a start (the
// server warms the province's views before it, so "first" is the first a user makes) and
// warm; the segment export's first byte and whole file; and 20 users at once on a county's
// list; and the province's annual report (issue 14: "generated in under 3 s for the whole
// province"), its page and its PDF, first after a start and warm. Printed beside the issues'
// targets, never asserted.
import { percentile, round } from './stats';

export interface PageTimes {
	first_ms: number;
	warm_ms: number;
	bytes: number;
}

export interface PagesBench {
	province: Record<string, PageTimes>;
	/** the province administrator's annual report of this year (their own area by default) */
	annual: Record<string, PageTimes>;
	export: Record<string, { first_byte_ms: number; total_ms: number; bytes: number }>;
	county_list_20_users: { requests: number; p50_ms: number; p95_ms: number; per_s: number };
}

async function get(
	url: string,
	cookie: string
): Promise<{ ms: number; bytes: number; firstByteMs: number }> {
	const t0 = performance.now();
	const r = await fetch(url, { headers: { cookie } });
	if (!r.ok) throw new Error(`${url} answered ${r.status}`);
	const reader = r.body!.getReader();
	let bytes = 0;
	let firstByteMs = NaN;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		if (Number.isNaN(firstByteMs)) firstByteMs = performance.now() - t0;
		bytes += value.byteLength;
	}
	return { ms: performance.now() - t0, bytes, firstByteMs };
}

const PROVINCE_PAGES = {
	list: '/waterways',
	list_page_200: '/waterways?page=200',
	list_required_partial: '/waterways?required=1&completeness=partial',
	dashboard: '/dashboard',
	dashboard_prefecture: '/dashboard?area=421000000000',
	settings: '/admin/settings'
} as const;

// no ?code: a province administrator's report is the province's; no ?year: this year's
const ANNUAL = {
	annual_report_page: '/reports/annual',
	annual_report_pdf: '/api/exports/annual-report'
} as const;

/**
 * `province` is the Cookie header of a province administrator, `county` one per county user
 * (each of the twenty users has a session of their own, as real users do), signed in on a
 * server that has just started (and warmed what it warms at start).
 */
export async function benchPages(
	base: string,
	province: string,
	county: readonly string[],
	log: (m: string) => void,
	perUser = 10
): Promise<PagesBench> {
	const users = county.length;
	const out: PagesBench = {
		province: {},
		annual: {},
		export: {},
		county_list_20_users: { requests: 0, p50_ms: NaN, p95_ms: NaN, per_s: NaN }
	};
	const firstAndWarm = async (into: Record<string, PageTimes>, pages: Record<string, string>) => {
		for (const [name, p] of Object.entries(pages)) {
			const first = await get(base + p, province);
			const warm: number[] = [];
			for (let i = 0; i < 3; i++) warm.push((await get(base + p, province)).ms);
			into[name] = {
				first_ms: round(first.ms),
				warm_ms: round(Math.min(...warm)),
				bytes: first.bytes
			};
			log(`province ${name}: first ${round(first.ms)} ms, warm ${round(Math.min(...warm))} ms`);
		}
	};
	await firstAndWarm(out.province, PROVINCE_PAGES);
	await firstAndWarm(out.annual, ANNUAL);
	for (const format of ['xlsx', 'csv', 'geojson']) {
		const r = await get(`${base}/api/exports/segments?format=${format}&mine=0`, province);
		out.export[format] = {
			first_byte_ms: round(r.firstByteMs),
			total_ms: round(r.ms),
			bytes: r.bytes
		};
		log(
			`province export ${format}: first byte ${round(r.firstByteMs)} ms, whole ${round(r.ms)} ms, ${r.bytes} B`
		);
	}
	// 20 users, each loading the county's list again as soon as the last answer came
	const samples: number[] = [];
	const t0 = performance.now();
	await Promise.all(
		county.map(async (cookie) => {
			for (let i = 0; i < perUser; i++) samples.push((await get(`${base}/waterways`, cookie)).ms);
		})
	);
	const s = (performance.now() - t0) / 1000;
	out.county_list_20_users = {
		requests: samples.length,
		p50_ms: round(percentile(samples, 50)),
		p95_ms: round(percentile(samples, 95)),
		per_s: round(samples.length / s)
	};
	log(`county list, ${users} users at once: ${JSON.stringify(out.county_list_20_users)}`);
	return out;
}

/** The issues' targets (15, item 3; 14's annual report) beside what was measured: [case, target, measured, met]. */
export function pagesAgainstTargets(p: PagesBench): [string, string, string, string][] {
	const PAGE_MS = 300;
	const EXPORT_FIRST_BYTE_MS = 1000;
	const rows: [string, string, string, string][] = [];
	for (const [name, x] of Object.entries(p.province))
		rows.push([
			`province ${name}, first request`,
			`< ${PAGE_MS} ms`,
			`${x.first_ms} ms (warm ${x.warm_ms})`,
			x.first_ms < PAGE_MS ? 'yes' : 'no'
		]);
	for (const [f, x] of Object.entries(p.export))
		// "exports stream": the file starts at once (its first rows leave before the last are
		// made); the whole file is beside it, with no target in the issue
		rows.push([
			`province export ${f}`,
			`streams: first byte < ${EXPORT_FIRST_BYTE_MS} ms`,
			`first byte ${x.first_byte_ms} ms, whole ${x.total_ms} ms`,
			x.first_byte_ms < EXPORT_FIRST_BYTE_MS ? 'yes' : 'no'
		]);
	const ANNUAL_MS = 3000;
	for (const [name, x] of Object.entries(p.annual))
		rows.push([
			`province ${name}, first request`,
			`< ${ANNUAL_MS} ms`,
			`${x.first_ms} ms (warm ${x.warm_ms})`,
			x.first_ms < ANNUAL_MS ? 'yes' : 'no'
		]);
	const c = p.county_list_20_users;
	rows.push([
		'county list, 20 users at once, p95',
		`< ${PAGE_MS} ms`,
		`${c.p95_ms} ms (p50 ${c.p50_ms}, ${c.per_s} pages/s)`,
		c.p95_ms < PAGE_MS ? 'yes' : 'no'
	]);
	return rows;
}
