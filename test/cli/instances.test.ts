import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AZ, DEVICE_TYPE, REGION } from '../helpers/harness.js';
import { type TestServer, startTestServer } from '../helpers/sdk.js';
import { cli, cliError, cliJson, instanceSpec, serverEnv, tempJson } from './cli.js';

interface Progress {
  instanceId: string;
  status: string;
  action: string;
  step: string;
  lastError: string;
}

describe('edcps instances (user commands signed like the SDK)', () => {
  let s: TestServer;
  let env: Record<string, string>;
  let specFile: string;
  beforeAll(async () => {
    // 58 s of simulated provisioning × 0.02: about a second per instance, so progress is visible.
    s = await startTestServer({ EDCPS_TIME_SCALE: '0.02' });
    env = serverEnv(s, {
      EDCPS_ACCESS_KEY_ID: s.credentials.accessKeyId,
      EDCPS_SECRET_ACCESS_KEY: s.credentials.secretAccessKey,
      EDCPS_REGION: REGION,
    });
    specFile = tempJson(await instanceSpec(s.sdk(), REGION, AZ, DEVICE_TYPE, { name: 'from-cli' }));
  });
  afterAll(() => s.stop());

  it('createInstances from a spec file, then waits for running (createInstances)', async () => {
    const { instanceIds } = await cliJson<{ instanceIds: string[] }>(
      env,
      'instances',
      'create',
      '--spec',
      specFile,
    );
    expect(instanceIds).toHaveLength(1);
    const r = await cli(env, 'instances', 'wait', instanceIds[0]!, '--status', 'running', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      instanceId: instanceIds[0],
      status: 'running',
      action: '',
      step: '',
    });
    // Under --json the progress lines go to stderr, keeping stdout one JSON document.
    expect(r.stderr).toMatch(/running\n$/);
  });

  it('shows one instance as describeInstance returns it (describeInstance)', async () => {
    const { instanceIds } = await cliJson<{ instanceIds: string[] }>(
      env,
      'instances',
      'create',
      '--spec',
      specFile,
    );
    const inst = await cliJson<Record<string, unknown>>(env, 'instances', 'show', instanceIds[0]!);
    expect(inst).toMatchObject({
      instanceId: instanceIds[0],
      name: 'from-cli',
      deviceType: DEVICE_TYPE,
      az: AZ,
    });
  });

  it('lists every instance of the account (describeInstances)', async () => {
    const { instanceIds } = await cliJson<{ instanceIds: string[] }>(
      env,
      'instances',
      'create',
      '--spec',
      specFile,
    );
    const r = await cliJson<{ instances: { instanceId: string }[]; totalCount: number }>(
      env,
      'instances',
      'list',
    );
    expect(r.instances.map((i) => i.instanceId)).toContain(instanceIds[0]);
    expect(r.totalCount).toBe(r.instances.length);
  });

  it('prints plain progress lines with step and elapsed time when not on a terminal, ending running', async () => {
    const r = await cli(env, 'instances', 'create', '--spec', specFile, '--wait');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^\[\s*\d+\.\ds\] edcps-[a-z0-9]{28} {2}creating {2}[a-z-]+ \(\d\/6\)$/);
    expect(lines.at(-1)).toMatch(/^\[\s*\d+\.\ds\] edcps-[a-z0-9]{28} {2}running$/);
    // A line is written only when the step changes.
    expect(new Set(lines.map((l) => l.replace(/^\[[^\]]*\] /, ''))).size).toBe(lines.length);
  });

  it('with --wait --json prints one JSON document with the final state and progress on stderr', async () => {
    const r = await cli(env, 'instances', 'create', '--spec', specFile, '--wait', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { instanceIds: string[]; instances: Progress[] };
    expect(doc.instances).toEqual([
      expect.objectContaining({ instanceId: doc.instanceIds[0], status: 'running' }),
    ]);
    expect(r.stderr).toMatch(/running\n$/);
  });

  it('exits 1 naming the reason when a waited-for instance ends in error', async () => {
    const admin = serverEnv(s);
    await cliJson(admin, 'faults', 'add', '--step', 'power-on', '--message', 'PSU 1 failed', '--times', '1');
    const r = await cli(env, 'instances', 'create', '--spec', specFile, '--wait');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^edcps: instance edcps-[a-z0-9]{28} ended in error: PSU 1 failed\n$/);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/error \(PSU 1 failed\)$/);
  });

  it('passes the API error through as one line (createInstances with a bad spec)', async () => {
    const bad = tempJson({ ...JSON.parse(fs.readFileSync(specFile, 'utf8')), az: 'cn-east-tz1z' });
    expect(await cliError(env, 1, 'instances', 'create', '--spec', bad)).toBe(
      'edcps: 400 INVALID_ARGUMENT: invalid parameter instanceSpec.az: unknown availability zone "cn-east-tz1z" in region cn-east-tz1',
    );
  });

  it('answers 404 for an instance that does not exist', async () => {
    expect(await cliError(env, 1, 'instances', 'show', 'edcps-nope')).toBe(
      'edcps: 404 NOT_FOUND: instance edcps-nope not found',
    );
  });

  it('refuses a spec file that is not JSON', async () => {
    const bad = tempJson('{"az": ');
    expect(await cliError(env, 1, 'instances', 'create', '--spec', bad)).toMatch(
      new RegExp(`^edcps: ${bad} is not JSON: `),
    );
  });

  it('refuses to wait for a status that does not exist, with exit 2', async () => {
    expect(await cliError(env, 2, 'instances', 'wait', 'edcps-x', '--status', 'flying')).toMatch(
      /^edcps: option '--status <status>' argument 'flying' is invalid\. must be one of creating, starting, running, /,
    );
  });

  it('says how to give credentials when none are set', async () => {
    const { EDCPS_ACCESS_KEY_ID: _a, EDCPS_SECRET_ACCESS_KEY: _b, ...noCreds } = env;
    const missing = path.join(path.dirname(specFile), 'absent.json');
    expect(await cliError({ ...noCreds, EDCPS_CONFIG: missing }, 1, 'instances', 'list')).toBe(
      `edcps: no credentials: set EDCPS_ACCESS_KEY_ID and EDCPS_SECRET_ACCESS_KEY, or write accessKeyId and secretAccessKey to ${missing}`,
    );
  });

  it('reads credentials from the config file when the environment has none', async () => {
    const c = await cliJson<{ accessKeyId: string; secretAccessKey: string }>(
      serverEnv(s),
      'accounts',
      'create',
      'configured',
    );
    const file = tempJson({ accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey }, 'config.json');
    const { EDCPS_ACCESS_KEY_ID: _a, EDCPS_SECRET_ACCESS_KEY: _b, ...noCreds } = env;
    const r = await cliJson<{ instances: unknown[]; totalCount: number }>(
      { ...noCreds, EDCPS_CONFIG: file },
      'instances',
      'list',
    );
    expect(r).toEqual({ instances: [], totalCount: 0 });
  });

  it('says which endpoint it cannot reach', async () => {
    expect(await cliError({ ...env, EDCPS_ENDPOINT: 'http://127.0.0.1:9' }, 1, 'instances', 'list')).toBe(
      'edcps: cannot reach edcps at http://127.0.0.1:9 (ECONNREFUSED); is `edcps serve` running there?',
    );
  });
});
