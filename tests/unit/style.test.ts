import { describe, expect, it } from 'vitest';
import type { LayerSpecification } from 'maplibre-gl';
import {
	expression,
	featureFilter,
	latest,
	validateStyleMin
} from '@maplibre/maplibre-gl-style-spec';
import {
	ADMIN_FILL,
	buildStyle,
	FONT_STACK,
	highlightFilter,
	LIST_MIN_ZOOM,
	RESIDENCES_LAYER,
	waterwayFilter,
	WATERWAY_SEGMENT_ZOOM
} from '$lib/map/style';
import { LAYER, LAYER_GROUPS, SOURCE } from '$lib/map/ids';
import { MIN_ZOOM } from '$lib/domain/tile-contract';
import { BASEMAP_LAYER_PREFIX } from '$lib/map/basemap-style';
import { residencesBeforeId } from '$lib/map/layers/residences';
import { COLORS } from '$lib/map/colors';

function layer(style: ReturnType<typeof buildStyle>, id: string): LayerSpecification {
	const l = style.layers.find((x) => x.id === id);
	if (!l) throw new Error(`no layer ${id}`);
	return l;
}

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

	it('adds the operator vector basemap from the app itself, under every layer of the app', () => {
		const v = buildStyle({
			origin: 'http://127.0.0.1:4173',
			vectorBasemap: {
				url: '/tiles/basemap.pmtiles?v=1',
				attribution: '© OpenStreetMap',
				minZoom: 0,
				maxZoom: 15
			}
		});
		expect(v.sources[SOURCE.vectorBasemap]).toMatchObject({
			type: 'vector',
			url: 'pmtiles://http://127.0.0.1:4173/tiles/basemap.pmtiles?v=1'
		});
		expect(style.sources[SOURCE.vectorBasemap]).toBeUndefined();
		const ids = v.layers.map((l) => l.id);
		const bm = ids.filter((id) => id.startsWith(BASEMAP_LAYER_PREFIX));
		expect(bm).toEqual(
			expect.arrayContaining(['bm-earth', 'bm-water', 'bm-roads_major', 'bm-buildings'])
		);
		// right after the background, then the app's own layers
		expect(ids.slice(1, bm.length + 1)).toEqual(bm);
		expect(ids.slice(bm.length + 1)).toEqual(style.layers.slice(1).map((l) => l.id));
		// still no glyph or sprite host: no icons, labels in the local fonts
		expect(v.glyphs).toBeUndefined();
		expect(v.sprite).toBeUndefined();
		for (const l of v.layers) {
			if (l.type !== 'symbol') continue;
			expect(Object.keys(l.layout ?? {}).filter((k) => k.startsWith('icon-'))).toEqual([]);
			if (l.id.startsWith(BASEMAP_LAYER_PREFIX))
				expect(l.layout?.['text-font']).toEqual(FONT_STACK);
		}
		for (const l of v.layers)
			expect(JSON.stringify(l)).not.toMatch(/fill-pattern|line-pattern|Noto Sans Regular/);
	});

	it('passes maplibre validation with the vector basemap', () => {
		const v = buildStyle({
			origin: 'http://127.0.0.1:4173',
			vectorBasemap: { url: '/tiles/basemap.pmtiles', attribution: '', minZoom: 0, maxZoom: 15 }
		});
		expect(validateStyleMin(v)).toEqual([]);
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

	it('starts in the state the page asks for, so nothing changes once the tiles are in', () => {
		const s = buildStyle({
			origin: 'http://x',
			visible: { homes: false, children: true },
			selectedArea: '421083000000',
			highlightWaterway: 17,
			waterwayIds: [3, 4],
			choropleth: { '421083000000': 0.9 }
		});
		for (const id of LAYER_GROUPS.homes)
			expect((layer(s, id) as { layout?: { visibility?: string } }).layout?.visibility).toBe(
				'none'
			);
		for (const id of [...LAYER_GROUPS.children, ...LAYER_GROUPS.waterways])
			expect((layer(s, id) as { layout?: { visibility?: string } }).layout?.visibility).toBe(
				'visible'
			);
		expect((layer(s, LAYER.adminSelected) as { filter?: unknown }).filter).toEqual([
			'==',
			['get', 'code'],
			'421083000000'
		]);
		expect((layer(s, LAYER.highlight) as { filter?: unknown }).filter).toEqual(highlightFilter(17));
		for (const id of LAYER_GROUPS.waterways)
			expect((layer(s, id) as { filter?: unknown }).filter).toEqual(waterwayFilter([3, 4]));
		const fill = layer(s, LAYER.adminFill) as { paint: Record<string, unknown> };
		expect(fill.paint['fill-opacity']).toBe(0.45);
		expect(JSON.stringify(fill.paint['fill-color'])).toContain('421083000000');
	});

	it('draws no fill for the units without a choropleth, and keeps them clickable', () => {
		const fill = layer(style, LAYER.adminFill) as {
			paint: Record<string, unknown>;
			filter?: unknown;
		};
		// a constant opacity of 0 is skipped when drawing; the features are still queried
		expect(fill.paint['fill-opacity']).toBe(0);
		expect(ADMIN_FILL.opacity).toBe(0);
		expect(fill.filter).toEqual(['!=', ['get', 'level'], 'province']);
		const province = layer(style, LAYER.provinceFill) as { filter?: unknown };
		expect(province.filter).toEqual(['==', ['get', 'level'], 'province']);
	});

	it('offers waterway segments to tap only from the zoom the tiles hold segments', () => {
		expect(WATERWAY_SEGMENT_ZOOM).toBe(MIN_ZOOM.waterwaySegments);
		// a list's map stays where the tiles hold every kind it may list
		expect(LIST_MIN_ZOOM).toBe(MIN_ZOOM.minorWaterways);
		expect(layer(style, LAYER.waterwaysHit).minzoom).toBe(WATERWAY_SEGMENT_ZOOM);
		// the drawn line shows the joined rivers below that zoom
		expect(layer(style, LAYER.waterways).minzoom).toBeUndefined();
	});

	it('holds no exact homes: that source and layer are added only for an allowed view', () => {
		expect(style.sources[SOURCE.residences]).toBeUndefined();
		expect(style.layers.some((l) => l.id === LAYER.residences)).toBe(false);
	});

	it("draws a village's name above its children's homes, with a halo that sets it off them", () => {
		// the homes are inserted where the map components insert them, into the style with and
		// without the vector basemap (whose own labels lie under all of the app's layers)
		const vector = buildStyle({
			origin: 'http://x',
			vectorBasemap: { url: '/tiles/b.pmtiles', attribution: '', minZoom: 0, maxZoom: 15 }
		});
		for (const s of [style, vector]) {
			const layers = [...s.layers] as { id: string; type: string }[];
			const before = residencesBeforeId(layers);
			expect(before).toBeDefined();
			layers.splice(
				layers.findIndex((l) => l.id === before),
				0,
				RESIDENCES_LAYER
			);
			const at = (id: string) => layers.findIndex((l) => l.id === id);
			const homes = at(LAYER.residences);
			// every label of the app above the dots: the village names, the counts, the cells' figures
			for (const id of [LAYER.adminLabels, LAYER.villageCountLabels, LAYER.cellLabels])
				expect(at(id), id).toBeGreaterThan(homes);
			for (const l of layers.slice(0, homes))
				if (l.type === 'symbol') expect(l.id.startsWith(BASEMAP_LAYER_PREFIX), l.id).toBe(true);
			// and every shape of the app under them: bubbles, sites, segments, the highlight
			for (const id of [
				LAYER.villageCounts,
				LAYER.homes,
				LAYER.stations,
				LAYER.institutions,
				LAYER.waterways,
				LAYER.highlight
			])
				expect(at(id), id).toBeLessThan(homes);
		}
		// the village name: dark text in a light halo, wide enough to stand clear of a dark dot
		const names = layer(style, LAYER.adminLabels);
		if (names.type !== 'symbol') throw new Error('admin labels are not text');
		const width = expression.createExpression(
			names.paint?.['text-halo-width'],
			'text-halo-width',
			latest.paint_symbol['text-halo-width'] as Parameters<typeof expression.createExpression>[2]
		);
		if (width.result !== 'success') throw new Error(JSON.stringify(width.value));
		const at15 = (level: string) =>
			width.value.evaluate({ zoom: 15 }, { type: 1, properties: { level, name: '新堤村' } });
		expect(at15('village')).toBeGreaterThanOrEqual(2);
		expect(at15('county')).toBeGreaterThan(0);
		expect(names.paint?.['text-halo-color']).toBe('#ffffff');
		expect(names.paint?.['text-halo-color']).not.toBe(COLORS.residence);
		expect(names.paint?.['text-color']).toBe('#222222');
	});

	it('lists and highlights segments by id, never a merged low-zoom river with the same number', () => {
		const segment = (id: number) => ({ type: 1 as const, id, properties: { kind: 'river' } });
		const merged = (id: number) => ({
			type: 1 as const,
			id,
			properties: { kind: 'river', segments: 12 }
		});
		const listed = featureFilter(waterwayFilter([7, 9])!, 'layers[0].filter');
		expect(listed.filter({ zoom: 10 }, segment(7))).toBe(true);
		expect(listed.filter({ zoom: 10 }, segment(8))).toBe(false);
		expect(listed.filter({ zoom: 6 }, merged(7))).toBe(false);
		expect(waterwayFilter(null)).toBeUndefined();
		const hi = featureFilter(highlightFilter(9), 'layers[0].filter');
		expect(hi.filter({ zoom: 10 }, segment(9))).toBe(true);
		expect(hi.filter({ zoom: 6 }, merged(9))).toBe(false);
		expect(
			featureFilter(highlightFilter(null), 'layers[0].filter').filter({ zoom: 10 }, segment(9))
		).toBe(false);
	});
});
