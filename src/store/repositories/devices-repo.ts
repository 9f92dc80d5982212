import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../db.js';
import type { DevicesTable } from '../tables.js';

/** A device as listed and shown: every column but what its driver keeps (a few hundred bytes). */
export type DeviceRow = Omit<Selectable<DevicesTable>, 'driver_state' | 'driver_state_at'>;

/**
 * Every status a device can have. Counts by status name them all (`status IN (…)`): status leads
 * the one index that holds it (devices_status_listing, migration 0011), so each status is one
 * indexed range instead of a walk of the region's devices.
 */
export const DEVICE_STATUSES = [
  'available',
  'allocated',
  'retired',
] as const satisfies readonly DeviceRow['status'][];
// A status added to the table's type but not to the list above is a compile error here: the
// counts would silently leave its devices out.
const everyStatusListed: [Exclude<DeviceRow['status'], (typeof DEVICE_STATUSES)[number]>] extends [never]
  ? true
  : false = true;
void everyStatusListed;

export const DEVICE_COLUMNS = [
  'id',
  'serial',
  'region_id',
  'az_id',
  'device_type',
  'bmc_url',
  'bmc_driver',
  'bmc_username',
  'bmc_password_sealed',
  'bmc_insecure',
  'boot_mode',
  'power_state',
  'health',
  'health_message',
  'health_checked_at',
  'next_sync_at',
  'status',
  'instance_id',
  'created_at',
] as const satisfies readonly (keyof DeviceRow)[];

/**
 * Inserts devices, 500 rows per statement (15 columns: 7,500 parameters, inside both SQLite's
 * 32,766 and PostgreSQL's 65,535).
 */
export async function insertDevices(db: Executor, rows: readonly Insertable<DevicesTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('devices')
      .values(rows.slice(i, i + 500))
      .execute();
  }
}

/** A device by its id or its serial. */
export const findDevice = (db: Executor, idOrSerial: string): Promise<DeviceRow | undefined> =>
  db
    .selectFrom('devices')
    .select(DEVICE_COLUMNS)
    .where((eb) => eb.or([eb('id', '=', idOrSerial), eb('serial', '=', idOrSerial)]))
    .executeTakeFirst();

export async function updateDevice(db: Executor, id: string, set: Updateable<DevicesTable>): Promise<void> {
  await db.updateTable('devices').set(set).where('id', '=', id).execute();
}

export const findDeviceBySerial = (db: Executor, serial: string): Promise<DeviceRow | undefined> =>
  db.selectFrom('devices').select(DEVICE_COLUMNS).where('serial', '=', serial).executeTakeFirst();

/** Serials among `serials` that already exist. */
export async function existingSerials(db: Executor, serials: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < serials.length; i += 500) {
    const rows = await db
      .selectFrom('devices')
      .select('serial')
      .where('serial', 'in', serials.slice(i, i + 500))
      .execute();
    out.push(...rows.map((r) => r.serial));
  }
  return out;
}

export const listDevices = (
  db: Executor,
  f: { regionId?: string; azId?: string; deviceType?: string; status?: DeviceRow['status'] },
): Promise<DeviceRow[]> =>
  db
    .selectFrom('devices')
    .select(DEVICE_COLUMNS)
    .$if(f.regionId !== undefined, (q) => q.where('region_id', '=', f.regionId!))
    .$if(f.azId !== undefined, (q) => q.where('az_id', '=', f.azId!))
    .$if(f.deviceType !== undefined, (q) => q.where('device_type', '=', f.deviceType!))
    .$if(f.status !== undefined, (q) => q.where('status', '=', f.status!))
    .orderBy('region_id')
    .orderBy('az_id')
    .orderBy('device_type')
    .orderBy('serial')
    .execute();

/**
 * Takes a free device out of service. The conditional UPDATE makes the race with an allocation
 * safe: a device an instance took a moment ago is not retired. Returns false when the device is
 * not `available`.
 */
export async function retireDevice(db: Executor, serial: string): Promise<boolean> {
  const r = await db
    .updateTable('devices')
    .set({ status: 'retired' })
    .where('serial', '=', serial)
    .where('status', '=', 'available')
    .where('instance_id', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Devices of a region counted by device type and status. */
export async function countByTypeAndStatus(
  db: Executor,
  regionId: string,
): Promise<{ device_type: string; status: DeviceRow['status']; n: number }[]> {
  const rows = await db
    .selectFrom('devices')
    .select(['device_type', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', 'in', DEVICE_STATUSES)
    .where('region_id', '=', regionId)
    .groupBy(['device_type', 'status'])
    .execute();
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}
