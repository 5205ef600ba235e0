// The audit page reads every entry the code writes in words. This walks the source for each
// appendAudit call, takes the action names and the detail keys it writes, and fails when one has
// no label in both languages; then the campaign, checklist, hazard, escalation and emergency
// entries are read end to end, as an administrator sees them, with no code left in system form.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMessageKey, translator } from '$lib/i18n';
import { auditDetailParts, auditResourceText } from '$lib/i18n/admin-format';
import { AUDIT_ACTIONS } from '$lib/server/repositories/audit';

const SRC = path.resolve(__dirname, '../../src');

function sourceFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const p = path.join(dir, name);
		if (statSync(p).isDirectory()) return sourceFiles(p);
		return /\.(ts|svelte)$/.test(name) ? [p] : [];
	});
}

/** The text of the balanced `{…}` that opens at `start`. */
function braced(text: string, start: number): string {
	let depth = 0;
	for (let i = start; i < text.length; i++) {
		if (text[i] === '{') depth++;
		else if (text[i] === '}' && --depth === 0) return text.slice(start, i + 1);
	}
	return text.slice(start);
}

/** The keys written at the top level of an object literal (`a: …`, shorthand `a,`), not spreads. */
function topLevelKeys(obj: string): string[] {
	const keys: string[] = [];
	let depth = 0;
	let token = '';
	for (const ch of obj.slice(1, -1)) {
		if ('{[('.includes(ch)) depth++;
		else if ('}])'.includes(ch)) depth--;
		if (depth === 0 && (ch === ',' || ch === ':')) {
			const k = token.trim();
			if (/^[A-Za-z_]\w*$/.test(k)) keys.push(k);
			token = ch === ':' ? '\u0000' : '';
			continue;
		}
		if (token !== '\u0000' || ch === ',') token = token === '\u0000' ? '' : token + ch;
	}
	const last = token.trim();
	if (/^[A-Za-z_]\w*$/.test(last)) keys.push(last);
	return keys;
}

interface Written {
	file: string;
	actions: string[];
	detailKeys: string[];
}

/** Every appendAudit call in src: its action name(s) and the detail keys written literally. */
function auditCalls(): Written[] {
	const out: Written[] = [];
	for (const file of sourceFiles(SRC)) {
		const text = readFileSync(file, 'utf8');
		for (const m of text.matchAll(/appendAudit\(\s*\w+\s*,\s*\{/g)) {
			const obj = braced(text, m.index! + m[0].length - 1);
			// `action,` (shorthand) or `action: name`: a variable typed AuditAction, whose every
			// value tests/unit/audit.test.ts labels; only its detail keys are checked here
			const action = /\baction(?::\s*([^,\n}]+))?/.exec(obj);
			if (!action) continue;
			if (!action[1] || /^\s*\w+\s*$/.test(action[1])) {
				const detail = /\bdetail:\s*\{/.exec(obj);
				const detailKeys = detail
					? topLevelKeys(braced(obj, detail.index + detail[0].length - 1))
					: [];
				out.push({ file: path.relative(SRC, file), actions: [], detailKeys });
				continue;
			}
			// the names written, not the values compared (needs === 'none' ? 'login' : …)
			const actions = [...action[1].matchAll(/(?:^|[?:]\s*)'([a-z_]+)'/g)].map((x) => x[1]);
			const detail = /\bdetail:\s*\{/.exec(obj);
			const detailKeys = detail
				? topLevelKeys(braced(obj, detail.index + detail[0].length - 1))
				: [];
			out.push({ file: path.relative(SRC, file), actions, detailKeys });
		}
	}
	return out;
}

describe('audit entries in the source', () => {
	const calls = auditCalls();

	it('finds the calls that write the log, campaigns and hazards among them', () => {
		expect(calls.length).toBeGreaterThan(20);
		const actions = new Set(calls.flatMap((c) => c.actions));
		for (const a of [
			'campaign_created',
			'target_assigned',
			'target_check',
			'hazard_step',
			'hazard_escalated',
			'field_target_added',
			'checklist_edited',
			'residences_view',
			'equipment_check'
		])
			expect(actions, a).toContain(a);
		// the walk reads literal detail keys (a hazard step's action and states, a find's place)
		const find = calls.find((c) => c.actions.includes('field_target_added'))!;
		expect(find.detailKeys).toEqual(['campaign', 'fieldKind', 'lon', 'lat']);
	});

	it('labels every action written, in Chinese and in English', () => {
		const zh = translator('zh-CN');
		const en = translator('en');
		for (const c of calls) {
			for (const a of c.actions) {
				expect(AUDIT_ACTIONS as readonly string[], `${c.file}: ${a}`).toContain(a);
				const key = `audit.action.${a}`;
				expect(isMessageKey(key), `${c.file}: ${key}`).toBe(true);
				if (!isMessageKey(key)) continue;
				expect(zh(key)).toMatch(/\p{Script=Han}/u);
				expect(en(key)).toMatch(/^[\x20-\x7e]+$/);
			}
		}
	});

	it('labels every detail key written, for its action or for all', () => {
		for (const c of calls)
			for (const a of c.actions.length ? c.actions : ['any'])
				for (const k of c.detailKeys)
					expect(
						isMessageKey(`audit.detail.${a}.${k}`) || isMessageKey(`audit.detail.${k}`),
						`${c.file}: ${a} detail "${k}" has no label (audit.detail.${a}.${k})`
					).toBe(true);
	});
});

describe('campaign entries in words', () => {
	const at = new Date('2027-06-01T02:00:00.000Z');
	const text = (action: string, detail: unknown, locale: 'zh-CN' | 'en' = 'zh-CN') =>
		auditDetailParts(action, detail, at, locale)
			.map((p) => `${p.label}${locale === 'en' ? ': ' : '：'}${p.value}`)
			.join(' · ');

	// one detail of each shape the campaign, checklist, hazard, escalation and emergency code
	// writes (services/campaigns.ts, checklists.ts, field.ts, escalation.ts, emergency.ts,
	// residences.ts, campaign-dashboard.ts, list-exports.ts)
	const written: [string, Record<string, unknown>][] = [
		[
			'campaign_created',
			{
				name: '2027年汛期隐患排查',
				targets: 1204,
				rules: {
					institutionWaterM: 200,
					villageWaterM: 500,
					institutions: true,
					segments: true,
					homes: true,
					stations: false,
					villages: true
				}
			}
		],
		['target_assigned', { from: 12, to: 15 }],
		['target_check', { check: 3301, hazards: [41, 42] }],
		['target_check', { check: 3302, hazards: [] }],
		[
			'hazard_step',
			{
				action: 'register',
				from: 'found',
				to: 'registered',
				severity: 'major',
				responsible: '王校长',
				deadline: '2027-06-10'
			}
		],
		['hazard_step', { action: 'fix', from: 'registered', to: 'fixed' }],
		['hazard_step', { action: 'close', from: 'fixed', to: 'closed' }],
		['hazard_step', { action: 'reject', from: 'fixed', to: 'registered' }],
		[
			'hazard_escalated',
			{
				level: 2,
				supervisor: '421000000000',
				deadline: '2027-06-10T16:00:00.000Z',
				dueAt: '2027-06-17T16:00:00.000Z'
			}
		],
		[
			'field_target_added',
			{ campaign: 7, fieldKind: 'flooded_road', lon: 112.901234, lat: 29.812345 }
		],
		['checklist_edited', { checklist: 'home', version: 3, op: 'retire', item: 'gas' }],
		[
			'checklist_edited',
			{
				checklist: 'institution',
				version: 2,
				op: 'rename',
				item: 'wall',
				label: '围墙护栏',
				from: '围墙'
			}
		],
		[
			'checklist_edited',
			{ checklist: 'field', version: 4, op: 'add', item: 'added_a', label: '警戒线', from: null }
		],
		['residences_denied', { reason: 'no_emergency' }],
		['residences_view', { count: 12, basis: 'emergency', form: 'list' }],
		['export', { count: 12, basis: 'duty', form: 'xlsx' }],
		['export', { file: '测试县-排查对象-20270601.csv', rows: 120 }],
		[
			'equipment_check',
			{ check: 9, slots: [{ item: 'buoy', status: 'used' }], photos: 0, rescue: true }
		]
	];

	it('leaves no label or value in system form', () => {
		for (const [action, detail] of written) {
			const parts = auditDetailParts(action, detail, at, 'zh-CN');
			expect(parts.length, action).toBeGreaterThan(0);
			for (const p of parts) {
				expect(p.label, `${action} label`).toMatch(/\p{Script=Han}/u);
				const free = ['responsible', 'label', 'from', 'name', 'file', 'supervisor'];
				if (free.some((k) => detail[k] === p.value)) continue;
				// an added item has no words but its own label, which the entry also shows
				if (p.value === 'added_a') continue;
				expect(p.value, `${action} ${p.label}`).not.toMatch(
					/^[a-z_]+$|[{[]|\d{4}-\d{2}-\d{2}|\b(true|false|null)\b/
				);
			}
			for (const p of auditDetailParts(action, detail, at, 'en')) {
				expect(p.label, `${action} ${p.label}`).not.toMatch(/^[a-z]+[A-Z_]|_/);
				if (p.value === 'added_a') continue;
				expect(p.value, `${action} ${p.label}`).not.toMatch(
					/^[a-z]+_[a-z_]+$|[{[]|\d{4}-\d{2}-\d{2}/
				);
			}
		}
	});

	it('reads a checklist edit, a hazard step and a reassignment as an administrator would', () => {
		expect(
			text('checklist_edited', { checklist: 'home', version: 3, op: 'retire', item: 'gas' })
		).toBe('清单：家庭环境 · 新版本：3 · 操作：停用 · 项目：燃气');
		expect(
			text('hazard_step', {
				action: 'register',
				from: 'found',
				to: 'registered',
				severity: 'major',
				responsible: '王校长',
				deadline: '2027-06-10'
			})
		).toBe(
			'操作：登记 · 原状态：已排查发现 · 新状态：已登记待整改 · 隐患等级：较大隐患 · 责任人：王校长 · 整改期限（含当日）：2027年6月10日'
		);
		expect(text('target_assigned', { from: 12, to: 15 })).toBe(
			'原负责人：账号 #12 · 新负责人：账号 #15'
		);
		expect(text('target_check', { check: 3301, hazards: [] })).toBe(
			'检查编号：3301 · 发现隐患：无'
		);
		expect(text('residences_denied', { reason: 'no_emergency' }, 'en')).toBe(
			'reason: not inside a declared emergency'
		);
	});

	it('shows a stored deadline (the instant its last day ends) as that last day, as the hazard page does', () => {
		// registered with last day 2026-12-14: stored as Beijing midnight after it
		const detail = { action: 'register', deadline: '2026-12-14T16:00:00.000Z' };
		expect(text('hazard_step', detail)).toBe('操作：登记 · 整改期限（含当日）：2026年12月14日');
		expect(text('hazard_step', detail, 'en')).toBe(
			'step: Registered · deadline (last day): 14 Dec 2026'
		);
		expect(text('hazard_step', detail)).not.toContain('15日');
		expect(
			auditDetailParts(
				'hazard_escalated',
				{ deadline: '2026-12-14T16:00:00.000Z' },
				'2026-12-20T00:00:00Z',
				'zh-CN'
			)[0].value
		).toBe('2026年12月14日');
	});

	it('names the campaign, target, hazard and file an entry concerns', () => {
		expect(auditResourceText('campaign:7', 'zh-CN')).toBe('排查行动 #7');
		expect(auditResourceText('target:31', 'zh-CN')).toBe('排查对象 #31');
		expect(auditResourceText('hazard:5', 'en')).toBe('Hazard #5');
		expect(auditResourceText('campaign:7.townships.csv', 'zh-CN')).toBe(
			'排查行动 #7：各乡镇排查进度（CSV）'
		);
		expect(auditResourceText('campaigns.targets.xlsx', 'zh-CN')).toBe('排查对象清单（Excel）');
		expect(auditResourceText('annual-report.pdf', 'en')).toBe('Annual report (PDF)');
	});

	// every file the code exports and audits (waterways.ts segments.*, annual-report.ts,
	// dashboard-export.ts dashboard.<table>.*, campaign-dashboard.ts campaign:<id>.<table>.*,
	// list-exports.ts campaigns.<list>.*, planning.coverage.<level>.*, planning.scenario.* and exports/sites
	// sites.<kind>.*), in every format
	const files = [
		'segments',
		'dashboard.completion',
		'dashboard.exposure',
		'campaigns.campaigns',
		'campaigns.targets',
		'campaigns.hazards',
		'planning.coverage.village',
		'planning.coverage.township',
		'planning.scenario',
		'campaign:7.townships',
		'campaign:7.overdue',
		'sites.children_homes',
		'sites.sunshine_stations',
		'sites.institutions'
	].flatMap((f) => ['csv', 'xlsx', 'geojson'].map((x) => `${f}.${x}`));
	it.each([...files, 'annual-report.pdf'])('names the file %s in words', (resource) => {
		for (const locale of ['zh-CN', 'en'] as const) {
			const text = auditResourceText(resource, locale);
			// no file name or list code left in system form
			expect(text, `${resource} (${locale})`).not.toMatch(/\.(csv|xlsx|geojson|pdf)|[a-z]\.[a-z]/);
			if (locale === 'zh-CN') expect(text).toMatch(/\p{Script=Han}/u);
		}
	});
});

describe('numbers in an entry', () => {
	it('writes a year without a thousands separator, in both languages', () => {
		// the annual report's export writes { file, year, bytes }
		for (const locale of ['zh-CN', 'en'] as const) {
			const parts = auditDetailParts(
				'export',
				{ file: 'annual-report.pdf', year: 2026, bytes: 12345 },
				new Date('2027-01-05T02:00:00Z'),
				locale
			);
			const year = parts.find((p) => p.label === translator(locale)('audit.detail.year'))!;
			expect(year.value).toBe('2026');
			// a size is still a count, grouped as the language groups it
			expect(parts.some((p) => p.value.includes('12'))).toBe(true);
		}
	});
});

describe('detail values in words', () => {
	const at = new Date('2027-01-05T02:00:00Z');
	it('names an import by its content and coordinate system, a segment export by its filters', () => {
		const imp = auditDetailParts('import', { kind: 'children_homes', crs: 'wgs84' }, at, 'zh-CN');
		const t = translator('zh-CN');
		expect(imp.map((p) => p.value)).toEqual([t('imp.kind.children_homes'), t('imp.crs.wgs84')]);
		for (const locale of ['zh-CN', 'en'] as const) {
			const exp = auditDetailParts(
				'export',
				{ rows: 3, query: { mine: false, requiredOnly: false } },
				at,
				locale
			);
			const text = exp.map((p) => `${p.label} ${p.value}`).join(' ');
			expect(text, locale).not.toMatch(/\b(query|mine|requiredOnly)\b/);
		}
	});
});
