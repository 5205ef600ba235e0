// An import's file arrives over tus before any step reads it: a 60 MB spreadsheet on a poor
// line resumes from the last byte the server holds instead of starting again, the page shows
// the bytes as they go, and the read, the dry run and the commit then name the upload instead
// of sending the file three times. Administrators only; each upload is its sender's alone (the
// sender's id is kept in the upload's own metadata, set here, never taken from the client).
// The file is removed once it has been committed.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Server, type Upload } from '@tus/server';
import { FileStore } from '@tus/file-store';
import { canImport, type Principal } from '../auth/policy';
import { SAME_ORIGIN_ONLY, handleTus, senderOf, tusRefusal, tusServer } from './tus';
import { ImportRejected, MAX_IMPORT_BYTES, type ImportFile } from './imports';
import { IMPORT_UPLOAD_ID, IMPORT_UPLOAD_PATH } from '$lib/import/upload';

/** Where import uploads are kept, beside the photos. */
export const importUploadDir = (uploadDir: string) => path.join(uploadDir, 'imports');

const stores = new Map<string, FileStore>();
const storeOf = (dir: string) => {
	let s = stores.get(dir);
	if (!s) stores.set(dir, (s = new FileStore({ directory: dir })));
	return s;
};

const ownedBy = (u: Upload, who: Principal) => u.metadata?.owner === String(who.userId);

function makeServer(dir: string): Server {
	const datastore = storeOf(dir);
	return new Server({
		...SAME_ORIGIN_ONLY,
		path: IMPORT_UPLOAD_PATH,
		datastore,
		relativeLocation: true,
		maxSize: MAX_IMPORT_BYTES,
		onIncomingRequest: async (req, id) => {
			const who = senderOf(req);
			if (!canImport(who)) throw tusRefusal(403, 'imports');
			if (req.method === 'POST' || req.method === 'OPTIONS') return;
			// another user's upload, or one never created: as if it did not exist
			const up = await datastore.getUpload(id).catch(() => null);
			if (!up || !ownedBy(up, who)) throw tusRefusal(404, 'not found');
		},
		onUploadCreate: async (req, upload) => {
			const who = senderOf(req);
			const name = upload.metadata?.filename ?? '';
			if (!name || name.length > 200) throw tusRefusal(400, 'filename');
			// an empty file is not too large: the page says which (it said "文件过大" for 0 bytes)
			if (!upload.size) throw tusRefusal(400, 'empty');
			if (upload.size > MAX_IMPORT_BYTES) throw tusRefusal(413, 'size');
			return { metadata: { filename: name, owner: String(who.userId) } };
		}
	});
}

/** One tus request of an import's upload. */
export function handleImportUpload(who: Principal, request: Request, dir: string) {
	return handleTus(
		tusServer(`imports:${dir}`, () => makeServer(dir)),
		who,
		request
	);
}

/** The whole file of a finished upload of this user's, or a refusal (a 400) naming why. */
export async function uploadedFile(who: Principal, id: string, dir: string): Promise<ImportFile> {
	if (!IMPORT_UPLOAD_ID.test(id)) throw new ImportRejected('imp.err.upload');
	const up = await storeOf(dir)
		.getUpload(id)
		.catch(() => null);
	if (!up || !ownedBy(up, who)) throw new ImportRejected('imp.err.upload');
	if (up.size === undefined || up.offset !== up.size)
		throw new ImportRejected('imp.err.uploadIncomplete');
	return {
		name: up.metadata?.filename ?? 'upload',
		bytes: new Uint8Array(await readFile(path.join(dir, id)))
	};
}

/** The upload is done with (committed): its bytes and metadata go. */
export async function dropUpload(id: string, dir: string): Promise<void> {
	if (IMPORT_UPLOAD_ID.test(id))
		await storeOf(dir)
			.remove(id)
			.catch(() => {});
}
