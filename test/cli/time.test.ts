import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceProgress } from '../../src/domain/operator/progress.js';
import { AZ, DEVICE_TYPE, REGION } from '../helpers/harness.js';
import { type TestServer, startTestServer } from '../helpers/sdk.js';
import { cli, cliError, cliJson, instanceSpec, serverEnv } from './cli.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('manual time mode: edcps time advance and instances settle', () => {
  let s: TestServer;
  let env: Record<string, string>;
  let progress: (id: string) => Promise<InstanceProgress>;
  beforeAll(async () => {
    // Catalog durations at scale 1 (create: allocate 2 s, configure-raid 8 s, install-os 30 s, …).
    s = await startTestServer({ EDCPS_TIME_MODE: 'manual', EDCPS_TIME_SCALE: '1' });
    env = serverEnv(s, { EDCPS_TIME_MODE: 'manual' });
    const { operator, accounts } = s.server.runtime.services;
    const accountId = (await accounts.requireAccount('default')).id;
    progress = (id) => operator.instanceProgress({ accountId, regionId: REGION, requestId: 'test' }, id);
  });
  afterAll(() => s.stop());

  /** Waits (wall time) until the reconciler has moved the instance past `step`. */
  async function leaves(id: string, step: string): Promise<InstanceProgress> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const p = await progress(id);
      if (p.step !== step || Date.now() > deadline) return p;
      await sleep(50);
    }
  }

  async function createOne(): Promise<string> {
    const sdk = s.sdk();
    const spec = await instanceSpec(sdk, REGION, AZ, DEVICE_TYPE);
    return (
      (await sdk.createInstances({ regionId: REGION, instanceSpec: spec })).result.instanceIds as string[]
    )[0]!;
  }

  it('keeps an instance in its first step until time is advanced past that step', async () => {
    const id = await createOne();
    await sleep(800);
    expect(await progress(id)).toMatchObject({
      status: 'creating',
      step: 'allocate',
      stepIndex: 1,
      stepCount: 6,
    });

    const t = await cliJson<{ mode: string; epochMs: number }>(env, 'time', 'advance', '2');
    expect(t.mode).toBe('manual');
    expect(await leaves(id, 'allocate')).toMatchObject({
      status: 'creating',
      step: 'configure-raid',
      stepIndex: 2,
    });

    // configure-raid takes 8 s: one second is not enough.
    await cliJson(env, 'time', 'advance', '1');
    await sleep(800);
    expect((await progress(id)).step).toBe('configure-raid');
    await cliJson(env, 'time', 'advance', '7');
    expect((await leaves(id, 'configure-raid')).step).toBe('install-os');
  });

  it('settles an instance through every remaining step, recorded in its events', async () => {
    const id = await createOne();
    expect(await cliJson(env, 'instances', 'settle', id)).toEqual({
      instanceId: id,
      passes: expect.any(Number),
    });
    expect(await progress(id)).toMatchObject({ status: 'running', action: '', step: '', stepIndex: 0 });
    const { events } = await cliJson<{ events: { kind: string; from: string; to: string; step: string }[] }>(
      env,
      'events',
      id,
    );
    expect(events.filter((e) => e.kind === 'step').map((e) => e.step)).toEqual([
      'allocate',
      'configure-raid',
      'install-os',
      'configure-network',
      'inject-credentials',
      'power-on',
    ]);
    expect(events.at(-1)).toMatchObject({ kind: 'status', from: 'creating', to: 'running' });
  });

  /** Steps done so far, in order, each with its time in seconds after the instance's first event. */
  async function stepsDone(id: string): Promise<[string, number][]> {
    const { events } = await cliJson<{ events: { time: string; kind: string; step: string }[] }>(
      env,
      'events',
      id,
    );
    const t0 = Date.parse(events[0]!.time);
    return events.filter((e) => e.kind === 'step').map((e) => [e.step, (Date.parse(e.time) - t0) / 1000]);
  }

  const nextRunAt = async (id: string): Promise<number> =>
    Number(
      (
        await s.server.runtime.store.db
          .selectFrom('instances')
          .select('next_run_at')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).next_run_at,
    );

  it('runs every create step in one advance covering their durations, done when it returns', async () => {
    const id = await createOne();
    await cliJson(env, 'time', 'advance', '58');
    expect(await progress(id)).toMatchObject({ status: 'running', step: '' });
    expect(await stepsDone(id)).toEqual([
      ['allocate', 2],
      ['configure-raid', 10],
      ['install-os', 40],
      ['configure-network', 45],
      ['inject-credentials', 48],
      ['power-on', 58],
    ]);
  });

  it('completes exactly the steps that fit when time moves less than the whole chain, in order', async () => {
    const id = await createOne();
    const created = (await nextRunAt(id)) - 2000; // allocate takes 2 s
    // To just before inject-credentials (due 48 s after creation) ends.
    const to = new Date(created + 47_999).toISOString();
    expect(await cliJson(env, 'time', 'set', to)).toEqual({
      mode: 'manual',
      now: expect.any(String),
      epochMs: created + 47_999,
    });
    expect(await progress(id)).toMatchObject({ status: 'creating', step: 'inject-credentials' });
    expect(await stepsDone(id)).toEqual([
      ['allocate', 2],
      ['configure-raid', 10],
      ['install-os', 40],
      ['configure-network', 45],
    ]);
    await cliJson(env, 'time', 'advance', '0.001');
    expect(await progress(id)).toMatchObject({ status: 'creating', step: 'power-on' });
    expect((await stepsDone(id)).at(-1)).toEqual(['inject-credentials', 48]);
  });

  it('sets time forward to an instant, which time show then reports', async () => {
    const before = await cliJson<{ epochMs: number }>(env, 'time', 'show');
    const target = Math.ceil(before.epochMs / 1000) * 1000 + 3_600_000;
    const iso = new Date(target).toISOString().replace('.000Z', 'Z');
    const r = await cli(env, 'time', 'set', iso);
    expect(r).toEqual({ code: 0, stdout: `simulated time is now ${iso}\n`, stderr: '' });
    expect(await cliJson(env, 'time', 'show')).toEqual({ mode: 'manual', now: iso, epochMs: target });
  });

  it('refuses to set time backwards, naming both times and leaving the clock where it was', async () => {
    const before = await cliJson<{ now: string; epochMs: number }>(env, 'time', 'show');
    const earlier = new Date(before.epochMs - 60_000);
    const asked = earlier.toISOString();
    const shown = (ms: number) =>
      ms % 1000 === 0 ? new Date(ms).toISOString().replace('.000Z', 'Z') : new Date(ms).toISOString();
    expect(await cliError(env, 1, 'time', 'set', asked)).toBe(
      `edcps: simulated time cannot move backwards (it is ${shown(before.epochMs)}, asked for ${shown(earlier.getTime())})`,
    );
    expect((await cliJson<{ epochMs: number }>(env, 'time', 'show')).epochMs).toBe(before.epochMs);
  });

  it('refuses a time that is not an ISO-8601 instant with a zone, or not a real date, with exit 2', async () => {
    expect(await cliError(env, 2, 'time', 'set', '2030-01-01 00:00:00')).toBe(
      "edcps: command-argument value '2030-01-01 00:00:00' is invalid for argument 'iso-time'. must be an ISO-8601 time with its zone, e.g. 2030-01-01T00:00:00Z (see --help)",
    );
    expect(await cliError(env, 2, 'time', 'set', '2030-02-31T00:00:00Z')).toContain(
      "value '2030-02-31T00:00:00Z' is invalid for argument 'iso-time'",
    );
  });

  it('shows the simulated time the last advance reached', async () => {
    const advanced = await cliJson<{ epochMs: number }>(env, 'time', 'advance', '0.5');
    const shown = await cliJson<{ mode: string; epochMs: number }>(env, 'time', 'show');
    expect(shown).toMatchObject({ mode: 'manual' });
    expect(shown.epochMs).toBe(advanced.epochMs);
  });

  it("follows the server's manual mode when the command's own environment does not say it", async () => {
    const { EDCPS_TIME_MODE: _mode, ...plain } = env;
    const before = await cliJson<{ mode: string; epochMs: number }>(plain, 'time', 'show');
    expect(before.mode).toBe('manual');
    const after = await cliJson<{ epochMs: number }>(plain, 'time', 'advance', '60');
    expect(after.epochMs).toBe(before.epochMs + 60_000);
  });

  it('refuses to advance time when the server runs in scaled mode', async () => {
    const scaled = await startTestServer();
    try {
      expect(
        await cliError(serverEnv(scaled, { EDCPS_TIME_MODE: 'manual' }), 1, 'time', 'advance', '5'),
      ).toBe('edcps: advanceTime needs manual time mode: start the server with EDCPS_TIME_MODE=manual');
      expect(
        await cliError(
          serverEnv(scaled, { EDCPS_TIME_MODE: 'manual' }),
          1,
          'time',
          'set',
          '2099-01-01T00:00:00Z',
        ),
      ).toBe('edcps: setTime needs manual time mode: start the server with EDCPS_TIME_MODE=manual');
      expect(await cliJson(serverEnv(scaled), 'time', 'show')).toEqual({
        mode: 'scaled',
        now: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
        epochMs: expect.any(Number),
      });
    } finally {
      await scaled.stop();
    }
  });

  it('refuses a negative number of seconds with exit 2', async () => {
    expect(await cliError(env, 2, 'time', 'advance', '--', '-3')).toBe(
      "edcps: command-argument value '-3' is invalid for argument 'seconds'. must be a number of seconds in (0, 315360000] (see --help)",
    );
  });

  it('refuses to settle an instance that does not exist', async () => {
    expect(await cliError(env, 1, 'instances', 'settle', 'edcps-nope')).toBe(
      'edcps: invalid parameter instanceId: no instance "edcps-nope"',
    );
  });
});
