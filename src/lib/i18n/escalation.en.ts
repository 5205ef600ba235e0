import type { escalationZh } from './escalation.zh';

export const escalationEn: Record<keyof typeof escalationZh, string> = {
	'nav.hazards': 'Supervised hazards',
	'esc.title': 'Hazards and supervision',
	'esc.intro':
		'A hazard not closed by its deadline is supervised by the county from then on; seven days later, still not closed, by the prefecture. A hazard fixed but not yet verified and closed still counts as open.',
	'esc.badge.county': 'County supervision',
	'esc.badge.prefecture': 'Prefecture supervision',
	'esc.badge.county.title': 'Overdue and not closed: supervised by the county',
	'esc.badge.prefecture.title': 'Over 7 days overdue and not closed: supervised by the prefecture',
	'esc.toMe.county': 'Hazards escalated to this county',
	'esc.toMe.prefecture': 'Hazards escalated to this prefecture',
	'esc.toMe.none': 'No hazard is escalated to this level',
	'esc.all': 'Open hazards in your area (supervised first)',
	'esc.none': 'No open hazard in your area',
	'esc.onlySupervised': 'Supervised only',
	'esc.showAll': 'Show all',
	'esc.limited':
		'Only the first {n} are listed, every supervised one among them; the exported files hold them all',
	'esc.toMeLimited': 'Only the first {n} are listed; the exported files hold them all',
	'esc.campaign': 'Campaign',
	'esc.area': 'Area',
	'esc.supervision': 'Supervision',
	'esc.history': 'Supervision record',
	'esc.level.1': 'County supervision',
	'esc.level.2': 'Prefecture supervision',
	'esc.since': 'Supervised since',
	'esc.by': 'Supervising unit',
	'audit.action.hazard_escalated': 'Overdue hazard escalated',
	'audit.detail.hazard_escalated.level': 'Level',
	'audit.detail.hazard_escalated.supervisor': 'Supervising unit code',
	'audit.detail.hazard_escalated.deadline': 'Deadline',
	'audit.detail.hazard_escalated.dueAt': 'Supervised since'
};
