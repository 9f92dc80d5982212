import type { Executor } from '../../store/db.js';
import {
  type BandwidthPackageRow,
  countMembers,
  getBandwidthPackage,
} from '../../store/repositories/bandwidth-packages-repo.js';
import { invalidArgument } from '../errors.js';
import { MAX_PACKAGE_MEMBERS } from './elastic-ip-model.js';

/**
 * Resolves a bandwidth package named in a request body (ElasticIpSpec.bandwidthPackageId,
 * InstanceSpec.bandwidthPackageId…) that `adding` new elastic IPs on `lineType` will join.
 * Row-locked on PostgreSQL so the member count cannot race. Every failure is INVALID_ARGUMENT
 * naming `field` (DESIGN §3: body references that do not resolve).
 */
export async function packageToJoin(
  tx: Executor,
  owner: { accountId: string; regionId: string },
  p: { packageId: string; field: string; lineType: string; adding: number },
): Promise<BandwidthPackageRow> {
  const pkg = await getBandwidthPackage(tx, owner, p.packageId, true);
  if (!pkg) {
    throw invalidArgument(p.field, `bandwidth package ${p.packageId} not found in region ${owner.regionId}`);
  }
  if (pkg.line_type !== p.lineType) {
    throw invalidArgument(
      p.field,
      `bandwidth package ${pkg.id} is on line ${pkg.line_type}, the elastic IP on line ${p.lineType}`,
    );
  }
  const members = await countMembers(tx, pkg.id);
  if (members + p.adding > MAX_PACKAGE_MEMBERS) {
    throw invalidArgument(
      p.field,
      `bandwidth package ${pkg.id} holds ${members} of at most ${MAX_PACKAGE_MEMBERS} elastic IPs; ${p.adding} more do not fit`,
    );
  }
  return pkg;
}
