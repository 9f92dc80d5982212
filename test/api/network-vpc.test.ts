import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGION, type TestHarness, createHarness, errorOf, resultOf } from '../helpers/harness.js';
import { steppingClock } from './network-fixtures.js';

const VPCS = `/regions/${REGION}/vpcs`;

interface Vpc {
  region: string;
  vpcId: string;
  name: string;
  cidr: string;
  description: string;
  createTime: string;
}

describe('VPC operations', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createHarness({ clock: steppingClock() });
  });
  afterAll(() => h.close());

  const create = async (vpcSpec: Record<string, unknown>, clientToken?: string) =>
    h.call('PUT', VPCS, { body: { vpcSpec, ...(clientToken ? { clientToken } : {}) } });
  const createOk = async (name: string, cidr = '10.1.0.0/16', description = '') =>
    resultOf<{ vpcId: string }>(await create({ name, cidr, description })).vpcId;

  describe('createVpc', () => {
    it('creates a VPC that describeVpc returns with every field', async () => {
      const vpcId = await createOk('web', '192.168.0.0/16', 'front end');
      expect(vpcId).toMatch(/^vpc-[a-z0-9]{28}$/);
      const { vpc } = resultOf<{ vpc: Vpc }>(await h.call('GET', `${VPCS}/${vpcId}`));
      expect(vpc).toEqual({
        region: REGION,
        vpcId,
        name: 'web',
        cidr: '192.168.0.0/16',
        description: 'front end',
        createTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      });
    });

    it('accepts an empty description although the SDK marks it required', async () => {
      const vpcId = await createOk('empty-desc', '10.2.0.0/16', '');
      const { vpc } = resultOf<{ vpc: Vpc }>(await h.call('GET', `${VPCS}/${vpcId}`));
      expect(vpc.description).toBe('');
    });

    it('accepts Chinese names, the /16 and /28 prefix bounds, and 172.16.0.0/12 ranges', async () => {
      await createOk('生产网络_1', '172.31.0.0/16');
      await createOk('tiny', '172.16.255.240/28');
    });

    it('returns the first result for a repeated clientToken without creating another VPC', async () => {
      const first = resultOf<{ vpcId: string }>(
        await create({ name: 'idem', cidr: '10.3.0.0/16', description: '' }, 'tok-vpc-1'),
      );
      const again = resultOf<{ vpcId: string }>(
        await create({ name: 'other', cidr: '10.4.0.0/16', description: '' }, 'tok-vpc-1'),
      );
      expect(again.vpcId).toBe(first.vpcId);
      const list = resultOf<{ vpcs: Vpc[] }>(await h.call('GET', VPCS, { query: { name: 'other' } }));
      expect(list.vpcs).toHaveLength(0);
    });

    const invalid: [string, Record<string, unknown>, string][] = [
      [
        'a public range',
        { cidr: '8.8.0.0/16' },
        'invalid parameter vpcSpec.cidr: 8.8.0.0/16 must lie within 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16',
      ],
      [
        'a range straddling 172.16.0.0/12',
        { cidr: '172.0.0.0/8' },
        'invalid parameter vpcSpec.cidr: 172.0.0.0/8 must lie within 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16',
      ],
      [
        'a prefix shorter than /16',
        { cidr: '10.0.0.0/15' },
        'invalid parameter vpcSpec.cidr: prefix length must be between 16 and 28',
      ],
      [
        'a prefix longer than /28',
        { cidr: '10.0.0.0/29' },
        'invalid parameter vpcSpec.cidr: prefix length must be between 16 and 28',
      ],
      [
        'a misaligned range',
        { cidr: '10.0.0.1/16' },
        'invalid parameter vpcSpec.cidr: 10.0.0.1/16 is not aligned to its prefix length (the network address would be 10.0.0.0/16)',
      ],
      [
        'a malformed CIDR',
        { cidr: '10.0.0/16' },
        'invalid parameter vpcSpec.cidr: "10.0.0/16" is not an IPv4 CIDR such as 10.0.0.0/16',
      ],
      [
        'a name with a space',
        { name: 'my vpc' },
        "invalid parameter vpcSpec.name: must be 1-32 characters of Chinese characters, letters, digits, '_' or '-'",
      ],
      [
        'a 33-character name',
        { name: 'a'.repeat(33) },
        "invalid parameter vpcSpec.name: must be 1-32 characters of Chinese characters, letters, digits, '_' or '-'",
      ],
      ['an empty name', { name: '' }, 'missing required parameter vpcSpec.name'],
      [
        'a 257-character description',
        { description: 'd'.repeat(257) },
        'invalid parameter vpcSpec.description: must not exceed 256 characters',
      ],
    ];
    for (const [what, patch, message] of invalid) {
      it(`rejects ${what} with 400 INVALID_ARGUMENT`, async () => {
        const res = await create({ name: 'bad', cidr: '10.9.0.0/16', description: '', ...patch });
        expect(res.statusCode).toBe(400);
        expect(errorOf(res)).toEqual({ code: 400, status: 'INVALID_ARGUMENT', message });
      });
    }

    it('rejects a missing vpcSpec', async () => {
      const res = await h.call('PUT', VPCS, { body: {} });
      expect(errorOf(res)).toEqual({
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: 'missing required parameter vpcSpec',
      });
    });

    it('rejects an absent description (required by the SDK models; "" is the way to leave it empty)', async () => {
      const res = await create({ name: 'x', cidr: '10.9.0.0/16' });
      expect(errorOf(res)).toEqual({
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: 'missing required parameter vpcSpec.description',
      });
    });

    it('rejects a missing cidr', async () => {
      const res = await create({ name: 'x', description: '' });
      expect(errorOf(res)).toEqual({
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: 'missing required parameter vpcSpec.cidr',
      });
    });

    it('creates nothing when the request is rejected', async () => {
      const before = resultOf<{ totalCount: number }>(await h.call('GET', VPCS)).totalCount;
      await create({ name: 'bad', cidr: '8.8.8.0/24', description: '' });
      expect(resultOf<{ totalCount: number }>(await h.call('GET', VPCS)).totalCount).toBe(before);
    });
  });

  describe('describeVpc', () => {
    it('answers 404 NOT_FOUND for an unknown VPC', async () => {
      const res = await h.call('GET', `${VPCS}/vpc-nope`);
      expect(errorOf(res)).toEqual({ code: 404, status: 'NOT_FOUND', message: 'vpc vpc-nope not found' });
    });
  });

  describe('describeVpcs', () => {
    let t: TestHarness;
    let ids: string[];
    beforeAll(async () => {
      t = await createHarness({ clock: steppingClock() });
      ids = [];
      for (const [i, name] of ['alpha', 'Beta', 'gamma_net', 'delta', 'alphabet'].entries()) {
        ids.push(
          resultOf<{ vpcId: string }>(
            await t.call('PUT', VPCS, {
              body: { vpcSpec: { name, cidr: `10.${i}.0.0/16`, description: '' } },
            }),
          ).vpcId,
        );
      }
    });
    afterAll(() => t.close());

    it('lists in creation order with paging and the total count', async () => {
      const p1 = resultOf<{ vpcs: Vpc[]; pageNumber: number; pageSize: number; totalCount: number }>(
        await t.call('GET', VPCS, { query: { pageNumber: 1, pageSize: 2 } }),
      );
      const p3 = resultOf<{ vpcs: Vpc[]; totalCount: number }>(
        await t.call('GET', VPCS, { query: { pageNumber: 3, pageSize: 2 } }),
      );
      expect(p1).toMatchObject({ pageNumber: 1, pageSize: 2, totalCount: 5 });
      expect(p1.vpcs.map((v) => v.vpcId)).toEqual(ids.slice(0, 2));
      expect(p3.vpcs.map((v) => v.vpcId)).toEqual(ids.slice(4));
    });

    it('defaults to page 1 of 20', async () => {
      expect(resultOf(await t.call('GET', VPCS))).toMatchObject({
        pageNumber: 1,
        pageSize: 20,
        totalCount: 5,
      });
    });

    it('matches name as a case-insensitive substring', async () => {
      const r = resultOf<{ vpcs: Vpc[] }>(await t.call('GET', VPCS, { query: { name: 'ALPHA' } }));
      expect(r.vpcs.map((v) => v.name)).toEqual(['alpha', 'alphabet']);
    });

    it('takes name wildcards literally', async () => {
      const r = resultOf<{ vpcs: Vpc[] }>(await t.call('GET', VPCS, { query: { name: 'a_n' } }));
      expect(r.vpcs.map((v) => v.name)).toEqual(['gamma_net']);
      const none = resultOf<{ totalCount: number }>(await t.call('GET', VPCS, { query: { name: '%' } }));
      expect(none.totalCount).toBe(0);
    });

    it('filters by vpcId with several values OR-ed', async () => {
      const r = resultOf<{ vpcs: Vpc[]; totalCount: number }>(
        await t.call('GET', VPCS, {
          query: { 'filters.1.name': 'vpcId', 'filters.1.values.1': ids[3], 'filters.1.values.2': ids[1] },
        }),
      );
      expect(r.vpcs.map((v) => v.vpcId)).toEqual([ids[1], ids[3]]);
      expect(r.totalCount).toBe(2);
    });

    it('rejects an unknown filter name', async () => {
      const res = await t.call('GET', VPCS, {
        query: { 'filters.1.name': 'cidr', 'filters.1.values.1': 'x' },
      });
      expect(errorOf(res)).toEqual({
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: 'invalid parameter filters.1.name: unknown filter "cidr"; supported: vpcId',
      });
    });

    it('rejects pageSize 101 with OUT_OF_RANGE', async () => {
      const res = await t.call('GET', VPCS, { query: { pageSize: 101 } });
      expect(errorOf(res)).toEqual({
        code: 400,
        status: 'OUT_OF_RANGE',
        message: 'parameter pageSize out of range: must be an integer in [1, 100]',
      });
    });
  });

  describe('modifyVpc', () => {
    it('changes the name and keeps the description when it is absent', async () => {
      const vpcId = await createOk('before', '10.5.0.0/16', 'kept');
      const { vpc } = resultOf<{ vpc: Vpc }>(
        await h.call('POST', `${VPCS}/${vpcId}`, { body: { name: 'after' } }),
      );
      expect(vpc).toMatchObject({ vpcId, name: 'after', description: 'kept', cidr: '10.5.0.0/16' });
    });

    it('clears the description with an empty string', async () => {
      const vpcId = await createOk('clear', '10.6.0.0/16', 'gone soon');
      const { vpc } = resultOf<{ vpc: Vpc }>(
        await h.call('POST', `${VPCS}/${vpcId}`, { body: { description: '' } }),
      );
      expect(vpc).toMatchObject({ name: 'clear', description: '' });
    });

    it('rejects an empty name', async () => {
      const vpcId = await createOk('keepname', '10.7.0.0/16');
      const res = await h.call('POST', `${VPCS}/${vpcId}`, { body: { name: '' } });
      expect(errorOf(res)).toEqual({
        code: 400,
        status: 'INVALID_ARGUMENT',
        message:
          "invalid parameter name: must be 1-32 characters of Chinese characters, letters, digits, '_' or '-'",
      });
    });

    it('rejects a description over 256 characters and changes nothing', async () => {
      const vpcId = await createOk('longdesc', '10.8.0.0/16', 'orig');
      const res = await h.call('POST', `${VPCS}/${vpcId}`, {
        body: { name: 'changed', description: 'x'.repeat(257) },
      });
      expect(errorOf(res)).toEqual({
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: 'invalid parameter description: must not exceed 256 characters',
      });
      const { vpc } = resultOf<{ vpc: Vpc }>(await h.call('GET', `${VPCS}/${vpcId}`));
      expect(vpc).toMatchObject({ name: 'longdesc', description: 'orig' });
    });

    it('answers 404 NOT_FOUND for an unknown VPC', async () => {
      const res = await h.call('POST', `${VPCS}/vpc-nope`, { body: { name: 'x' } });
      expect(errorOf(res)).toEqual({ code: 404, status: 'NOT_FOUND', message: 'vpc vpc-nope not found' });
    });
  });

  describe('deleteVpc', () => {
    it('deletes an empty VPC, which is then 404', async () => {
      const vpcId = await createOk('doomed', '10.10.0.0/16');
      expect(resultOf(await h.call('DELETE', `${VPCS}/${vpcId}`))).toEqual({ success: true });
      expect(errorOf(await h.call('GET', `${VPCS}/${vpcId}`)).code).toBe(404);
    });

    it('refuses a VPC that still has a subnet with 400 FAILED_PRECONDITION', async () => {
      const vpcId = await createOk('busy', '10.11.0.0/16');
      resultOf(
        await h.call('PUT', `/regions/${REGION}/subnets`, {
          body: {
            subnetSpec: { az: 'cn-east-tz1a', vpcId, cidr: '10.11.0.0/24', name: 's', description: '' },
          },
        }),
      );
      const res = await h.call('DELETE', `${VPCS}/${vpcId}`);
      expect(errorOf(res)).toEqual({
        code: 400,
        status: 'FAILED_PRECONDITION',
        message: `vpc ${vpcId} still has 1 subnet(s); delete them first`,
      });
    });

    it('answers a repeated clientToken with the first success after the VPC is gone', async () => {
      const vpcId = await createOk('twice', '10.12.0.0/16');
      const q = { clientToken: 'del-vpc-1' };
      expect(resultOf(await h.call('DELETE', `${VPCS}/${vpcId}`, { query: q }))).toEqual({ success: true });
      expect(resultOf(await h.call('DELETE', `${VPCS}/${vpcId}`, { query: q }))).toEqual({ success: true });
      expect(errorOf(await h.call('DELETE', `${VPCS}/${vpcId}`)).code).toBe(404);
    });

    it('answers 404 NOT_FOUND for an unknown VPC', async () => {
      const res = await h.call('DELETE', `${VPCS}/vpc-nope`);
      expect(errorOf(res)).toEqual({ code: 404, status: 'NOT_FOUND', message: 'vpc vpc-nope not found' });
    });
  });

  describe('VPC tenancy', () => {
    it('keeps a VPC in its region: another region of the same account answers 404', async () => {
      const vpcId = await createOk('regional', '10.14.0.0/16');
      const res = await h.call('GET', `/regions/cn-north-tj1/vpcs/${vpcId}`);
      expect(errorOf(res)).toEqual({ code: 404, status: 'NOT_FOUND', message: `vpc ${vpcId} not found` });
      const list = resultOf<{ totalCount: number }>(await h.call('GET', '/regions/cn-north-tj1/vpcs'));
      expect(list.totalCount).toBe(0);
    });

    it('hides one account’s VPC from another: 404 on describe, modify, delete; absent from lists', async () => {
      const vpcId = await createOk('mine', '10.13.0.0/16');
      const other = await h.newAccount();
      const as = { as: other };
      expect(errorOf(await h.call('GET', `${VPCS}/${vpcId}`, as))).toMatchObject({
        code: 404,
        status: 'NOT_FOUND',
      });
      expect(errorOf(await h.call('POST', `${VPCS}/${vpcId}`, { ...as, body: { name: 'x' } })).code).toBe(
        404,
      );
      expect(errorOf(await h.call('DELETE', `${VPCS}/${vpcId}`, as)).code).toBe(404);
      const list = resultOf<{ vpcs: Vpc[]; totalCount: number }>(
        await h.call('GET', VPCS, {
          ...as,
          query: { 'filters.1.name': 'vpcId', 'filters.1.values.1': vpcId },
        }),
      );
      expect(list).toMatchObject({ vpcs: [], totalCount: 0 });
      expect(resultOf<{ totalCount: number }>(await h.call('GET', VPCS, as)).totalCount).toBe(0);
    });
  });
});
