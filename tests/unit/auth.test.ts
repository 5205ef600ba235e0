import { describe, expect, it } from 'vitest';
import {
	canManageUser,
	canRecordChecks,
	residenceAccess,
	mayEverSeeResidences,
	type Principal
} from '$lib/server/auth/policy';
import {
	base32Decode,
	base32Encode,
	totpCode,
	verifyTotp,
	newTotpSecret
} from '$lib/server/auth/totp';
import { passwordProblem } from '$lib/server/auth/password';
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
});

describe('passwords and sessions', () => {
	it('asks for long passwords of three kinds without the username', () => {
		expect(passwordProblem('short1A!', 'zhang')).toBe('password.tooShort');
		expect(passwordProblem('alllowercaseletters', 'zhang')).toBe('password.tooSimple');
		expect(passwordProblem('Zhang-2026-abc', 'zhang')).toBe('password.containsUsername');
		expect(passwordProblem('River-Safe-2026', 'zhang')).toBeNull();
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
