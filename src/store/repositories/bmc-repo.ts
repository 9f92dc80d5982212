import { sql } from 'kysely';
import { type Executor, isPostgres } from '../db.js';
import { preparedList } from '../prepared.js';

/** What a driver needs of a driven device: where its BMC is, and its step journal. */
export interface DrivenDeviceRow {
  id: string;
  serial: string;
  instance_id: string | null;
  bmc_driver: '' | 'ipmi' | 'redfish';
  bmc_url: string;
  bmc_username: string;
  bmc_password_sealed: string | null;
  bmc_insecure: number;
  boot_mode: 'uefi' | 'legacy';
  /** devices.driver_state: the hardware driver's journal or the simulated record; null if none. */
  state: string | null;
  /**
   * SQLite: the row's rowid, so saveDriverStates writes it back without a lookup in the id index
   * (device ids are digests of serials: a random page of that index per device). Not on PostgreSQL.
   */
  rowid?: number;
}

const drivenColumns = [
  'd.id',
  'd.serial',
  'd.instance_id',
  'd.bmc_driver',
  'd.bmc_url',
  'd.bmc_username',
  'd.bmc_password_sealed',
  'd.bmc_insecure',
  'd.boot_mode',
  'd.driver_state as state',
] as const;

/** Devices with their BMC and driver state (journal or simulated record), by id. */
export async function drivenDevices(
  db: Executor,
  deviceIds: readonly string[],
): Promise<Map<string, DrivenDeviceRow>> {
  const rows = await drivenByIds(db, [...new Set(deviceIds)], {});
  return new Map(rows.map((r) => [r.id, r]));
}
const drivenByIds = preparedList((db, ids) =>
  db
    .selectFrom('devices as d')
    .select(drivenColumns)
    .$if(!isPostgres(db), (q) => q.select(sql<number>`d.rowid`.as('rowid')))
    .where('d.id', 'in', ids as string[]),
);

/** A step's device and the instance it is for. */
export interface DeviceOfInstance {
  deviceId: string;
  instanceId: string;
}

/**
 * drivenDevices for the devices of steps, found through the instances they carry: instance ids
 * begin with their creation time, so a pass's instances are neighbours in the instance_id index,
 * where their device ids are scattered over the id index. A device that does not carry the
 * instance of its step (released, or moved by an operator) is then read by id: the answer is the
 * same as drivenDevices'.
 */
export async function drivenDevicesOf(
  db: Executor,
  wanted: readonly DeviceOfInstance[],
): Promise<Map<string, DrivenDeviceRow>> {
  const ids = new Set(wanted.map((w) => w.deviceId));
  const out = new Map<string, DrivenDeviceRow>();
  for (const r of await drivenByInstances(db, [...new Set(wanted.map((w) => w.instanceId))], {})) {
    if (ids.has(r.id)) out.set(r.id, r);
  }
  const rest = [...ids].filter((id) => !out.has(id));
  if (rest.length > 0) for (const [id, r] of await drivenDevices(db, rest)) out.set(id, r);
  return out;
}
const drivenByInstances = preparedList((db, instanceIds) =>
  db
    .selectFrom('devices as d')
    .select(drivenColumns)
    .$if(!isPostgres(db), (q) => q.select(sql<number>`d.rowid`.as('rowid')))
    .where('d.instance_id', 'in', instanceIds as string[]),
);

/** A device by id or serial, with its BMC. */
export async function findDrivenDevice(
  db: Executor,
  idOrSerial: string,
): Promise<DrivenDeviceRow | undefined> {
  return db
    .selectFrom('devices as d')
    .select(drivenColumns)
    .where((eb) => eb.or([eb('d.id', '=', idOrSerial), eb('d.serial', '=', idOrSerial)]))
    .executeTakeFirst();
}

/** Which driver each device uses ('' = simulated), for routing a batch of steps. */
export async function driversOf(db: Executor, deviceIds: readonly string[]): Promise<Map<string, string>> {
  const rows = await bmcDrivers(db, [...new Set(deviceIds)], {});
  return new Map(rows.map((r) => [r.id, r.bmc_driver]));
}
const bmcDrivers = preparedList((db, ids) =>
  db
    .selectFrom('devices')
    .select(['id', 'bmc_driver'])
    .where('id', 'in', ids as string[])
    .where('bmc_driver', '!=', ''),
);

/**
 * Takes the command lock of one BMC until `until` (ms), unless another holder's lease is still
 * running. One statement, so two processes can never both win. Returns whether it was taken.
 */
export async function acquireBmcLock(
  db: Executor,
  p: { key: string; holder: string; now: number; until: number },
): Promise<boolean> {
  const r = await db
    .insertInto('bmc_locks')
    .values({ bmc_key: p.key, owner: p.holder, until: p.until })
    .onConflict((oc) =>
      oc
        .column('bmc_key')
        .doUpdateSet({ owner: p.holder, until: p.until })
        .where('bmc_locks.until', '<', p.now),
    )
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function releaseBmcLock(db: Executor, key: string, holder: string): Promise<void> {
  await db.deleteFrom('bmc_locks').where('bmc_key', '=', key).where('owner', '=', holder).execute();
}

/** Records what reading a device's BMC found (power sync, `devices check`, `devices power`). */
export async function recordBmcReading(
  db: Executor,
  deviceId: string,
  r: { power?: 'on' | 'off'; health: 'ok' | 'unhealthy'; message: string; at: number },
): Promise<void> {
  await db
    .updateTable('devices')
    .set({
      ...(r.power !== undefined ? { power_state: r.power } : {}),
      health: r.health,
      health_message: r.message,
      health_checked_at: r.at,
    })
    .where('id', '=', deviceId)
    .execute();
}

export interface SyncDueRow extends DrivenDeviceRow {
  region_id: string;
}

/**
 * Claims up to `limit` driven devices whose power sync is due, moving their next time to
 * `nextAt`: each is read by exactly one process per interval, and a process that dies simply
 * stops claiming (the others claim its devices when they fall due).
 */
export async function claimSyncDue(
  db: Executor,
  p: { now: number; nextAt: number; limit: number },
): Promise<string[]> {
  const candidates = db
    .selectFrom('devices')
    .select('id')
    .where('next_sync_at', '<=', p.now)
    .orderBy('next_sync_at')
    .limit(p.limit)
    .$if(isPostgres(db), (q) => q.forUpdate().skipLocked());
  const rows = await db
    .updateTable('devices')
    .set({ next_sync_at: p.nextAt })
    .where('id', 'in', candidates)
    .where('next_sync_at', '<=', p.now)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/** Driven devices reported unhealthy, by region (metrics). */
export async function unhealthyDevices(db: Executor): Promise<{ region_id: string; n: number }[]> {
  const rows = await db
    .selectFrom('devices')
    .select(['region_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('bmc_driver', '!=', '')
    .where('health', '=', 'unhealthy')
    .groupBy('region_id')
    .execute();
  return rows.map((r) => ({ region_id: r.region_id, n: Number(r.n) }));
}

export async function macsOf(db: Executor, deviceIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < deviceIds.length; i += 500) {
    const rows = await db
      .selectFrom('device_macs')
      .select(['device_id', 'mac'])
      .where('device_id', 'in', deviceIds.slice(i, i + 500))
      .orderBy('device_id')
      .orderBy('position')
      .execute();
    for (const r of rows) out.set(r.device_id, [...(out.get(r.device_id) ?? []), r.mac]);
  }
  return out;
}

/** Replaces a device's NIC list. */
export async function setMacs(db: Executor, deviceId: string, macs: readonly string[]): Promise<void> {
  await db.deleteFrom('device_macs').where('device_id', '=', deviceId).execute();
  if (macs.length === 0) return;
  await db
    .insertInto('device_macs')
    .values(macs.map((mac, position) => ({ mac, device_id: deviceId, position })))
    .execute();
}

/** Records NICs of devices that have none yet (devices just added), 500 rows per statement. */
export async function insertMacs(
  db: Executor,
  rows: readonly { device_id: string; mac: string; position: number }[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('device_macs')
      .values(rows.slice(i, i + 500))
      .execute();
  }
}

/** MACs among `macs` already recorded for a device other than `exceptDevice`. */
export async function takenMacs(db: Executor, macs: readonly string[], exceptDevice = ''): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < macs.length; i += 500) {
    const rows = await db
      .selectFrom('device_macs')
      .select('mac')
      .where('mac', 'in', macs.slice(i, i + 500))
      .where('device_id', '!=', exceptDevice)
      .execute();
    out.push(...rows.map((r) => r.mac));
  }
  return out;
}

/**
 * Makes an idle instance's status follow its machine's power (power sync): only when the
 * instance still shows `from` with no action in flight, so a step in progress always wins.
 * Returns whether it changed.
 */
export async function followPower(
  db: Executor,
  p: { instanceId: string; from: 'running' | 'stopped'; to: 'running' | 'stopped'; now: number },
): Promise<{ account_id: string; region_id: string } | undefined> {
  return db
    .updateTable('instances')
    .set({ status: p.to, updated_at: p.now })
    .where('id', '=', p.instanceId)
    .where('status', '=', p.from)
    .where('action', 'is', null)
    .returning(['account_id', 'region_id'])
    .executeTakeFirst();
}

/** The status and in-flight action of the instance on each device. */
export async function instancesOnDevices(
  db: Executor,
  deviceIds: readonly string[],
): Promise<Map<string, { id: string; status: string; action: string | null }>> {
  const out = new Map<string, { id: string; status: string; action: string | null }>();
  for (let i = 0; i < deviceIds.length; i += 500) {
    const rows = await db
      .selectFrom('instances')
      .select(['id', 'device_id', 'status', 'action'])
      .where('device_id', 'in', deviceIds.slice(i, i + 500))
      .execute();
    for (const r of rows)
      if (r.device_id) out.set(r.device_id, { id: r.id, status: r.status, action: r.action });
  }
  return out;
}
