import type { Executor } from '../../store/db.js';
import { isRangeFree } from '../../store/repositories/ipam-repo.js';
import { secondaryCidrsOfSubnet } from '../../store/repositories/secondary-cidrs-repo.js';
import { type Cidr, checkCidr, cidrContains, coversReserved, formatCidr, lastIp, parseCidr } from './ipv4.js';

/** Product limit (reference §f.2): alias ranges per instance, both NICs together. */
export const MAX_ALIAS_IPS_PER_INSTANCE = 50;

/** An address pool alias ranges may come from: a subnet's primary CIDR or its secondary CIDR. */
export interface AliasPool {
  /** What AliasIpInfo.id names: the subnet id (primary CIDR) or the secondary CIDR id. */
  id: string;
  subnetId: string;
  vpcId: string;
  /** "" for the primary CIDR. */
  secondaryCidrId: string;
  cidr: Cidr;
  nic: 'primary' | 'extension';
}

/** The pools of one NIC's subnet: its primary CIDR, then its secondary CIDR if any. */
export async function poolsOfSubnet(
  db: Executor,
  subnet: { id: string; vpcId: string; cidr: string },
  nic: 'primary' | 'extension',
): Promise<AliasPool[]> {
  const pools: AliasPool[] = [
    {
      id: subnet.id,
      subnetId: subnet.id,
      vpcId: subnet.vpcId,
      secondaryCidrId: '',
      cidr: parseCidr(subnet.cidr)!,
      nic,
    },
  ];
  for (const sc of await secondaryCidrsOfSubnet(db, subnet.id)) {
    pools.push({
      id: sc.id,
      subnetId: subnet.id,
      vpcId: subnet.vpcId,
      secondaryCidrId: sc.id,
      cidr: parseCidr(sc.cidr)!,
      nic,
    });
  }
  return pools;
}

/** Where a requested range goes, or why it cannot: `field` is `id` or `cidr` of the AliasIpInfo. */
export type AliasPlacement =
  { ok: true; pool: AliasPool; cidr: Cidr } | { ok: false; field: 'id' | 'cidr'; message: string };

const fail = (field: 'id' | 'cidr', message: string): AliasPlacement => ({ ok: false, field, message });

/**
 * Checks one requested alias range against the instance's pools and the VPC's allocations.
 * The caller holds the VPC lock of every pool, so "free" stays true until it allocates.
 * Without `id`, the pool is the one containing the range (a convenience: JD leaves id optional).
 */
export async function placeAliasRange(
  tx: Executor,
  pools: readonly AliasPool[],
  info: { id?: string; cidr?: string },
): Promise<AliasPlacement> {
  if (info.cidr === undefined || info.cidr === '') return fail('cidr', 'is required');
  const checked = checkCidr(info.cidr);
  if (!checked.ok) {
    return checked.reason === 'misaligned'
      ? fail(
          'cidr',
          `${info.cidr} is not aligned to its prefix length (the network address would be ${checked.aligned})`,
        )
      : fail('cidr', `"${info.cidr}" is not an IPv4 CIDR such as 10.0.0.16/28`);
  }
  const cidr = checked.cidr;
  const text = formatCidr(cidr);
  let pool: AliasPool | undefined;
  if (info.id !== undefined && info.id !== '') {
    pool = pools.find((p) => p.id === info.id);
    if (!pool) {
      return fail(
        'id',
        `"${info.id}" is neither a subnet nor a secondary CIDR of the instance's network interfaces`,
      );
    }
    if (!cidrContains(pool.cidr, cidr)) {
      return fail('cidr', `${text} is not inside ${formatCidr(pool.cidr)} of ${pool.id}`);
    }
  } else {
    pool = pools.find((p) => cidrContains(p.cidr, cidr));
    if (!pool) return fail('cidr', `${text} lies in none of the instance's subnets or secondary CIDRs`);
  }
  if (coversReserved(pool.cidr, cidr)) {
    return fail(
      'cidr',
      `${text} covers a reserved address (network, gateway or broadcast) of ${formatCidr(pool.cidr)}`,
    );
  }
  if (!(await isRangeFree(tx, pool.vpcId, cidr.base, lastIp(cidr)))) {
    return fail('cidr', `${text} overlaps an address or range already in use`);
  }
  return { ok: true, pool, cidr };
}
