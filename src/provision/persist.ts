import type { Deps } from '../domain/deps.js';
import { releaseInstanceElasticIps } from '../domain/elastic-ip/instance-elastic-ip.js';
import { releaseInstanceNetwork } from '../domain/network/instance-network.js';
import type { Tx } from '../store/db.js';
import {
  type StepProgress,
  deleteHeldInstance,
  insertEvents,
  releaseLeases,
  saveProgressMany,
} from '../store/repositories/instances-repo.js';
import { releaseDevice } from '../store/repositories/inventory-repo.js';
import type { InstanceEventsTable } from '../store/tables.js';

export interface CompletionEvent {
  at: number;
  kind: 'step' | 'status';
  from: string;
  to: string;
  step: string;
  reason: string;
}

/** What one pass did to one claimed instance, written in one go. */
export interface Completion {
  id: string;
  accountId: string;
  regionId: string;
  owner: string;
  /** Action and step at claim time: the write applies only if the row still shows them. */
  fromAction: string;
  fromStep: string;
  /** Status at claim time (the transitional status). */
  status: string;
  set: StepProgress['set'];
  /** Extra columns changed when the action ends (a reinstall's new OS and RAID). */
  endSet: StepProgress['set'];
  events: CompletionEvent[];
  /** `deleted`: the last step of deleteInstance ran; the row goes and its resources return. */
  outcome: 'progress' | 'end' | 'deleted';
}

const eventRows = (c: Completion): Omit<InstanceEventsTable, 'id'>[] =>
  c.events.map((e) => ({
    instance_id: c.id,
    account_id: c.accountId,
    region_id: c.regionId,
    at: e.at,
    kind: e.kind,
    from_status: e.from,
    to_status: e.to,
    step: e.step,
    reason: e.reason,
  }));

/**
 * Persists completions in `tx` and returns their event rows. Completions that write the same
 * columns (a batch that moved in step) share one UPDATE. A completion whose lease this worker
 * no longer holds writes nothing and yields no events: the worker that took over wins.
 */
async function apply(deps: Deps, tx: Tx, completions: readonly Completion[]) {
  const events: Omit<InstanceEventsTable, 'id'>[] = [];
  const groups = new Map<string, Completion[]>();
  for (const c of completions) {
    if (c.outcome === 'deleted') {
      if (!(await deleteHeldInstance(tx, { id: c.id, owner: c.owner, fromStep: c.fromStep }))) continue;
      await releaseDevice(tx, c.id);
      await releaseInstanceNetwork(tx, c.id);
      await releaseInstanceElasticIps(deps, tx, c.id);
      events.push(...eventRows(c));
      continue;
    }
    const key = JSON.stringify([c.owner, c.fromAction, c.fromStep, { ...c.set, ...c.endSet }]);
    const group = groups.get(key);
    if (group) group.push(c);
    else groups.set(key, [c]);
  }
  for (const group of groups.values()) {
    const [c] = group;
    const saved = await saveProgressMany(tx, {
      ids: group.map((g) => g.id),
      owner: c.owner,
      fromAction: c.fromAction,
      fromStep: c.fromStep,
      set: { ...c.set, ...c.endSet },
    });
    for (const g of group) if (saved.has(g.id)) events.push(...eventRows(g));
  }
  return events;
}

async function applyAll(
  deps: Deps,
  completions: readonly Completion[],
  before: ((tx: Tx) => Promise<void>) | undefined,
): Promise<void> {
  await deps.store.transaction(async (tx) => {
    if (before) await before(tx).catch((error: unknown) => Promise.reject(new BeforeFailed(error)));
    await insertEvents(tx, await apply(deps, tx, completions));
  });
}

/** `before` of persistCompletions failed: nothing is recorded, the caller learns why. */
class BeforeFailed {
  constructor(readonly error: unknown) {}
}

/**
 * Group commit: all completions of a pass in one transaction (state, events and released
 * resources together), after `before` (the writes the pass's drivers deferred, DriverPass). If
 * `before` fails, nothing is recorded and its error is thrown. If the rest fails, `before` is
 * made alone and each completion is retried alone, so one bad row cannot hold back the others;
 * a row that still fails gets its lease back and is retried by a later pass.
 */
export async function persistCompletions(
  deps: Deps,
  completions: readonly Completion[],
  before?: (tx: Tx) => Promise<void>,
): Promise<void> {
  if (completions.length === 0 && !before) return;
  try {
    await applyAll(deps, completions, before);
    return;
  } catch (err) {
    if (err instanceof BeforeFailed) throw err.error;
    if (completions.length === 1)
      deps.log.error({ err, instanceId: completions[0].id }, 'persisting step failed');
  }
  if (before) await deps.store.transaction(before);
  if (completions.length === 1) {
    await releaseLeases(deps.store.db, completions[0].owner, [completions[0].id]).catch(() => undefined);
    return;
  }
  for (const c of completions) await persistCompletions(deps, [c]);
}
