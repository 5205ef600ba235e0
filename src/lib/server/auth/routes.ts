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
	'/(app)/waterways': 'user',
	'/(app)/waterways/[id]': 'user',
	'/(app)/dashboard': 'user',
	'/api/checks': 'user',
	'/api/photos/[id]': 'user',
	'/api/waterways/geometry': 'user',
	'/api/exports/segments': 'user',
	'/api/analysis/exposure': 'user',
	'/(app)/admin/users': 'admin',
	'/(app)/admin/users/[id]': 'admin',
	'/(app)/admin/audit': 'admin',
	'/(app)/admin/emergencies': 'admin',
	'/(app)/admin/settings': 'admin'
};
