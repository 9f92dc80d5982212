import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AZ, DEVICE_TYPE, REGION } from '../helpers/harness.js';
import { type TestServer, startTestServer } from '../helpers/sdk.js';
import { addDeviceArgs, cli, cliError, cliJson, cliJsonError, instanceSpec, serverEnv } from './cli.js';

const PACKAGE_VERSION = (
  JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as {
    version: string;
  }
).version;

describe('edcps --version', () => {
  it('prints the package version', async () => {
    const r = await cli({}, '--version');
    expect(r).toEqual({ code: 0, stdout: `edcps ${PACKAGE_VERSION}\n`, stderr: '' });
  });

  it("leaves a command's own --version option alone (os add --version)", async () => {
    // Refused for the unknown region, not answered with the program's version (--init: any
    // fresh database will do to get that far).
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-version-'));
    const r = await cli(
      { EDCPS_DATA_DIR: dataDir, EDCPS_DATABASE_URL: `sqlite:${path.join(dataDir, 'edcps.db')}` },
      'os',
      'add',
      '--init',
      '--region',
      'nowhere',
      '--device-type',
      'x',
      '--version',
      '7.9',
    );
    fs.rmSync(dataDir, { recursive: true, force: true });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^edcps: unknown region "nowhere"/);
  });
});

describe('edcps --json: lists are objects with their total, errors are one JSON document', () => {
  let s: TestServer;
  let env: Record<string, string>;
  let user: Record<string, string>;
  let instanceId: string;
  beforeAll(async () => {
    s = await startTestServer();
    env = serverEnv(s);
    user = serverEnv(s, {
      EDCPS_ACCESS_KEY_ID: s.credentials.accessKeyId,
      EDCPS_SECRET_ACCESS_KEY: s.credentials.secretAccessKey,
      EDCPS_REGION: REGION,
    });
    const spec = await instanceSpec(s.sdk(), REGION, AZ, DEVICE_TYPE);
    [instanceId] = (await s.sdk().createInstances({ regionId: REGION, instanceSpec: spec })).result
      .instanceIds as string[];
  });
  afterAll(() => s.stop());

  it.each([
    ['devices', ['devices', 'list']],
    ['deviceTypes', ['device-types', 'list', '--region', REGION]],
    ['accounts', ['accounts', 'list']],
    ['accessKeys', ['keys', 'list', 'default']],
    ['faults', ['faults', 'list']],
  ])('prints {"%s", "totalCount"} for edcps %j', async (key, args) => {
    const doc = await cliJson<Record<string, unknown>>(env, ...args);
    expect(Object.keys(doc).sort()).toEqual([key, 'totalCount'].sort());
    expect(Array.isArray(doc[key])).toBe(true);
    expect(doc.totalCount).toBe((doc[key] as unknown[]).length);
  });

  it('prints {"instanceId", "events", "totalCount"} for edcps events', async () => {
    const doc = await cliJson<{ instanceId: string; events: unknown[]; totalCount: number }>(
      env,
      'events',
      instanceId,
    );
    expect(doc.instanceId).toBe(instanceId);
    expect(doc.events.length).toBeGreaterThan(0);
    expect(doc.totalCount).toBe(doc.events.length);
  });

  it('prints {"instances", "totalCount"} for edcps instances list', async () => {
    const doc = await cliJson<{ instances: { instanceId: string }[]; totalCount: number }>(
      user,
      'instances',
      'list',
    );
    expect(Object.keys(doc).sort()).toEqual(['instances', 'totalCount']);
    expect(doc.instances.map((i) => i.instanceId)).toContain(instanceId);
  });

  it("passes the server's error through with its code and status (describeInstance)", async () => {
    expect(await cliJsonError(user, 1, 'instances', 'show', 'edcps-nope')).toEqual({
      error: { code: 404, status: 'NOT_FOUND', message: 'instance edcps-nope not found' },
    });
  });

  it('answers 503 UNAVAILABLE when the server cannot be reached', async () => {
    const doc = await cliJsonError({ ...user, EDCPS_ENDPOINT: 'http://127.0.0.1:9' }, 1, 'instances', 'list');
    expect(doc.error).toEqual({
      code: 503,
      status: 'UNAVAILABLE',
      message: 'cannot reach edcps at http://127.0.0.1:9 (ECONNREFUSED); is `edcps serve` running there?',
    });
  });

  it('answers 404 NOT_FOUND for an unknown account', async () => {
    expect(await cliJsonError(env, 1, 'keys', 'list', 'nobody')).toEqual({
      error: { code: 404, status: 'NOT_FOUND', message: 'no account named or with id "nobody"' },
    });
  });

  it('answers 400 INVALID_ARGUMENT for an unknown AZ in a device (a reference in the input)', async () => {
    const doc = await cliJsonError(env, 1, ...addDeviceArgs('J-AZ', { az: 'cn-east-tz1q' }));
    expect(doc.error).toEqual({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: `device J-AZ: unknown AZ "cn-east-tz1q" in ${REGION} (known: cn-east-tz1a, cn-east-tz1b)`,
    });
  });

  it('answers 409 ALREADY_EXISTS for an account name in use', async () => {
    expect(await cliJsonError(env, 1, 'accounts', 'create', 'default')).toEqual({
      error: { code: 409, status: 'ALREADY_EXISTS', message: 'account "default" already exists' },
    });
  });

  it('answers 400 FAILED_PRECONDITION for a command the server is in the wrong state for', async () => {
    expect(await cliJsonError(env, 1, 'time', 'advance', '10')).toEqual({
      error: {
        code: 400,
        status: 'FAILED_PRECONDITION',
        message: 'advanceTime needs manual time mode: start the server with EDCPS_TIME_MODE=manual',
      },
    });
  });

  it('answers 400 INVALID_ARGUMENT for a refused value', async () => {
    expect(await cliJsonError(env, 1, 'accounts', 'create', '1bad')).toEqual({
      error: {
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: 'account name must be 2-64 characters: a letter, then letters, digits, _ . -',
      },
    });
  });

  it('answers 400 INVALID_ARGUMENT with exit 2 for an option commander cannot parse', async () => {
    expect(await cliJsonError(env, 2, 'faults', 'add', '--operation', 'createVpc', '--times', 'x')).toEqual({
      error: {
        code: 400,
        status: 'INVALID_ARGUMENT',
        message:
          "option '--times <k>' argument 'x' is invalid. must be an integer in [1, 1000000] (see --help)",
      },
    });
  });

  it('answers 400 INVALID_ARGUMENT with exit 2 for an unknown command, on one line', async () => {
    const doc = await cliJsonError(env, 2, 'devices', 'lst');
    expect(doc.error).toEqual({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: "unknown command 'lst' (Did you mean list?) (see --help)",
    });
  });

  it('answers 400 INVALID_ARGUMENT with exit 2 for a missing argument', async () => {
    expect((await cliJsonError(env, 2, 'events')).error).toEqual({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: "missing required argument 'instance-id' (see --help)",
    });
  });

  it('keeps the one stderr line without --json', async () => {
    expect(await cliError(env, 1, 'keys', 'list', 'nobody')).toBe(
      'edcps: no account named or with id "nobody"',
    );
    expect(await cliError(env, 2, 'devices', 'lst')).toBe(
      "edcps: unknown command 'lst' (Did you mean list?) (see --help)",
    );
  });
});
