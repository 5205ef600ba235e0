// The planning endpoints' bodies, parsed at the edge (a refusal is a 400 naming the field).
import * as v from 'valibot';
import { MAX_K, MAX_PLACED, MAX_RADIUS_M, MIN_RADIUS_M } from '$lib/domain/planning';
import { isInHubei } from '$lib/geo/distance';
import { adminCode } from './validation';

const lonLat = v.pipe(
	v.tuple([v.pipe(v.number(), v.finite()), v.pipe(v.number(), v.finite())]),
	v.check(([lon, lat]) => isInHubei(lon, lat), 'valid.format')
);

const k = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_K));
const radiusM = v.pipe(v.number(), v.integer(), v.minValue(MIN_RADIUS_M), v.maxValue(MAX_RADIUS_M));

/** the area planned in: a unit inside the jurisdiction (a county chosen above the county) */
const area = v.optional(v.nullable(adminCode));

export const RunBody = v.object({
	area,
	k,
	radiusM,
	placed: v.optional(v.pipe(v.array(lonLat), v.maxLength(MAX_PLACED)))
});

const site = v.object({
	kind: v.picklist(['village', 'upgrade', 'placed', 'moved']),
	ref: v.pipe(v.string(), v.maxLength(40)),
	name: v.pipe(v.string(), v.maxLength(100)),
	lon: v.pipe(v.number(), v.finite()),
	lat: v.pipe(v.number(), v.finite()),
	reason: v.optional(v.picklist(['closed', 'suspended', 'small']))
});

export const SaveBody = v.object({
	area,
	name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(60)),
	k,
	radiusM,
	sites: v.pipe(
		v.array(
			v.pipe(
				site,
				v.check((s) => isInHubei(s.lon, s.lat), 'valid.format')
			)
		),
		v.minLength(1),
		v.maxLength(MAX_K)
	)
});
