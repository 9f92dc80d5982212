import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestHarness, createHarness } from '../helpers/harness.js';
import { diffSnapshots, snapshotDb } from './support/db-snapshot.js';

/** The fuzzer's "database unchanged" check is only as good as the snapshot: prove it sees changes. */
describe('database snapshot used by the fuzzer', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it('is stable when nothing changed', async () => {
    const a = await snapshotDb(h.runtime.store);
    const b = await snapshotDb(h.runtime.store);
    expect(diffSnapshots(a, b)).toEqual([]);
    expect(a.has('devices')).toBe(true);
    expect(a.has('seen_nonces')).toBe(false);
  });

  it('sees a row added', async () => {
    const a = await snapshotDb(h.runtime.store);
    await h.runtime.store.db
      .insertInto('accounts')
      .values({ id: 'acct-snapshot-test', name: 'snapshot-test', created_at: 1 })
      .execute();
    const n = a.get('accounts')!.rows;
    expect(diffSnapshots(a, await snapshotDb(h.runtime.store))).toEqual([`accounts: ${n} → ${n + 1} rows`]);
  });

  it('sees one column of one row changed', async () => {
    const a = await snapshotDb(h.runtime.store);
    await h.runtime.store.db
      .updateTable('accounts')
      .set({ created_at: 2 })
      .where('id', '=', 'acct-snapshot-test')
      .execute();
    const diff = diffSnapshots(a, await snapshotDb(h.runtime.store));
    expect(diff).toEqual([`accounts: content changed (${a.get('accounts')!.rows} rows)`]);
  });

  it('ignores seen_nonces, which every signed request writes', async () => {
    const a = await snapshotDb(h.runtime.store);
    expect((await h.call('GET', '/regions/cn-east-tz1/deviceTypes')).statusCode).toBe(200);
    expect(diffSnapshots(a, await snapshotDb(h.runtime.store))).toEqual([]);
  });
});
