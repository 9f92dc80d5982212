import type { Deps } from '../domain/deps.js';
import { countInFlight } from '../store/repositories/instances-repo.js';
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
