import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AZ, DEVICE_TYPE, REGION } from '../helpers/harness.js';
import { type TestServer, startTestServer } from '../helpers/sdk.js';
import { osAddArgs, osImageFlags, raidAddArgs, raidFlags } from './catalog-args.js';
import {
  type CliResult,
  addDeviceArgs,
  cli,
  cliError,
  cliJson,
  cliJsonError,
  instanceSpec,
  serverEnv,
  tempJson,
} from './cli.js';

type Creds = {
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
  role: string;
};

/**
 * The operator commands with EDCPS_ENDPOINT and an operator's key: they call /admin/v1 and give
 * exactly what the same command gives locally (on the server's database), errors included.
 */
// Each case runs many CLI processes (about a second each on a loaded 2-core machine): a minute and a half.
describe('edcps operator commands over EDCPS_ENDPOINT (the operator API)', { timeout: 90_000 }, () => {
  let s: TestServer;
  let local: Record<string, string>;
  let remote: Record<string, string>;
  let operator: Creds;
  /** The remote runs' EDCPS_DATA_DIR: never written to, since remote mode opens no database. */
  let elsewhere: string;
  let instanceId: string;

  beforeAll(async () => {
    s = await startTestServer();
    local = serverEnv(s);
    operator = await cliJson<Creds>(local, 'accounts', 'create', 'ops', '--operator');
    elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-remote-'));
    remote = {
      EDCPS_ENDPOINT: `http://${s.host}`,
      EDCPS_ACCESS_KEY_ID: operator.accessKeyId,
      EDCPS_SECRET_ACCESS_KEY: operator.secretAccessKey,
      EDCPS_DATA_DIR: elsewhere,
      EDCPS_DATABASE_URL: `sqlite:${path.join(elsewhere, 'edcps.db')}`,
    };
    const spec = await instanceSpec(s.sdk(), REGION, AZ, DEVICE_TYPE);
    [instanceId] = (await s.sdk().createInstances({ regionId: REGION, instanceSpec: spec })).result
      .instanceIds as string[];
  });
  afterAll(async () => {
    await s.stop();
    fs.rmSync(elsewhere, { recursive: true, force: true });
  });

  /** Runs `args --json` locally and remotely: the same exit code, stdout and stderr. */
  async function same(...args: string[]): Promise<CliResult> {
    const l = await cli(local, ...args, '--json');
    const r = await cli(remote, ...args, '--json');
    expect(r, `edcps ${args.join(' ')} --json, remote vs local`).toEqual(l);
    return r;
  }

  /** Same keys and the same values but for `differ` (ids and names made by each run). */
  function sameShape(r: Record<string, unknown>, l: Record<string, unknown>, differ: string[]): void {
    expect(Object.keys(r).sort()).toEqual(Object.keys(l).sort());
    const rest = (o: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(o).filter(([k]) => !differ.includes(k)));
    expect(rest(r)).toEqual(rest(l));
  }

  it('lists accounts, keys and quotas as the local commands do', async () => {
    expect((await same('accounts', 'list')).code).toBe(0);
    expect((await same('keys', 'list', 'default')).code).toBe(0);
    expect((await same('quotas', 'show', 'default', '--region', REGION)).code).toBe(0);
    // Errors too: same code, status and message.
    expect((await same('keys', 'list', 'nobody')).code).toBe(1);
    expect((await same('quotas', 'show', 'default', '--region', 'mars-1')).code).toBe(1);
  });

  it('creates, disables and enables accounts, keys and quotas remotely', async () => {
    const r = await cliJson<Creds>(remote, 'accounts', 'create', 'remote-user');
    const l = await cliJson<Creds>(local, 'accounts', 'create', 'local-user');
    sameShape(r, l, ['accountId', 'accessKeyId', 'secretAccessKey']);
    expect(r.role).toBe('user');

    const key = await cliJson<Creds>(remote, 'keys', 'create', 'remote-user');
    expect(key.accountId).toBe(r.accountId);
    expect(await cliJson(remote, 'keys', 'revoke', key.accessKeyId)).toEqual({
      accessKeyId: key.accessKeyId,
      status: 'revoked',
    });
    const quota = await cliJson(
      remote,
      'quotas',
      'set',
      'remote-user',
      '--region',
      REGION,
      '--keypairs',
      '3',
    );
    expect(quota).toEqual(await cliJson(local, 'quotas', 'show', 'remote-user', '--region', REGION));

    const disabled = await cliJson<{ status: string }>(remote, 'accounts', 'disable', 'remote-user');
    expect(disabled.status).toBe('disabled');
    await same('accounts', 'list');
    expect((await cliJson<{ status: string }>(remote, 'accounts', 'enable', r.accountId)).status).toBe(
      'active',
    );
    await same('accounts', 'list');
  });

  it('adds, lists, checks and retires devices as the local commands do', async () => {
    const r = await cliJson(remote, ...addDeviceArgs('REMOTE-1'));
    const l = await cliJson(local, ...addDeviceArgs('LOCAL-1'));
    sameShape(r, l, ['deviceId', 'serial', 'createdAt']);
    expect(r.serial).toBe('REMOTE-1');
    await same('devices', 'list');
    await same('devices', 'list', '--az', AZ, '--status', 'available');
    await same('devices', 'check', 'REMOTE-1');
    await same('devices', 'power', 'REMOTE-1', 'status');
    await same('devices', 'set-bmc', 'REMOTE-1', 'none');
    await same(...addDeviceArgs('REMOTE-1')); // a serial in use: the same refusal
    const retired = await cliJson<{ status: string }>(remote, 'devices', 'retire', 'REMOTE-1');
    expect(retired.status).toBe('retired');
    await same('devices', 'retire', 'REMOTE-1');
    await same('devices', 'list', '--status', 'retired');
  });

  it('lists every device, over several pages of the operator API', async () => {
    const file = tempJson(
      Array.from({ length: 230 }, (_, i) => ({
        region: REGION,
        az: AZ,
        deviceType: DEVICE_TYPE,
        serial: `PG-${i}`,
      })),
    );
    const added = await cliJson<{ totalCount: number }>(remote, 'devices', 'add', '--file', file);
    expect(added.totalCount).toBe(230);
    const listed = await same('devices', 'list');
    const doc = JSON.parse(listed.stdout) as { devices: { serial: string }[]; totalCount: number };
    expect(doc.devices.filter((d) => d.serial.startsWith('PG-'))).toHaveLength(230);
    expect(doc.totalCount).toBe(doc.devices.length);
    expect(new Set(doc.devices.map((d) => d.serial)).size).toBe(doc.devices.length);
  });

  it('lists device types and marks them sold out and on sale as the local commands do', async () => {
    await same('device-types', 'list', '--region', REGION);
    const out = await cliJson(remote, 'device-types', 'sold-out', DEVICE_TYPE, '--region', REGION);
    expect(out).toEqual({ region: REGION, deviceType: DEVICE_TYPE, soldOut: true });
    await same('device-types', 'list', '--region', REGION);
    await same('device-types', 'on-sale', DEVICE_TYPE, '--region', REGION);
    await same('device-types', 'sold-out', 'edcps.nope', '--region', REGION);
  });

  it('offers OS images and RAID types remotely as the local commands do', async () => {
    const osArgs = (name: string) => osAddArgs(DEVICE_TYPE, ...osImageFlags(name, 'Debian', '12'));
    const r = await cliJson(remote, ...osArgs('Remote 12'));
    const l = await cliJson(local, ...osArgs('Local 12'));
    sameShape(r, l, ['osTypeId', 'osName']);
    await same(...osArgs('Remote 12'), '--os-type-id', r.osTypeId as string);

    const raidArgs = (detail: string) => raidAddArgs(DEVICE_TYPE, ...raidFlags('data', 'RAID5', detail));
    sameShape(
      await cliJson(remote, ...raidArgs('3*1TB remote')),
      await cliJson(local, ...raidArgs('3*1TB local')),
      ['raidTypeId', 'volumeDetail'],
    );
    await same(...raidAddArgs(DEVICE_TYPE, '--volume-type', 'tape'));
  });

  it('adds, lists and clears faults as the local commands do', async () => {
    const f = await cliJson<{ faultId: string }>(
      remote,
      'faults',
      'add',
      '--operation',
      'describeVpcs',
      '--status',
      'UNAVAILABLE',
      '--times',
      '2',
    );
    await same('faults', 'list');
    await same('faults', 'add', '--operation', 'createVpcs');
    expect(await cliJson(remote, 'faults', 'clear', f.faultId)).toEqual({ cleared: 1 });
    await same('faults', 'clear', f.faultId);
    await same('faults', 'clear');
  });

  it("shows an instance's events, the time and settles as the local commands do", async () => {
    await cliJson(local, 'instances', 'settle', instanceId);
    await same('events', instanceId);
    await same('events', 'edcps-nope');
    await same('instances', 'settle', instanceId);
    await same('instances', 'settle', 'edcps-nope');
    await same('time', 'advance', '5'); // scaled mode: refused alike
    const r = await cliJson<{ mode: string; now: string; epochMs: number }>(remote, 'time', 'show');
    const l = await cliJson<{ mode: string; now: string; epochMs: number }>(local, 'time', 'show');
    sameShape(r, l, ['now', 'epochMs']);
    expect(Math.abs(r.epochMs - l.epochMs)).toBeLessThan(60_000);
  });

  it("refuses a user's key with 403, saying how to fix it", async () => {
    const user = {
      ...remote,
      EDCPS_ACCESS_KEY_ID: s.credentials.accessKeyId,
      EDCPS_SECRET_ACCESS_KEY: s.credentials.secretAccessKey,
    };
    const line = await cliError(user, 1, 'devices', 'list');
    expect(line).toMatch(/^edcps: 403 HTTP_FORBIDDEN: /);
    expect(line).toContain("need an active operator's key");
    expect(line).toContain('`edcps accounts create NAME --operator`');
    expect(line).toContain('unset EDCPS_ENDPOINT to use the local database');
    const doc = await cliJsonError(user, 1, 'accounts', 'list');
    expect(doc.error).toMatchObject({ code: 403, status: 'HTTP_FORBIDDEN' });
    expect(doc.error.message).toContain('edcps accounts create NAME --operator');
  });

  it('says so when the endpoint cannot be reached', async () => {
    const doc = await cliJsonError({ ...remote, EDCPS_ENDPOINT: 'http://127.0.0.1:9' }, 1, 'devices', 'list');
    expect(doc.error).toEqual({
      code: 503,
      status: 'UNAVAILABLE',
      message: 'cannot reach edcps at http://127.0.0.1:9 (ECONNREFUSED); is `edcps serve` running there?',
    });
  });

  it('creates an operator remotely whose key works at once', async () => {
    const ops2 = await cliJson<Creds>(remote, 'accounts', 'create', 'ops-remote', '--operator');
    expect(ops2.role).toBe('operator');
    const as2 = {
      ...remote,
      EDCPS_ACCESS_KEY_ID: ops2.accessKeyId,
      EDCPS_SECRET_ACCESS_KEY: ops2.secretAccessKey,
    };
    const { accounts } = await cliJson<{ accounts: { name: string; role: string }[] }>(
      as2,
      'accounts',
      'list',
    );
    expect(accounts).toContainEqual(expect.objectContaining({ name: 'ops-remote', role: 'operator' }));
  });

  it('takes the endpoint and the key from the config file', async () => {
    const config = tempJson(
      {
        endpoint: `http://${s.host}`,
        accessKeyId: operator.accessKeyId,
        secretAccessKey: operator.secretAccessKey,
      },
      'config.json',
    );
    const env = {
      EDCPS_CONFIG: config,
      EDCPS_DATA_DIR: elsewhere,
      EDCPS_DATABASE_URL: remote.EDCPS_DATABASE_URL!,
    };
    expect(await cliJson(env, 'faults', 'list')).toEqual(await cliJson(local, 'faults', 'list'));
  });

  it('refuses state save and load, which work on the local database only', async () => {
    const file = path.join(elsewhere, 'state.json');
    expect(await cliError(remote, 1, 'state', 'save', file)).toMatch(
      /^edcps: state save works on the local database only, .*EDCPS_ENDPOINT unset/,
    );
    expect(fs.existsSync(file)).toBe(false);
    const doc = await cliJsonError(remote, 1, 'state', 'load', file);
    expect(doc.error.status).toBe('FAILED_PRECONDITION');
  });

  it('resets the server remotely as the local command does', async () => {
    const r = await cliJson<{ accounts: boolean; removed: Record<string, number> }>(remote, 'reset');
    expect(r.accounts).toBe(false);
    expect(r.removed.instances).toBeGreaterThan(0);
    const l = await cliJson<{ accounts: boolean; removed: Record<string, number> }>(local, 'reset');
    expect(Object.keys(l).sort()).toEqual(Object.keys(r).sort());
    await same('devices', 'list');
  });

  it('never opened a database of its own', () => {
    expect(fs.readdirSync(elsewhere)).toEqual([]);
  });
});
