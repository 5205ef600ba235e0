// Which coordinate system a file's points are in, judged by where they land, not by what the
// columns are called: AMap and Baidu points under plain 经度/纬度 columns are GCJ-02 and BD-09,
// 600 m and 1.3 km off WGS84 in Hubei. A sample of the file's rows is converted from each
// candidate system to WGS84, and each point is held to the place its row claims: the stored
// location of the record with the same source id (a re-import), or else the unit it names (its
// outline when it has one, otherwise its seat: the demo's and the real ladder's villages have a
// centre only). The system that puts a point nearest its claim gets that point's vote. Pure: the
// distances are measured in SQL (repositories/import-crs.ts) and only counted here.
import type { Translate } from '$lib/i18n';
import type { Crs } from './coords';

/** The systems told apart. CGCS2000 is WGS84 at map scale: a file's names may still say it. */
export const CANDIDATES = ['wgs84', 'gcj02', 'bd09'] as const;
export type Candidate = (typeof CANDIDATES)[number];

/**
 * Rows sampled, spread through the file: 300 rows give each system's vote count a standard
 * error of about 8 rows, far below the margin below, and cost one short SQL statement of 900
 * points whether the file has 300 rows or 300,000.
 */
export const MAX_SAMPLE_ROWS = 300;

/**
 * A point votes only when its best system puts it at least this much nearer its claim than the
 * next: inside a unit's outline under two systems (0 m each) a point says nothing, and a few
 * metres is the conversions' own error.
 */
export const DECISIVE_GAP_M = 10;

/** Fewer decisive points than this is too little to overrule the column names. */
export const MIN_DECISIVE = 10;

/**
 * The winner needs at least twice the votes of the runner-up. Points spread evenly around their
 * claims (a file whose codes say little about where its points are) split their votes between
 * WGS84 and BD-09, the two ends of the 1.3 km line the three systems span, at most about 45:55
 * in simulation; a real offset gives the right system 85-95 % of the votes when the points lie
 * near what they claim. Twice the runner-up lies between the two, so a wrong shift of 600 m
 * (as bad as the one this prevents) is not made on noise.
 */
export const WIN_RATIO = 2;

/** The minimum of candidates per sampled row: distances in metres, null when unmeasured. */
export type Misfits = Record<Candidate, number | null>;

/** Which claim a sampled point was held to. */
export type Basis = 'record' | 'unit';

export interface CrsEvidence {
	basis: Basis;
	/** sampled rows held to this basis */
	points: number;
	/** points whose best system was at least DECISIVE_GAP_M better than the next */
	decisive: number;
	votes: Record<Candidate, number>;
	/** the median distance from the claim under each system, metres (rounded) */
	medianM: Record<Candidate, number | null>;
}

export interface CrsDetection {
	/** the system used */
	crs: Crs;
	/** what the column names said (guessCrs) */
	hint: Crs;
	/** 'content': the points decided; 'thin': too little evidence, the names decided;
	 * 'unclear': enough points but no clear winner, the names decided */
	decidedBy: 'content' | 'thin' | 'unclear';
	/** rows sampled with a usable point */
	sampled: number;
	evidence: CrsEvidence | null;
}

/** Every how many records to take one, for at most `max` spread through `count`. */
export function sampleStride(count: number, max = MAX_SAMPLE_ROWS): number {
	return Math.max(1, Math.ceil(count / max));
}

function median(xs: number[]): number | null {
	if (xs.length === 0) return null;
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The votes and medians of the points held to one basis. */
export function tally(basis: Basis, rows: Misfits[]): CrsEvidence {
	const votes = { wgs84: 0, gcj02: 0, bd09: 0 };
	let decisive = 0;
	const full = rows.filter((r) => CANDIDATES.every((c) => r[c] !== null && Number.isFinite(r[c])));
	for (const r of full) {
		const order = [...CANDIDATES].sort((a, b) => (r[a] as number) - (r[b] as number));
		if ((r[order[1]] as number) - (r[order[0]] as number) < DECISIVE_GAP_M) continue;
		votes[order[0]]++;
		decisive++;
	}
	const medianM = Object.fromEntries(
		CANDIDATES.map((c) => {
			const m = median(full.map((r) => r[c] as number));
			return [c, m === null ? null : Math.round(m)];
		})
	) as CrsEvidence['medianM'];
	return { basis, points: full.length, decisive, votes, medianM };
}

/**
 * The system to use. A re-import's own records are the stronger claim (the exact place, not
 * an area), so they are asked first when enough of them are decisive. A clear winner decides;
 * otherwise the column names do, as before content was read (WGS84 unless they name an app).
 * A winner of WGS84 where the names say CGCS2000 is kept as CGCS2000: the same at map scale.
 */
export function decideCrs(
	hint: Crs,
	sampled: number,
	byRecord: CrsEvidence | null,
	byUnit: CrsEvidence | null
): CrsDetection {
	const evidence =
		byRecord && byRecord.decisive >= MIN_DECISIVE
			? byRecord
			: byUnit && byUnit.decisive >= MIN_DECISIVE
				? byUnit
				: (byRecord ?? byUnit);
	if (!evidence || evidence.decisive < MIN_DECISIVE)
		return { crs: hint, hint, decidedBy: 'thin', sampled, evidence };
	const [first, second] = [...CANDIDATES].sort((a, b) => evidence.votes[b] - evidence.votes[a]);
	if (evidence.votes[first] < WIN_RATIO * evidence.votes[second])
		return { crs: hint, hint, decidedBy: 'unclear', sampled, evidence };
	const crs: Crs = first === 'wgs84' && hint === 'cgcs2000' ? 'cgcs2000' : first;
	return { crs, hint, decidedBy: 'content', sampled, evidence };
}

const CRS_NAME: Record<Crs, string> = {
	wgs84: 'WGS84',
	cgcs2000: 'CGCS2000',
	gcj02: 'GCJ-02',
	bd09: 'BD-09'
};

/**
 * The dry run's line: the system used and on what evidence, each system's count of points it
 * put nearest their claim ("GCJ-02 下 47/50 个点最贴近（中位 12 米）"), the winner first.
 */
export function detectionText(t: Translate, d: CrsDetection): string {
	const e = d.evidence;
	const crs = CRS_NAME[d.crs];
	if (!e || d.decidedBy === 'thin')
		return t('imp.crsDetect.thin', { crs, sampled: d.sampled, n: e?.decisive ?? 0 });
	const votes = [...CANDIDATES]
		.sort((a, b) => e.votes[b] - e.votes[a])
		.map((c) =>
			t('imp.crsDetect.vote', {
				crs: CRS_NAME[c],
				n: e.votes[c],
				of: e.points,
				m: e.medianM[c] ?? '—'
			})
		)
		.join(t('punct.listSep'));
	const basis = t(e.basis === 'record' ? 'imp.crsDetect.byRecord' : 'imp.crsDetect.byUnit');
	return t(d.decidedBy === 'content' ? 'imp.crsDetect.content' : 'imp.crsDetect.unclear', {
		crs,
		basis,
		votes
	});
}
