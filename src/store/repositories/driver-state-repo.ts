import type { Executor } from '../db.js';
import { prepared } from '../prepared.js';

/**
 * Writes device driver states (devices.driver_state), one prepared UPDATE per device: a pass's
 * devices are neighbours in the table (allocated in serial order), so their rows share pages.
 * A device that no longer exists is skipped, as there is nothing left to drive.
 */
export async function saveDriverStates(
  db: Executor,
  states: readonly { deviceId: string; state: string }[],
  now: number,
): Promise<void> {
  for (const s of states) await saveState.run(db, { id: s.deviceId, state: s.state, at: now });
}
const saveState = prepared((db, p: { id: string; state: string; at: number }) =>
  db.updateTable('devices').set({ driver_state: p.state, driver_state_at: p.at }).where('id', '=', p.id),
);

export async function driverStateOf(db: Executor, deviceId: string): Promise<string | undefined> {
  const r = await db
    .selectFrom('devices')
    .select('driver_state')
    .where('id', '=', deviceId)
    .executeTakeFirst();
  return r?.driver_state ?? undefined;
}
