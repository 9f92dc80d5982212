import { type Executor, isPostgres } from '../db.js';
import { regionBandwidthSum } from './bandwidth-sum.js';
import { paged } from '../paging.js';
import type { AliasIpsTable, ElasticIpsTable, InstancesTable, RegionsTable } from '../tables.js';

export type ElasticIpRow = ElasticIpsTable;
export type RegionCapacityRow = Pick<
  RegionsTable,
  'id' | 'line_type' | 'bandwidth_capacity' | 'extra_uplink_capacity'
>;

/**
 * Locks the region row (PostgreSQL) so that bandwidth stock and elastic-IP quota checks and the
 * writes they guard are serialised per region; SQLite transactions are serialised anyway.
 * Lock order used by the elastic-IP code: region → instance → bandwidth package → elastic IP.
 */
export const lockRegion = (tx: Executor, regionId: string): Promise<RegionCapacityRow | undefined> =>
  tx
    .selectFrom('regions')
    .select(['id', 'line_type', 'bandwidth_capacity', 'extra_uplink_capacity'])
    .where('id', '=', regionId)
    .$if(isPostgres(tx), (q) => q.forUpdate())
    .executeTakeFirst();

export const getRegionCapacity = (db: Executor, regionId: string): Promise<RegionCapacityRow | undefined> =>
  db
    .selectFrom('regions')
    .select(['id', 'line_type', 'bandwidth_capacity', 'extra_uplink_capacity'])
    .where('id', '=', regionId)
    .executeTakeFirst();

export async function insertElasticIp(tx: Executor, row: ElasticIpRow): Promise<void> {
  await tx.insertInto('elastic_ips').values(row).execute();
}

/** One elastic IP of the account in the region; `lock` takes a row lock on PostgreSQL. */
export const getElasticIp = (
  db: Executor,
  owner: { accountId: string; regionId: string },
  id: string,
  lock = false,
): Promise<ElasticIpRow | undefined> =>
  db
    .selectFrom('elastic_ips')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', owner.accountId)
    .where('region_id', '=', owner.regionId)
    .$if(lock && isPostgres(db), (q) => q.forUpdate())
    .executeTakeFirst();

export const getElasticIpsByIds = (
  db: Executor,
  owner: { accountId: string; regionId: string },
  ids: readonly string[],
  lock = false,
): Promise<ElasticIpRow[]> =>
  ids.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('elastic_ips')
        .selectAll()
        .where('id', 'in', [...ids])
        .where('account_id', '=', owner.accountId)
        .where('region_id', '=', owner.regionId)
        .orderBy('id')
        .$if(lock && isPostgres(db), (q) => q.forUpdate())
        .execute();

export interface ElasticIpListQuery {
  accountId: string;
  regionId: string;
  ids?: readonly string[];
  ips?: readonly string[];
  packageIds?: readonly string[];
  associated?: boolean;
  inPackage?: boolean;
  chargeMode?: string;
  instanceId?: string;
  /** Instances whose primary or extension NIC is in this subnet: the EIP bound to that NIC. */
  subnetId?: string;
}

export function listElasticIps(
  db: Executor,
  q: ElasticIpListQuery,
  page: { offset: number; pageSize: number },
): Promise<{ rows: ElasticIpRow[]; totalCount: number }> {
  const query = db
    .selectFrom('elastic_ips')
    .selectAll()
    .where('account_id', '=', q.accountId)
    .where('region_id', '=', q.regionId)
    // Two filters on one name with no common value leave none; `IN ()` is a syntax error on PostgreSQL.
    .$if(q.ids !== undefined, (s) => s.where('id', 'in', q.ids!.length > 0 ? [...q.ids!] : ['']))
    .$if(q.ips !== undefined, (s) => s.where('ip', 'in', q.ips!.length > 0 ? [...q.ips!] : ['']))
    .$if(q.packageIds !== undefined, (s) =>
      s.where('bandwidth_package_id', 'in', q.packageIds!.length > 0 ? [...q.packageIds!] : ['']),
    )
    .$if(q.associated === true, (s) => s.where('instance_id', 'is not', null))
    .$if(q.associated === false, (s) => s.where('instance_id', 'is', null))
    .$if(q.inPackage === true, (s) => s.where('bandwidth_package_id', 'is not', null))
    .$if(q.inPackage === false, (s) => s.where('bandwidth_package_id', 'is', null))
    .$if(q.chargeMode !== undefined, (s) => s.where('charge_mode', '=', q.chargeMode!))
    .$if(q.instanceId !== undefined, (s) => s.where('instance_id', '=', q.instanceId!))
    .$if(q.subnetId !== undefined, (s) =>
      s.where((eb) =>
        eb.exists(
          eb
            .selectFrom('instances')
            .select('instances.id')
            .whereRef('instances.id', '=', 'elastic_ips.instance_id')
            .where((w) =>
              w.or([
                w.and([w('elastic_ips.nic', '=', 'primary'), w('instances.subnet_id', '=', q.subnetId!)]),
                w.and([
                  w('elastic_ips.nic', '=', 'extension'),
                  w('instances.extension_subnet_id', '=', q.subnetId!),
                ]),
              ]),
            ),
        ),
      ),
    )
    .orderBy('created_at')
    .orderBy('id');
  return paged(query, page);
}

/** Elastic IPs that count toward the quota: those bought with applyElasticIps. */
export async function countQuotaElasticIps(
  db: Executor,
  accountId: string,
  regionId: string,
): Promise<number> {
  const r = await db
    .selectFrom('elastic_ips')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('region_id', '=', regionId)
    .where('owned_by_instance', '=', 0)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Bandwidth taken by elastic IPs outside packages (a package's members share its bandwidth). */
export const standaloneBandwidth = (db: Executor, regionId: string) =>
  regionBandwidthSum(db, 'standalone_elastic_ips', regionId);

export async function updateElasticIp(
  tx: Executor,
  id: string,
  set: Partial<
    Pick<
      ElasticIpRow,
      'bandwidth' | 'extra_uplink_bandwidth' | 'instance_id' | 'target_ip' | 'nic' | 'bandwidth_package_id'
    >
  >,
): Promise<void> {
  await tx.updateTable('elastic_ips').set(set).where('id', '=', id).execute();
}

export async function setPackageOfElasticIps(
  tx: Executor,
  ids: readonly string[],
  packageId: string | null,
): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .updateTable('elastic_ips')
    .set({ bandwidth_package_id: packageId })
    .where('id', 'in', [...ids])
    .execute();
}

export async function deleteElasticIp(tx: Executor, id: string): Promise<void> {
  await tx.deleteFrom('elastic_ips').where('id', '=', id).execute();
}

export const elasticIpsOfInstance = (db: Executor, instanceId: string): Promise<ElasticIpRow[]> =>
  db
    .selectFrom('elastic_ips')
    .selectAll()
    .where('instance_id', '=', instanceId)
    .orderBy('id')
    .$if(isPostgres(db), (q) => q.forUpdate())
    .execute();

export async function publicIps(db: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('elastic_ips')
    .select(['id', 'ip'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.ip]));
}

export type BindableInstanceRow = Pick<
  InstancesTable,
  | 'id'
  | 'account_id'
  | 'region_id'
  | 'status'
  | 'action'
  | 'line_type'
  | 'interface_mode'
  | 'subnet_id'
  | 'private_ip'
  | 'elastic_ip_id'
  | 'extension_subnet_id'
  | 'extension_private_ip'
  | 'extension_elastic_ip_id'
>;

/** The instance fields binding needs, row-locked on PostgreSQL (the instance owns the NIC slots). */
export const lockInstanceForBinding = (
  tx: Executor,
  owner: { accountId: string; regionId: string },
  instanceId: string,
): Promise<BindableInstanceRow | undefined> =>
  tx
    .selectFrom('instances')
    .select([
      'id',
      'account_id',
      'region_id',
      'status',
      'action',
      'line_type',
      'interface_mode',
      'subnet_id',
      'private_ip',
      'elastic_ip_id',
      'extension_subnet_id',
      'extension_private_ip',
      'extension_elastic_ip_id',
    ])
    .where('id', '=', instanceId)
    .where('account_id', '=', owner.accountId)
    .where('region_id', '=', owner.regionId)
    .$if(isPostgres(tx), (q) => q.forUpdate())
    .executeTakeFirst();

/**
 * Sets the elastic-IP column of one NIC, only if it still holds `expected` (compare-and-set):
 * false means another transaction changed it first.
 */
export async function setInstanceNicElasticIp(
  tx: Executor,
  p: {
    instanceId: string;
    nic: 'primary' | 'extension';
    expected: string | null;
    value: string | null;
    now: number;
  },
): Promise<boolean> {
  const column = p.nic === 'primary' ? 'elastic_ip_id' : 'extension_elastic_ip_id';
  const r = await tx
    .updateTable('instances')
    .set({ [column]: p.value, updated_at: p.now })
    .where('id', '=', p.instanceId)
    .where(column, p.expected === null ? 'is' : '=', p.expected)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Clears both elastic-IP columns of an instance (it is being deleted). */
export async function clearInstanceElasticIps(tx: Executor, instanceId: string, now: number): Promise<void> {
  await tx
    .updateTable('instances')
    .set({ elastic_ip_id: null, extension_elastic_ip_id: null, updated_at: now })
    .where('id', '=', instanceId)
    .where((eb) =>
      eb.or([eb('elastic_ip_id', 'is not', null), eb('extension_elastic_ip_id', 'is not', null)]),
    )
    .execute();
}

export const aliasRangesOf = (
  db: Executor,
  instanceId: string,
  nic: 'primary' | 'extension',
): Promise<Pick<AliasIpsTable, 'id' | 'cidr'>[]> =>
  db
    .selectFrom('alias_ips')
    .select(['id', 'cidr'])
    .where('instance_id', '=', instanceId)
    .where('nic', '=', nic)
    .execute();
