// Field work on a phone: what is stamped on a photo, the photo metadata the upload server takes,
// and the pages "my targets" keeps on the phone (none about children).
import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { photoMetaProblem, stampText, TargetCheckPayload } from '$lib/domain/field';
import { isKeptPage, targetKeepPaths } from '$lib/offline/keep';

describe('photo stamp', () => {
	it('says Beijing time and the place in degrees, hemisphere by hemisphere', () => {
		const at = new Date('2026-06-30T16:05:09Z');
		expect(stampText(at, { lon: 113.45, lat: 29.85 })).toBe(
			'2026-07-01 00:05:09 (UTC+8) · 29.85000°N 113.45000°E'
		);
		expect(stampText(at, { lon: -0.5, lat: -1.25 })).toContain('1.25000°S 0.50000°W');
		expect(stampText(at, null)).toBe('2026-07-01 00:05:09 (UTC+8) · —');
	});
});

describe('photo upload metadata', () => {
	const ok = {
		photo: '0b7c6f3e-1d2a-4c5b-9e8f-7a6b5c4d3e2f',
		check: '1b7c6f3e-1d2a-4c5b-9e8f-7a6b5c4d3e2f',
		item: 'wall',
		takenAt: '2026-07-01T00:00:00Z',
		lon: 113.4,
		lat: 29.8,
		stamp: 'x'
	};
	it('takes a well-formed photo and refuses each malformed field', () => {
		expect(photoMetaProblem(ok)).toBeNull();
		expect(photoMetaProblem({ ...ok, photo: '../etc/passwd' })).toBe('photo id');
		expect(photoMetaProblem({ ...ok, check: 'x' })).toBe('check id');
		expect(photoMetaProblem({ ...ok, item: 'Wall!' })).toBe('item');
		expect(photoMetaProblem({ ...ok, takenAt: 'yesterday' })).toBe('takenAt');
		expect(photoMetaProblem({ ...ok, lat: null })).toBe('position');
		expect(photoMetaProblem({ ...ok, lon: 200 })).toBe('position');
		expect(photoMetaProblem({ ...ok, stamp: 'x'.repeat(201) })).toBe('stamp');
	});
	it('holds a check to at most six photos', () => {
		const photo = { photo: ok.photo, sizeBytes: 10 };
		const check = {
			clientUuid: ok.check,
			targetId: 1,
			recordedAt: '2026-07-01T00:00:00Z',
			answers: [{ item: 'wall', answer: 'ok' }],
			photos: Array.from({ length: 6 }, () => photo)
		};
		expect(v.safeParse(TargetCheckPayload, check).success).toBe(true);
		expect(
			v.safeParse(TargetCheckPayload, { ...check, photos: [...check.photos, photo] }).success
		).toBe(false);
	});
});

describe('"my targets" kept on the phone', () => {
	it('keeps the list and each target page with its data, and nothing else of campaigns', () => {
		const paths = targetKeepPaths([7, 9]);
		expect(paths).toEqual([
			'/campaigns/mine',
			'/campaigns/mine/__data.json',
			'/campaigns/targets/7',
			'/campaigns/targets/7/__data.json',
			'/campaigns/targets/9',
			'/campaigns/targets/9/__data.json'
		]);
		for (const p of paths) expect(isKeptPage(new URL(p, 'http://x'))).toBe(true);
		for (const p of ['/campaigns', '/campaigns/12', '/hazards', '/api/residences'])
			expect(isKeptPage(new URL(p, 'http://x'))).toBe(false);
	});
});
