import type { Executor } from '../db.js';

export interface DeviceForDriver {
  id: string;
  instance_id: string | null;
  /** JSON written by the simulated driver, or null for a device it never touched. */
  state: string | null;
}

/** Devices with their assignment and simulated state, one query for a batch of steps. */
export async function devicesForDriver(
  db: Executor,
  deviceIds: readonly string[],
): Promise<Map<string, DeviceForDriver>> {
  const out = new Map<string, DeviceForDriver>();
  const ids = [...new Set(deviceIds)];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('devices as d')
      .leftJoin('device_driver_state as s', 's.device_id', 'd.id')
      .select(['d.id', 'd.instance_id', 's.state'])
      .where('d.id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.id, r);
  }
  return out;
}

/** Writes simulated device states (upsert): one statement per chunk, so each chunk is atomic. */
export async function saveDriverStates(
  db: Executor,
  states: readonly { deviceId: string; state: string }[],
  now: number,
): Promise<void> {
  for (let i = 0; i < states.length; i += 300) {
    await db
      .insertInto('device_driver_state')
      .values(
        states.slice(i, i + 300).map((s) => ({ device_id: s.deviceId, state: s.state, updated_at: now })),
      )
      .onConflict((oc) =>
        oc.column('device_id').doUpdateSet((eb) => ({
          state: eb.ref('excluded.state'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

export async function driverStateOf(db: Executor, deviceId: string): Promise<string | undefined> {
  const r = await db
    .selectFrom('device_driver_state')
    .select('state')
    .where('device_id', '=', deviceId)
    .executeTakeFirst();
  return r?.state;
}
