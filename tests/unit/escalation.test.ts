// 挂牌督办, the pure rule: county from the deadline, prefecture seven Beijing days later; closed
// never escalates; fixed-but-unverified still counts as open (see domain/escalation.ts).
import { describe, expect, it } from 'vitest';
import {
	addBeijingDays,
	beijingDay,
	escalationDueAt,
	escalationLevel,
	escalationsDue,
	supervisorCode,
	supervisedBy
} from '$lib/domain/escalation';
import { readFileSync } from 'node:fs';
import { TRANSITIONS, type HazardState } from '$lib/domain/hazard';

// a deadline as the hazard page stores it: last day 2026-07-10, so it ends at the start of
// 2026-07-11 in Beijing (16:00 UTC on the 10th)
const DEADLINE = new Date('2026-07-10T16:00:00Z');
const AREA = '421083104000'; // a township of 洪湖市 (421083), 荆州市 (4210)
const at = (iso: string) => new Date(iso);
const h = (state: HazardState, deadline: Date | null = DEADLINE) => ({
	state,
	deadline,
	areaCode: AREA
});

describe('escalation rule', () => {
	it('nothing before or at the deadline, the county just after it', () => {
		expect(escalationsDue(h('registered'), at('2026-07-10T15:59:59Z'))).toEqual([]);
		expect(escalationsDue(h('registered'), DEADLINE)).toEqual([]);
		expect(escalationsDue(h('registered'), at('2026-07-10T16:00:01Z'))).toEqual([
			{ level: 1, supervisorCode: '421083000000', dueAt: DEADLINE }
		]);
	});

	it('the prefecture seven Beijing days after the deadline, not a minute before', () => {
		const prefectureAt = at('2026-07-17T16:00:00Z'); // the start of 2026-07-18 in Beijing
		expect(escalationDueAt(DEADLINE, 2)).toEqual(prefectureAt);
		expect(beijingDay(prefectureAt)).toBe('2026-07-18');
		expect(escalationLevel(h('registered'), at('2026-07-17T15:59:00Z'))).toBe(1);
		const due = escalationsDue(h('registered'), at('2026-07-17T16:01:00Z'));
		expect(due.map((e) => [e.level, e.supervisorCode])).toEqual([
			[1, '421083000000'],
			[2, '421000000000']
		]);
		expect(due[1].dueAt).toEqual(prefectureAt);
	});

	it('a closed hazard never escalates, however late', () => {
		expect(escalationsDue(h('closed'), at('2027-01-01T00:00:00Z'))).toEqual([]);
		expect(escalationLevel(h('closed'), at('2027-01-01T00:00:00Z'))).toBe(0);
	});

	it('a fix not yet verified still counts as open', () => {
		expect(escalationLevel(h('fixed'), at('2026-07-12T00:00:00Z'))).toBe(1);
		expect(escalationLevel(h('fixed'), at('2026-07-20T00:00:00Z'))).toBe(2);
	});

	it('a hazard without a deadline (not registered) has nothing to be late for', () => {
		expect(escalationsDue(h('found', null), at('2027-01-01T00:00:00Z'))).toEqual([]);
	});

	it('counts days on the Beijing calendar across a month end', () => {
		// 23:30 in Beijing on 30 June → 23:30 on 7 July
		const late = at('2026-06-30T15:30:00Z');
		expect(beijingDay(late)).toBe('2026-06-30');
		expect(addBeijingDays(late, 7)).toEqual(at('2026-07-07T15:30:00Z'));
		expect(beijingDay(addBeijingDays(late, 7))).toBe('2026-07-07');
	});

	it('names the supervising unit by level, and matches it to a jurisdiction', () => {
		expect(supervisorCode('421083104201', 1)).toBe('421083000000');
		expect(supervisorCode('421083104201', 2)).toBe('421000000000');
		expect(supervisedBy('421000000000', '421000000000')).toBe(true);
		expect(supervisedBy('420100000000', '421000000000')).toBe(false);
		expect(supervisedBy('421083000000', '421000000000')).toBe(false);
	});
});

describe("the database's guard matches the domain", () => {
	it('allows exactly the transitions of domain/hazard.ts', () => {
		const text = readFileSync('migrations/0014_hazard_escalation.sql', 'utf8');
		const list = text.slice(text.indexOf('NOT IN ('), text.indexOf(') THEN'));
		const inSql = [...list.matchAll(/\('(\w+)', '(\w+)'\)/g)].map((m) => `${m[1]}>${m[2]}`);
		const inDomain = Object.values(TRANSITIONS).map((t) => `${t.from}>${t.to}`);
		expect(inSql.sort()).toEqual(inDomain.sort());
		expect(inSql).toHaveLength(4);
	});
});
