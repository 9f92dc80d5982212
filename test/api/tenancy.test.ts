import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS, type OperationDef } from '../../src/api/operations.js';
import { settle } from '../../src/provision/settle.js';
import { cliJson } from '../cli/cli.js';
import {
  AZ,
  DEVICE_TYPE,
  REGION,
  type Credentials,
  type TestHarness,
  createHarness,
  errorOf,
  resultOf,
} from '../helpers/harness.js';

const POSTPAID = { chargeMode: 'postpaid_by_duration' };

/** The first account's resources, by the path parameter that names each. */
type Fixture = Record<string, string>;

/** `/v1/regions/{regionId}/vpcs/{vpcId}` with the fixture's ids, as a harness path (after /v1). */
function pathOf(op: OperationDef, ids: Fixture): string {
  return op.spec.path.replace(/^\/v1/, '').replace(/\{(\w+)\}/g, (_, name: string) => {
    if (name === 'regionId') return REGION;
    const id = ids[name];
    if (id === undefined)
      throw new Error(`tenancy fixture has no resource for {${name}} of ${op.name}: add one`);
    return id;
  });
}

/** Required query parameters that name a resource (describeAvailablePrivateIp, describeSecondaryCidrs). */
function queryOf(op: OperationDef, ids: Fixture): Record<string, string> {
  const q: Record<string, string> = {};
  for (const f of op.spec.query) {
    if (!f.required) continue;
    const id = ids[f.name];
    if (id === undefined) throw new Error(`tenancy fixture has no value for query ${f.name} of ${op.name}`);
    q[f.name] = id;
  }
  return q;
}

const resourceParams = (op: OperationDef) => op.spec.pathParams.filter((p) => p !== 'regionId');
const PAGED_LISTS = OPERATIONS.filter(
  (o) =>
    o.spec.method === 'GET' &&
    resourceParams(o).length === 0 &&
    o.spec.resultFields.some((f) => f.name === 'totalCount'),
);
const DESCRIBES = OPERATIONS.filter((o) => o.spec.method === 'GET' && resourceParams(o).length > 0);
const DELETES = OPERATIONS.filter((o) => o.spec.method === 'DELETE');
const ACTIONS = OPERATIONS.filter(
  (o) => (o.spec.method === 'PUT' || o.spec.method === 'POST') && resourceParams(o).length > 0,
);

/** A body each action would accept from the owner, so only tenancy can refuse it. */
const actionBody = (op: OperationDef, ids: Fixture, osTypeId: string): Record<string, unknown> => {
  const bodies: Record<string, Record<string, unknown>> = {
    modifyBandwidthPackage: { name: 'stolen' },
    modifyBandwidthPackageBandwidth: { bandwidth: 60 },
    addBandwidthPackageIp: { elasticIpIds: [ids.elasticIpId] },
    removeBandwidthPackageIp: { elasticIpId: ids.elasticIpId },
    modifyElasticIpBandwidth: { bandwidth: 6 },
    modifyInstance: { name: 'stolen' },
    reinstallInstance: {
      instanceSpec: {
        az: AZ,
        imageType: 'standard',
        osTypeId,
        sysRaidTypeId: ids.sysRaidTypeId,
        dataRaidTypeId: ids.dataRaidTypeId,
        keepData: 'yes',
        password: 'Qm7$Zk9xTw',
      },
    },
    associateElasticIp: { elasticIpId: ids.elasticIpId },
    disassociateElasticIp: { elasticIpId: ids.elasticIpId },
    resetPassword: { password: 'Qm7$Zk9xTw' },
    modifySubnet: { name: 'stolen' },
    modifyVpc: { name: 'stolen' },
  };
  return bodies[op.name] ?? {};
};

describe('tenant isolation: a second account created with edcps accounts create sees nothing of the first', () => {
  let h: TestHarness;
  let other: Credentials;
  const ids: Fixture = {};
  let osTypeId = '';

  beforeAll(async () => {
    h = await createHarness();
    const put = async (path: string, body: unknown) =>
      resultOf(await h.call('PUT', `/regions/${REGION}${path}`, { body }));
    ids.vpcId = (
      await put('/vpcs', { vpcSpec: { name: 'owner-vpc', cidr: '192.168.0.0/16', description: '' } })
    ).vpcId as string;
    ids.subnetId = (
      await put('/subnets', {
        subnetSpec: { az: AZ, vpcId: ids.vpcId, cidr: '192.168.1.0/24', name: 'owner-sub', description: '' },
      })
    ).subnetId as string;
    ids.secondaryCidrId = (
      await put('/secondaryCidrs', {
        secondaryCidrSpec: { subnetId: ids.subnetId, cidr: '192.168.100.0/24', name: 'pods' },
      })
    ).secondaryCidrId as string;
    ids.keypairId = (await put('/keypairs', { name: 'owner-kp' })).keypairId as string;
    ids.elasticIpId = (
      (await put('/elasticIps', { elasticIpSpec: { bandwidth: 5, count: 1, charge: POSTPAID } }))
        .elasticIpIds as string[]
    )[0]!;
    ids.bandwidthPackageId = (
      (
        await put('/bandwidthPackages', {
          bandwidthPackageSpec: { name: 'owner-bwp', bandwidth: 50, count: 1, charge: POSTPAID },
        })
      ).bandwidthPackageIds as string[]
    )[0]!;
    osTypeId = resultOf<{ oss: { osTypeId: string }[] }>(
      await h.call('GET', `/regions/${REGION}/os`, { query: { deviceType: DEVICE_TYPE } }),
    ).oss[0]!.osTypeId;
    const raids = resultOf<{ raids: { raidTypeId: string; volumeType: string }[] }>(
      await h.call('GET', `/regions/${REGION}/raids`, { query: { deviceType: DEVICE_TYPE } }),
    ).raids;
    ids.sysRaidTypeId = raids.find((r) => r.volumeType === 'system')!.raidTypeId;
    ids.dataRaidTypeId = raids.find((r) => r.volumeType === 'data')!.raidTypeId;
    ids.instanceId = (
      (
        await put('/instances', {
          instanceSpec: {
            az: AZ,
            deviceType: DEVICE_TYPE,
            imageType: 'standard',
            osTypeId,
            sysRaidTypeId: raids.find((r) => r.volumeType === 'system')!.raidTypeId,
            dataRaidTypeId: raids.find((r) => r.volumeType === 'data')!.raidTypeId,
            networkType: 'vpc',
            subnetId: ids.subnetId,
            enableInternet: 'yes',
            bandwidth: 1,
            keypairId: ids.keypairId,
            name: 'owner-node',
            count: 1,
            charge: POSTPAID,
          },
        })
      ).instanceIds as string[]
    )[0]!;
    await settle(h.runtime.services.deps, { instanceId: ids.instanceId });
    ids.aliasIpId = (
      (await put('/aliasIps', {
        aliasIpSpec: {
          instanceId: ids.instanceId,
          aliasIps: [{ id: ids.secondaryCidrId, cidr: '192.168.100.16/28' }],
        },
      })) as { successList: { aliasIpId: string }[] }
    ).successList[0]!.aliasIpId;

    other = await cliJson<Credentials>(
      { EDCPS_DATABASE_URL: h.db.url, EDCPS_DATA_DIR: h.db.dataDir },
      'accounts',
      'create',
      'second-tenant',
    );
  });
  afterAll(() => h.close());

  it('covers every list, describe and delete operation of the API', () => {
    expect(PAGED_LISTS.map((o) => o.name).sort()).toEqual([
      'describeAliasIps',
      'describeBandwidthPackages',
      'describeElasticIps',
      'describeInstances',
      'describeKeypairs',
      'describeSubnets',
      'describeVpcs',
    ]);
    expect(DESCRIBES.length).toBeGreaterThanOrEqual(10);
    expect(DELETES.length).toBeGreaterThanOrEqual(8);
    expect(ACTIONS.length).toBeGreaterThanOrEqual(15);
  });

  for (const op of PAGED_LISTS) {
    it(`${op.name} lists the first account's resources to it and none to the second`, async () => {
      const mine = resultOf(await h.call('GET', pathOf(op, ids)));
      expect(mine.totalCount).toBeGreaterThan(0);
      const theirs = resultOf(await h.call('GET', pathOf(op, ids), { as: other }));
      const list = op.spec.resultFields.find((f) => f.type.endsWith('[]'))!.name;
      expect(theirs.totalCount).toBe(0);
      expect(theirs[list]).toEqual([]);
    });
  }

  for (const op of DESCRIBES) {
    it(`${op.name} answers the owner and 404 NOT_FOUND to the second account`, async () => {
      const query = queryOf(op, ids);
      expect((await h.call('GET', pathOf(op, ids), { query })).statusCode).toBe(200);
      const res = await h.call('GET', pathOf(op, ids), { query, as: other });
      expect(res.statusCode).toBe(404);
      expect(errorOf(res)).toMatchObject({ code: 404, status: 'NOT_FOUND' });
      // The message names the resource, never anything of its owner beyond the id asked for.
      expect(errorOf(res).message).toMatch(/ not found$/);
    });
  }

  it("describeSecondaryCidrs answers the second account about the first account's subnet as about one that never existed", async () => {
    const op = OPERATIONS.find((o) => o.name === 'describeSecondaryCidrs')!;
    const query = queryOf(op, ids);
    expect(resultOf(await h.call('GET', pathOf(op, ids), { query })).secondaryCidrs).toHaveLength(1);
    const res = await h.call('GET', pathOf(op, ids), { query, as: other });
    expect(errorOf(res)).toEqual({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: `invalid parameter subnetId: subnet ${ids.subnetId} not found`,
    });
    const never = 'subnet-' + 'x'.repeat(28);
    const unknown = await h.call('GET', pathOf(op, ids), { query: { subnetId: never }, as: other });
    expect(errorOf(unknown).message).toBe(`invalid parameter subnetId: subnet ${never} not found`);
  });

  /** Whether the owner still has the resource a delete names (by its describe, or its list). */
  async function ownerStillHas(op: OperationDef): Promise<boolean> {
    const describe = DESCRIBES.find((d) => d.spec.path === op.spec.path);
    if (describe) return (await h.call('GET', pathOf(describe, ids))).statusCode === 200;
    const lists: Record<string, () => Promise<string[]>> = {
      deleteAliasIp: async () =>
        resultOf<{ aliasIps: { aliasIpId: string }[] }>(
          await h.call('GET', `/regions/${REGION}/aliasIps`),
        ).aliasIps.map((a) => a.aliasIpId),
      deleteSecondaryCidr: async () =>
        resultOf<{ secondaryCidrs: { secondaryCidrId: string }[] }>(
          await h.call('GET', `/regions/${REGION}/secondaryCidrs`, { query: { subnetId: ids.subnetId! } }),
        ).secondaryCidrs.map((c) => c.secondaryCidrId),
    };
    const list = lists[op.name];
    if (!list) throw new Error(`no way to check ${op.name}: add a describe or list lookup`);
    return (await list()).includes(ids[resourceParams(op)[0]!]!);
  }

  for (const op of DELETES) {
    it(`${op.name} by the second account answers 404 NOT_FOUND and deletes nothing`, async () => {
      const res = await h.call('DELETE', pathOf(op, ids), { as: other });
      expect(res.statusCode).toBe(404);
      expect(errorOf(res).status).toBe('NOT_FOUND');
      expect(await ownerStillHas(op)).toBe(true);
    });
  }

  for (const op of ACTIONS) {
    it(`${op.name} by the second account on the first account's resource answers 404 NOT_FOUND`, async () => {
      const res = await h.call(op.spec.method, pathOf(op, ids), {
        body: actionBody(op, ids, osTypeId),
        as: other,
      });
      expect(res.statusCode).toBe(404);
      expect(errorOf(res).status).toBe('NOT_FOUND');
    });
  }

  it("leaves the first account's names as they were after the second account tried to modify them", async () => {
    const vpc = resultOf<{ vpc: { name: string } }>(
      await h.call('GET', `/regions/${REGION}/vpcs/${ids.vpcId}`),
    ).vpc;
    const inst = resultOf<{ instance: { name: string; status: string } }>(
      await h.call('GET', `/regions/${REGION}/instances/${ids.instanceId}`),
    ).instance;
    expect(vpc.name).toBe('owner-vpc');
    expect(inst).toMatchObject({ name: 'owner-node', status: 'running' });
  });
});
