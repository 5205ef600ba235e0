// Why exact homes are refused, and which emergency covers an area, as the pure policy decides.
import { describe, expect, it } from 'vitest';
import {
	activeEmergencyFor,
	residenceAccess,
	type EmergencyWindow,
	type Principal
} from '$lib/server/auth/policy';

const p = (role: Principal['role'], jurisdiction: string): Principal => ({
	userId: 1,
	username: 'x',
	role,
	jurisdiction
});
const now = new Date('2026-07-01T04:00:00Z');
const hour = 3600_000;
const township: EmergencyWindow = {
	id: 7,
	areaCode: '421083100000',
	startsAt: new Date(now.getTime() - hour),
	endsAt: new Date(now.getTime() + hour)
};

describe('exact homes refused, with the reason', () => {
	const staff = p('emergency', '421083000000');
	it('emergency staff without an emergency: no_emergency', () => {
		expect(residenceAccess(staff, '421083100214', now, [])).toEqual({
			allowed: false,
			reason: 'no_emergency'
		});
		// one not yet begun, or over another township, does not count
		const later = { ...township, startsAt: new Date(now.getTime() + 1) };
		expect(residenceAccess(staff, '421083100214', now, [later])).toMatchObject({
			reason: 'no_emergency'
		});
		expect(residenceAccess(staff, '421083101214', now, [township])).toMatchObject({
			reason: 'no_emergency'
		});
		expect(residenceAccess(staff, '421083100214', now, [township])).toEqual({
			allowed: true,
			basis: 'emergency',
			emergencyId: 7
		});
	});
	it('outside the jurisdiction: outside; a count-only role: role', () => {
		expect(residenceAccess(staff, '421084100214', now, [township])).toMatchObject({
			reason: 'outside'
		});
		expect(residenceAccess(p('river_chief', '421083100000'), '421083100214', now)).toMatchObject({
			reason: 'role'
		});
	});
});

describe('the emergency over an area', () => {
	it('only for emergency staff, in the window, inside the declared area', () => {
		expect(
			activeEmergencyFor(p('emergency', '421083000000'), '421083100000', now, [township])
		).toBe(township);
		expect(
			activeEmergencyFor(p('county_admin', '421083000000'), '421083100000', now, [township])
		).toBeNull();
		expect(
			activeEmergencyFor(p('emergency', '421083000000'), '421083100000', township.endsAt, [
				township
			])
		).toBeNull();
	});
});
