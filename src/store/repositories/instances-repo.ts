import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import { type Executor, isPostgres } from '../db.js';
import { insertValues, prepared, preparedList, preparedShapes } from '../prepared.js';
import type { Database, InstanceEventsTable, InstancesTable } from '../tables.js';
import { likeMatches, likePattern } from './like.js';

export type InstanceRow = InstancesTable;

/** An instance with what the wire model joins in: VPC and subnet names, elastic IP details. */
export interface InstanceView extends InstanceRow {
  vpc_name: string | null;
  subnet_name: string | null;
  extension_vpc_name: string | null;
  extension_subnet_name: string | null;
  public_ip: string | null;
  eip_bandwidth: number | null;
  eip_extra_uplink_bandwidth: number | null;
  eip_line_type: string | null;
  extension_public_ip: string | null;
  extension_eip_bandwidth: number | null;
  extension_eip_extra_uplink_bandwidth: number | null;
}

export interface Owner {
  accountId: string;
  regionId: string;
}

/** Multi-row inserts, chunked to stay far below SQLite's bound-parameter limit. */
export async function insertInstances(tx: Executor, rows: readonly InstanceRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 100) await insertValues(tx, 'instances', rows.slice(i, i + 100));
}

/**
 * Number of instances of an account in a region, with the counter row locked (PostgreSQL) so
 * concurrent creations of one account queue up here and the quota check cannot be raced. The
 * row is created first when missing, so even the first creation has a row to lock. Triggers on
 * `instances` keep the counter exact (migration 0001).
 */
const ensureCountRow = prepared((db, p: Owner) =>
  db
    .insertInto('instance_counts')
    .values({ account_id: p.accountId, region_id: p.regionId, n: 0 })
    .onConflict((oc) => oc.columns(['account_id', 'region_id']).doNothing()),
);
const lockedCount = prepared((db, p: Owner) =>
  db
    .selectFrom('instance_counts')
    .select('n')
    .where('account_id', '=', p.accountId)
    .where('region_id', '=', p.regionId)
    .$if(isPostgres(db), (q) => q.forUpdate()),
);

export async function lockInstanceCount(tx: Executor, owner: Owner): Promise<number> {
  const key = { accountId: owner.accountId, regionId: owner.regionId };
  await ensureCountRow.run(tx, key);
  const row = await lockedCount.first(tx, key);
  if (row === undefined) throw new Error(`no instance count row for ${owner.accountId} in ${owner.regionId}`);
  return Number(row.n);
}

export async function instanceCount(db: Executor, owner: Owner): Promise<number> {
  const row = await db
    .selectFrom('instance_counts')
    .select('n')
    .where('account_id', '=', owner.accountId)
    .where('region_id', '=', owner.regionId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The instance row of the owner, row-locked on PostgreSQL when `lock` (actions on it follow). */
export const getInstanceRow = (
  db: Executor,
  owner: Owner,
  id: string,
  lock = false,
): Promise<InstanceRow | undefined> =>
  db
    .selectFrom('instances')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', owner.accountId)
    .where('region_id', '=', owner.regionId)
    .$if(lock && isPostgres(db), (q) => q.forUpdate())
    .executeTakeFirst();

/** Instance rows plus the joined names and addresses of the wire model: one query. */
function views(db: Executor) {
  return db
    .selectFrom('instances as i')
    .leftJoin('vpcs as v', 'v.id', 'i.vpc_id')
    .leftJoin('subnets as s', 's.id', 'i.subnet_id')
    .leftJoin('vpcs as xv', 'xv.id', 'i.extension_vpc_id')
    .leftJoin('subnets as xs', 'xs.id', 'i.extension_subnet_id')
    .leftJoin('elastic_ips as e', 'e.id', 'i.elastic_ip_id')
    .leftJoin('elastic_ips as xe', 'xe.id', 'i.extension_elastic_ip_id')
    .selectAll('i')
    .select([
      'v.name as vpc_name',
      's.name as subnet_name',
      'xv.name as extension_vpc_name',
      'xs.name as extension_subnet_name',
      'e.ip as public_ip',
      'e.bandwidth as eip_bandwidth',
      'e.extra_uplink_bandwidth as eip_extra_uplink_bandwidth',
      'e.line_type as eip_line_type',
      'xe.ip as extension_public_ip',
      'xe.bandwidth as extension_eip_bandwidth',
      'xe.extra_uplink_bandwidth as extension_eip_extra_uplink_bandwidth',
    ]);
}

/** describeInstances filters; every given one must match (values of one filter are OR-ed). */
export interface InstanceListQuery {
  ids?: readonly string[];
  statuses?: readonly string[];
  /** Case-insensitive substring. */
  name?: string;
  az?: string;
  deviceType?: string;
  subnetId?: string;
  enableInternet?: string;
  privateIp?: string;
  extensionPrivateIp?: string;
  keypairId?: string;
  interfaceMode?: string;
  networkType?: string;
}

const isUnfiltered = (q: InstanceListQuery): boolean => Object.values(q).every((v) => v === undefined);

/** Filters matched by equality: the query's field and the column. */
const EQUALS = [
  ['az', 'az_id'],
  ['deviceType', 'device_type'],
  ['subnetId', 'subnet_id'],
  ['enableInternet', 'enable_internet'],
  ['privateIp', 'private_ip'],
  ['extensionPrivateIp', 'extension_private_ip'],
  ['keypairId', 'keypair_id'],
  ['interfaceMode', 'interface_mode'],
  ['networkType', 'network_type'],
] as const satisfies readonly (readonly [keyof InstanceListQuery, string])[];

/**
 * The filters' values by name (`id0`…, `status0`…, `name` as its LIKE pattern, the equality
 * filters by column): what conditions() binds.
 */
function filterValues(q: InstanceListQuery): Record<string, unknown> {
  const v: Record<string, unknown> = {};
  q.ids?.forEach((id, k) => (v[`id${k}`] = id));
  q.statuses?.forEach((s, k) => (v[`status${k}`] = s));
  if (q.name !== undefined) v.name = likePattern(q.name);
  for (const [field, column] of EQUALS) if (q[field] !== undefined) v[column] = q[field];
  return v;
}

/** What the text of conditions(q) depends on: which filters are given, and the lists' lengths. */
const shapeOf = (q: InstanceListQuery): string =>
  `${q.ids?.length ?? '-'} ${q.statuses?.length ?? '-'} ${q.name === undefined ? '-' : 'n'} ` +
  EQUALS.map(([field]) => (q[field] === undefined ? '-' : 'y')).join('');

/** The filters of `q` as conditions, their values taken from `p` (filterValues, or stand-ins). */
function conditions(
  q: InstanceListQuery,
  col: (c: string) => string,
  p: Record<string, unknown>,
): Expression<SqlBool>[] {
  const out: Expression<SqlBool>[] = [];
  const inList = (c: string, n: number | undefined) => {
    if (n === undefined) return;
    const values = Array.from({ length: n }, (_, k) => sql`${p[`${c}${k}`]}`);
    out.push(n === 0 ? sql<SqlBool>`1 = 0` : sql<SqlBool>`${sql.ref(col(c))} in (${sql.join(values)})`);
  };
  inList('id', q.ids?.length);
  inList('status', q.statuses?.length);
  if (q.name !== undefined) out.push(likeMatches(col('name'), p.name));
  for (const [field, column] of EQUALS) {
    if (q[field] !== undefined) out.push(sql<SqlBool>`${sql.ref(col(column))} = ${p[column]}`);
  }
  return out;
}

/** One page of the owner's instances matching `where`, newest first; the caller selects. */
function ownerPage(
  db: Executor,
  owner: Owner,
  where: Expression<SqlBool>[],
  page: { offset: number; pageSize: number },
) {
  return db
    .selectFrom('instances as i')
    .where('i.account_id', '=', owner.accountId)
    .where('i.region_id', '=', owner.regionId)
    .where((eb) => eb.and(where))
    .orderBy('i.created_at', 'desc')
    .orderBy('i.id', 'desc')
    .limit(page.pageSize)
    .offset(page.offset);
}

/**
 * One page, newest first, and the total. The page walks the (account_id, region_id,
 * created_at, id) index backwards and joins names for at most one page of rows; an unfiltered
 * total comes from the counter row instead of counting, so the cost does not grow with the
 * number of instances stored.
 */
export async function listInstanceViews(
  db: Executor,
  owner: Owner,
  q: InstanceListQuery,
  page: { offset: number; pageSize: number },
): Promise<{ rows: InstanceView[]; totalCount: number }> {
  const where = conditions(q, (c) => `i.${c}`, filterValues(q));
  const pageIds = ownerPage(db, owner, where, page).select('i.id');
  const rowsQuery = views(db)
    .where('i.id', 'in', pageIds)
    .orderBy('i.created_at', 'desc')
    .orderBy('i.id', 'desc');
  const countQuery = async (): Promise<number> => {
    if (isUnfiltered(q)) return instanceCount(db, owner);
    const r = await db
      .selectFrom('instances as i')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('i.account_id', '=', owner.accountId)
      .where('i.region_id', '=', owner.regionId)
      .where((eb) => eb.and(where))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  };
  const [rows, totalCount] = await Promise.all([rowsQuery.execute(), countQuery()]);
  return { rows: rows as InstanceView[], totalCount };
}

/**
 * SQLite: the ids of one page, newest first, the total, and the read generation (migration
 * 0002), all from one statement and so from one snapshot: what a page assembled from instance
 * answers kept in memory must match. Undefined when the page is empty (nothing to read them from).
 */
export async function listInstancePage(
  db: Executor,
  owner: Owner,
  q: InstanceListQuery,
  page: { offset: number; pageSize: number },
): Promise<{ ids: string[]; totalCount: number; generation: number } | undefined> {
  const build = (p: Record<string, unknown>) => {
    const pageOwner = { accountId: p.accountId as string, regionId: p.regionId as string };
    const total = isUnfiltered(q)
      ? sql<number>`(select n from instance_counts where account_id = ${p.accountId} and region_id = ${p.regionId})`
      : sql<number>`(select count(*) from instances as c where c.account_id = ${p.accountId} and c.region_id = ${p.regionId} and ${sql.join(
          conditions(q, (c) => `c.${c}`, p).map((e) => sql`(${e})`),
          sql` and `,
        )})`;
    return ownerPage(
      db,
      pageOwner,
      conditions(q, (c) => `i.${c}`, p),
      {
        offset: p.offset as number,
        pageSize: p.pageSize as number,
      },
    ).select(['i.id', sql<number>`(select n from read_generation where id = 1)`.as('g'), total.as('total')]);
  };
  const rows = await pageOfIds.all(db, shapeOf(q), build, {
    ...filterValues(q),
    accountId: owner.accountId,
    regionId: owner.regionId,
    offset: page.offset,
    pageSize: page.pageSize,
  });
  if (rows.length === 0) return undefined;
  return {
    ids: rows.map((r) => r.id),
    totalCount: Number(rows[0].total ?? 0),
    generation: Number(rows[0].g),
  };
}
const pageOfIds = preparedShapes<Record<string, unknown>, { id: string; g: number; total: number }>();

/** One statement, so one snapshot, for any list a page makes (pages hold at most 100). */
const viewsById = preparedList(
  (db, ids) =>
    views(db)
      .select(
        isPostgres(db)
          ? sql<number | null>`null`.as('read_generation')
          : sql<number | null>`(select n from read_generation where id = 1)`.as('read_generation'),
      )
      .where('i.id', 'in', ids as string[]),
  4096,
);

/**
 * The views of the owner's instances among `ids`, in no order. On SQLite also the read
 * generation of the snapshot they were read from (migration 0002); undefined when none was found,
 * and on PostgreSQL.
 */
export async function getInstanceViews(
  db: Executor,
  owner: Owner,
  ids: readonly string[],
): Promise<{ views: InstanceView[]; generation: number | undefined }> {
  if (ids.length === 0) return { views: [], generation: undefined };
  // By primary key only: with the owner's columns in the WHERE, SQLite walks the owner's index
  // (every instance of the account, ~30 ms at 100,000) instead of looking the ids up. The
  // owner is checked on the rows instead.
  const rows = await viewsById(db, ids, {});
  const g = rows[0]?.read_generation;
  const generation = g === undefined || g === null ? undefined : Number(g);
  return {
    views: rows
      .filter((r) => r.account_id === owner.accountId && r.region_id === owner.regionId)
      .map(({ read_generation: _g, ...v }) => v as InstanceView),
    generation,
  };
}

// ---------------------------------------------------------------------------------------------
// Provisioning: leases and step persistence (DESIGN §4). Every write after a claim is
// conditional on the lease, so a worker that lost its lease can never overwrite the progress
// of the worker that took over.

export interface ClaimOptions {
  owner: string;
  /** Simulated time: rows with next_run_at <= now are due. */
  now: number;
  /** Wall time of the lease clock: leases with lease_until < leaseNow have expired. */
  leaseNow: number;
  leaseUntil: number;
  limit: number;
  /** Claim everything in flight, due or not (settle). */
  ignoreSchedule?: boolean;
  instanceId?: string;
}

/**
 * Claims due, unleased rows with one conditional UPDATE … RETURNING. On PostgreSQL the inner
 * SELECT skips rows locked by a concurrent claimer and the outer WHERE is re-checked on the
 * latest row version, so two workers never claim the same row; SQLite serialises writers.
 */
export async function claimDue(db: Executor, o: ClaimOptions): Promise<InstanceRow[]> {
  const due = (eb: ExpressionBuilder<Database, 'instances'>) =>
    eb.and([
      eb('step', 'is not', null),
      o.ignoreSchedule ? eb('next_run_at', 'is not', null) : eb('next_run_at', '<=', o.now),
      eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', o.leaseNow)]),
      ...(o.instanceId !== undefined ? [eb('id', '=', o.instanceId)] : []),
    ]);
  const candidates = db
    .selectFrom('instances')
    .select('id')
    .where(due)
    .orderBy('next_run_at')
    .limit(o.limit)
    .$if(isPostgres(db), (q) => q.forUpdate().skipLocked());
  const rows = await db
    .updateTable('instances')
    .set({ lease_owner: o.owner, lease_until: o.leaseUntil })
    .where('id', 'in', candidates)
    .where(due)
    .returningAll()
    .execute();
  // RETURNING follows no ORDER BY: restore due order.
  return rows.sort((a, b) => Number(a.next_run_at) - Number(b.next_run_at));
}

/** Extends the leases `owner` still holds. */
export async function renewLeases(
  db: Executor,
  owner: string,
  ids: readonly string[],
  until: number,
): Promise<void> {
  await leasesRenewed(db, ids, { owner, until });
}
const leasesRenewed = preparedList((db, ids, p: { owner: string; until: number }) =>
  db
    .updateTable('instances')
    .set({ lease_until: p.until })
    .where('id', 'in', ids as string[])
    .where('lease_owner', '=', p.owner),
);

/** What a worker writes after running steps of an instance it holds. */
export interface StepProgress {
  id: string;
  owner: string;
  /** The action and step the worker claimed the row at; the write applies only if unchanged. */
  fromAction: string;
  fromStep: string;
  set: Partial<
    Pick<
      InstanceRow,
      | 'status'
      | 'action'
      | 'step'
      | 'next_run_at'
      | 'attempts'
      | 'last_error'
      | 'secrets_sealed'
      | 'action_input'
      | 'updated_at'
      | 'os_type_id'
      | 'os_name'
      | 'os_type'
      | 'os_version'
      | 'sys_raid_type_id'
      | 'sys_raid_type'
      | 'data_raid_type_id'
      | 'data_raid_type'
      | 'hostname'
      | 'keypair_id'
    >
  >;
}

/** Applies progress and releases the lease; false when the lease was lost meanwhile. */
export async function saveProgress(tx: Executor, p: StepProgress): Promise<boolean> {
  const r = await tx
    .updateTable('instances')
    .set({ ...p.set, lease_owner: null, lease_until: null })
    .where('id', '=', p.id)
    .where('lease_owner', '=', p.owner)
    .where('action', '=', p.fromAction)
    .where('step', '=', p.fromStep)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Applies the same progress to many held rows at once (a batch that moved in step); returns the
 * ids actually updated — rows whose lease was lost meanwhile are left alone and not returned.
 */
export async function saveProgressMany(
  tx: Executor,
  p: Omit<StepProgress, 'id'> & { ids: readonly string[] },
): Promise<Set<string>> {
  // A column whose value is undefined is left as it is (as the query builder did), not nulled.
  const columns = (Object.keys(p.set) as (keyof typeof p.set)[]).filter((c) => p.set[c] !== undefined);
  const values: Record<string, unknown> = { owner: p.owner, fromAction: p.fromAction, fromStep: p.fromStep };
  for (const c of columns) values[`set_${c}`] = p.set[c];
  const rows = await progressOf(tx, p.ids, values, columns.join(','));
  return new Set(rows.map((r) => r.id));
}
/** The shape is the columns set, comma-separated; their values are `set_<column>`. */
const progressOf = preparedList((db, ids, p: Record<string, unknown>, columns) =>
  db
    .updateTable('instances')
    .set({
      ...Object.fromEntries(
        columns
          .split(',')
          .filter((c) => c !== '')
          .map((c) => [c, p[`set_${c}`]]),
      ),
      lease_owner: null,
      lease_until: null,
    })
    .where('id', 'in', ids as string[])
    .where('lease_owner', '=', p.owner as string)
    .where('action', '=', p.fromAction as string)
    .where('step', '=', p.fromStep as string)
    .returning('id'),
);

/** Deletes a held instance row (end of delete); false when the lease was lost meanwhile. */
export async function deleteHeldInstance(
  tx: Executor,
  p: { id: string; owner: string; fromStep: string },
): Promise<boolean> {
  const r = await tx
    .deleteFrom('instances')
    .where('id', '=', p.id)
    .where('lease_owner', '=', p.owner)
    .where('action', '=', 'delete')
    .where('step', '=', p.fromStep)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** Gives claimed rows back untouched (a pass that could not run them). */
export async function releaseLeases(db: Executor, owner: string, ids: readonly string[]): Promise<void> {
  await leasesReleased(db, ids, { owner });
}
const leasesReleased = preparedList((db, ids, p: { owner: string }) =>
  db
    .updateTable('instances')
    .set({ lease_owner: null, lease_until: null })
    .where('id', 'in', ids as string[])
    .where('lease_owner', '=', p.owner),
);

export async function insertEvents(tx: Executor, events: readonly Omit<InstanceEventsTable, 'id'>[]) {
  for (let i = 0; i < events.length; i += 500) {
    await insertValues(tx, 'instance_events', events.slice(i, i + 500));
  }
}

/** Earliest next_run_at of any instance with a step in flight (the poll loop sleeps until then). */
export async function nextDueAt(db: Executor): Promise<number | undefined> {
  const r = await db
    .selectFrom('instances')
    .select((eb) => eb.fn.min<number | null>('next_run_at').as('t'))
    .where('next_run_at', 'is not', null)
    .executeTakeFirst();
  return r?.t === null || r?.t === undefined ? undefined : Number(r.t);
}

/** Instances with an action in flight (optionally one instance), leased or not. */
export async function countInFlight(db: Executor, instanceId?: string): Promise<number> {
  const r = await db
    .selectFrom('instances')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('next_run_at', 'is not', null)
    .$if(instanceId !== undefined, (q) => q.where('id', '=', instanceId!))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** True when the key pair exists and belongs to the owner (createInstances reference check). */
export async function keypairBelongsTo(db: Executor, owner: Owner, keypairId: string): Promise<boolean> {
  const r = await db
    .selectFrom('keypairs')
    .select('id')
    .where('id', '=', keypairId)
    .where('account_id', '=', owner.accountId)
    .where('region_id', '=', owner.regionId)
    .executeTakeFirst();
  return r !== undefined;
}
