import { describe, expect, it } from 'vitest';
import {
	canManageUser,
	canRecordChecks,
	reachesTargetKind,
	residenceAccess,
	mayEverSeeResidences,
	type Principal
} from '$lib/server/auth/policy';
import {
	base32Decode,
	base32Encode,
	matchTotp,
	secondFactorChange,
	totpCode,
	totpStep,
	verifyTotp,
	newTotpSecret
} from '$lib/server/auth/totp';
import {
	MAX_PASSWORD_LENGTH,
	PUBLISHED_PASSWORDS,
	passwordProblem
} from '$lib/server/auth/password';
import { addressKey, isClientAddress, loginName } from '$lib/server/auth/throttle';
import {
	AUTH_BODY_LIMIT,
	readSmallForm,
	safeReturnPath,
	sameOriginRequest
} from '$lib/server/auth/request';
import { DEMO_PASSWORD } from '$lib/server/seed/users';
import {
	sessionState,
	sessionIdFromToken,
	IDLE_TIMEOUT_MS,
	ABSOLUTE_TIMEOUT_MS
} from '$lib/server/auth/session';
import type { Role } from '$lib/server/auth/roles';

const p = (role: Role, jurisdiction: string): Principal => ({
	userId: 1,
	username: 'u',
	role,
	jurisdiction
});
const now = new Date('2026-07-01T10:00:00+08:00');

describe('exact residences policy', () => {
	const village = '421083001201';
	it('allows the village child director in their own village only', () => {
		expect(residenceAccess(p('village_director', village), village, now).allowed).toBe(true);
		expect(residenceAccess(p('village_director', village), '421083001202', now).allowed).toBe(
			false
		);
		expect(residenceAccess(p('village_director', village), '421083001000', now).allowed).toBe(
			false
		);
	});
	it('allows township staff in their township and administrators in their jurisdiction', () => {
		expect(residenceAccess(p('township_staff', '421083001000'), village, now).allowed).toBe(true);
		expect(residenceAccess(p('township_staff', '421083002000'), village, now).allowed).toBe(false);
		expect(residenceAccess(p('county_admin', '421083000000'), village, now).allowed).toBe(true);
		expect(residenceAccess(p('county_admin', '420102000000'), village, now).allowed).toBe(false);
		expect(residenceAccess(p('province_admin', '420000000000'), village, now).allowed).toBe(true);
	});
	it('never allows river chiefs or planners, whatever their jurisdiction', () => {
		for (const role of ['river_chief', 'planner'] as const) {
			expect(residenceAccess(p(role, '420000000000'), village, now).allowed).toBe(false);
			expect(mayEverSeeResidences(role)).toBe(false);
		}
	});
	it('allows emergency staff only inside an active declared emergency', () => {
		const e = p('emergency', '421083000000');
		expect(residenceAccess(e, village, now).allowed).toBe(false);
		const window = {
			id: 7,
			areaCode: '421083001000',
			startsAt: new Date(now.getTime() - 3600_000),
			endsAt: new Date(now.getTime() + 3600_000)
		};
		expect(residenceAccess(e, village, now, [window])).toEqual({
			allowed: true,
			basis: 'emergency',
			emergencyId: 7
		});
		// another township, or after the window
		expect(residenceAccess(e, '421083002201', now, [window]).allowed).toBe(false);
		expect(
			residenceAccess(e, village, new Date(now.getTime() + 2 * 3600_000), [window]).allowed
		).toBe(false);
		// a declaration does not extend a user beyond their own jurisdiction
		expect(residenceAccess(p('emergency', '420102000000'), village, now, [window]).allowed).toBe(
			false
		);
	});
});

describe('who records equipment checks', () => {
	const township = '421083001000';
	it('lets a village child director check the segments of their own township, no other', () => {
		expect(canRecordChecks(p('village_director', '421083001201'), township)).toBe(true);
		expect(canRecordChecks(p('village_director', '421083001201'), '421083002000')).toBe(false);
	});
	it('lets field staff and administrators check inside their jurisdiction only', () => {
		expect(canRecordChecks(p('township_staff', township), township)).toBe(true);
		expect(canRecordChecks(p('township_staff', '421083002000'), township)).toBe(false);
		expect(canRecordChecks(p('river_chief', township), township)).toBe(true);
		expect(canRecordChecks(p('county_admin', '421083000000'), township)).toBe(true);
		expect(canRecordChecks(p('county_admin', '421081000000'), township)).toBe(false);
	});
	it('keeps a household visit in another village from a child director, nothing else', () => {
		const director = p('village_director', '421083001201');
		expect(reachesTargetKind(director, 'village', '421083001201')).toBe(true);
		expect(reachesTargetKind(director, 'village', '421083001202')).toBe(false);
		// the township's other targets, and the township's staff, as before
		expect(reachesTargetKind(director, 'institution', '421083001202')).toBe(true);
		expect(reachesTargetKind(p('township_staff', township), 'village', '421083001202')).toBe(true);
	});
	it('never lets emergency staff or planners record', () => {
		expect(canRecordChecks(p('emergency', '421083000000'), township)).toBe(false);
		expect(canRecordChecks(p('planner', '421083000000'), township)).toBe(false);
	});
});

describe('user administration policy', () => {
	it('lets administrators manage roles at or below their rank inside their jurisdiction', () => {
		const county = p('county_admin', '421083000000');
		expect(canManageUser(county, { role: 'township_staff', jurisdiction: '421083001000' })).toBe(
			true
		);
		expect(canManageUser(county, { role: 'county_admin', jurisdiction: '421083000000' })).toBe(
			true
		);
		expect(canManageUser(county, { role: 'prefecture_admin', jurisdiction: '421000000000' })).toBe(
			false
		);
		expect(canManageUser(county, { role: 'township_staff', jurisdiction: '421081001000' })).toBe(
			false
		);
		// a role at a level it is not made for
		expect(canManageUser(county, { role: 'village_director', jurisdiction: '421083001000' })).toBe(
			false
		);
		expect(
			canManageUser(p('planner', '420000000000'), { role: 'planner', jurisdiction: '421083000000' })
		).toBe(false);
	});
});

describe('TOTP (RFC 6238)', () => {
	it('matches the RFC test vector for SHA-1', () => {
		// RFC 6238 appendix B: secret "12345678901234567890", T = 59 s → 94287082 (8 digits) → 287082
		const secret = base32Encode(new TextEncoder().encode('12345678901234567890'));
		expect(totpCode(secret, 59_000)).toBe('287082');
		expect(totpCode(secret, 1_111_111_109_000)).toBe('081804');
	});
	it('round-trips base32 and accepts one step of drift only', () => {
		const s = newTotpSecret();
		expect(base32Encode(base32Decode(s))).toBe(s);
		const t = 1_800_000_000_000;
		expect(verifyTotp(s, totpCode(s, t), t)).toBe(true);
		expect(verifyTotp(s, totpCode(s, t - 30_000), t)).toBe(true);
		expect(verifyTotp(s, totpCode(s, t - 90_000), t)).toBe(false);
		expect(verifyTotp(s, 'abcdef', t)).toBe(false);
	});
	it('names the step a code belongs to, and never one at or before the last accepted', () => {
		const s = newTotpSecret();
		const t = 1_800_000_000_000;
		const now = totpStep(t);
		expect(matchTotp(s, totpCode(s, t), t)).toBe(now);
		expect(matchTotp(s, totpCode(s, t, -1), t)).toBe(now - 1);
		expect(matchTotp(s, totpCode(s, t, 1), t)).toBe(now + 1);
		// once the current step is used, its code (and the previous one) are refused
		expect(matchTotp(s, totpCode(s, t), t, now)).toBeNull();
		expect(matchTotp(s, totpCode(s, t, -1), t, now)).toBeNull();
		// the next step's code (a clock running ahead) is still new
		expect(matchTotp(s, totpCode(s, t, 1), t, now)).toBe(now + 1);
		expect(matchTotp(s, ` ${totpCode(s, t).slice(0, 3)} ${totpCode(s, t).slice(3)} `, t)).toBe(now);
	});
	it('lets a session set up a first factor, but replace one only after passing it', () => {
		expect(secondFactorChange({ totpEnabled: false, secondFactorOk: false })).toBe('enrol');
		expect(secondFactorChange({ totpEnabled: false, secondFactorOk: true })).toBe('enrol');
		// the critical case: a password alone must not swap the owner's authenticator
		expect(secondFactorChange({ totpEnabled: true, secondFactorOk: false })).toBe('refuse');
		expect(secondFactorChange({ totpEnabled: true, secondFactorOk: true })).toBe('replace');
	});
});

describe('passwords and sessions', () => {
	it('asks for long passwords of three kinds without the username', () => {
		expect(passwordProblem('short1A!', 'zhang')).toBe('password.tooShort');
		expect(passwordProblem('alllowercaseletters', 'zhang')).toBe('password.tooSimple');
		expect(passwordProblem('Zhang-2026-abc', 'zhang')).toBe('password.containsUsername');
		expect(passwordProblem('River-Safe-2026', 'zhang')).toBeNull();
	});
	it('has one length limit, 10 to 128 characters', () => {
		const long =
			'Kx7-mQ2v!Lr9#Tb4@Wn6$Pz1%Hc8^Jd3&Fs5*Yg0(Ue7)Ai2_Ok9+Rm4=Vl6~Xq1?Cw8.Zn3,Bj5;Ep0:Gt7|Sh2-Dy9!Lu4@Mk6#Nf1$Pr8%Qa3^Tb5&Wc0*Xd7(Ye2)Zf9';
		const at = (n: number) => long.slice(0, n);
		expect(passwordProblem(at(MAX_PASSWORD_LENGTH), 'zhang')).toBeNull();
		expect(passwordProblem(at(MAX_PASSWORD_LENGTH + 1), 'zhang')).toBe('password.tooLong');
		expect(passwordProblem('x'.repeat(210), 'zhang')).toBe('password.tooLong');
	});
	it('refuses common and guessable passwords of three kinds, by strength rather than a list', () => {
		for (const weak of [
			'Password123!',
			'P@ssw0rd2026',
			'Qwerty123456!',
			'Welcome@2024',
			'Aa1!Aa1!Aa1!'
		])
			expect(passwordProblem(weak, 'zhang'), weak).toBe('password.weak');
		// the display name (personal words) counts against it too
		expect(passwordProblem('Lihongmei-1985', 'zhang')).toBeNull();
		expect(passwordProblem('Lihongmei-1985', 'zhang', { userInputs: ['lihongmei'] })).toBe(
			'password.weak'
		);
		// the system's own name
		expect(passwordProblem('Tongan2026!', 'zhang')).toBe('password.weak');
		// what Chinese users type: pinyin love phrases and the love/lucky numbers, which the
		// English lists score as strong
		for (const weak of ['Woaini@1314', 'Baobei520!!', 'Wuhan@1314'])
			expect(passwordProblem(weak, 'zhang'), weak).toBe('password.weak');
	});
	it('refuses the published demo password, and near copies of it, outside the demo', () => {
		expect(PUBLISHED_PASSWORDS).toContain(DEMO_PASSWORD);
		expect(passwordProblem(DEMO_PASSWORD, 'zhang', { demo: false })).toBe('password.published');
		expect(passwordProblem('tongan-demo-2026', 'zhang', { demo: false })).toBe(
			'password.published'
		);
		expect(passwordProblem('Tongan-Demo-2027', 'zhang', { demo: false })).toBe('password.weak');
		expect(passwordProblem(DEMO_PASSWORD, 'zhang', { demo: true })).toBeNull();
	});
	it('ends sessions after 30 minutes idle or 12 hours in all', () => {
		const start = new Date('2026-07-01T08:00:00Z');
		const s = { last_seen_at: start, expires_at: new Date(start.getTime() + ABSOLUTE_TIMEOUT_MS) };
		expect(sessionState(s, new Date(start.getTime() + IDLE_TIMEOUT_MS - 1000))).toBe('valid');
		expect(sessionState(s, new Date(start.getTime() + IDLE_TIMEOUT_MS))).toBe('idle');
		const busy = {
			last_seen_at: new Date(start.getTime() + ABSOLUTE_TIMEOUT_MS - 60_000),
			expires_at: s.expires_at
		};
		expect(sessionState(busy, new Date(start.getTime() + ABSOLUTE_TIMEOUT_MS))).toBe('expired');
	});
	it('stores only a hash of the cookie token', () => {
		const id = sessionIdFromToken('token-abc');
		expect(id).toMatch(/^[0-9a-f]{64}$/);
		expect(id).not.toContain('token-abc');
	});
});

describe('roles an administrator may give', () => {
	it('never includes a higher administrator, nor a role above the administrator’s level', async () => {
		const { assignableRoles } = await import('$lib/server/auth/policy');
		const county = assignableRoles(p('county_admin', '421083000000'));
		expect(county).toContain('township_staff');
		expect(county).toContain('county_admin');
		expect(county).not.toContain('prefecture_admin');
		expect(county).not.toContain('province_admin');
		expect(assignableRoles(p('planner', '420000000000'))).toEqual([]);
		expect(assignableRoles(p('province_admin', '420000000000')).length).toBe(8);
	});
});

describe('sign-in throttling keys', () => {
	it('counts a name as the user table spells it', () => {
		expect(loginName('  County.Admin ')).toBe('county.admin');
		expect(loginName('x'.repeat(500)).length).toBe(64);
	});
	it('counts IPv4 as it is and IPv6 by its /64', () => {
		expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
		expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
		expect(addressKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
		expect(addressKey('2001:DB8:1:2::99')).toBe('2001:db8:1:2::/64');
		expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
		expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
		expect(addressKey(null)).toBe('unknown');
	});
	it('does not count every name from loopback (a local proxy) as one client', () => {
		expect(isClientAddress(addressKey('203.0.113.7'))).toBe(true);
		expect(isClientAddress(addressKey('2001:db8::1'))).toBe(true);
		for (const local of ['127.0.0.1', '::ffff:127.0.0.1', '::1', null])
			expect(isClientAddress(addressKey(local)), String(local)).toBe(false);
	});
});

describe('edges of the sign-in forms', () => {
	const origin = 'https://tongan.example';
	it('sends the user back only to a path of this site', () => {
		expect(safeReturnPath('/waterways?area=421083&x=1#top', origin)).toBe(
			'/waterways?area=421083&x=1#top'
		);
		for (const evil of [
			'/\\evil.example',
			'/\\/evil.example',
			'/\t/evil.example',
			'/\n/evil.example',
			'/\u0000/evil.example',
			'//evil.example',
			'///evil.example',
			'https://evil.example/',
			'javascript:alert(1)',
			'evil.example',
			''
		])
			expect(safeReturnPath(evil, origin), JSON.stringify(evil)).toBe('/');
		expect(safeReturnPath(undefined, origin)).toBe('/');
		// an encoded slash is a path segment of this site, not a host
		expect(safeReturnPath('/%2F%2Fevil.example', origin)).toBe('/%2F%2Fevil.example');
	});
	it('takes a post as same-origin only by its Origin (or Sec-Fetch-Site), body or none', () => {
		const post = (headers: Record<string, string>) =>
			new Request(`${origin}/logout`, { method: 'POST', headers });
		expect(sameOriginRequest(post({ origin }), origin)).toBe(true);
		expect(sameOriginRequest(post({ origin: 'https://evil.example' }), origin)).toBe(false);
		expect(sameOriginRequest(post({ origin: 'null' }), origin)).toBe(false);
		expect(sameOriginRequest(post({ 'sec-fetch-site': 'same-origin' }), origin)).toBe(true);
		expect(sameOriginRequest(post({ 'sec-fetch-site': 'cross-site' }), origin)).toBe(false);
		expect(sameOriginRequest(post({}), origin)).toBe(false);
	});
	it('reads a small form, answers 413 beyond 16 KB even without a declared length, 400 for a non-form', async () => {
		const form = await readSmallForm(
			new Request(`${origin}/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: 'username=planner&password=a%26b'
			}),
			'zh-CN'
		);
		expect(form.get('password')).toBe('a&b');
		expect([
			...(await readSmallForm(new Request(`${origin}/logout`, { method: 'POST' }), 'en'))
		]).toEqual([]);
		// chunked: no content-length, so the limit is counted while reading
		const big = new ReadableStream<Uint8Array>({
			start(c) {
				for (let i = 0; i < 40; i++) c.enqueue(new Uint8Array(1024).fill(97));
				c.close();
			}
		});
		const chunked = new Request(`${origin}/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: big,
			duplex: 'half'
		} as RequestInit);
		await expect(readSmallForm(chunked, 'en')).rejects.toMatchObject({
			status: 413,
			body: { message: expect.stringContaining('16 KB') }
		});
		const declared = new Request(`${origin}/login`, {
			method: 'POST',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				'content-length': String(AUTH_BODY_LIMIT + 1)
			}
		});
		await expect(readSmallForm(declared, 'zh-CN')).rejects.toMatchObject({ status: 413 });
		const json = new Request(`${origin}/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{"username":"x"}'
		});
		await expect(readSmallForm(json, 'zh-CN')).rejects.toMatchObject({
			status: 400,
			body: { message: expect.stringContaining('表单') }
		});
	});
});
