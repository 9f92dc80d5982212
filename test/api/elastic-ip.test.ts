import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiResponse,
  type Credentials,
  REGION,
  type TestHarness,
  createHarness,
  errorOf,
  resultOf,
} from '../helpers/harness.js';

interface Eip {
  elasticIpId: string;
  elasticIp: string;
  bandwidth: number;
  extraUplinkBandwidth: number;
  status: string;
  bandwidthPackageId: string;
  charge: { chargeMode: string; chargeExpiredTime: string };
}

type Account = Credentials & { accountId: string };

const POSTPAID = { chargeMode: 'postpaid_by_duration' };
const PREPAID = { chargeMode: 'prepaid_by_duration', chargeUnit: 'month', chargeDuration: 1 };

const apply = (h: TestHarness, spec: Record<string, unknown>, o: { as?: Credentials; token?: string } = {}) =>
  h.call('PUT', `/regions/${REGION}/elasticIps`, {
    body: { elasticIpSpec: { bandwidth: 5, count: 1, charge: POSTPAID, ...spec }, clientToken: o.token },
    as: o.as,
  });

async function applyIds(h: TestHarness, spec: Record<string, unknown> = {}, as?: Credentials) {
  return resultOf<{ elasticIpIds: string[] }>(await apply(h, spec, { as })).elasticIpIds;
}

const list = async (h: TestHarness, query: Record<string, string | number> = {}, as?: Credentials) =>
  resultOf<{ elasticIps: Eip[]; totalCount: number; pageNumber: number; pageSize: number }>(
    await h.call('GET', `/regions/${REGION}/elasticIps`, { query, as }),
  );

const describeEip = async (h: TestHarness, id: string, as?: Credentials) =>
  resultOf<{ elasticIp: Eip }>(await h.call('GET', `/regions/${REGION}/elasticIps/${id}`, { as })).elasticIp;

const stock = async (h: TestHarness) =>
  resultOf<{ available: number; availableBandwidth: number; availableExtraUplinkBandwidth: number }>(
    await h.call('GET', `/regions/${REGION}/elasticIpStock`),
  );

function expectError(res: ApiResponse, code: number, status: string, message: string) {
  expect(res.statusCode).toBe(code);
  expect(errorOf(res)).toEqual({ code, status, message });
}

describe('applyElasticIps', () => {
  let h: TestHarness;
  let tenant: Credentials;
  beforeAll(async () => {
    h = await createHarness();
    tenant = await h.newAccount();
  });
  afterAll(() => h.close());

  it('buys elastic IPs on the region line with distinct public addresses', async () => {
    const ids = await applyIds(h, { count: 2, bandwidth: 7, extraUplinkBandwidth: 3 }, tenant);
    expect(ids).toHaveLength(2);
    expect(ids.every((id) => /^fip-[a-z0-9]{28}$/.test(id))).toBe(true);
    const { elasticIps } = await list(h, {}, tenant);
    expect(elasticIps).toHaveLength(2);
    expect(new Set(elasticIps.map((e) => e.elasticIp)).size).toBe(2);
    expect(elasticIps[0]).toMatchObject({
      region: REGION,
      bandwidth: 7,
      extraUplinkBandwidth: 3,
      lineType: 'ct',
      status: 'disassociate',
      instanceType: '',
      instanceId: '',
      targetIp: '',
      bandwidthPackageId: '',
      charge: { chargeMode: 'postpaid_by_duration', chargeStatus: 'normal', chargeExpiredTime: '' },
    });
  });

  it('gives a prepaid elastic IP an expiry one term after its start', async () => {
    const [id] = await applyIds(h, {
      charge: { chargeMode: 'prepaid_by_duration', chargeUnit: 'year', chargeDuration: 1 },
    });
    const { charge } = (await describeEip(h, id)) as Eip & {
      charge: { chargeStartTime: string; chargeRetireTime: string };
    };
    const start = new Date(charge.chargeStartTime);
    const expected = new Date(start);
    expected.setUTCFullYear(start.getUTCFullYear() + 1);
    expect(charge.chargeExpiredTime).toBe(expected.toISOString().replace('.000', ''));
  });

  it.each([
    [
      'a missing elasticIpSpec',
      { elasticIpSpec: undefined },
      'INVALID_ARGUMENT',
      'missing required parameter elasticIpSpec',
    ],
    [
      'a missing bandwidth',
      { bandwidth: undefined },
      'INVALID_ARGUMENT',
      'missing required parameter elasticIpSpec.bandwidth',
    ],
    [
      'bandwidth 0',
      { bandwidth: 0 },
      'OUT_OF_RANGE',
      'parameter elasticIpSpec.bandwidth out of range: must be in [1, 10240]',
    ],
    [
      'bandwidth 10241',
      { bandwidth: 10241 },
      'OUT_OF_RANGE',
      'parameter elasticIpSpec.bandwidth out of range: must be in [1, 10240]',
    ],
    [
      'a fractional bandwidth',
      { bandwidth: 1.5 },
      'INVALID_ARGUMENT',
      'invalid parameter elasticIpSpec.bandwidth: must be of type integer',
    ],
    [
      'extraUplinkBandwidth 10241',
      { extraUplinkBandwidth: 10241 },
      'OUT_OF_RANGE',
      'parameter elasticIpSpec.extraUplinkBandwidth out of range: must be in [0, 10240]',
    ],
    [
      'extraUplinkBandwidth -1',
      { extraUplinkBandwidth: -1 },
      'OUT_OF_RANGE',
      'parameter elasticIpSpec.extraUplinkBandwidth out of range: must be in [0, 10240]',
    ],
    [
      'count 0',
      { count: 0 },
      'OUT_OF_RANGE',
      'parameter elasticIpSpec.count out of range: must be at least 1',
    ],
    [
      'a missing count',
      { count: undefined },
      'INVALID_ARGUMENT',
      'missing required parameter elasticIpSpec.count',
    ],
    [
      'a missing charge',
      { charge: undefined },
      'INVALID_ARGUMENT',
      'missing required parameter elasticIpSpec.charge',
    ],
    [
      'charge mode postpaid_by_usage',
      { charge: { chargeMode: 'postpaid_by_usage' } },
      'INVALID_ARGUMENT',
      'invalid parameter elasticIpSpec.charge.chargeMode: must be one of prepaid_by_duration, postpaid_by_duration',
    ],
    [
      'prepaid without a duration',
      { charge: { chargeMode: 'prepaid_by_duration' } },
      'INVALID_ARGUMENT',
      'invalid parameter elasticIpSpec.charge.chargeDuration: is required when chargeMode is prepaid_by_duration',
    ],
    [
      'a 10-month term',
      { charge: { chargeMode: 'prepaid_by_duration', chargeUnit: 'month', chargeDuration: 10 } },
      'OUT_OF_RANGE',
      'parameter elasticIpSpec.charge.chargeDuration out of range: must be in [1, 9]',
    ],
    [
      'an unknown bandwidth package',
      { bandwidthPackageId: 'bwp-doesnotexist' },
      'INVALID_ARGUMENT',
      'invalid parameter elasticIpSpec.bandwidthPackageId: bandwidth package bwp-doesnotexist not found in region cn-east-tz1',
    ],
  ])('refuses %s and creates nothing', async (_label, change, status, message) => {
    const creds = await h.newAccount();
    const spec: Record<string, unknown> = { bandwidth: 5, count: 1, charge: POSTPAID };
    for (const [k, v] of Object.entries(change)) {
      if (v === undefined) delete spec[k];
      else spec[k] = v;
    }
    const body = 'elasticIpSpec' in change ? {} : { elasticIpSpec: spec };
    const res = await h.call('PUT', `/regions/${REGION}/elasticIps`, { body, as: creds });
    expectError(res, 400, status, message);
    expect((await list(h, {}, creds)).totalCount).toBe(0);
  });

  it('refuses a bandwidth package of another account as unknown', async () => {
    const other = await h.newAccount();
    const pkg = resultOf<{ bandwidthPackageIds: string[] }>(
      await h.call('PUT', `/regions/${REGION}/bandwidthPackages`, {
        body: { bandwidthPackageSpec: { name: 'theirs', bandwidth: 10, count: 1, charge: POSTPAID } },
        as: other,
      }),
    ).bandwidthPackageIds[0];
    const res = await apply(h, { bandwidthPackageId: pkg }, { as: tenant });
    expectError(
      res,
      400,
      'INVALID_ARGUMENT',
      `invalid parameter elasticIpSpec.bandwidthPackageId: bandwidth package ${pkg} not found in region cn-east-tz1`,
    );
  });

  it('joins new elastic IPs to the bandwidth package named in the spec', async () => {
    const creds = await h.newAccount();
    const pkg = resultOf<{ bandwidthPackageIds: string[] }>(
      await h.call('PUT', `/regions/${REGION}/bandwidthPackages`, {
        body: { bandwidthPackageSpec: { name: 'shared', bandwidth: 50, count: 1, charge: POSTPAID } },
        as: creds,
      }),
    ).bandwidthPackageIds[0];
    const ids = await applyIds(h, { count: 2, bandwidthPackageId: pkg }, creds);
    const { elasticIps } = await list(h, {}, creds);
    expect(elasticIps.map((e) => e.bandwidthPackageId)).toEqual([pkg, pkg]);
    expect(elasticIps.map((e) => e.elasticIpId).sort()).toEqual([...ids].sort());
  });

  it('returns the first result for a repeated clientToken and creates one elastic IP', async () => {
    const creds = await h.newAccount();
    const first = resultOf(await apply(h, { count: 1 }, { as: creds, token: 'eip-token-1' }));
    const second = resultOf(await apply(h, { count: 3 }, { as: creds, token: 'eip-token-1' }));
    expect(second).toEqual(first);
    expect((await list(h, {}, creds)).totalCount).toBe(1);
  });

  it('scopes a clientToken to its account', async () => {
    const a = await h.newAccount();
    const b = await h.newAccount();
    const ra = resultOf<{ elasticIpIds: string[] }>(await apply(h, {}, { as: a, token: 'shared-token' }));
    const rb = resultOf<{ elasticIpIds: string[] }>(await apply(h, {}, { as: b, token: 'shared-token' }));
    expect(rb.elasticIpIds[0]).not.toBe(ra.elasticIpIds[0]);
  });
});

describe('applyElasticIps quota', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it('allows 10 elastic IPs per account and region, then answers 429 QUOTA_EXCEEDED', async () => {
    const creds = await h.newAccount();
    await applyIds(h, { count: 9 }, creds);
    const res = await apply(h, { count: 2 }, { as: creds });
    expectError(
      res,
      429,
      'QUOTA_EXCEEDED',
      'elastic IP quota exceeded in region cn-east-tz1: 9 of 10 used, 2 requested',
    );
    expect((await list(h, {}, creds)).totalCount).toBe(9);
    await applyIds(h, { count: 1 }, creds);
    expectError(
      await apply(h, {}, { as: creds }),
      429,
      'QUOTA_EXCEEDED',
      'elastic IP quota exceeded in region cn-east-tz1: 10 of 10 used, 1 requested',
    );
  });

  it('frees quota when an elastic IP is deleted', async () => {
    const creds = await h.newAccount();
    const ids = await applyIds(h, { count: 10 }, creds);
    resultOf(await h.call('DELETE', `/regions/${REGION}/elasticIps/${ids[0]}`, { as: creds }));
    expect(await applyIds(h, {}, creds)).toHaveLength(1);
  });

  it('follows a quota the operator raised', async () => {
    const creds = await h.newAccount();
    await h.runtime.services.accounts.setQuota(creds.accountId, REGION, { elasticIps: 12 });
    expect(await applyIds(h, { count: 12 }, creds)).toHaveLength(12);
  });

  it('counts quota per region', async () => {
    const creds = await h.newAccount();
    await applyIds(h, { count: 10 }, creds);
    const res = await h.call('PUT', '/regions/cn-north-tj1/elasticIps', {
      body: { elasticIpSpec: { bandwidth: 1, count: 10, charge: POSTPAID } },
      as: creds,
    });
    expect(resultOf<{ elasticIpIds: string[] }>(res).elasticIpIds).toHaveLength(10);
  });
});

describe('applyElasticIps stock and describeElasticIpStock', () => {
  let h: TestHarness;
  let big: Account;
  beforeAll(async () => {
    h = await createHarness();
    big = await h.newAccount();
    await h.runtime.services.accounts.setQuota(big.accountId, REGION, { elasticIps: 1000 });
  });
  afterAll(() => h.close());

  it('reports the whole pool and capacity of an untouched region', async () => {
    expect(resultOf(await h.call('GET', `/regions/${REGION}/elasticIpStock`))).toEqual({
      region: REGION,
      available: 380,
      availableBandwidth: 200000,
      availableExtraUplinkBandwidth: 100000,
    });
  });

  it('refuses more bandwidth than the region has left, naming both figures', async () => {
    const res = await apply(h, { count: 20, bandwidth: 10240 }, { as: big });
    expectError(
      res,
      400,
      'FAILED_PRECONDITION',
      'not enough bandwidth stock in region cn-east-tz1: 204800 Mbps requested, 200000 Mbps available',
    );
    expect((await stock(h)).available).toBe(380);
  });

  it('refuses more extra uplink bandwidth than the region has left', async () => {
    const res = await apply(h, { count: 10, bandwidth: 1, extraUplinkBandwidth: 10240 }, { as: big });
    expectError(
      res,
      400,
      'FAILED_PRECONDITION',
      'not enough extra uplink bandwidth stock in region cn-east-tz1: 102400 Mbps requested, 100000 Mbps available',
    );
  });

  it('takes addresses and bandwidth from the stock and gives them back on delete', async () => {
    const before = await stock(h);
    const ids = await applyIds(h, { count: 2, bandwidth: 100, extraUplinkBandwidth: 10 }, big);
    expect(await stock(h)).toMatchObject({
      available: before.available - 2,
      availableBandwidth: before.availableBandwidth - 200,
      availableExtraUplinkBandwidth: before.availableExtraUplinkBandwidth - 20,
    });
    for (const id of ids)
      resultOf(await h.call('DELETE', `/regions/${REGION}/elasticIps/${id}`, { as: big }));
    expect(await stock(h)).toEqual({ region: REGION, ...before });
  });

  it('refuses more elastic IPs than free pool addresses, then sells the last ones', async () => {
    const free = (await stock(h)).available;
    expectError(
      await apply(h, { count: free + 1, bandwidth: 1 }, { as: big }),
      400,
      'FAILED_PRECONDITION',
      `not enough public IPs in region cn-east-tz1: ${free + 1} requested, ${free} available`,
    );
    expect(await applyIds(h, { count: free - 1, bandwidth: 1 }, big)).toHaveLength(free - 1);
    expectError(
      await apply(h, { count: 2, bandwidth: 1 }, { as: big }),
      400,
      'FAILED_PRECONDITION',
      'not enough public IPs in region cn-east-tz1: 2 requested, 1 available',
    );
    await applyIds(h, { bandwidth: 1 }, big);
    const { elasticIps, totalCount } = await list(h, { pageSize: 100 }, big);
    expect(totalCount).toBe(free);
    expect((await stock(h)).available).toBe(0);
    // Every address of the pool was handed out once.
    expect(new Set(elasticIps.map((e) => e.elasticIp)).size).toBe(elasticIps.length);
  });
});

describe('describeElasticIp', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it('answers 404 for an unknown elastic IP', async () => {
    expectError(
      await h.call('GET', `/regions/${REGION}/elasticIps/fip-nope`),
      404,
      'NOT_FOUND',
      'elastic IP fip-nope not found',
    );
  });

  it('answers 404 for an elastic IP of another account', async () => {
    const other = await h.newAccount();
    const [id] = await applyIds(h, {}, other);
    expectError(
      await h.call('GET', `/regions/${REGION}/elasticIps/${id}`),
      404,
      'NOT_FOUND',
      `elastic IP ${id} not found`,
    );
  });

  it('answers 404 for an elastic IP of another region', async () => {
    const [id] = await applyIds(h);
    expectError(
      await h.call('GET', `/regions/cn-north-tj1/elasticIps/${id}`),
      404,
      'NOT_FOUND',
      `elastic IP ${id} not found`,
    );
  });
});

describe('describeElasticIps', () => {
  let h: TestHarness;
  let creds: Account;
  let ids: string[];
  let pkg: string;
  beforeAll(async () => {
    h = await createHarness();
    creds = await h.newAccount();
    ids = await applyIds(h, { count: 3 }, creds);
    ids.push(...(await applyIds(h, { count: 1, charge: PREPAID }, creds)));
    pkg = resultOf<{ bandwidthPackageIds: string[] }>(
      await h.call('PUT', `/regions/${REGION}/bandwidthPackages`, {
        body: { bandwidthPackageSpec: { name: 'p', bandwidth: 10, count: 1, charge: POSTPAID } },
        as: creds,
      }),
    ).bandwidthPackageIds[0];
    resultOf(
      await h.call('PUT', `/regions/${REGION}/bandwidthPackages/${pkg}:addBandwidthPackageIp`, {
        body: { elasticIpIds: [ids[1]] },
        as: creds,
      }),
    );
  });
  afterAll(() => h.close());

  const idsOf = (r: { elasticIps: Eip[] }) => r.elasticIps.map((e) => e.elasticIpId);

  it('lists in creation order with paging echoed', async () => {
    const page1 = await list(h, { pageSize: 2 }, creds);
    const page2 = await list(h, { pageSize: 2, pageNumber: 2 }, creds);
    expect(page1).toMatchObject({ pageNumber: 1, pageSize: 2, totalCount: 4 });
    expect(page2).toMatchObject({ pageNumber: 2, pageSize: 2, totalCount: 4 });
    expect(new Set([...idsOf(page1), ...idsOf(page2)])).toEqual(new Set(ids));
  });

  it('filters by elasticIpId with values OR-ed', async () => {
    const r = await list(
      h,
      { 'filters.1.name': 'elasticIpId', 'filters.1.values.1': ids[0], 'filters.1.values.2': ids[2] },
      creds,
    );
    expect(idsOf(r).sort()).toEqual([ids[0], ids[2]].sort());
  });

  it('filters by public address', async () => {
    const target = await describeEip(h, ids[2], creds);
    const r = await list(h, { 'filters.1.name': 'elasticIp', 'filters.1.values.1': target.elasticIp }, creds);
    expect(idsOf(r)).toEqual([ids[2]]);
  });

  it('filters by bandwidthPackageId and by hasJoinBandwidthPackage', async () => {
    expect(
      idsOf(await list(h, { 'filters.1.name': 'bandwidthPackageId', 'filters.1.values.1': pkg }, creds)),
    ).toEqual([ids[1]]);
    expect(idsOf(await list(h, { hasJoinBandwidthPackage: 'yes' }, creds))).toEqual([ids[1]]);
    expect((await list(h, { hasJoinBandwidthPackage: 'no' }, creds)).totalCount).toBe(3);
  });

  it('filters by chargeMode', async () => {
    expect(idsOf(await list(h, { chargeMode: 'prepaid_by_duration' }, creds))).toEqual([ids[3]]);
    expect((await list(h, { chargeMode: 'postpaid_by_duration' }, creds)).totalCount).toBe(3);
  });

  it('ANDs different filters', async () => {
    const r = await list(
      h,
      { 'filters.1.name': 'elasticIpId', 'filters.1.values.1': ids[1], hasJoinBandwidthPackage: 'no' },
      creds,
    );
    expect(r.totalCount).toBe(0);
  });

  it('filters by status: all disassociate when nothing is bound', async () => {
    expect((await list(h, { status: 'disassociate' }, creds)).totalCount).toBe(4);
    expect((await list(h, { status: 'associate' }, creds)).totalCount).toBe(0);
  });

  it.each([
    ['status', 'bound', 'invalid parameter status: must be one of associate, disassociate'],
    ['hasJoinBandwidthPackage', 'maybe', 'invalid parameter hasJoinBandwidthPackage: must be one of yes, no'],
    [
      'chargeMode',
      'postpaid_by_usage',
      'invalid parameter chargeMode: must be one of prepaid_by_duration, postpaid_by_duration',
    ],
  ])('refuses %s=%s', async (key, value, message) => {
    expectError(
      await h.call('GET', `/regions/${REGION}/elasticIps`, { query: { [key]: value }, as: creds }),
      400,
      'INVALID_ARGUMENT',
      message,
    );
  });

  it('refuses an unknown filter name', async () => {
    expectError(
      await h.call('GET', `/regions/${REGION}/elasticIps`, {
        query: { 'filters.1.name': 'instanceId', 'filters.1.values.1': 'x' },
        as: creds,
      }),
      400,
      'INVALID_ARGUMENT',
      'invalid parameter filters.1.name: unknown filter "instanceId"; supported: elasticIpId, elasticIp, bandwidthPackageId',
    );
  });

  it('refuses pageSize 101', async () => {
    expectError(
      await h.call('GET', `/regions/${REGION}/elasticIps`, { query: { pageSize: 101 }, as: creds }),
      400,
      'OUT_OF_RANGE',
      'parameter pageSize out of range: must be an integer in [1, 100]',
    );
  });

  it('shows another account nothing', async () => {
    const other = await h.newAccount();
    expect(await list(h, {}, other)).toEqual({ elasticIps: [], pageNumber: 1, pageSize: 20, totalCount: 0 });
  });
});

describe('modifyElasticIpBandwidth', () => {
  let h: TestHarness;
  let creds: Account;
  beforeAll(async () => {
    h = await createHarness();
    creds = await h.newAccount();
    await h.runtime.services.accounts.setQuota(creds.accountId, REGION, { elasticIps: 100 });
  });
  afterAll(() => h.close());

  const modify = (id: string, body: Record<string, unknown>, as = creds) =>
    h.call('PUT', `/regions/${REGION}/elasticIps/${id}:modifyElasticIpBandwidth`, { body, as });

  it('changes the bandwidth and keeps extra uplink bandwidth when it is not given', async () => {
    const [id] = await applyIds(h, { bandwidth: 5, extraUplinkBandwidth: 4 }, creds);
    expect(resultOf(await modify(id, { bandwidth: 50 }))).toEqual({ success: true });
    expect(await describeEip(h, id, creds)).toMatchObject({ bandwidth: 50, extraUplinkBandwidth: 4 });
    resultOf(await modify(id, { bandwidth: 50, extraUplinkBandwidth: 0 }));
    expect((await describeEip(h, id, creds)).extraUplinkBandwidth).toBe(0);
  });

  it('takes an increase from the bandwidth stock and returns a decrease', async () => {
    const [id] = await applyIds(h, { bandwidth: 10 }, creds);
    const before = (await stock(h)).availableBandwidth;
    resultOf(await modify(id, { bandwidth: 110 }));
    expect((await stock(h)).availableBandwidth).toBe(before - 100);
    resultOf(await modify(id, { bandwidth: 1 }));
    expect((await stock(h)).availableBandwidth).toBe(before + 9);
  });

  it('refuses an increase beyond the stock and leaves the bandwidth unchanged', async () => {
    await applyIds(h, { count: 19, bandwidth: 10240 }, creds);
    const [id] = await applyIds(h, { bandwidth: 1 }, creds);
    const left = (await stock(h)).availableBandwidth;
    expect(left).toBeLessThan(10239);
    expectError(
      await modify(id, { bandwidth: 10240 }),
      400,
      'FAILED_PRECONDITION',
      `not enough bandwidth stock in region cn-east-tz1: 10239 Mbps requested, ${left} Mbps available`,
    );
    expect((await describeEip(h, id, creds)).bandwidth).toBe(1);
  });

  it.each([
    ['a missing bandwidth', {}, 'INVALID_ARGUMENT', 'missing required parameter bandwidth'],
    [
      'bandwidth 0',
      { bandwidth: 0 },
      'OUT_OF_RANGE',
      'parameter bandwidth out of range: must be in [1, 10240]',
    ],
    [
      'bandwidth 10241',
      { bandwidth: 10241 },
      'OUT_OF_RANGE',
      'parameter bandwidth out of range: must be in [1, 10240]',
    ],
    [
      'extraUplinkBandwidth 10241',
      { bandwidth: 5, extraUplinkBandwidth: 10241 },
      'OUT_OF_RANGE',
      'parameter extraUplinkBandwidth out of range: must be in [0, 10240]',
    ],
  ])('refuses %s', async (_label, body, status, message) => {
    const [id] = await applyIds(h, {}, creds);
    expectError(await modify(id, body), 400, status, message);
  });

  it('refuses an elastic IP that belongs to a bandwidth package', async () => {
    const pkg = resultOf<{ bandwidthPackageIds: string[] }>(
      await h.call('PUT', `/regions/${REGION}/bandwidthPackages`, {
        body: { bandwidthPackageSpec: { name: 'p', bandwidth: 10, count: 1, charge: POSTPAID } },
        as: creds,
      }),
    ).bandwidthPackageIds[0];
    const [id] = await applyIds(h, { bandwidthPackageId: pkg }, creds);
    expectError(
      await modify(id, { bandwidth: 20 }),
      400,
      'FAILED_PRECONDITION',
      `elastic IP ${id} belongs to bandwidth package ${pkg} and uses its bandwidth; change the package with modifyBandwidthPackageBandwidth or remove the IP from it first`,
    );
  });

  it('answers 404 for an elastic IP of another account', async () => {
    const other = await h.newAccount();
    const [id] = await applyIds(h, {}, other);
    expectError(await modify(id, { bandwidth: 9 }), 404, 'NOT_FOUND', `elastic IP ${id} not found`);
  });

  it('applies a clientToken once', async () => {
    const [id] = await applyIds(h, { bandwidth: 3 }, creds);
    const before = (await stock(h)).availableBandwidth;
    resultOf(await modify(id, { bandwidth: 13, clientToken: 'mod-1' }));
    expect(resultOf(await modify(id, { bandwidth: 99, clientToken: 'mod-1' }))).toEqual({ success: true });
    expect((await describeEip(h, id, creds)).bandwidth).toBe(13);
    expect((await stock(h)).availableBandwidth).toBe(before - 10);
  });
});

describe('deleteelasticIp', () => {
  let h: TestHarness;
  let creds: Account;
  beforeAll(async () => {
    h = await createHarness();
    creds = await h.newAccount();
    await h.runtime.services.accounts.setQuota(creds.accountId, REGION, { elasticIps: 100 });
  });
  afterAll(() => h.close());

  const del = (id: string, query: Record<string, string> = {}, as = creds) =>
    h.call('DELETE', `/regions/${REGION}/elasticIps/${id}`, { query, as });

  it('releases the elastic IP and returns its address to the pool', async () => {
    const [id] = await applyIds(h, {}, creds);
    const { elasticIp } = await describeEip(h, id, creds);
    const free = (await stock(h)).available;
    expect(resultOf(await del(id))).toEqual({ success: true });
    expect((await h.call('GET', `/regions/${REGION}/elasticIps/${id}`, { as: creds })).statusCode).toBe(404);
    expect((await stock(h)).available).toBe(free + 1);
    const row = await h.runtime.store.db
      .selectFrom('public_ips')
      .select('holder_id')
      .where('ip', '=', elasticIp)
      .executeTakeFirstOrThrow();
    expect(row.holder_id).toBeNull();
  });

  it('refuses a prepaid elastic IP before it expires, saying until when', async () => {
    const [id] = await applyIds(h, { charge: PREPAID }, creds);
    const { charge } = await describeEip(h, id, creds);
    expectError(
      await del(id),
      400,
      'FAILED_PRECONDITION',
      `elastic IP ${id} is prepaid until ${charge.chargeExpiredTime}; it cannot be deleted before it expires`,
    );
  });

  it('answers 404 for an unknown elastic IP and for another account’s', async () => {
    const other = await h.newAccount();
    const [id] = await applyIds(h, {}, other);
    expectError(await del('fip-unknown'), 404, 'NOT_FOUND', 'elastic IP fip-unknown not found');
    expectError(await del(id), 404, 'NOT_FOUND', `elastic IP ${id} not found`);
    expect((await describeEip(h, id, other)).elasticIpId).toBe(id);
  });

  it('takes a member out of its bandwidth package when deleted', async () => {
    const pkg = resultOf<{ bandwidthPackageIds: string[] }>(
      await h.call('PUT', `/regions/${REGION}/bandwidthPackages`, {
        body: { bandwidthPackageSpec: { name: 'p', bandwidth: 10, count: 1, charge: POSTPAID } },
        as: creds,
      }),
    ).bandwidthPackageIds[0];
    const [id] = await applyIds(h, { bandwidthPackageId: pkg }, creds);
    resultOf(await del(id));
    expect(
      resultOf(await h.call('DELETE', `/regions/${REGION}/bandwidthPackages/${pkg}`, { as: creds })),
    ).toEqual({ success: true });
  });

  it('repeats the first answer for a repeated clientToken', async () => {
    const [id] = await applyIds(h, {}, creds);
    expect(resultOf(await del(id, { clientToken: 'del-1' }))).toEqual({ success: true });
    expect(resultOf(await del(id, { clientToken: 'del-1' }))).toEqual({ success: true });
    expect((await del(id)).statusCode).toBe(404);
  });
});

describe('deleteelasticIp of an expired prepaid elastic IP', () => {
  let h: TestHarness;
  let t = Date.parse('2024-01-31T08:00:00Z');
  beforeAll(async () => {
    h = await createHarness({ clock: { now: () => t } });
  });
  afterAll(() => h.close());

  it('is allowed once the term has run out, and not a second before', async () => {
    const [id] = await applyIds(h, { charge: PREPAID });
    expect((await describeEip(h, id)).charge.chargeExpiredTime).toBe('2024-02-29T08:00:00Z');
    t = Date.parse('2024-02-29T07:59:59Z');
    expectError(
      await h.call('DELETE', `/regions/${REGION}/elasticIps/${id}`),
      400,
      'FAILED_PRECONDITION',
      `elastic IP ${id} is prepaid until 2024-02-29T08:00:00Z; it cannot be deleted before it expires`,
    );
    t = Date.parse('2024-02-29T08:00:00Z');
    expect((await describeEip(h, id)).charge).toMatchObject({ chargeStatus: 'overdue' });
    expect(resultOf(await h.call('DELETE', `/regions/${REGION}/elasticIps/${id}`))).toEqual({
      success: true,
    });
  });
});

describe('applyElasticIps under concurrency', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it('never lets concurrent purchases exceed the quota', async () => {
    const creds = await h.newAccount();
    const results = await Promise.all(Array.from({ length: 5 }, () => apply(h, { count: 3 }, { as: creds })));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(3);
    expect(results.filter((r) => r.statusCode === 429)).toHaveLength(2);
    expect((await list(h, {}, creds)).totalCount).toBe(9);
  });

  it('never hands one address to two concurrent purchases', async () => {
    const accounts = await Promise.all(Array.from({ length: 4 }, () => h.newAccount()));
    await Promise.all(accounts.map((a) => apply(h, { count: 5 }, { as: a })));
    const rows = await h.runtime.store.db.selectFrom('elastic_ips').select(['ip']).execute();
    expect(new Set(rows.map((r) => r.ip)).size).toBe(rows.length);
    const held = await h.runtime.store.db
      .selectFrom('public_ips')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('holder_id', 'is not', null)
      .executeTakeFirstOrThrow();
    expect(Number(held.n)).toBe(rows.length);
  });
});
