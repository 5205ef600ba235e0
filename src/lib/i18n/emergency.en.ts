import type { emergencyZh } from './emergency.zh';

export const emergencyEn: Record<keyof typeof emergencyZh, string> = {
	'nav.emergency': 'Emergency',
	'em.denied.noEmergency':
		'Where children live is shown only during a declared emergency; ask the county administrator to declare one',
	'em.banner': 'Emergency: {area}, {start} to {end}',
	'em.banner.later': 'Emergency declared from {start}: {area}',
	// a bare "Open" beside an emergency read as its state, not as a link to the emergency desk
	'em.banner.link': 'View the emergency',
	'em.title': 'Emergencies',
	'em.none':
		'No emergency is declared in your area. Where children live is shown only during one; ask the county administrator.',
	'em.active': 'In force',
	'em.later': 'Not yet begun',
	'em.window': 'Window',
	'em.area': 'Area',
	// where children live, not 儿童之家 ("children's homes" elsewhere in English): QA
	'em.homes': 'Where children live, by village',
	'em.homes.intro':
		'Only inside a declared emergency and its area; every view and export is recorded in the audit log.',
	'em.homes.inForce': 'Emergency in force',
	'em.homes.others': 'Other areas (only once an emergency is declared)',
	'em.homes.area': 'Township or village code',
	'em.homes.show': 'Show list',
	'em.homes.print': 'Print',
	'em.homes.village': 'Village',
	'em.homes.count': 'homes of {n} children',
	'em.homes.ref': 'Child ref.',
	'em.homes.segment': 'Nearest segment',
	'em.homes.segmentId': 'Nearest segment No.',
	'em.homes.distance': 'Distance (m)',
	'em.homes.position': 'Lon/lat',
	'em.homes.none': 'No registered child lives in this area',
	'em.rescue': 'Record use in a rescue',
	'em.rescue.intro':
		"A buoy, rope or pole used in a rescue is recorded as 'used, not replaced'; the segment's four items follow.",
	'em.rescue.segment': 'Segment No.',
	'em.rescue.items': 'Items used',
	'em.rescue.note': 'Note',
	'em.rescue.submit': 'Record',
	'em.rescue.done': "Recorded; the segment's four items are updated.",
	'outbox.rescue': 'rescue use on “{name}”',
	'outbox.refusedRescue': 'The rescue use on “{segment}” was not accepted: {reason}',
	'outbox.confirmDiscardRescue':
		'This rescue use will never be uploaded once deleted. Delete from this phone?',
	'em.rescue.queued':
		'No signal: saved on this phone; it will be uploaded by itself when there is signal (see “waiting to upload” at the top).',
	'em.rescue.title': 'During the emergency: record items used in a rescue',
	'em.rescue.err.items': 'Choose the items used in the rescue (buoy, rope or pole)',
	'em.rescue.err.noEmergency':
		'This segment is not inside an emergency in force; ask the county administrator',
	'em.rescue.err.role': 'Only emergency staff record use in a rescue, during an emergency',
	'audit.detail.rescue': 'rescue',
	'audit.detail.form': 'form'
};
