import { sql } from 'kysely';
import { type Executor, isPostgres } from '../db.js';
import { prepared } from '../prepared.js';

/**
 * Writes device driver states (devices.driver_state); returns how many devices were written (a
 * device that no longer exists is skipped). In a SQLite transaction (a reconciler pass), one
 * prepared UPDATE per device: no round trip, and the pass's devices are neighbours in the table
 * (allocated in serial order), so their rows share pages. Otherwise one statement per 300
 * devices: atomic per chunk, and one round trip each on PostgreSQL.
 */
export async function saveDriverStates(
  db: Executor,
  states: readonly { deviceId: string; state: string }[],
  now: number,
): Promise<number> {
  let written = 0;
  if (db.isTransaction && !isPostgres(db)) {
    for (const s of states) written += await saveState.run(db, { id: s.deviceId, state: s.state, at: now });
    return written;
  }
  for (let i = 0; i < states.length; i += 300) {
    const chunk = states.slice(i, i + 300);
    const r = await db
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
      .executeTakeFirst();
    written += Number(r.numUpdatedRows);
  }
  return written;
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
