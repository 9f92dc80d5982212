import * as repo from '../../store/repositories/faults-repo.js';
import type { FaultRow } from '../../store/repositories/faults-repo.js';
import type { Deps } from '../deps.js';

/** Random source for probabilistic faults; tests may pass a fixed one. */
export type Roll = () => number;

/**
 * Picks the first matching fault that fires: a probabilistic fault is skipped when the roll
 * misses; a limited one only fires if its conditional decrement wins. Oldest fault first.
 */
export async function fireFirst(
  deps: Pick<Deps, 'store'>,
  candidates: readonly FaultRow[],
  roll: Roll = Math.random,
): Promise<FaultRow | undefined> {
  for (const f of candidates) {
    if (f.probability !== null && roll() >= f.probability) continue;
    if (await repo.claimFiring(deps.store.db, f.id)) return f;
  }
  return undefined;
}

/** Reason recorded on an instance whose step an injected fault failed. */
export const stepFaultMessage = (f: Pick<FaultRow, 'message' | 'step' | 'id'>): string =>
  f.message !== '' ? f.message : `injected fault ${f.id}: step ${f.step} failed`;

/**
 * Called by the provisioning engine before each step. Returns the failure to record when an
 * operator fault targets this step (for this instance, this device type, or any instance);
 * undefined means run the step. Each call that returns a failure consumes one firing, exactly
 * once across processes, so `--times 1` fails one step of one instance.
 */
export async function checkStepFault(
  deps: Pick<Deps, 'store'>,
  p: { instanceId: string; deviceType: string; step: string },
  roll: Roll = Math.random,
): Promise<{ message: string } | undefined> {
  const candidates = await repo.liveStepFaults(deps.store.db, p);
  if (candidates.length === 0) return undefined;
  const f = await fireFirst(deps, candidates, roll);
  return f ? { message: stepFaultMessage(f) } : undefined;
}
