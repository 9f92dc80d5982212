import fs from 'node:fs';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_OPERATIONS, adminOperation } from '../../src/admin/admin-operations.js';
import { signRequest } from '../../src/auth/sign.js';
import { type AdminCall, expectError, ok, useAdminHarness } from './admin-harness.js';

/** Path parameters that name real things in a fresh harness. */
const PARAMS: Record<string, string> = {
  account: 'default',
  accessKeyId: 'TESTACCESSKEY',
  regionId: 'cn-east-tz1',
  device: 'cn-east-tz1a-c.normal1-0001',
  deviceType: 'edcps.c.normal1',
  faultId: 'fault-unknown',
  instanceId: 'edcps-unknown',
};

/** A body that would change something if the call were allowed. */
const BODIES: Record<string, unknown> = {
  createAccount: { name: 'newacct', role: 'operator' },
  modifyQuota: { instances: 5 },
  addDevices: {
    devices: [
      { region: 'cn-east-tz1', az: 'cn-east-tz1a', deviceType: 'edcps.c.normal1', serial: 'SN-NEW-1' },
    ],
  },
  modifyDeviceBmc: { bmcUrl: 'ipmi://admin:pw@127.0.0.1:6230' },
  powerDevice: { action: 'status' },
  addOs: { deviceType: 'edcps.c.normal1', osName: 'X 1', osType: 'X', osVersion: '1' },
  addRaid: { deviceType: 'edcps.c.normal1', volumeType: 'data', raidType: 'RAID5', volumeDetail: '3*1TB' },
  addFault: { operation: 'describeVpcs', status: 'INTERNAL' },
  advanceTime: { seconds: 10 },
  setTime: { time: '2031-01-01T00:00:00Z' },
  settle: {},
  reset: { accounts: true },
};

const pathOf = (template: string) =>
  template
    .replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(PARAMS[k]!))
    .replace(/:(\w+)$/, '%3A$1');

describe('operator API: who may call it', () => {
  const h = useAdminHarness();
  let disabledOperator: { accessKeyId: string; secretAccessKey: string };
  beforeAll(async () => {
    const c = await h.runtime.services.accounts.createAccount('ops-off', { role: 'operator' });
    await h.runtime.services.accounts.disableAccount('ops-off');
    disabledOperator = c;
  });

  it('has exactly the operations of docs/admin-api.md: names, methods and paths', () => {
    const doc = fs.readFileSync(new URL('../../docs/admin-api.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\| (\w+) \| `(GET|POST|PUT|DELETE) ([^`]+)` \|/gm)].map(
      (m) => `${m[1]} ${m[2]} ${m[3]}`,
    );
    expect(rows.length).toBeGreaterThan(30);
    expect(ADMIN_OPERATIONS.map((o) => `${o.name} ${o.method} ${o.path}`)).toEqual(rows);
    expect(adminOperation('describeDevices').path).toBe('/admin/v1/devices');
    expect(() => adminOperation('noSuchOperation')).toThrow(/unknown operator operation "noSuchOperation"/);
  });

  for (const op of ADMIN_OPERATIONS) {
    const body = op.method === 'POST' || op.method === 'PUT' ? (BODIES[op.name] ?? {}) : undefined;

    const send = (as: AdminCall['as']) => () => h.call(op.method, pathOf(op.path), { body, as });

    it(`${op.name}: a user's key gets 403 HTTP_FORBIDDEN and nothing changes`, async () => {
      await h.refused(
        send(h.user),
        403,
        'HTTP_FORBIDDEN',
        "the operator API needs an operator's access key; account default is a user",
      );
    });

    it(`${op.name}: a disabled operator's key gets 403 and nothing changes`, async () => {
      await h.refused(send(disabledOperator), 403, 'HTTP_FORBIDDEN', 'account ops-off is disabled');
    });

    it(`${op.name}: an unsigned request gets 401 UNAUTHENTICATED and nothing changes`, async () => {
      await h.refused(send(null), 401, 'UNAUTHENTICATED', 'missing authorization header');
    });

    it(`${op.name}: a wrong secret gets 401 UNAUTHENTICATED`, async () => {
      const res = await send({ accessKeyId: h.operator.accessKeyId, secretAccessKey: 'not-the-secret' })();
      expectError(res, 401, 'UNAUTHENTICATED', 'signature does not match');
    });
  }

  it('verifies the signature over the URL as sent, with a raw ":" or "%3A" before the action', async () => {
    for (const sep of [':', '%3A', '%3a']) {
      const path = `/admin/v1/accounts/default${sep}enable`;
      const r = ok<{ status: string }>(await h.call('POST', path));
      expect(r.status).toBe('active');
    }
  });

  it('refuses a replayed request (same nonce) with 401', async () => {
    const headers = signRequest({
      method: 'GET',
      host: 'localhost',
      path: '/admin/v1/time',
      accessKeyId: h.operator.accessKeyId,
      secretAccessKey: h.operator.secretAccessKey,
      region: 'cn-east-tz1',
    });
    expect((await h.inject({ method: 'GET', url: '/admin/v1/time', headers })).statusCode).toBe(200);
    const again = await h.inject({ method: 'GET', url: '/admin/v1/time', headers });
    expect(again.statusCode).toBe(401);
    expect(again.json().error.message).toMatch(/nonce was already used/);
  });

  it('accepts JDCLOUD3 signatures and a date inside the window, refuses one outside', async () => {
    const sign = (time: number) =>
      signRequest({
        method: 'GET',
        host: 'localhost',
        path: '/admin/v1/time',
        accessKeyId: h.operator.accessKeyId,
        secretAccessKey: h.operator.secretAccessKey,
        region: 'cn-north-1',
        algorithm: 'JDCLOUD3-HMAC-SHA256',
        time,
      });
    expect(
      (await h.inject({ method: 'GET', url: '/admin/v1/time', headers: sign(Date.now() - 60_000) }))
        .statusCode,
    ).toBe(200);
    const stale = await h.inject({
      method: 'GET',
      url: '/admin/v1/time',
      headers: sign(Date.now() - 16 * 60_000),
    });
    expect(stale.statusCode).toBe(401);
    expect(stale.json().error.message).toMatch(/outside the allowed window/);
  });

  it('answers an empty path parameter with 404 before authentication', async () => {
    const res = await h.call('GET', '/admin/v1/accounts//access-keys', { as: null });
    expectError(res, 404, 'NOT_FOUND', 'no operation matches GET /admin/v1/accounts//access-keys');
  });

  it('whoami answers any active role with its account, name and role', async () => {
    expect(ok(await h.call('GET', '/edcps/v1/whoami'))).toEqual({
      accountId: h.operator.accountId,
      name: 'ops',
      role: 'operator',
    });
    expect(ok(await h.call('GET', '/edcps/v1/whoami', { as: h.user }))).toEqual({
      accountId: h.user.accountId,
      name: 'default',
      role: 'user',
    });
  });

  it('whoami refuses a disabled account (403) and an unsigned call (401)', async () => {
    expectError(
      await h.call('GET', '/edcps/v1/whoami', { as: disabledOperator }),
      403,
      'HTTP_FORBIDDEN',
      'account ops-off is disabled',
    );
    expectError(
      await h.call('GET', '/edcps/v1/whoami', { as: null }),
      401,
      'UNAUTHENTICATED',
      'missing authorization header',
    );
  });

  it('lists every operator route and whoami in /openapi.json under the tag operator', async () => {
    const doc = (await h.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<
        string,
        Record<
          string,
          {
            tags?: string[];
            operationId?: string;
            requestBody?: { content?: Record<string, { schema: object }> };
            responses?: Record<string, { content?: Record<string, { schema: object }> }>;
          }
        >
      >;
    };
    for (const op of ADMIN_OPERATIONS) {
      const entry = doc.paths[op.path]?.[op.method.toLowerCase()];
      expect(entry, `${op.method} ${op.path}`).toBeDefined();
      expect(entry!.tags).toEqual(['operator']);
    }
    expect(doc.paths['/edcps/v1/whoami']?.get?.tags).toEqual(['operator']);
    // Every schema it shows compiles (clients generate code from them).
    const ajv = new Ajv({ strict: false });
    for (const methods of Object.values(doc.paths)) {
      for (const op of Object.values(methods)) {
        if (!op.tags?.includes('operator')) continue;
        const body = op.requestBody?.content?.['application/json']?.schema;
        if (body) expect(() => ajv.compile(body), `${op.operationId} body`).not.toThrow();
        const res = op.responses?.['200']?.content?.['application/json']?.schema;
        expect(res, `${op.operationId} 200`).toBeDefined();
        expect(() => ajv.compile(res!), `${op.operationId} 200`).not.toThrow();
      }
    }
    // The JD operations stay as they were.
    expect(doc.paths['/v1/regions/{regionId}/instances']?.get?.operationId).toBe('describeInstances');
  });
});
