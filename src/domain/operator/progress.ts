import { instanceProgress } from '../../store/repositories/instance-progress-repo.js';
import type { Action } from '../catalog/catalog-file.js';
import { isoTime } from '../clock.js';
import type { Caller, Deps } from '../deps.js';
import { notFound } from '../errors.js';

/** Where an instance is in its in-flight action: what `edcps instances wait` shows. */
export interface InstanceProgress {
  instanceId: string;
  status: string;
  /** In-flight action (create, stop, …) or "" when stable. */
  action: string;
  /** Next step of the action, "" when stable. */
  step: string;
  /** 1-based position of `step` among the action's steps; 0 when stable. */
  stepIndex: number;
  stepCount: number;
  lastError: string;
  updateTime: string;
}

/**
 * EXTENSION (not a JD operation): the JD Instance model has no step, yet testers want to watch
 * provisioning progress. Tenancy as everywhere: another account's instance is NOT_FOUND.
 */
export async function describeInstanceProgress(
  deps: Pick<Deps, 'store' | 'catalog'>,
  caller: Caller,
  instanceId: string,
): Promise<InstanceProgress> {
  const row = await instanceProgress(deps.store.db, caller.accountId, caller.regionId, instanceId);
  if (!row) throw notFound('instance', instanceId);
  const steps = row.action ? (deps.catalog.provisioning[row.action as Action] ?? []).map((s) => s.step) : [];
  const i = row.step ? steps.indexOf(row.step) : -1;
  return {
    instanceId: row.id,
    status: row.status,
    action: row.action ?? '',
    step: row.step ?? '',
    stepIndex: i + 1,
    stepCount: steps.length,
    lastError: row.last_error,
    updateTime: isoTime(row.updated_at),
  };
}
