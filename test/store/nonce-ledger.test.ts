import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nonceLedger } from '../../src/domain/account/nonce-ledger.js';
import { type Store, openStore } from '../../src/store/db.js';
import { DIALECT_UNDER_TEST, createMigratedStore } from '../helpers/databases.js';

/** Replay protection on the database under test (SQLite: memory + log; PostgreSQL: unique index). */
describe(`nonce ledger (${DIALECT_UNDER_TEST})`, () => {
  let t: Awaited<ReturnType<typeof createMigratedStore>>;
  let store: Store;
  const later = () => Date.now() + 900_000;
  beforeAll(async () => {
    t = await createMigratedStore();
    store = t.store;
  });
  afterAll(() => t.close());

  it('accepts a nonce once, also when it arrives twice in one batch', async () => {
    const l = nonceLedger(store);
    const [a, b, c] = await Promise.all([
      l.remember('KEY1', 'n-1', later()),
      l.remember('KEY1', 'n-1', later()),
      l.remember('KEY1', 'n-2', later()),
    ]);
    expect([a, b, c].filter((x) => x).length).toBe(2);
    expect(c).toBe(true);
    expect(await l.remember('KEY1', 'n-1', later())).toBe(false);
  });

  it('remembers thousands of nonces (the in-memory table grows) and refuses each replay', async () => {
    const l = nonceLedger(store);
    const nonces = Array.from({ length: 3000 }, (_, i) => `bulk-${i}`);
    expect((await Promise.all(nonces.map((n) => l.remember('KEY6', n, later())))).every((x) => x)).toBe(true);
    expect((await Promise.all(nonces.map((n) => l.remember('KEY6', n, later())))).some((x) => x)).toBe(false);
    expect(await l.remember('KEY6', 'bulk-3000', later())).toBe(true);
  });

  it('keeps nonces of different keys apart', async () => {
    const l = nonceLedger(store);
    expect(await l.remember('KEY2', 'shared', later())).toBe(true);
    expect(await l.remember('KEY3', 'shared', later())).toBe(true);
  });

  it('still refuses a replay after a restart (a new process on the same database)', async () => {
    expect(await nonceLedger(store).remember('KEY4', 'before-restart', later())).toBe(true);
    const other = openStore(t.db.url);
    try {
      expect(await nonceLedger(other).remember('KEY4', 'before-restart', later())).toBe(false);
      expect(await nonceLedger(other).remember('KEY4', 'after-restart', later())).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('forgets nonces whose window has passed', async () => {
    const l = nonceLedger(store);
    // Memory forgets by whole minutes of expiry: this one's minute is over.
    expect(await l.remember('KEY5', 'old', Date.now() - 120_000)).toBe(true);
    await l.purge(Date.now());
    expect(await l.remember('KEY5', 'old', later())).toBe(true);
  });
});
