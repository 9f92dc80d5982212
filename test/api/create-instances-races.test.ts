import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AZ, REGION, type TestHarness, createHarness, errorOf, resultOf } from '../helpers/harness.js';
import { create, spec } from '../helpers/instances.js';

const AZ_B = 'cn-east-tz1b';

describe('createInstances under concurrency', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it('creates one set for 20 concurrent requests with the same clientToken', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => create(h, spec({ count: 2 }), { clientToken: 'storm-1' })),
    );
    const results = responses.map((r) => resultOf<{ instanceIds: string[] }>(r).instanceIds);
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    const rows = await h.runtime.store.db
      .selectFrom('instances')
      .select('id')
      .where('name', '=', 'web-1')
      .execute();
    expect(rows.map((r) => r.id).sort()).toEqual([...results[0]].sort());
  });

  it('allocates exactly the stock to parallel requests asking for more, with no device or IP twice', async () => {
    const accounts = await Promise.all(Array.from({ length: 6 }, () => h.newAccount()));
    const where = { az: AZ_B, deviceType: 'edcps.c.normal2', enableInternet: 'yes' };
    const responses = await Promise.all(
      accounts.flatMap((as) => [
        create(h, spec({ ...where, count: 4 }), { as }),
        create(h, spec({ ...where, count: 4 }), { as }),
      ]),
    );
    const ok = responses.filter((r) => r.statusCode === 200);
    const failed = responses.filter((r) => r.statusCode !== 200);
    expect([ok.length, failed.length]).toEqual([10, 2]);
    for (const f of failed) {
      expect(errorOf(f)).toMatchObject({ code: 400, status: 'FAILED_PRECONDITION' });
    }
    const db = h.runtime.store.db;
    const instances = await db
      .selectFrom('instances')
      .selectAll()
      .where('az_id', '=', AZ_B)
      .where('device_type', '=', 'edcps.c.normal2')
      .execute();
    expect(instances).toHaveLength(40);
    expect(new Set(instances.map((i) => i.device_id)).size).toBe(40);
    const devices = await db
      .selectFrom('devices')
      .selectAll()
      .where('az_id', '=', AZ_B)
      .where('device_type', '=', 'edcps.c.normal2')
      .execute();
    expect(devices.filter((d) => d.status === 'available')).toHaveLength(0);
    expect(new Set(devices.map((d) => d.instance_id)).size).toBe(40);
    const holders = await db
      .selectFrom('public_ips')
      .select(['ip', 'holder_id'])
      .where('holder_id', 'is not', null)
      .execute();
    const eipIds = new Set(instances.map((i) => i.elastic_ip_id));
    expect(eipIds.size).toBe(40);
    expect(holders.filter((p) => eipIds.has(p.holder_id))).toHaveLength(40);
    // Per VPC, no address is handed out twice.
    const byVpc = new Map<string, Set<string>>();
    for (const i of instances) {
      const s = byVpc.get(i.vpc_id) ?? new Set<string>();
      expect(s.has(i.private_ip)).toBe(false);
      s.add(i.private_ip);
      byVpc.set(i.vpc_id, s);
    }
  });

  it('hands out the last addresses of a small subnet exactly once', async () => {
    await h.runtime.services.accounts.setQuota('default', REGION, { instances: 100 });
    const vpcId = resultOf<{ vpcId: string }>(
      await h.call('PUT', `/regions/${REGION}/vpcs`, {
        body: { vpcSpec: { name: 'tiny', cidr: '10.60.0.0/16', description: '' } },
      }),
    ).vpcId;
    const subnetId = resultOf<{ subnetId: string }>(
      await h.call('PUT', `/regions/${REGION}/subnets`, {
        body: { subnetSpec: { az: AZ, vpcId, cidr: '10.60.0.0/28', name: 'tiny', description: '' } },
      }),
    ).subnetId;
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => create(h, spec({ subnetId, count: 3 }))),
    );
    const created = responses.filter((r) => r.statusCode === 200).length;
    for (const f of responses.filter((r) => r.statusCode !== 200)) {
      expect(errorOf(f).message).toMatch(new RegExp(`^subnet ${subnetId} has only \\d+ free addresses$`));
    }
    const rows = await h.runtime.store.db
      .selectFrom('instances')
      .select('private_ip')
      .where('subnet_id', '=', subnetId)
      .execute();
    expect(rows).toHaveLength(created * 3);
    expect(new Set(rows.map((r) => r.private_ip)).size).toBe(rows.length);
    // A /28 has 13 usable addresses: four requests of three fit, one address stays free.
    expect(created).toBe(4);
    const subnet = resultOf<{ subnet: { availableIpCount: number } }>(
      await h.call('GET', `/regions/${REGION}/subnets/${subnetId}`),
    ).subnet;
    expect(subnet.availableIpCount).toBe(1);
  });
});
