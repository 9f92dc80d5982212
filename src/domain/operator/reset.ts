import type { Store } from '../../store/db.js';
import { catalogSerials } from '../../store/repositories/catalog-repo.js';
import { type ResetCounts, resetDatabase } from '../../store/repositories/reset-repo.js';
import { isRetryableTxError } from '../../store/sql-errors.js';
import type { CatalogFile } from '../catalog/catalog-file.js';
import type { Deps } from '../deps.js';
import { clearSharedCaches } from '../fresh-cache.js';
import { SIM_TIME_KEY } from './sim-clock.js';

/** The account a reset with `accounts` keeps (the one every server creates at start). */
export const DEFAULT_ACCOUNT = 'default';

export interface ResetOptions {
  /** The catalog file the server syncs from, and its exact text (its digest is recorded). */
  catalog: CatalogFile;
  catalogText: string;
  /** Also delete every account but `default` (with their keys) and every quota. */
  accounts?: boolean;
  /**
   * With `accounts`, accounts kept besides `default` (with their keys): the operator API passes
   * its caller, so a reset asked for over HTTP does not delete the account that asked.
   */
  keepAccountIds?: readonly string[];
  /** Wall-clock now (epoch ms); simulated time is raised to it, never lowered. */
  wallNow?: number;
}

export interface ResetResult {
  accounts: boolean;
  /** Rows removed per table (tables left untouched are absent). */
  removed: ResetCounts;
}

/**
 * Forgets what this process keeps in memory about the database (every shared cache of the
 * store). Other processes notice on their own (SQLite data_version and read generation;
 * PostgreSQL keeps nothing), but a commit of this very connection does not move data_version.
 */
export function forgetCachedState(store: Store): void {
  clearSharedCaches(store);
}

/**
 * Puts the database back to the state a freshly started server has, in one transaction:
 * - gone: every instance, VPC, subnet, secondary CIDR, alias IP, elastic IP, bandwidth package,
 *   key pair, IP allocation and pool hint, instance count, instance event, idempotency record,
 *   fault, deployment, BMC lock and simulated driver state;
 * - the catalog re-synced from `catalog` even if unchanged (sold-out flags, OS images and RAID
 *   types back to the file); the catalog's devices re-created, free, simulated, without MACs;
 *   devices an operator added stay as enrolled (BMC, MACs, retired or not) but carry no
 *   instance; public IP pools as the catalog lists them, all free;
 * - accounts, keys and quotas kept (with their role and status); with `accounts`, only the
 *   `default` account (an active user again) and its keys remain, plus `keepAccountIds`, and
 *   every quota returns to the defaults;
 * - simulated time raised to wall time if it is behind (as a fresh start would set it), never
 *   lowered: running servers never step their clock back; nonces are kept (replay protection).
 * Takes effect for the next request of every process sharing the database. Idempotent.
 */
export async function resetState(
  deps: Pick<Deps, 'store' | 'clock'>,
  opts: ResetOptions,
): Promise<ResetResult> {
  const wallNow = opts.wallNow ?? Date.now();
  const plan = {
    catalog: opts.catalog,
    catalogText: opts.catalogText,
    now: deps.clock.now(),
    catalogSerials: catalogSerials(opts.catalog),
    accounts: opts.accounts === true,
    keepAccount: DEFAULT_ACCOUNT,
    keepAccountIds: opts.keepAccountIds ?? [],
    settingFloors: [{ key: SIM_TIME_KEY, atLeast: wallNow }],
  };
  let removed: ResetCounts;
  for (let attempt = 1; ; attempt++) {
    try {
      removed = await resetDatabase(deps.store, plan);
      break;
    } catch (e) {
      // PostgreSQL: the reset's table locks may deadlock with another process's transaction,
      // and either may be the one rolled back; the whole reset is simply run again.
      if (attempt >= 5 || !isRetryableTxError(e)) throw e;
    }
  }
  forgetCachedState(deps.store);
  return { accounts: opts.accounts === true, removed };
}
