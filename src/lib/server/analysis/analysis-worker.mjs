// The analysis worker thread: holds one snapshot of residences, segments and facilities and
// answers analysis jobs, so a province-wide analysis never blocks the web server's event loop.
// Messages in: {type: 'load', version, payload} | {type: 'run', seq, job}.
// Messages out: {type: 'loaded', version, ms, counts} | {type: 'result', seq, ms, result} |
// {type: 'error', seq?, message}.
import { parentPort } from 'node:worker_threads';
import os from 'node:os';
import { loadSnapshot, runCase } from './cases.mjs';

if (!parentPort) throw new Error('worker.mjs must run as a worker thread');
const port = parentPort;

// Below the web server in the CPU queue: on Linux the nice value is per thread, and 0 means
// the calling thread, so this lowers only the analysis, never the request thread. On a busy
// machine an analysis then takes longer rather than tiles and pages.
try {
	os.setPriority(0, 10);
} catch {
	/* not permitted or not supported: run at normal priority */
}

/** @type {ReturnType<typeof loadSnapshot> | undefined} */
let snapshot;

port.on('message', (/** @type {any} */ msg) => {
	try {
		if (msg.type === 'load') {
			const t0 = performance.now();
			snapshot = loadSnapshot(msg.payload);
			// build the dashboard's indexes now, not inside its first analysis; the four-item rule's
			// grid only when a recompute asks for it (the settings page, rarely)
			snapshot.pointGrid();
			snapshot.edgeGrid();
			port.postMessage({
				type: 'loaded',
				version: msg.version,
				ms: performance.now() - t0,
				counts: {
					residences: snapshot.residences.id.length,
					segments: snapshot.segments.id.length,
					facilities: snapshot.facilities.id.length
				}
			});
		} else if (msg.type === 'run') {
			if (!snapshot) throw new Error('no data loaded');
			const t0 = performance.now();
			const result = runCase(snapshot, msg.job);
			const transfer = Object.values(result)
				.filter((v) => ArrayBuffer.isView(v))
				.map((v) => /** @type {ArrayBufferView} */ (v).buffer);
			port.postMessage(
				{ type: 'result', seq: msg.seq, ms: performance.now() - t0, result },
				/** @type {ArrayBuffer[]} */ (transfer)
			);
		}
	} catch (e) {
		port.postMessage({
			type: 'error',
			seq: msg.seq,
			message: String(/** @type {Error} */ (e)?.stack ?? e)
		});
	}
});
