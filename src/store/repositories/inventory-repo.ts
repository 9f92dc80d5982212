import { sql } from 'kysely';
import { type Executor, isPostgres } from '../db.js';
import { prepared, preparedShapes } from '../prepared.js';

/** A device allocateDevices gave an instance, and how it is driven ('' = simulated). */
export interface AllocatedDevice {
  id: string;
  driver: string;
}

/**
 * Physical inventory: devices and the public IP pool. Allocation takes rows with
 * FOR UPDATE SKIP LOCKED on PostgreSQL, so racing transactions never take the same row and
 * never wait on each other; on SQLite transactions are serialised.
 */
export async function allocateDevices(
  tx: Executor,
  where: { regionId: string; azId: string; deviceType: string },
  instanceIds: readonly string[],
): Promise<AllocatedDevice[] | undefined> {
  const free = await freeDevices.all(tx, { ...where, n: instanceIds.length });
  if (free.length < instanceIds.length) return undefined;
  // SQLite: by rowid, found by the query above in this transaction. Device ids are digests of
  // serials: each one looked up in the id index is a random page of it (600,000 devices: ~6,000
  // pages against a 500-page cache), where the rowids are neighbours (serial order) on table
  // pages the query above has just read (issue 16).
  const keys = free.map((d) => d.rowid ?? d.id);
  // One UPDATE per chunk of devices instead of one per device (issue 16: count-N creates).
  // A single device keeps the plain statement; a chunk is one statement with a CASE per device.
  for (let i = 0; i < keys.length; i += DEVICE_CHUNK) {
    const chunk = keys.slice(i, i + DEVICE_CHUNK);
    if (chunk.length === 1) {
      await allocateOne.run(tx, { key: chunk[0]!, instanceId: instanceIds[i]! });
      continue;
    }
    const values: Record<string, unknown> = {};
    chunk.forEach((key, j) => {
      values[`d${j}`] = key;
      values[`i${j}`] = instanceIds[i + j];
    });
    await devicesAllocated.all(tx, String(chunk.length), (p) => allocateChunk(tx, p, chunk.length), values);
  }
  return free.map((d) => ({ id: d.id, driver: d.bmc_driver }));
}

const devicesAllocated = preparedShapes<Record<string, unknown>, never>();

/** The devices' key: the rowid on SQLite (see allocateDevices), the id on PostgreSQL. */
const deviceKey = (db: Executor) => (isPostgres(db) ? sql.ref('id') : sql.ref('rowid'));

/** Devices `d0`… given to instances `i0`… in one statement (a CASE per device). */
function allocateChunk(tx: Executor, p: Record<string, unknown>, n: number) {
  const key = deviceKey(tx);
  const whens = Array.from({ length: n }, (_, j) => sql`WHEN ${p[`d${j}`]} THEN ${p[`i${j}`]}`);
  return (
    tx
      .updateTable('devices')
      .set({ status: 'allocated', instance_id: sql<string>`CASE ${key} ${sql.join(whens, sql` `)} END` })
      .where(
        key,
        'in',
        Array.from({ length: n }, (_, j) => p[`d${j}`]),
      )
      // status is NOT NULL: the same test as `status = 'available'`, but one SQLite cannot answer
      // from an index — with `status = ?` it walks devices_status_listing (every available device,
      // ~100 ms at 50,000) instead of looking the listed devices up by key (~0.15 ms).
      .where(sql<string>`coalesce(status, '')`, '=', 'available')
  );
}

const freeDevices = prepared((db, p: { regionId: string; azId: string; deviceType: string; n: number }) =>
  db
    .selectFrom('devices')
    .select(['id', 'bmc_driver'])
    .$if(!isPostgres(db), (q) => q.select(sql<number>`rowid`.as('rowid')))
    .where('region_id', '=', p.regionId)
    .where('az_id', '=', p.azId)
    .where('device_type', '=', p.deviceType)
    .where('status', '=', 'available')
    .orderBy('serial')
    .limit(p.n)
    .$if(isPostgres(db), (q) => q.forUpdate().skipLocked()),
);

const allocateOne = prepared((db, p: { key: string | number; instanceId: string }) =>
  db
    .updateTable('devices')
    .set({ status: 'allocated', instance_id: p.instanceId })
    .where(deviceKey(db), '=', p.key)
    .where('status', '=', 'available'),
);

/** Devices allocated per UPDATE statement (3 parameters each). */
const DEVICE_CHUNK = 500;

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
