import * as repo from '../../store/repositories/faults-repo.js';
import type { FaultRow } from '../../store/repositories/faults-repo.js';
import type { Deps } from '../deps.js';
import { type ApiError, type ErrorStatus, injected } from '../errors.js';
import { sharedCache } from '../fresh-cache.js';
import { randomFraction } from '../ids.js';

/**
 * Live operation faults by operation, asked on every API call: usually none, so the answer is
 * kept (see FreshCache for how an added fault reaches the server). Admin writes clear it.
 */
export const operationFaultCache = (deps: Pick<Deps, 'store'>) =>
  sharedCache<string, readonly FaultRow[]>(deps.store, 'operation-faults');

/** Random source for probabilistic faults; tests may pass a fixed one. */
export type Roll = () => number;

// Seeded with EDCPS_SEED (one stream per kind of fault), Math.random otherwise: which call a
// probabilistic fault hits is client-visible, so deterministic runs repeat it.
const stepRoll: Roll = () => randomFraction('fault-roll:step');
const operationRoll: Roll = () => randomFraction('fault-roll:operation');

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
  roll: Roll = stepRoll,
): Promise<{ message: string } | undefined> {
  const candidates = await repo.liveStepFaults(deps.store.db, p);
  if (candidates.length === 0) return undefined;
  const f = await fireFirst(deps, candidates, roll);
  return f ? { message: stepFaultMessage(f) } : undefined;
}

/** What an operation fault does to the call it fires on. */
export interface OperationFaultEffect {
  faultId: string;
  delayMs: number;
  /** The JD error to answer; undefined for a delay-only fault (the call then proceeds). */
  error: ApiError | undefined;
}

/**
 * Called by the API after authentication and before the handler: returns the effect of the
 * first live fault of `operation` that fires, consuming one firing atomically.
 */
export async function checkOperationFault(
  deps: Pick<Deps, 'store'>,
  operation: string,
  roll: Roll = operationRoll,
): Promise<OperationFaultEffect | undefined> {
  const cache = operationFaultCache(deps);
  const cached = await cache.get(operation, (op) => repo.liveOperationFaults(deps.store.db, op));
  if (cached.length === 0) return undefined;
  // Firing changes counts: from here on, read the faults as they are now.
  const candidates = await repo.liveOperationFaults(deps.store.db, operation);
  if (candidates.length === 0) {
    cache.clear();
    return undefined;
  }
  const f = await fireFirst(deps, candidates, roll);
  if (!f) return undefined;
  return {
    faultId: f.id,
    delayMs: f.delay_ms,
    error: f.status === '' ? undefined : injected(f.code, f.status as ErrorStatus, f.message),
  };
}
