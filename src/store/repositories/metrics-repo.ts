import type { Executor } from '../db.js';

/** Shared-state figures for /metrics, read at scrape time. */

export async function instancesByStatus(
  db: Executor,
): Promise<{ region_id: string; status: string; n: number }[]> {
  const rows = await db
    .selectFrom('instances')
    .select(['region_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['region_id', 'status'])
    .orderBy('region_id')
    .orderBy('status')
    .execute();
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

export async function devicesByStatus(
  db: Executor,
): Promise<{ region_id: string; device_type: string; status: string; n: number }[]> {
  const rows = await db
    .selectFrom('devices')
    .select(['region_id', 'device_type', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['region_id', 'device_type', 'status'])
    .orderBy('region_id')
    .orderBy('device_type')
    .orderBy('status')
    .execute();
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

/**
 * Reconciler work: instances with an action in flight, how many of them are due at `now`, and
 * the earliest due time (null when nothing is due).
 */
export async function reconcilerQueue(
  db: Executor,
  now: number,
): Promise<{ inFlight: number; due: number; oldestDue: number | null }> {
  const r = await db
    .selectFrom('instances')
    .select((eb) => [
      eb.fn.countAll<number>().as('in_flight'),
      eb.fn.sum<number | null>(eb.case().when('next_run_at', '<=', now).then(1).else(0).end()).as('due'),
      eb.fn
        .min<number | null>(eb.case().when('next_run_at', '<=', now).then(eb.ref('next_run_at')).end())
        .as('oldest_due'),
    ])
    .where('action', 'is not', null)
    .executeTakeFirst();
  return {
    inFlight: Number(r?.in_flight ?? 0),
    due: Number(r?.due ?? 0),
    oldestDue: r?.oldest_due === null || r?.oldest_due === undefined ? null : Number(r.oldest_due),
  };
}

/** Firings of the faults currently defined, by kind and target (operation or step). */
export async function faultFirings(
  db: Executor,
): Promise<{ scope: string; target: string; fired: number }[]> {
  const rows = await db
    .selectFrom('faults')
    .select(['scope', 'operation', 'step', (eb) => eb.fn.sum<number>('fired').as('fired')])
    .groupBy(['scope', 'operation', 'step'])
    .orderBy('scope')
    .orderBy('operation')
    .orderBy('step')
    .execute();
  return rows.map((r) => ({
    scope: r.scope,
    target: r.scope === 'operation' ? r.operation : r.step,
    fired: Number(r.fired),
  }));
}
