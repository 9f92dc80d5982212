import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AZ, REGION, type TestHarness, createHarness, errorOf, resultOf } from '../helpers/harness.js';
import { insertTestInstance, steppingClock } from './network-fixtures.js';

const ALIAS = `/regions/${REGION}/aliasIps`;

interface AliasIp {
  region: string;
  az: string;
  instanceId: string;
  subnetId: string;
  secondaryCidrId: string;
  aliasIpId: string;
  cidr: string;
  isBondEip: boolean;
}
interface CreateResult {
  successList: { aliasIpId: string; cidr: string }[];
  errorList: { cidr: string; message: string }[];
}

describe('alias IP operations', () => {
  let h: TestHarness;
  let accountId: string;
  let vpcId: string;
  let subnetId: string;
  let secondaryCidrId: string;
  let instanceId: string;
  let privateIp: string;

  beforeAll(async () => {
    h = await createHarness({ clock: steppingClock() });
    vpcId = resultOf<{ vpcId: string }>(
      await h.call('PUT', `/regions/${REGION}/vpcs`, {
        body: { vpcSpec: { name: 'alias-net', cidr: '10.0.0.0/16', description: '' } },
      }),
    ).vpcId;
    subnetId = resultOf<{ subnetId: string }>(
      await h.call('PUT', `/regions/${REGION}/subnets`, {
        body: {
          subnetSpec: {
            az: AZ,
            vpcId,
            cidr: '10.0.0.0/24',
            secondaryCidr: '10.0.100.0/24',
            name: 's',
            description: '',
          },
        },
      }),
    ).subnetId;
    secondaryCidrId = resultOf<{ secondaryCidrs: { secondaryCidrId: string }[] }>(
      await h.call('GET', `/regions/${REGION}/secondaryCidrs`, { query: { subnetId } }),
    ).secondaryCidrs[0].secondaryCidrId;
    accountId = (
      await h.runtime.services.deps.store.db
        .selectFrom('vpcs')
        .select('account_id')
        .where('id', '=', vpcId)
        .executeTakeFirstOrThrow()
    ).account_id;
    ({ instanceId, privateIp } = await insertTestInstance(h, accountId, {
      id: subnetId,
      vpcId,
      cidr: '10.0.0.0/24',
    }));
  });
  afterAll(() => h.close());

  const create = (aliasIps: { id?: string; cidr?: string }[], inst = instanceId, clientToken?: string) =>
    h.call('PUT', ALIAS, {
      body: { aliasIpSpec: { instanceId: inst, aliasIps }, ...(clientToken ? { clientToken } : {}) },
    });
  const createOk = async (aliasIps: { id?: string; cidr?: string }[], inst = instanceId) =>
    resultOf<CreateResult>(await create(aliasIps, inst));
  const list = async (query: Record<string, string | number> = {}) =>
    resultOf<{ aliasIps: AliasIp[]; totalCount: number; pageNumber: number; pageSize: number }>(
      await h.call('GET', ALIAS, { query }),
    );

  describe('createAliasIp', () => {
    it('creates ranges from the primary and the secondary CIDR, listed with every field', async () => {
      const r = await createOk([
        { id: subnetId, cidr: '10.0.0.16/28' },
        { id: secondaryCidrId, cidr: '10.0.100.32/27' },
      ]);
      expect(r.errorList).toEqual([]);
      expect(r.successList.map((s) => s.cidr)).toEqual(['10.0.0.16/28', '10.0.100.32/27']);
      const { aliasIps } = await list({
        'filters.1.name': 'aliasIpId',
        'filters.1.values.1': r.successList[1].aliasIpId,
      });
      expect(aliasIps).toEqual([
        {
          region: REGION,
          az: AZ,
          instanceId,
          subnetId,
          secondaryCidrId,
          aliasIpId: r.successList[1].aliasIpId,
          cidr: '10.0.100.32/27',
          isBondEip: false,
        },
      ]);
      const primary = await list({
        'filters.1.name': 'aliasIpId',
        'filters.1.values.1': r.successList[0].aliasIpId,
      });
      expect(primary.aliasIps[0]).toMatchObject({ subnetId, secondaryCidrId: '', cidr: '10.0.0.16/28' });
    });

    it('reduces the available address counts of the subnet and the secondary CIDR exactly', async () => {
      const { subnet } = resultOf<{ subnet: { availableIpCount: number; totalIpCount: number } }>(
        await h.call('GET', `/regions/${REGION}/subnets/${subnetId}`),
      );
      // 253 usable − 1 instance address − 16 (10.0.0.16/28) − anything later tests added.
      const held = await list({ subnetId });
      const primaryAlias = held.aliasIps
        .filter((a) => a.secondaryCidrId === '')
        .reduce((n, a) => n + 2 ** (32 - Number(a.cidr.split('/')[1])), 0);
      expect(subnet.availableIpCount).toBe(253 - 1 - primaryAlias);
    });

    it('infers the pool from the CIDR when id is omitted', async () => {
      const r = await createOk([{ cidr: '10.0.100.64/30' }]);
      expect(r.errorList).toEqual([]);
      const { aliasIps } = await list({
        'filters.1.name': 'aliasIpId',
        'filters.1.values.1': r.successList[0].aliasIpId,
      });
      expect(aliasIps[0].secondaryCidrId).toBe(secondaryCidrId);
    });

    it('accepts a single address (/32)', async () => {
      const r = await createOk([{ id: subnetId, cidr: '10.0.0.200/32' }]);
      expect(r.successList).toHaveLength(1);
    });

    it('reports each bad range in errorList and still creates the good ones', async () => {
      const r = await createOk([
        { id: subnetId, cidr: '10.0.0.48/28' },
        { id: subnetId, cidr: '10.0.0.33/28' },
        { id: subnetId, cidr: 'ten/8' },
        { id: subnetId, cidr: '10.0.1.0/28' },
        { id: subnetId, cidr: '10.0.0.0/28' },
        { id: subnetId, cidr: '10.0.0.240/28' },
        { id: subnetId, cidr: `${privateIp}/32` },
        { id: subnetId, cidr: '10.0.0.48/29' },
        { id: 'subnet-nope', cidr: '10.0.0.64/28' },
        { id: subnetId },
        { cidr: '192.168.0.0/28' },
      ]);
      expect(r.successList.map((s) => s.cidr)).toEqual(['10.0.0.48/28']);
      expect(r.errorList).toEqual([
        {
          cidr: '10.0.0.33/28',
          message:
            'invalid parameter aliasIpSpec.aliasIps[1].cidr: 10.0.0.33/28 is not aligned to its prefix length (the network address would be 10.0.0.32/28)',
        },
        {
          cidr: 'ten/8',
          message:
            'invalid parameter aliasIpSpec.aliasIps[2].cidr: "ten/8" is not an IPv4 CIDR such as 10.0.0.16/28',
        },
        {
          cidr: '10.0.1.0/28',
          message: `invalid parameter aliasIpSpec.aliasIps[3].cidr: 10.0.1.0/28 is not inside 10.0.0.0/24 of ${subnetId}`,
        },
        {
          cidr: '10.0.0.0/28',
          message:
            'invalid parameter aliasIpSpec.aliasIps[4].cidr: 10.0.0.0/28 covers a reserved address (network, gateway or broadcast) of 10.0.0.0/24',
        },
        {
          cidr: '10.0.0.240/28',
          message:
            'invalid parameter aliasIpSpec.aliasIps[5].cidr: 10.0.0.240/28 covers a reserved address (network, gateway or broadcast) of 10.0.0.0/24',
        },
        {
          cidr: `${privateIp}/32`,
          message: `invalid parameter aliasIpSpec.aliasIps[6].cidr: ${privateIp}/32 overlaps an address or range already in use`,
        },
        {
          cidr: '10.0.0.48/29',
          message:
            'invalid parameter aliasIpSpec.aliasIps[7].cidr: 10.0.0.48/29 overlaps an address or range already in use',
        },
        {
          cidr: '10.0.0.64/28',
          message:
            'invalid parameter aliasIpSpec.aliasIps[8].id: "subnet-nope" is neither a subnet nor a secondary CIDR of the instance\'s network interfaces',
        },
        { cidr: '', message: 'invalid parameter aliasIpSpec.aliasIps[9].cidr: is required' },
        {
          cidr: '192.168.0.0/28',
          message:
            "invalid parameter aliasIpSpec.aliasIps[10].cidr: 192.168.0.0/28 lies in none of the instance's subnets or secondary CIDRs",
        },
      ]);
    });

    it('answers 200 with everything in errorList when no range is valid', async () => {
      const res = await create([{ id: subnetId, cidr: '10.0.0.0/24' }]);
      expect(res.statusCode).toBe(200);
      expect(resultOf<CreateResult>(res)).toMatchObject({
        successList: [],
        errorList: [{ cidr: '10.0.0.0/24' }],
      });
    });

    it('returns the first result for a repeated clientToken', async () => {
      const a = resultOf<CreateResult>(
        await create([{ id: subnetId, cidr: '10.0.0.80/28' }], instanceId, 'tok-alias'),
      );
      const b = resultOf<CreateResult>(
        await create([{ id: subnetId, cidr: '10.0.0.96/28' }], instanceId, 'tok-alias'),
      );
      expect(b).toEqual(a);
      expect((await list({ cidr: '10.0.0.96' })).totalCount).toBe(0);
    });

    it('rejects a request without aliasIpSpec', async () => {
      expect(errorOf(await h.call('PUT', ALIAS, { body: {} }))).toEqual({
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: 'missing required parameter aliasIpSpec',
      });
    });

    it('rejects a request without ranges', async () => {
      expect(errorOf(await create([]))).toEqual({
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: 'missing required parameter aliasIpSpec.aliasIps',
      });
    });

    it('rejects a request without instanceId', async () => {
      expect(
        errorOf(
          await h.call('PUT', ALIAS, { body: { aliasIpSpec: { aliasIps: [{ cidr: '10.0.0.16/28' }] } } }),
        ),
      ).toEqual({
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: 'missing required parameter aliasIpSpec.instanceId',
      });
    });

    it('rejects an unknown instance', async () => {
      expect(errorOf(await create([{ cidr: '10.0.0.16/28' }], 'edcps-nope'))).toEqual({
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: 'invalid parameter aliasIpSpec.instanceId: instance edcps-nope not found',
      });
    });

    it('rejects more than 50 ranges in one request with OUT_OF_RANGE', async () => {
      const many = Array.from({ length: 51 }, (_, i) => ({ id: subnetId, cidr: `10.0.0.${i + 2}/32` }));
      expect(errorOf(await create(many))).toEqual({
        code: 400,
        status: 'OUT_OF_RANGE',
        message: 'parameter aliasIpSpec.aliasIps out of range: at most 50 ranges per instance',
      });
    });

    it('refuses an instance being deleted with FAILED_PRECONDITION', async () => {
      const { instanceId: dying } = await insertTestInstance(
        h,
        accountId,
        { id: subnetId, vpcId, cidr: '10.0.0.0/24' },
        { status: 'destroying' },
      );
      expect(errorOf(await create([{ id: subnetId, cidr: '10.0.0.112/28' }], dying))).toEqual({
        code: 400,
        status: 'FAILED_PRECONDITION',
        message: `instance ${dying} is being deleted`,
      });
    });

    it('stops at 50 ranges per instance, reporting the rest in errorList', async () => {
      const { instanceId: busy } = await insertTestInstance(h, accountId, {
        id: subnetId,
        vpcId,
        cidr: '10.0.0.0/24',
      });
      const first = Array.from({ length: 48 }, (_, i) => ({
        id: secondaryCidrId,
        cidr: `10.0.100.${128 + i}/32`,
      }));
      expect((await createOk(first, busy)).successList).toHaveLength(48);
      const r = await createOk(
        [0, 1, 2].map((i) => ({ id: secondaryCidrId, cidr: `10.0.100.${200 + i}/32` })),
        busy,
      );
      expect(r.successList.map((s) => s.cidr)).toEqual(['10.0.100.200/32', '10.0.100.201/32']);
      expect(r.errorList).toEqual([
        {
          cidr: '10.0.100.202/32',
          message: `instance ${busy} already holds 50 alias IP ranges (the limit)`,
        },
      ]);
    });

    it("uses the extension NIC's subnet for a dual-NIC instance", async () => {
      const ext = resultOf<{ subnetId: string }>(
        await h.call('PUT', `/regions/${REGION}/subnets`, {
          body: { subnetSpec: { az: AZ, vpcId, cidr: '10.0.50.0/24', name: 'ext', description: '' } },
        }),
      ).subnetId;
      const { instanceId: dual } = await insertTestInstance(
        h,
        accountId,
        { id: subnetId, vpcId, cidr: '10.0.0.0/24' },
        { extension: { id: ext, vpcId, cidr: '10.0.50.0/24' } },
      );
      const r = await createOk([{ id: ext, cidr: '10.0.50.16/28' }], dual);
      expect(r.errorList).toEqual([]);
      const { aliasIps } = await list({ instanceId: dual });
      expect(aliasIps).toMatchObject([{ subnetId: ext, cidr: '10.0.50.16/28', secondaryCidrId: '' }]);
      const row = await h.runtime.services.deps.store.db
        .selectFrom('alias_ips')
        .select('nic')
        .where('id', '=', r.successList[0].aliasIpId)
        .executeTakeFirstOrThrow();
      expect(row.nic).toBe('extension');
    });
  });

  describe('describeAliasIps', () => {
    let t: TestHarness;
    let ids: string[];
    let inst: string[];
    let sub: string;
    beforeAll(async () => {
      t = await createHarness({ clock: steppingClock() });
      const vpc = resultOf<{ vpcId: string }>(
        await t.call('PUT', `/regions/${REGION}/vpcs`, {
          body: { vpcSpec: { name: 'v', cidr: '10.0.0.0/16', description: '' } },
        }),
      ).vpcId;
      sub = resultOf<{ subnetId: string }>(
        await t.call('PUT', `/regions/${REGION}/subnets`, {
          body: { subnetSpec: { az: AZ, vpcId: vpc, cidr: '10.0.0.0/24', name: 's', description: '' } },
        }),
      ).subnetId;
      const acc = (
        await t.runtime.services.deps.store.db
          .selectFrom('vpcs')
          .select('account_id')
          .where('id', '=', vpc)
          .executeTakeFirstOrThrow()
      ).account_id;
      inst = [
        (await insertTestInstance(t, acc, { id: sub, vpcId: vpc, cidr: '10.0.0.0/24' })).instanceId,
        (await insertTestInstance(t, acc, { id: sub, vpcId: vpc, cidr: '10.0.0.0/24' })).instanceId,
      ];
      ids = [];
      for (const [i, cidr] of ['10.0.0.16/28', '10.0.0.32/28', '10.0.0.64/28'].entries()) {
        const r = resultOf<CreateResult>(
          await t.call('PUT', ALIAS, {
            body: { aliasIpSpec: { instanceId: inst[i === 2 ? 1 : 0], aliasIps: [{ id: sub, cidr }] } },
          }),
        );
        ids.push(r.successList[0].aliasIpId);
      }
    });
    afterAll(() => t.close());

    const tlist = async (query: Record<string, string | number> = {}) =>
      resultOf<{ aliasIps: AliasIp[]; totalCount: number; pageNumber: number; pageSize: number }>(
        await t.call('GET', ALIAS, { query }),
      );

    it('lists in creation order with paging', async () => {
      const all = await tlist();
      expect(all.aliasIps.map((a) => a.aliasIpId)).toEqual(ids);
      expect(all).toMatchObject({ totalCount: 3, pageNumber: 1, pageSize: 20 });
      const p2 = await tlist({ pageNumber: 2, pageSize: 2 });
      expect(p2.aliasIps.map((a) => a.aliasIpId)).toEqual([ids[2]]);
    });

    it('filters by instanceId and subnetId exactly', async () => {
      expect((await tlist({ instanceId: inst[1] })).aliasIps.map((a) => a.aliasIpId)).toEqual([ids[2]]);
      expect((await tlist({ subnetId: sub })).totalCount).toBe(3);
      expect((await tlist({ subnetId: sub.slice(0, -1) })).totalCount).toBe(0);
    });

    it('matches cidr as a substring', async () => {
      expect((await tlist({ cidr: '0.0.32' })).aliasIps.map((a) => a.cidr)).toEqual(['10.0.0.32/28']);
      expect((await tlist({ cidr: '/28' })).totalCount).toBe(3);
    });

    it('filters by aliasIpId with several values', async () => {
      const r = await tlist({
        'filters.1.name': 'aliasIpId',
        'filters.1.values.1': ids[0],
        'filters.1.values.2': ids[2],
      });
      expect(r.aliasIps.map((a) => a.aliasIpId)).toEqual([ids[0], ids[2]]);
    });

    it('rejects an unknown filter', async () => {
      expect(
        errorOf(
          await t.call('GET', ALIAS, { query: { 'filters.1.name': 'cidr', 'filters.1.values.1': 'x' } }),
        ),
      ).toEqual({
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: 'invalid parameter filters.1.name: unknown filter "cidr"; supported: aliasIpId',
      });
    });

    it('shows isBondEip when an elastic IP targets an address of the range', async () => {
      // TEST SETUP ONLY: an elastic IP row bound to an alias address, inserted directly.
      const now = t.runtime.services.deps.clock.now();
      await t.runtime.services.deps.store.db
        .insertInto('elastic_ips')
        .values({
          id: 'fip-testbound',
          account_id: (
            await t.runtime.services.deps.store.db
              .selectFrom('alias_ips')
              .select('account_id')
              .executeTakeFirstOrThrow()
          ).account_id,
          region_id: REGION,
          ip: '203.0.113.9',
          bandwidth: 1,
          extra_uplink_bandwidth: 0,
          line_type: 'bgp',
          instance_id: inst[0],
          target_ip: '10.0.0.33',
          nic: 'primary',
          bandwidth_package_id: null,
          owned_by_instance: 0,
          created_at: now,
          charge_mode: 'postpaid_by_duration',
          charge_unit: '',
          charge_duration: 0,
          auto_renew: 0,
          charge_start: now,
          charge_expire: null,
        })
        .execute();
      const r = await tlist();
      expect(r.aliasIps.map((a) => a.isBondEip)).toEqual([false, true, false]);
      expect(errorOf(await t.call('DELETE', `${ALIAS}/${ids[1]}`))).toEqual({
        code: 400,
        status: 'FAILED_PRECONDITION',
        message: `alias IP ${ids[1]} has elastic IP fip-testbound bound to it; disassociate it first`,
      });
    });
  });

  describe('deleteAliasIp', () => {
    it('deletes a range and frees it for reuse', async () => {
      const r = await createOk([{ id: subnetId, cidr: '10.0.0.128/28' }]);
      const id = r.successList[0].aliasIpId;
      expect(resultOf(await h.call('DELETE', `${ALIAS}/${id}`))).toEqual({ success: true });
      expect((await list({ 'filters.1.name': 'aliasIpId', 'filters.1.values.1': id })).totalCount).toBe(0);
      expect((await createOk([{ id: subnetId, cidr: '10.0.0.128/28' }])).successList).toHaveLength(1);
    });

    it('answers a repeated clientToken with the first success', async () => {
      const id = (await createOk([{ id: subnetId, cidr: '10.0.0.144/28' }])).successList[0].aliasIpId;
      const q = { clientToken: 'del-alias' };
      expect(resultOf(await h.call('DELETE', `${ALIAS}/${id}`, { query: q }))).toEqual({ success: true });
      expect(resultOf(await h.call('DELETE', `${ALIAS}/${id}`, { query: q }))).toEqual({ success: true });
    });

    it('answers 404 NOT_FOUND for an unknown alias IP', async () => {
      expect(errorOf(await h.call('DELETE', `${ALIAS}/aip-nope`))).toEqual({
        code: 404,
        status: 'NOT_FOUND',
        message: 'alias IP aip-nope not found',
      });
    });
  });

  describe('alias IP tenancy', () => {
    it("hides another account's alias IPs and refuses its instance", async () => {
      const id = (await createOk([{ id: subnetId, cidr: '10.0.0.160/28' }])).successList[0].aliasIpId;
      const other = await h.newAccount();
      expect(errorOf(await h.call('DELETE', `${ALIAS}/${id}`, { as: other }))).toMatchObject({
        code: 404,
        status: 'NOT_FOUND',
      });
      expect(resultOf<{ totalCount: number }>(await h.call('GET', ALIAS, { as: other })).totalCount).toBe(0);
      expect(
        errorOf(
          await h.call('PUT', ALIAS, {
            as: other,
            body: { aliasIpSpec: { instanceId, aliasIps: [{ id: subnetId, cidr: '10.0.0.176/28' }] } },
          }),
        ),
      ).toEqual({
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: `invalid parameter aliasIpSpec.instanceId: instance ${instanceId} not found`,
      });
    });
  });
});
