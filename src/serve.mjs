// Starts the built app (`npm start`, `npm run demo`): adapter-node's own server, told the truth
// about the scheme it serves. Builds first when there is no build yet.
//
// adapter-node takes the app's public origin from ORIGIN, or else from a protocol header and a
// host header, and assumes https when it has neither. SvelteKit checks every form post's Origin
// against that, and marks cookies Secure by it, so a server reached over plain http without
// ORIGIN refuses every sign-in ("Cross-site POST form submissions are forbidden"). That is the
// demo's case, and a county office's server on its own network.
//
// So when the operator has set neither ORIGIN nor PROTOCOL_HEADER, every request is stamped
// with the scheme of the connection it came on (always http: adapter-node does not serve TLS)
// and its Host header names the host. A client cannot forge the stamp: it is overwritten before
// the app sees the request. Behind a TLS proxy, set ORIGIN (or PROTOCOL_HEADER and HOST_HEADER)
// and this does nothing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SCHEME_HEADER = 'x-tongan-scheme';

// An equipment check carries up to 6 photos of at most 12 MB each (src/lib/server/photos.ts);
// adapter-node's default of 512 KB would refuse a check with two ordinary photos. An operator
// may still set a smaller or larger limit.
process.env.BODY_SIZE_LIMIT ||= '80M';

// an empty ORIGIN counts as unset (adapter-node would refuse to start on it)
if (process.env.ORIGIN === '') delete process.env.ORIGIN;
if (!process.env.ORIGIN && !process.env.PROTOCOL_HEADER) {
	process.env.PROTOCOL_HEADER = SCHEME_HEADER;
	process.env.HOST_HEADER ||= 'host';
	const createServer = http.createServer;
	http.createServer = /** @type {typeof http.createServer} */ (
		/** @param {unknown[]} args */
		(...args) => {
			/** @type {http.Server} */
			const server = Reflect.apply(createServer, http, args);
			server.prependListener('request', (req) => {
				req.headers[SCHEME_HEADER] = 'http';
			});
			return server;
		}
	);
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'build', 'index.js');
// `npm start` on a fresh checkout: build first rather than fail on a missing file. A build
// that exists is used as it is (`npm run build` after changing the code).
if (!existsSync(entry)) {
	console.log(
		'[tongan] 尚未构建，正在构建 (npm run build)… / no build yet: building first (npm run build)…'
	);
	const r = spawnSync('npx', ['vite', 'build'], { cwd: root, stdio: 'inherit' });
	if (r.status !== 0 || !existsSync(entry)) {
		console.error('[tongan] 构建失败 / the build failed: run `npm run build` and read its errors');
		process.exit(r.status || 1);
	}
}
await import(pathToFileURL(entry).href);
