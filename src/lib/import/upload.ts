// Where the import page sends its file, over tus (resumable), before any step reads it.
export const IMPORT_UPLOAD_PATH = '/api/import-uploads';
/** What the server names an upload: 32 hex digits (tus's own naming). */
export const IMPORT_UPLOAD_ID = /^[0-9a-f]{32}$/;
/** Bytes per PATCH: a dropped connection costs at most this much again. */
export const IMPORT_CHUNK_BYTES = 4 * 1024 * 1024;
