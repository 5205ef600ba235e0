// Field photos: whatever the phone sends is decoded and re-encoded here (never stored as
// uploaded), orientation applied, at most 1600 px, metadata stripped. GPS and time are read
// from the EXIF first, so where the photo was taken is kept as data, not inside the file.
import sharp from 'sharp';
import exifr from 'exifr';
import { isInHubei } from '$lib/geo/distance';
import { PhotoError } from './errors';

export const MAX_UPLOAD_BYTES = 12 * 1024 * 1024;
export { MAX_PHOTOS_PER_CHECK } from '$lib/domain/equipment';

export interface ProcessedPhoto {
	mime: 'image/jpeg';
	bytes: Buffer;
	width: number;
	height: number;
	takenAt: Date | null;
	gpsLon: number | null;
	gpsLat: number | null;
}

export async function processPhoto(input: Buffer): Promise<ProcessedPhoto> {
	if (input.byteLength > MAX_UPLOAD_BYTES) throw new PhotoError('photo.tooLarge');
	let takenAt: Date | null = null;
	let gpsLon: number | null = null;
	let gpsLat: number | null = null;
	try {
		const exif = (await exifr.parse(input, {
			gps: true,
			pick: ['DateTimeOriginal', 'latitude', 'longitude']
		})) as { DateTimeOriginal?: Date; latitude?: number; longitude?: number } | undefined;
		if (exif?.DateTimeOriginal instanceof Date && !Number.isNaN(exif.DateTimeOriginal.getTime()))
			takenAt = exif.DateTimeOriginal;
		if (
			typeof exif?.longitude === 'number' &&
			typeof exif.latitude === 'number' &&
			isInHubei(exif.longitude, exif.latitude)
		) {
			gpsLon = exif.longitude;
			gpsLat = exif.latitude;
		}
	} catch {
		// no or unreadable EXIF: the photo is still useful
	}
	try {
		const { data, info } = await sharp(input, { failOn: 'error' })
			.rotate()
			.resize({ width: 1600, height: 1600, fit: 'inside', withoutEnlargement: true })
			.jpeg({ quality: 80, mozjpeg: true })
			.toBuffer({ resolveWithObject: true });
		return {
			mime: 'image/jpeg',
			bytes: data,
			width: info.width,
			height: info.height,
			takenAt,
			gpsLon,
			gpsLat
		};
	} catch {
		throw new PhotoError('photo.notImage');
	}
}
