// A field photo is made small and stamped on the phone, as QField does: the time and place it was
// taken are drawn onto the image itself (a band along its foot), so a printed or forwarded copy
// still says when and where; the same words go with the photo in the data. The place is the
// photo's own EXIF position when the camera wrote one, else the phone's position at the check.
import exifr from 'exifr';
import { stampText } from '$lib/domain/field';

export const STAMP_MAX_SIDE = 1600;

export interface StampedPhoto {
	blob: Blob;
	takenAt: string;
	pos: { lon: number; lat: number } | null;
	stamp: string;
}

export async function stampPhoto(
	file: Blob,
	fallback: { at: Date; pos: { lon: number; lat: number } | null },
	title: string
): Promise<StampedPhoto> {
	let pos = fallback.pos;
	let at = fallback.at;
	try {
		const meta = (await exifr.parse(file, {
			gps: true,
			pick: ['DateTimeOriginal', 'latitude', 'longitude']
		})) as { latitude?: number; longitude?: number; DateTimeOriginal?: Date } | undefined;
		if (typeof meta?.longitude === 'number' && typeof meta.latitude === 'number')
			pos = { lon: meta.longitude, lat: meta.latitude };
		if (meta?.DateTimeOriginal instanceof Date && !Number.isNaN(meta.DateTimeOriginal.getTime()))
			at = meta.DateTimeOriginal;
	} catch {
		// no EXIF: the check's own time and place
	}
	const stamp = stampText(at, pos);
	const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
	const scale = Math.min(1, STAMP_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
	const canvas = document.createElement('canvas');
	canvas.width = Math.max(1, Math.round(bitmap.width * scale));
	canvas.height = Math.max(1, Math.round(bitmap.height * scale));
	const g = canvas.getContext('2d')!;
	g.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
	bitmap.close();
	// the band: readable on any picture, sized to the image (about 1/28 of its width per line)
	const size = Math.max(12, Math.round(canvas.width / 34));
	const pad = Math.round(size * 0.5);
	const lines = [title.slice(0, 40), stamp];
	const band = lines.length * size * 1.3 + pad * 2;
	g.fillStyle = 'rgba(0, 0, 0, 0.55)';
	g.fillRect(0, canvas.height - band, canvas.width, band);
	g.fillStyle = '#fff';
	g.font = `${size}px "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif`;
	g.textBaseline = 'top';
	lines.forEach((l, i) =>
		g.fillText(l, pad, canvas.height - band + pad + i * size * 1.3, canvas.width - pad * 2)
	);
	const blob = await new Promise<Blob>((resolve, reject) =>
		canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('encode failed'))), 'image/jpeg', 0.85)
	);
	return { blob, takenAt: at.toISOString(), pos, stamp };
}
