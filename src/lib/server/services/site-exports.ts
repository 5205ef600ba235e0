// The public sites of the viewer's area as files, read with the map's scope (the sites of the
// jurisdiction, or of the township around a village: sites are registered to townships), each
// export audited with its format, file and row count like every other list.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { canExportSites, type Principal } from '../auth/policy';
import { scopeFor } from '../auth/scope';
import { Forbidden } from '../errors';
import { siteRows, SITE_KINDS, type SiteKind } from '../repositories/sites';
import { siteTable } from '../exports-sites';
import { findUnit } from './areas';
import type { ListExport } from './list-exports';
import { translator, type Locale } from '$lib/i18n';

export { SITE_KINDS };

const LAYER_NAMES = {
	children_homes: 'layers.homes',
	sunshine_stations: 'layers.stations',
	institutions: 'layers.institutions'
} as const;

export async function sitesForExport(
	db: Kysely<DB>,
	who: Principal,
	kind: SiteKind,
	locale: Locale
): Promise<ListExport> {
	if (!canExportSites(who)) throw new Forbidden('sites');
	const scope = scopeFor(who.jurisdiction);
	const [rows, unit] = await Promise.all([
		siteRows(db, kind, scope.sitePrefix),
		findUnit(db, who.jurisdiction)
	]);
	const t = translator(locale);
	return {
		table: siteTable(kind, rows, locale),
		area: { code: who.jurisdiction, name: unit?.name ?? who.jurisdiction },
		// the layer's name, as the map's panel the links sit in says it
		what: { name: t(LAYER_NAMES[kind]), ascii: kind.replace('_', '-') }
	};
}
