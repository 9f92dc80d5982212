import type { Executor } from '../db.js';
import { paged } from '../paging.js';
import type { InstanceEventRow } from './events-repo.js';

/**
 * One page of the fleet-wide event feed, newest first (by event id: the order they were
 * recorded in), optionally one instance's or one account's, and how many match. Indexed:
 * the primary key, instance_events_instance (0001) and instance_events_account (0007).
 */
export async function listEventFeed(
  db: Executor,
  f: { instanceId?: string; accountId?: string },
  page: { offset: number; pageSize: number },
): Promise<{ rows: InstanceEventRow[]; totalCount: number }> {
  const q = db
    .selectFrom('instance_events')
    .selectAll()
    .$if(f.instanceId !== undefined, (x) => x.where('instance_id', '=', f.instanceId!))
    .$if(f.accountId !== undefined, (x) => x.where('account_id', '=', f.accountId!))
    .orderBy('id', 'desc');
  const r = await paged(q, page);
  return { rows: r.rows as InstanceEventRow[], totalCount: r.totalCount };
}
