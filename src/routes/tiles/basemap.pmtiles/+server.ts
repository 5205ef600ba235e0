// The operator's PMTiles basemap, served from the app's own origin with range requests: the
// browser's pmtiles reader asks for the header, directories and tiles as byte ranges. Signed-in
// users only, like every other tile.
import type { RequestHandler } from './$types';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { error } from '@sveltejs/kit';
import { signedIn } from '$lib/server/http/guard';
import { basemapFileInfo, basemapStatus, parseRange } from '$lib/server/basemap';

export const GET: RequestHandler = async ({ request, locals }) => {
	signedIn(locals);
	const status = await basemapStatus();
	if (status.state !== 'ok') error(404, { message: 'no basemap configured' });
	const { size, etag } = await basemapFileInfo(status.path);
	const headers: Record<string, string> = {
		'Accept-Ranges': 'bytes',
		// strong, so that the reader notices a replaced file between two ranges
		ETag: `"${etag}"`,
		'Content-Type': 'application/vnd.pmtiles',
		// the URL carries the file's version: a kept copy is never of another file
		'Cache-Control': 'private, max-age=3600'
	};
	const range = parseRange(request.headers.get('range'), size);
	if (range === 'unsatisfiable')
		return new Response(null, {
			status: 416,
			headers: { ...headers, 'Content-Range': `bytes */${size}` }
		});
	const { start, end } = range ?? { start: 0, end: size - 1 };
	const body =
		size === 0
			? null
			: (Readable.toWeb(createReadStream(status.path, { start, end })) as ReadableStream);
	return new Response(body, {
		status: range ? 206 : 200,
		headers: {
			...headers,
			'Content-Length': String(end - start + 1),
			...(range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {})
		}
	});
};
