import { sql } from 'kysely';
import { type Executor, isPostgres } from '../db.js';
import { insertValues, prepared } from '../prepared.js';
import type { IpAllocationsTable } from '../tables.js';

/**
 * Private address management inside a VPC. Every address or range handed out is one row of
 * ip_allocations; rows never overlap within a VPC ((vpc_id, first_ip) is unique as a backstop).
 * `pool_id` names the CIDR it came from (the subnet id for its primary CIDR, or a secondary
 * CIDR id), `owner_id` who holds it (instance id for instance/extension addresses, alias IP id
 * for alias ranges). Reserved addresses (network, gateway, broadcast) are never rows: callers
 * search only the usable part of a pool. Callers lock the VPC row first (`lockVpc`), so
 * concurrent allocators in one VPC queue up on PostgreSQL; SQLite transactions are already
 * serialised (BEGIN IMMEDIATE). True when a lock was taken, and so perhaps waited for: what the
 * caller read before may have changed.
 */
export async function lockVpc(tx: Executor, vpcId: string): Promise<boolean> {
  if (!isPostgres(tx)) return false;
  await tx.selectFrom('vpcs').select('id').where('id', '=', vpcId).forUpdate().execute();
  return true;
}

/** True when no allocation of the VPC overlaps [first, last]. */
export async function isRangeFree(
  tx: Executor,
  vpcId: string,
  first: number,
  last: number,
): Promise<boolean> {
  const hit = await tx
    .selectFrom('ip_allocations')
    .select('id')
    .where('vpc_id', '=', vpcId)
    .where('first_ip', '<=', last)
    .where('last_ip', '>=', first)
    .limit(1)
    .executeTakeFirst();
  return hit === undefined;
}

/**
 * Lowest free address in [first, last] of the VPC, or undefined when the range is full.
 * A candidate is either `first` or the address after an allocation; since allocations never
 * overlap, the address after allocation A is taken exactly when another allocation starts there.
 */
export async function firstFreeIp(
  tx: Executor,
  vpcId: string,
  first: number,
  last: number,
): Promise<number | undefined> {
  if (first > last) return undefined;
  const cover = await coveringAllocation.first(tx, { vpcId, first });
  if (cover === undefined || Number(cover.last_ip) < first) return first;
  const c = (await addressAfterGap.first(tx, { vpcId, first, last }))?.c;
  return c === undefined ? undefined : Number(c);
}

interface InRange {
  vpcId: string;
  first: number;
  last: number;
}

/** The allocation that starts at or below `first`, nearest to it. */
const coveringAllocation = prepared((db, p: { vpcId: string; first: number }) =>
  db
    .selectFrom('ip_allocations')
    .select('last_ip')
    .where('vpc_id', '=', p.vpcId)
    .where('first_ip', '<=', p.first)
    .orderBy('first_ip', 'desc')
    .limit(1),
);

/** The first address after an allocation ending in [first, last) that no allocation starts at. */
const addressAfterGap = prepared((db, p: InRange) =>
  db
    .selectFrom('ip_allocations as a')
    .select(sql<number | string>`a.last_ip + 1`.as('c'))
    .where('a.vpc_id', '=', p.vpcId)
    .where('a.last_ip', '>=', p.first)
    .where('a.last_ip', '<', p.last)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('ip_allocations as b')
            .select(sql.lit(1).as('one'))
            .whereRef('b.vpc_id', '=', 'a.vpc_id')
            .where('b.first_ip', '=', sql<number>`a.last_ip + 1`),
        ),
      ),
    )
    .orderBy('a.last_ip')
    .limit(1),
);

/** The first allocation that starts above `first` and at or below `last`. */
const nextAllocation = prepared((db, p: InRange) =>
  db
    .selectFrom('ip_allocations')
    .select('first_ip')
    .where('vpc_id', '=', p.vpcId)
    .where('first_ip', '>', p.first)
    .where('first_ip', '<=', p.last)
    .orderBy('first_ip')
    .limit(1),
);

/**
 * The `limit` lowest free addresses of [first, last] of the VPC, lowest first (fewer when the
 * range holds fewer). The same addresses as `limit` successive `firstFreeIp` calls each starting
 * after the address just found, but one gap search per run of free addresses, not per address:
 * the lowest free address, then the next allocation above it bounds the run.
 */
export async function lowestFreeIps(
  tx: Executor,
  vpcId: string,
  first: number,
  last: number,
  limit: number,
): Promise<number[]> {
  const out: number[] = [];
  let from = first;
  while (out.length < limit && from <= last) {
    const ip = await firstFreeIp(tx, vpcId, from, last);
    if (ip === undefined) break;
    const next = await nextAllocation.first(tx, { vpcId, first: ip, last });
    const runEnd = next === undefined ? last : Number(next.first_ip) - 1;
    let a = ip;
    while (a <= runEnd && out.length < limit) out.push(a++);
    from = runEnd + 1;
  }
  return out;
}

/**
 * Where the lowest-free search of a pool may start: on SQLite the pool's hint (migration 0003:
 * everything below it is allocated), on PostgreSQL the pool's first address.
 */
export async function searchStart(tx: Executor, vpcId: string, poolFirst: number): Promise<number> {
  if (isPostgres(tx)) return poolFirst;
  const r = await poolHint.first(tx, { vpcId, poolFirst });
  return r === undefined ? poolFirst : Math.max(poolFirst, Number(r.low));
}

/** Records that every address of [poolFirst, low) is allocated (SQLite; a no-op on PostgreSQL). */
export async function raiseSearchStart(
  tx: Executor,
  vpcId: string,
  poolFirst: number,
  low: number,
): Promise<void> {
  if (isPostgres(tx)) return;
  await raiseHint.run(tx, { vpcId, poolFirst, low });
}

interface PoolOf {
  vpcId: string;
  poolFirst: number;
}

const poolHint = prepared((db, p: PoolOf) =>
  db
    .selectFrom('ip_pool_hints')
    .select('low')
    .where('vpc_id', '=', p.vpcId)
    .where('pool_first', '=', p.poolFirst),
);

const raiseHint = prepared((db, p: PoolOf & { low: number }) =>
  db
    .insertInto('ip_pool_hints')
    .values({ vpc_id: p.vpcId, pool_first: p.poolFirst, low: p.low })
    .onConflict((oc) =>
      oc
        .columns(['vpc_id', 'pool_first'])
        .doUpdateSet({ low: sql<number>`max(ip_pool_hints.low, excluded.low)` }),
    ),
);

/** One row of ip_allocations as written (its id is the database's). */
export type AllocationRow = Omit<IpAllocationsTable, 'id'>;

export async function insertAllocation(tx: Executor, row: AllocationRow): Promise<void> {
  await tx.insertInto('ip_allocations').values(row).execute();
}

/** Inserts allocation rows, up to ALLOCATION_CHUNK per statement. */
export async function insertAllocations(tx: Executor, rows: readonly AllocationRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += ALLOCATION_CHUNK) {
    await insertValues(tx, 'ip_allocations', rows.slice(i, i + ALLOCATION_CHUNK));
  }
}

/** Allocation rows per INSERT statement (8 parameters each). */
const ALLOCATION_CHUNK = 500;

export async function releaseByOwner(tx: Executor, ownerId: string): Promise<void> {
  await tx.deleteFrom('ip_allocations').where('owner_id', '=', ownerId).execute();
}

/**
 * Releases everything an instance holds: its own addresses (owner = instance id) and the
 * ranges of its alias IPs (owner = alias IP id). Idempotent.
 */
export async function releaseInstanceAllocations(tx: Executor, instanceId: string): Promise<void> {
  await tx
    .deleteFrom('ip_allocations')
    .where((eb) =>
      eb.or([
        eb('owner_id', '=', instanceId),
        eb(
          'owner_id',
          'in',
          eb.selectFrom('alias_ips').select('alias_ips.id').where('alias_ips.instance_id', '=', instanceId),
        ),
      ]),
    )
    .execute();
}

/** Addresses allocated per pool (subnet primary CIDR or secondary CIDR id); absent → 0. */
export async function allocatedByPool(
  db: Executor,
  poolIds: readonly string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (poolIds.length === 0) return out;
  const rows = await db
    .selectFrom('ip_allocations')
    .select('pool_id')
    .select((eb) => eb.fn.sum<number | string | null>(sql`last_ip - first_ip + 1`).as('n'))
    .where('pool_id', 'in', [...poolIds])
    .groupBy('pool_id')
    .execute();
  for (const r of rows) out.set(r.pool_id, Number(r.n ?? 0));
  return out;
}

/** True when anything (instance address, alias range) is allocated in the subnet or its secondary CIDR. */
export async function subnetHasAllocations(db: Executor, subnetId: string): Promise<boolean> {
  const hit = await db
    .selectFrom('ip_allocations')
    .select('id')
    .where('subnet_id', '=', subnetId)
    .limit(1)
    .executeTakeFirst();
  return hit !== undefined;
}

export async function poolHasAllocations(db: Executor, poolId: string): Promise<boolean> {
  const hit = await db
    .selectFrom('ip_allocations')
    .select('id')
    .where('pool_id', '=', poolId)
    .limit(1)
    .executeTakeFirst();
  return hit !== undefined;
}

/** Addresses allocated inside [first, last] of a VPC. */
export async function allocatedInRange(
  db: Executor,
  vpcId: string,
  first: number,
  last: number,
): Promise<number> {
  const r = await db
    .selectFrom('ip_allocations')
    .select((eb) => eb.fn.sum<number | string | null>(sql`last_ip - first_ip + 1`).as('n'))
    .where('vpc_id', '=', vpcId)
    .where('first_ip', '>=', first)
    .where('last_ip', '<=', last)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Free addresses of [first, last], lowest first, at most `limit`. */
export async function freeIps(
  db: Executor,
  vpcId: string,
  first: number,
  last: number,
  limit: number,
): Promise<number[]> {
  const taken = await db
    .selectFrom('ip_allocations')
    .select(['first_ip', 'last_ip'])
    .where('vpc_id', '=', vpcId)
    .where('first_ip', '<=', last)
    .where('last_ip', '>=', first)
    .orderBy('first_ip')
    .execute();
  const out: number[] = [];
  let ip = first;
  for (const t of taken) {
    while (ip < Number(t.first_ip) && ip <= last && out.length < limit) out.push(ip++);
    ip = Math.max(ip, Number(t.last_ip) + 1);
    if (out.length >= limit) return out;
  }
  while (ip <= last && out.length < limit) out.push(ip++);
  return out;
}
