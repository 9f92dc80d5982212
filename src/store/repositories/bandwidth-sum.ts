import { sql } from 'kysely';
import type { Executor } from '../db.js';

/**
 * Bandwidth and extra uplink summed over a region's rows: bandwidth packages, or elastic IPs
 * outside any package (a package's members share its bandwidth). Region stock is what is left.
 */
export async function regionBandwidthSum(
  db: Executor,
  of: 'bandwidth_packages' | 'standalone_elastic_ips',
  regionId: string,
): Promise<{ bandwidth: number; extra: number }> {
  const from = of === 'bandwidth_packages' ? sql`bandwidth_packages` : sql`elastic_ips`;
  const standalone = of === 'standalone_elastic_ips' ? sql`AND bandwidth_package_id IS NULL` : sql``;
  const r = await sql<{ bw: number | string | null; extra: number | string | null }>`
    SELECT COALESCE(SUM(bandwidth), 0) AS bw, COALESCE(SUM(extra_uplink_bandwidth), 0) AS extra
    FROM ${from} WHERE region_id = ${regionId} ${standalone}`.execute(db);
  return { bandwidth: Number(r.rows[0]?.bw ?? 0), extra: Number(r.rows[0]?.extra ?? 0) };
}
