// Who may reach each route, by SvelteKit route id. hooks.server.ts enforces it before any
// load, action or endpoint runs. A route that is missing here is refused (fail closed), and
// the authorization matrix test walks src/routes so a new route cannot go unlisted.
export type RouteAccess =
	/** anyone, signed in or not */
	| 'public'
	/** a session whose second factor may still be pending */
	| 'pending'
	/** a fully signed-in user; the service layer then scopes to their jurisdiction */
	| 'user'
	/** administrators only */
	| 'admin';

export const ROUTE_ACCESS: Record<string, RouteAccess> = {
	'/login': 'public',
	'/healthz': 'public',
	'/lang': 'public',
	'/login/totp': 'pending',
	'/account/totp': 'pending',
	'/logout': 'pending',
	'/(app)': 'user',
	'/(app)/account': 'user',
	'/api/areas/[code]': 'user',
	'/api/features/[layer]/[id]': 'user',
	'/api/residences': 'user',
	'/tiles/[source]/[z]/[x]/[y].mvt': 'user',
	'/tiles/basemap.pmtiles': 'user',
	'/(app)/waterways': 'user',
	'/(app)/waterways/[id]': 'user',
	'/(app)/dashboard': 'user',
	// the annual report: every role that sees the dashboard, of its own area or a part of it
	'/(app)/reports/annual': 'user',
	'/api/checks': 'user',
	'/api/photos/[id]': 'user',
	'/api/waterways/geometry': 'user',
	'/api/exports/segments': 'user',
	'/api/exports/dashboard': 'user',
	'/api/exports/campaigns': 'user',
	// the public sites as files: whoever sees them on the map (policy.canExportSites)
	'/api/exports/sites': 'user',
	// the annual report as a PDF, XLSX or CSV: whoever may see the report, for the same areas
	'/api/exports/annual-report': 'user',
	'/api/analysis/exposure': 'user',
	'/api/version': 'user',
	// planners and administrators (policy.canPlanSites, in the service)
	'/(app)/planning': 'user',
	'/api/planning/run': 'user',
	'/api/planning/scenarios': 'user',
	'/api/exports/planning': 'user',
	'/api/exports/planning-coverage': 'user',
	// campaigns: every signed-in role may open them; the service scopes each read and the policy
	// decides each write (launching and registering are administrators')
	'/(app)/campaigns': 'user',
	'/(app)/campaigns/[id]': 'user',
	'/(app)/campaigns/[id]/dashboard': 'user',
	'/(app)/campaigns/[id]/bulletin': 'user',
	// the checklist editor: administrators (the service: of the campaign's area only)
	'/(app)/campaigns/[id]/checklists': 'admin',
	'/api/exports/campaign-dashboard': 'user',
	'/(app)/campaigns/mine': 'user',
	'/(app)/campaigns/targets/[id]': 'user',
	// the hazard list with 挂牌督办 (services/escalation.ts scopes it)
	'/(app)/hazards': 'user',
	'/(app)/hazards/[id]': 'user',
	// its lists as files, read through the same service
	'/api/exports/hazards': 'user',
	'/api/hazard-photos/[id]': 'user',
	// field work on a phone: the check's record, its photos (tus) and targets found in the field
	'/api/target-checks': 'user',
	'/api/uploads/[...path]': 'user',
	'/api/check-photos/[id]': 'user',
	'/api/field-targets': 'user',
	// a hazard's step taken out of signal, sent later by the phone's outbox (as the page's forms)
	'/api/hazard-steps': 'user',
	// emergency staff (and administrators): the emergency desk, near a place, the homes' file;
	// the services decide the role and the emergency
	'/(app)/emergency': 'user',
	'/api/emergency/near': 'user',
	'/api/exports/emergency-homes': 'user',
	// a rescue's use of a segment's items, from the phone's outbox (the service decides)
	'/api/rescues': 'user',
	'/(app)/admin/users': 'admin',
	'/(app)/admin/users/[id]': 'admin',
	'/(app)/admin/audit': 'admin',
	'/(app)/admin/emergencies': 'admin',
	'/(app)/admin/settings': 'admin',
	'/(app)/admin/imports': 'admin',
	'/api/imports': 'admin',
	// an import's file over tus, before the steps read it
	'/api/import-uploads/[...path]': 'admin'
};
