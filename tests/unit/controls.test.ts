// Input text read without control characters: a NUL cannot go into PostgreSQL text (a 500), and
// no one types a control character into a name or a note. Line breaks and tabs are kept.
import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { inputWithoutControls, withoutControls } from '$lib/controls';
import { parse, fieldsOf } from '$lib/server/validation';
import { normalizeCell } from '$lib/import/text';
import { readCsv } from '$lib/import/csv';

describe('control characters', () => {
	it('are dropped from text, line breaks and tabs kept', () => {
		expect(withoutControls('村\u0000头\u0007废\u001b井\u007f')).toBe('村头废井');
		expect(withoutControls('第一行\r\n第二行\t备注')).toBe('第一行\r\n第二行\t备注');
	});

	it('are dropped from every string of a parsed body, files and numbers left as they are', () => {
		const file = new File(['x'], 'a.jpg');
		const out = inputWithoutControls({
			note: 'a\u0000b',
			list: ['c\u0001', 2],
			nested: { name: '\u0000张三' },
			file
		}) as Record<string, unknown>;
		expect(out).toEqual({ note: 'ab', list: ['c', 2], nested: { name: '张三' }, file });
		expect(out.file).toBe(file);
	});

	it('are not in a form field a route parses', () => {
		const form = new FormData();
		form.set('name', '汛期\u0000排查');
		const r = parse(v.object({ name: v.string() }), fieldsOf(form), 'zh-CN');
		expect(r).toEqual({ ok: true, value: { name: '汛期排查' } });
	});

	it('are not in an imported cell', async () => {
		expect(normalizeCell('峰口镇\u0000儿童之家')).toBe('峰口镇儿童之家');
		const t = await readCsv(new TextEncoder().encode('编号,名称\nA-1,新堤\u0000儿童之家\n'));
		expect(t.records[0].cells['名称']).toBe('新堤儿童之家');
	});
});
