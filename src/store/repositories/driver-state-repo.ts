import type { Executor } from '../db.js';
import { insertValues } from '../prepared.js';

/**
 * Writes device driver states (upsert). In a transaction, prepared statements of up to 64 rows;
 * outside one, one statement per 300 rows, so each chunk is atomic.
 */
export async function saveDriverStates(
  db: Executor,
  states: readonly { deviceId: string; state: string }[],
  now: number,
): Promise<void> {
  const step = db.isTransaction ? Math.max(1, states.length) : 300;
  for (let i = 0; i < states.length; i += step) {
    await insertValues(
      db,
      'device_driver_state',
      states.slice(i, i + step).map((s) => ({ device_id: s.deviceId, state: s.state, updated_at: now })),
      DRIVER_STATE_UPSERT,
    );
  }
}
const DRIVER_STATE_UPSERT = { key: 'device_id', set: ['state', 'updated_at'] };

export async function driverStateOf(db: Executor, deviceId: string): Promise<string | undefined> {
  const r = await db
    .selectFrom('device_driver_state')
    .select('state')
    .where('device_id', '=', deviceId)
    .executeTakeFirst();
  return r?.state;
}
