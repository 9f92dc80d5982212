import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AZ, DEVICE_TYPE, REGION } from '../helpers/harness.js';
import { type SdkError, type TestServer, startTestServer } from '../helpers/sdk.js';
import { cli, cliError, cliJson, instanceSpec, serverEnv } from './cli.js';

interface Fault {
  faultId: string;
  kind: string;
  remaining: number | null;
  fired: number;
}

interface FaultList {
  faults: (Fault & Record<string, unknown>)[];
  totalCount: number;
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e as SdkError,
  );

describe('edcps faults against a running server', () => {
  let s: TestServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    s = await startTestServer();
    env = serverEnv(s);
  });
  afterAll(() => s.stop());

  const vpcCount = async () => (await s.sdk().describeVpcs({ regionId: REGION })).result.totalCount as number;

  it('answers the next call of the operation with the injected error, changing nothing, then works again (createVpc)', async () => {
    await cliJson(env, 'faults', 'clear');
    const before = await vpcCount();
    const f = await cliJson<Fault>(
      env,
      'faults',
      'add',
      '--operation',
      'createVpc',
      '--status',
      'UNAVAILABLE',
      '--message',
      'control plane is draining',
    );
    expect(f.faultId).toMatch(/^flt-[a-z0-9]{28}$/);
    const vpcSpec = { name: 'faulted', cidr: '10.20.0.0/16', description: '' };
    const err = await failure(s.sdk().createVpc({ regionId: REGION, vpcSpec, clientToken: 'fault-token-1' }));
    expect(err.error).toEqual({ code: 503, status: 'UNAVAILABLE', message: 'control plane is draining' });
    expect(await vpcCount()).toBe(before);

    // The faulted call did not consume the clientToken: the retry creates the VPC.
    const ok = await s.sdk().createVpc({ regionId: REGION, vpcSpec, clientToken: 'fault-token-1' });
    expect(ok.result.vpcId).toMatch(/^vpc-/);
    expect(await vpcCount()).toBe(before + 1);

    const {
      faults: [listed],
    } = await cliJson<FaultList>(env, 'faults', 'list');
    expect(listed).toMatchObject({ faultId: f.faultId, remaining: 0, fired: 1 });
  });

  it('fires exactly --times K times', async () => {
    await cliJson(env, 'faults', 'clear');
    await cliJson(
      env,
      'faults',
      'add',
      '--operation',
      'describeVpcs',
      '--status',
      'INTERNAL',
      '--code',
      '500',
      '--times',
      '2',
    );
    const results = [];
    for (let i = 0; i < 4; i++)
      results.push(
        await s
          .sdk()
          .describeVpcs({ regionId: REGION })
          .then(
            () => 'ok',
            () => 'fault',
          ),
      );
    expect(results).toEqual(['fault', 'fault', 'ok', 'ok']);
  });

  it('clears every fault, after which the operation answers normally', async () => {
    await cliJson(
      env,
      'faults',
      'add',
      '--operation',
      'describeKeypairs',
      '--status',
      'INTERNAL',
      '--times',
      '5',
    );
    expect((await cliJson<{ cleared: number }>(env, 'faults', 'clear')).cleared).toBeGreaterThanOrEqual(1);
    expect(await cliJson(env, 'faults', 'list')).toEqual({ faults: [], totalCount: 0 });
    await s.sdk().describeKeypairs({ regionId: REGION });
  });

  it('clears one fault by id and refuses an unknown id', async () => {
    await cliJson(env, 'faults', 'clear');
    const a = await cliJson<Fault>(
      env,
      'faults',
      'add',
      '--operation',
      'describeSubnets',
      '--status',
      'INTERNAL',
    );
    const b = await cliJson<Fault>(
      env,
      'faults',
      'add',
      '--operation',
      'describeSubnet',
      '--status',
      'INTERNAL',
    );
    expect(await cliJson(env, 'faults', 'clear', a.faultId)).toEqual({ cleared: 1 });
    expect((await cliJson<FaultList>(env, 'faults', 'list')).faults.map((f) => f.faultId)).toEqual([
      b.faultId,
    ]);
    expect(await cliError(env, 1, 'faults', 'clear', a.faultId)).toBe(`edcps: no fault "${a.faultId}"`);
    await cliJson(env, 'faults', 'clear');
  });

  it('fails a provisioning step so the instance ends in error with the reason in its events', async () => {
    await cliJson(env, 'faults', 'clear');
    await cliJson(
      env,
      'faults',
      'add',
      '--step',
      'install-os',
      '--device-type',
      DEVICE_TYPE,
      '--message',
      'disk 2 unreadable',
    );
    const sdk = s.sdk();
    const spec = await instanceSpec(sdk, REGION, AZ, DEVICE_TYPE);
    const [id] = (await sdk.createInstances({ regionId: REGION, instanceSpec: spec })).result
      .instanceIds as string[];
    const deadline = Date.now() + 20_000;
    let status = '';
    while (Date.now() < deadline) {
      status = (
        (await sdk.describeInstance({ regionId: REGION, instanceId: id })).result.instance as {
          status: string;
        }
      ).status;
      if (status === 'error' || status === 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe('error');
    const { events } = await cliJson<{ events: { to: string; step: string; reason: string }[] }>(
      env,
      'events',
      id!,
    );
    expect(events.at(-1)).toMatchObject({ to: 'error', reason: 'disk 2 unreadable' });
    expect(events.map((e) => e.step)).toContain('configure-raid');
  });

  it("lists each fault's scope and what a step fault applies to, in JSON and in the table", async () => {
    await cliJson(env, 'faults', 'clear');
    const op = await cliJson<Fault>(env, 'faults', 'add', '--operation', 'createVpc', '--status', 'INTERNAL');
    const all = await cliJson<Fault>(env, 'faults', 'add', '--step', 'power-on');
    const byType = await cliJson<Fault>(
      env,
      'faults',
      'add',
      '--step',
      'install-os',
      '--device-type',
      DEVICE_TYPE,
    );
    const { faults, totalCount } = await cliJson<FaultList>(env, 'faults', 'list');
    expect(totalCount).toBe(3);
    expect(faults.map((f) => [f.faultId, f.scope, f.step, f.deviceType, f.appliesTo])).toEqual([
      [op.faultId, 'operation', '', '', 'every call'],
      [all.faultId, 'step', 'power-on', '', 'every instance'],
      [byType.faultId, 'step', 'install-os', DEVICE_TYPE, `device type ${DEVICE_TYPE}`],
    ]);
    const r = await cli(env, 'faults', 'list');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^FAULT ID\s+SCOPE\s+OPERATION\s+STEP\s+APPLIES TO\s+STATUS\s/);
    expect(lines.find((l) => l.startsWith(byType.faultId))).toMatch(
      new RegExp(
        `^${byType.faultId}\\s+step\\s+install-os\\s+device type ${DEVICE_TYPE.replace(/\./g, '\\.')}\\s`,
      ),
    );
    await cliJson(env, 'faults', 'clear');
  });

  it('names a step fault for one instance in its scope', async () => {
    await cliJson(env, 'faults', 'clear');
    const sdk = s.sdk();
    const spec = await instanceSpec(sdk, REGION, AZ, DEVICE_TYPE);
    const [id] = (await sdk.createInstances({ regionId: REGION, instanceSpec: spec })).result
      .instanceIds as string[];
    await cliJson(env, 'faults', 'add', '--step', 'power-off', '--instance', id!);
    const { faults } = await cliJson<FaultList>(env, 'faults', 'list');
    expect(faults).toEqual([
      expect.objectContaining({
        scope: 'step',
        step: 'power-off',
        instanceId: id,
        appliesTo: `instance ${id}`,
      }),
    ]);
    await cliJson(env, 'faults', 'clear');
  });

  it('refuses an unknown operation, suggesting the near miss', async () => {
    expect(await cliError(env, 1, 'faults', 'add', '--operation', 'createVpcs', '--status', 'INTERNAL')).toBe(
      'edcps: unknown operation "createVpcs" (did you mean "createVpc"?)',
    );
  });

  it('refuses an unknown step, naming the catalog steps', async () => {
    expect(await cliError(env, 1, 'faults', 'add', '--step', 'format-disk')).toMatch(
      /^edcps: unknown step "format-disk" \(known: allocate, configure-raid, install-os, /,
    );
  });

  it('refuses an unknown error status', async () => {
    expect(await cliError(env, 1, 'faults', 'add', '--operation', 'createVpc', '--status', 'BROKEN')).toMatch(
      /^edcps: unknown status "BROKEN" \(known: INVALID_ARGUMENT, /,
    );
  });

  it('refuses an operation fault with neither an error nor a delay', async () => {
    expect(await cliError(env, 1, 'faults', 'add', '--operation', 'createVpc')).toBe(
      'edcps: an operation fault needs a status (an error to answer) or a delay',
    );
  });

  it('refuses an HTTP status code on a step fault', async () => {
    expect(await cliError(env, 1, 'faults', 'add', '--step', 'install-os', '--status', 'INTERNAL')).toBe(
      'edcps: code, status and delay apply to operation faults only; a failed step puts the instance in error',
    );
  });

  it('refuses a step fault for an instance that does not exist', async () => {
    expect(await cliError(env, 1, 'faults', 'add', '--step', 'install-os', '--instance', 'edcps-nope')).toBe(
      'edcps: no instance "edcps-nope"',
    );
  });

  it('refuses a probability outside (0, 1] with exit 2', async () => {
    expect(
      await cliError(
        env,
        2,
        'faults',
        'add',
        '--operation',
        'createVpc',
        '--status',
        'INTERNAL',
        '--probability',
        '0',
      ),
    ).toBe(
      "edcps: option '--probability <p>' argument '0' is invalid. must be a number in (0, 1] (see --help)",
    );
  });

  it('lists every provisioning step in faults add --help', async () => {
    const r = await cli(env, 'faults', 'add', '--help');
    expect(r.code).toBe(0);
    for (const step of [
      'allocate',
      'configure-raid',
      'install-os',
      'configure-network',
      'inject-credentials',
      'power-on',
    ]) {
      expect(r.stdout).toContain(step);
    }
    expect(r.stdout).toContain(
      'create: allocate, configure-raid, install-os, configure-network, inject-credentials, power-on',
    );
  });
});
