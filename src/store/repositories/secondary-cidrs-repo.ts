import type { Selectable } from 'kysely';
import type { Executor } from '../db.js';
import type { SecondaryCidrsTable } from '../tables.js';

export type SecondaryCidrRow = Selectable<SecondaryCidrsTable>;
/** A secondary CIDR with what its wire model shows of its subnet and VPC. */
export type SecondaryCidrWithSubnet = SecondaryCidrRow & {
  az_id: string;
  vpc_id: string;
  vpc_name: string;
};

interface Owner {
  accountId: string;
  regionId: string;
}

function withSubnet(db: Executor) {
  return db
    .selectFrom('secondary_cidrs')
    .innerJoin('subnets', 'subnets.id', 'secondary_cidrs.subnet_id')
    .innerJoin('vpcs', 'vpcs.id', 'subnets.vpc_id')
    .selectAll('secondary_cidrs')
    .select(['subnets.az_id as az_id', 'subnets.vpc_id as vpc_id', 'vpcs.name as vpc_name']);
}

export const getSecondaryCidr = (
  db: Executor,
  owner: Owner,
  id: string,
): Promise<SecondaryCidrWithSubnet | undefined> =>
  withSubnet(db)
    .where('secondary_cidrs.id', '=', id)
    .where('secondary_cidrs.account_id', '=', owner.accountId)
    .where('secondary_cidrs.region_id', '=', owner.regionId)
    .executeTakeFirst();

export const secondaryCidrsOfSubnet = (db: Executor, subnetId: string): Promise<SecondaryCidrWithSubnet[]> =>
  withSubnet(db)
    .where('secondary_cidrs.subnet_id', '=', subnetId)
    .orderBy('secondary_cidrs.created_at')
    .orderBy('secondary_cidrs.id')
    .execute();

/** Secondary CIDRs of every subnet of a VPC (overlap checks). */
export const secondaryCidrsOfVpc = (db: Executor, vpcId: string): Promise<SecondaryCidrWithSubnet[]> =>
  withSubnet(db)
    .where('subnets.vpc_id', '=', vpcId)
    .orderBy('secondary_cidrs.created_at')
    .orderBy('secondary_cidrs.id')
    .execute();

export async function insertSecondaryCidr(tx: Executor, row: SecondaryCidrRow): Promise<void> {
  await tx.insertInto('secondary_cidrs').values(row).execute();
}

export async function deleteSecondaryCidr(tx: Executor, id: string): Promise<void> {
  await tx.deleteFrom('secondary_cidrs').where('id', '=', id).execute();
}
