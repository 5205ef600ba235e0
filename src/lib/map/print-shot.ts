// The picture of a map for paper, shared by every map that prints (the main map's print sheet,
// the bulletin's hazards, the emergency desk, the planner). A WebGL canvas prints blank (its
// picture is gone once it is on screen), so the view is drawn again and copied in the same task,
// while the picture is still there: when the map has settled, and again just before printing.
// The copy goes into a plain canvas, never an image from a data URL: an image is decoded after
// the page has been laid out for print, so a copy made just before printing would miss the paper.
// A page's print button waits (printWhenSettled) for its maps' settled pictures: printed within
// seconds of opening, a map has not loaded its tiles yet.
import type * as maplibregl from 'maplibre-gl';

/** ms the map must stay still before its picture is taken again */
export const SETTLE_MS = 400;
/** ms a print button waits at most for the maps: a map whose tiles never come still prints */
export const PRINT_WAIT_MS = 10_000;

/** Copy a map's canvas, right after its redraw, into a plain canvas that prints. */
export function copyCanvas(target: HTMLCanvasElement, src: HTMLCanvasElement): void {
	target.width = src.width;
	target.height = src.height;
	target.getContext('2d')?.drawImage(src, 0, 0);
}

/** the maps on the page that keep a picture for paper: resolved once one is of a settled view */
const settled = new Set<Promise<void>>();

/**
 * Print the page once every map on it has its settled picture (or after PRINT_WAIT_MS): what a
 * print button does, where window.print() alone would print a map that is still loading.
 */
export async function printWhenSettled(): Promise<void> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	await Promise.race([
		Promise.all(settled),
		new Promise<void>((done) => (timer = setTimeout(done, PRINT_WAIT_MS)))
	]);
	clearTimeout(timer);
	window.print();
}

/**
 * Keep `take` fed with the map's settled picture. `take` gets the map's canvas right after a
 * redraw and must copy it at once (copyCanvas), and whether the view was whole (its style and
 * tiles loaded) rather than what a map still loading had drawn when printed. Returns the clean-up.
 */
export function keepPrintShot(
	m: maplibregl.Map,
	container: HTMLElement,
	take: (canvas: HTMLCanvasElement, whole: boolean) => void
): () => void {
	// the picture is taken again only after the map drew something new; the redraw that takes
	// it draws too (and ends in an idle event), which must not count
	let dirty = true;
	let own = false;
	let have = false;
	let settle: ReturnType<typeof setTimeout> | undefined;
	let ready = () => {};
	const isSettled = new Promise<void>((done) => (ready = done));
	settled.add(isSettled);

	const capture = (beforePrint: boolean) => {
		// a map laid out for print (or hidden) has no picture to take: keep the last one
		if (!container.clientWidth || !container.clientHeight) return;
		if (window.matchMedia('print').matches) return;
		// printed while tiles are still coming in: the settled picture is better than a bare
		// ground (a grey box on paper); with none yet, what is drawn is better than nothing
		if (beforePrint && have && !(m.loaded() && m.areTilesLoaded())) return;
		const whole = m.loaded() && m.areTilesLoaded();
		own = true;
		try {
			m.redraw();
			take(m.getCanvas(), whole);
		} finally {
			own = false;
		}
		dirty = false;
		have = true;
		if (whole) ready();
	};
	const onRender = () => {
		if (!own) dirty = true;
	};
	const onIdle = () => {
		if (own || !dirty) return;
		clearTimeout(settle);
		settle = setTimeout(() => capture(false), SETTLE_MS);
	};
	const onMove = () => clearTimeout(settle);
	const onPrint = () => capture(true);
	m.on('render', onRender);
	m.on('idle', onIdle);
	m.on('movestart', onMove);
	window.addEventListener('beforeprint', onPrint);
	return () => {
		settled.delete(isSettled);
		clearTimeout(settle);
		m.off('render', onRender);
		m.off('idle', onIdle);
		m.off('movestart', onMove);
		window.removeEventListener('beforeprint', onPrint);
	};
}
