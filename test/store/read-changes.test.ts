import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';
import { READ_CHANGES_KEPT } from '../../src/store/migrations/0009-read-changes.js';
import { insertInstances } from '../../src/store/repositories/instances-repo.js';
import { bumpReadGeneration } from '../../src/store/repositories/reset-repo.js';
import { type TestHarness, createHarness } from '../helpers/harness.js';
import { instanceRowFixture } from '../helpers/instance-row.js';

const T0 = Date.UTC(2030, 0, 1);

/** Migration 0009 and the store's read signals (SQLite only: PostgreSQL keeps nothing). */
describe('read changes: which instance each move of the read generation was about', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());
  const sqlite = () => h.runtime.store.dialect === 'sqlite';
  const store = () => h.runtime.store;
  const nextTurn = () => new Promise((r) => setImmediate(r));
  const row = (name: string) => instanceRowFixture({ account_id: 'acc-rc', name, created_at: T0 });

  it('names the instance written (insert, update, delete; not a lease), and * for a VPC', async () => {
    if (!sqlite()) {
      expect(store().readGeneration()).toBeUndefined();
      expect(store().readChanges(0, 1)).toBeUndefined();
      return;
    }
    const db = store().db;
    await nextTurn();
    const g0 = store().readGeneration()!;
    const a = row('a');
    const b = row('b');
    await insertInstances(db, [a, b]);
    await db.updateTable('instances').set({ name: 'a2' }).where('id', '=', a.id).execute();
    // The lease alone moves nothing (migration 0008).
    await db
      .updateTable('instances')
      .set({ lease_owner: 'w', lease_until: 1 })
      .where('id', '=', b.id)
      .execute();
    await db
      .insertInto('vpcs')
      .values({
        id: 'vpc-rc',
        account_id: 'acc-rc',
        region_id: a.region_id,
        name: 'v',
        cidr: '10.9.0.0/16',
        description: '',
        is_default: 0,
        created_at: T0,
        updated_at: T0,
      })
      .execute();
    await db.deleteFrom('instances').where('id', '=', b.id).execute();
    await nextTurn();
    const g1 = store().readGeneration()!;
    const changes = store().readChanges(g0, g1)!;
    expect(changes.slice(0, 3)).toEqual([a.id, b.id, a.id]);
    expect(changes.at(-1)).toBe(b.id);
    expect(changes.slice(3, -1)).toEqual(['*']);
    // A reset (or any move made as "everything") is named *.
    await store().transaction((tx) => bumpReadGeneration(tx));
    await nextTurn();
    expect(store().readChanges(g1, store().readGeneration()!)).toEqual(['*']);
  });

  it('cannot tell a range whose rows are gone, or one too long to be worth reading', async () => {
    if (!sqlite()) return;
    const db = store().db;
    await nextTurn();
    const g = store().readGeneration()!;
    expect(store().readChanges(g - 1, g)).toHaveLength(1);
    await sql`delete from read_changes where gen = ${g}`.execute(db);
    expect(store().readChanges(g - 1, g)).toBeUndefined();
    expect(store().readChanges(g - 5000, g)).toBeUndefined();
  });

  it(`keeps the last ${READ_CHANGES_KEPT.toLocaleString('en')} moves, deleting as it goes`, async () => {
    if (!sqlite()) return;
    const db = store().db;
    const r = row('busy');
    await insertInstances(db, [r]);
    await store().transaction(async (tx) => {
      for (let i = 0; i < READ_CHANGES_KEPT + 50; i++) {
        await tx.updateTable('instances').set({ updated_at: i }).where('id', '=', r.id).execute();
      }
    });
    const { rows } = await sql<{ n: number; lo: number; hi: number }>`
      select count(*) as n, min(gen) as lo, max(gen) as hi from read_changes`.execute(db);
    expect(rows[0].n).toBeLessThanOrEqual(READ_CHANGES_KEPT);
    expect(rows[0].hi - rows[0].lo + 1).toBe(rows[0].n);
  });

  it('inside a transaction, the generation read as it began stands; after the COMMIT the new one', async () => {
    if (!sqlite()) return;
    await nextTurn();
    const before = store().readGeneration()!;
    const r = row('in-tx');
    let inside: (number | undefined)[] = [];
    await store().transaction(async (tx) => {
      inside.push(store().readGeneration());
      await insertInstances(tx, [r]);
      await tx.updateTable('instances').set({ name: 'in-tx-2' }).where('id', '=', r.id).execute();
      inside.push(store().readGeneration());
    });
    expect(inside).toEqual([before, before]);
    const after = store().readGeneration()!;
    expect(after).toBe(before + 2);
    expect(store().readChanges(before, after)).toEqual([r.id, r.id]);
    // A transaction that rolls back leaves the committed generation.
    inside = [];
    await expect(
      store().transaction(async (tx) => {
        await tx.updateTable('instances').set({ name: 'never' }).where('id', '=', r.id).execute();
        inside.push(store().readGeneration());
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(inside).toEqual([after]);
    await nextTurn();
    expect(store().readGeneration()).toBe(after);
    // Another process's commit is seen from the next turn on.
    const other = openStore(h.db.url);
    try {
      await other.db.updateTable('instances').set({ name: 'outside' }).where('id', '=', r.id).execute();
    } finally {
      await other.close();
    }
    await nextTurn();
    expect(store().readGeneration()).toBe(after + 1);
    expect(store().readChanges(after, after + 1)).toEqual([r.id]);
  });
});
