import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../src/api/operations.js';
import { authenticate } from '../../src/api/plugins/signature.js';
import { collapseSlashes } from '../../src/auth/canonical.js';
import { signRequest } from '../../src/auth/sign.js';
import type { AccountService } from '../../src/domain/account/account-service.js';
import { REGION, type TestHarness, createHarness, errorOf, resultOf } from '../helpers/harness.js';

/**
 * Wire edge cases (issue 15 point 9; docs/decisions.md "Empty path parameters" and "Signatures
 * over paths with `//`"): a path with an empty segment names no operation, and a signature over
 * a path with `//` verifies whether it was made over the path as sent (JS, Go) or collapsed (Python).
 */

type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';

/** A path as the JS SDK builds it: parameters substituted, each segment escaped (`:` → %3A). */
function wirePath(template: string, params: Record<string, string>): string {
  return template
    .replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? `x-${name}`)
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

function expectRouteNotFound(
  res: { statusCode: number; body: string; headers: Record<string, unknown> },
  method: string,
  path: string,
) {
  expect(res.statusCode).toBe(404);
  const body = JSON.parse(res.body) as {
    requestId: string;
    error: { code: number; status: string; message: string };
  };
  expect(body.requestId).toMatch(/^[a-z0-9]{32}$/);
  expect(res.headers['x-jdcloud-request-id']).toBe(body.requestId);
  expect(body.error).toEqual({
    code: 404,
    status: 'NOT_FOUND',
    message: `no operation matches ${method} ${path}`,
  });
}

describe('empty path parameters', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  /** Signed like the JS SDK signs: over the path exactly as sent. */
  async function send(
    method: Method,
    path: string,
    opts: { query?: string; body?: string; sign?: boolean } = {},
  ) {
    const headers =
      opts.sign === false
        ? {}
        : signRequest({
            method,
            host: 'localhost',
            path,
            query: opts.query ?? '',
            body: opts.body ?? '',
            accessKeyId: h.credentials.accessKeyId,
            secretAccessKey: h.credentials.secretAccessKey,
            region: REGION,
          });
    return h.inject({
      method,
      url: opts.query ? `${path}?${opts.query}` : path,
      headers,
      payload: opts.body,
    });
  }

  it('GET …/instances/ (describeInstance with an empty id) is 404 NOT_FOUND, not describeInstances', async () => {
    const path = `/v1/regions/${REGION}/instances/`;
    expectRouteNotFound(await send('GET', path), 'GET', path);
  });

  it('GET …/instances without the slash is still describeInstances', async () => {
    const res = await h.call('GET', `/regions/${REGION}/instances`);
    expect(resultOf(res)).toHaveProperty('totalCount');
  });

  it('GET …/instances// is 404 NOT_FOUND naming the path', async () => {
    const path = `/v1/regions/${REGION}/instances//`;
    expectRouteNotFound(await send('GET', path), 'GET', path);
  });

  it('GET …/instances//availablePrivateIps does not reach describeAvailablePrivateIp', async () => {
    const path = `/v1/regions/${REGION}/instances//availablePrivateIps`;
    // The message names the path only, as for any unknown route.
    expectRouteNotFound(await send('GET', path, { query: 'subnetId=subnet-x' }), 'GET', path);
  });

  it('GET /v1/regions//instances (an empty region) is 404, not an unknown-region 400', async () => {
    const path = '/v1/regions//instances';
    expectRouteNotFound(await send('GET', path), 'GET', path);
  });

  it('an action on an empty id (%3A and a raw colon) is 404 and changes nothing', async () => {
    for (const path of [
      `/v1/regions/${REGION}/instances/%3AstopInstance`,
      `/v1/regions/${REGION}/instances/:stopInstance`,
    ]) {
      expectRouteNotFound(await send('PUT', path, { body: '{}' }), 'PUT', path);
    }
  });

  it('GET …/instances/%20 reaches describeInstance (a blank id is an id) and is 404 NOT_FOUND', async () => {
    const res = await send('GET', `/v1/regions/${REGION}/instances/%20`);
    expect(res.statusCode).toBe(404);
    const error = errorOf({ statusCode: res.statusCode, body: res.json(), raw: res });
    expect(error.status).toBe('NOT_FOUND');
    expect(error.code).toBe(404);
    expect(error.message).toMatch(/^instance .* not found$/);
  });

  it('an unsigned request with an empty segment is 404, like any path no operation has', async () => {
    const path = `/v1/regions/${REGION}/instances/`;
    expectRouteNotFound(await send('GET', path, { sign: false }), 'GET', path);
    const unknown = `/v1/regions/${REGION}/nothing`;
    expectRouteNotFound(await send('GET', unknown, { sign: false }), 'GET', unknown);
  });

  it('every operation: each path parameter left empty gives 404 NOT_FOUND', async () => {
    for (const op of OPERATIONS) {
      for (const name of op.spec.pathParams) {
        const path = wirePath(op.spec.path, { regionId: REGION, [name]: '' });
        const body = op.spec.method === 'PUT' || op.spec.method === 'POST' ? '{}' : undefined;
        const res = await send(op.spec.method, path, { body });
        expect({ op: op.name, name, status: res.statusCode }).toEqual({ op: op.name, name, status: 404 });
        expectRouteNotFound(res, op.spec.method, path);
      }
    }
  });

  it('every operation: its path with a trailing slash gives 404 NOT_FOUND', async () => {
    for (const op of OPERATIONS) {
      const path = `${wirePath(op.spec.path, { regionId: REGION })}/`;
      const body = op.spec.method === 'PUT' || op.spec.method === 'POST' ? '{}' : undefined;
      const res = await send(op.spec.method, path, { body });
      expect({ op: op.name, status: res.statusCode }).toEqual({ op: op.name, status: 404 });
      expectRouteNotFound(res, op.spec.method, path);
    }
  });

  it('operator routes keep their trailing-slash tolerance', async () => {
    const res = await h.inject({ method: 'GET', url: '/healthz/' });
    expect(res.statusCode).toBe(200);
  });
});

describe('signatures over paths with // (the signature plugin)', () => {
  const AK = 'PLUGINAK';
  const SECRET = 'plugin-secret';
  let app: FastifyInstance;
  const seen = new Set<string>();

  beforeAll(async () => {
    const accounts = {
      lookupKey: async (ak: string) => (ak === AK ? { accountId: 'acc-1', secret: SECRET } : undefined),
      rememberNonce: async (ak: string, nonce: string) => {
        const k = `${ak}\n${nonce}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      },
    } as unknown as AccountService;
    // A bare route that only authenticates: the API refuses // paths before authentication, so
    // this is where what each SDK signs over them can be checked through real HTTP handling.
    app = Fastify();
    app.all('/*', async (request) => ({
      accountId: await authenticate(request, { accounts, windowSeconds: 900, now: () => Date.now() }),
    }));
    app.setErrorHandler((err: Error, _req, reply) => reply.code(401).send({ message: err.message }));
    await app.ready();
  });
  afterAll(() => app.close());

  const sign = (
    signedPath: string,
    algorithm: 'JDCLOUD2-HMAC-SHA256' | 'JDCLOUD3-HMAC-SHA256',
    nonce?: string,
  ) =>
    signRequest({
      method: 'GET',
      host: 'localhost',
      path: signedPath,
      accessKeyId: AK,
      secretAccessKey: SECRET,
      region: REGION,
      algorithm,
      nonce,
    });

  const PATH = `/v1/regions/${REGION}/instances//availablePrivateIps`;

  it('verifies a signature over the path as sent (JS, Go)', async () => {
    const res = await app.inject({ method: 'GET', url: PATH, headers: sign(PATH, 'JDCLOUD2-HMAC-SHA256') });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ accountId: 'acc-1' });
  });

  it('verifies a signature over the collapsed path (Python)', async () => {
    const res = await app.inject({
      method: 'GET',
      url: PATH,
      headers: sign(collapseSlashes(PATH), 'JDCLOUD3-HMAC-SHA256'),
    });
    expect(res.statusCode).toBe(200);
  });

  it('verifies a leading // (an endpoint configured with a trailing slash) either way', async () => {
    const path = `//v1/regions/${REGION}/instances`;
    for (const signed of [path, collapseSlashes(path)]) {
      const res = await app.inject({
        method: 'GET',
        url: path,
        headers: sign(signed, 'JDCLOUD3-HMAC-SHA256'),
      });
      expect(res.statusCode).toBe(200);
    }
  });

  it('refuses a signature over the path as sent when the path is then collapsed', async () => {
    const res = await app.inject({
      method: 'GET',
      url: collapseSlashes(PATH),
      headers: sign(PATH, 'JDCLOUD2-HMAC-SHA256'),
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ message: 'signature does not match' });
  });

  it('a request accepted with // cannot be replayed with the path collapsed (one nonce for both forms)', async () => {
    const headers = sign(collapseSlashes(PATH), 'JDCLOUD3-HMAC-SHA256', 'nonce-for-both-forms');
    expect((await app.inject({ method: 'GET', url: PATH, headers })).statusCode).toBe(200);
    const replay = await app.inject({ method: 'GET', url: collapseSlashes(PATH), headers });
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toEqual({ message: 'nonce was already used (replayed request)' });
  });

  it('refuses a collapsed-form signature when a non-empty segment differs', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/v1/regions/${REGION}/instances/x/availablePrivateIps`,
      headers: sign(collapseSlashes(PATH), 'JDCLOUD3-HMAC-SHA256'),
    });
    expect(res.statusCode).toBe(401);
  });
});
