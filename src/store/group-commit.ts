import { CompiledQuery } from 'kysely';
import type { Db, Tx } from './db.js';

interface Job {
  fn: (tx: Tx) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

// Four of these per transaction of a batch: built once, not by the query builder each time.
const SAVEPOINT = CompiledQuery.raw('savepoint job');
const RELEASE = CompiledQuery.raw('release job');
const ROLLBACK_TO = CompiledQuery.raw('rollback to job');

/**
 * SQLite group commit. SQLite runs one write transaction at a time and its commit (the WAL
 * write) costs more than a small transaction's statements, so the transactions asked for while
 * one batch runs, or in the same event-loop turn, share one BEGIN … COMMIT. Each runs in its
 * own SAVEPOINT, one after the other: a job that throws is rolled back alone and rejected with
 * its error; the others are answered only once the commit that holds them is done, so no caller
 * learns of a result that is not yet durable. A failed BEGIN or COMMIT fails every job of the
 * batch, as it would have failed each of them alone.
 *
 * `inTransaction` tells whether SQLite still holds the batch open: a few errors (I/O, disk full,
 * out of memory) roll back the whole transaction by themselves. Then the jobs already run are
 * rejected with that error, and the ones not yet run go back to the queue for the next batch.
 */
export function groupCommit(
  db: Db,
  inTransaction: () => boolean,
  maxBatch = 64,
): <T>(fn: (tx: Tx) => Promise<T>) => Promise<T> {
  let queue: Job[] = [];
  let draining = false;

  async function runJob(tx: Tx, job: Job, alone: boolean): Promise<Outcome> {
    if (alone) return { ok: true, value: await job.fn(tx) };
    await tx.executeQuery(SAVEPOINT);
    try {
      const value = await job.fn(tx);
      await tx.executeQuery(RELEASE);
      return { ok: true, value };
    } catch (error) {
      if (!inTransaction()) throw error;
      await tx.executeQuery(ROLLBACK_TO);
      await tx.executeQuery(RELEASE);
      return { ok: false, error };
    }
  }

  async function runBatch(batch: Job[]): Promise<void> {
    const outcomes: Outcome[] = [];
    /** Jobs from this index on never ran: they wait for the next batch. */
    let notRun = batch.length;
    let fatal: { error: unknown } | undefined;
    try {
      await db.transaction().execute(async (tx) => {
        for (const [i, job] of batch.entries()) {
          try {
            outcomes.push(await runJob(tx, job, batch.length === 1));
          } catch (error) {
            outcomes.push({ ok: false, error });
            notRun = i + 1;
            fatal = { error };
            throw error;
          }
        }
      });
    } catch (e) {
      // Nothing of this batch was stored. A job that failed says why; the others get the cause.
      const cause = fatal ? fatal.error : e;
      queue = [...batch.slice(notRun), ...queue];
      batch.slice(0, notRun).forEach((job, i) => {
        const own = outcomes[i];
        job.reject(own !== undefined && !own.ok ? own.error : cause);
      });
      return;
    }
    batch.forEach((job, i) => {
      const o = outcomes[i];
      if (o.ok) job.resolve(o.value);
      else job.reject(o.error);
    });
  }

  async function drain(): Promise<void> {
    try {
      while (queue.length > 0) {
        const batch = queue.slice(0, maxBatch);
        queue = queue.slice(batch.length);
        await runBatch(batch);
      }
    } finally {
      draining = false;
    }
  }

  return <T>(fn: (tx: Tx) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!draining) {
        draining = true;
        setImmediate(() => void drain());
      }
    });
}
