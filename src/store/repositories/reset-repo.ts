import { sql } from 'kysely';
import type { CatalogFile } from '../../domain/catalog/catalog-file.js';
import type { Store, Tx } from '../db.js';
import { EVERY_INSTANCE, moveReadGeneration } from '../migrations/0009-read-changes.js';
import { syncCatalog } from './catalog-repo.js';

/**
 * What tests and tools create, emptied by a reset, children before parents. Nonces
 * (seen_nonces, nonce_log) are not state: replay protection outlives a reset. Accounts, keys,
 * quotas, the fleet and the catalog are handled separately.
 */
const USER_TABLES = [
  'instances',
  'instance_counts',
  'instance_events',
  'alias_ips',
  'secondary_cidrs',
  'ip_allocations',
  'elastic_ips',
  'bandwidth_packages',
  'keypairs',
  'subnets',
  'vpcs',
  'idempotency_keys',
  'faults',
  'deployments',
  'bmc_locks',
] as const;

export interface ResetPlan {
  /** The catalog file and its text, re-synced (forced) in the reset's transaction. */
  catalog: CatalogFile;
  catalogText: string;
  /** Time stamped on devices the catalog sync re-creates (epoch ms). */
  now: number;
  /** Serials of the devices the catalog defines: deleted and re-created as the catalog says. */
  catalogSerials: readonly string[];
  /** Delete every account but the one named `keepAccount` (with their keys) and every quota. */
  accounts: boolean;
  keepAccount: string;
  /**
   * With `accounts`: accounts also kept (with their keys), e.g. the operator whose API call
   * asked for the reset, so it is not locked out by its own request. Their quotas still go.
   */
  keepAccountIds?: readonly string[];
  /** Settings raised to at least the given value when present (integer-valued, e.g. simulated time). */
  settingFloors: readonly { key: string; atLeast: number }[];
}

/** Rows removed per table (tables with none are left out). */
export type ResetCounts = Record<string, number>;

/**
 * Puts the database back to a freshly started state in ONE transaction (see
 * domain/operator/reset.ts for what that means). On SQLite the read generation (migration 0002)
 * is moved explicitly, so every process answering instance reads from memory lets them go even
 * when no instance view row existed; other processes' key and fault caches follow SQLite's
 * data_version, which this commit moves.
 */
export async function resetDatabase(store: Store, plan: ResetPlan): Promise<ResetCounts> {
  return store.transaction(async (tx) => {
    const counts: ResetCounts = {};
    const note = (table: string, n: bigint | number | undefined) => {
      if (Number(n ?? 0) > 0) counts[table] = (counts[table] ?? 0) + Number(n);
    };
    if (store.dialect === 'postgres') {
      // TRUNCATE skips the per-row instance-count trigger that makes a DELETE of 10,000
      // instances take over a second; it is transactional in PostgreSQL. Its exclusive locks
      // make concurrent requests of other processes wait for the reset's commit.
      const counted = await sql<{ t: string; n: number }>`${sql.join(
        USER_TABLES.map((t) => sql`select ${t}::text as t, count(*)::int as n from ${sql.table(t)}`),
        sql` union all `,
      )}`.execute(tx);
      for (const r of counted.rows) note(r.t, r.n);
      await sql`truncate table ${sql.join(USER_TABLES.map((t) => sql.table(t)))}`.execute(tx);
    } else {
      for (const t of USER_TABLES) note(t, (await tx.deleteFrom(t).executeTakeFirst()).numDeletedRows);
    }
    if (store.dialect === 'sqlite') {
      note('ip_pool_hints', (await tx.deleteFrom('ip_pool_hints').executeTakeFirst()).numDeletedRows);
    }

    // Every device forgets what its driver kept, counted as the table it was once kept in: the
    // catalog's devices go with their rows below, the others are cleared after.
    const kept = await tx
      .selectFrom('devices')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('driver_state', 'is not', null)
      .executeTakeFirstOrThrow();
    note('device_driver_state', kept.n);
    // The fleet: catalog devices are re-created by the sync below (status, BMC enrolment and
    // MACs as the catalog says); devices an operator added stay as enrolled, without instance.
    for (let i = 0; i < plan.catalogSerials.length; i += 500) {
      await tx
        .deleteFrom('devices')
        .where('serial', 'in', plan.catalogSerials.slice(i, i + 500))
        .execute();
    }
    await tx
      .updateTable('devices')
      .set({ driver_state: null, driver_state_at: null })
      .where('driver_state', 'is not', null)
      .execute();
    await tx
      .updateTable('devices')
      .set({
        instance_id: null,
        status: sql<
          'available' | 'retired'
        >`case when status = 'retired' then 'retired' else 'available' end`,
      })
      .where((eb) => eb.or([eb('instance_id', 'is not', null), eb('status', '=', 'allocated')]))
      .execute();
    // Public addresses are exactly the catalog's pools again, all free.
    await tx.deleteFrom('public_ips').execute();

    if (plan.accounts) {
      const keepIds = [...(plan.keepAccountIds ?? [])];
      const kept = tx
        .selectFrom('accounts')
        .select('id')
        .where((eb) =>
          keepIds.length === 0
            ? eb('name', '=', plan.keepAccount)
            : eb.or([eb('name', '=', plan.keepAccount), eb('id', 'in', keepIds)]),
        );
      note(
        'access_keys',
        (await tx.deleteFrom('access_keys').where('account_id', 'not in', kept).executeTakeFirst())
          .numDeletedRows,
      );
      note(
        'accounts',
        (
          await tx
            .deleteFrom('accounts')
            .where('name', '!=', plan.keepAccount)
            .$if(keepIds.length > 0, (q) => q.where('id', 'not in', keepIds))
            .executeTakeFirst()
        ).numDeletedRows,
      );
      // As a fresh start makes it: the default account is an active user.
      await tx
        .updateTable('accounts')
        .set({ role: 'user', status: 'active' })
        .where('name', '=', plan.keepAccount)
        .execute();
      note('quotas', (await tx.deleteFrom('quotas').executeTakeFirst()).numDeletedRows);
    }

    for (const f of plan.settingFloors) {
      await tx
        .updateTable('settings')
        .set({ value: String(Math.trunc(f.atLeast)) })
        .where('key', '=', f.key)
        .where(sql<boolean>`cast(value as bigint) < ${Math.trunc(f.atLeast)}`)
        .execute();
    }

    // Forced: the sync rewrites every catalog row (sold-out flags, OS images and RAID types
    // added by operators) and re-creates the missing devices and IPs.
    await syncCatalog(inTransaction(store, tx), plan.catalog, plan.catalogText, plan.now, { force: true });

    if (store.dialect === 'sqlite') await bumpReadGeneration(tx);
    return counts;
  });
}

/**
 * Moves SQLite's read generation (migration 0002) as a change of every instance (0009); a no-op
 * elsewhere is the caller's choice.
 */
export async function bumpReadGeneration(tx: Tx): Promise<void> {
  for (const statement of moveReadGeneration(`'${EVERY_INSTANCE}'`).split(';')) {
    if (statement.trim() !== '') await sql.raw(statement).execute(tx);
  }
}

/** `store` whose transaction() runs inside `tx`: lets a repository function join this transaction. */
function inTransaction(store: Store, tx: Tx): Store {
  return { ...store, db: tx, transaction: <T>(fn: (t: Tx) => Promise<T>) => fn(tx) };
}
