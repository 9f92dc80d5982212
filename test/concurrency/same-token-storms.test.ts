import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/tables.js';
import { type RaceBed, instanceSpec, raceBed, runningInstances, split, storm } from './support.js';

/**
 * Same-token storms: 12 identical requests with one clientToken, sent at once, for every
 * creating operation that takes a clientToken. Exactly one resource comes into being and every
 * answer is the first result (DESIGN §3: a repeat, even concurrent, returns the first result).
 */
describe('same-token storms (createVpc, createSubnet, createKeypairs, importKeypairs, applyElasticIps, applyBandwidthPackages, createSecondaryCidr, createAliasIp, createInstances)', () => {
  let bed: RaceBed;
  beforeAll(async () => {
    bed = await raceBed({ devicesPerAz: 10, publicPool: '198.51.100.0/28' });
  });
  afterAll(() => bed.close());

  const base = () => `/regions/${bed.cat.regionId}`;
  const count = async (table: keyof Database) =>
    (await bed.h.runtime.store.db.selectFrom(table).selectAll().execute()).length;

  async function expectOnce(
    table: keyof Database,
    path: string,
    body: Record<string, unknown>,
    idKey: string,
  ) {
    const before = await count(table);
    const answers = await storm(12, () => bed.h.call('PUT', `${base()}${path}`, { body }));
    const { ok, failed } = split(answers);
    expect(failed.map((f) => f.body.error)).toEqual([]);
    const ids = ok.map((a) => JSON.stringify(a.body.result?.[idKey]));
    expect(new Set(ids).size).toBe(1);
    expect(await count(table)).toBe(before + 1);
    return answers;
  }

  it('createVpc creates one VPC', async () => {
    await expectOnce(
      'vpcs',
      '/vpcs',
      { clientToken: 'st-vpc', vpcSpec: { name: 'st', cidr: '10.9.0.0/16', description: '' } },
      'vpcId',
    );
  });

  it('createSubnet creates one subnet', async () => {
    const vpcId = (
      await bed.h.runtime.store.db
        .selectFrom('vpcs')
        .select('id')
        .where('name', '=', 'race')
        .executeTakeFirstOrThrow()
    ).id;
    await expectOnce(
      'subnets',
      '/subnets',
      {
        clientToken: 'st-subnet',
        subnetSpec: { az: bed.cat.azs[0], vpcId, cidr: '10.0.50.0/24', name: 'st', description: '' },
      },
      'subnetId',
    );
  });

  it('createKeypairs creates one key pair and hands its private key out exactly once', async () => {
    const answers = await expectOnce(
      'keypairs',
      '/keypairs',
      { clientToken: 'st-kp', name: 'stkey' },
      'keypairId',
    );
    const keys = answers.map((a) => String(a.body.result?.privateKey));
    expect(keys.filter((k) => k.startsWith('-----BEGIN'))).toHaveLength(1);
    expect(keys.filter((k) => k === '')).toHaveLength(11);
  });

  it('importKeypairs imports one key pair', async () => {
    const kp = await bed.h.call('PUT', `${base()}/keypairs`, { body: { name: 'source' } });
    const publicKey = String(kp.body.result?.publicKey);
    await expectOnce(
      'keypairs',
      '/keypairs:import',
      { clientToken: 'st-import', name: 'imported', publicKey },
      'keypairId',
    );
  });

  it('applyElasticIps creates one elastic IP', async () => {
    await expectOnce(
      'elastic_ips',
      '/elasticIps',
      {
        clientToken: 'st-eip',
        elasticIpSpec: { bandwidth: 1, count: 1, charge: { chargeMode: 'postpaid_by_duration' } },
      },
      'elasticIpIds',
    );
  });

  it('applyBandwidthPackages creates one package', async () => {
    await expectOnce(
      'bandwidth_packages',
      '/bandwidthPackages',
      {
        clientToken: 'st-bwp',
        bandwidthPackageSpec: {
          name: 'st',
          bandwidth: 10,
          count: 1,
          charge: { chargeMode: 'postpaid_by_duration' },
        },
      },
      'bandwidthPackageIds',
    );
  });

  it('createSecondaryCidr creates one secondary CIDR', async () => {
    await expectOnce(
      'secondary_cidrs',
      '/secondaryCidrs',
      {
        clientToken: 'st-cidr',
        secondaryCidrSpec: { subnetId: bed.subnets[0].id, cidr: '10.0.60.0/24', name: 'st' },
      },
      'secondaryCidrId',
    );
  });

  it('createAliasIp creates one alias range', async () => {
    const [instanceId] = await runningInstances(bed, 1);
    const cidr = await bed.h.runtime.store.db
      .selectFrom('secondary_cidrs')
      .select('id')
      .where('cidr', '=', '10.0.60.0/24')
      .executeTakeFirstOrThrow();
    await expectOnce(
      'alias_ips',
      '/aliasIps',
      {
        clientToken: 'st-alias',
        aliasIpSpec: { instanceId, aliasIps: [{ id: cidr.id, cidr: '10.0.60.16/28' }] },
      },
      'successList',
    );
  });

  it('createInstances creates one set of instances', async () => {
    const before = await count('instances');
    const answers = await storm(12, () =>
      bed.h.call('PUT', `${base()}/instances`, {
        body: {
          clientToken: 'st-inst',
          instanceSpec: instanceSpec(bed, { count: 2, az: bed.subnets[1].az, subnetId: bed.subnets[1].id }),
        },
      }),
    );
    expect(split(answers).failed).toEqual([]);
    expect(new Set(answers.map((a) => JSON.stringify(a.body.result?.instanceIds))).size).toBe(1);
    expect(await count('instances')).toBe(before + 2);
  });
});
