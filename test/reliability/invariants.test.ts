import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/domain/catalog/catalog-file.js';
import type { Executor } from '../../src/store/db.js';
import { type TestHarness, createHarness } from '../helpers/harness.js';
import { type Known, seedResources } from '../fuzz/support/seed.js';
import { checkEventLogs, checkInvariants, unsettled } from './lib/invariants.js';
import { checkReflected } from './lib/reflected.js';
import type { ScenarioCatalog } from './lib/setup.js';
import type { Sent } from './lib/workload.js';

/**
 * The reliability run is only as good as its invariant checks: each must hold on a healthy
 * database and must notice the corruption it exists to catch. Corruptions are made inside a
 * transaction that is rolled back, so the tests do not disturb each other.
 */
class Rollback extends Error {}

describe('reliability invariant checks', () => {
  let h: TestHarness;
  let known: Known;
  let cat: ScenarioCatalog;
  let plans: Record<string, string[]>;

  beforeAll(async () => {
    h = await createHarness();
    const seeded = await seedResources(h, h.runtime.catalog);
    expect(seeded.skipped).toEqual({});
    known = seeded.known;
    const region = h.runtime.catalog.regions[0];
    const type = region.deviceTypes.find((t) => !t.soldOut)!;
    cat = {
      file: '',
      regionId: region.id,
      azs: region.azs.map((a) => a.id),
      deviceType: type.deviceType,
      devicesPerAz: type.devicesPerAz,
      publicIps: region.publicIpPools.reduce((n, p) => n + 2 ** (32 - Number(p.split('/')[1])) - 2, 0),
      osTypeId: type.osTypeIds[0],
      sysRaidTypeId: '',
      dataRaidTypeId: '',
    };
    plans = Object.fromEntries(ACTIONS.map((a) => [a, h.runtime.catalog.provisioning[a].map((s) => s.step)]));
  }, 60_000);
  afterAll(() => h.close());

  async function whileCorrupted(
    corrupt: (tx: Executor) => Promise<unknown>,
    check: (tx: Executor) => Promise<string[]>,
  ) {
    let found: string[] = [];
    await h.runtime.store
      .transaction(async (tx) => {
        await corrupt(tx);
        found = await check(tx);
        throw new Rollback();
      })
      .catch((e: unknown) => {
        if (!(e instanceof Rollback)) throw e;
      });
    return found;
  }
  const violations = async (tx: Executor) => (await checkInvariants(tx, cat)).flatMap((r) => r.violations);

  it('all hold on a healthy database', async () => {
    expect((await checkInvariants(h.runtime.store.db, cat)).filter((r) => r.violations.length > 0)).toEqual(
      [],
    );
    expect((await checkEventLogs(h.runtime.store.db, plans)).violations).toEqual([]);
    expect(await unsettled(h.runtime.store.db)).toEqual([]);
  });

  it('notice two instances on one device', async () => {
    const [a, b] = known.instanceId;
    const found = await whileCorrupted(async (tx) => {
      const da = await tx
        .selectFrom('instances')
        .select('device_id')
        .where('id', '=', a)
        .executeTakeFirstOrThrow();
      await tx.updateTable('instances').set({ device_id: da.device_id }).where('id', '=', b).execute();
    }, violations);
    expect(found).toContainEqual(expect.stringMatching(/held by 2 instances/));
  });

  it('notice a device more than the inventory', async () => {
    const found = await whileCorrupted(
      (tx) =>
        tx
          .insertInto('devices')
          .values({
            id: 'dev-extra',
            serial: 'EXTRA-1',
            region_id: cat.regionId,
            az_id: cat.azs[0],
            device_type: cat.deviceType,
            bmc_url: '',
            status: 'available',
            instance_id: null,
            created_at: 0,
          })
          .execute(),
      violations,
    );
    expect(found).toContainEqual(
      `${cat.azs[0]}: ${cat.devicesPerAz + 1} devices, inventory is ${cat.devicesPerAz}`,
    );
  });

  it('notice overlapping private address ranges', async () => {
    const found = await whileCorrupted(async (tx) => {
      // Inside the seeded alias range (a /28), one address in: (vpc_id, first_ip) stays unique.
      const a = await tx
        .selectFrom('ip_allocations')
        .selectAll()
        .where('kind', '=', 'alias')
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('ip_allocations')
        .values({
          ...a,
          id: undefined,
          first_ip: a.first_ip + 1,
          last_ip: a.first_ip + 1,
          owner_id: known.instanceId[1],
          kind: 'extension',
        })
        .execute();
    }, violations);
    expect(found).toContainEqual(expect.stringMatching(/overlap in vpc-/));
  });

  it('notice a public address held with no elastic IP behind it', async () => {
    const found = await whileCorrupted(async (tx) => {
      const p = await tx
        .selectFrom('public_ips')
        .select('ip')
        .where('holder_id', 'is', null)
        .executeTakeFirstOrThrow();
      await tx.updateTable('public_ips').set({ holder_id: 'fip-phantom' }).where('ip', '=', p.ip).execute();
    }, violations);
    expect(found).toContainEqual(expect.stringMatching(/^\d+ held addresses for \d+ elastic IPs$/));
  });

  it('notice an instance counter that drifted from the rows', async () => {
    const found = await whileCorrupted(
      (tx) =>
        tx
          .updateTable('instance_counts')
          .set((eb) => ({ n: eb('n', '+', 1) }))
          .execute(),
      violations,
    );
    expect(found).toContainEqual(expect.stringMatching(/counter \d+, rows \d+/));
  });

  it('notice an instance that never settled', async () => {
    const found = await whileCorrupted(
      (tx) =>
        tx
          .updateTable('instances')
          .set({ action: 'stop', step: 'power-off' })
          .where('id', '=', known.instanceId[0])
          .execute(),
      async (tx) => (await unsettled(tx)).map((u) => u.id),
    );
    expect(found).toEqual([known.instanceId[0]]);
  });

  it('notice a step done twice (an instance processed twice)', async () => {
    const found = await whileCorrupted(
      (tx) =>
        sql`insert into instance_events (instance_id, account_id, region_id, at, kind, from_status, to_status, step, reason)
            select instance_id, account_id, region_id, at, kind, from_status, to_status, step, reason
            from instance_events where kind = 'step' and reason = 'done' and instance_id = ${known.instanceId[0]}
            and step = 'install-os'`.execute(tx),
      async (tx) => (await checkEventLogs(tx, plans)).violations,
    );
    // The copy lands after the create completed: either way the walk is no longer clean.
    expect(found).toContainEqual(expect.stringMatching(new RegExp(`^${known.instanceId[0]}: .*install-os`)));
  });

  it('notice a success answer that the database does not reflect', async () => {
    const sent: Sent = {
      tenant: 'default',
      op: 'createInstances',
      method: 'PUT',
      path: '/regions/cn-east-tz1/instances',
      token: 't1',
      node: 'n',
      sentAt: 0,
      answeredAt: 0,
      answer: { status: 200, body: { result: { instanceIds: ['edcps-neverexisted0000000000000000'] } } },
    };
    const report = await checkReflected(h.runtime.store.db, [sent]);
    expect(report.violations).toContainEqual(
      'instance edcps-neverexisted0000000000000000 answered but never created',
    );
    // And the seeded instances, created without a recorded answer, are reported as unannounced.
    expect(report.violations).toContainEqual(
      `instance ${known.instanceId[0]} was created but no createInstances answer announced it`,
    );
  });
});
