import type { Executor } from '../../store/db.js';
import { secondaryCidrsOfVpc } from '../../store/repositories/secondary-cidrs-repo.js';
import { subnetsOfVpc } from '../../store/repositories/subnets-repo.js';
import { alreadyExists, invalidArgument } from '../errors.js';
import { type Cidr, cidrContains, cidrsOverlap, formatCidr, parseCidr } from './ipv4.js';

/** `cidr` must lie inside the VPC's CIDR (400 INVALID_ARGUMENT naming `field`). */
export function requireInsideVpc(field: string, cidr: Cidr, vpc: { id: string; cidr: string }): void {
  if (!cidrContains(parseCidr(vpc.cidr)!, cidr)) {
    throw invalidArgument(field, `${formatCidr(cidr)} is not inside VPC ${vpc.id} (${vpc.cidr})`);
  }
}

/**
 * `cidr` must overlap no subnet and no secondary CIDR of the VPC. A conflict with an existing
 * range is 409 ALREADY_EXISTS (reference §b: "CIDR overlap on create"). The caller holds the
 * VPC lock, so the answer stays true until it inserts.
 */
export async function requireNoOverlap(
  db: Executor,
  field: string,
  cidr: Cidr,
  vpcId: string,
): Promise<void> {
  const text = formatCidr(cidr);
  for (const s of await subnetsOfVpc(db, vpcId)) {
    if (cidrsOverlap(parseCidr(s.cidr)!, cidr)) {
      throw alreadyExists(`${field} ${text} overlaps subnet ${s.id} (${s.cidr})`);
    }
  }
  for (const c of await secondaryCidrsOfVpc(db, vpcId)) {
    if (cidrsOverlap(parseCidr(c.cidr)!, cidr)) {
      throw alreadyExists(
        `${field} ${text} overlaps secondary CIDR ${c.id} (${c.cidr}) of subnet ${c.subnet_id}`,
      );
    }
  }
}
