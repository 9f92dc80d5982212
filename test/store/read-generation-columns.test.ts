import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEASE_ONLY_COLUMNS } from '../../src/store/migrations/0008-instance-read-indexes.js';
import { claimDue, insertInstances, saveProgress } from '../../src/store/repositories/instances-repo.js';
import { type TestHarness, createHarness } from '../helpers/harness.js';
import { instanceRowFixture } from '../helpers/instance-row.js';

const T0 = Date.UTC(2030, 0, 1);

describe('read generation and the reconciler lease (migration 0008)', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());
  const sqliteOnly = () => h.runtime.store.dialect === 'sqlite';

  it('moves on a write to any column of instances but the lease: the trigger names every other column', async () => {
    if (!sqliteOnly()) return;
    const db = h.runtime.store.db;
    const { rows: cols } = await sql<{
      name: string;
    }>`SELECT name FROM pragma_table_info('instances')`.execute(db);
    const { rows } = await sql<{
      sql: string;
    }>`SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'instances_read_generation_update'`.execute(
      db,
    );
    const of = /AFTER UPDATE OF (.*) ON instances/s.exec(rows[0].sql)?.[1] ?? '';
    const named = of.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    const expected = cols
      .map((c) => c.name)
      .filter((c) => !(LEASE_ONLY_COLUMNS as readonly string[]).includes(c));
    expect(named.sort()).toEqual(expected.sort());
  });

  it('stands still while the reconciler only claims a row, and moves when it saves progress', async () => {
    if (!sqliteOnly()) return;
    const db = h.runtime.store.db;
    const gen = async () =>
      Number((await sql<{ n: number }>`SELECT n FROM read_generation WHERE id = 1`.execute(db)).rows[0].n);
    const r = instanceRowFixture({
      account_id: 'acc-lease',
      status: 'creating',
      action: 'create',
      step: 'allocate',
      next_run_at: T0,
      created_at: T0,
      updated_at: T0,
      charge_start: T0,
    });
    await insertInstances(db, [r]);
    const before = await gen();
    const claimed = await claimDue(db, {
      owner: 'w1',
      now: T0,
      leaseNow: T0,
      leaseUntil: T0 + 30_000,
      limit: 10,
      instanceId: r.id,
    });
    expect(claimed.map((c) => c.id)).toEqual([r.id]);
    expect(await gen()).toBe(before);
    expect(
      await saveProgress(db, {
        id: r.id,
        owner: 'w1',
        fromAction: 'create',
        fromStep: 'allocate',
        set: { status: 'running' },
      }),
    ).toBe(true);
    expect(await gen()).toBe(before + 1);
  });
});
