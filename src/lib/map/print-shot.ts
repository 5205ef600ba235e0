// The picture of a map for paper, shared by every map that prints (the main map's print sheet,
// the bulletin's hazards, the emergency desk, the planner). A WebGL canvas prints blank (its
// picture is gone once it is on screen), so the view is drawn again and copied in the same task,
// while the picture is still there: when the map has settled, and again just before printing.
import type * as maplibregl from 'maplibre-gl';

/** ms the map must stay still before its picture is taken again */
export const SETTLE_MS = 400;

/**
 * Keep `take` fed with the map's settled picture. `take` gets the map's canvas right after a
 * redraw and must copy it at once (toDataURL, drawImage). Returns the clean-up.
 */
export function keepPrintShot(
	m: maplibregl.Map,
	container: HTMLElement,
	take: (canvas: HTMLCanvasElement) => void
): () => void {
	// the picture is taken again only after the map drew something new; the redraw that takes
	// it draws too (and ends in an idle event), which must not count
	let dirty = true;
	let own = false;
	let have = false;
	let settle: ReturnType<typeof setTimeout> | undefined;

	const capture = (beforePrint: boolean) => {
		// a map laid out for print (or hidden) has no picture to take: keep the last one
		if (!container.clientWidth || !container.clientHeight) return;
		if (window.matchMedia('print').matches) return;
		// printed while tiles are still coming in: the settled picture is better than a bare
		// ground (a grey box on paper); with none yet, what is drawn is better than nothing
		if (beforePrint && have && !(m.loaded() && m.areTilesLoaded())) return;
		own = true;
		try {
			m.redraw();
			take(m.getCanvas());
		} finally {
			own = false;
		}
		dirty = false;
		have = true;
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
		clearTimeout(settle);
		m.off('render', onRender);
		m.off('idle', onIdle);
		m.off('movestart', onMove);
		window.removeEventListener('beforeprint', onPrint);
	};
}
