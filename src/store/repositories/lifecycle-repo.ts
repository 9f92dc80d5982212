import { type Executor, isPostgres } from '../db.js';
import type { InstancesTable, KeypairsTable } from '../tables.js';

/** What the lifecycle intents need to know about an instance. */
export type LifecycleInstanceRow = Pick<
  InstancesTable,
  | 'id'
  | 'account_id'
  | 'region_id'
  | 'az_id'
  | 'device_type'
  | 'device_id'
  | 'status'
  | 'action'
  | 'name'
  | 'description'
  | 'data_raid_type_id'
  | 'charge_mode'
  | 'charge_unit'
  | 'charge_duration'
  | 'auto_renew'
  | 'charge_start'
  | 'charge_expire'
>;

const COLUMNS = [
  'id',
  'account_id',
  'region_id',
  'az_id',
  'device_type',
  'device_id',
  'status',
  'action',
  'name',
  'description',
  'data_raid_type_id',
  'charge_mode',
  'charge_unit',
  'charge_duration',
  'auto_renew',
  'charge_start',
  'charge_expire',
] as const;

/**
 * The caller's instance, or undefined when it does not exist or belongs to another account or
 * region. On PostgreSQL the row stays locked until the transaction ends, so two actions on one
 * instance queue instead of both reading the same status (SQLite transactions are serial).
 */
export async function findInstanceForLifecycle(
  tx: Executor,
  accountId: string,
  regionId: string,
  instanceId: string,
): Promise<LifecycleInstanceRow | undefined> {
  let q = tx
    .selectFrom('instances')
    .select(COLUMNS)
    .where('id', '=', instanceId)
    .where('account_id', '=', accountId)
    .where('region_id', '=', regionId);
  if (isPostgres(tx)) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** The caller's key pair in the region, or undefined. */
export const findKeypair = (
  tx: Executor,
  accountId: string,
  regionId: string,
  keypairId: string,
): Promise<Pick<KeypairsTable, 'id'> | undefined> =>
  tx
    .selectFrom('keypairs')
    .select('id')
    .where('id', '=', keypairId)
    .where('account_id', '=', accountId)
    .where('region_id', '=', regionId)
    .executeTakeFirst();

/**
 * Sets name and/or description unless the instance is being deleted. Returns false when no row
 * was updated (the instance is destroying, or gone).
 */
export async function renameInstance(
  tx: Executor,
  instanceId: string,
  change: { name?: string; description?: string },
  now: number,
): Promise<boolean> {
  const r = await tx
    .updateTable('instances')
    .set({ ...change, updated_at: now })
    .where('id', '=', instanceId)
    .where('status', '<>', 'destroying')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
