import { describe, expect, it } from 'vitest';
import {
	hazardKeepPaths,
	isKeptPage,
	isWholeAnswer,
	keepKey,
	keptTargets,
	listKeepPaths,
	targetKeepPaths
} from '$lib/offline/keep';

const u = (p: string) => new URL(p, 'http://127.0.0.1:3000');

describe('pages kept on the phone for offline use', () => {
	it('keeps the segment list, segment pages and their data and photos, nothing else', () => {
		for (const p of [
			'/waterways',
			'/waterways?mine=0',
			'/waterways/__data.json',
			'/waterways/25808',
			'/waterways/25808/__data.json?x-sveltekit-invalidated=01',
			'/api/photos/12'
		])
			expect(isKeptPage(u(p)), p).toBe(true);
		for (const p of [
			'/',
			'/dashboard',
			'/api/residences?area=421083001201',
			'/tiles/children/12/3300/1700.mvt',
			'/admin/users',
			'/waterways/abc',
			'/api/exports/segments'
		])
			expect(isKeptPage(u(p)), p).toBe(false);
	});

	it('keys a page by its own query, not SvelteKit’s, in any order', () => {
		expect(keepKey(u('/waterways/1/__data.json?x-sveltekit-invalidated=11'))).toBe(
			'http://127.0.0.1:3000/waterways/1/__data.json'
		);
		expect(keepKey(u('/waterways?mine=0&kind=pond'))).toBe(
			keepKey(u('/waterways?kind=pond&x-sveltekit-trailing-slash=1&mine=0'))
		);
		expect(keepKey(u('/waterways?kind=pond'))).not.toBe(keepKey(u('/waterways?kind=ditch')));
	});

	it('stores only whole answers: a data request for some parts does not stand in for all', () => {
		expect(isWholeAnswer(u('/waterways/1/__data.json'))).toBe(true);
		expect(isWholeAnswer(u('/waterways/1/__data.json?x-sveltekit-invalidated=11'))).toBe(true);
		expect(isWholeAnswer(u('/waterways/1/__data.json?x-sveltekit-invalidated=01'))).toBe(false);
	});

	it('asks for the list itself and each listed segment, page and data, at most 200', () => {
		const paths = listKeepPaths('?mine=0', [7, 9]);
		expect(paths).toEqual([
			'/waterways?mine=0',
			'/waterways/__data.json?mine=0',
			'/waterways/7',
			'/waterways/7/__data.json',
			'/waterways/9',
			'/waterways/9/__data.json'
		]);
		expect(paths.every((p) => isKeptPage(new URL(p, 'http://x')))).toBe(true);
		const many = listKeepPaths(
			'',
			Array.from({ length: 300 }, (_, i) => i + 1)
		);
		expect(many).toHaveLength(2 + 2 * 200);
	});

	it("keeps a target's open hazards: their steps can be taken out of signal", () => {
		const paths = hazardKeepPaths([7, 12]);
		expect(paths).toEqual([
			'/hazards/7',
			'/hazards/7/__data.json',
			'/hazards/12',
			'/hazards/12/__data.json'
		]);
		expect(paths.every((p) => isKeptPage(u(p)))).toBe(true);
		for (const p of ['/hazards', '/hazards?overdue=1', '/hazards/x', '/api/hazard-photos/3'])
			expect(isKeptPage(u(p)), p).toBe(false);
	});

	it('says what "my targets" can open without signal: a target only with its page and its data', () => {
		const ids = [7, 9, 11];
		const all = targetKeepPaths(ids);
		expect(keptTargets(ids, all)).toEqual({ list: true, targets: 3, asked: 3 });
		// the network went away after target 9's page, before its data
		const cut = all.slice(0, all.indexOf('/campaigns/targets/9/__data.json'));
		expect(keptTargets(ids, cut)).toEqual({ list: true, targets: 1, asked: 3 });
		expect(keptTargets(ids, all.slice(1))).toEqual({ list: false, targets: 3, asked: 3 });
		expect(keptTargets(ids, [])).toEqual({ list: false, targets: 0, asked: 3 });
		// more targets than a phone keeps: all it was asked for is the first 300
		const many = Array.from({ length: 318 }, (_, i) => i + 1);
		expect(keptTargets(many, targetKeepPaths(many))).toEqual({
			list: true,
			targets: 300,
			asked: 300
		});
	});
});
