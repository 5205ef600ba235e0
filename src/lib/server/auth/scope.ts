// A viewer's scope: the code prefixes that bound everything they may see. Every read of the map,
// the waterways, the dashboard and the exports is limited by one; anything outside it is
// answered as "not found" (errors.ts), never as "forbidden", so its existence is not told.
import { isAdminCode, jurisdictionPrefix, townshipPrefix } from '$lib/domain/admin';
import { NotFoundError } from '../errors';

export interface Scope {
	/** 12-digit code of the viewer's jurisdiction */
	jurisdiction: string;
	/** its code prefix: administrative units and children */
	prefix: string;
	/**
	 * prefix for waterways and public sites: the same, except that a village's child director
	 * works the waterways and sites of the township around the village (segments and sites
	 * are registered to townships); children stay limited to the village
	 */
	sitePrefix: string;
}

export function scopeFor(jurisdiction: string): Scope {
	const prefix = jurisdictionPrefix(jurisdiction);
	return { jurisdiction, prefix, sitePrefix: townshipPrefix(prefix) };
}

export const PROVINCE_SCOPE: Scope = scopeFor('420000000000');

export function inScope(scope: Scope, code: string): boolean {
	return code.startsWith(scope.prefix);
}

export function inSiteScope(scope: Scope, code: string): boolean {
	return code.startsWith(scope.sitePrefix);
}

/** Refuse (as "not found") an area code that is malformed or outside the viewer's scope. */
export function assertAreaInScope(scope: Scope, areaCode: string): void {
	if (!isAdminCode(areaCode) || !areaCode.startsWith(scope.prefix))
		throw new NotFoundError(areaCode);
}
