import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AZ, REGION, type TestHarness, createHarness, errorOf, resultOf } from '../helpers/harness.js';
import { insertTestInstance, steppingClock } from './network-fixtures.js';

describe('describeAvailablePrivateIp', () => {
  let h: TestHarness;
  let vpcId: string;
  let subnetId: string;
  let extId: string;
  let otherSubnet: string;
  let instanceId: string;
  const path = (id: string) => `/regions/${REGION}/instances/${id}/availablePrivateIps`;

  beforeAll(async () => {
    h = await createHarness({ clock: steppingClock() });
    vpcId = resultOf<{ vpcId: string }>(
      await h.call('PUT', `/regions/${REGION}/vpcs`, {
        body: { vpcSpec: { name: 'v', cidr: '10.0.0.0/16', description: '' } },
      }),
    ).vpcId;
    const sub = async (cidr: string) =>
      resultOf<{ subnetId: string }>(
        await h.call('PUT', `/regions/${REGION}/subnets`, {
          body: { subnetSpec: { az: AZ, vpcId, cidr, name: 's', description: '' } },
        }),
      ).subnetId;
    subnetId = await sub('10.0.0.0/28');
    extId = await sub('10.0.1.0/28');
    otherSubnet = await sub('10.0.2.0/28');
    const acc = (
      await h.runtime.services.deps.store.db
        .selectFrom('vpcs')
        .select('account_id')
        .where('id', '=', vpcId)
        .executeTakeFirstOrThrow()
    ).account_id;
    ({ instanceId } = await insertTestInstance(
      h,
      acc,
      { id: subnetId, vpcId, cidr: '10.0.0.0/28' },
      { extension: { id: extId, vpcId, cidr: '10.0.1.0/28' } },
    ));
    resultOf(
      await h.call('PUT', `/regions/${REGION}/aliasIps`, {
        body: { aliasIpSpec: { instanceId, aliasIps: [{ id: subnetId, cidr: '10.0.0.4/30' }] } },
      }),
    );
  });
  afterAll(() => h.close());

  it('lists every free address of the primary subnet, skipping reserved and allocated ones', async () => {
    const { availablePrivateIps } = resultOf<{ availablePrivateIps: string[] }>(
      await h.call('GET', path(instanceId), { query: { subnetId } }),
    );
    // .0 network, .1 gateway, .15 broadcast; .2 the instance; .4–.7 the alias range.
    expect(availablePrivateIps).toEqual([
      '10.0.0.3',
      ...[8, 9, 10, 11, 12, 13, 14].map((n) => `10.0.0.${n}`),
    ]);
  });

  it('lists the free addresses of the extension NIC subnet', async () => {
    const { availablePrivateIps } = resultOf<{ availablePrivateIps: string[] }>(
      await h.call('GET', path(instanceId), { query: { subnetId: extId } }),
    );
    expect(availablePrivateIps).toHaveLength(12);
    expect(availablePrivateIps[0]).toBe('10.0.1.3');
  });

  it('rejects a subnet the instance has no NIC in', async () => {
    expect(errorOf(await h.call('GET', path(instanceId), { query: { subnetId: otherSubnet } }))).toEqual({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: `invalid parameter subnetId: subnet ${otherSubnet} is not a subnet of instance ${instanceId}`,
    });
  });

  it('requires subnetId', async () => {
    expect(errorOf(await h.call('GET', path(instanceId)))).toEqual({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: 'missing required parameter subnetId',
    });
  });

  it('answers 404 NOT_FOUND for an unknown instance', async () => {
    expect(errorOf(await h.call('GET', path('edcps-nope'), { query: { subnetId } }))).toEqual({
      code: 404,
      status: 'NOT_FOUND',
      message: 'instance edcps-nope not found',
    });
  });

  it("answers 404 NOT_FOUND for another account's instance", async () => {
    const other = await h.newAccount();
    expect(errorOf(await h.call('GET', path(instanceId), { as: other, query: { subnetId } }))).toEqual({
      code: 404,
      status: 'NOT_FOUND',
      message: `instance ${instanceId} not found`,
    });
  });
});
