import { describe, expect, it } from 'vitest';
import { expectError, ok, useAdminHarness } from './admin-harness.js';

const JD = '/v1/regions/cn-east-tz1/deviceTypes';
const NOBODY = 'no account named or with id "nobody"';

describe('operator API: accounts, access keys and quotas', () => {
  const h = useAdminHarness();

  it('createAccount makes a user by default and shows the secret once', async () => {
    const r = ok<Record<string, string>>(
      await h.call('POST', '/admin/v1/accounts', { body: { name: 'alice' } }),
    );
    expect(r).toMatchObject({ role: 'user' });
    expect(r.accountId).toMatch(/^acc-/);
    expect(r.secretAccessKey.length).toBeGreaterThan(20);
    const a = ok(await h.call('GET', '/admin/v1/accounts/alice'));
    expect(a).toEqual({
      accountId: r.accountId,
      name: 'alice',
      role: 'user',
      status: 'active',
      createdAt: expect.any(String),
    });
    expect(JSON.stringify(a)).not.toContain(r.secretAccessKey);
    // The new key signs JD calls at once.
    const jd = await h.call('GET', JD, {
      as: { accessKeyId: r.accessKeyId!, secretAccessKey: r.secretAccessKey! },
    });
    expect(jd.statusCode).toBe(200);
  });

  it('createAccount with role operator makes a key that may call the operator API', async () => {
    const r = ok<Record<string, string>>(
      await h.call('POST', '/admin/v1/accounts', { body: { name: 'ops2', role: 'operator' } }),
    );
    expect(r.role).toBe('operator');
    const as = { accessKeyId: r.accessKeyId!, secretAccessKey: r.secretAccessKey! };
    expect(ok(await h.call('GET', '/edcps/v1/whoami', { as }))).toMatchObject({
      name: 'ops2',
      role: 'operator',
    });
    expect((await h.call('GET', '/admin/v1/time', { as })).statusCode).toBe(200);
    // An operator may call the JD API for its own account too.
    expect((await h.call('GET', JD, { as })).statusCode).toBe(200);
  });

  it('createAccount refuses bad input with 400 naming the field, and changes nothing', async () => {
    const bad = 'INVALID_ARGUMENT';
    await h.refusesAll(
      (body: unknown) => h.call('POST', '/admin/v1/accounts', { body }),
      [
        [{}, 400, bad, 'missing required parameter name'],
        [{ name: 7 }, 400, bad, 'invalid parameter name: must be of type string'],
        [{ name: '1bad' }, 400, bad, 'account name must be 2-64 characters'],
        [{ name: 'carol', role: 'root' }, 400, bad, 'invalid parameter role: must be one of user, operator'],
        [
          { name: 'carol', admin: true },
          400,
          bad,
          'invalid parameter admin: is not a parameter of this operation',
        ],
        ['[1]', 400, bad, 'invalid parameter request body: must be a JSON object'],
        ['{', 400, bad, 'invalid parameter request body: is not valid JSON'],
        [{ name: 'ca\u0000rol' }, 400, bad, 'must not contain the NUL character'],
      ],
    );
  });

  it('createAccount refuses a taken name with 409 ALREADY_EXISTS', async () => {
    await h.refused(
      () => h.call('POST', '/admin/v1/accounts', { body: { name: 'default' } }),
      409,
      'ALREADY_EXISTS',
      'account "default" already exists',
    );
  });

  it('describeAccounts pages accounts in creation order with totalCount', async () => {
    const all = ok<{ accounts: { name: string }[]; totalCount: number }>(
      await h.call('GET', '/admin/v1/accounts'),
    );
    expect(all.accounts[0]!.name).toBe('default');
    expect(all.totalCount).toBe(all.accounts.length);
    const p2 = ok<Record<string, unknown>>(
      await h.call('GET', '/admin/v1/accounts', { query: { pageNumber: 2, pageSize: 1 } }),
    );
    expect(p2).toMatchObject({ pageNumber: 2, pageSize: 1, totalCount: all.totalCount });
    expect((p2.accounts as { name: string }[]).map((a) => a.name)).toEqual([all.accounts[1]!.name]);
  });

  it('describeAccounts refuses paging out of range with 400 OUT_OF_RANGE', async () => {
    await h.refusesAll(
      (query: Record<string, string | number>) => h.call('GET', '/admin/v1/accounts', { query }),
      [
        [
          { pageSize: 101 },
          400,
          'OUT_OF_RANGE',
          'parameter pageSize out of range: must be an integer in [1, 100]',
        ],
        [{ pageNumber: 0 }, 400, 'OUT_OF_RANGE', 'parameter pageNumber out of range'],
        [{ pageSize: 'x' }, 400, 'INVALID_ARGUMENT', 'invalid parameter pageSize: must be of type integer'],
      ],
    );
  });

  it('describeAccount answers 404 NOT_FOUND for an unknown account', async () => {
    await h.refused(() => h.call('GET', '/admin/v1/accounts/nobody'), 404, 'NOT_FOUND', NOBODY);
  });

  it('disableAccount makes its keys answer 403 on the JD API at once; enableAccount restores them', async () => {
    const c = ok<Record<string, string>>(
      await h.call('POST', '/admin/v1/accounts', { body: { name: 'dave' } }),
    );
    const as = { accessKeyId: c.accessKeyId!, secretAccessKey: c.secretAccessKey! };
    expect((await h.call('GET', JD, { as })).statusCode).toBe(200);
    const d = ok(await h.call('POST', '/admin/v1/accounts/dave:disable'));
    expect(d).toMatchObject({ name: 'dave', status: 'disabled', role: 'user' });
    expectError(await h.call('GET', JD, { as }), 403, 'HTTP_FORBIDDEN', 'account dave is disabled');
    // A bad signature is still 401: the account's state is told only to a verified caller.
    expectError(
      await h.call('GET', JD, { as: { ...as, secretAccessKey: 'wrong' } }),
      401,
      'UNAUTHENTICATED',
      'signature does not match',
    );
    // The extension endpoints refuse it too.
    expectError(
      await h.call('GET', '/edcps/v1/whoami', { as }),
      403,
      'HTTP_FORBIDDEN',
      'account dave is disabled',
    );
    expect(ok(await h.call('GET', '/admin/v1/accounts/dave'))).toMatchObject({ status: 'disabled' });
    expect(ok(await h.call('POST', '/admin/v1/accounts/dave:enable'))).toMatchObject({ status: 'active' });
    expect((await h.call('GET', JD, { as })).statusCode).toBe(200);
  });

  it('a disable reaches another process on the same database at once (no stale key cache)', async () => {
    const c = ok<Record<string, string>>(
      await h.call('POST', '/admin/v1/accounts', { body: { name: 'erin' } }),
    );
    expect(await h.runtime.services.accounts.lookupKey(c.accessKeyId!)).toMatchObject({ status: 'active' });
    // Another process: a second runtime on the same database disables the account.
    const { openRuntime } = await import('../../src/runtime.js');
    const pino = (await import('pino')).default;
    const other = await openRuntime(h.runtime.config, {
      log: pino({ level: 'silent' }),
      skipDefaultAccount: true,
    });
    try {
      await other.services.accounts.disableAccount('erin');
    } finally {
      await other.close();
    }
    expect(await h.runtime.services.accounts.lookupKey(c.accessKeyId!)).toMatchObject({ status: 'disabled' });
    expectError(
      await h.call('GET', JD, { as: { accessKeyId: c.accessKeyId!, secretAccessKey: c.secretAccessKey! } }),
      403,
      'HTTP_FORBIDDEN',
      'account erin is disabled',
    );
  });

  it("disableAccount refuses the calling operator's own account with 400 FAILED_PRECONDITION", async () => {
    await h.refusesAll(
      (path: string) => h.call('POST', path),
      [
        [
          '/admin/v1/accounts/ops:disable',
          400,
          'FAILED_PRECONDITION',
          'an operator cannot disable its own account (ops)',
        ],
        [
          `/admin/v1/accounts/${h.operator.accountId}:disable`,
          400,
          'FAILED_PRECONDITION',
          'cannot disable its own account',
        ],
      ],
    );
  });

  it('disableAccount and enableAccount answer 404 for an unknown account and refuse a body field', async () => {
    await h.refusesAll(
      ([path, body]: [string, unknown?]) => h.call('POST', path, { body }),
      [
        [['/admin/v1/accounts/nobody:disable'], 404, 'NOT_FOUND', NOBODY],
        [['/admin/v1/accounts/nobody:enable'], 404, 'NOT_FOUND', NOBODY],
        [
          ['/admin/v1/accounts/default:disable', { account: 'ops' }],
          400,
          'INVALID_ARGUMENT',
          'invalid parameter account: is given in the path',
        ],
      ],
    );
  });

  it('access keys: create, list (never secrets), revoke (401 at once)', async () => {
    const k = ok<Record<string, string>>(await h.call('POST', '/admin/v1/accounts/default/access-keys'));
    expect(k.accountId).toBe(h.user.accountId);
    const list = ok<{ accessKeys: Record<string, string>[]; totalCount: number }>(
      await h.call('GET', '/admin/v1/accounts/default/access-keys'),
    );
    expect(list.totalCount).toBe(2);
    expect(list.accessKeys.map((x) => x.accessKeyId)).toContain(k.accessKeyId);
    expect(Object.keys(list.accessKeys[0]!).sort()).toEqual(['accessKeyId', 'createdAt', 'status']);
    expect(JSON.stringify(list)).not.toContain(k.secretAccessKey);
    const as = { accessKeyId: k.accessKeyId!, secretAccessKey: k.secretAccessKey! };
    expect((await h.call('GET', JD, { as })).statusCode).toBe(200);
    expect(ok(await h.call('POST', `/admin/v1/access-keys/${k.accessKeyId}:revoke`))).toEqual({
      accessKeyId: k.accessKeyId,
      status: 'revoked',
    });
    expectError(await h.call('GET', JD, { as }), 401, 'UNAUTHENTICATED', 'unknown or revoked access key');
  });

  it('access keys: unknown account or key → 404, and nothing changes', async () => {
    await h.refusesAll(
      ([method, path, query]: [string, string, Record<string, number>?]) => h.call(method, path, { query }),
      [
        [['GET', '/admin/v1/accounts/nobody/access-keys'], 404, 'NOT_FOUND', NOBODY],
        [['POST', '/admin/v1/accounts/nobody/access-keys'], 404, 'NOT_FOUND', NOBODY],
        [['POST', '/admin/v1/access-keys/NOKEY:revoke'], 404, 'NOT_FOUND', 'no access key "NOKEY"'],
        [
          ['GET', '/admin/v1/accounts/default/access-keys', { pageSize: 5 }],
          400,
          'INVALID_ARGUMENT',
          'invalid parameter pageSize: is not a parameter of this operation',
        ],
      ],
    );
  });

  it('quotas: describe shows the defaults; modify changes only the given limits', async () => {
    expect(ok(await h.call('GET', '/admin/v1/accounts/default/quotas/cn-east-tz1'))).toEqual({
      accountId: h.user.accountId,
      accountName: 'default',
      region: 'cn-east-tz1',
      quota: { instances: 20, elasticIps: 10, keypairs: 20 },
    });
    const r = ok(
      await h.call('PUT', '/admin/v1/accounts/default/quotas/cn-east-tz1', { body: { instances: 3 } }),
    );
    expect(r).toMatchObject({ quota: { instances: 3, elasticIps: 10, keypairs: 20 } });
    expect(ok(await h.call('GET', '/admin/v1/accounts/default/quotas/cn-east-tz1'))).toMatchObject({
      quota: { instances: 3 },
    });
  });

  it('quotas: bad input → 400 naming the field, unknown account or region → 404, nothing changes', async () => {
    const q = '/admin/v1/accounts/default/quotas/cn-east-tz1';
    const bad = 'INVALID_ARGUMENT';
    await h.refusesAll(
      ([path, body]: [string, unknown]) => h.call('PUT', path, { body }),
      [
        [[q, {}], 400, bad, 'give at least one of instances, elasticIps, keypairs'],
        [[q, { instances: '3' }], 400, bad, 'invalid parameter instances: must be of type integer'],
        [[q, { keypairs: 1.5 }], 400, bad, 'invalid parameter keypairs: must be of type integer'],
        [
          [q, { elasticIps: 100_001 }],
          400,
          'OUT_OF_RANGE',
          'parameter elasticIps out of range: must be an integer in [0, 100000]',
        ],
        [[q, { instances: 1, elasticIps: -1 }], 400, 'OUT_OF_RANGE', 'parameter elasticIps out of range'],
        [['/admin/v1/accounts/nobody/quotas/cn-east-tz1', { instances: 1 }], 404, 'NOT_FOUND', NOBODY],
        [
          ['/admin/v1/accounts/default/quotas/cn-east-tz9', { instances: 1 }],
          404,
          'NOT_FOUND',
          'unknown region "cn-east-tz9"',
        ],
      ],
    );
    await h.refused(
      () => h.call('GET', '/admin/v1/accounts/default/quotas/nowhere'),
      404,
      'NOT_FOUND',
      'unknown region "nowhere"',
    );
  });
});
