import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AZ, REGION, type TestHarness, createHarness, errorOf, resultOf } from '../helpers/harness.js';
import { insertTestInstance, steppingClock } from './network-fixtures.js';

const SUBNETS = `/regions/${REGION}/subnets`;
const VPCS = `/regions/${REGION}/vpcs`;

interface Subnet {
  region: string;
  az: string;
  subnetId: string;
  name: string;
  cidr: string;
  vpcId: string;
  vpcName: string;
  availableIpCount: number;
  totalIpCount: number;
  networkType: string;
  description: string;
  createTime: string;
}

describe('subnet operations', () => {
  let h: TestHarness;
  let vpcId: string;
  beforeAll(async () => {
    h = await createHarness({ clock: steppingClock() });
    vpcId = resultOf<{ vpcId: string }>(
      await h.call('PUT', VPCS, {
        body: { vpcSpec: { name: 'main', cidr: '10.0.0.0/16', description: '' } },
      }),
    ).vpcId;
  });
  afterAll(() => h.close());

  const create = (spec: Record<string, unknown>, clientToken?: string) =>
    h.call('PUT', SUBNETS, {
      body: {
        subnetSpec: { az: AZ, vpcId, name: 'sub', description: '', ...spec },
        ...(clientToken ? { clientToken } : {}),
      },
    });
  const createOk = async (spec: Record<string, unknown>) =>
    resultOf<{ subnetId: string }>(await create(spec)).subnetId;
  const get = async (id: string) =>
    resultOf<{ subnet: Subnet }>(await h.call('GET', `${SUBNETS}/${id}`)).subnet;

  describe('createSubnet', () => {
    it('creates a subnet that describeSubnet returns with exact address counts', async () => {
      const subnetId = await createOk({ cidr: '10.0.0.0/24', name: 'web-1', description: 'web tier' });
      expect(subnetId).toMatch(/^subnet-[a-z0-9]{28}$/);
      expect(await get(subnetId)).toEqual({
        region: REGION,
        az: AZ,
        subnetId,
        name: 'web-1',
        cidr: '10.0.0.0/24',
        vpcId,
        vpcName: 'main',
        availableIpCount: 253,
        totalIpCount: 253,
        networkType: 'vpc',
        description: 'web tier',
        createTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      });
    });

    it('counts 13 usable addresses in a /28 (network, gateway and broadcast reserved)', async () => {
      const subnetId = await createOk({ cidr: '10.0.255.240/28' });
      expect(await get(subnetId)).toMatchObject({ totalIpCount: 13, availableIpCount: 13 });
    });

    it('creates the optional secondary CIDR with the subnet', async () => {
      const subnetId = await createOk({
        cidr: '10.0.2.0/24',
        secondaryCidr: '10.0.3.0/24',
        secondaryCidrName: 'extra',
      });
      const { secondaryCidrs } = resultOf<{ secondaryCidrs: { cidr: string; name: string }[] }>(
        await h.call('GET', `/regions/${REGION}/secondaryCidrs`, { query: { subnetId } }),
      );
      expect(secondaryCidrs).toMatchObject([{ cidr: '10.0.3.0/24', name: 'extra' }]);
    });

    it('accepts a subnet adjacent to another (boundaries touch but do not overlap)', async () => {
      await createOk({ cidr: '10.0.4.0/24' });
      await createOk({ cidr: '10.0.5.0/24' });
    });

    it('returns the first result for a repeated clientToken', async () => {
      const a = resultOf<{ subnetId: string }>(await create({ cidr: '10.0.6.0/24' }, 'tok-sub-1'));
      const b = resultOf<{ subnetId: string }>(await create({ cidr: '10.0.7.0/24' }, 'tok-sub-1'));
      expect(b.subnetId).toBe(a.subnetId);
      const list = resultOf<{ totalCount: number }>(
        await h.call('GET', SUBNETS, {
          query: { 'filters.1.name': 'subnetId', 'filters.1.values.1': a.subnetId },
        }),
      );
      expect(list.totalCount).toBe(1);
    });

    it('rejects a CIDR overlapping another subnet of the VPC with 409 ALREADY_EXISTS', async () => {
      const first = await createOk({ cidr: '10.0.8.0/23' });
      const res = await create({ cidr: '10.0.9.0/24' });
      expect(errorOf(res)).toEqual({
        code: 409,
        status: 'ALREADY_EXISTS',
        message: `subnetSpec.cidr 10.0.9.0/24 overlaps subnet ${first} (10.0.8.0/23)`,
      });
    });

    it('rejects a CIDR that would contain an existing subnet', async () => {
      const inner = await createOk({ cidr: '10.0.12.0/26' });
      const res = await create({ cidr: '10.0.12.0/22' });
      expect(errorOf(res)).toEqual({
        code: 409,
        status: 'ALREADY_EXISTS',
        message: `subnetSpec.cidr 10.0.12.0/22 overlaps subnet ${inner} (10.0.12.0/26)`,
      });
    });

    it("rejects a CIDR overlapping another subnet's secondary CIDR", async () => {
      const s = await createOk({ cidr: '10.0.16.0/24', secondaryCidr: '10.0.17.0/24' });
      const { secondaryCidrs } = resultOf<{ secondaryCidrs: { secondaryCidrId: string }[] }>(
        await h.call('GET', `/regions/${REGION}/secondaryCidrs`, { query: { subnetId: s } }),
      );
      const res = await create({ cidr: '10.0.17.128/25' });
      expect(errorOf(res)).toEqual({
        code: 409,
        status: 'ALREADY_EXISTS',
        message: `subnetSpec.cidr 10.0.17.128/25 overlaps secondary CIDR ${secondaryCidrs[0].secondaryCidrId} (10.0.17.0/24) of subnet ${s}`,
      });
    });

    it('allows the same CIDR in two different VPCs', async () => {
      const other = resultOf<{ vpcId: string }>(
        await h.call('PUT', VPCS, {
          body: { vpcSpec: { name: 'other', cidr: '10.0.0.0/16', description: '' } },
        }),
      ).vpcId;
      resultOf(
        await h.call('PUT', SUBNETS, {
          body: { subnetSpec: { az: AZ, vpcId: other, cidr: '10.0.0.0/24', name: 'x', description: '' } },
        }),
      );
    });

    const invalid: [string, Record<string, unknown>, string][] = [
      [
        'a CIDR outside the VPC',
        { cidr: '10.1.0.0/24' },
        'invalid parameter subnetSpec.cidr: 10.1.0.0/24 is not inside VPC {vpc} (10.0.0.0/16)',
      ],
      [
        'a CIDR larger than the VPC',
        { cidr: '10.0.0.0/15' },
        'invalid parameter subnetSpec.cidr: prefix length must be between 16 and 28',
      ],
      [
        'a /29',
        { cidr: '10.0.30.0/29' },
        'invalid parameter subnetSpec.cidr: prefix length must be between 16 and 28',
      ],
      [
        'a misaligned CIDR',
        { cidr: '10.0.30.8/24' },
        'invalid parameter subnetSpec.cidr: 10.0.30.8/24 is not aligned to its prefix length (the network address would be 10.0.30.0/24)',
      ],
      [
        'a public CIDR',
        { cidr: '11.0.0.0/24' },
        'invalid parameter subnetSpec.cidr: 11.0.0.0/24 must lie within 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16',
      ],
      [
        'an unknown AZ',
        { cidr: '10.0.30.0/24', az: 'cn-north-tj1a' },
        'invalid parameter subnetSpec.az: unknown availability zone "cn-north-tj1a" in region cn-east-tz1',
      ],
      [
        'an unknown VPC',
        { cidr: '10.0.30.0/24', vpcId: 'vpc-nope' },
        'invalid parameter subnetSpec.vpcId: vpc vpc-nope not found',
      ],
      [
        'a bad name',
        { cidr: '10.0.30.0/24', name: 'a.b' },
        "invalid parameter subnetSpec.name: must be 1-32 characters of Chinese characters, letters, digits, '_' or '-'",
      ],
      [
        'a long description',
        { cidr: '10.0.30.0/24', description: 'x'.repeat(257) },
        'invalid parameter subnetSpec.description: must not exceed 256 characters',
      ],
      [
        'a secondary CIDR overlapping the primary',
        { cidr: '10.0.30.0/24', secondaryCidr: '10.0.30.128/25' },
        'invalid parameter subnetSpec.secondaryCidr: 10.0.30.128/25 overlaps subnetSpec.cidr',
      ],
      [
        'a secondary CIDR outside the VPC',
        { cidr: '10.0.30.0/24', secondaryCidr: '192.168.0.0/24' },
        'invalid parameter subnetSpec.secondaryCidr: 192.168.0.0/24 is not inside VPC {vpc} (10.0.0.0/16)',
      ],
      [
        'a bad secondary CIDR name',
        { cidr: '10.0.30.0/24', secondaryCidr: '10.0.31.0/24', secondaryCidrName: 'no spaces' },
        "invalid parameter subnetSpec.secondaryCidrName: must be 1-32 characters of Chinese characters, letters, digits, '_' or '-'",
      ],
    ];
    for (const [what, spec, message] of invalid) {
      it(`rejects ${what} with 400 INVALID_ARGUMENT and creates nothing`, async () => {
        const before = resultOf<{ totalCount: number }>(await h.call('GET', SUBNETS)).totalCount;
        const res = await create(spec);
        expect(res.statusCode).toBe(400);
        expect(errorOf(res)).toEqual({
          code: 400,
          status: 'INVALID_ARGUMENT',
          message: message.replace('{vpc}', vpcId),
        });
        expect(resultOf<{ totalCount: number }>(await h.call('GET', SUBNETS)).totalCount).toBe(before);
      });
    }

    it('rejects a missing subnetSpec', async () => {
      expect(errorOf(await h.call('PUT', SUBNETS, { body: {} }))).toEqual({
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: 'missing required parameter subnetSpec',
      });
    });

    it('rejects a missing az naming it', async () => {
      const res = await h.call('PUT', SUBNETS, {
        body: { subnetSpec: { vpcId, cidr: '10.0.30.0/24', name: 'x', description: '' } },
      });
      expect(errorOf(res)).toEqual({
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: 'missing required parameter subnetSpec.az',
      });
    });
  });

  describe('describeSubnet', () => {
    it('answers 404 NOT_FOUND for an unknown subnet', async () => {
      expect(errorOf(await h.call('GET', `${SUBNETS}/subnet-nope`))).toEqual({
        code: 404,
        status: 'NOT_FOUND',
        message: 'subnet subnet-nope not found',
      });
    });

    it('counts every allocated address: availableIpCount drops by one per instance', async () => {
      const subnetId = await createOk({ cidr: '10.0.40.0/28' });
      const owner = await ownerOf(subnetId);
      await insertTestInstance(h, owner, { id: subnetId, vpcId, cidr: '10.0.40.0/28' });
      await insertTestInstance(h, owner, { id: subnetId, vpcId, cidr: '10.0.40.0/28' });
      expect(await get(subnetId)).toMatchObject({ totalIpCount: 13, availableIpCount: 11 });
    });
  });

  /** The account that owns a subnet (the harness's default account), read for test setup. */
  async function ownerOf(subnetId: string): Promise<string> {
    const r = await h.runtime.services.deps.store.db
      .selectFrom('subnets')
      .select('account_id')
      .where('id', '=', subnetId)
      .executeTakeFirstOrThrow();
    return r.account_id;
  }

  describe('describeSubnets', () => {
    let t: TestHarness;
    let v1: string;
    let v2: string;
    let ids: string[];
    beforeAll(async () => {
      t = await createHarness({ clock: steppingClock() });
      const mk = async (name: string, cidr: string) =>
        resultOf<{ vpcId: string }>(
          await t.call('PUT', VPCS, { body: { vpcSpec: { name, cidr, description: '' } } }),
        ).vpcId;
      v1 = await mk('one', '10.1.0.0/16');
      v2 = await mk('two', '10.2.0.0/16');
      ids = [];
      const specs: [string, string, string, string][] = [
        [v1, 'cn-east-tz1a', '10.1.1.0/24', 'app-a'],
        [v1, 'cn-east-tz1b', '10.1.2.0/24', 'app-b'],
        [v2, 'cn-east-tz1a', '10.2.1.0/24', 'db-a'],
        [v2, 'cn-east-tz1b', '10.2.2.0/24', 'APP-c'],
      ];
      for (const [vpc, az, cidr, name] of specs) {
        ids.push(
          resultOf<{ subnetId: string }>(
            await t.call('PUT', SUBNETS, {
              body: { subnetSpec: { az, vpcId: vpc, cidr, name, description: '' } },
            }),
          ).subnetId,
        );
      }
    });
    afterAll(() => t.close());

    const list = async (query: Record<string, string | number>) =>
      resultOf<{ subnets: Subnet[]; totalCount: number; pageNumber: number; pageSize: number }>(
        await t.call('GET', SUBNETS, { query }),
      );

    it('lists every subnet in creation order with VPC names', async () => {
      const r = await list({});
      expect(r.subnets.map((s) => s.subnetId)).toEqual(ids);
      expect(r.subnets.map((s) => s.vpcName)).toEqual(['one', 'one', 'two', 'two']);
      expect(r).toMatchObject({ totalCount: 4, pageNumber: 1, pageSize: 20 });
    });

    it('filters by az exactly', async () => {
      expect((await list({ az: 'cn-east-tz1b' })).subnets.map((s) => s.subnetId)).toEqual([ids[1], ids[3]]);
      expect((await list({ az: 'cn-east-tz1' })).totalCount).toBe(0);
    });

    it('filters by vpcId exactly', async () => {
      expect((await list({ vpcId: v2 })).subnets.map((s) => s.subnetId)).toEqual([ids[2], ids[3]]);
    });

    it('matches name as a case-insensitive substring', async () => {
      expect((await list({ name: 'app' })).subnets.map((s) => s.name)).toEqual(['app-a', 'app-b', 'APP-c']);
    });

    it('combines query filters and the subnetId filter with AND', async () => {
      const r = await list({
        vpcId: v1,
        'filters.1.name': 'subnetId',
        'filters.1.values.1': ids[1],
        'filters.1.values.2': ids[2],
      });
      expect(r.subnets.map((s) => s.subnetId)).toEqual([ids[1]]);
    });

    it('pages through the list', async () => {
      const r = await list({ pageNumber: 2, pageSize: 3 });
      expect(r.subnets.map((s) => s.subnetId)).toEqual([ids[3]]);
      expect(r).toMatchObject({ totalCount: 4, pageNumber: 2, pageSize: 3 });
    });

    it('rejects pageNumber 0 with OUT_OF_RANGE', async () => {
      expect(errorOf(await t.call('GET', SUBNETS, { query: { pageNumber: 0 } }))).toEqual({
        code: 400,
        status: 'OUT_OF_RANGE',
        message: 'parameter pageNumber out of range: must be an integer in [1, 1000000]',
      });
    });
  });

  describe('modifySubnet', () => {
    it('renames a subnet and clears its description', async () => {
      const subnetId = await createOk({ cidr: '10.0.50.0/24', name: 'old', description: 'd' });
      const { subnet } = resultOf<{ subnet: Subnet }>(
        await h.call('POST', `${SUBNETS}/${subnetId}`, { body: { name: '新名字', description: '' } }),
      );
      expect(subnet).toMatchObject({
        subnetId,
        name: '新名字',
        description: '',
        cidr: '10.0.50.0/24',
        totalIpCount: 253,
      });
    });

    it('rejects a bad name', async () => {
      const subnetId = await createOk({ cidr: '10.0.51.0/24' });
      expect(
        errorOf(await h.call('POST', `${SUBNETS}/${subnetId}`, { body: { name: 'x'.repeat(33) } })),
      ).toEqual({
        code: 400,
        status: 'INVALID_ARGUMENT',
        message:
          "invalid parameter name: must be 1-32 characters of Chinese characters, letters, digits, '_' or '-'",
      });
    });

    it('rejects a description over 256 characters and keeps the old one', async () => {
      const subnetId = await createOk({ cidr: '10.0.52.0/24', description: 'orig' });
      expect(
        errorOf(await h.call('POST', `${SUBNETS}/${subnetId}`, { body: { description: 'x'.repeat(257) } })),
      ).toEqual({
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: 'invalid parameter description: must not exceed 256 characters',
      });
      expect((await get(subnetId)).description).toBe('orig');
    });

    it('answers 404 NOT_FOUND for an unknown subnet', async () => {
      expect(errorOf(await h.call('POST', `${SUBNETS}/subnet-nope`, { body: { name: 'x' } }))).toEqual({
        code: 404,
        status: 'NOT_FOUND',
        message: 'subnet subnet-nope not found',
      });
    });
  });

  describe('deleteSubnet', () => {
    it('deletes an empty subnet and frees its CIDR for a new subnet', async () => {
      const subnetId = await createOk({ cidr: '10.0.60.0/24' });
      expect(resultOf(await h.call('DELETE', `${SUBNETS}/${subnetId}`))).toEqual({ success: true });
      expect(errorOf(await h.call('GET', `${SUBNETS}/${subnetId}`)).code).toBe(404);
      await createOk({ cidr: '10.0.60.0/24' });
    });

    it('refuses a subnet with an instance with 400 FAILED_PRECONDITION', async () => {
      const subnetId = await createOk({ cidr: '10.0.61.0/24' });
      await insertTestInstance(h, await ownerOf(subnetId), { id: subnetId, vpcId, cidr: '10.0.61.0/24' });
      expect(errorOf(await h.call('DELETE', `${SUBNETS}/${subnetId}`))).toEqual({
        code: 400,
        status: 'FAILED_PRECONDITION',
        message: `subnet ${subnetId} still has 1 instance(s)`,
      });
    });

    it('refuses a subnet with a secondary CIDR with 400 FAILED_PRECONDITION', async () => {
      const subnetId = await createOk({ cidr: '10.0.62.0/24', secondaryCidr: '10.0.63.0/24' });
      const { secondaryCidrs } = resultOf<{ secondaryCidrs: { secondaryCidrId: string }[] }>(
        await h.call('GET', `/regions/${REGION}/secondaryCidrs`, { query: { subnetId } }),
      );
      expect(errorOf(await h.call('DELETE', `${SUBNETS}/${subnetId}`))).toEqual({
        code: 400,
        status: 'FAILED_PRECONDITION',
        message: `subnet ${subnetId} still has secondary CIDR ${secondaryCidrs[0].secondaryCidrId} (10.0.63.0/24); delete it first`,
      });
    });

    it('answers 404 NOT_FOUND for an unknown subnet', async () => {
      expect(errorOf(await h.call('DELETE', `${SUBNETS}/subnet-nope`))).toEqual({
        code: 404,
        status: 'NOT_FOUND',
        message: 'subnet subnet-nope not found',
      });
    });

    it('answers a repeated clientToken with the first success', async () => {
      const subnetId = await createOk({ cidr: '10.0.64.0/24' });
      const q = { clientToken: 'del-sub-1' };
      expect(resultOf(await h.call('DELETE', `${SUBNETS}/${subnetId}`, { query: q }))).toEqual({
        success: true,
      });
      expect(resultOf(await h.call('DELETE', `${SUBNETS}/${subnetId}`, { query: q }))).toEqual({
        success: true,
      });
    });
  });

  describe('subnet tenancy', () => {
    it('hides a subnet from another account and refuses its VPC as a reference', async () => {
      const subnetId = await createOk({ cidr: '10.0.70.0/24' });
      const other = await h.newAccount();
      const as = { as: other };
      expect(errorOf(await h.call('GET', `${SUBNETS}/${subnetId}`, as))).toMatchObject({
        code: 404,
        status: 'NOT_FOUND',
      });
      expect(
        errorOf(await h.call('POST', `${SUBNETS}/${subnetId}`, { ...as, body: { name: 'x' } })).code,
      ).toBe(404);
      expect(errorOf(await h.call('DELETE', `${SUBNETS}/${subnetId}`, as)).code).toBe(404);
      expect(
        resultOf<{ totalCount: number }>(await h.call('GET', SUBNETS, { ...as, query: { vpcId } }))
          .totalCount,
      ).toBe(0);
      const res = await h.call('PUT', SUBNETS, {
        ...as,
        body: { subnetSpec: { az: AZ, vpcId, cidr: '10.0.71.0/24', name: 'x', description: '' } },
      });
      expect(errorOf(res)).toEqual({
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: `invalid parameter subnetSpec.vpcId: vpc ${vpcId} not found`,
      });
    });
  });
});
