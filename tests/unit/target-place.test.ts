// A worker's list tells targets of one name apart: three segments of 长江 in one township each
// carry their segment number, as /waterways numbers them; other targets name their own area.
import { describe, expect, it } from 'vitest';
import { translator } from '../../src/lib/i18n';
import {
	nearestWaterText,
	targetLabel,
	targetPlace
} from '../../src/lib/components/campaign/format';

describe('targetPlace', () => {
	const zh = translator('zh-CN');
	const en = translator('en');
	const segment = (sourceId: number) => ({ kind: 'segment', areaName: '螺山镇', sourceId });

	it('gives segments of one name and township different places, by their numbers', () => {
		const places = [segment(101), segment(102), segment(2045)].map((s) => targetPlace(s, zh));
		expect(new Set(places).size).toBe(3);
		expect(places[0]).toBe(`螺山镇 · ${zh('ww.segmentNo', { id: 101 })}`);
		expect(places[0]).toContain('101');
		expect(targetPlace(segment(2045), en)).toBe(`螺山镇 · ${en('ww.segmentNo', { id: 2045 })}`);
		expect(targetPlace(segment(2045), en)).not.toBe(targetPlace(segment(2045), zh));
	});

	it('names any other target by its own area (its village)', () => {
		const school = { kind: 'institution', areaName: '龙潭村', sourceId: 77 };
		expect(targetPlace(school, zh)).toBe('龙潭村');
		expect(targetPlace({ kind: 'village', areaName: '复兴村', sourceId: null }, zh)).toBe('复兴村');
	});
});

describe('nearestWaterText', () => {
	const zh = translator('zh-CN');
	const en = translator('en');

	it('says a segment target is the water itself, not its own name at 0 m', () => {
		const seg = { kind: 'segment', nearestWater: '长江', nearestWaterM: 0 };
		expect(nearestWaterText(seg, zh, 'zh-CN')).toBe(zh('cp.isWater'));
		expect(nearestWaterText(seg, zh, 'zh-CN')).not.toContain('0');
		expect(nearestWaterText(seg, en, 'en')).toBe(en('cp.isWater'));
	});

	it('names a point target’s nearest water and its distance, or none near', () => {
		const school = { kind: 'institution', nearestWater: '内荆河', nearestWaterM: 120 };
		expect(nearestWaterText(school, zh, 'zh-CN')).toMatch(/^内荆河 .*120/);
		const dry = { kind: 'institution', nearestWater: null, nearestWaterM: null };
		expect(nearestWaterText(dry, zh, 'zh-CN')).toBe(zh('cp.noWaterNear'));
	});
});

describe('targetLabel', () => {
	const zh = translator('zh-CN');
	it('tells segments of one river apart by their numbers; other targets keep their names', () => {
		const a = targetLabel('河流', 25795, zh);
		const b = targetLabel('河流', 25809, zh);
		expect(a).not.toBe(b);
		expect(a).toBe(`河流 · ${zh('ww.segmentNo', { id: 25795 })}`);
		expect(targetLabel('塘边小学', null, zh)).toBe('塘边小学');
	});
});
