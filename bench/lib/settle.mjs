/* global performance, setTimeout -- Node 20 globals */

/**
 * Waits until provisioning is done in the database `db` (better-sqlite3, read-only is enough):
 * no instance has a step in flight (read through the instances_due index). Resolves with the
 * milliseconds waited; throws after `timeoutMs`, naming `label`.
 */
export async function waitSettled(db, { label = 'database', pollMs = 50, timeoutMs = 3_600_000 } = {}) {
  const t = performance.now();
  const busy = db.prepare(`select 1 from instances where next_run_at is not null limit 1`);
  while (busy.get() !== undefined) {
    if (performance.now() - t > timeoutMs)
      throw new Error(`${label}: instances still in flight after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return performance.now() - t;
}
