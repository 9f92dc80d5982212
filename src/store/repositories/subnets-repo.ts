import type { Selectable } from 'kysely';
import type { Executor } from '../db.js';
import { prepared } from '../prepared.js';
import { paged } from '../paging.js';
import type { SubnetsTable } from '../tables.js';
import { likeSubstring } from './like.js';

export type SubnetRow = Selectable<SubnetsTable>;
/** A subnet with the name of its VPC (the wire model carries both). */
export type SubnetWithVpc = SubnetRow & { vpc_name: string };

interface Owner {
  accountId: string;
  regionId: string;
}

function withVpc(db: Executor) {
  return db
    .selectFrom('subnets')
    .innerJoin('vpcs', 'vpcs.id', 'subnets.vpc_id')
    .selectAll('subnets')
    .select('vpcs.name as vpc_name');
}

const ownSubnet = prepared((db, p: Owner & { id: string }) =>
  withVpc(db)
    .where('subnets.id', '=', p.id)
    .where('subnets.account_id', '=', p.accountId)
    .where('subnets.region_id', '=', p.regionId),
);
export const getSubnet = (db: Executor, owner: Owner, id: string): Promise<SubnetWithVpc | undefined> =>
  ownSubnet.first(db, { accountId: owner.accountId, regionId: owner.regionId, id });

/** Every subnet of a VPC (overlap checks, first free default /24). */
export const subnetsOfVpc = (db: Executor, vpcId: string): Promise<SubnetRow[]> =>
  db
    .selectFrom('subnets')
    .selectAll()
    .where('vpc_id', '=', vpcId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();

export const findDefaultSubnet = (
  db: Executor,
  vpcId: string,
  azId: string,
): Promise<SubnetRow | undefined> =>
  db
    .selectFrom('subnets')
    .selectAll()
    .where('vpc_id', '=', vpcId)
    .where('az_id', '=', azId)
    .where('is_default', '=', 1)
    .executeTakeFirst();

export async function insertSubnet(tx: Executor, row: SubnetRow): Promise<void> {
  await tx.insertInto('subnets').values(row).execute();
}

export interface SubnetQuery {
  ids?: readonly string[];
  az?: string;
  vpcId?: string;
  /** Substring of the name, case-insensitive. */
  name?: string;
}

/** Creation order (created_at, id): stable across pages. */
export function listSubnets(
  db: Executor,
  owner: Owner,
  q: SubnetQuery,
  page: { offset: number; pageSize: number },
) {
  let query = withVpc(db)
    .where('subnets.account_id', '=', owner.accountId)
    .where('subnets.region_id', '=', owner.regionId);
  if (q.ids) query = query.where('subnets.id', 'in', q.ids.length > 0 ? [...q.ids] : ['']);
  if (q.az !== undefined) query = query.where('subnets.az_id', '=', q.az);
  if (q.vpcId !== undefined) query = query.where('subnets.vpc_id', '=', q.vpcId);
  if (q.name !== undefined) query = query.where(likeSubstring('subnets.name', q.name));
  return paged(query.orderBy('subnets.created_at').orderBy('subnets.id'), page);
}

export async function updateSubnet(
  tx: Executor,
  id: string,
  patch: { name?: string; description?: string; updated_at: number },
): Promise<void> {
  await tx.updateTable('subnets').set(patch).where('id', '=', id).execute();
}

export async function deleteSubnet(tx: Executor, id: string): Promise<void> {
  await tx.deleteFrom('subnets').where('id', '=', id).execute();
}

export async function countSubnetsOfVpc(db: Executor, vpcId: string): Promise<number> {
  const r = await db
    .selectFrom('subnets')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('vpc_id', '=', vpcId)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Instances (any status) whose primary or extension NIC sits in the subnet. */
export async function countInstancesInSubnet(db: Executor, subnetId: string): Promise<number> {
  const r = await db
    .selectFrom('instances')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where((eb) => eb.or([eb('subnet_id', '=', subnetId), eb('extension_subnet_id', '=', subnetId)]))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}
