import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/domain/errors.js';
import { allocateInstanceIps, resolveInstanceSubnet } from '../../src/domain/network/instance-network.js';
import { AZ, REGION, type TestHarness, createHarness, resultOf } from '../helpers/harness.js';
import { callerOf, insertTestInstance, steppingClock } from './network-fixtures.js';

/**
 * Concurrent requests never hand out an address twice and never create conflicting ranges.
 * On PostgreSQL the requests really run in parallel (connection pool); on SQLite they queue
 * on the write lock. Both must give the same answers.
 */
describe('network allocation under concurrency (createAliasIp, createSubnet, createSecondaryCidr, deleteSubnet)', () => {
  let h: TestHarness;
  let accountId: string;
  let vpcId: string;
  beforeAll(async () => {
    h = await createHarness({ clock: steppingClock() });
    vpcId = resultOf<{ vpcId: string }>(
      await h.call('PUT', `/regions/${REGION}/vpcs`, {
        body: { vpcSpec: { name: 'c', cidr: '10.0.0.0/16', description: '' } },
      }),
    ).vpcId;
    accountId = (
      await h.runtime.services.deps.store.db
        .selectFrom('vpcs')
        .select('account_id')
        .where('id', '=', vpcId)
        .executeTakeFirstOrThrow()
    ).account_id;
  });
  afterAll(() => h.close());

  const newSubnet = async (cidr: string) =>
    resultOf<{ subnetId: string }>(
      await h.call('PUT', `/regions/${REGION}/subnets`, {
        body: { subnetSpec: { az: AZ, vpcId, cidr, name: 's', description: '' } },
      }),
    ).subnetId;

  /** Every allocation row of the VPC, checked for pairwise overlap. */
  async function assertNoOverlap(): Promise<number> {
    const rows = await h.runtime.services.deps.store.db
      .selectFrom('ip_allocations')
      .select(['first_ip', 'last_ip'])
      .where('vpc_id', '=', vpcId)
      .orderBy('first_ip')
      .execute();
    for (let i = 1; i < rows.length; i++)
      expect(Number(rows[i].first_ip)).toBeGreaterThan(Number(rows[i - 1].last_ip));
    return rows.length;
  }

  it('gives 24 parallel createAliasIp requests for the same ranges disjoint successes', async () => {
    const subnetId = await newSubnet('10.0.1.0/24');
    const { instanceId } = await insertTestInstance(h, accountId, {
      id: subnetId,
      vpcId,
      cidr: '10.0.1.0/24',
    });
    // Every request asks for the same eight /29s, in a different order.
    const ranges = Array.from({ length: 8 }, (_, i) => `10.0.1.${64 + 8 * i}/29`);
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, k) =>
        h.call('PUT', `/regions/${REGION}/aliasIps`, {
          body: {
            aliasIpSpec: {
              instanceId,
              aliasIps: ranges.map((_, i) => ({ id: subnetId, cidr: ranges[(i + k) % ranges.length] })),
            },
          },
        }),
      ),
    );
    const won = results.flatMap((r) =>
      resultOf<{ successList: { cidr: string }[] }>(r).successList.map((s) => s.cidr),
    );
    expect(won.sort()).toEqual([...ranges].sort());
    await assertNoOverlap();
  });

  it('gives 20 parallel instance allocations of 3 addresses each 60 distinct addresses', async () => {
    const subnetId = await newSubnet('10.0.2.0/24');
    const deps = h.runtime.services.deps;
    const caller = callerOf(accountId);
    const batches = await Promise.all(
      Array.from({ length: 20 }, (_, k) =>
        deps.store.transaction(async (tx) => {
          const s = await resolveInstanceSubnet(deps, tx, caller, AZ, subnetId, 'instanceSpec.subnetId');
          return allocateInstanceIps(
            deps,
            tx,
            s,
            [`edcps-c${k}a`, `edcps-c${k}b`, `edcps-c${k}c`],
            undefined,
            'x',
          );
        }),
      ),
    );
    const ips = batches.flat();
    expect(new Set(ips).size).toBe(60);
    expect(ips.every((ip) => ip.startsWith('10.0.2.'))).toBe(true);
    const { subnet } = resultOf<{ subnet: { availableIpCount: number } }>(
      await h.call('GET', `/regions/${REGION}/subnets/${subnetId}`),
    );
    expect(subnet.availableIpCount).toBe(253 - 60);
    await assertNoOverlap();
  });

  it('never overfills a subnet: parallel allocations beyond its size fail cleanly', async () => {
    const subnetId = await newSubnet('10.0.3.0/28');
    const deps = h.runtime.services.deps;
    const caller = callerOf(accountId);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, k) =>
        deps.store.transaction(async (tx) => {
          const s = await resolveInstanceSubnet(deps, tx, caller, AZ, subnetId, 'instanceSpec.subnetId');
          return allocateInstanceIps(deps, tx, s, [`edcps-f${k}a`, `edcps-f${k}b`], undefined, 'x');
        }),
      ),
    );
    const ok = outcomes.filter((o) => o.status === 'fulfilled');
    const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    // 13 usable addresses: six pairs fit, the remaining one address fits no pair.
    expect(ok).toHaveLength(6);
    for (const f of failed) {
      expect(f.reason).toBeInstanceOf(ApiError);
      expect((f.reason as ApiError).message).toBe(`subnet ${subnetId} has only 1 free addresses`);
    }
    await assertNoOverlap();
  });

  it('lets exactly one of several overlapping createSubnet requests win', async () => {
    // Pairwise overlapping: every range contains 10.0.16.64/26.
    const cidrs = ['10.0.16.0/22', '10.0.16.0/24', '10.0.16.0/23', '10.0.16.64/26', '10.0.16.0/20'];
    const results = await Promise.all(
      cidrs.map((cidr) =>
        h.call('PUT', `/regions/${REGION}/subnets`, {
          body: { subnetSpec: { az: AZ, vpcId, cidr, name: 'race', description: '' } },
        }),
      ),
    );
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(results.filter((r) => r.statusCode === 409)).toHaveLength(cidrs.length - 1);
  });

  it('lets exactly one of several createSecondaryCidr requests on one subnet win', async () => {
    const subnetId = await newSubnet('10.0.4.0/24');
    const results = await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        h.call('PUT', `/regions/${REGION}/secondaryCidrs`, {
          body: { secondaryCidrSpec: { subnetId, cidr: `10.0.${200 + i}.0/24` } },
        }),
      ),
    );
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(results.filter((r) => r.statusCode === 409)).toHaveLength(4);
  });

  it('never both deletes a subnet and places an instance in it', async () => {
    const deps = h.runtime.services.deps;
    const caller = callerOf(accountId);
    for (let round = 0; round < 4; round++) {
      const subnetId = await newSubnet(`10.0.${100 + round}.0/24`);
      const [placed, deleted] = await Promise.allSettled([
        deps.store.transaction(async (tx) => {
          const s = await resolveInstanceSubnet(deps, tx, caller, AZ, subnetId, 'instanceSpec.subnetId');
          return allocateInstanceIps(deps, tx, s, [`edcps-r${round}`], undefined, 'x');
        }),
        h.call('DELETE', `/regions/${REGION}/subnets/${subnetId}`),
      ]);
      const deletedOk = deleted.status === 'fulfilled' && deleted.value.statusCode === 200;
      expect(placed.status === 'fulfilled' && deletedOk).toBe(false);
      expect(placed.status === 'fulfilled' || deletedOk).toBe(true);
      if (placed.status === 'rejected') {
        expect((placed.reason as ApiError).message).toBe(
          `invalid parameter instanceSpec.subnetId: subnet ${subnetId} not found`,
        );
      }
    }
  });

  it('creates one default VPC and one default subnet per AZ for concurrent first uses', async () => {
    const acc = await h.newAccount();
    const deps = h.runtime.services.deps;
    const caller = callerOf(acc.accountId);
    const refs = await Promise.all(
      Array.from({ length: 10 }, (_, k) =>
        deps.store.transaction((tx) =>
          resolveInstanceSubnet(
            deps,
            tx,
            caller,
            k % 2 === 0 ? 'cn-east-tz1a' : 'cn-east-tz1b',
            undefined,
            'x',
          ),
        ),
      ),
    );
    expect(new Set(refs.map((r) => r.vpcId)).size).toBe(1);
    expect(new Set(refs.map((r) => r.id)).size).toBe(2);
    expect(new Set(refs.map((r) => r.cidr))).toEqual(new Set(['10.0.0.0/24', '10.0.1.0/24']));
    const vpcs = resultOf<{ vpcs: { name: string }[] }>(
      await h.call('GET', `/regions/${REGION}/vpcs`, { as: acc }),
    );
    expect(vpcs.vpcs).toMatchObject([{ name: 'default' }]);
  });
});
