import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/auth/sign.js';
import { type TestHarness, createHarness, errorOf } from '../helpers/harness.js';

const PATH = '/v1/regions/cn-east-tz1/deviceTypes';

describe('authentication (401 UNAUTHENTICATED in the JD envelope)', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  const sign = (over: Partial<Parameters<typeof signRequest>[0]> = {}) =>
    signRequest({
      method: 'GET',
      host: 'localhost',
      path: PATH,
      accessKeyId: h.credentials.accessKeyId,
      secretAccessKey: h.credentials.secretAccessKey,
      region: 'cn-east-tz1',
      ...over,
    });

  async function expect401(headers: Record<string, string>, message: RegExp, url = PATH) {
    const res = await h.inject({ method: 'GET', url, headers });
    expect(res.statusCode).toBe(401);
    const body = res.json();
    expect(body.requestId).toMatch(/^[a-z0-9]{32}$/);
    expect(res.headers['x-jdcloud-request-id']).toBe(body.requestId);
    expect(body.error.code).toBe(401);
    expect(body.error.status).toBe('UNAUTHENTICATED');
    expect(body.error.message).toMatch(message);
    expect(JSON.stringify(body)).not.toMatch(/[0-9a-f]{64}/);
  }

  it('accepts a correctly signed request', async () => {
    const res = await h.inject({ method: 'GET', url: PATH, headers: sign() });
    expect(res.statusCode).toBe(200);
  });

  it('rejects a request without Authorization', async () => {
    await expect401({}, /missing authorization header/);
  });

  it('rejects a malformed Authorization header', async () => {
    await expect401(
      { ...sign(), authorization: 'JDCLOUD2-HMAC-SHA256 nonsense' },
      /malformed authorization header/,
    );
  });

  it('rejects an unknown access key', async () => {
    await expect401(sign({ accessKeyId: 'NOSUCHKEY' }), /unknown or revoked access key/);
  });

  it('rejects a wrong secret', async () => {
    await expect401(sign({ secretAccessKey: 'wrong-secret' }), /signature does not match/);
  });

  it('rejects a stale date', async () => {
    await expect401(sign({ time: Date.now() - 16 * 60_000 }), /outside the allowed window/);
  });

  it('rejects a date from the future', async () => {
    await expect401(sign({ time: Date.now() + 16 * 60_000 }), /outside the allowed window/);
  });

  it('rejects a replayed nonce', async () => {
    const headers = sign();
    expect((await h.inject({ method: 'GET', url: PATH, headers })).statusCode).toBe(200);
    await expect401(headers, /nonce was already used/);
  });

  it('rejects a tampered query', async () => {
    await expect401(
      sign({ query: 'az=cn-east-tz1a' }),
      /signature does not match/,
      `${PATH}?az=cn-east-tz1b`,
    );
  });

  it('rejects a missing date header', async () => {
    const headers = sign();
    delete (headers as Record<string, string | undefined>)['x-jdcloud-date'];
    await expect401(headers, /missing x-jdcloud-date header/);
  });

  it('accepts JDCLOUD3 signatures too', async () => {
    const res = await h.inject({
      method: 'GET',
      url: PATH,
      headers: sign({ algorithm: 'JDCLOUD3-HMAC-SHA256' }),
    });
    expect(res.statusCode).toBe(200);
  });

  it('accepts a revoked key no longer', async () => {
    const acc = await h.newAccount();
    const headers = sign({ accessKeyId: acc.accessKeyId, secretAccessKey: acc.secretAccessKey });
    await h.runtime.services.accounts.revokeKey(acc.accessKeyId);
    await expect401(headers, /unknown or revoked access key/);
  });
});

describe('envelopes', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it('answers an unknown route with 404 NOT_FOUND in the envelope', async () => {
    const res = await h.call('GET', '/regions/cn-east-tz1/nothing');
    expect(res.statusCode).toBe(404);
    expect(errorOf(res)).toEqual({
      code: 404,
      status: 'NOT_FOUND',
      message: 'no operation matches GET /v1/regions/cn-east-tz1/nothing',
    });
  });

  it('answers malformed JSON with 400 INVALID_ARGUMENT', async () => {
    const res = await h.call('PUT', '/regions/cn-east-tz1/vpcs', { body: '{"vpcSpec": ' });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toMatchObject({
      status: 'INVALID_ARGUMENT',
      message: 'invalid parameter request body: is not valid JSON',
    });
  });

  it('names the field of a wrongly typed body value', async () => {
    const res = await h.call('PUT', '/regions/cn-east-tz1/vpcs', {
      body: { vpcSpec: { cidr: 10, name: 'a', description: '' } },
    });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toMatchObject({
      status: 'INVALID_ARGUMENT',
      message: 'invalid parameter vpcSpec.cidr: must be of type string',
    });
  });

  it('names a missing required body field', async () => {
    const res = await h.call('PUT', '/regions/cn-east-tz1/vpcs', {
      body: { vpcSpec: { name: 'a', description: '' } },
    });
    expect(errorOf(res)).toMatchObject({ code: 400, message: 'missing required parameter vpcSpec.cidr' });
  });

  it('rejects a clientToken longer than 36 characters', async () => {
    const res = await h.call('PUT', '/regions/cn-east-tz1/instances/edcps-x:stopInstance', {
      body: { clientToken: 'x'.repeat(37) },
    });
    expect(errorOf(res)).toMatchObject({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: 'invalid parameter clientToken: must not exceed 36 characters',
    });
  });

  it('rejects an unknown region naming regionId', async () => {
    const res = await h.call('GET', '/regions/mars-1/deviceTypes');
    expect(errorOf(res)).toMatchObject({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: 'invalid parameter regionId: unknown region "mars-1"',
    });
  });

  it('rejects a body over the size limit', async () => {
    const res = await h.call('PUT', '/regions/cn-east-tz1/vpcs', { body: { pad: 'x'.repeat(1_100_000) } });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).message).toMatch(/request body: must not exceed 1048576 bytes/);
  });
});
