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
  beforeAll(async () => {
    h = await createHarness({ clock: steppingClock() });
    const acc = await h.newAccount();
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
});
