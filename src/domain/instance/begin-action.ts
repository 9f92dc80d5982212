import type { Tx } from '../../store/db.js';
import { driversOf } from '../../store/repositories/bmc-repo.js';
import { insertEvent } from '../../store/repositories/events-repo.js';
import { beginAction } from '../../store/repositories/transitions-repo.js';
import type { Deps } from '../deps.js';
import { failedPrecondition } from '../errors.js';
import { type Action, type InstanceStatus, TRANSITIONS, stepsOf } from './states.js';

export interface ActionSubject {
  id: string;
  /** Its device: a driven machine's first step is due at once (real hardware takes its own time). */
  device_id?: string | null;
  account_id: string;
  region_id: string;
  status: string;
  action: string | null;
}

/**
 * Moves an instance into the transitional status of `action` and schedules its first step, in
 * the caller's transaction. Wrong state, or another action in flight → FAILED_PRECONDITION
 * saying the current state and what is allowed; a concurrent winner → FAILED_PRECONDITION too
 * (exactly one of two conflicting requests succeeds).
 */
export async function startAction(
  deps: Deps,
  tx: Tx,
  inst: ActionSubject,
  action: Action,
  extra: { secretsSealed?: string | null; actionInput?: string } = {},
): Promise<void> {
  const t = TRANSITIONS[action];
  if (inst.action !== null) {
    throw failedPrecondition(
      `instance ${inst.id} is ${inst.status} with ${inst.action} in progress; ${t.operation} is allowed only when it is ${t.from.join(' or ')}`,
    );
  }
  if (!t.from.includes(inst.status as InstanceStatus)) {
    throw failedPrecondition(
      `instance ${inst.id} is ${inst.status}; ${t.operation} is allowed only when it is ${t.from.join(' or ')}`,
    );
  }
  const [first] = stepsOf(deps.catalog, action, deps.timeScale);
  const now = deps.clock.now();
  const driven = inst.device_id ? (await driversOf(tx, [inst.device_id])).size > 0 : false;
  const ok = await beginAction(tx, {
    instanceId: inst.id,
    fromStatus: inst.status,
    toStatus: t.transitional,
    action,
    step: first.step,
    nextRunAt: now + (driven ? 0 : first.durationMs),
    now,
    ...extra,
  });
  if (!ok) {
    throw failedPrecondition(
      `instance ${inst.id} changed state concurrently; ${t.operation} was not applied`,
    );
  }
  await insertEvent(tx, {
    instance_id: inst.id,
    account_id: inst.account_id,
    region_id: inst.region_id,
    at: now,
    kind: 'status',
    from_status: inst.status,
    to_status: t.transitional,
    step: first.step,
    reason: t.operation,
  });
}
