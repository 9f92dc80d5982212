import { sql } from 'kysely';
import { type Executor, isPostgres } from '../db.js';
import { prepared } from '../prepared.js';

/**
 * Writes device driver states (devices.driver_state); returns how many devices were written (a
 * device that no longer exists is skipped). In a SQLite transaction (a reconciler pass), one
 * prepared UPDATE per device: no round trip, and the pass's devices are neighbours in the table
 * (allocated in serial order), so their rows share pages. A state given with the rowid its
 * device was read with (DrivenDeviceRow.rowid) is written by it, the id still checked, and by id
 * alone if that finds nothing: no random page of the id index per device. Otherwise one
 * statement per 300 devices: atomic per chunk, and one round trip each on PostgreSQL.
 */
export async function saveDriverStates(
  db: Executor,
  states: readonly { deviceId: string; state: string; rowid?: number }[],
  now: number,
): Promise<number> {
  let written = 0;
  if (db.isTransaction && !isPostgres(db)) {
    for (const s of states) {
      const p = { id: s.deviceId, state: s.state, at: now };
      const n = s.rowid === undefined ? 0 : await saveStateAt.run(db, { ...p, rowid: s.rowid });
      written += n > 0 ? n : await saveState.run(db, p);
    }
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
const saveStateAt = prepared((db, p: { rowid: number; id: string; state: string; at: number }) =>
  db
    .updateTable('devices')
    .set({ driver_state: p.state, driver_state_at: p.at })
    .where(sql.ref('rowid'), '=', p.rowid)
    .where('id', '=', p.id),
);

export async function driverStateOf(db: Executor, deviceId: string): Promise<string | undefined> {
  const r = await db
    .selectFrom('devices')
    .select('driver_state')
    .where('id', '=', deviceId)
    .executeTakeFirst();
  return r?.driver_state ?? undefined;
}
