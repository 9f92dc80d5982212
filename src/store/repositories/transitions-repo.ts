import { sql } from 'kysely';
import type { Executor } from '../db.js';

/**
 * Writes the intent of an action: the transitional status and the first step, only if the
 * instance is still in `fromStatus` with nothing in flight. Returns false when another request
 * won the race (the caller answers FAILED_PRECONDITION).
 */
export async function beginAction(
  tx: Executor,
  p: {
    instanceId: string;
    fromStatus: string;
    toStatus: string;
    action: string;
    step: string;
    nextRunAt: number;
    now: number;
    secretsSealed?: string | null;
    actionInput?: string;
  },
): Promise<boolean> {
  const r = await tx
    .updateTable('instances')
    .set({
      status: p.toStatus,
      action: p.action,
      step: p.step,
      next_run_at: p.nextRunAt,
      lease_owner: null,
      lease_until: null,
      attempts: 0,
      action_seq: sql<number>`action_seq + 1`,
      last_error: '',
      updated_at: p.now,
      ...(p.secretsSealed !== undefined ? { secrets_sealed: p.secretsSealed } : {}),
      ...(p.actionInput !== undefined ? { action_input: p.actionInput } : {}),
    })
    .where('id', '=', p.instanceId)
    .where('status', '=', p.fromStatus)
    .where('action', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
