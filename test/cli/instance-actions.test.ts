import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AZ, DEVICE_TYPE, REGION } from '../helpers/harness.js';
import { type TestServer, startTestServer } from '../helpers/sdk.js';
import {
  cli,
  cliError,
  cliJson,
  cliJsonError,
  cliWithInput,
  instanceSpec,
  serverEnv,
  tempJson,
} from './cli.js';

interface Progress {
  instanceId: string;
  status?: string;
  action?: string;
  gone?: boolean;
}

interface Accepted {
  instanceId: string;
  operation: string;
  success: boolean;
  instance?: Progress;
}

describe('edcps instances stop|start|restart|delete|reinstall|reset-password', () => {
  let s: TestServer;
  let env: Record<string, string>;
  let spec: Record<string, unknown>;
  beforeAll(async () => {
    s = await startTestServer();
    env = serverEnv(s, {
      EDCPS_ACCESS_KEY_ID: s.credentials.accessKeyId,
      EDCPS_SECRET_ACCESS_KEY: s.credentials.secretAccessKey,
      EDCPS_REGION: REGION,
    });
    spec = await instanceSpec(s.sdk(), REGION, AZ, DEVICE_TYPE, { name: 'acted-on' });
  });
  afterAll(() => s.stop());

  /** A new instance, running. */
  async function running(): Promise<string> {
    const { instanceIds } = await cliJson<{ instanceIds: string[] }>(
      env,
      'instances',
      'create',
      '--spec',
      tempJson(spec),
    );
    expect((await cli(env, 'instances', 'wait', instanceIds[0]!, '--status', 'running')).code).toBe(0);
    return instanceIds[0]!;
  }

  const status = async (id: string) =>
    (await cliJson<{ status: string }>(env, 'instances', 'show', id)).status;

  /** Runs an action with --wait --json: one JSON document on stdout, progress lines on stderr. */
  async function waited(...args: string[]): Promise<Accepted> {
    const r = await cli(env, 'instances', ...args, '--wait', '--json');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/^edcps:/m);
    return JSON.parse(r.stdout) as Accepted;
  }

  it('stops a running instance and waits until it is stopped (stopInstance)', async () => {
    const id = await running();
    const r = await waited('stop', id);
    expect(r).toMatchObject({
      instanceId: id,
      operation: 'stopInstance',
      success: true,
      instance: { instanceId: id, status: 'stopped', action: '' },
    });
    expect(await status(id)).toBe('stopped');
  });

  it('starts a stopped instance and waits until it is running (startInstance)', async () => {
    const id = await running();
    await waited('stop', id);
    expect((await waited('start', id)).instance).toMatchObject({ status: 'running', action: '' });
  });

  it('restarts a running instance and waits until it is running again (restartInstance)', async () => {
    const id = await running();
    const r = await waited('restart', id);
    expect(r).toMatchObject({ operation: 'restartInstance', instance: { status: 'running', action: '' } });
  });

  it('deletes an instance and waits until it is gone (deleteInstance)', async () => {
    const id = await running();
    const r = await waited('delete', id);
    expect(r).toEqual({
      instanceId: id,
      operation: 'deleteInstance',
      success: true,
      instance: { instanceId: id, gone: true },
    });
    expect((await cliJsonError(env, 1, 'instances', 'show', id)).error.status).toBe('NOT_FOUND');
  });

  it('reinstalls a stopped instance from a spec file and waits until it is running (reinstallInstance)', async () => {
    const id = await running();
    await waited('stop', id);
    const reinstall = tempJson({
      instanceSpec: {
        az: spec.az,
        imageType: 'standard',
        osTypeId: spec.osTypeId,
        sysRaidTypeId: spec.sysRaidTypeId,
        keepData: 'yes',
        dataRaidTypeId: spec.dataRaidTypeId,
        password: 'Zx8$Lq2mNv',
      },
    });
    const r = await waited('reinstall', id, '--spec', reinstall);
    expect(r).toMatchObject({ operation: 'reinstallInstance', instance: { status: 'running', action: '' } });
  });

  it('resets the password of a stopped instance from stdin (resetPassword)', async () => {
    const id = await running();
    await waited('stop', id);
    const r = await cliWithInput(
      env,
      'Nw4$Tr8pKz\n',
      'instances',
      'reset-password',
      id,
      '--password-stdin',
      '--wait',
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      operation: 'resetPassword',
      instance: { status: 'stopped', action: '' },
    });
  });

  it('prints the accepted operation without --wait', async () => {
    const id = await running();
    expect(await cliJson(env, 'instances', 'stop', id)).toEqual({
      instanceId: id,
      operation: 'stopInstance',
      success: true,
    });
    expect((await cli(env, 'instances', 'wait', id, '--status', 'stopped')).code).toBe(0);
    const human = await cli(env, 'instances', 'delete', id);
    expect(human).toEqual({ code: 0, stdout: `deleteInstance accepted for ${id}\n`, stderr: '' });
  });

  it("passes the server's refusal through: start of a running instance is FAILED_PRECONDITION", async () => {
    const id = await running();
    const doc = await cliJsonError(env, 1, 'instances', 'start', id);
    expect(doc.error).toMatchObject({ code: 400, status: 'FAILED_PRECONDITION' });
    expect(doc.error.message).toContain(id);
  });

  it('answers 404 NOT_FOUND for an instance that does not exist', async () => {
    expect(await cliJsonError(env, 1, 'instances', 'stop', 'edcps-nope')).toEqual({
      error: { code: 404, status: 'NOT_FOUND', message: 'instance edcps-nope not found' },
    });
  });

  it('takes the password only from stdin: without --password-stdin it is a usage error', async () => {
    expect(await cliError(env, 2, 'instances', 'reset-password', 'edcps-x')).toBe(
      "edcps: required option '--password-stdin' not specified (see --help)",
    );
    expect(
      (await cliJsonError(env, 2, 'instances', 'reset-password', 'edcps-x', '--password', 'secret')).error,
    ).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
  });

  it('refuses an empty password on stdin', async () => {
    const r = await cliWithInput(
      env,
      '',
      'instances',
      'reset-password',
      'edcps-x',
      '--password-stdin',
      '--json',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      error: { code: 400, status: 'INVALID_ARGUMENT', message: '--password-stdin: standard input was empty' },
    });
  });

  it('with --wait --json, an action ending in error is the error document with the final state', async () => {
    const id = await running();
    await cliJson(
      serverEnv(s),
      'faults',
      'add',
      '--step',
      'power-off',
      '--instance',
      id,
      '--message',
      'BMC hung',
    );
    const r = await cli(env, 'instances', 'stop', id, '--wait', '--json');
    expect(r.code).toBe(1);
    // stderr holds the progress lines only: the error is on stdout.
    expect(r.stderr).not.toMatch(/^edcps:/m);
    expect(JSON.parse(r.stdout)).toEqual({
      error: {
        code: 400,
        status: 'FAILED_PRECONDITION',
        message: `instance ${id} ended in error: BMC hung`,
      },
      instanceId: id,
      operation: 'stopInstance',
      instance: expect.objectContaining({ instanceId: id, status: 'error', action: '' }),
    });
  });
});
