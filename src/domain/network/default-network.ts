import type { Tx } from '../../store/db.js';
import { secondaryCidrsOfVpc } from '../../store/repositories/secondary-cidrs-repo.js';
import { findDefaultSubnet, insertSubnet, subnetsOfVpc } from '../../store/repositories/subnets-repo.js';
import {
  findDefaultVpc,
  insertDefaultVpcIfAbsent,
  lockAndGetVpc,
} from '../../store/repositories/vpcs-repo.js';
import type { Caller, Deps } from '../deps.js';
import { failedPrecondition } from '../errors.js';
import { newId } from '../ids.js';
import { type Cidr, cidrsOverlap, formatCidr, parseCidr } from './ipv4.js';
import type { SubnetRef } from './instance-network.js';

export const DEFAULT_VPC_CIDR = '10.0.0.0/16';
export const DEFAULT_VPC_NAME = 'default';
export const DEFAULT_SUBNET_PREFIX = 24;

/**
 * The caller's default subnet in `az`, creating the default VPC and/or subnet on first use
 * (DESIGN §3 "No subnetId"). Concurrent first uses create each once: the default VPC insert
 * is conflict-free on a partial unique index, and the subnet is chosen under the VPC lock.
 * Leaves the default VPC locked (the caller allocates addresses in it next).
 */
export async function ensureDefaultSubnet(
  deps: Deps,
  tx: Tx,
  caller: Caller,
  az: string,
): Promise<SubnetRef> {
  // The user may delete the (empty) default VPC between our insert and our lock: try again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const now = deps.clock.now();
    let vpc = await findDefaultVpc(tx, caller);
    if (!vpc) {
      await insertDefaultVpcIfAbsent(tx, {
        id: newId('vpc'),
        account_id: caller.accountId,
        region_id: caller.regionId,
        name: DEFAULT_VPC_NAME,
        cidr: DEFAULT_VPC_CIDR,
        description: 'default VPC, created by the first instance launched without a subnet',
        is_default: 1,
        created_at: now,
        updated_at: now,
      });
      vpc = await findDefaultVpc(tx, caller);
      if (!vpc) continue;
    }
    const locked = await lockAndGetVpc(tx, caller, vpc.id);
    if (!locked) continue;
    const existing = await findDefaultSubnet(tx, locked.id, az);
    if (existing) {
      return {
        id: existing.id,
        vpcId: locked.id,
        vpcName: locked.name,
        name: existing.name,
        az: existing.az_id,
        cidr: existing.cidr,
      };
    }
    const cidr = await firstFreeBlock(tx, locked.id, parseCidr(locked.cidr)!, DEFAULT_SUBNET_PREFIX);
    if (!cidr) {
      throw failedPrecondition(
        `default VPC ${locked.id} has no free /${DEFAULT_SUBNET_PREFIX} left for a default subnet in ${az}; pass a subnetId`,
      );
    }
    const id = newId('subnet');
    const name = `default-${az}`.slice(0, 32);
    await insertSubnet(tx, {
      id,
      account_id: caller.accountId,
      region_id: caller.regionId,
      az_id: az,
      vpc_id: locked.id,
      name,
      cidr: formatCidr(cidr),
      description: '',
      is_default: 1,
      created_at: now,
      updated_at: now,
    });
    return { id, vpcId: locked.id, vpcName: locked.name, name, az, cidr: formatCidr(cidr) };
  }
  throw failedPrecondition('the default VPC was deleted while an instance was being placed in it; try again');
}

/** Lowest aligned block of `prefix` in the VPC that overlaps no subnet and no secondary CIDR. */
async function firstFreeBlock(
  tx: Tx,
  vpcId: string,
  vpcCidr: Cidr,
  prefix: number,
): Promise<Cidr | undefined> {
  if (prefix < vpcCidr.prefix) return undefined;
  const taken = [
    ...(await subnetsOfVpc(tx, vpcId)).map((s) => parseCidr(s.cidr)!),
    ...(await secondaryCidrsOfVpc(tx, vpcId)).map((c) => parseCidr(c.cidr)!),
  ];
  const size = 2 ** (32 - prefix);
  for (let base = vpcCidr.base; base < vpcCidr.base + vpcCidr.size; base += size) {
    const block = { base, prefix, size };
    if (!taken.some((t) => cidrsOverlap(t, block))) return block;
  }
  return undefined;
}
