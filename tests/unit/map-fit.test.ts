import { describe, expect, it } from 'vitest';
import { HUBEI_EXTENT } from '$lib/domain/tile-contract';
import {
	allInside,
	boundsOfPoints,
	coverPadding,
	fitFloor,
	geometryBounds,
	isCoverSide,
	minZoomFor,
	sameBounds,
	segmentTapFloor,
	selectedMove,
	targetsFrame,
	visibleBox,
	type Box
} from '$lib/map/fit';
import { MIN_ZOOM } from '$lib/domain/tile-contract';
import { buildStyle } from '$lib/map/style';
import { LAYER } from '$lib/map/ids';

const phoneMap: Box = { left: 0, top: 48, right: 390, bottom: 800 };
const desktopMap: Box = { left: 340, top: 48, right: 1280, bottom: 800 };

describe('coverPadding: the part of the map no panel covers', () => {
	it('pads every side by the base when nothing covers the map', () => {
		expect(coverPadding(phoneMap, [])).toEqual({ top: 24, right: 24, bottom: 24, left: 24 });
	});

	it("pads the bottom by a phone sheet's height", () => {
		const sheet = { left: 0, top: 424, right: 390, bottom: 800 };
		expect(coverPadding(phoneMap, [{ side: 'bottom', rect: sheet }])).toEqual({
			top: 24,
			right: 24,
			bottom: 376 + 24,
			left: 24
		});
	});

	it("pads the left by the desktop card's width, measured from the map's own edge", () => {
		const card = { left: 352, top: 60, right: 692, bottom: 640 };
		expect(coverPadding(desktopMap, [{ side: 'left', rect: card }]).left).toBe(352 + 24);
	});

	it('ignores a panel that is hidden or outside the map', () => {
		const hidden = { left: 0, top: 0, right: 0, bottom: 0 };
		const below = { left: 0, top: 900, right: 390, bottom: 1000 };
		expect(
			coverPadding(phoneMap, [
				{ side: 'bottom', rect: hidden },
				{ side: 'bottom', rect: below }
			])
		).toEqual({ top: 24, right: 24, bottom: 24, left: 24 });
	});

	it('ignores a panel that would leave too little map to show anything', () => {
		const almostAll = { left: 0, top: 100, right: 390, bottom: 800 };
		expect(coverPadding(phoneMap, [{ side: 'bottom', rect: almostAll }]).bottom).toBe(24);
	});

	it('takes the larger of two panels along the same edge', () => {
		const a = { left: 0, top: 600, right: 390, bottom: 800 };
		const b = { left: 0, top: 500, right: 390, bottom: 800 };
		const pad = coverPadding(phoneMap, [
			{ side: 'bottom', rect: a },
			{ side: 'bottom', rect: b }
		]);
		expect(pad.bottom).toBe(300 + 24);
	});
});

describe('visibleBox and allInside', () => {
	it('is the map less its padding, in its own pixels', () => {
		expect(visibleBox(390, 752, { top: 24, right: 24, bottom: 400, left: 24 })).toEqual({
			left: 24,
			top: 24,
			right: 366,
			bottom: 352
		});
	});

	it('tells whether every point is in view', () => {
		const box = { left: 24, top: 24, right: 366, bottom: 352 };
		expect(
			allInside(box, [
				{ x: 30, y: 30 },
				{ x: 300, y: 350 }
			])
		).toBe(true);
		// under the sheet
		expect(allInside(box, [{ x: 100, y: 500 }])).toBe(false);
		expect(allInside(box, [{ x: 30, y: 30 }], 10)).toBe(false);
	});
});

describe('geometryBounds', () => {
	it('joins the pieces a segment is cut into at tile edges', () => {
		expect(
			geometryBounds([
				{
					type: 'LineString',
					coordinates: [
						[113.9, 30.1],
						[113.95, 30.12]
					]
				},
				{
					type: 'MultiLineString',
					coordinates: [
						[
							[113.95, 30.12],
							[113.97, 30.09]
						]
					]
				}
			])
		).toEqual([113.9, 30.09, 113.97, 30.12]);
	});

	it('is null without any coordinate', () => {
		expect(geometryBounds([])).toBeNull();
		expect(geometryBounds([{ type: 'LineString', coordinates: [] }])).toBeNull();
	});

	it('knows the edges a panel can lie along', () => {
		expect(isCoverSide('bottom')).toBe(true);
		expect(isCoverSide('')).toBe(false);
		expect(isCoverSide('middle')).toBe(false);
	});
});

describe('the selected segment on the map', () => {
	it('is a halo under its own line, so its colour and dashes stay on top', () => {
		const ids = buildStyle({ origin: 'http://x', highlightWaterway: 7 }).layers.map((l) => l.id);
		expect(ids.indexOf(LAYER.highlight)).toBeGreaterThan(-1);
		expect(ids.indexOf(LAYER.highlight)).toBeLessThan(ids.indexOf(LAYER.waterways));
	});
});

describe('selectedMove: how the selected segment is brought into view', () => {
	// a flat projection: 100 px a degree from (113, 31) at the top left
	const project = ([x, y]: [number, number]) => ({ x: (x - 113) * 100, y: (31 - y) * 100 });
	const size = { width: 400, height: 800 };
	const sheet = { top: 24, right: 24, bottom: 424, left: 24 };

	it('closes in on a segment asked for by a link', () => {
		const b: [number, number, number, number] = [113.5, 30.5, 113.6, 30.6];
		expect(selectedMove(b, true, size, sheet, project)).toEqual({
			kind: 'zoom',
			bounds: b,
			padding: sheet
		});
	});

	it('leaves a tapped segment where it is when no panel hides it', () => {
		expect(selectedMove([113.5, 30.5, 113.6, 30.6], false, size, sheet, project)).toEqual({
			kind: 'stay'
		});
	});

	it('slides a tapped segment the sheet covers to the middle of what is left, at the same zoom', () => {
		// at y 550..600 px, under the sheet (which starts at 376)
		const move = selectedMove([113.5, 25, 113.6, 25.5], false, size, sheet, project);
		expect(move.kind).toBe('pan');
		if (move.kind !== 'pan') return;
		// its middle (55, 575) goes to the middle of the visible box (200, 200)
		expect(move.by[0]).toBeCloseTo(55 - 200);
		expect(move.by[1]).toBeCloseTo(575 - 200);
	});
});

describe('the zooms the map keeps to', () => {
	it("keeps a list's map where the tiles hold every kind of segment", () => {
		expect(minZoomFor([1, 2])).toBe(MIN_ZOOM.minorWaterways);
		expect(minZoomFor(null)).toBe(4);
		expect(minZoomFor(null)).toBeLessThan(MIN_ZOOM.minorWaterways);
	});

	it('fits a county whose townships a click opens close enough to hold them', () => {
		expect(fitFloor('township')).toBe(MIN_ZOOM.township);
		expect(fitFloor('county')).toBe(0);
		expect(fitFloor(null)).toBe(0);
	});

	it('tells a new area from the same one', () => {
		expect(sameBounds([1, 2, 3, 4], [1, 2, 3, 4])).toBe(true);
		expect(sameBounds([1, 2, 3, 4], [1, 2, 3, 5])).toBe(false);
	});
});

describe('the bounds a small map opens on', () => {
	it('holds every point, west to east and south to north', () => {
		expect(
			boundsOfPoints([
				[114.3, 30.6],
				[113.9, 30.9],
				[114.1, 30.2]
			])
		).toEqual([113.9, 30.2, 114.3, 30.9]);
	});

	it('opens on Hubei when there is nothing yet, not on the Gulf of Guinea', () => {
		expect(boundsOfPoints([])).toEqual([...HUBEI_EXTENT]);
	});
});

describe('the zoom a map of segments to tap opens at', () => {
	it('brings a county or smaller area close enough that its segments are features to tap', () => {
		for (const level of ['county', 'township', 'village'] as const)
			expect(segmentTapFloor(level)).toBe(MIN_ZOOM.waterwaySegments);
	});

	it('leaves a province or prefecture whole: it is an overview, not a place to tap', () => {
		expect(segmentTapFloor('province')).toBe(0);
		expect(segmentTapFloor('prefecture')).toBe(0);
	});
});

describe('the frame of "my targets"', () => {
	const targets: [number, number][] = [
		[113.5, 29.8],
		[113.52, 29.83]
	];

	it('takes in the phone when it stands near a target', () => {
		// about 1.1 km north of the first target
		expect(targetsFrame(targets, [113.5, 29.81])).toEqual(
			boundsOfPoints([...targets, [113.5, 29.81]])
		);
	});

	it('leaves out a phone far from every target, so the targets fill the map', () => {
		// Wuhan, about 100 km away
		expect(targetsFrame(targets, [114.3, 30.6])).toEqual(boundsOfPoints(targets));
	});

	it('frames the phone alone when there are no targets, and the targets without a position', () => {
		expect(targetsFrame([], [114.3, 30.6])).toEqual([114.3, 30.6, 114.3, 30.6]);
		expect(targetsFrame(targets, null)).toEqual(boundsOfPoints(targets));
		// no target and no position: the worker's own area, not the whole province
		const township: [number, number, number, number] = [113.4, 29.7, 113.6, 29.9];
		expect(targetsFrame([], null, township)).toEqual(township);
		expect(targetsFrame([], null)).toEqual(boundsOfPoints([]));
		// targets (or a position) are framed as before, the area aside
		expect(targetsFrame(targets, null, township)).toEqual(boundsOfPoints(targets));
		expect(targetsFrame([], [114.3, 30.6], township)).toEqual([114.3, 30.6, 114.3, 30.6]);
	});
});
