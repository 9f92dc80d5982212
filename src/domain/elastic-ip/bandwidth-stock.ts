import type { Executor } from '../../store/db.js';
import { packagesBandwidth } from '../../store/repositories/bandwidth-packages-repo.js';
import { getRegionCapacity, standaloneBandwidth } from '../../store/repositories/elastic-ips-repo.js';
import { failedPrecondition } from '../errors.js';

/** Bandwidth in Mbps: the main figure and the extra uplink figure. */
export interface Bandwidth {
  bandwidth: number;
  extra: number;
}

/**
 * Public bandwidth a region can still sell (Mbps): the region's `bandwidth_capacity` /
 * `extra_uplink_capacity` minus what elastic IPs outside packages and bandwidth packages hold.
 * Members of a package share the package's bandwidth, so their own figures are not counted
 * while they are members (they are again when they leave). Region-wide, across accounts.
 * Callers that then consume stock must have locked the region row (`lockRegion`) first.
 */
export async function bandwidthStock(db: Executor, regionId: string): Promise<Bandwidth> {
  const [cap, eips, pkgs] = await Promise.all([
    getRegionCapacity(db, regionId),
    standaloneBandwidth(db, regionId),
    packagesBandwidth(db, regionId),
  ]);
  return {
    bandwidth: Math.max(0, (cap?.bandwidth_capacity ?? 0) - eips.bandwidth - pkgs.bandwidth),
    extra: Math.max(0, (cap?.extra_uplink_capacity ?? 0) - eips.extra - pkgs.extra),
  };
}

/** Throws FAILED_PRECONDITION when `need` exceeds what the region has left. */
export async function requireBandwidth(tx: Executor, regionId: string, need: Bandwidth): Promise<void> {
  if (need.bandwidth <= 0 && need.extra <= 0) return;
  const stock = await bandwidthStock(tx, regionId);
  if (need.bandwidth > stock.bandwidth) {
    throw failedPrecondition(
      `not enough bandwidth stock in region ${regionId}: ${need.bandwidth} Mbps requested, ${stock.bandwidth} Mbps available`,
    );
  }
  if (need.extra > stock.extra) {
    throw failedPrecondition(
      `not enough extra uplink bandwidth stock in region ${regionId}: ${need.extra} Mbps requested, ${stock.extra} Mbps available`,
    );
  }
}
