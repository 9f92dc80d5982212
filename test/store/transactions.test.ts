import fs from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Store, type Tx, openStore } from '../../src/store/db.js';
import { sqlitePath } from '../../src/store/dialect.js';
import { DIALECT_UNDER_TEST, createMigratedStore } from '../helpers/databases.js';

const keysIn = async (s: Store, prefix: string): Promise<string[]> => {
  const r = await sql<{ k: string }>`select k from tx_probe where k like ${`${prefix}%`} order by k`.execute(
    s.db,
  );
  return r.rows.map((x) => x.k);
};
const insert = (tx: Tx, k: string) => sql`insert into tx_probe (k) values (${k})`.execute(tx);
const settle = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, message: (error as Error).message }),
  );

/**
 * Store.transaction: on SQLite the transactions asked for together share one commit
 * (store/group-commit.ts); each must still behave as a transaction of its own.
 */
describe(`store transactions (${DIALECT_UNDER_TEST})`, () => {
  let t: Awaited<ReturnType<typeof createMigratedStore>>;
  beforeAll(async () => {
    t = await createMigratedStore();
    await sql`create table tx_probe (k text primary key)`.execute(t.store.db);
  });
  afterAll(() => t.close());

  it('rolls back only the transaction that throws, whatever else ran with it', async () => {
    const outcomes = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((k) =>
        settle(
          t.store.transaction(async (tx) => {
            await insert(tx, `iso-${k}`);
            if (k === 'c') throw new Error('c changed its mind');
            return k;
          }),
        ),
      ),
    );
    expect(outcomes).toEqual([
      { ok: true, value: 'a' },
      { ok: true, value: 'b' },
      { ok: false, message: 'c changed its mind' },
      { ok: true, value: 'd' },
      { ok: true, value: 'e' },
    ]);
    expect(await keysIn(t.store, 'iso-')).toEqual(['iso-a', 'iso-b', 'iso-d', 'iso-e']);
  });

  it('a statement error inside one transaction leaves the others of its batch intact', async () => {
    await t.store.transaction((tx) => insert(tx, 'dup-taken'));
    const outcomes = await Promise.all([
      settle(t.store.transaction((tx) => insert(tx, 'dup-1'))),
      settle(
        t.store.transaction(async (tx) => {
          await insert(tx, 'dup-2');
          await insert(tx, 'dup-taken');
        }),
      ),
      settle(t.store.transaction((tx) => insert(tx, 'dup-3'))),
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(await keysIn(t.store, 'dup-')).toEqual(['dup-1', 'dup-3', 'dup-taken']);
  });

  it.runIf(DIALECT_UNDER_TEST === 'sqlite')(
    'SQLite runs a batch in order under one commit: a later transaction sees what an earlier one wrote, no other connection does yet',
    async () => {
      const other = openStore(t.db.url);
      try {
        const [, seen] = await Promise.all([
          t.store.transaction((tx) => insert(tx, 'seq-1')),
          t.store.transaction(async (tx) => {
            const r = await sql<{ n: number }>`select count(*) as n from tx_probe where k = 'seq-1'`.execute(
              tx,
            );
            return { inBatch: Number(r.rows[0].n), elsewhere: (await keysIn(other, 'seq-')).length };
          }),
        ]);
        expect(seen.inBatch).toBe(1);
        // Committed alone, the first would be visible to every connection by now.
        expect(seen.elsewhere).toBe(0);
        expect(await keysIn(other, 'seq-')).toEqual(['seq-1']);
      } finally {
        await other.close();
      }
    },
  );

  it('answers only once the write is committed: another connection sees it at once', async () => {
    const other = openStore(t.db.url);
    try {
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          t.store
            .transaction((tx) => insert(tx, `vis-${i}`))
            .then(async () => {
              expect(await keysIn(other, `vis-${i}`)).toEqual([`vis-${i}`]);
            }),
        ),
      );
    } finally {
      await other.close();
    }
  });

  it.runIf(DIALECT_UNDER_TEST === 'sqlite')(
    'when an error ends the whole SQLite transaction, the work run before is reported lost and the rest runs again',
    async () => {
      const outcomes = await Promise.all([
        settle(t.store.transaction((tx) => insert(tx, 'lost-a').then(() => 'a'))),
        settle(
          t.store.transaction(async (tx) => {
            await insert(tx, 'lost-b');
            // What SQLite does by itself on an I/O error or a full disk.
            await sql`rollback`.execute(tx);
            throw new Error('disk gone');
          }),
        ),
        settle(t.store.transaction((tx) => insert(tx, 'lost-c').then(() => 'c'))),
      ]);
      expect(outcomes).toEqual([
        { ok: false, message: 'disk gone' },
        { ok: false, message: 'disk gone' },
        { ok: true, value: 'c' },
      ]);
      expect(await keysIn(t.store, 'lost-')).toEqual(['lost-c']);
    },
  );

  it.runIf(DIALECT_UNDER_TEST === 'sqlite')(
    'the background checkpointer copies the WAL into the database file and stops cleanly',
    async () => {
      const cp = t.store.checkpointInBackground((m) => {
        throw new Error(m);
      });
      expect(cp).toBeDefined();
      for (let i = 0; i < 20; i++) {
        await t.store.transaction(async (tx) => {
          for (let j = 0; j < 200; j++) await insert(tx, `ckpt-${i}-${j}-${'x'.repeat(200)}`);
        });
      }
      // A round that began after the last write, and found every frame copied.
      const after = (cp!.last()?.round ?? 0) + 1;
      const done = () => {
        const r = cp!.last();
        return r !== undefined && r.round > after && r.frames > 0 && r.copied === r.frames;
      };
      const deadline = Date.now() + 10_000;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`WAL not copied: ${JSON.stringify(cp!.last())}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      await cp!.stop();
      // Everything is in the main file: a copy of it alone (no WAL) holds every row.
      const copy = `${sqlitePath(t.db.url)}.copy`;
      fs.copyFileSync(sqlitePath(t.db.url), copy);
      const alone = openStore(`sqlite:${copy}`);
      try {
        expect((await keysIn(alone, 'ckpt-')).length).toBe(4000);
      } finally {
        await alone.close();
        fs.rmSync(copy, { force: true });
      }
    },
  );

  it.runIf(DIALECT_UNDER_TEST === 'postgres')('PostgreSQL needs no checkpointer of ours', () => {
    expect(t.store.checkpointInBackground(() => undefined)).toBeUndefined();
  });
});
