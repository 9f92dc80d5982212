import { type Executor, isPostgres } from '../db.js';
import { regionBandwidthSum } from './bandwidth-sum.js';
import { likeSubstring } from './like.js';
import { paged } from '../paging.js';
import type { BandwidthPackagesTable } from '../tables.js';

export type BandwidthPackageRow = BandwidthPackagesTable;

export async function insertBandwidthPackage(tx: Executor, row: BandwidthPackageRow): Promise<void> {
  await tx.insertInto('bandwidth_packages').values(row).execute();
}

/** One package of the account in the region; `lock` takes a row lock on PostgreSQL. */
export const getBandwidthPackage = (
  db: Executor,
  owner: { accountId: string; regionId: string },
  id: string,
  lock = false,
): Promise<BandwidthPackageRow | undefined> =>
  db
    .selectFrom('bandwidth_packages')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', owner.accountId)
    .where('region_id', '=', owner.regionId)
    .$if(lock && isPostgres(db), (q) => q.forUpdate())
    .executeTakeFirst();

export function listBandwidthPackages(
  db: Executor,
  q: { accountId: string; regionId: string; ids?: readonly string[]; name?: string },
  page: { offset: number; pageSize: number },
): Promise<{ rows: BandwidthPackageRow[]; totalCount: number }> {
  const query = db
    .selectFrom('bandwidth_packages')
    .selectAll()
    .where('account_id', '=', q.accountId)
    .where('region_id', '=', q.regionId)
    // Two filters on one name with no common value leave none; `IN ()` is a syntax error on PostgreSQL.
    .$if(q.ids !== undefined, (s) => s.where('id', 'in', q.ids!.length > 0 ? [...q.ids!] : ['']))
    .$if(q.name !== undefined, (s) => s.where(likeSubstring('name', q.name!)))
    .orderBy('created_at')
    .orderBy('id');
  return paged(query, page);
}

export async function countMembers(db: Executor, packageId: string): Promise<number> {
  const r = await db
    .selectFrom('elastic_ips')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('bandwidth_package_id', '=', packageId)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Bandwidth sold to packages in the region. */
export const packagesBandwidth = (db: Executor, regionId: string) =>
  regionBandwidthSum(db, 'bandwidth_packages', regionId);

export async function updateBandwidthPackage(
  tx: Executor,
  id: string,
  set: Partial<Pick<BandwidthPackageRow, 'name' | 'bandwidth' | 'extra_uplink_bandwidth'>>,
): Promise<void> {
  await tx.updateTable('bandwidth_packages').set(set).where('id', '=', id).execute();
}

export async function deleteBandwidthPackage(tx: Executor, id: string): Promise<void> {
  await tx.deleteFrom('bandwidth_packages').where('id', '=', id).execute();
}
