import { afterEach, describe, expect, it } from 'vitest';
import { type RaceBed, instanceSpec, raceBed, split, storm, expectAllRefused } from './support.js';

/**
 * Races for the last devices, public addresses and bandwidth, and for quota: requests sent at
 * once (on PostgreSQL they truly run in parallel transactions) must hand out exactly what is
 * there, never a unit twice, and refuse the rest with the documented error.
 */
describe('races for the last resources (createInstances, applyElasticIps, createKeypairs)', () => {
  let bed: RaceBed;
  afterEach(() => bed.close());

  it('createInstances: 10 requests for the last 6 devices of an AZ give exactly 6 instances', async () => {
    bed = await raceBed({ devicesPerAz: 6, publicPool: '198.51.100.0/29' });
    const answers = await storm(10, () =>
      bed.h.call('PUT', `/regions/${bed.cat.regionId}/instances`, {
        body: { instanceSpec: instanceSpec(bed) },
      }),
    );
    const { ok, failed } = split(answers);
    expect([ok.length, failed.length]).toEqual([6, 4]);
    expectAllRefused(
      failed,
      400,
      'FAILED_PRECONDITION',
      `only 0 devices of type ${bed.cat.deviceType} left in AZ ${bed.subnets[0].az}`,
    );
    const devices = await bed.h.runtime.store.db
      .selectFrom('devices')
      .selectAll()
      .where('az_id', '=', bed.subnets[0].az)
      .execute();
    expect(devices.every((d) => d.status === 'allocated')).toBe(true);
    expect(new Set(devices.map((d) => d.instance_id)).size).toBe(6);
    const ids = ok.flatMap((a) => a.body.result?.instanceIds as string[]);
    expect(new Set(devices.map((d) => d.instance_id))).toEqual(new Set(ids));
  });

  it('applyElasticIps: 10 requests for the last 6 public addresses give exactly 6, all distinct', async () => {
    bed = await raceBed({ devicesPerAz: 2, publicPool: '198.51.100.0/29' });
    const answers = await storm(10, () =>
      bed.h.call('PUT', `/regions/${bed.cat.regionId}/elasticIps`, {
        body: { elasticIpSpec: { bandwidth: 1, count: 1, charge: { chargeMode: 'postpaid_by_duration' } } },
      }),
    );
    const { ok, failed } = split(answers);
    expect([ok.length, failed.length]).toEqual([6, 4]);
    expectAllRefused(
      failed,
      400,
      'FAILED_PRECONDITION',
      `not enough public IPs in region ${bed.cat.regionId}: 1 requested, 0 available`,
    );
    const eips = await bed.h.runtime.store.db.selectFrom('elastic_ips').select(['id', 'ip']).execute();
    expect(eips).toHaveLength(6);
    expect(new Set(eips.map((e) => e.ip)).size).toBe(6);
    const held = await bed.h.runtime.store.db
      .selectFrom('public_ips')
      .select('holder_id')
      .where('holder_id', 'is not', null)
      .execute();
    expect(new Set(held.map((x) => x.holder_id))).toEqual(new Set(eips.map((e) => e.id)));
  });

  it('applyElasticIps: 8 requests of 3 Mbps against 10 Mbps of capacity give exactly 3', async () => {
    bed = await raceBed({ devicesPerAz: 2, publicPool: '198.51.100.0/28', bandwidthCapacity: 10 });
    const answers = await storm(8, () =>
      bed.h.call('PUT', `/regions/${bed.cat.regionId}/elasticIps`, {
        body: { elasticIpSpec: { bandwidth: 3, count: 1, charge: { chargeMode: 'postpaid_by_duration' } } },
      }),
    );
    const { ok, failed } = split(answers);
    expect([ok.length, failed.length]).toEqual([3, 5]);
    for (const f of failed) expect(f.body.error?.status).toBe('FAILED_PRECONDITION');
    expectAllRefused(
      failed,
      400,
      'FAILED_PRECONDITION',
      `not enough bandwidth stock in region ${bed.cat.regionId}: 3 Mbps requested, 1 Mbps available`,
    );
    const sold = await bed.h.runtime.store.db.selectFrom('elastic_ips').select('bandwidth').execute();
    expect(sold.reduce((n, e) => n + e.bandwidth, 0)).toBe(9);
  });

  it('createInstances: 8 requests against a quota of 3 instances give exactly 3, then 429', async () => {
    bed = await raceBed({ devicesPerAz: 10, publicPool: '198.51.100.0/29', quota: { instances: 3 } });
    const answers = await storm(8, () =>
      bed.h.call('PUT', `/regions/${bed.cat.regionId}/instances`, {
        body: { instanceSpec: instanceSpec(bed) },
      }),
    );
    const { ok, failed } = split(answers);
    expect([ok.length, failed.length]).toEqual([3, 5]);
    expectAllRefused(
      failed,
      429,
      'QUOTA_EXCEEDED',
      `instance quota exceeded in region ${bed.cat.regionId}: 3 of 3 in use, 1 requested`,
    );
    expect(await bed.h.runtime.store.db.selectFrom('instances').select('id').execute()).toHaveLength(3);
  });

  it('applyElasticIps: 6 requests against a quota of 2 elastic IPs give exactly 2, then 429', async () => {
    bed = await raceBed({ devicesPerAz: 2, publicPool: '198.51.100.0/28', quota: { elasticIps: 2 } });
    const answers = await storm(6, () =>
      bed.h.call('PUT', `/regions/${bed.cat.regionId}/elasticIps`, {
        body: { elasticIpSpec: { bandwidth: 1, count: 1, charge: { chargeMode: 'postpaid_by_duration' } } },
      }),
    );
    const { ok, failed } = split(answers);
    expect([ok.length, failed.length]).toEqual([2, 4]);
    expectAllRefused(
      failed,
      429,
      'QUOTA_EXCEEDED',
      `elastic IP quota exceeded in region ${bed.cat.regionId}: 2 of 2 used, 1 requested`,
    );
    expect(await bed.h.runtime.store.db.selectFrom('elastic_ips').select('id').execute()).toHaveLength(2);
  });

  it('createKeypairs: 6 requests against a quota of 2 key pairs give exactly 2, then 429', async () => {
    bed = await raceBed({ devicesPerAz: 2, publicPool: '198.51.100.0/29', quota: { keypairs: 2 } });
    const answers = await storm(6, (i) =>
      bed.h.call('PUT', `/regions/${bed.cat.regionId}/keypairs`, { body: { name: `race${i}` } }),
    );
    const { ok, failed } = split(answers);
    expect([ok.length, failed.length]).toEqual([2, 4]);
    expectAllRefused(
      failed,
      429,
      'QUOTA_EXCEEDED',
      `key pair quota exceeded in region ${bed.cat.regionId}: 2 of 2 used`,
    );
    expect(await bed.h.runtime.store.db.selectFrom('keypairs').select('id').execute()).toHaveLength(2);
  });

  it('createKeypairs: 6 requests for the same name create it once', async () => {
    bed = await raceBed({ devicesPerAz: 2, publicPool: '198.51.100.0/29' });
    const answers = await storm(6, () =>
      bed.h.call('PUT', `/regions/${bed.cat.regionId}/keypairs`, { body: { name: 'samename' } }),
    );
    const { ok, failed } = split(answers);
    expect([ok.length, failed.length]).toEqual([1, 5]);
    expect(failed[0].body.error).toEqual({
      code: 409,
      status: 'ALREADY_EXISTS',
      message: `key pair named "samename" already exists in region ${bed.cat.regionId}`,
    });
    expect(await bed.h.runtime.store.db.selectFrom('keypairs').select('id').execute()).toHaveLength(1);
  });
});
