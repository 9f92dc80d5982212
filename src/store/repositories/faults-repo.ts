import { sql } from 'kysely';
import type { Executor } from '../db.js';
import type { FaultsTable } from '../tables.js';

export type FaultRow = FaultsTable;

export async function insertFault(db: Executor, row: FaultRow): Promise<void> {
  await db.insertInto('faults').values(row).execute();
}

export const listFaults = (db: Executor): Promise<FaultRow[]> =>
  db.selectFrom('faults').selectAll().orderBy('created_at').orderBy('id').execute();

/** Deletes one fault (by id) or all of them; returns how many were removed. */
export async function deleteFaults(db: Executor, id?: string): Promise<number> {
  let q = db.deleteFrom('faults');
  if (id !== undefined) q = q.where('id', '=', id);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Operation faults that may still fire, oldest first. */
export const liveOperationFaults = (db: Executor, operation: string): Promise<FaultRow[]> =>
  db
    .selectFrom('faults')
    .selectAll()
    .where('scope', '=', 'operation')
    .where('operation', '=', operation)
    .where((eb) => eb.or([eb('remaining', 'is', null), eb('remaining', '>', 0)]))
    .orderBy('created_at')
    .orderBy('id')
    .execute();

/** Step faults that may still fire for this step of this instance (or device type), oldest first. */
export const liveStepFaults = (
  db: Executor,
  p: { step: string; instanceId: string; deviceType: string },
): Promise<FaultRow[]> =>
  db
    .selectFrom('faults')
    .selectAll()
    .where('scope', '=', 'step')
    .where('step', '=', p.step)
    .where((eb) => eb.or([eb('instance_id', '=', ''), eb('instance_id', '=', p.instanceId)]))
    .where((eb) => eb.or([eb('device_type', '=', ''), eb('device_type', '=', p.deviceType)]))
    .where((eb) => eb.or([eb('remaining', 'is', null), eb('remaining', '>', 0)]))
    .orderBy('created_at')
    .orderBy('id')
    .execute();

/**
 * Claims one firing of a fault with a conditional UPDATE: a limited fault's `remaining` only
 * drops while it is positive, so K firings stay exact however many requests or processes race.
 * Returns false when the fault was used up (or cleared) in the meantime.
 */
export async function claimFiring(db: Executor, id: string): Promise<boolean> {
  const r = await db
    .updateTable('faults')
    .set({
      remaining: sql<number | null>`case when remaining is null then null else remaining - 1 end`,
      fired: sql<number>`fired + 1`,
    })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('remaining', 'is', null), eb('remaining', '>', 0)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Step faults may target an instance: it must exist (typos would otherwise never fire). */
export async function instanceExists(db: Executor, instanceId: string): Promise<boolean> {
  const r = await db.selectFrom('instances').select('id').where('id', '=', instanceId).executeTakeFirst();
  return r !== undefined;
}

/** Device type names across every region, for step faults that target a type. */
export async function deviceTypeNames(db: Executor): Promise<string[]> {
  const rows = await db
    .selectFrom('device_types')
    .select('device_type')
    .distinct()
    .orderBy('device_type')
    .execute();
  return rows.map((r) => r.device_type);
}
