import { sql } from 'kysely';
import type { Executor } from '../db.js';
import { prepared } from '../prepared.js';

/**
 * Writes device driver states (devices.driver_state). In a transaction (a reconciler pass), one
 * prepared UPDATE per device: the pass's devices are neighbours in the table (allocated in serial
 * order), so their rows share pages. Outside one, one statement per 300 devices, so each chunk is
 * atomic. A device that no longer exists is skipped: there is nothing left to drive.
 */
export async function saveDriverStates(
  db: Executor,
  states: readonly { deviceId: string; state: string }[],
  now: number,
): Promise<void> {
  if (db.isTransaction) {
    for (const s of states) await saveState.run(db, { id: s.deviceId, state: s.state, at: now });
    return;
  }
  for (let i = 0; i < states.length; i += 300) {
    const chunk = states.slice(i, i + 300);
    await db
      .updateTable('devices')
      .set({
        driver_state: sql<string>`case id ${sql.join(
          chunk.map((s) => sql`when ${s.deviceId} then ${s.state}`),
          sql` `,
        )} end`,
        driver_state_at: now,
      })
      .where(
        'id',
        'in',
        chunk.map((s) => s.deviceId),
      )
      .execute();
  }
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
