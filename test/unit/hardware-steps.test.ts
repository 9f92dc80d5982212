import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/domain/instance/states.js';
import { reportedHostKeys } from '../../src/domain/hardware/deployments.js';
import type { StepResult } from '../../src/provision/driver.js';
import { stepRequest as request } from '../helpers/step-request.js';
import { type BmcClient, BmcError, type PowerReading } from '../../src/provision/drivers/bmc.js';
import {
  type NetbootControl,
  type StepJournal,
  runHardwareStep,
  runOf,
} from '../../src/provision/drivers/hardware/hardware-steps.js';

const KEY = '10.0.0.5:623';
const CFG = { shutdownTimeoutMs: 3000, powerTimeoutMs: 5000, pollMs: 1000 };

type Command = 'on' | 'off' | 'soft' | 'cycle' | 'boot:uefi' | 'boot:legacy';

/** A machine behind a BMC: commands start power transitions, `tick()` completes them. */
class FakeBmc implements BmcClient {
  readonly key = KEY;
  readonly protocol = 'ipmi' as const;
  /** Every command the BMC received, in order. */
  readonly commands: Command[] = [];
  /** One entry per boot (off → powering-on): `network:<mode>` when the one-time override was set, else `disk`. */
  readonly boots: string[] = [];
  private override: 'uefi' | 'legacy' | undefined;
  /** The OS does not act on an ACPI shutdown request. */
  ignoresSoft = false;
  /** The BMC cannot send an ACPI shutdown request. */
  softUnsupported = false;
  /** Transitions never complete. */
  stuck = false;
  /** Every exchange fails with this. */
  failWith: BmcError | undefined;
  /** Called once a command has reached the machine (crash injection). */
  onEffect: () => void = () => undefined;

  constructor(public state: PowerReading) {}

  tick(): void {
    if (this.stuck) return;
    if (this.state === 'powering-on') this.state = 'on';
    if (this.state === 'powering-off') this.state = 'off';
  }

  async power(): Promise<PowerReading> {
    this.check();
    return this.state;
  }

  async setPower(target: 'on' | 'off' | 'soft'): Promise<void> {
    this.check();
    if (target === 'soft' && this.softUnsupported) throw new BmcError('unsupported', KEY, 'no ACPI soft-off');
    this.commands.push(target);
    if (target === 'on' && this.state === 'off') {
      this.boots.push(this.override ? `network:${this.override}` : 'disk');
      this.override = undefined;
      this.state = 'powering-on';
    } else if (target === 'on' && this.state === 'powering-off') {
      this.state = 'powering-on';
    } else if (target === 'off' && (this.state === 'on' || this.state === 'powering-on')) {
      this.state = 'powering-off';
    } else if (target === 'soft' && this.state === 'on' && !this.ignoresSoft) {
      this.state = 'powering-off';
    }
    this.onEffect();
  }

  async cycle(): Promise<void> {
    this.check();
    this.commands.push('cycle');
    this.onEffect();
  }

  async setOneTimeNetworkBoot(mode: 'uefi' | 'legacy'): Promise<void> {
    this.check();
    this.commands.push(`boot:${mode}`);
    this.override = mode;
    this.onEffect();
  }

  async bootOverrideSupport(): Promise<{ supported: boolean; detail: string }> {
    return { supported: true, detail: 'fake' };
  }

  async close(): Promise<void> {}

  private check(): void {
    if (this.failWith) throw this.failWith;
  }
}

class Crash extends Error {}

/** The hardware driver's loop in miniature: the journal persisted write-ahead, a controllable clock. */
class Rig {
  now = 1_000_000;
  hasProfile = true;
  hasBootNic = true;
  cleaning = false;
  readonly deployments = new Map<
    string,
    { completedAt: number | null; deadlineAt: number; report: string }
  >();
  journal: StepJournal | null = null;
  /** Journal writes and commands so far; the one numbered `crashAt` is followed by a crash. */
  effects = 0;
  crashAt: number | undefined;

  constructor(
    readonly bmc: FakeBmc,
    readonly bootMode: 'uefi' | 'legacy' = 'uefi',
  ) {
    bmc.onEffect = () => this.effect();
  }

  private effect(): void {
    this.effects += 1;
    if (this.effects === this.crashAt) throw new Crash(`crash after effect ${this.effects}`);
  }

  /** Deployments as the driver sees them; the installed system phones home once the machine is up after a network boot. */
  netbootAt(t: number): NetbootControl {
    return {
      hasProfile: () => this.hasProfile,
      hasBootNic: async () => this.hasBootNic,
      begin: async (purpose) => {
        this.deployments.set(purpose, {
          completedAt: null,
          deadlineAt: t + CFG.powerTimeoutMs * 4,
          report: '',
        });
      },
      // The installed system phones home once the machine is up after a network boot.
      status: async (purpose) => {
        const d = this.deployments.get(purpose);
        if (
          d &&
          d.completedAt === null &&
          this.bmc.state === 'on' &&
          this.bmc.boots.at(-1)?.startsWith('network')
        ) {
          d.completedAt = this.now;
          d.report = '{"hostKeys":[{"type":"ed25519","fingerprint":"SHA256:abc"}]}';
        }
        return d;
      },
    };
  }

  /** One performance of a step. `record: false`: the process dies before the result is recorded. */
  async perform(
    step: string,
    action: Action = 'create',
    record = true,
    over: Partial<NetbootControl> = {},
  ): Promise<StepResult> {
    const req = request(step, action);
    const run = runOf(req);
    const t = this.now;
    const j = this.journal;
    const result = await runHardwareStep({
      req,
      bmc: this.bmc,
      bootMode: this.bootMode,
      cfg: CFG,
      now: t,
      journal: j && j.run === run && j.step === step ? j : undefined,
      enter: async (phase) => {
        this.journal = { run, step, phase, since: t };
        this.effect();
      },
      netboot: { ...this.netbootAt(t), ...over },
      cleaning: this.cleaning,
      hostKeys: reportedHostKeys,
    });
    // As the driver does: done or given up on, the next performance of the step starts afresh.
    if (result.kind !== 'pending' && record) this.journal = null;
    return result;
  }

  /** Performs a step until it is done or failed, a poll apart; after a crash, performs it again at once. */
  async runStep(step: string, action: Action = 'create', record = true): Promise<StepResult> {
    for (let i = 0; i < 100; i++) {
      let r: StepResult;
      try {
        r = await this.perform(step, action, record);
      } catch (e) {
        if (e instanceof Crash) continue;
        throw e;
      }
      if (r.kind !== 'pending') return r;
      expect(r.retryAfterMs).toBe(CFG.pollMs);
      this.now += r.retryAfterMs;
      this.bmc.tick();
    }
    throw new Error(`step ${step} never finished`);
  }
}

const INSTALLED_UEFI =
  'network-booted (UEFI), installed, and the installed system phoned home (host keys: ed25519 SHA256:abc)';
const done = (note: string) => ({ kind: 'done', realTime: true, note });

describe('runHardwareStep', () => {
  it('allocates a machine whose BMC answers, noting the BMC and the power', async () => {
    const rig = new Rig(new FakeBmc('off'));
    expect(await rig.perform('allocate')).toEqual(done(`BMC ${KEY} answers; power off`));
    expect(rig.bmc.commands).toEqual([]);
  });

  it('installs the OS on a machine that is off: one-time UEFI network boot, then one power-on', async () => {
    const rig = new Rig(new FakeBmc('off'), 'uefi');
    expect(await rig.runStep('install-os')).toEqual(done(INSTALLED_UEFI));
    expect(rig.bmc.commands).toEqual(['boot:uefi', 'on']);
    expect(rig.bmc.boots).toEqual(['network:uefi']);
    expect(rig.bmc.state).toBe('on');
  });

  it('installs the OS in legacy mode when the device boots legacy', async () => {
    const rig = new Rig(new FakeBmc('off'), 'legacy');
    expect(await rig.runStep('install-os')).toEqual(
      done(
        'network-booted (legacy), installed, and the installed system phoned home (host keys: ed25519 SHA256:abc)',
      ),
    );
    expect(rig.bmc.commands).toEqual(['boot:legacy', 'on']);
  });

  it('installs the OS on a machine that is on by powering it off first, then booting it once', async () => {
    const rig = new Rig(new FakeBmc('on'));
    expect(await rig.runStep('install-os')).toEqual(done(INSTALLED_UEFI));
    expect(rig.bmc.commands).toEqual(['off', 'boot:uefi', 'on']);
    expect(rig.bmc.boots).toEqual(['network:uefi']);
  });

  for (const start of ['off', 'on'] as const) {
    it(`boots a machine that was ${start} once from the network whatever point install-os crashes at`, async () => {
      const clean = new Rig(new FakeBmc(start));
      await clean.runStep('install-os');
      expect(clean.effects).toBeGreaterThanOrEqual(3);
      for (let k = 1; k <= clean.effects; k++) {
        const rig = new Rig(new FakeBmc(start));
        rig.crashAt = k;
        expect(await rig.runStep('install-os'), `crash after effect ${k}`).toEqual(done(INSTALLED_UEFI));
        expect(rig.bmc.boots, `crash after effect ${k}`).toEqual(['network:uefi']);
        expect(rig.bmc.state).toBe('on');
      }
    });
  }

  it('powers on a machine that is already on without a command', async () => {
    const rig = new Rig(new FakeBmc('on'));
    expect(await rig.perform('power-on', 'start')).toEqual(done('powered on'));
    expect(rig.bmc.commands).toEqual([]);
  });

  it('powers on a machine that is off with one command, pending until it is on', async () => {
    const rig = new Rig(new FakeBmc('off'));
    expect(await rig.perform('power-on', 'start')).toEqual({ kind: 'pending', retryAfterMs: CFG.pollMs });
    expect(await rig.perform('power-on', 'start')).toEqual({ kind: 'pending', retryAfterMs: CFG.pollMs });
    rig.bmc.tick();
    expect(await rig.perform('power-on', 'start')).toEqual(done('powered on'));
    expect(rig.bmc.commands).toEqual(['on']);
  });

  it('sends nothing when power-on is performed again after it was done', async () => {
    const rig = new Rig(new FakeBmc('off'));
    await rig.runStep('power-on', 'start');
    expect(await rig.perform('power-on', 'start')).toEqual(done('powered on'));
    expect(rig.bmc.commands).toEqual(['on']);
  });

  it('stops a machine with an ACPI shutdown when the OS complies', async () => {
    const rig = new Rig(new FakeBmc('on'));
    expect(await rig.runStep('power-off', 'stop')).toEqual(done('shut down gracefully (ACPI)'));
    expect(rig.bmc.commands).toEqual(['soft']);
    expect(rig.bmc.state).toBe('off');
  });

  it('forces a machine off once the graceful shutdown timed out when the OS ignores it', async () => {
    const bmc = new FakeBmc('on');
    bmc.ignoresSoft = true;
    const rig = new Rig(bmc);
    const start = rig.now;
    expect(await rig.runStep('power-off', 'stop')).toEqual(
      done('forced off after the graceful shutdown timed out'),
    );
    expect(bmc.commands).toEqual(['soft', 'off']);
    expect(rig.now - start).toBeGreaterThan(CFG.shutdownTimeoutMs);
    expect(bmc.state).toBe('off');
  });

  it('stops a machine that is already off without a command', async () => {
    const rig = new Rig(new FakeBmc('off'));
    expect(await rig.perform('power-off', 'stop')).toEqual(done('the machine was already off'));
    expect(rig.bmc.commands).toEqual([]);
  });

  it('forces power off for a delete, never asking the OS', async () => {
    const rig = new Rig(new FakeBmc('on'));
    expect(await rig.runStep('power-off', 'delete')).toEqual(done('powered off'));
    expect(rig.bmc.commands).toEqual(['off']);
  });

  it('forces power off at once when the BMC cannot ask for an ACPI shutdown', async () => {
    const bmc = new FakeBmc('on');
    bmc.softUnsupported = true;
    const rig = new Rig(bmc);
    const start = rig.now;
    expect(await rig.runStep('power-off', 'stop')).toMatchObject({ kind: 'done' });
    expect(bmc.commands).toEqual(['off']);
    expect(rig.now - start).toBeLessThanOrEqual(CFG.pollMs);
  });

  it('reboots once on restart even when each step is performed twice before it is recorded', async () => {
    const rig = new Rig(new FakeBmc('on'));
    for (const step of ['power-off', 'power-on']) {
      expect(await rig.runStep(step, 'restart', false)).toMatchObject({ kind: 'done' });
      expect(await rig.runStep(step, 'restart')).toMatchObject({ kind: 'done' });
    }
    expect(rig.bmc.commands).toEqual(['soft', 'on']);
    expect(rig.bmc.boots).toEqual(['disk']);
    expect(rig.bmc.state).toBe('on');
  });

  it('fails retryably, naming the BMC, when a power transition never completes', async () => {
    const bmc = new FakeBmc('off');
    bmc.stuck = true;
    const rig = new Rig(bmc);
    const start = rig.now;
    expect(await rig.runStep('power-on', 'start')).toEqual({
      kind: 'failed',
      retryable: true,
      message: `BMC ${KEY}: the machine did not power on within 5 s (power powering-on)`,
    });
    expect(rig.now - start).toBeGreaterThan(CFG.powerTimeoutMs);
    expect(bmc.commands).toEqual(['on']);
  });

  it('tries the power command again on a retry after a power timeout, with a new timeout', async () => {
    const bmc = new FakeBmc('off');
    bmc.stuck = true;
    const rig = new Rig(bmc);
    expect(await rig.runStep('power-on', 'start')).toMatchObject({ kind: 'failed', retryable: true });
    bmc.stuck = false;
    bmc.state = 'off'; // the machine gave up on the lost transition
    rig.now += 60_000; // the reconciler's back-off
    expect(await rig.runStep('power-on', 'start')).toEqual(done('powered on'));
    expect(bmc.commands).toEqual(['on', 'on']);
  });

  for (const [step, note] of [
    ['inject-credentials', "delivered by cloud-init with the seed's user-data"],
    ['reset-password', 'left to the installed system; the sealed password is erased'],
  ] as const) {
    it(`records ${step} without a BMC command and has the sealed secrets erased`, async () => {
      const rig = new Rig(new FakeBmc('on'));
      expect(await rig.perform(step)).toEqual({ ...done(note), consumedSecrets: true });
      expect(rig.bmc.commands).toEqual([]);
    });
  }

  it('refuses to install an OS without a network-boot profile, for good', async () => {
    const rig = new Rig(new FakeBmc('off'));
    rig.hasProfile = false;
    expect(await rig.perform('install-os')).toEqual({
      kind: 'failed',
      retryable: false,
      message:
        'OS ubuntu has no network-boot profile in the catalog: it cannot be installed on a driven machine',
    });
    expect(rig.bmc.commands).toEqual([]);
  });

  it('refuses to network-boot a device with no MAC recorded, for good', async () => {
    const rig = new Rig(new FakeBmc('off'));
    rig.hasBootNic = false;
    expect(await rig.perform('install-os')).toEqual({
      kind: 'failed',
      retryable: false,
      message:
        'device dev-1 has no MAC recorded, so its network boot could not be recognised: enroll its boot NIC (edcps devices set-bmc DEVICE URL --mac MAC)',
    });
    expect(rig.bmc.commands).toEqual([]);
  });

  it('fails install-os retryably when the installed system never phones home by the deadline', async () => {
    const rig = new Rig(new FakeBmc('off'));
    rig.hasProfile = true;
    const never = rig.deployments;
    // The deployment never completes: its status is read as begun, never as done.
    const status = async () => never.get('install');
    const r = await (async () => {
      for (let i = 0; i < 100; i++) {
        const res = await rig.perform('install-os', 'create', true, { status });
        if (res.kind !== 'pending') return res;
        rig.now += CFG.powerTimeoutMs;
        rig.bmc.tick();
      }
      throw new Error('never finished');
    })();
    expect(r).toMatchObject({ kind: 'failed', retryable: true });
    expect((r as { message: string }).message).toMatch(
      new RegExp(`^the machine \\(BMC ${KEY}\\) did not phone home after its network boot within \\d+ s$`),
    );
    expect(rig.bmc.boots).toEqual(['network:uefi']);
  });

  it('cleans a returned machine when cleaning is on: network boot, phone-home, then power off', async () => {
    const rig = new Rig(new FakeBmc('off'));
    rig.cleaning = true;
    expect(await rig.runStep('wipe-disks', 'delete')).toEqual(
      done('cleaned (the cleaning image phoned home) and powered off'),
    );
    expect(rig.bmc.commands).toEqual(['boot:uefi', 'on', 'off']);
    expect(rig.bmc.state).toBe('off');
  });

  for (const step of ['configure-network', 'configure-raid', 'wipe-disks', 'no-such-step']) {
    it(`performs ${step} without a BMC command`, async () => {
      const rig = new Rig(new FakeBmc('on'));
      const r = await rig.perform(step, step === 'wipe-disks' ? 'delete' : 'create');
      expect(r).toMatchObject({ kind: 'done', realTime: true });
      expect(r).not.toHaveProperty('consumedSecrets');
      expect(rig.bmc.commands).toEqual([]);
    });
  }

  it('lets a BmcError from the BMC propagate for the driver to turn into a failure', async () => {
    const bmc = new FakeBmc('off');
    const err = new BmcError('unreachable', KEY, 'no answer');
    bmc.failWith = err;
    await expect(new Rig(bmc).perform('install-os')).rejects.toBe(err);
  });

  it('lets a failed ACPI shutdown request propagate rather than forcing power off', async () => {
    const bmc = new FakeBmc('on');
    const rig = new Rig(bmc);
    const err = new BmcError('timeout', KEY, 'no answer within 10 s');
    bmc.setPower = async () => {
      throw err;
    };
    await expect(rig.perform('power-off', 'stop')).rejects.toBe(err);
    expect(rig.journal).toMatchObject({ step: 'power-off', phase: 'soft' });
    expect(bmc.state).toBe('on');
  });
});
