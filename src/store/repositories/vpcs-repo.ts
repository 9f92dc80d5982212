import { type Selectable, sql } from 'kysely';
import type { Executor } from '../db.js';
import { paged } from '../paging.js';
import type { VpcsTable } from '../tables.js';
import { lockVpc } from './ipam-repo.js';
import { likeSubstring } from './like.js';

export type VpcRow = Selectable<VpcsTable>;

interface Owner {
  accountId: string;
  regionId: string;
}

export const getVpc = (db: Executor, owner: Owner, id: string): Promise<VpcRow | undefined> =>
  db
    .selectFrom('vpcs')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', owner.accountId)
    .where('region_id', '=', owner.regionId)
    .executeTakeFirst();

/**
 * Locks the VPC (PostgreSQL row lock; SQLite transactions are serialised) and reads it afresh,
 * so the caller sees every change committed by whoever held the lock before. Undefined when the
 * VPC does not exist, belongs to someone else, or was deleted meanwhile.
 */
export async function lockAndGetVpc(tx: Executor, owner: Owner, id: string): Promise<VpcRow | undefined> {
  await lockVpc(tx, id);
  return getVpc(tx, owner, id);
}

export async function insertVpc(tx: Executor, row: VpcRow): Promise<void> {
  await tx.insertInto('vpcs').values(row).execute();
}

/**
 * Inserts the default VPC unless the account already has one in the region (a concurrent
 * transaction may have just inserted it: the partial unique index makes this wait for it).
 */
export async function insertDefaultVpcIfAbsent(tx: Executor, row: VpcRow): Promise<void> {
  await tx
    .insertInto('vpcs')
    .values({ ...row, is_default: 1 })
    .onConflict((oc) =>
      oc.columns(['account_id', 'region_id']).where('is_default', '=', sql.lit(1)).doNothing(),
    )
    .execute();
}

export const findDefaultVpc = (db: Executor, owner: Owner): Promise<VpcRow | undefined> =>
  db
    .selectFrom('vpcs')
    .selectAll()
    .where('account_id', '=', owner.accountId)
    .where('region_id', '=', owner.regionId)
    .where('is_default', '=', 1)
    .executeTakeFirst();

export interface VpcQuery {
  ids?: readonly string[];
  /** Substring of the name, case-insensitive. */
  name?: string;
}

/** Creation order (created_at, id): stable across pages. */
export function listVpcs(
  db: Executor,
  owner: Owner,
  q: VpcQuery,
  page: { offset: number; pageSize: number },
) {
  let query = db
    .selectFrom('vpcs')
    .selectAll()
    .where('account_id', '=', owner.accountId)
    .where('region_id', '=', owner.regionId);
  if (q.ids) query = query.where('id', 'in', q.ids.length > 0 ? [...q.ids] : ['']);
  if (q.name !== undefined) query = query.where(likeSubstring('name', q.name));
  return paged(query.orderBy('created_at').orderBy('id'), page);
}

export async function updateVpc(
  tx: Executor,
  id: string,
  patch: { name?: string; description?: string; updated_at: number },
): Promise<void> {
  await tx.updateTable('vpcs').set(patch).where('id', '=', id).execute();
}

export async function deleteVpc(tx: Executor, id: string): Promise<void> {
  await tx.deleteFrom('vpcs').where('id', '=', id).execute();
}
