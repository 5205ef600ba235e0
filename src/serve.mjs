// Starts the built app (`npm start`, `npm run demo`): adapter-node's own server, told the truth
// about the scheme it serves.
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
await import(pathToFileURL(path.join(root, 'build', 'index.js')).href);
