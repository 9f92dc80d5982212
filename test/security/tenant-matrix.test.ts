import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS, type OperationDef } from '../../src/api/operations.js';
import { type ApiResponse, type Credentials, type TestHarness, createHarness } from '../helpers/harness.js';
import { type DbSnapshot, diffSnapshots, snapshotDb } from '../fuzz/support/db-snapshot.js';
import { type Known, seedResources } from '../fuzz/support/seed.js';

/**
 * The tenant matrix (issue 7, security): account B aims every operation at account A's
 * resources — A's ids in the path, in body references and in query filters — and must never see,
 * change or delete them. Path resources of another account are 404 NOT_FOUND (DESIGN §3), body
 * references that do not resolve for the caller are 400 INVALID_ARGUMENT naming the field, and
 * lists show only the caller's own resources. After every attempt the database is unchanged.
 */
const REGION = 'cn-east-tz1';
const BASE = `/regions/${REGION}`;

/** Path parameter → the wire name of the resource kind in NOT_FOUND messages. */
const ID_PARAMS = [
  'instanceId',
  'vpcId',
  'subnetId',
  'keypairId',
  'elasticIpId',
  'bandwidthPackageId',
  'secondaryCidrId',
  'aliasIpId',
] as const;

describe('tenant matrix', () => {
  let h: TestHarness;
  let b: Credentials & { accountId: string };
  let A: Known;
  let B: Known;
  let aIds: string[];

  beforeAll(async () => {
    h = await createHarness();
    b = await h.newAccount('tenant-b');
    for (const acct of ['default', b.accountId]) {
      await h.runtime.services.accounts.setQuota(acct, REGION, {
        instances: 50,
        elasticIps: 50,
        keypairs: 50,
      });
    }
    const seededA = await seedResources(h, h.runtime.catalog);
    const seededB = await seedResources(h, h.runtime.catalog, b);
    expect(seededA.skipped).toEqual({});
    expect(seededB.skipped).toEqual({});
    A = seededA.known;
    B = seededB.known;
    aIds = ID_PARAMS.flatMap((p) => A[p] ?? []);
    // Every kind of resource exists for both tenants, so no case below is vacuous.
    for (const p of ID_PARAMS) {
      expect(A[p]?.length, `A has a ${p}`).toBeGreaterThan(0);
      expect(B[p]?.length, `B has a ${p}`).toBeGreaterThan(0);
    }
  }, 120_000);
  afterAll(() => h.close());

  const a = (p: (typeof ID_PARAMS)[number]) => A[p][0];
  const bb = (p: (typeof ID_PARAMS)[number]) => B[p][0];

  /** What B sends, from which A's ids it may legitimately find echoed in an error message. */
  async function asB(
    method: string,
    path: string,
    o: { body?: unknown; query?: Record<string, string> } = {},
  ) {
    return h.call(method, path, { ...o, as: b });
  }

  /** A's ids in the answer that B did not send itself: a leak. */
  function leaked(res: ApiResponse, sent: string): string[] {
    return aIds.filter((id) => res.raw.body.includes(id) && !sent.includes(id));
  }

  async function unchanged(before: DbSnapshot) {
    expect(diffSnapshots(before, await snapshotDb(h.runtime.store))).toEqual([]);
  }

  function reinstallSpec(keypairId?: string) {
    return {
      az: A.az[0],
      imageType: 'standard',
      osTypeId: A.osTypeId[0],
      sysRaidTypeId: A.sysRaidTypeId[0],
      dataRaidTypeId: A.dataRaidTypeId[0],
      keepData: 'no',
      password: 'Rq8#mZ2vLk4x',
      ...(keypairId ? { keypairId } : {}),
    };
  }

  /** A valid body for B's request, so that only the resource lookup can refuse it. */
  function validBody(op: OperationDef): unknown {
    switch (op.name) {
      case 'modifyBandwidthPackage':
      case 'modifySubnet':
      case 'modifyVpc':
      case 'modifyInstance':
        return { name: 'renamed-by-b' };
      case 'modifyBandwidthPackageBandwidth':
        return { bandwidth: 20 };
      case 'modifyElasticIpBandwidth':
        return { bandwidth: 2 };
      case 'addBandwidthPackageIp':
        return { elasticIpIds: [bb('elasticIpId')] };
      case 'removeBandwidthPackageIp':
      case 'associateElasticIp':
      case 'disassociateElasticIp':
        return { elasticIpId: bb('elasticIpId') };
      case 'resetPassword':
        return { password: 'Rq8#mZ2vLk4x' };
      case 'reinstallInstance':
        return { instanceSpec: reinstallSpec() };
      default:
        return op.spec.method === 'PUT' || op.spec.method === 'POST' ? {} : undefined;
    }
  }

  const pathOps = OPERATIONS.filter((op) => op.handler && op.spec.pathParams.some((p) => p !== 'regionId'));

  describe('another account’s resource in the path is 404 NOT_FOUND and left untouched', () => {
    it('covers every implemented operation with a resource in its path', () => {
      expect(pathOps.length).toBeGreaterThanOrEqual(30);
    });

    for (const op of pathOps) {
      const param = op.spec.pathParams.find((p) => p !== 'regionId') as (typeof ID_PARAMS)[number];
      it(`${op.name}: B cannot reach A's ${param}`, async () => {
        const id = a(param);
        const path = op.spec.path.replace('/v1', '').replace('{regionId}', REGION).replace(`{${param}}`, id);
        const query = op.name === 'describeAvailablePrivateIp' ? { subnetId: bb('subnetId') } : undefined;
        const before = await snapshotDb(h.runtime.store);
        const res = await asB(op.spec.method, path, { body: validBody(op), query });
        expect(res.statusCode, JSON.stringify(res.body)).toBe(404);
        expect(res.body.error?.status).toBe('NOT_FOUND');
        expect(res.body.error?.message).toMatch(new RegExp(`${id} not found$`));
        expect(leaked(res, path)).toEqual([]);
        await unchanged(before);
        if (op.spec.method === 'GET') {
          // The same read as A works: the 404 is about tenancy, not a wrong id.
          const own = await h.call('GET', path, {
            query: op.name === 'describeAvailablePrivateIp' ? { subnetId: a('subnetId') } : undefined,
          });
          expect(own.statusCode, JSON.stringify(own.body)).toBe(200);
        }
      });
    }
  });

  describe('another account’s resource as a body reference is 400 INVALID_ARGUMENT naming the field', () => {
    const spec = () => ({
      az: A.az[0],
      deviceType: A.deviceType[0],
      imageType: 'standard',
      osTypeId: A.osTypeId[0],
      sysRaidTypeId: A.sysRaidTypeId[0],
      dataRaidTypeId: A.dataRaidTypeId[0],
      networkType: 'vpc',
      subnetId: bb('subnetId'),
      enableInternet: 'no',
      name: 'b-instance',
      password: 'Rq8#mZ2vLk4x',
      count: 1,
      charge: { chargeMode: 'postpaid_by_duration' },
    });
    /** `errorList`: the operation reports per-item failures in a 200 (createAliasIp, as JD). */
    const cases: {
      op: string;
      field: string;
      method: string;
      path: () => string;
      body: () => unknown;
      errorList?: true;
    }[] = [
      {
        op: 'createSubnet',
        field: 'subnetSpec.vpcId',
        method: 'PUT',
        path: () => `${BASE}/subnets`,
        body: () => ({
          subnetSpec: { az: A.az[0], vpcId: a('vpcId'), cidr: '10.0.200.0/24', name: 'b', description: '' },
        }),
      },
      {
        op: 'createInstances',
        field: 'instanceSpec.subnetId',
        method: 'PUT',
        path: () => `${BASE}/instances`,
        body: () => ({ instanceSpec: { ...spec(), subnetId: a('subnetId') } }),
      },
      {
        op: 'createInstances',
        field: 'instanceSpec.keypairId',
        method: 'PUT',
        path: () => `${BASE}/instances`,
        body: () => ({ instanceSpec: { ...spec(), keypairId: a('keypairId') } }),
      },
      {
        op: 'createInstances',
        field: 'instanceSpec.bandwidthPackageId',
        method: 'PUT',
        path: () => `${BASE}/instances`,
        body: () => ({
          instanceSpec: { ...spec(), enableInternet: 'yes', bandwidthPackageId: a('bandwidthPackageId') },
        }),
      },
      {
        op: 'createInstances',
        field: 'instanceSpec.extensionSubnetId',
        method: 'PUT',
        path: () => `${BASE}/instances`,
        body: () => ({
          instanceSpec: { ...spec(), interfaceMode: 'dual', extensionSubnetId: a('subnetId') },
        }),
      },
      {
        op: 'applyElasticIps',
        field: 'elasticIpSpec.bandwidthPackageId',
        method: 'PUT',
        path: () => `${BASE}/elasticIps`,
        body: () => ({
          elasticIpSpec: {
            bandwidth: 1,
            count: 1,
            bandwidthPackageId: a('bandwidthPackageId'),
            charge: { chargeMode: 'postpaid_by_duration' },
          },
        }),
      },
      {
        op: 'createSecondaryCidr',
        field: 'secondaryCidrSpec.subnetId',
        method: 'PUT',
        path: () => `${BASE}/secondaryCidrs`,
        body: () => ({ secondaryCidrSpec: { subnetId: a('subnetId'), cidr: '10.0.9.0/24', name: 'b' } }),
      },
      {
        op: 'createAliasIp',
        field: 'aliasIpSpec.instanceId',
        method: 'PUT',
        path: () => `${BASE}/aliasIps`,
        body: () => ({
          aliasIpSpec: {
            instanceId: a('instanceId'),
            aliasIps: [{ id: bb('secondaryCidrId'), cidr: '10.0.8.32/28' }],
          },
        }),
      },
      {
        op: 'createAliasIp',
        field: 'aliasIpSpec.aliasIps[0].id',
        errorList: true,
        method: 'PUT',
        path: () => `${BASE}/aliasIps`,
        body: () => ({
          aliasIpSpec: {
            instanceId: bb('instanceId'),
            aliasIps: [{ id: a('secondaryCidrId'), cidr: '10.0.8.32/28' }],
          },
        }),
      },
      {
        op: 'associateElasticIp',
        field: 'elasticIpId',
        method: 'PUT',
        path: () => `${BASE}/instances/${bb('instanceId')}:associateElasticIp`,
        body: () => ({ elasticIpId: a('elasticIpId') }),
      },
      {
        op: 'disassociateElasticIp',
        field: 'elasticIpId',
        method: 'PUT',
        path: () => `${BASE}/instances/${bb('instanceId')}:disassociateElasticIp`,
        body: () => ({ elasticIpId: a('elasticIpId') }),
      },
      {
        op: 'addBandwidthPackageIp',
        field: 'elasticIpIds',
        method: 'PUT',
        path: () => `${BASE}/bandwidthPackages/${bb('bandwidthPackageId')}:addBandwidthPackageIp`,
        body: () => ({ elasticIpIds: [a('elasticIpId')] }),
      },
      {
        op: 'removeBandwidthPackageIp',
        field: 'elasticIpId',
        method: 'PUT',
        path: () => `${BASE}/bandwidthPackages/${bb('bandwidthPackageId')}:removeBandwidthPackageIp`,
        body: () => ({ elasticIpId: a('elasticIpId') }),
      },
      {
        op: 'reinstallInstance',
        field: 'instanceSpec.keypairId',
        method: 'PUT',
        // B's second instance is the stopped one (seedResources).
        path: () => `${BASE}/instances/${B.instanceId[1]}:reinstallInstance`,
        body: () => ({ instanceSpec: reinstallSpec(a('keypairId')) }),
      },
    ];

    for (const c of cases) {
      it(`${c.op}: B cannot use A's ${c.field}`, async () => {
        const body = c.body();
        const before = await snapshotDb(h.runtime.store);
        const res = await asB(c.method, c.path(), { body });
        if (c.errorList) {
          expect(res.statusCode).toBe(200);
          expect(res.body.result?.successList).toEqual([]);
          const errors = res.body.result?.errorList as { message: string }[];
          expect(errors).toHaveLength(1);
          expect(errors[0].message).toMatch(
            new RegExp(`^invalid parameter ${c.field.replace(/[.[\]]/g, '\\$&')}:`),
          );
        } else {
          expect(res.statusCode, JSON.stringify(res.body)).toBe(400);
          expect(res.body.error?.status).toBe('INVALID_ARGUMENT');
          expect(res.body.error?.message).toContain(`invalid parameter ${c.field}`);
        }
        expect(leaked(res, JSON.stringify(body) + c.path())).toEqual([]);
        await unchanged(before);
      });
    }
  });

  describe('lists and query references show only the caller’s own resources', () => {
    const lists: { op: string; path: string; key: string; own: (typeof ID_PARAMS)[number] }[] = [
      { op: 'describeInstances', path: `${BASE}/instances`, key: 'instances', own: 'instanceId' },
      { op: 'describeVpcs', path: `${BASE}/vpcs`, key: 'vpcs', own: 'vpcId' },
      { op: 'describeSubnets', path: `${BASE}/subnets`, key: 'subnets', own: 'subnetId' },
      { op: 'describeKeypairs', path: `${BASE}/keypairs`, key: 'keypairs', own: 'keypairId' },
      { op: 'describeElasticIps', path: `${BASE}/elasticIps`, key: 'elasticIps', own: 'elasticIpId' },
      {
        op: 'describeBandwidthPackages',
        path: `${BASE}/bandwidthPackages`,
        key: 'bandwidthPackages',
        own: 'bandwidthPackageId',
      },
      { op: 'describeAliasIps', path: `${BASE}/aliasIps`, key: 'aliasIps', own: 'aliasIpId' },
    ];

    for (const l of lists) {
      it(`${l.op}: B sees its own and none of A's`, async () => {
        const before = await snapshotDb(h.runtime.store);
        const res = await asB('GET', l.path, { query: { pageSize: '100' } });
        expect(res.statusCode).toBe(200);
        expect(leaked(res, '')).toEqual([]);
        expect(res.raw.body).toContain(bb(l.own));
        expect(res.body.result?.totalCount).toBe((res.body.result?.[l.key] as unknown[]).length);
        await unchanged(before);
      });

      const filter = OPERATIONS.find((o) => o.name === l.op)?.filterNames[0];
      if (filter) {
        it(`${l.op}: B filtering by A's ${filter} gets an empty page`, async () => {
          const res = await asB('GET', l.path, {
            query: { 'filters.1.name': filter, 'filters.1.values.1': a(l.own) },
          });
          expect(res.statusCode).toBe(200);
          expect(res.body.result?.[l.key]).toEqual([]);
          expect(res.body.result?.totalCount).toBe(0);
        });
      }
    }

    const queryRefs: {
      op: string;
      param: string;
      path: () => string;
      query: () => Record<string, string>;
    }[] = [
      {
        op: 'describeInstances',
        path: () => `${BASE}/instances`,
        param: 'subnetId',
        query: () => ({ subnetId: a('subnetId') }),
      },
      {
        op: 'describeInstances',
        path: () => `${BASE}/instances`,
        param: 'keypairId',
        query: () => ({ keypairId: a('keypairId') }),
      },
      {
        op: 'describeSubnets',
        path: () => `${BASE}/subnets`,
        param: 'vpcId',
        query: () => ({ vpcId: a('vpcId') }),
      },
      {
        op: 'describeElasticIps',
        path: () => `${BASE}/elasticIps`,
        param: 'instanceId',
        query: () => ({ instanceId: a('instanceId') }),
      },
      {
        op: 'describeAliasIps',
        path: () => `${BASE}/aliasIps`,
        param: 'instanceId',
        query: () => ({ instanceId: a('instanceId') }),
      },
      {
        op: 'describeAliasIps',
        path: () => `${BASE}/aliasIps`,
        param: 'subnetId',
        query: () => ({ subnetId: a('subnetId') }),
      },
      {
        op: 'describeSecondaryCidrs',
        path: () => `${BASE}/secondaryCidrs`,
        param: 'subnetId',
        query: () => ({ subnetId: a('subnetId') }),
      },
      {
        op: 'describeAvailablePrivateIp',
        path: () => `${BASE}/instances/${bb('instanceId')}/availablePrivateIps`,
        param: 'subnetId',
        query: () => ({ subnetId: a('subnetId') }),
      },
    ];
    for (const q of queryRefs) {
      it(`${q.op}: B passing A's ${q.param} learns nothing about it`, async () => {
        const query = q.query();
        const res = await asB('GET', q.path(), { query });
        // Either an empty answer or a refusal; never A's data.
        if (res.statusCode === 200) {
          const lists = Object.values(res.body.result ?? {}).filter(Array.isArray);
          expect(lists.every((x) => x.length === 0)).toBe(true);
        } else {
          expect([400, 404]).toContain(res.statusCode);
        }
        expect(leaked(res, JSON.stringify(query))).toEqual([]);
      });
    }
  });

  it('leaves every one of A’s resources in place and unchanged after all of it', async () => {
    for (const id of A.instanceId) {
      const res = await h.call('GET', `${BASE}/instances/${id}`);
      expect(res.statusCode).toBe(200);
      expect((res.body.result?.instance as { name: string }).name).toBe('fuzz-instance');
    }
    const vpc = await h.call('GET', `${BASE}/vpcs/${a('vpcId')}`);
    expect((vpc.body.result?.vpc as { name: string }).name).toBe('fuzz-vpc');
  });
});
