import type { Insertable } from 'kysely';
import { afterAll, beforeAll } from 'vitest';
import type { Store } from '../../src/store/db.js';
import { insertDevices } from '../../src/store/repositories/devices-repo.js';
import type { DevicesTable } from '../../src/store/tables.js';
import { createMigratedStore } from './databases.js';

/**
 * A migrated store (SQLite, or PostgreSQL under EDCPS_TEST_PG_URL) holding `devices`, opened
 * before the enclosing suite's tests and closed after them. The object is returned at once (so
 * tests can close over it) and filled in by `beforeAll`.
 */
export function useStoreWithDevices(devices: readonly Insertable<DevicesTable>[]): { store: Store } {
  const h = {} as { store: Store };
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const t = await createMigratedStore();
    close = t.close;
    h.store = t.store;
    await insertDevices(t.store.db, devices);
  });
  afterAll(() => close?.());
  return h;
}
