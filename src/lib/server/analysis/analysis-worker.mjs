// Process entry point: the analysis worker thread, started by the Analysis engine (index.ts)
// from this file by path. Holds one snapshot of residences, segments and facilities and answers
// analysis jobs, so a province-wide analysis never blocks the web server's event loop. Its
// messages, both ways, are typed in messages.ts (ToWorker in, FromWorker out).
import { parentPort } from 'node:worker_threads';
import os from 'node:os';
import { loadSnapshot, runCase } from './cases.mjs';
import { solveSiting } from './kernel/coverage.mjs';

if (!parentPort) throw new Error('analysis-worker.mjs must run as a worker thread');
const port = parentPort;

// Below the web server in the CPU queue: on Linux the nice value is per thread, and 0 means
// the calling thread, so this lowers only the analysis, never the request thread. On a busy
// machine an analysis then takes longer rather than tiles and pages.
try {
	os.setPriority(0, 10);
} catch {
	/* not permitted or not supported: run at normal priority */
}

/**
 * @typedef {import('./messages').ToWorker} ToWorker
 * @typedef {import('./messages').FromWorker} FromWorker
 */

/** @type {ReturnType<typeof loadSnapshot> | undefined} */
let snapshot;

/** @param {FromWorker} m @param {ArrayBuffer[]} [transfer] */
const reply = (m, transfer) => port.postMessage(m, transfer);

port.on('message', (/** @type {ToWorker} */ msg) => {
	try {
		if (msg.type === 'load') {
			const t0 = performance.now();
			snapshot = loadSnapshot(msg.payload, snapshot);
			// build the dashboard's indexes now, not inside its first analysis; the four-item rule's
			// grid only when a recompute asks for it (the settings page, rarely)
			snapshot.pointGrid();
			snapshot.edgeGrid();
			reply({
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
			const t0 = performance.now();
			// siting carries its own data (released cells and sites), so it needs no snapshot
			const siting = msg.job.case === 'siting' ? msg.job.siting : undefined;
			if (!siting && !snapshot) throw new Error('no data loaded');
			const result = siting
				? solveSiting(siting)
				: runCase(/** @type {NonNullable<typeof snapshot>} */ (snapshot), msg.job);
			const transfer = Object.values(result)
				.filter((v) => ArrayBuffer.isView(v))
				.map((v) => /** @type {ArrayBufferView} */ (v).buffer);
			reply(
				{ type: 'result', seq: msg.seq, ms: performance.now() - t0, result },
				/** @type {ArrayBuffer[]} */ (transfer)
			);
		}
	} catch (e) {
		reply({
			type: 'error',
			seq: msg.type === 'run' ? msg.seq : undefined,
			message: String(/** @type {Error} */ (e)?.stack ?? e)
		});
	}
});
