import type { Executor } from '../db.js';

/** Writes device driver states (upsert): one statement per chunk, so each chunk is atomic. */
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
