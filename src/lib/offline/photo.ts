// Photos are made small on the phone before they are queued: a 12-megapixel picture becomes a
// ~300 KB JPEG, which a weak connection can carry. The GPS position and time are read from the
// original's EXIF first (the canvas copy has none) and sent alongside. The EXIF reader is part
// of the page's own code, not loaded on demand: a photo taken offline keeps its position too.
import exifr from 'exifr';

export interface PreparedPhoto {
	blob: Blob;
	gps: { lon: number; lat: number } | null;
	takenAt: string | null;
}

export const MAX_SIDE = 1600;

export async function preparePhoto(file: File): Promise<PreparedPhoto> {
	let gps: PreparedPhoto['gps'] = null;
	let takenAt: string | null = null;
	try {
		const meta = (await exifr.parse(file, {
			gps: true,
			pick: ['DateTimeOriginal', 'latitude', 'longitude']
		})) as { latitude?: number; longitude?: number; DateTimeOriginal?: Date } | undefined;
		if (typeof meta?.longitude === 'number' && typeof meta.latitude === 'number')
			gps = { lon: meta.longitude, lat: meta.latitude };
		if (meta?.DateTimeOriginal instanceof Date) takenAt = meta.DateTimeOriginal.toISOString();
	} catch {
		// no EXIF: fine
	}
	const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
	const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
	const canvas = document.createElement('canvas');
	canvas.width = Math.round(bitmap.width * scale);
	canvas.height = Math.round(bitmap.height * scale);
	canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
	bitmap.close();
	const blob = await new Promise<Blob>((resolve, reject) =>
		canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('encode failed'))), 'image/jpeg', 0.82)
	);
	return { blob, gps, takenAt };
}
