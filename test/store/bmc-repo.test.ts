import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { systemClock } from '../../src/domain/clock.js';
import type { BmcClient } from '../../src/provision/drivers/bmc.js';
import { createBmcGate } from '../../src/provision/drivers/hardware/bmc-gate.js';
import type { Hardware } from '../../src/provision/hardware.js';
import { createPowerSync } from '../../src/provision/power-sync.js';
import { type Store, openStore } from '../../src/store/db.js';
import { acquireBmcLock, claimSyncDue, releaseBmcLock } from '../../src/store/repositories/bmc-repo.js';
import { DIALECT_UNDER_TEST, createMigratedStore } from '../helpers/databases.js';

/**
 * What several processes on one database share about BMCs: the per-BMC command lock and the
 * power-sync claim. "Another process" is a second connection to the same database.
 */
describe(`BMC lock and power-sync claims (${DIALECT_UNDER_TEST})`, () => {
  let t: Awaited<ReturnType<typeof createMigratedStore>>;
  let a: Store;
  let b: Store;
  beforeAll(async () => {
    t = await createMigratedStore();
    a = t.store;
    b = openStore(t.db.url);
    const now = Date.now();
    await a.db
      .insertInto('devices')
      .values(
        Array.from({ length: 20 }, (_, i) => ({
          id: `dev-sync-${String(i).padStart(2, '0')}`,
          serial: `SYNC-${i}`,
          region_id: 'r1',
          az_id: 'r1a',
          device_type: 't1',
          bmc_url: `ipmi://127.0.0.1:${10_000 + i}`,
          bmc_driver: 'ipmi' as const,
          bmc_username: 'admin',
          status: 'available' as const,
          instance_id: null,
          created_at: now,
          next_sync_at: 0,
        })),
      )
      .execute();
  });
  afterAll(async () => {
    await b.close();
    await t.close();
  });

  it('lets one holder at a time take a BMC lock, across connections', async () => {
    const now = Date.now();
    const race = await Promise.all([
      acquireBmcLock(a.db, { key: 'bmc-1:623', holder: 'A', now, until: now + 10_000 }),
      acquireBmcLock(b.db, { key: 'bmc-1:623', holder: 'B', now, until: now + 10_000 }),
    ]);
    expect(race.filter(Boolean)).toHaveLength(1);
    const winner = race[0] ? 'A' : 'B';
    const loser = race[0] ? b : a;
    expect(await acquireBmcLock(loser.db, { key: 'bmc-1:623', holder: 'C', now, until: now + 10_000 })).toBe(
      false,
    );
    await releaseBmcLock(loser.db, 'bmc-1:623', 'C'); // not the holder: changes nothing
    expect(await acquireBmcLock(loser.db, { key: 'bmc-1:623', holder: 'C', now, until: now + 10_000 })).toBe(
      false,
    );
    await releaseBmcLock(a.db, 'bmc-1:623', winner);
    expect(await acquireBmcLock(loser.db, { key: 'bmc-1:623', holder: 'C', now, until: now + 10_000 })).toBe(
      true,
    );
  });

  it('hands a lock whose holder died (its time passed) to the next one', async () => {
    const now = Date.now();
    expect(await acquireBmcLock(a.db, { key: 'bmc-2:623', holder: 'dead', now, until: now + 50 })).toBe(true);
    expect(await acquireBmcLock(b.db, { key: 'bmc-2:623', holder: 'next', now, until: now + 10_000 })).toBe(
      false,
    );
    expect(
      await acquireBmcLock(b.db, { key: 'bmc-2:623', holder: 'next', now: now + 51, until: now + 10_000 }),
    ).toBe(true);
  });

  it('serialises the commands of two gates on one BMC, even of one process', async () => {
    const gates = [a, b, a].map((s) => createBmcGate(s.db, { concurrency: 4, lockMs: 10_000 }));
    let inFlight = 0;
    let most = 0;
    const results = await Promise.all(
      gates.map((g) =>
        g.tryWith('bmc-3:623', async () => {
          most = Math.max(most, ++inFlight);
          await new Promise((r) => setTimeout(r, 30));
          inFlight--;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(results.filter((r) => r.ran)).toHaveLength(1);
  });

  it('claims each due device for exactly one of two concurrent claimers', async () => {
    const now = Date.now();
    const [x, y] = await Promise.all([
      claimSyncDue(a.db, { now, nextAt: now + 60_000, limit: 15 }),
      claimSyncDue(b.db, { now, nextAt: now + 60_000, limit: 15 }),
    ]);
    expect(new Set([...x, ...y]).size).toBe(x.length + y.length);
    expect(x.length + y.length).toBe(20);
    expect(await claimSyncDue(a.db, { now, nextAt: now + 60_000, limit: 50 })).toEqual([]);
  });

  it('power sync on two processes reads each BMC once per interval, and one survivor reads them all', async () => {
    await a.db.updateTable('devices').set({ next_sync_at: 0 }).execute();
    const reads = new Map<string, number>();
    const hardware = (s: Store): Hardware => {
      const cfg = { ...loadConfig({}).bmc, powerSyncMs: 400 };
      return {
        cfg,
        gate: createBmcGate(s.db, { concurrency: 8, lockMs: 5000 }),
        open: (d): BmcClient => ({
          key: d.bmc_url,
          protocol: 'ipmi',
          power: async () => {
            reads.set(d.id, (reads.get(d.id) ?? 0) + 1);
            return 'off';
          },
          setPower: async () => undefined,
          cycle: async () => undefined,
          setOneTimeNetworkBoot: async () => undefined,
          bootOverrideSupport: async () => ({ supported: true, detail: '' }),
          close: async () => undefined,
        }),
      };
    };
    const deps = (s: Store) => ({ store: s, clock: systemClock, log: pino({ level: 'silent' }) });
    const one = createPowerSync(deps(a), hardware(a));
    const two = createPowerSync(deps(b), hardware(b));
    const [n1, n2] = await Promise.all([one.runOnce(), two.runOnce()]);
    expect(n1 + n2).toBe(20);
    expect([...reads.values()]).toEqual(Array(20).fill(1));
    expect(await Promise.all([one.runOnce(), two.runOnce()])).toEqual([0, 0]);
    // The first process dies; after the interval the survivor reads every device.
    await new Promise((r) => setTimeout(r, 450));
    expect(await two.runOnce()).toBe(20);
    expect([...reads.values()]).toEqual(Array(20).fill(2));
    const row = await a.db
      .selectFrom('devices')
      .selectAll()
      .where('id', '=', 'dev-sync-00')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ power_state: 'off', health: 'ok', health_message: '' });
  });
});
