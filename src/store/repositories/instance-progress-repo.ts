import type { Executor } from '../db.js';

/** The provisioning position of one of the caller's instances (progress display). */
export const instanceProgress = (db: Executor, accountId: string, regionId: string, instanceId: string) =>
  db
    .selectFrom('instances')
    .select(['id', 'status', 'action', 'step', 'next_run_at', 'last_error', 'updated_at'])
    .where('id', '=', instanceId)
    .where('account_id', '=', accountId)
    .where('region_id', '=', regionId)
    .executeTakeFirst();
