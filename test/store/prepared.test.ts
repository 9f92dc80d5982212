import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertValues, prepared, preparedList, preparedShapes } from '../../src/store/prepared.js';
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
    // Columns in another order: the same columns, each value taken by its name.
    const { response, ...rest } = row('d', 'other-order');
    await insertValues(db, 'idempotency_keys', [row('d', 'first-order'), { ...rest, response }]);
    const all = await tokensOf.all(db, { accountId: 'd', operation: 'op', n: 10 });
    expect(all.map((r) => r.token)).toEqual(expect.arrayContaining(['first-order', 'other-order']));
    expect(all.find((r) => r.token === 'other-order')?.response).toBe('{"t":"other-order"}');
  });

  it('insertValues: more than 16 rows go in 64-row statements inside a transaction, in one outside', async () => {
    const db = h.runtime.store.db;
    const rows = (n: number, prefix: string) =>
      Array.from({ length: n }, (_, i) => row('g', `${prefix}-${i}`));
    await h.runtime.store.transaction((tx) => insertValues(tx, 'idempotency_keys', rows(150, 'tx')));
    const count = async (prefix: string) =>
      (await tokensOf.all(db, { accountId: 'g', operation: 'op', n: 1000 })).filter((r) =>
        r.token.startsWith(`${prefix}-`),
      ).length;
    expect(await count('tx')).toBe(150);
    // A duplicate in the last chunk fails the transaction: the earlier chunks roll back with it.
    const late = [...rows(99, 'dup'), row('g', 'dup-0')];
    await expect(
      h.runtime.store.transaction((tx) => insertValues(tx, 'idempotency_keys', late)),
    ).rejects.toThrow();
    expect(await count('dup')).toBe(0);
    // Outside a transaction the rows are one statement: all or nothing by themselves.
    await expect(
      insertValues(db, 'idempotency_keys', [...rows(39, 'one'), row('g', 'one-0')]),
    ).rejects.toThrow();
    expect(await count('one')).toBe(0);
    await insertValues(db, 'idempotency_keys', rows(40, 'one'));
    expect(await count('one')).toBe(40);
  });

  it('a duplicate key fails the statement and writes nothing of it', async () => {
    const db = h.runtime.store.db;
    await expect(insertValues(db, 'idempotency_keys', [row('e', 'e1'), row('e', 'e1')])).rejects.toThrow();
    expect(await tokensOf.all(db, { accountId: 'e', operation: 'op', n: 5 })).toEqual([]);
  });

  it('preparedShapes: one statement per shape key, each call bound to its own values', async () => {
    const db = h.runtime.store.db;
    await insertValues(db, 'idempotency_keys', [row('f', 'f1'), row('f', 'f2'), row('f', 'f3')]);
    const byTokens = preparedShapes<Record<string, unknown>, { token: string }>(2);
    let builds = 0;
    const tokens = (list: string[]) =>
      byTokens.all(
        db,
        String(list.length),
        (p) => {
          builds++;
          return db
            .selectFrom('idempotency_keys')
            .select('token')
            .where('account_id', '=', p.account as string)
            .where(
              'token',
              'in',
              list.map((_, k) => p[`t${k}`] as string),
            )
            .orderBy('token');
        },
        { account: 'f', ...Object.fromEntries(list.map((t, k) => [`t${k}`, t])) },
      );
    expect(await tokens(['f1'])).toEqual([{ token: 'f1' }]);
    expect(await tokens(['f3'])).toEqual([{ token: 'f3' }]);
    expect(await tokens(['f3', 'f2'])).toEqual([{ token: 'f2' }, { token: 'f3' }]);
    expect(await tokens(['f1', 'nothing'])).toEqual([{ token: 'f1' }]);
    expect(builds).toBe(2);
    // A third shape pushes out the least recently used one (of two kept): it is built again.
    expect(await tokens(['f1', 'f2', 'f3'])).toHaveLength(3);
    expect(await tokens(['f2'])).toEqual([{ token: 'f2' }]);
    expect(builds).toBe(4);
  });

  it('preparedList: lists padded to a power of two share a statement; longer lists run in parts', async () => {
    const db = h.runtime.store.db;
    await insertValues(
      db,
      'idempotency_keys',
      Array.from({ length: 12 }, (_, i) => row('l', `l${String(i).padStart(2, '0')}`)),
    );
    let builds = 0;
    const marked = preparedList((db, tokens, p: { account: string; response: string }) => {
      builds++;
      return db
        .updateTable('idempotency_keys')
        .set({ response: p.response })
        .where('account_id', '=', p.account)
        .where('token', 'in', tokens as string[])
        .returning('token');
    }, 8);
    const tokens = (...ks: number[]) => ks.map((k) => `l${String(k).padStart(2, '0')}`);
    const sorted = (rows: { token: string }[]) => rows.map((r) => r.token).sort();
    // 3 and 4 values: one statement of 4 (the 3 padded with a repeat, which updates nothing twice).
    expect(sorted(await marked(db, tokens(0, 1, 2), { account: 'l', response: 'a' }))).toEqual(
      tokens(0, 1, 2),
    );
    expect(sorted(await marked(db, tokens(3, 4, 5, 6), { account: 'l', response: 'b' }))).toEqual(
      tokens(3, 4, 5, 6),
    );
    expect(builds).toBe(1);
    // 11 values with parts of 8: a part of 8 and a part of 3 (padded to 4, already built).
    expect(
      sorted(await marked(db, tokens(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10), { account: 'l', response: 'c' })),
    ).toEqual(tokens(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
    expect(builds).toBe(2);
    // The values bound are each call's: another account's rows are untouched.
    expect(await marked(db, tokens(11), { account: 'other', response: 'd' })).toEqual([]);
    const all = await tokensOf.all(db, { accountId: 'l', operation: 'op', n: 20 });
    expect(all.filter((r) => r.response === 'c')).toHaveLength(11);
    expect(all.find((r) => r.token === 'l11')?.response).toBe('{"t":"l11"}');
  });
});
