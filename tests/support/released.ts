// An independent recomputation of released counts, for tests: the children counted are chosen
// by SQL (plain PostGIS), their villages and key sums read by SQL, summed up the administrative
// levels and released with the product's ptable (domain/disclosure.ts). The test then compares
// what the app shows with this.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../src/lib/server/db/schema';
import { releaseTree, type CountNode } from '../../src/lib/domain/disclosure';

const LENGTHS = [12, 9, 6, 4, 2];

/** Released count of the given children per unit (code prefix) at and below `prefix`. */
export async function releasedPerUnit(
	db: Kysely<DB>,
	ids: number[],
	prefix: string
): Promise<Map<string, number>> {
	const r = await sql<{ v: string; n: number; k: number }>`
		SELECT village_code AS v, count(*)::int AS n, sum(record_key)::float8 AS k
		FROM children WHERE id = ANY(${ids}::bigint[]) AND village_code LIKE ${prefix + '%'}
		GROUP BY village_code`.execute(db);
	const nodes = new Map<string, CountNode & { code: string; parts: CountNode[] }>();
	const get = (code: string) => {
		let n = nodes.get(code);
		if (!n) nodes.set(code, (n = { code, count: 0, keySum: 0, parts: [] }));
		return n;
	};
	for (const row of r.rows) {
		// each village adds itself to every unit above it, down to the area itself
		let child: (CountNode & { code: string; parts: CountNode[] }) | undefined;
		for (const len of LENGTHS.filter((l) => l >= prefix.length)) {
			const n = get(row.v.slice(0, len));
			n.count += row.n;
			n.keySum += row.k;
			if (child && !n.parts.includes(child)) n.parts.push(child);
			child = n;
		}
	}
	const out = new Map<string, number>();
	const root = nodes.get(prefix);
	if (root)
		releaseTree(root, (n, res) => out.set((n as CountNode & { code: string }).code, res.released));
	return out;
}
