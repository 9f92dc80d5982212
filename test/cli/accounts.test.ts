import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGION } from '../helpers/harness.js';
import { type SdkError, type TestServer, startTestServer } from '../helpers/sdk.js';
import { cli, cliError, cliJson, serverEnv } from './cli.js';

interface Creds {
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
  role: string;
}

interface Account {
  accountId: string;
  name: string;
  role: string;
  status: string;
  createdAt: string;
}

describe('edcps accounts, keys and quotas', () => {
  let s: TestServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    s = await startTestServer();
    env = serverEnv(s);
  });
  afterAll(() => s.stop());

  it('creates an account whose credentials sign requests to the running server at once', async () => {
    const c = await cliJson<Creds>(env, 'accounts', 'create', 'acme');
    expect(Object.keys(c).sort()).toEqual(['accessKeyId', 'accountId', 'role', 'secretAccessKey']);
    expect(c.accountId).toMatch(/^acc-[a-z0-9]{28}$/);
    expect(c.role).toBe('user');
    const r = await s.sdk(REGION, c).describeKeypairs({ regionId: REGION });
    expect(r.result.totalCount).toBe(0);
  });

  it('refuses a second account with the same name in one line and exit 1', async () => {
    await cliJson(env, 'accounts', 'create', 'twice');
    expect(await cliError(env, 1, 'accounts', 'create', 'twice')).toBe(
      'edcps: account "twice" already exists',
    );
  });

  it('refuses an account name that breaks the naming rule', async () => {
    expect(await cliError(env, 1, 'accounts', 'create', '9lives')).toBe(
      'edcps: account name must be 2-64 characters: a letter, then letters, digits, _ . -',
    );
  });

  it('lists accounts with id, name, role, status and creation time', async () => {
    const c = await cliJson<Creds>(env, 'accounts', 'create', 'listed');
    const { accounts: list, totalCount } = await cliJson<{ accounts: Account[]; totalCount: number }>(
      env,
      'accounts',
      'list',
    );
    expect(totalCount).toBe(list.length);
    expect(list).toContainEqual({
      accountId: c.accountId,
      name: 'listed',
      role: 'user',
      status: 'active',
      createdAt: expect.stringMatching(/Z$/),
    });
    expect(list.map((a) => a.name)).toContain('default');
  });

  it('prints a human table without --json', async () => {
    const r = await cli(env, 'accounts', 'list');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^ACCOUNT ID\s+NAME\s+ROLE\s+STATUS\s+CREATED$/);
  });

  it('creates an operator account with --operator and prints its role', async () => {
    const c = await cliJson<Creds>(env, 'accounts', 'create', 'ops-1', '--operator');
    expect(c.role).toBe('operator');
    const r = await cli(env, 'accounts', 'create', 'ops-2', '--operator');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^account acc-[a-z0-9]{28} \(role operator\)$/);
    const { accounts: list } = await cliJson<{ accounts: Account[] }>(env, 'accounts', 'list');
    expect(list.find((a) => a.name === 'ops-1')).toMatchObject({ role: 'operator', status: 'active' });
  });

  it('disables an account, whose keys get 403 at once, and enables it again', async () => {
    const c = await cliJson<Creds>(env, 'accounts', 'create', 'paused');
    const disabled = await cliJson<Account>(env, 'accounts', 'disable', 'paused');
    expect(disabled).toMatchObject({ accountId: c.accountId, name: 'paused', status: 'disabled' });
    const err = (await s
      .sdk(REGION, c)
      .describeVpcs({ regionId: REGION })
      .catch((e: unknown) => e)) as SdkError;
    expect(err.error).toMatchObject({ code: 403, status: 'HTTP_FORBIDDEN' });
    expect((await cliJson<Account>(env, 'accounts', 'enable', c.accountId)).status).toBe('active');
    await s.sdk(REGION, c).describeVpcs({ regionId: REGION });
    const human = await cli(env, 'accounts', 'disable', 'paused');
    expect(human.stdout).toBe(`account paused (${c.accountId}) is disabled\n`);
  });

  it('adds a second key, lists both without secrets, and a revoked key gets 401 at once', async () => {
    const first = await cliJson<Creds>(env, 'accounts', 'create', 'keyed');
    const second = await cliJson<Creds>(env, 'keys', 'create', 'keyed');
    expect(second.accountId).toBe(first.accountId);
    const { accessKeys: keys, totalCount } = await cliJson<{
      accessKeys: Record<string, unknown>[];
      totalCount: number;
    }>(env, 'keys', 'list', first.accountId);
    expect(totalCount).toBe(2);
    expect(keys.map((k) => k.accessKeyId).sort()).toEqual([first.accessKeyId, second.accessKeyId].sort());
    for (const k of keys)
      expect(Object.keys(k).sort()).toEqual(['accessKeyId', 'accountId', 'createdAt', 'status']);

    await s.sdk(REGION, second).describeVpcs({ regionId: REGION });
    expect(await cliJson(env, 'keys', 'revoke', second.accessKeyId)).toEqual({
      accessKeyId: second.accessKeyId,
      status: 'revoked',
    });
    const err = (await s
      .sdk(REGION, second)
      .describeVpcs({ regionId: REGION })
      .catch((e: unknown) => e)) as SdkError;
    expect(err.error).toEqual({
      code: 401,
      status: 'UNAUTHENTICATED',
      message: 'unknown or revoked access key',
    });
    await s.sdk(REGION, first).describeVpcs({ regionId: REGION });
  });

  it('refuses to revoke a key that does not exist', async () => {
    expect(await cliError(env, 1, 'keys', 'revoke', 'NOSUCHKEY')).toBe('edcps: no access key "NOSUCHKEY"');
  });

  it('sets some quota limits of an account by name and keeps the others', async () => {
    await cliJson(env, 'accounts', 'create', 'quoted');
    const r = await cliJson<{ quota: Record<string, number> }>(
      env,
      'quotas',
      'set',
      'quoted',
      '--region',
      REGION,
      '--keypairs',
      '1',
    );
    expect(r.quota).toEqual({ instances: 20, elasticIps: 10, keypairs: 1 });
    const shown = await cliJson<{ quota: Record<string, number> }>(
      env,
      'quotas',
      'show',
      'quoted',
      '--region',
      REGION,
    );
    expect(shown.quota).toEqual({ instances: 20, elasticIps: 10, keypairs: 1 });
  });

  it('enforces a quota set from the CLI in the running server', async () => {
    const c = await cliJson<Creds>(env, 'accounts', 'create', 'limited');
    await cliJson(env, 'quotas', 'set', 'limited', '--region', REGION, '--keypairs', '1');
    const sdk = s.sdk(REGION, c);
    await sdk.createKeypairs({ regionId: REGION, name: 'one' });
    const err = (await sdk
      .createKeypairs({ regionId: REGION, name: 'two' })
      .catch((e: unknown) => e)) as SdkError;
    expect(err.error.code).toBe(429);
    expect(err.error.status).toBe('QUOTA_EXCEEDED');
  });

  it('refuses a quota for an unknown region, naming the known ones', async () => {
    expect(
      await cliError(env, 1, 'quotas', 'set', 'default', '--region', 'mars-1', '--instances', '3'),
    ).toMatch(/^edcps: unknown region "mars-1" \(known: cn-east-tz1, /);
  });

  it('refuses a quota that is not a non-negative integer with exit 2', async () => {
    expect(await cliError(env, 2, 'quotas', 'set', 'default', '--region', REGION, '--instances', '-1')).toBe(
      "edcps: option '--instances <n>' argument '-1' is invalid. must be an integer in [0, 100000] (see --help)",
    );
  });

  it('refuses quotas set without any limit', async () => {
    expect(await cliError(env, 1, 'quotas', 'set', 'default', '--region', REGION)).toBe(
      'edcps: give at least one of --instances, --elastic-ips, --keypairs',
    );
  });

  it('refuses a quota for an unknown account', async () => {
    expect(await cliError(env, 1, 'quotas', 'show', 'nobody', '--region', REGION)).toBe(
      'edcps: no account named or with id "nobody"',
    );
  });
});
