import { isoTime } from '../domain/clock.js';
import type { Deps } from '../domain/deps.js';
import { countInFlight, nextDueAt } from '../store/repositories/instances-repo.js';
import { type ReconcilerOptions, createReconciler } from './reconciler.js';

export interface SettleOptions extends ReconcilerOptions {
  /** Only this instance; default: every instance with an action in flight. */
  instanceId?: string;
  /** Give up after this long waiting for instances leased by another process. */
  timeoutMs?: number;
}

export class SettleTimeoutError extends Error {}

/**
 * Completes everything in flight now (one instance or all), ignoring each step's scheduled
 * time: the way `edcps instances settle` fast-forwards provisioning in any time mode. Leases
 * are respected: instances another process is working on are waited for, not taken. Retries
 * run at once, so a failing step ends in `error` after its last attempt. Returns the number of
 * instance passes made (an instance that needs several passes counts several times).
 */
export async function settle(deps: Deps, opts: SettleOptions = {}): Promise<{ passes: number }> {
  const { instanceId, timeoutMs = 60_000, ...reconcilerOptions } = opts;
  const r = createReconciler(deps, reconcilerOptions);
  const deadline = Date.now() + timeoutMs;
  let passes = 0;
  try {
    for (;;) {
      const claimed = await r.runOnce({ ignoreSchedule: true, instanceId });
      passes += claimed;
      if (claimed > 0) continue;
      const left = await countInFlight(deps.store.db, instanceId);
      if (left === 0) return { passes };
      if (Date.now() > deadline) {
        throw new SettleTimeoutError(
          `${left} instance(s) still in flight after ${timeoutMs} ms: held by another process's lease`,
        );
      }
      await new Promise((res) => setTimeout(res, 50));
    }
  } finally {
    await r.stop();
  }
}

/**
 * Runs every step that is due by the simulated time now, in order, and returns once none is
 * left: what `edcps time advance` and `time set` do after moving the clock, so the command
 * returns with everything due done, whether or not a server's reconciler is running. A step's
 * successor that falls within the time is run in the same call (the reconciler schedules it from
 * its predecessor's due time in manual mode). Leases are respected: a due instance another
 * process is working on is waited for, not taken. Throws SettleTimeoutError when a due step is
 * still not done after `timeoutMs` (wall time). Returns the number of instance passes made.
 */
export async function settleDue(
  deps: Deps,
  opts: Omit<SettleOptions, 'instanceId'> = {},
): Promise<{ passes: number }> {
  const { timeoutMs = 60_000, ...reconcilerOptions } = opts;
  const r = createReconciler(deps, reconcilerOptions);
  const deadline = Date.now() + timeoutMs;
  let passes = 0;
  try {
    for (;;) {
      // runOnce syncs the clock first: the time just moved may have been moved by another process.
      const claimed = await r.runOnce();
      passes += claimed;
      const due = await nextDueAt(deps.store.db);
      if (due === undefined || due > deps.clock.now()) return { passes };
      if (Date.now() > deadline) {
        throw new SettleTimeoutError(
          `steps due by ${isoTime(deps.clock.now())} still not done after ${timeoutMs} ms: held by another process's lease`,
        );
      }
      if (claimed === 0) await new Promise((res) => setTimeout(res, 50));
    }
  } finally {
    await r.stop();
  }
}
