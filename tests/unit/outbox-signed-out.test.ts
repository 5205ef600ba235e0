// A check sent after the session ended (signed out, expired while out of signal) is kept for
// after the next sign-in, and the banner is told why in a word it can put plainly, never the
// server's sentence wrapped in another ("暂未送达（请先登录。），稍后自动重试").
import { describe, expect, it } from 'vitest';
import { NETWORK, SIGNED_OUT, sendTargetCheck } from '$lib/offline/target-send';
import type { TargetCheckPayloadInput } from '$lib/domain/field';

const check: TargetCheckPayloadInput = {
	clientUuid: '6f1c2d3e-4b5a-4c6d-8e7f-901234567890',
	targetId: 1,
	recordedAt: '2026-06-01T02:00:00.000Z',
	answers: [{ item: 'wall', answer: 'ok' }],
	photos: []
};

const answering =
	(status: number, body: unknown): typeof fetch =>
	async () =>
		new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('a check sent when the session has ended', () => {
	it('is kept to send again, its reason "signed out"', async () => {
		const r = await sendTargetCheck(
			{ origin: 'http://x', fetch: answering(401, { message: '请先登录。' }) },
			check,
			[],
			() => {}
		);
		expect(r).toMatchObject({ ok: false, retry: true, message: SIGNED_OUT, recordStored: false });
	});

	it('keeps the server\'s own words for a refusal, and "network" when nothing answered', async () => {
		const refused = await sendTargetCheck(
			{ origin: 'http://x', fetch: answering(400, { message: '该对象不在您的辖区' }) },
			check,
			[],
			() => {}
		);
		expect(refused).toMatchObject({ ok: false, retry: false, message: '该对象不在您的辖区' });
		const offline = await sendTargetCheck(
			{
				origin: 'http://x',
				fetch: async () => {
					throw new TypeError('Failed to fetch');
				}
			},
			check,
			[],
			() => {}
		);
		expect(offline).toMatchObject({ ok: false, retry: true, message: NETWORK });
	});
});
