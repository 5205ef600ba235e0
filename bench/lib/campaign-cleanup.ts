// The campaigns the bench launches (bench/lib/campaigns.ts), found again and removed: each
// province-wide launch writes ~78,000 targets, and launches left in the shared bench database
// slowed every later run's writes.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../src/lib/server/db/schema';

/** The user agent of every audit entry of the bench's launches: how they are known later. */
export const BENCH_AGENT = 'bench';

/**
 * Campaigns the bench itself launched: named "bench …" and audited as launched with the bench's
 * user agent (a launch through the app is audited with the browser's). Both, so that neither a
 * campaign someone named "bench …" nor one of the bench's own under another name is taken for
 * the other. The audit log is append-only: its entries stay after their campaign is removed.
 */
export async function benchCampaignIds(db: Kysely<DB>): Promise<number[]> {
	const r = await sql<{ id: number }>`
		SELECT c.id::float8 AS id FROM campaigns c
		WHERE c.name LIKE 'bench %' AND EXISTS (
			SELECT 1 FROM audit_log a
			WHERE a.action = 'campaign_created' AND a.resource = 'campaign:' || c.id
				AND a.user_agent = ${BENCH_AGENT}
		)
		ORDER BY c.id`.execute(db);
	return r.rows.map((x) => Number(x.id));
}

/** Remove campaigns the bench launched; targets, checks, hazards and their events cascade. */
export async function removeCampaigns(db: Kysely<DB>, ids: number[]): Promise<number> {
	if (!ids.length) return 0;
	const mine = new Set(await benchCampaignIds(db));
	const gone = ids.filter((id) => mine.has(id));
	if (gone.length) await sql`DELETE FROM campaigns WHERE id = ANY(${gone}::bigint[])`.execute(db);
	return gone.length;
}
