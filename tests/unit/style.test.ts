import { describe, expect, it } from 'vitest';
import { buildStyle } from '$lib/map/style';
import { LAYER, LAYER_GROUPS, SOURCE } from '$lib/map/ids';

describe('map style', () => {
	const style = buildStyle({ origin: 'http://127.0.0.1:4173' });

	it('needs no glyph or sprite host: labels are drawn with local fonts', () => {
		expect(style.glyphs).toBeUndefined();
		expect(style.sprite).toBeUndefined();
	});

	it('requests tiles only from the app itself', () => {
		const urls = Object.values(style.sources).flatMap((s) =>
			'tiles' in s && s.tiles ? s.tiles : []
		);
		expect(urls.length).toBe(4);
		for (const u of urls) expect(u.startsWith('http://127.0.0.1:4173/tiles/')).toBe(true);
	});

	it('adds an operator basemap only when configured, below everything else', () => {
		const with_ = buildStyle({
			origin: 'http://x',
			basemapUrl: 'https://t0.example/{z}/{x}/{y}.png'
		});
		expect(with_.sources[SOURCE.basemap]).toBeDefined();
		expect(with_.layers[1].id).toBe(LAYER.basemap);
		expect(style.sources[SOURCE.basemap]).toBeUndefined();
	});

	it('gives every toggleable layer group layers that exist in the style', () => {
		const ids = new Set(style.layers.map((l) => l.id));
		for (const layers of Object.values(LAYER_GROUPS))
			for (const l of layers) expect(ids.has(l)).toBe(true);
	});

	it('references only sources it defines', () => {
		for (const l of style.layers) {
			if ('source' in l && l.source) expect(style.sources[l.source as string]).toBeDefined();
		}
	});
});
