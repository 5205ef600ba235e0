// The only reader of environment variables. Plain process.env so that the same module works in
// the SvelteKit server, in CLI scripts (migrate, bench) and in tests.
import path from 'node:path';

export interface AppEnv {
	/** postgres://… for a real PostgreSQL + PostGIS server; unset = embedded PGlite */
	databaseUrl: string | undefined;
	/** data directory of the embedded database */
	dataDir: string;
	/** administrative code prefix to seed ('42' = all of Hubei) */
	seedArea: string;
	/** seed demo data on an empty database (default on for the embedded engine) */
	seedDemo: boolean;
	/**
	 * create the demo accounts (published password) on a database without users: with the
	 * embedded demo by default; on a PostgreSQL server only when DEMO_ACCOUNTS=1 is given
	 */
	demoAccounts: boolean;
	/** the session cookie's name; unset = one per port (see auth/session.ts) */
	cookieName: string | undefined;
	/** optional raster basemap URL template an operator may configure (e.g. Tianditu) */
	basemapUrl: string | undefined;
	/** optional PMTiles v3 vector basemap file the app serves itself (works offline) */
	basemapPmtiles: string | undefined;
	/** render the province's first-view tiles in the background after start */
	warmTiles: boolean;
	basemapAttribution: string | undefined;
	/** first administrator for a production database with no users */
	adminUsername: string | undefined;
	adminPassword: string | undefined;
	projectRoot: string;
	/** where the photos of target checks are kept as files (tus uploads) */
	uploadDir: string;
	/** an import's upload or staged rows never committed are removed after this many hours */
	importStaleHours: number;
}

function flag(value: string | undefined, fallback: boolean): boolean {
	if (value === undefined || value === '') return fallback;
	return !['0', 'false', 'no', 'off'].includes(value.toLowerCase());
}

export function readEnv(source: NodeJS.ProcessEnv = process.env): AppEnv {
	const projectRoot = path.resolve(source.TONGAN_ROOT ?? process.cwd());
	const databaseUrl = source.DATABASE_URL || undefined;
	const seedArea = (source.SEED_AREA ?? '42').trim();
	if (!/^\d{2,12}$/.test(seedArea)) {
		throw new Error(
			`SEED_AREA must be an administrative code prefix of 2–12 digits, got "${seedArea}"`
		);
	}
	const basemapUrl = source.BASEMAP_URL || undefined;
	if (basemapUrl && !/^https?:\/\/[^/]+\/.*\{z\}.*\{x\}.*\{y\}/.test(basemapUrl)) {
		throw new Error('BASEMAP_URL must be an http(s) tile URL template with {z}, {x} and {y}');
	}
	const seedDemo = flag(source.SEED_DEMO, databaseUrl === undefined);
	const cookieName = source.COOKIE_NAME?.trim() || undefined;
	const importStaleHours = Number(source.IMPORT_STALE_HOURS ?? '24');
	if (!Number.isFinite(importStaleHours) || importStaleHours <= 0) {
		throw new Error(
			`IMPORT_STALE_HOURS must be a positive number of hours, got "${source.IMPORT_STALE_HOURS}"`
		);
	}
	// a cookie name is a token (RFC 6265): no separators, spaces or controls
	if (cookieName && !/^[A-Za-z0-9_-]{1,64}$/.test(cookieName)) {
		throw new Error(`COOKIE_NAME must be 1–64 letters, digits, "_" or "-", got "${cookieName}"`);
	}
	return {
		databaseUrl,
		dataDir: path.resolve(projectRoot, source.DATA_DIR ?? 'data/pglite'),
		seedArea,
		seedDemo,
		demoAccounts:
			databaseUrl === undefined
				? flag(source.DEMO_ACCOUNTS, seedDemo)
				: flag(source.DEMO_ACCOUNTS, false),
		cookieName,
		basemapUrl,
		basemapPmtiles: source.BASEMAP_PMTILES
			? path.resolve(projectRoot, source.BASEMAP_PMTILES)
			: undefined,
		warmTiles: flag(source.WARM_TILES, true),
		basemapAttribution: source.BASEMAP_ATTRIBUTION || undefined,
		adminUsername: source.ADMIN_USERNAME?.trim().toLowerCase() || undefined,
		adminPassword: source.ADMIN_PASSWORD || undefined,
		projectRoot,
		uploadDir: path.resolve(projectRoot, source.UPLOAD_DIR ?? 'data/uploads'),
		importStaleHours
	};
}

let cached: AppEnv | undefined;
export function env(): AppEnv {
	cached ??= readEnv();
	return cached;
}
