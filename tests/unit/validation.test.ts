// Edge validation: the shared schemas refuse what used to reach a query or Intl as a 500, and
// the reason names the field, in Chinese or English.
import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { isHttpError } from '@sveltejs/kit';
import {
	adminCode,
	annualReportQuery,
	blankOr,
	fieldsOf,
	idText,
	parse,
	parseOrError,
	parseQuery,
	segmentFilters,
	shanghaiDay,
	shanghaiTime
} from '../../src/lib/server/validation';
import { fromShanghaiInput, startOfShanghaiDay } from '../../src/lib/i18n/admin-format';
import { CheckPayload } from '../../src/lib/domain/check';
import { issueText } from '../../src/lib/i18n/issues';
import { translator } from '../../src/lib/i18n';

const Audit = v.object({ from: blankOr(shanghaiDay), before: blankOr(idText) });

/** The HTTP error parseOrError throws, as status and message. */
function thrown(f: () => unknown): { status: number; message: string } {
	try {
		f();
	} catch (e) {
		if (isHttpError(e)) return { status: e.status, message: e.body.message };
		throw e;
	}
	throw new Error('nothing thrown');
}

describe('edge validation', () => {
	it('reads an impossible day or time as invalid instead of throwing', () => {
		// Intl threw a RangeError on the Invalid Date behind these (the audit filter's 500)
		expect(startOfShanghaiDay('2026-13-01')).toBeNull();
		expect(Number.isNaN(fromShanghaiInput('2026-05-01T99:99').getTime())).toBe(true);
		expect(Number.isNaN(fromShanghaiInput('2026-02-30T08:00').getTime())).toBe(true);
		expect(startOfShanghaiDay('2026-05-01')?.toISOString()).toBe('2026-04-30T16:00:00.000Z');
	});

	it('names the field and the reason, in the user language', () => {
		const url = new URL('http://x/admin/audit?from=2026-13-01');
		const zh = thrown(() => parseQuery(Audit, url, 'zh-CN'));
		expect(zh.status).toBe(400);
		expect(zh.message).toBe(
			'请求参数有误：from：不是有效日期（年-月-日，如 2026-05-01）（收到 "2026-13-01"）'
		);
		const en = thrown(() => parseQuery(Audit, url, 'en'));
		expect(en.message).toContain('from: is not a real date');
		expect(en.message).toContain('"2026-13-01"');
		// a blank filter is no filter; a real day is its first instant in Beijing time
		expect(parseQuery(Audit, new URL('http://x/?from=&before='), 'en')).toEqual({
			from: undefined,
			before: undefined
		});
	});

	it("makes an annual report only for the plan's first year (2024) to this year", () => {
		const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
		const ask = (y: string | number) =>
			parseQuery(annualReportQuery, new URL(`http://x/reports/annual?year=${y}`), 'zh-CN');
		expect(ask(year).year).toBe(year);
		expect(ask(2024).year).toBe(2024);
		for (const y of [2099, year + 1, 2023, 2000]) {
			const zh = thrown(() => ask(y));
			expect(zh.status).toBe(400);
			expect(zh.message).toContain('年度须在 2024 年（行动计划的第一年）至今年之间');
		}
		const en = thrown(() =>
			parseQuery(annualReportQuery, new URL('http://x/reports/annual?year=2099'), 'en')
		);
		expect(en.message).toContain('from 2024 (the first year of the action plan) to this year');
		// not a year at all: said so, in words a user reads
		expect(thrown(() => ask('20x6')).message).toContain('年度须为四位年份（如 2026）');
	});

	it('refuses ids that are no bigint or no whole number', () => {
		for (const bad of [
			'1e20',
			'1.5',
			'1e309',
			'12345678901234567890',
			'0',
			'-1',
			' 1',
			'0x10',
			''
		]) {
			expect(v.safeParse(idText, bad).success, bad).toBe(false);
		}
		expect(v.parse(idText, '9007199254740991')).toBe(9007199254740991);
		expect(v.safeParse(idText, '9007199254740993').success).toBe(false);
		// a page whose path names nothing is "not found", whatever the reason
		expect(thrown(() => parseOrError(idText, '1e20', 'zh-CN', 404)).status).toBe(404);
	});

	it('refuses a datetime-local value the calendar or the clock does not have', () => {
		for (const bad of ['2026-05-01T99:99', 'T99:99', '2026-13-01T08:00', '2026-05-01 08:00']) {
			const r = parse(v.object({ start: shanghaiTime }), { start: bad }, 'zh-CN');
			expect(r.ok, bad).toBe(false);
			if (!r.ok) expect(r.errors.start).toContain('不是有效时间');
		}
		expect(v.parse(shanghaiTime, '2026-05-01T08:30').toISOString()).toBe(
			'2026-05-01T00:30:00.000Z'
		);
	});

	it('takes codes typed with a Chinese input method, refuses repeated or file values', () => {
		expect(v.parse(adminCode, '４２１０８３ ０００ ０００')).toBe('421083000000');
		// written short, as officials write a county (洪湖市 421083) or a township: zeros follow
		expect(v.parse(adminCode, '421083')).toBe('421083000000');
		expect(v.parse(adminCode, '４２１０８３１００')).toBe('421083100000');
		expect(v.parse(adminCode, '42')).toBe('420000000000');
		// any other length is not a unit's code: refused, not guessed
		for (const bad of ['4210831', '42108310000', '4210a3'])
			expect(v.safeParse(adminCode, bad).success, bad).toBe(false);
		const form = new FormData();
		form.append('area', '421083000000');
		form.append('area', '421083100000');
		form.append('kind', new Blob(['x']));
		const r = parse(v.object(segmentFilters), fieldsOf(form), 'en');
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.errors.kind).toMatch(/^must be text/);
		const q = parse(
			v.object({ township: blankOr(adminCode) }),
			fieldsOf(new URLSearchParams('township=1&township=2')),
			'en'
		);
		expect(q.ok).toBe(false);
	});
});

describe('the check payload (browser and server)', () => {
	const ok = {
		clientUuid: '0b6f9a52-4f2b-4d7e-9a51-2f7c1b0e7d11',
		waterwayId: 12,
		recordedAt: '2026-05-01T08:00:00.000Z',
		lon: null,
		lat: null,
		note: '  巡查  ',
		slots: [{ item: 'sign', status: 'present' }]
	};
	const why = (input: unknown, locale: 'zh-CN' | 'en' = 'en') => {
		const r = v.safeParse(CheckPayload, input);
		return r.success ? null : issueText(r.issues[0], translator(locale));
	};

	it('accepts what the check form builds, with the note trimmed', () => {
		const r = v.safeParse(CheckPayload, ok);
		expect(r.success).toBe(true);
		if (r.success) expect(r.output.note).toBe('巡查');
	});

	it('refuses each shape that was a 500, saying which field', () => {
		expect(why(null)).toBe('must be an object (got null)');
		expect(why({ ...ok, note: 5 })).toBe('note: must be text (got 5)');
		expect(why({ ...ok, slots: [null] })).toBe('slots[0]: must be an object (got null)');
		expect(why({ ...ok, clientUuid: [ok.clientUuid] })).toMatch(/^clientUuid: must be text/);
		expect(why({ ...ok, waterwayId: 1.5 })).toMatch(/^waterwayId: must be a positive whole number/);
		expect(why({ ...ok, waterwayId: JSON.parse('1e309') })).toMatch(/^waterwayId: /);
		expect(why({ ...ok, waterwayId: JSON.parse('12345678901234567890') })).toMatch(/^waterwayId: /);
		// a sign is not "used up in a rescue"
		expect(why({ ...ok, slots: [{ item: 'sign', status: 'used' }] }, 'zh-CN')).toBe(
			'slots：请为每一项选择状态'
		);
		expect(
			why({
				...ok,
				slots: [
					{ item: 'sign', status: 'present' },
					{ item: 'sign', status: 'missing' }
				]
			})
		).toMatch(/^slots: /);
		expect(why({ ...ok, note: 'x'.repeat(1001) }, 'zh-CN')).toMatch(/^note：备注不超过 1000 字/);
	});
});
