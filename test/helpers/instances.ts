import { settle } from '../../src/provision/settle.js';
import { AZ, type Credentials, DEVICE_TYPE, REGION, type TestHarness, resultOf } from './harness.js';

export const OS_CENTOS79 = 'o-centos79x8664000000000000000';
export const OS_UBUNTU2204 = 'o-ubuntu2204x86640000000000000';
export const SYS_RAID1 = 'r-sysraid100000000000000000000';
export const DATA_RAID0 = 'r-dataraid00000000000000000000';
export const DATA_RAID10 = 'r-dataraid10000000000000000000';
/** Satisfies the Public Parameter Specification. */
export const PASSWORD = 'Qm7$Zk9xTw';
/** base64 of "#!/bin/bash\necho hello\n". */
export const USER_DATA = Buffer.from('#!/bin/bash\necho hello\n').toString('base64');

/** A minimal valid InstanceSpec (no internet: the public pool is shared by every test). */
export function spec(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    az: AZ,
    deviceType: DEVICE_TYPE,
    imageType: 'standard',
    osTypeId: OS_CENTOS79,
    sysRaidTypeId: SYS_RAID1,
    dataRaidTypeId: DATA_RAID0,
    networkType: 'vpc',
    enableInternet: 'no',
    name: 'web-1',
    count: 1,
    charge: { chargeMode: 'postpaid_by_duration' },
    ...over,
  };
}

export async function create(
  h: TestHarness,
  instanceSpec: Record<string, unknown>,
  o: { clientToken?: string; as?: Credentials; region?: string } = {},
) {
  return h.call('PUT', `/regions/${o.region ?? REGION}/instances`, {
    body: { instanceSpec, ...(o.clientToken !== undefined ? { clientToken: o.clientToken } : {}) },
    as: o.as,
  });
}

export async function createIds(
  h: TestHarness,
  instanceSpec: Record<string, unknown>,
  o: { clientToken?: string; as?: Credentials } = {},
): Promise<string[]> {
  return resultOf<{ instanceIds: string[] }>(await create(h, instanceSpec, o)).instanceIds;
}

/** Runs provisioning to completion now (the harness runs no background reconciler). */
export const settleAll = (h: TestHarness) => settle(h.runtime.services.deps);

export async function describe1(h: TestHarness, id: string, as?: Credentials) {
  return resultOf<{ instance: Record<string, unknown> }>(
    await h.call('GET', `/regions/${REGION}/instances/${id}`, { as }),
  ).instance;
}

/** What a rejected request must leave untouched: instances, stock, addresses, elastic IPs. */
export async function snapshot(h: TestHarness) {
  const db = h.runtime.store.db;
  const count = async (
    t: 'instances' | 'ip_allocations' | 'elastic_ips' | 'vpcs' | 'subnets' | 'alias_ips',
  ) =>
    Number(
      (
        await db
          .selectFrom(t)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const freeDevices = Number(
    (
      await db
        .selectFrom('devices')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'available')
        .executeTakeFirstOrThrow()
    ).n,
  );
  const freePublicIps = Number(
    (
      await db
        .selectFrom('public_ips')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('holder_id', 'is', null)
        .executeTakeFirstOrThrow()
    ).n,
  );
  const counters = await db.selectFrom('instance_counts').select(['account_id', 'region_id', 'n']).execute();
  return {
    instances: await count('instances'),
    allocations: await count('ip_allocations'),
    elasticIps: await count('elastic_ips'),
    vpcs: await count('vpcs'),
    subnets: await count('subnets'),
    aliasIps: await count('alias_ips'),
    freeDevices,
    freePublicIps,
    counters: counters.filter((c) => Number(c.n) !== 0).map((c) => `${c.account_id}/${c.region_id}=${c.n}`),
  };
}
