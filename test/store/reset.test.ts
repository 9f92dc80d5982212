import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../../src/domain/catalog/catalog-file.js';
import { sharedReadCache } from '../../src/domain/read-cache.js';
import { resetState } from '../../src/domain/operator/reset.js';
import { catalogFilePath } from '../../src/runtime.js';
import { type Store, openStore } from '../../src/store/db.js';
import { driverStateOf, saveDriverStates } from '../../src/store/repositories/driver-state-repo.js';
import { AZ, DEVICE_TYPE, REGION, type TestHarness, createHarness, resultOf } from '../helpers/harness.js';
import { settleAll, spec, create } from '../helpers/instances.js';
import { GENERATED, dumpState, insertStoredInstances, populate } from '../helpers/state-fixtures.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function harness(): Promise<TestHarness> {
  const h = await createHarness();
  open.push(h);
  return h;
}

function reset(h: TestHarness, accounts = false, store: Store = h.runtime.store) {
  const { catalog, text } = loadCatalogFile(catalogFilePath(h.config));
  return resetState(
    { store, clock: h.runtime.services.deps.clock },
    { catalog, catalogText: text, accounts },
  );
}

const count = async (h: TestHarness, t: 'instances' | 'accounts' | 'access_keys' | 'quotas') =>
  Number(
    (
      await h.runtime.store.db
        .selectFrom(t)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('edcps reset (store)', () => {
  it('leaves with --accounts the database exactly as a freshly started server has it, but for times and the default account ids', async () => {
    const h = await harness();
    await populate(h);
    expect(await count(h, 'instances')).toBe(3);
    await reset(h, true);
    const fresh = await harness();
    expect(await dumpState(h.runtime.store, GENERATED)).toEqual(
      await dumpState(fresh.runtime.store, GENERATED),
    );
  });

  it('keeps every account, key and quota without --accounts and resets everything else', async () => {
    const h = await harness();
    await populate(h);
    const before = await dumpState(h.runtime.store);
    await reset(h);
    const after = await dumpState(h.runtime.store, GENERATED);
    const fresh = await dumpState((await harness()).runtime.store, GENERATED);
    for (const t of ['accounts', 'access_keys', 'quotas']) {
      expect(await dumpState(h.runtime.store).then((d) => d[t])).toEqual(before[t]);
      delete after[t];
      delete fresh[t];
    }
    expect(after).toEqual(fresh);
    expect(before.quotas).toHaveLength(1);
  });

  it('keeps devices an operator added, with their MACs, but frees them', async () => {
    const h = await harness();
    const op = h.runtime.services.operator;
    const dev = { region: REGION, az: AZ, deviceType: DEVICE_TYPE };
    await op.addDevices([
      { ...dev, serial: 'RACK-A-1', macs: ['52:54:00:00:00:01'] },
      { ...dev, serial: 'RACK-A-2' },
    ]);
    await op.retireDevice('RACK-A-2');
    // Test setup: RACK-A-1 carries an instance.
    await h.runtime.store.db
      .updateTable('devices')
      .set({ status: 'allocated', instance_id: 'edcps-fixture' })
      .where('serial', '=', 'RACK-A-1')
      .execute();
    // And a driver state on it and on one catalog device (re-created by the reset).
    const catalogDevice = await h.runtime.store.db
      .selectFrom('devices')
      .select('id')
      .where('serial', 'not like', 'RACK-%')
      .executeTakeFirstOrThrow();
    const rackA1 = (await op.device('RACK-A-1')).deviceId;
    await saveDriverStates(
      h.runtime.store.db,
      [rackA1, catalogDevice.id].map((deviceId) => ({ deviceId, state: '{"power":"on"}' })),
      1,
    );
    const { removed } = await reset(h, true);
    expect(removed.device_driver_state).toBe(2);
    expect(await driverStateOf(h.runtime.store.db, rackA1)).toBeUndefined();
    expect(await driverStateOf(h.runtime.store.db, catalogDevice.id)).toBeUndefined();
    const a1 = await op.device('RACK-A-1');
    expect(a1).toMatchObject({ status: 'available', instanceId: '' });
    expect(a1.macs).toEqual(['52:54:00:00:00:01']);
    expect((await op.device('RACK-A-2')).status).toBe('retired');
  });

  it('is seen at the next request of a server answering describeInstances from memory', async () => {
    const h = await harness();
    resultOf(await create(h, spec({ count: 2 })));
    await settleAll(h);
    const list = async () =>
      resultOf<{ totalCount: number }>(await h.call('GET', `/regions/${REGION}/instances`)).totalCount;
    expect(await list()).toBe(2);
    expect(await list()).toBe(2);
    if (h.runtime.store.dialect === 'sqlite') {
      // The second answer came from memory: the cache must be let go by the reset below.
      expect(sharedReadCache(h.runtime.store, 'describeInstances').size).toBeGreaterThan(0);
    }
    // Another connection, as another process (the CLI) would use.
    const other = openStore(h.db.url);
    try {
      await reset(h, false, other);
    } finally {
      await other.close();
    }
    expect(await list()).toBe(0);
    resultOf(await create(h, spec()));
    expect(await list()).toBe(1);
  });

  it('resets 10,000 stored instances in one transaction (time printed, not asserted)', async () => {
    const h = await harness();
    await insertStoredInstances(h.runtime.store, REGION, 10_000);
    expect(await count(h, 'instances')).toBe(10_000);
    const t0 = performance.now();
    const r = await reset(h);
    const ms = performance.now() - t0;
    console.log(`reset of 10,000 instances on ${h.runtime.store.dialect}: ${ms.toFixed(0)} ms`);
    expect(r.removed.instances).toBe(10_000);
    expect(r.removed.instance_events).toBe(10_000);
    expect(await count(h, 'instances')).toBe(0);
    expect(
      resultOf<{ totalCount: number }>(await h.call('GET', `/regions/${REGION}/instances`)).totalCount,
    ).toBe(0);
  }, 120_000);
});
