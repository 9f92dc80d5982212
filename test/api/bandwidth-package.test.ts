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

type Account = Credentials & { accountId: string };

interface Pkg {
  bandwidthPackageId: string;
  name: string;
  bandwidth: number;
  extraUplinkBandwidth: number;
  charge: { chargeMode: string; chargeExpiredTime: string };
}

const POSTPAID = { chargeMode: 'postpaid_by_duration' };
const PREPAID = { chargeMode: 'prepaid_by_duration', chargeUnit: 'month', chargeDuration: 2 };
const PKGS = `/regions/${REGION}/bandwidthPackages`;

function expectError(res: ApiResponse, code: number, status: string, message: string) {
  expect(res.statusCode).toBe(code);
  expect(errorOf(res)).toEqual({ code, status, message });
}

const applyPkg = (
  h: TestHarness,
  spec: Record<string, unknown>,
  o: { as?: Credentials; token?: string } = {},
) =>
  h.call('PUT', PKGS, {
    body: {
      bandwidthPackageSpec: { name: 'shared-1', bandwidth: 100, count: 1, charge: POSTPAID, ...spec },
      clientToken: o.token,
    },
    as: o.as,
  });

const pkgIds = async (h: TestHarness, spec: Record<string, unknown> = {}, as?: Credentials) =>
  resultOf<{ bandwidthPackageIds: string[] }>(await applyPkg(h, spec, { as })).bandwidthPackageIds;

const eipIds = async (h: TestHarness, spec: Record<string, unknown>, as?: Credentials) =>
  resultOf<{ elasticIpIds: string[] }>(
    await h.call('PUT', `/regions/${REGION}/elasticIps`, {
      body: { elasticIpSpec: { bandwidth: 5, count: 1, charge: POSTPAID, ...spec } },
      as,
    }),
  ).elasticIpIds;

const describePkg = async (h: TestHarness, id: string, as?: Credentials) =>
  resultOf<{ bandwidthPackage: Pkg }>(await h.call('GET', `${PKGS}/${id}`, { as })).bandwidthPackage;

const describeEip = async (h: TestHarness, id: string, as?: Credentials) =>
  resultOf<{ elasticIp: { bandwidthPackageId: string } }>(
    await h.call('GET', `/regions/${REGION}/elasticIps/${id}`, { as }),
  ).elasticIp;

const stock = async (h: TestHarness) =>
  resultOf<{ region: string; availableBandwidth: number; availableExtraUplinkBandwidth: number }>(
    await h.call('GET', `/regions/${REGION}/bandwidthPackageStock`),
  );

const add = (h: TestHarness, pkg: string, elasticIpIds: unknown, as?: Credentials, clientToken?: string) =>
  h.call('PUT', `${PKGS}/${pkg}:addBandwidthPackageIp`, { body: { elasticIpIds, clientToken }, as });

const remove = (h: TestHarness, pkg: string, elasticIpId: string, as?: Credentials) =>
  h.call('PUT', `${PKGS}/${pkg}:removeBandwidthPackageIp`, { body: { elasticIpId }, as });

describe('applyBandwidthPackages', () => {
  let h: TestHarness;
  let creds: Account;
  beforeAll(async () => {
    h = await createHarness();
    creds = await h.newAccount();
  });
  afterAll(() => h.close());

  it('buys packages on the region line with every model field', async () => {
    const ids = await pkgIds(
      h,
      { count: 2, bandwidth: 20, extraUplinkBandwidth: 5, name: '共享-带宽_1' },
      creds,
    );
    expect(ids).toHaveLength(2);
    expect(ids.every((id) => /^bwp-[a-z0-9]{28}$/.test(id))).toBe(true);
    expect(await describePkg(h, ids[0], creds)).toEqual({
      region: REGION,
      az: '',
      bandwidthPackageId: ids[0],
      bandwidth: 20,
      extraUplinkBandwidth: 5,
      lineType: 'ct',
      name: '共享-带宽_1',
      createTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      charge: {
        chargeMode: 'postpaid_by_duration',
        chargeStatus: 'normal',
        chargeStartTime: expect.stringMatching(/Z$/),
        chargeExpiredTime: '',
        chargeRetireTime: '',
      },
    });
  });

  it('gives a prepaid package an expiry', async () => {
    const [id] = await pkgIds(h, { charge: PREPAID }, creds);
    expect((await describePkg(h, id, creds)).charge.chargeExpiredTime).not.toBe('');
  });

  it.each([
    [
      'a missing name',
      { name: undefined },
      'INVALID_ARGUMENT',
      'missing required parameter bandwidthPackageSpec.name',
    ],
    [
      'a name with a space',
      { name: 'my package' },
      'INVALID_ARGUMENT',
      'invalid parameter bandwidthPackageSpec.name: must be 1-32 characters of Chinese characters, letters, digits, _ and -',
    ],
    [
      'a 33-character name',
      { name: 'a'.repeat(33) },
      'INVALID_ARGUMENT',
      'invalid parameter bandwidthPackageSpec.name: must be 1-32 characters of Chinese characters, letters, digits, _ and -',
    ],
    [
      'bandwidth 0',
      { bandwidth: 0 },
      'OUT_OF_RANGE',
      'parameter bandwidthPackageSpec.bandwidth out of range: must be in [1, 10240]',
    ],
    [
      'bandwidth 10241',
      { bandwidth: 10241 },
      'OUT_OF_RANGE',
      'parameter bandwidthPackageSpec.bandwidth out of range: must be in [1, 10240]',
    ],
    [
      'extraUplinkBandwidth 10241',
      { extraUplinkBandwidth: 10241 },
      'OUT_OF_RANGE',
      'parameter bandwidthPackageSpec.extraUplinkBandwidth out of range: must be in [0, 10240]',
    ],
    [
      'count 0',
      { count: 0 },
      'OUT_OF_RANGE',
      'parameter bandwidthPackageSpec.count out of range: must be at least 1',
    ],
    [
      'charge mode postpaid_by_usage',
      { charge: { chargeMode: 'postpaid_by_usage' } },
      'INVALID_ARGUMENT',
      'invalid parameter bandwidthPackageSpec.charge.chargeMode: must be one of prepaid_by_duration, postpaid_by_duration',
    ],
    [
      'a 4-year term',
      { charge: { chargeMode: 'prepaid_by_duration', chargeUnit: 'year', chargeDuration: 4 } },
      'OUT_OF_RANGE',
      'parameter bandwidthPackageSpec.charge.chargeDuration out of range: must be in [1, 3]',
    ],
  ])('refuses %s and creates nothing', async (_label, change, status, message) => {
    const other = await h.newAccount();
    const spec: Record<string, unknown> = { name: 'p', bandwidth: 100, count: 1, charge: POSTPAID };
    for (const [k, v] of Object.entries(change)) {
      if (v === undefined) delete spec[k];
      else spec[k] = v;
    }
    expectError(
      await h.call('PUT', PKGS, { body: { bandwidthPackageSpec: spec }, as: other }),
      400,
      status,
      message,
    );
    expect(resultOf<{ totalCount: number }>(await h.call('GET', PKGS, { as: other })).totalCount).toBe(0);
  });

  it('returns the first result for a repeated clientToken and creates one package', async () => {
    const other = await h.newAccount();
    const first = resultOf(await applyPkg(h, {}, { as: other, token: 'bwp-1' }));
    const again = resultOf(await applyPkg(h, { count: 4 }, { as: other, token: 'bwp-1' }));
    expect(again).toEqual(first);
    expect(resultOf<{ totalCount: number }>(await h.call('GET', PKGS, { as: other })).totalCount).toBe(1);
  });
});

describe('describeBandwidthPackageStock', () => {
  let h: TestHarness;
  let creds: Account;
  beforeAll(async () => {
    h = await createHarness();
    creds = await h.newAccount();
    await h.runtime.services.accounts.setQuota(creds.accountId, REGION, { elasticIps: 100 });
  });
  afterAll(() => h.close());

  it('reports the region capacity when nothing is sold', async () => {
    expect(await stock(h)).toEqual({
      region: REGION,
      availableBandwidth: 200000,
      availableExtraUplinkBandwidth: 100000,
    });
  });

  it('refuses a purchase beyond the bandwidth stock and sells nothing', async () => {
    expectError(
      await applyPkg(h, { count: 20, bandwidth: 10240 }, { as: creds }),
      400,
      'FAILED_PRECONDITION',
      'not enough bandwidth stock in region cn-east-tz1: 204800 Mbps requested, 200000 Mbps available',
    );
    expect((await stock(h)).availableBandwidth).toBe(200000);
  });

  it('counts packages and elastic IPs outside packages, not package members', async () => {
    const before = await stock(h);
    const [pkg] = await pkgIds(h, { bandwidth: 300, extraUplinkBandwidth: 30 }, creds);
    const [eip] = await eipIds(h, { bandwidth: 7, extraUplinkBandwidth: 2 }, creds);
    expect(await stock(h)).toMatchObject({
      availableBandwidth: before.availableBandwidth - 307,
      availableExtraUplinkBandwidth: before.availableExtraUplinkBandwidth - 32,
    });
    resultOf(await add(h, pkg, [eip], creds));
    expect((await stock(h)).availableBandwidth).toBe(before.availableBandwidth - 300);
    resultOf(await remove(h, pkg, eip, creds));
    expect((await stock(h)).availableBandwidth).toBe(before.availableBandwidth - 307);
    resultOf(await h.call('DELETE', `/regions/${REGION}/elasticIps/${eip}`, { as: creds }));
    resultOf(await h.call('DELETE', `${PKGS}/${pkg}`, { as: creds }));
    expect(await stock(h)).toEqual(before);
  });

  it('is the same figure describeElasticIpStock reports', async () => {
    await pkgIds(h, { bandwidth: 123 }, creds);
    const eipStock = resultOf<{ availableBandwidth: number; availableExtraUplinkBandwidth: number }>(
      await h.call('GET', `/regions/${REGION}/elasticIpStock`),
    );
    const s = await stock(h);
    expect(eipStock.availableBandwidth).toBe(s.availableBandwidth);
    expect(eipStock.availableExtraUplinkBandwidth).toBe(s.availableExtraUplinkBandwidth);
  });
});

describe('describeBandwidthPackage and describeBandwidthPackages', () => {
  let h: TestHarness;
  let creds: Account;
  let ids: string[];
  beforeAll(async () => {
    h = await createHarness();
    creds = await h.newAccount();
    ids = [
      ...(await pkgIds(h, { name: 'Edge-Web' }, creds)),
      ...(await pkgIds(h, { name: 'edge-db' }, creds)),
      ...(await pkgIds(h, { name: 'office' }, creds)),
    ];
  });
  afterAll(() => h.close());

  const list = async (query: Record<string, string | number>, as: Credentials = creds) =>
    resultOf<{ bandwidthPackages: Pkg[]; totalCount: number; pageNumber: number; pageSize: number }>(
      await h.call('GET', PKGS, { query, as }),
    );

  it('lists in creation order with paging', async () => {
    const p2 = await list({ pageSize: 2, pageNumber: 2 });
    expect(p2).toMatchObject({ pageNumber: 2, pageSize: 2, totalCount: 3 });
    expect(p2.bandwidthPackages.map((p) => p.bandwidthPackageId)).toEqual([ids[2]]);
  });

  it('filters by bandwidthPackageId', async () => {
    const r = await list({
      'filters.1.name': 'bandwidthPackageId',
      'filters.1.values.1': ids[0],
      'filters.1.values.2': ids[2],
    });
    expect(r.bandwidthPackages.map((p) => p.bandwidthPackageId)).toEqual([ids[0], ids[2]]);
  });

  it('matches name as a case-insensitive substring', async () => {
    const r = await list({ name: 'EDGE' });
    expect(r.bandwidthPackages.map((p) => p.name)).toEqual(['Edge-Web', 'edge-db']);
    expect((await list({ name: '%' })).totalCount).toBe(0);
  });

  it('answers 404 for an unknown package and for another account’s', async () => {
    const other = await h.newAccount();
    expectError(
      await h.call('GET', `${PKGS}/bwp-unknown`, { as: creds }),
      404,
      'NOT_FOUND',
      'bandwidth package bwp-unknown not found',
    );
    expectError(
      await h.call('GET', `${PKGS}/${ids[0]}`, { as: other }),
      404,
      'NOT_FOUND',
      `bandwidth package ${ids[0]} not found`,
    );
    expect((await list({}, other)).totalCount).toBe(0);
  });
});

describe('modifyBandwidthPackage', () => {
  let h: TestHarness;
  let creds: Account;
  beforeAll(async () => {
    h = await createHarness();
    creds = await h.newAccount();
  });
  afterAll(() => h.close());

  const modify = (id: string, body: Record<string, unknown>, as: Credentials = creds) =>
    h.call('POST', `${PKGS}/${id}`, { body, as });

  it('renames the package and returns it', async () => {
    const [id] = await pkgIds(h, { name: 'old' }, creds);
    const r = resultOf<{ bandwidthPackage: Pkg }>(await modify(id, { name: 'new_name' }));
    expect(r.bandwidthPackage).toMatchObject({ bandwidthPackageId: id, name: 'new_name', bandwidth: 100 });
    expect((await describePkg(h, id, creds)).name).toBe('new_name');
  });

  it('changes nothing without a name', async () => {
    const [id] = await pkgIds(h, { name: 'same' }, creds);
    expect(resultOf<{ bandwidthPackage: Pkg }>(await modify(id, {})).bandwidthPackage.name).toBe('same');
  });

  it('refuses an invalid name', async () => {
    const [id] = await pkgIds(h, {}, creds);
    expectError(
      await modify(id, { name: 'bad name!' }),
      400,
      'INVALID_ARGUMENT',
      'invalid parameter name: must be 1-32 characters of Chinese characters, letters, digits, _ and -',
    );
  });

  it('answers 404 for another account’s package', async () => {
    const other = await h.newAccount();
    const [id] = await pkgIds(h, {}, other);
    expectError(await modify(id, { name: 'x' }), 404, 'NOT_FOUND', `bandwidth package ${id} not found`);
    expect((await describePkg(h, id, other)).name).toBe('shared-1');
  });
});

describe('modifyBandwidthPackageBandwidth', () => {
  let h: TestHarness;
  let creds: Account;
  beforeAll(async () => {
    h = await createHarness();
    creds = await h.newAccount();
  });
  afterAll(() => h.close());

  const modify = (id: string, body: Record<string, unknown>, as: Credentials = creds) =>
    h.call('PUT', `${PKGS}/${id}:modifyBandwidthPackageBandwidth`, { body, as });

  it('changes bandwidth, keeps extra uplink when absent, and moves the stock', async () => {
    const [id] = await pkgIds(h, { bandwidth: 100, extraUplinkBandwidth: 9 }, creds);
    const before = await stock(h);
    expect(resultOf(await modify(id, { bandwidth: 600 }))).toEqual({ success: true });
    expect(await describePkg(h, id, creds)).toMatchObject({ bandwidth: 600, extraUplinkBandwidth: 9 });
    expect((await stock(h)).availableBandwidth).toBe(before.availableBandwidth - 500);
    resultOf(await modify(id, { bandwidth: 600, extraUplinkBandwidth: 1 }));
    expect((await stock(h)).availableExtraUplinkBandwidth).toBe(before.availableExtraUplinkBandwidth + 8);
  });

  it('refuses an increase beyond the stock', async () => {
    const [id] = await pkgIds(h, { bandwidth: 1 }, creds);
    await pkgIds(h, { count: 19, bandwidth: 10240 }, creds);
    const left = (await stock(h)).availableBandwidth;
    expectError(
      await modify(id, { bandwidth: 10240 }),
      400,
      'FAILED_PRECONDITION',
      `not enough bandwidth stock in region cn-east-tz1: 10239 Mbps requested, ${left} Mbps available`,
    );
    expect((await describePkg(h, id, creds)).bandwidth).toBe(1);
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
      'extraUplinkBandwidth -1',
      { bandwidth: 1, extraUplinkBandwidth: -1 },
      'OUT_OF_RANGE',
      'parameter extraUplinkBandwidth out of range: must be in [0, 10240]',
    ],
  ])('refuses %s', async (_label, body, status, message) => {
    const [id] = await pkgIds(h, {}, creds);
    expectError(await modify(id, body), 400, status, message);
  });

  it('answers 404 for another account’s package', async () => {
    const other = await h.newAccount();
    const [id] = await pkgIds(h, {}, other);
    expectError(await modify(id, { bandwidth: 2 }), 404, 'NOT_FOUND', `bandwidth package ${id} not found`);
  });
});

describe('addBandwidthPackageIp and removeBandwidthPackageIp', () => {
  let h: TestHarness;
  let creds: Account;
  beforeAll(async () => {
    h = await createHarness();
    creds = await h.newAccount();
    await h.runtime.services.accounts.setQuota(creds.accountId, REGION, { elasticIps: 400 });
  });
  afterAll(() => h.close());

  it('adds elastic IPs to the package and removes one', async () => {
    const [pkg] = await pkgIds(h, {}, creds);
    const eips = await eipIds(h, { count: 2 }, creds);
    expect(resultOf(await add(h, pkg, eips, creds))).toEqual({ success: true });
    expect((await describeEip(h, eips[0], creds)).bandwidthPackageId).toBe(pkg);
    expect(resultOf(await remove(h, pkg, eips[0], creds))).toEqual({ success: true });
    expect((await describeEip(h, eips[0], creds)).bandwidthPackageId).toBe('');
    expect((await describeEip(h, eips[1], creds)).bandwidthPackageId).toBe(pkg);
  });

  it('refuses an elastic IP that is already in a package, adding none of the list', async () => {
    const [p1, p2] = await pkgIds(h, { count: 2 }, creds);
    const [a, b] = await eipIds(h, { count: 2 }, creds);
    resultOf(await add(h, p1, [a], creds));
    expectError(
      await add(h, p2, [b, a], creds),
      400,
      'FAILED_PRECONDITION',
      `elastic IP ${a} already belongs to bandwidth package ${p1}`,
    );
    expect((await describeEip(h, b, creds)).bandwidthPackageId).toBe('');
  });

  it('refuses an elastic IP already in this very package', async () => {
    const [pkg] = await pkgIds(h, {}, creds);
    const [a] = await eipIds(h, {}, creds);
    resultOf(await add(h, pkg, [a], creds));
    expectError(
      await add(h, pkg, [a], creds),
      400,
      'FAILED_PRECONDITION',
      `elastic IP ${a} already belongs to bandwidth package ${pkg}`,
    );
  });

  it('refuses unknown and foreign elastic IPs as INVALID_ARGUMENT naming elasticIpIds', async () => {
    const other = await h.newAccount();
    const [pkg] = await pkgIds(h, {}, creds);
    const [theirs] = await eipIds(h, {}, other);
    expectError(
      await add(h, pkg, ['fip-nope'], creds),
      400,
      'INVALID_ARGUMENT',
      'invalid parameter elasticIpIds: elastic IP fip-nope not found in region cn-east-tz1',
    );
    expectError(
      await add(h, pkg, [theirs], creds),
      400,
      'INVALID_ARGUMENT',
      `invalid parameter elasticIpIds: elastic IP ${theirs} not found in region cn-east-tz1`,
    );
  });

  it.each([
    ['an empty list', [], 'invalid parameter elasticIpIds: must list at least one elastic IP id'],
    ['an empty id', [''], 'invalid parameter elasticIpIds.0: must be an elastic IP id'],
  ])('refuses %s', async (_label, list, message) => {
    const [pkg] = await pkgIds(h, {}, creds);
    expectError(await add(h, pkg, list, creds), 400, 'INVALID_ARGUMENT', message);
  });

  it('refuses a list naming an elastic IP twice', async () => {
    const [pkg] = await pkgIds(h, {}, creds);
    const [a] = await eipIds(h, {}, creds);
    expectError(
      await add(h, pkg, [a, a], creds),
      400,
      'INVALID_ARGUMENT',
      `invalid parameter elasticIpIds: lists ${a} more than once`,
    );
  });

  it('requires elasticIpIds', async () => {
    const [pkg] = await pkgIds(h, {}, creds);
    expectError(
      await h.call('PUT', `${PKGS}/${pkg}:addBandwidthPackageIp`, { body: {}, as: creds }),
      400,
      'INVALID_ARGUMENT',
      'missing required parameter elasticIpIds',
    );
  });

  it('holds at most 300 elastic IPs', async () => {
    const [pkg] = await pkgIds(h, {}, creds);
    const many = await eipIds(h, { count: 299, bandwidth: 1, bandwidthPackageId: pkg }, creds);
    expect(many).toHaveLength(299);
    const [x, y] = await eipIds(h, { count: 2, bandwidth: 1 }, creds);
    expectError(
      await add(h, pkg, [x, y], creds),
      400,
      'FAILED_PRECONDITION',
      `bandwidth package ${pkg} holds 299 of at most 300 elastic IPs; 2 more do not fit`,
    );
    resultOf(await add(h, pkg, [x], creds));
    expectError(
      await add(h, pkg, [y], creds),
      400,
      'FAILED_PRECONDITION',
      `bandwidth package ${pkg} holds 300 of at most 300 elastic IPs; 1 more do not fit`,
    );
    expectError(
      await h.call('PUT', `/regions/${REGION}/elasticIps`, {
        body: { elasticIpSpec: { bandwidth: 1, count: 1, bandwidthPackageId: pkg, charge: POSTPAID } },
        as: creds,
      }),
      400,
      'INVALID_ARGUMENT',
      `invalid parameter elasticIpSpec.bandwidthPackageId: bandwidth package ${pkg} holds 300 of at most 300 elastic IPs; 1 more do not fit`,
    );
  });

  it('refuses to remove an elastic IP that is not in the package', async () => {
    const [p1, p2] = await pkgIds(h, { count: 2 }, creds);
    const [a] = await eipIds(h, {}, creds);
    resultOf(await add(h, p1, [a], creds));
    expectError(
      await remove(h, p2, a, creds),
      400,
      'FAILED_PRECONDITION',
      `elastic IP ${a} is not in bandwidth package ${p2}`,
    );
    expectError(
      await remove(h, p1, 'fip-nope', creds),
      400,
      'INVALID_ARGUMENT',
      'invalid parameter elasticIpId: elastic IP fip-nope not found in region cn-east-tz1',
    );
  });

  it('answers 404 for another account’s package', async () => {
    const other = await h.newAccount();
    const [theirPkg] = await pkgIds(h, {}, other);
    const [mine] = await eipIds(h, {}, creds);
    expectError(
      await add(h, theirPkg, [mine], creds),
      404,
      'NOT_FOUND',
      `bandwidth package ${theirPkg} not found`,
    );
    expectError(
      await remove(h, theirPkg, mine, creds),
      404,
      'NOT_FOUND',
      `bandwidth package ${theirPkg} not found`,
    );
  });

  it('applies a clientToken once', async () => {
    const [pkg] = await pkgIds(h, {}, creds);
    const [a] = await eipIds(h, {}, creds);
    resultOf(await add(h, pkg, [a], creds, 'add-1'));
    expect(resultOf(await add(h, pkg, [a], creds, 'add-1'))).toEqual({ success: true });
  });
});

describe('removeBandwidthPackageIp stock', () => {
  let h: TestHarness;
  let creds: Account;
  beforeAll(async () => {
    h = await createHarness();
    creds = await h.newAccount();
  });
  afterAll(() => h.close());

  it('refuses to take an elastic IP out when the stock cannot cover its own bandwidth', async () => {
    const [pkg] = await pkgIds(h, { bandwidth: 1 }, creds);
    const [eip] = await eipIds(h, { bandwidth: 10240, bandwidthPackageId: pkg }, creds);
    await pkgIds(h, { count: 19, bandwidth: 10240 }, creds);
    const left = (await stock(h)).availableBandwidth;
    expect(left).toBeLessThan(10240);
    expectError(
      await remove(h, pkg, eip, creds),
      400,
      'FAILED_PRECONDITION',
      `not enough bandwidth stock in region cn-east-tz1: 10240 Mbps requested, ${left} Mbps available`,
    );
    expect((await describeEip(h, eip, creds)).bandwidthPackageId).toBe(pkg);
  });
});

describe('deleteBandwidthPackage', () => {
  let h: TestHarness;
  let creds: Account;
  beforeAll(async () => {
    h = await createHarness();
    creds = await h.newAccount();
  });
  afterAll(() => h.close());

  const del = (id: string, query: Record<string, string> = {}, as: Credentials = creds) =>
    h.call('DELETE', `${PKGS}/${id}`, { query, as });

  it('deletes an empty postpaid package', async () => {
    const [id] = await pkgIds(h, {}, creds);
    expect(resultOf(await del(id))).toEqual({ success: true });
    expect((await h.call('GET', `${PKGS}/${id}`, { as: creds })).statusCode).toBe(404);
  });

  it('refuses a package that still holds elastic IPs', async () => {
    const [id] = await pkgIds(h, {}, creds);
    const [eip] = await eipIds(h, { bandwidthPackageId: id }, creds);
    expectError(
      await del(id),
      400,
      'FAILED_PRECONDITION',
      `bandwidth package ${id} still holds 1 elastic IP; remove them first`,
    );
    resultOf(await remove(h, id, eip, creds));
    expect(resultOf(await del(id))).toEqual({ success: true });
  });

  it('refuses a prepaid package before it expires', async () => {
    const [id] = await pkgIds(h, { charge: PREPAID }, creds);
    const { charge } = await describePkg(h, id, creds);
    expectError(
      await del(id),
      400,
      'FAILED_PRECONDITION',
      `bandwidth package ${id} is prepaid until ${charge.chargeExpiredTime}; it cannot be deleted before it expires`,
    );
  });

  it('answers 404 for an unknown package and another account’s', async () => {
    const other = await h.newAccount();
    const [id] = await pkgIds(h, {}, other);
    expectError(await del('bwp-nope'), 404, 'NOT_FOUND', 'bandwidth package bwp-nope not found');
    expectError(await del(id), 404, 'NOT_FOUND', `bandwidth package ${id} not found`);
    expect((await describePkg(h, id, other)).bandwidthPackageId).toBe(id);
  });

  it('repeats the first answer for a repeated clientToken', async () => {
    const [id] = await pkgIds(h, {}, creds);
    expect(resultOf(await del(id, { clientToken: 'del-pkg' }))).toEqual({ success: true });
    expect(resultOf(await del(id, { clientToken: 'del-pkg' }))).toEqual({ success: true });
  });
});

describe('deleteBandwidthPackage of an expired prepaid package', () => {
  let h: TestHarness;
  let t = Date.parse('2024-03-31T00:00:00Z');
  beforeAll(async () => {
    h = await createHarness({ clock: { now: () => t } });
  });
  afterAll(() => h.close());

  it('is allowed once the term has run out', async () => {
    const [id] = await pkgIds(h, { charge: PREPAID });
    expect((await describePkg(h, id)).charge.chargeExpiredTime).toBe('2024-05-31T00:00:00Z');
    expect((await h.call('DELETE', `${PKGS}/${id}`)).statusCode).toBe(400);
    t = Date.parse('2024-05-31T00:00:00Z');
    expect(resultOf(await h.call('DELETE', `${PKGS}/${id}`))).toEqual({ success: true });
  });
});

describe('bandwidth stock under concurrency', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it('never sells more bandwidth than the region has, whatever the race', async () => {
    const accounts = await Promise.all(Array.from({ length: 4 }, () => h.newAccount()));
    // 4 × 6 × 10240 = 245760 Mbps asked of a 200000 Mbps region: at most 3 orders fit.
    const results = await Promise.all(
      accounts.map((a) => applyPkg(h, { count: 6, bandwidth: 10240 }, { as: a })),
    );
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(3);
    expect((await stock(h)).availableBandwidth).toBe(200000 - 3 * 6 * 10240);
  });
});
