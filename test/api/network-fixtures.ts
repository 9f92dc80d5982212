import type { Caller } from '../../src/domain/deps.js';
import { allocateInstanceIps } from '../../src/domain/network/instance-network.js';
import { newId } from '../../src/domain/ids.js';
import { AZ, REGION, type TestHarness, resultOf } from '../helpers/harness.js';
import { instanceRowFixture } from '../helpers/instance-row.js';

/**
 * TEST SETUP ONLY: puts a minimal instance row straight into the `instances` table (owned by
 * the instance area) and gives it a private IP through the network area's allocator, so alias
 * IP and private-IP tests do not depend on createInstances and its provisioning. Production
 * code never creates instances this way.
 */
export async function insertTestInstance(
  h: TestHarness,
  accountId: string,
  subnet: { id: string; vpcId: string; vpcName?: string; name?: string; az?: string; cidr: string },
  opts: { extension?: { id: string; vpcId: string; cidr: string }; status?: string } = {},
): Promise<{ instanceId: string; privateIp: string }> {
  const deps = h.runtime.services.deps;
  const id = newId('instance');
  const ref = { vpcName: '', name: '', az: AZ, ...subnet };
  return deps.store.transaction(async (tx) => {
    const [ip] = await allocateInstanceIps(deps, tx, ref, [id], undefined, 'test');
    let extIp = '';
    if (opts.extension) {
      [extIp] = await allocateInstanceIps(
        deps,
        tx,
        { vpcName: '', name: '', az: AZ, ...opts.extension },
        [id],
        undefined,
        'test',
        'extension',
      );
    }
    const now = deps.clock.now();
    await tx
      .insertInto('instances')
      .values(
        instanceRowFixture({
          id,
          account_id: accountId,
          name: 'test-instance',
          hostname: 'test',
          status: opts.status ?? 'running',
          vpc_id: subnet.vpcId,
          subnet_id: subnet.id,
          private_ip: ip,
          interface_mode: opts.extension ? 'dual' : 'bond',
          extension_vpc_id: opts.extension?.vpcId ?? '',
          extension_subnet_id: opts.extension?.id ?? '',
          extension_private_ip: extIp,
          created_at: now,
        }),
      )
      .execute();
    return { instanceId: id, privateIp: ip };
  });
}

export const callerOf = (accountId: string): Caller => ({ accountId, regionId: REGION, requestId: 'test' });

/** Creates a VPC and a subnet through the API; returns their ids and CIDRs. */
export async function vpcWithSubnet(
  h: TestHarness,
  opts: {
    vpcCidr?: string;
    subnetCidr?: string;
    secondaryCidr?: string;
    as?: { accessKeyId: string; secretAccessKey: string };
  } = {},
): Promise<{ vpcId: string; subnetId: string; cidr: string }> {
  const vpcCidr = opts.vpcCidr ?? '10.0.0.0/16';
  const cidr = opts.subnetCidr ?? '10.0.1.0/24';
  const { vpcId } = resultOf<{ vpcId: string }>(
    await h.call('PUT', `/regions/${REGION}/vpcs`, {
      as: opts.as,
      body: { vpcSpec: { name: 'net', cidr: vpcCidr, description: '' } },
    }),
  );
  const { subnetId } = resultOf<{ subnetId: string }>(
    await h.call('PUT', `/regions/${REGION}/subnets`, {
      as: opts.as,
      body: {
        subnetSpec: {
          az: AZ,
          vpcId,
          cidr,
          name: 'sub',
          description: '',
          ...(opts.secondaryCidr ? { secondaryCidr: opts.secondaryCidr } : {}),
        },
      },
    }),
  );
  return { vpcId, subnetId, cidr };
}

/**
 * A clock that moves one second per reading, so resources created one after another never
 * share a created_at and list order (created_at, id) is exactly creation order in tests.
 */
export function steppingClock(start = Date.UTC(2026, 0, 1)): { now(): number } {
  let t = start;
  return { now: () => (t += 1000) };
}
