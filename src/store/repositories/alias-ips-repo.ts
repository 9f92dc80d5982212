import type { Selectable } from 'kysely';
import type { Executor } from '../db.js';
import { paged } from '../paging.js';
import type { AliasIpsTable } from '../tables.js';
import { likeSubstring } from './like.js';

export type AliasIpRow = Selectable<AliasIpsTable>;
export type AliasIpWithAz = AliasIpRow & { az_id: string };

interface Owner {
  accountId: string;
  regionId: string;
}

function withAz(db: Executor) {
  return db
    .selectFrom('alias_ips')
    .innerJoin('subnets', 'subnets.id', 'alias_ips.subnet_id')
    .selectAll('alias_ips')
    .select('subnets.az_id as az_id');
}

export const getAliasIp = (db: Executor, owner: Owner, id: string): Promise<AliasIpWithAz | undefined> =>
  withAz(db)
    .where('alias_ips.id', '=', id)
    .where('alias_ips.account_id', '=', owner.accountId)
    .where('alias_ips.region_id', '=', owner.regionId)
    .executeTakeFirst();

export interface AliasIpQuery {
  ids?: readonly string[];
  subnetId?: string;
  instanceId?: string;
  /** Substring of the CIDR text. */
  cidr?: string;
}

/** Creation order (created_at, id): stable across pages. */
export function listAliasIps(
  db: Executor,
  owner: Owner,
  q: AliasIpQuery,
  page: { offset: number; pageSize: number },
) {
  let query = withAz(db)
    .where('alias_ips.account_id', '=', owner.accountId)
    .where('alias_ips.region_id', '=', owner.regionId);
  if (q.ids) query = query.where('alias_ips.id', 'in', q.ids.length > 0 ? [...q.ids] : ['']);
  if (q.subnetId !== undefined) query = query.where('alias_ips.subnet_id', '=', q.subnetId);
  if (q.instanceId !== undefined) query = query.where('alias_ips.instance_id', '=', q.instanceId);
  if (q.cidr !== undefined) query = query.where(likeSubstring('alias_ips.cidr', q.cidr));
  return paged(query.orderBy('alias_ips.created_at').orderBy('alias_ips.id'), page);
}

export async function insertAliasIp(tx: Executor, row: AliasIpRow): Promise<void> {
  await tx.insertInto('alias_ips').values(row).execute();
}

export async function deleteAliasIp(tx: Executor, id: string): Promise<void> {
  await tx.deleteFrom('alias_ips').where('id', '=', id).execute();
}

export async function deleteAliasIpsOfInstance(tx: Executor, instanceId: string): Promise<void> {
  await tx.deleteFrom('alias_ips').where('instance_id', '=', instanceId).execute();
}

export async function countAliasIpsOfInstance(db: Executor, instanceId: string): Promise<number> {
  const r = await db
    .selectFrom('alias_ips')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('instance_id', '=', instanceId)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function countAliasIpsOfSubnet(db: Executor, subnetId: string): Promise<number> {
  const r = await db
    .selectFrom('alias_ips')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('subnet_id', '=', subnetId)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function countAliasIpsOfSecondaryCidr(db: Executor, secondaryCidrId: string): Promise<number> {
  const r = await db
    .selectFrom('alias_ips')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('secondary_cidr_id', '=', secondaryCidrId)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Elastic IPs bound to these instances, with their private target (which alias ranges carry one). */
export async function elasticIpTargets(
  db: Executor,
  instanceIds: readonly string[],
): Promise<{ id: string; instance_id: string; target_ip: string }[]> {
  if (instanceIds.length === 0) return [];
  const rows = await db
    .selectFrom('elastic_ips')
    .select(['id', 'instance_id', 'target_ip'])
    .where('instance_id', 'in', [...instanceIds])
    .execute();
  return rows.flatMap((r) =>
    r.instance_id === null ? [] : [{ id: r.id, instance_id: r.instance_id, target_ip: r.target_ip }],
  );
}

/** What the network area needs to know of an instance (the row itself belongs to the instance area). */
export interface InstanceNics {
  id: string;
  status: string;
  az_id: string;
  subnet_id: string;
  extension_subnet_id: string;
}

export const getInstanceNics = (db: Executor, owner: Owner, id: string): Promise<InstanceNics | undefined> =>
  db
    .selectFrom('instances')
    .select(['id', 'status', 'az_id', 'subnet_id', 'extension_subnet_id'])
    .where('id', '=', id)
    .where('account_id', '=', owner.accountId)
    .where('region_id', '=', owner.regionId)
    .executeTakeFirst();
