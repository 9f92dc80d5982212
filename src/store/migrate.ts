import { type Migration, type MigrationProvider, Migrator } from 'kysely';
import { PostgresUnreachableError, type Store } from './db.js';
import { initial } from './migrations/0001-initial.js';
import { readGeneration } from './migrations/0002-read-generation.js';
import { ipPoolHints } from './migrations/0003-ip-pool-hints.js';
import { nonceLog } from './migrations/0004-nonce-log.js';
import { bmc } from './migrations/0005-bmc.js';
import { deployments } from './migrations/0006-deployments.js';
import { accountRoles } from './migrations/0007-account-roles.js';
import { instanceReadIndexes } from './migrations/0008-instance-read-indexes.js';
import { readChanges } from './migrations/0009-read-changes.js';
import { deviceDriverState } from './migrations/0010-device-driver-state.js';
import { oneDeviceStatusIndex } from './migrations/0011-one-device-status-index.js';

function provider(store: Store): MigrationProvider {
  return {
    getMigrations: async (): Promise<Record<string, Migration>> => ({
      '0001-initial': initial(store.dialect),
      '0002-read-generation': readGeneration(store.dialect),
      '0003-ip-pool-hints': ipPoolHints(store.dialect),
      '0004-nonce-log': nonceLog(store.dialect),
      '0005-bmc': bmc(),
      '0006-deployments': deployments(),
      '0007-account-roles': accountRoles(),
      '0008-instance-read-indexes': instanceReadIndexes(store.dialect),
      '0009-read-changes': readChanges(store.dialect),
      '0010-device-driver-state': deviceDriverState(),
      '0011-one-device-status-index': oneDeviceStatusIndex(),
    }),
  };
}

/**
 * Applies pending migrations (up to and including `to`, by name, when given: tests of a
 * migration start from the schema before it). Safe to run from several processes: Kysely takes
 * a lock.
 */
export async function migrate(store: Store, opts: { to?: string } = {}): Promise<void> {
  const migrator = new Migrator({ db: store.db, provider: provider(store) });
  const { error, results } =
    opts.to === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(opts.to);
  if (error) {
    // Not a migration's fault: say so plainly (see PostgresUnreachableError).
    if (error instanceof PostgresUnreachableError) throw error;
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** True when every known migration has been applied (readiness probe). */
export async function migrationsApplied(store: Store): Promise<boolean> {
  const migrator = new Migrator({ db: store.db, provider: provider(store) });
  const all = await migrator.getMigrations();
  return all.every((m) => m.executedAt !== undefined);
}
