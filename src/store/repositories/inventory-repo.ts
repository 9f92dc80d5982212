import { type Executor, isPostgres } from '../db.js';

/**
 * Physical inventory: devices and the public IP pool. Allocation takes rows with
 * FOR UPDATE SKIP LOCKED on PostgreSQL, so racing transactions never take the same row and
 * never wait on each other; on SQLite transactions are serialised.
 */
export async function allocateDevices(
  tx: Executor,
  where: { regionId: string; azId: string; deviceType: string },
  instanceIds: readonly string[],
): Promise<string[] | undefined> {
  const free = await tx
    .selectFrom('devices')
    .select('id')
    .where('region_id', '=', where.regionId)
    .where('az_id', '=', where.azId)
    .where('device_type', '=', where.deviceType)
    .where('status', '=', 'available')
    .orderBy('serial')
    .limit(instanceIds.length)
    .$if(isPostgres(tx), (q) => q.forUpdate().skipLocked())
    .execute();
  if (free.length < instanceIds.length) return undefined;
  for (const [i, d] of free.entries()) {
    await tx
      .updateTable('devices')
      .set({ status: 'allocated', instance_id: instanceIds[i] })
      .where('id', '=', d.id)
      .where('status', '=', 'available')
      .execute();
  }
  return free.map((d) => d.id);
}

/** Returns the instance's device to stock (unless an operator retired it meanwhile). */
export async function releaseDevice(tx: Executor, instanceId: string): Promise<void> {
  await tx
    .updateTable('devices')
    .set({ status: 'available', instance_id: null })
    .where('instance_id', '=', instanceId)
    .where('status', '=', 'allocated')
    .execute();
  await tx.updateTable('devices').set({ instance_id: null }).where('instance_id', '=', instanceId).execute();
}

export const countAvailableDevices = async (
  db: Executor,
  where: { regionId: string; azId: string; deviceType: string },
): Promise<number> => {
  const r = await db
    .selectFrom('devices')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('region_id', '=', where.regionId)
    .where('az_id', '=', where.azId)
    .where('device_type', '=', where.deviceType)
    .where('status', '=', 'available')
    .executeTakeFirst();
  return Number(r?.n ?? 0);
};

/** Takes one free public address of the region for `holderId` (an elastic IP id). */
export async function allocatePublicIp(
  tx: Executor,
  regionId: string,
  holderId: string,
): Promise<string | undefined> {
  const free = await tx
    .selectFrom('public_ips')
    .select('ip')
    .where('region_id', '=', regionId)
    .where('holder_id', 'is', null)
    .orderBy('ip_num')
    .limit(1)
    .$if(isPostgres(tx), (q) => q.forUpdate().skipLocked())
    .executeTakeFirst();
  if (!free) return undefined;
  await tx
    .updateTable('public_ips')
    .set({ holder_id: holderId })
    .where('region_id', '=', regionId)
    .where('ip', '=', free.ip)
    .execute();
  return free.ip;
}

export async function releasePublicIp(tx: Executor, holderId: string): Promise<void> {
  await tx.updateTable('public_ips').set({ holder_id: null }).where('holder_id', '=', holderId).execute();
}

export async function countFreePublicIps(db: Executor, regionId: string): Promise<number> {
  const r = await db
    .selectFrom('public_ips')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('region_id', '=', regionId)
    .where('holder_id', 'is', null)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}
