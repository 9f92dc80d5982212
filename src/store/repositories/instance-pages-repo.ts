import type { Executor } from '../db.js';
import { likeSubstring } from './like.js';

export interface FleetInstanceFilter {
  accountId?: string;
  regionId?: string;
  status?: string;
  /** Part of the name, case-insensitive (as describeInstances' name filter). */
  name?: string;
}

export interface FleetInstanceRow {
  id: string;
  account_id: string;
  /** '' if the account is gone (instances carry no foreign key to it). */
  account_name: string;
  region_id: string;
  az_id: string;
  device_type: string;
  name: string;
  status: string;
  hostname: string;
  private_ip: string;
  created_at: number;
}

/**
 * One page of every account's instances, oldest first (creation time, then id), and how many
 * match. Indexed by the filter given (migration 0007: instances_created,
 * instances_status_created; 0001/0008: instances_owner for one account, whose instances are then
 * sorted: at most its quota): a page of
 * 100,000 instances reads its rows, the count scans only the matching index range.
 */
export async function listFleetInstancesPage(
  db: Executor,
  f: FleetInstanceFilter,
  page: { offset: number; pageSize: number },
): Promise<{ rows: FleetInstanceRow[]; totalCount: number }> {
  const filtered = db
    .selectFrom('instances as i')
    .$if(f.accountId !== undefined, (x) => x.where('i.account_id', '=', f.accountId!))
    .$if(f.regionId !== undefined, (x) => x.where('i.region_id', '=', f.regionId!))
    .$if(f.status !== undefined, (x) => x.where('i.status', '=', f.status!))
    .$if(f.name !== undefined, (x) => x.where(likeSubstring('i.name', f.name!)));
  const rowsQuery = filtered
    .leftJoin('accounts as a', 'a.id', 'i.account_id')
    .select([
      'i.id',
      'i.account_id',
      'a.name as account_name',
      'i.region_id',
      'i.az_id',
      'i.device_type',
      'i.name',
      'i.status',
      'i.hostname',
      'i.private_ip',
      'i.created_at',
    ])
    .orderBy('i.created_at')
    .orderBy('i.id')
    .limit(page.pageSize)
    .offset(page.offset);
  const countQuery = filtered.select((eb) => eb.fn.countAll<number | string>().as('n'));
  const [rows, count] = await Promise.all([rowsQuery.execute(), countQuery.executeTakeFirst()]);
  return {
    rows: rows.map((r) => ({ ...r, account_name: r.account_name ?? '' })),
    totalCount: Number(count?.n ?? 0),
  };
}
