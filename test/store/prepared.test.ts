import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertValues, prepared } from '../../src/store/prepared.js';
import { type TestHarness, createHarness } from '../helpers/harness.js';

const T0 = Date.UTC(2030, 0, 1);

describe('prepared queries: compiled once, bound per call (both databases)', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  const tokensOf = prepared((db, p: { accountId: string; operation: string; n: number }) =>
    db
      .selectFrom('idempotency_keys')
      .select(['token', 'response'])
      .where('account_id', '=', p.accountId)
      .where('operation', '=', p.operation)
      // A constant of the builder stays a constant of every call.
      .where('region_id', '=', 'r-test')
      .orderBy('token')
      .limit(p.n),
  );
  const rewrite = prepared((db, p: { token: string; response: string }) =>
    db.updateTable('idempotency_keys').set({ response: p.response }).where('token', '=', p.token),
  );

  const row = (account: string, token: string, region = 'r-test') => ({
    account_id: account,
    region_id: region,
    operation: 'op',
    token,
    response: `{"t":"${token}"}`,
    created_at: T0,
  });

  it('binds each call its own values, keeps the constants, and counts rows written', async () => {
    const db = h.runtime.store.db;
    await insertValues(db, 'idempotency_keys', [row('a', 't1'), row('a', 't2'), row('b', 't3')]);
    await insertValues(db, 'idempotency_keys', [row('a', 't9', 'r-other')]);
    expect(await tokensOf.all(db, { accountId: 'a', operation: 'op', n: 10 })).toEqual([
      { token: 't1', response: '{"t":"t1"}' },
      { token: 't2', response: '{"t":"t2"}' },
    ]);
    expect(await tokensOf.all(db, { accountId: 'b', operation: 'op', n: 10 })).toEqual([
      { token: 't3', response: '{"t":"t3"}' },
    ]);
    expect(await tokensOf.first(db, { accountId: 'a', operation: 'op', n: 1 })).toEqual({
      token: 't1',
      response: '{"t":"t1"}',
    });
    expect(await tokensOf.first(db, { accountId: 'nobody', operation: 'op', n: 1 })).toBeUndefined();
    expect(await rewrite.run(db, { token: 't2', response: 'x' })).toBe(1);
    expect(await rewrite.run(db, { token: 'none', response: 'x' })).toBe(0);
    expect((await tokensOf.all(db, { accountId: 'a', operation: 'op', n: 10 }))[1]).toEqual({
      token: 't2',
      response: 'x',
    });
  });

  it('runs inside the caller’s transaction: rolled back with it', async () => {
    const db = h.runtime.store.db;
    await expect(
      h.runtime.store.transaction(async (tx) => {
        await insertValues(tx, 'idempotency_keys', [row('c', 't4')]);
        expect(await tokensOf.all(tx, { accountId: 'c', operation: 'op', n: 5 })).toHaveLength(1);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await tokensOf.all(db, { accountId: 'c', operation: 'op', n: 5 })).toEqual([]);
  });

  it('insertValues: rows of one shape share a statement, rows of other shapes go through the builder', async () => {
    const db = h.runtime.store.db;
    // Same shape, other values and another row count: each row lands as given.
    for (const n of [1, 3, 1]) {
      const rows = Array.from({ length: n }, (_, i) => row('d', `n${n}-${i}-${Math.random()}`));
      await insertValues(db, 'idempotency_keys', rows);
    }
    expect(await tokensOf.all(db, { accountId: 'd', operation: 'op', n: 10 })).toHaveLength(5);
    // Not one shape (columns in another order): the query builder's statement, same rows.
    const { response, ...rest } = row('d', 'other-order');
    await insertValues(db, 'idempotency_keys', [row('d', 'first-order'), { ...rest, response }]);
    const all = await tokensOf.all(db, { accountId: 'd', operation: 'op', n: 10 });
    expect(all.map((r) => r.token)).toEqual(expect.arrayContaining(['first-order', 'other-order']));
    expect(all.find((r) => r.token === 'other-order')?.response).toBe('{"t":"other-order"}');
  });

  it('a duplicate key fails the statement and writes nothing of it', async () => {
    const db = h.runtime.store.db;
    await expect(insertValues(db, 'idempotency_keys', [row('e', 'e1'), row('e', 'e1')])).rejects.toThrow();
    expect(await tokensOf.all(db, { accountId: 'e', operation: 'op', n: 5 })).toEqual([]);
  });
});
