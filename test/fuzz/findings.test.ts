import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/auth/sign.js';
import { type TestHarness, createHarness } from '../helpers/harness.js';

/**
 * Reproducers of what the bad-input fuzzer found, kept as plain tests: URLs that fail before
 * routing (bad percent-encoding, an over-long path parameter) got Fastify's own body and no
 * request-id header; a NUL character anywhere in the input was a 500 on PostgreSQL.
 */
describe('fuzzer findings', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  async function signedGet(path: string) {
    const headers = signRequest({
      method: 'GET',
      host: 'localhost',
      path,
      accessKeyId: h.credentials.accessKeyId,
      secretAccessKey: h.credentials.secretAccessKey,
      region: 'cn-east-tz1',
    });
    return h.inject({ method: 'GET', url: path, headers });
  }

  it('answers a bare % in the path with 400 INVALID_ARGUMENT in the envelope', async () => {
    const res = await signedGet('/v1/regions/cn-east-tz1/vpcs/%');
    const body = res.json();
    expect(res.statusCode).toBe(400);
    expect(body).toEqual({
      requestId: expect.stringMatching(/^[a-z0-9]{32}$/),
      error: {
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: 'invalid parameter path: is not valid percent-encoding',
      },
    });
    expect(res.headers['x-jdcloud-request-id']).toBe(body.requestId);
  });

  it('answers a truncated UTF-8 escape in the region with 400 INVALID_ARGUMENT in the envelope', async () => {
    const res = await signedGet('/v1/regions/%E0%A4%A/vpcs');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe('invalid parameter path: is not valid percent-encoding');
    expect(res.headers['x-jdcloud-request-id']).toBe(res.json().requestId);
  });

  it('answers a path parameter over 200 characters with 400 INVALID_ARGUMENT in the envelope', async () => {
    const res = await signedGet(`/v1/regions/cn-east-tz1/vpcs/vpc-${'a'.repeat(300)}`);
    const body = res.json();
    expect(res.statusCode).toBe(400);
    expect(body.error).toEqual({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: 'invalid parameter path: a path parameter exceeds 200 characters',
    });
    expect(res.headers['x-jdcloud-request-id']).toBe(body.requestId);
  });

  const nulRejected = (field: string) => ({
    code: 400,
    status: 'INVALID_ARGUMENT',
    message: `invalid parameter ${field}: must not contain the NUL character`,
  });

  it('rejects a NUL character in a path parameter (describeBandwidthPackages)', async () => {
    const res = await h.call('GET', '/regions/%00/bandwidthPackages');
    expect(res.statusCode).toBe(400);
    expect(res.body.error).toEqual(nulRejected('regionId'));
  });

  it('rejects a NUL character in a query parameter (describeVpcs)', async () => {
    const res = await h.call('GET', '/regions/cn-east-tz1/vpcs', { query: { name: 'a\u0000b' } });
    expect(res.statusCode).toBe(400);
    expect(res.body.error).toEqual(nulRejected('name'));
  });

  it('rejects a NUL character in a nested body field without creating anything (createVpc)', async () => {
    const res = await h.call('PUT', '/regions/cn-east-tz1/vpcs', {
      body: { vpcSpec: { name: 'nul\u0000vpc', cidr: '10.0.0.0/16', description: '' } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.body.error).toEqual(nulRejected('vpcSpec.name'));
    expect(await h.runtime.store.db.selectFrom('vpcs').select('id').execute()).toEqual([]);
  });

  // The same filter name twice is AND-ed (reference §c); with no common value nothing matches.
  // That left an empty `IN ()` list, a syntax error on PostgreSQL (500) in three repositories.
  for (const [op, path, filter, key] of [
    ['describeKeypairs', 'keypairs', 'keypairId', 'keypairs'],
    ['describeBandwidthPackages', 'bandwidthPackages', 'bandwidthPackageId', 'bandwidthPackages'],
    ['describeElasticIps', 'elasticIps', 'elasticIpId', 'elasticIps'],
    ['describeElasticIps', 'elasticIps', 'elasticIp', 'elasticIps'],
    ['describeElasticIps', 'elasticIps', 'bandwidthPackageId', 'elasticIps'],
    ['describeVpcs', 'vpcs', 'vpcId', 'vpcs'],
    ['describeSubnets', 'subnets', 'subnetId', 'subnets'],
    ['describeAliasIps', 'aliasIps', 'aliasIpId', 'aliasIps'],
    ['describeInstances', 'instances', 'instanceId', 'instances'],
  ] as const) {
    it(`answers ${op} filtered twice on ${filter} with no common value with an empty page`, async () => {
      const res = await h.call('GET', `/regions/cn-east-tz1/${path}`, {
        query: {
          'filters.0.name': filter,
          'filters.0.values.1': 'a',
          'filters.1.name': filter,
          'filters.1.values.1': 'b',
        },
      });
      expect(res.statusCode, JSON.stringify(res.body)).toBe(200);
      expect(res.body.result?.[key]).toEqual([]);
      expect(res.body.result?.totalCount).toBe(0);
    });
  }
});
