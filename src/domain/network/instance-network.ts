import type { Tx } from '../../store/db.js';
import {
  countAliasIpsOfInstance,
  deleteAliasIpsOfInstance,
  insertAliasIp,
} from '../../store/repositories/alias-ips-repo.js';
import { listAzs } from '../../store/repositories/catalog-repo.js';
import {
  allocatedInRange,
  insertAllocation,
  insertAllocations,
  lowestFreeIps,
  raiseSearchStart,
  searchStart,
  isRangeFree,
  lockVpc,
  releaseInstanceAllocations,
} from '../../store/repositories/ipam-repo.js';
import { getSubnet } from '../../store/repositories/subnets-repo.js';
import type { Caller, Deps } from '../deps.js';
import { failedPrecondition, invalidArgument, outOfRange } from '../errors.js';
import { newId } from '../ids.js';
import { recordAllocationFailure } from '../operator/allocation-failures.js';
import { MAX_ALIAS_IPS_PER_INSTANCE, placeAliasRange, poolsOfSubnet } from './alias-ranges.js';
import { ensureDefaultSubnet } from './default-network.js';
import {
  cidrContainsIp,
  formatCidr,
  formatIp,
  isReservedIp,
  lastIp,
  parseCidr,
  parseIp,
  usableCount,
  usableFirst,
  usableLast,
} from './ipv4.js';

/**
 * What createInstances needs from the network area, called inside its own transaction. Every
 * function takes the VPC lock before it reads allocations, so addresses are never handed out
 * twice, and a subnet cannot be deleted under an instance being placed in it.
 */
export interface SubnetRef {
  id: string;
  vpcId: string;
  vpcName: string;
  name: string;
  az: string;
  cidr: string;
}

/**
 * The subnet for a new instance: the given one (must exist, belong to the caller and lie in
 * `az`, else INVALID_ARGUMENT naming `field`), or — without `subnetId` — the caller's default
 * VPC and default subnet of `az`, created on first use (DESIGN §3). Locks the subnet's VPC.
 */
export async function resolveInstanceSubnet(
  deps: Deps,
  tx: Tx,
  caller: Caller,
  az: string,
  subnetId: string | undefined,
  field: string,
): Promise<SubnetRef> {
  if (subnetId === undefined || subnetId === '') {
    const azs = await listAzs(tx, caller.regionId);
    if (!azs.some((a) => a.id === az)) {
      throw invalidArgument('az', `unknown availability zone "${az}" in region ${caller.regionId}`);
    }
    return ensureDefaultSubnet(deps, tx, caller, az);
  }
  const found = await getSubnet(tx, caller, subnetId);
  if (!found) throw invalidArgument(field, `subnet ${subnetId} not found`);
  // Read again if the lock was waited for: a concurrent deleteSubnet may have committed meanwhile.
  const s = (await lockVpc(tx, found.vpc_id)) ? await getSubnet(tx, caller, subnetId) : found;
  if (!s) throw invalidArgument(field, `subnet ${subnetId} not found`);
  if (s.az_id !== az) {
    throw invalidArgument(field, `subnet ${subnetId} is in availability zone ${s.az_id}, not ${az}`);
  }
  return { id: s.id, vpcId: s.vpc_id, vpcName: s.vpc_name, name: s.name, az: s.az_id, cidr: s.cidr };
}

/**
 * One private IP per instance id from the subnet's primary CIDR, lowest free first, or the
 * requested `ip` (then exactly one instance; it must be inside the CIDR, not reserved and free,
 * else INVALID_ARGUMENT naming `field`). Returns the IPs in the order of `instanceIds`.
 * Throws FAILED_PRECONDITION when the subnet has fewer free addresses than instances.
 */
export async function allocateInstanceIps(
  deps: Deps,
  tx: Tx,
  subnet: SubnetRef,
  instanceIds: string[],
  requestedIp: string | undefined,
  field: string,
  kind: 'instance' | 'extension' = 'instance',
): Promise<string[]> {
  await lockVpc(tx, subnet.vpcId);
  const pool = parseCidr(subnet.cidr)!;
  const now = deps.clock.now();
  const allocate = (ip: number, ownerId: string) =>
    insertAllocation(tx, {
      vpc_id: subnet.vpcId,
      subnet_id: subnet.id,
      pool_id: subnet.id,
      first_ip: ip,
      last_ip: ip,
      kind,
      owner_id: ownerId,
      created_at: now,
    });

  if (requestedIp !== undefined && requestedIp !== '') {
    if (instanceIds.length !== 1)
      throw invalidArgument(field, 'a fixed private IP allows only one instance (count 1)');
    const ip = parseIp(requestedIp);
    if (ip === undefined) throw invalidArgument(field, `"${requestedIp}" is not an IPv4 address`);
    if (!cidrContainsIp(pool, ip)) {
      throw invalidArgument(field, `${requestedIp} is not inside subnet ${subnet.id} (${subnet.cidr})`);
    }
    if (isReservedIp(pool, ip)) {
      throw invalidArgument(
        field,
        `${requestedIp} is reserved (network, gateway or broadcast address of ${subnet.cidr})`,
      );
    }
    if (!(await isRangeFree(tx, subnet.vpcId, ip, ip)))
      throw invalidArgument(field, `${requestedIp} is already in use`);
    await allocate(ip, instanceIds[0]);
    return [requestedIp];
  }

  // Everything below the search start is taken (a pool's hint): the search starts near the free
  // space instead of at the bottom of a densely used pool. The lowest free addresses are found a
  // run of free addresses at a time and written in one statement (issue 16: count-N creates).
  const poolFirst = usableFirst(pool);
  const from = await searchStart(tx, subnet.vpcId, poolFirst);
  const found = await lowestFreeIps(tx, subnet.vpcId, from, usableLast(pool), instanceIds.length);
  if (found.length < instanceIds.length) {
    // All or nothing: nothing of this batch has been written yet.
    recordAllocationFailure('private_ip');
    const free = usableCount(pool) - (await allocatedInRange(tx, subnet.vpcId, pool.base, lastIp(pool)));
    throw failedPrecondition(`subnet ${subnet.id} has only ${free} free addresses`);
  }
  await insertAllocations(
    tx,
    instanceIds.map((ownerId, i) => ({
      vpc_id: subnet.vpcId,
      subnet_id: subnet.id,
      pool_id: subnet.id,
      first_ip: found[i]!,
      last_ip: found[i]!,
      kind,
      owner_id: ownerId,
      created_at: now,
    })),
  );
  const taken = found.at(-1);
  await raiseSearchStart(tx, subnet.vpcId, poolFirst, taken === undefined ? from : taken + 1);
  return found.map(formatIp);
}

/**
 * Validates and allocates the alias ranges of one NIC of a new instance, creating alias_ips
 * rows. All or nothing (unlike createAliasIp): the first bad range throws INVALID_ARGUMENT
 * naming `${field}[i].cidr` or `${field}[i].id`; more than 50 ranges per instance → OUT_OF_RANGE.
 */
export async function allocateInstanceAliasIps(
  deps: Deps,
  tx: Tx,
  caller: Caller,
  subnet: SubnetRef,
  instanceId: string,
  aliasIps: { id?: string; cidr?: string }[],
  field: string,
  nic: 'primary' | 'extension',
): Promise<void> {
  if (aliasIps.length === 0) return;
  await lockVpc(tx, subnet.vpcId);
  const existing = await countAliasIpsOfInstance(tx, instanceId);
  if (existing + aliasIps.length > MAX_ALIAS_IPS_PER_INSTANCE) {
    throw outOfRange(field, `an instance holds at most ${MAX_ALIAS_IPS_PER_INSTANCE} alias IP ranges`);
  }
  const pools = await poolsOfSubnet(tx, subnet, nic);
  const now = deps.clock.now();
  for (const [i, info] of aliasIps.entries()) {
    const placed = await placeAliasRange(tx, pools, info);
    if (!placed.ok) throw invalidArgument(`${field}[${i}].${placed.field}`, placed.message);
    const id = newId('aliasIp');
    await insertAliasIp(tx, {
      id,
      account_id: caller.accountId,
      region_id: caller.regionId,
      instance_id: instanceId,
      subnet_id: placed.pool.subnetId,
      secondary_cidr_id: placed.pool.secondaryCidrId,
      cidr: formatCidr(placed.cidr),
      nic,
      created_at: now,
    });
    await insertAllocation(tx, {
      vpc_id: placed.pool.vpcId,
      subnet_id: placed.pool.subnetId,
      pool_id: placed.pool.id,
      first_ip: placed.cidr.base,
      last_ip: lastIp(placed.cidr),
      kind: 'alias',
      owner_id: id,
      created_at: now,
    });
  }
}

/** Releases every private address and alias range (alias_ips rows too) of an instance. Idempotent. */
export async function releaseInstanceNetwork(tx: Tx, instanceId: string): Promise<void> {
  await releaseInstanceAllocations(tx, instanceId);
  await deleteAliasIpsOfInstance(tx, instanceId);
}
