import type { Executor } from '../db.js';
import type { InstanceEventsTable } from '../tables.js';

export type InstanceEventRow = Omit<InstanceEventsTable, 'id'> & { id: number };

/** Events are kept after the instance is deleted: they are its history. */
export async function insertEvent(db: Executor, e: Omit<InstanceEventsTable, 'id'>): Promise<void> {
  await db.insertInto('instance_events').values(e).execute();
}

export const listEvents = (db: Executor, instanceId: string): Promise<InstanceEventRow[]> =>
  db
    .selectFrom('instance_events')
    .selectAll()
    .where('instance_id', '=', instanceId)
    .orderBy('id')
    .execute() as Promise<InstanceEventRow[]>;
