// The audit page labels every action the services can write (the type of AuditEntry.action
// holds the services to AUDIT_ACTIONS), in both languages, and a detail in words.
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, containsPattern } from '$lib/server/repositories/audit';
import { isMessageKey, translator } from '$lib/i18n';
import { auditDetailParts, auditResourceText } from '$lib/i18n/admin-format';

describe('audit actions', () => {
	it('each has a label, different in Chinese and English', () => {
		const zh = translator('zh-CN');
		const en = translator('en');
		for (const a of AUDIT_ACTIONS) {
			const key = `audit.action.${a}`;
			expect(isMessageKey(key), key).toBe(true);
			if (!isMessageKey(key)) continue;
			expect(zh(key)).toMatch(/\p{Script=Han}/u);
			expect(en(key)).toMatch(/^[\x20-\x7e]+$/);
		}
	});
});

describe('audit details in words', () => {
	const at = new Date('2026-11-29T10:20:00.000Z');
	const text = (action: string, detail: unknown, locale: 'zh-CN' | 'en' = 'zh-CN') =>
		auditDetailParts(action, detail, at, locale)
			.map((p) => `${p.label}${locale === 'en' ? ': ' : '：'}${p.value}`)
			.join(' · ');

	it("names a check's items and what was found, in both languages", () => {
		const detail = {
			check: 1234,
			slots: [
				{ item: 'sign', status: 'present' },
				{ item: 'buoy', status: 'missing' },
				{ item: 'rope', status: 'used' }
			],
			photos: 2
		};
		expect(text('equipment_check', detail)).toBe(
			'检查编号：1234 · 警示牌：完好 · 救生圈：缺失 · 救生绳：已使用未补充 · 照片数：2'
		);
		expect(text('equipment_check', detail, 'en')).toBe(
			'check no.: 1234 · Warning sign: Present · Life buoy: Missing · Rescue rope: Used, not replaced · photos: 2'
		);
	});

	it('names an item added to a checklist by its label, not its key', () => {
		const detail = {
			checklist: 'institution',
			version: 2,
			op: 'add',
			item: 'added_a',
			label: '防溺水宣传栏',
			from: null
		};
		for (const locale of ['zh-CN', 'en'] as const) {
			const parts = auditDetailParts('checklist_edited', detail, at, locale);
			expect(parts.map((p) => p.value).join(' ')).not.toContain('added_a');
			expect(parts.find((p) => p.value === '防溺水宣传栏')).toBeDefined();
		}
	});

	it('reads jsonb given as text (one engine) the same as parsed (the other)', () => {
		const detail = { needs: 'none' };
		expect(auditDetailParts('login', JSON.stringify(detail), at, 'zh-CN')).toEqual(
			auditDetailParts('login', detail, at, 'zh-CN')
		);
		expect(auditDetailParts('login', 'not json', at, 'zh-CN')).toEqual([]);
	});

	it('shows codes in words in Chinese and English', () => {
		expect(text('login', { needs: 'none' })).toBe('两步验证：无需');
		expect(text('login', { needs: 'none' }, 'en')).toBe('two-step: not required');
		expect(text('login_password_ok', { needs: 'totp_setup' })).toBe('两步验证：待设置');
		expect(text('login', { second_factor: 'totp' })).toBe('第二步验证：身份验证器动态码');
		expect(text('login', { second_factor: 'totp' }, 'en')).toBe('second step: authenticator code');
		expect(text('login_failed', { reason: 'bad_password', failures: 3 })).toBe(
			'原因：密码错误 · 连续失败次数：3'
		);
		expect(text('residences_view', { count: 1520, basis: 'emergency' })).toBe(
			'查看依据：应急状态授权 · 住址数：1,520'
		);
		expect(text('residences_view', { basis: 'duty', count: 3 }, 'en')).toBe(
			'allowed by: own duties · addresses: 3'
		);
		expect(
			text('user_updated', {
				username: 'li.si',
				role: 'river_chief',
				active: false,
				password: 'reset'
			})
		).toBe('账号：li.si · 角色：河长 · 启用：否 · 密码：已重置');
		expect(
			text('rule_recomputed', {
				radiusM: null,
				segments: 2400,
				required: 310,
				changed: 4,
				from: 'snapshot'
			})
		).toBe('河段数：2,400 · 需配备河段：310 · 结论有变化：4 · 数据来源：分析引擎快照');
		expect(text('rule_radius_changed', { radiusM: 800, from: 'postgis' }, 'en')).toBe(
			'distance (m): 800 · computed from: PostGIS geometry'
		);
	});

	it('shows times in Beijing time, like the rest of the page, and when an emergency really ended', () => {
		const window = { startsAt: '2026-11-29T09:00:00.000Z', endsAt: '2026-11-30T10:22:00.000Z' };
		expect(text('emergency_declared', { ...window, reason: '强降雨' })).toBe(
			'开始时间：2026年11月29日 17:00 · 结束时间：2026年11月30日 18:22 · 原因：强降雨'
		);
		// the entry is written the moment it is ended: its own time is the real end
		expect(text('emergency_ended', window)).toBe(
			'原定开始：2026年11月29日 17:00 · 原定结束：2026年11月30日 18:22 · 实际结束：2026年11月29日 18:20'
		);
		expect(text('emergency_ended', window, 'en')).toBe(
			'was to start: 29 Nov 2026 17:00 · was to end: 30 Nov 2026 18:22 · ended: 29 Nov 2026 18:20'
		);
	});

	it('leaves no code, list or time in system form for any detail the services write', () => {
		// one detail of each shape written by appendAudit in src/lib/server (services, seed, export)
		const written: [string, Record<string, unknown>][] = [
			['login', { needs: 'none' }],
			['login', { second_factor: 'totp' }],
			['login_password_ok', { needs: 'totp' }],
			['login_failed', { reason: 'unknown_user' }],
			['login_failed', { reason: 'locked' }],
			['login_failed', { reason: 'inactive' }],
			['login_failed', { reason: 'bad_totp', failures: 2 }],
			['account_locked', { minutes: 15 }],
			['user_created', { username: 'planner', role: 'planner', demo: true }],
			['user_created', { username: 'root', first_admin: true }],
			[
				'user_updated',
				{
					username: 'li.si',
					displayName: '李四',
					role: 'county_admin',
					jurisdiction: '421083000000',
					active: true,
					password: 'reset'
				}
			],
			['segments_assigned', { username: 'river.chief', segments: 12 }],
			[
				'emergency_declared',
				{ startsAt: at.toISOString(), endsAt: at.toISOString(), reason: '汛' }
			],
			['emergency_ended', { startsAt: at.toISOString(), endsAt: at.toISOString() }],
			['residences_view', { count: 3, basis: 'duty' }],
			['equipment_check', { check: 1, slots: [{ item: 'barrier', status: 'damaged' }], photos: 0 }],
			['export', { rows: 120 }],
			[
				'rule_radius_changed',
				{ radiusM: 500, segments: 1, required: 1, changed: 0, from: 'database' }
			]
		];
		for (const [action, detail] of written) {
			const parts = auditDetailParts(action, detail, at, 'zh-CN');
			expect(parts.length, action).toBeGreaterThan(0);
			for (const p of parts) {
				expect(p.label, `${action} label`).toMatch(/\p{Script=Han}/u);
				// values in words: no snake_case or bare lower-case code, no JSON, no ISO time
				if (!['username', 'jurisdiction'].some((k) => detail[k] === p.value))
					expect(p.value, `${action} ${p.label}`).not.toMatch(/^[a-z_]+$|[{[]|\d{4}-\d{2}-\d{2}T/);
			}
			for (const p of auditDetailParts(action, detail, at, 'en'))
				expect(p.value, `${action} ${p.label}`).not.toMatch(/_|[{[]|\d{4}-\d{2}-\d{2}T/);
		}
	});

	it('names what an entry concerns, keeping unknown codes as they are', () => {
		expect(auditResourceText('user:12', 'zh-CN')).toBe('账号 #12');
		expect(auditResourceText('emergency:3', 'en')).toBe('Emergency #3');
		expect(auditResourceText('segment_rule', 'zh-CN')).toBe('“四个一”配备规则');
		expect(auditResourceText('segments.xlsx', 'zh-CN')).toBe('河段清单（Excel）');
		expect(auditResourceText('something:else', 'zh-CN')).toBe('something:else');
		expect(auditResourceText(null, 'zh-CN')).toBe('');
	});
});

describe('username search pattern', () => {
	it('matches part of a name in any case, with LIKE wildcards and the escape escaped', () => {
		expect(containsPattern('Emerg')).toBe('%emerg%');
		expect(containsPattern('a_b%c')).toBe('%a\\_b\\%c%');
		expect(containsPattern('x\\y')).toBe('%x\\\\y%');
		// what LIKE then matches, on both engines: tests/integration/auth.test.ts
	});
});
