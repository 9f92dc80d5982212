import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../src/domain/deps.js';
import { isApiError } from '../../src/domain/errors.js';
import {
  allocateInstanceAliasIps,
  allocateInstanceIps,
  releaseInstanceNetwork,
  resolveInstanceSubnet,
} from '../../src/domain/network/instance-network.js';
import { AZ, REGION, type TestHarness, createHarness } from '../helpers/harness.js';
import { steppingClock } from './network-fixtures.js';

/** The functions createInstances calls inside its transaction, exercised directly on the store. */
describe('instance network (createInstances building blocks)', () => {
  let h: TestHarness;
  let caller: Caller;
  let acc: Awaited<ReturnType<TestHarness['newAccount']>>;
  beforeAll(async () => {
    h = await createHarness({ clock: steppingClock() });
    acc = await h.newAccount();
    caller = { accountId: acc.accountId, regionId: REGION, requestId: 'test' };
  });
  afterAll(() => h.close());

  const deps = () => h.runtime.services.deps;
  const tx = <T>(fn: Parameters<TestHarness['runtime']['services']['deps']['store']['transaction']>[0]) =>
    deps().store.transaction(fn) as Promise<T>;

  it('creates the default VPC and one default subnet per AZ once, even when asked concurrently', async () => {
    const refs = await Promise.all(
      Array.from({ length: 6 }, () =>
        tx((t) => resolveInstanceSubnet(deps(), t, caller, AZ, undefined, 'instanceSpec.subnetId')),
      ),
    );
    const ids = new Set(refs.map((r) => (r as { id: string }).id));
    expect(ids.size).toBe(1);
    expect(refs[0]).toMatchObject({ az: AZ, cidr: '10.0.0.0/24', name: `default-${AZ}`, vpcName: 'default' });
  });

  it('allocates distinct lowest-free addresses and frees them again on release', async () => {
    const subnet = await tx((t) =>
      resolveInstanceSubnet(deps(), t, caller, AZ, undefined, 'instanceSpec.subnetId'),
    );
    const s = subnet as Awaited<ReturnType<typeof resolveInstanceSubnet>>;
    const ips = await tx((t) =>
      allocateInstanceIps(deps(), t, s, ['edcps-a', 'edcps-b'], undefined, 'instanceSpec.privateIp'),
    );
    expect(ips).toEqual(['10.0.0.2', '10.0.0.3']);
    await tx((t) =>
      allocateInstanceAliasIps(
        deps(),
        t,
        caller,
        s,
        'edcps-a',
        [{ id: s.id, cidr: '10.0.0.16/28' }],
        'instanceSpec.aliasIps',
        'primary',
      ),
    );
    await tx((t) => releaseInstanceNetwork(t, 'edcps-a'));
    const again = await tx((t) =>
      allocateInstanceIps(deps(), t, s, ['edcps-c'], undefined, 'instanceSpec.privateIp'),
    );
    expect(again).toEqual(['10.0.0.2']);
    const err = await tx((t) =>
      allocateInstanceIps(deps(), t, s, ['edcps-d'], '10.0.0.3', 'instanceSpec.privateIp'),
    ).catch((e: unknown) => e);
    expect(isApiError(err) && err.message).toBe(
      'invalid parameter instanceSpec.privateIp: 10.0.0.3 is already in use',
    );
  });

  it('keeps taking the lowest free address when the search starts from the pool hint', async () => {
    const vpc = await h.call('PUT', `/regions/${REGION}/vpcs`, {
      body: { vpcSpec: { name: 'hinted', cidr: '10.9.0.0/16', description: '' } },
      as: acc,
    });
    const vpcId = (vpc.body.result as { vpcId: string }).vpcId;
    const sub = await h.call('PUT', `/regions/${REGION}/subnets`, {
      body: { subnetSpec: { az: AZ, vpcId, cidr: '10.9.0.0/28', name: 'hinted', description: '' } },
      as: acc,
    });
    const subnetId = (sub.body.result as { subnetId: string }).subnetId;
    const s = (await tx((t) =>
      resolveInstanceSubnet(deps(), t, caller, AZ, subnetId, 'instanceSpec.subnetId'),
    )) as Awaited<ReturnType<typeof resolveInstanceSubnet>>;
    const take = (ids: string[]) =>
      tx((t) => allocateInstanceIps(deps(), t, s, ids, undefined, 'instanceSpec.privateIp'));
    // A /28 has 13 usable addresses: .2 to .14 (network, gateway and broadcast reserved).
    expect(await take(['h1', 'h2', 'h3', 'h4', 'h5'])).toEqual([
      '10.9.0.2',
      '10.9.0.3',
      '10.9.0.4',
      '10.9.0.5',
      '10.9.0.6',
    ]);
    expect(await take(['h6'])).toEqual(['10.9.0.7']);
    // Releases below the hint lower it: the lowest free address is found again.
    await tx((t) => releaseInstanceNetwork(t, 'h3'));
    await tx((t) => releaseInstanceNetwork(t, 'h5'));
    expect(await take(['h7', 'h8', 'h9'])).toEqual(['10.9.0.4', '10.9.0.6', '10.9.0.8']);
    // A batch larger than what is left fails whole, naming exactly what is free, and takes nothing.
    const err = await take(['x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7']).catch((e: unknown) => e);
    expect(isApiError(err) && err.message).toBe(`subnet ${subnetId} has only 6 free addresses`);
    expect(await take(['h10'])).toEqual(['10.9.0.9']);
  });
});
