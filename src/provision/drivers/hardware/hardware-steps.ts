import type { BmcConfig } from '../../../config.js';
import type { StepRequest, StepResult } from '../../driver.js';
import type { BmcClient, PowerReading } from '../bmc.js';

/**
 * Where a step on a driven machine stands, kept in the device's driver state and written
 * *before* the command it announces is sent. `run` names one run of one action, so a journal
 * left by an earlier stop is not mistaken for this one's.
 */
export interface StepJournal {
  run: string;
  step: string;
  phase: string;
  /** When the phase began, wall-clock ms: hardware takes real time, whatever the simulated clock says. */
  since: number;
}

/** The network-boot deployments of this step's run (install or cleaning), as the step needs them. */
export interface NetbootControl {
  hasProfile(purpose: 'install' | 'clean'): boolean;
  /** Whether the device has a MAC recorded: how its iPXE request is recognised. */
  hasBootNic(): Promise<boolean>;
  /** Starts (or restarts) the deployment of this run; the machine's iPXE request finds it. */
  begin(purpose: 'install' | 'clean'): Promise<void>;
  status(
    purpose: 'install' | 'clean',
  ): Promise<{ completedAt: number | null; deadlineAt: number; report: string } | undefined>;
}

export interface StepContext {
  req: StepRequest;
  bmc: BmcClient;
  bootMode: 'uefi' | 'legacy';
  cfg: Pick<BmcConfig, 'shutdownTimeoutMs' | 'powerTimeoutMs' | 'pollMs'>;
  now: number;
  /** This run's journal for this step, if a previous performance of it left one. */
  journal: StepJournal | undefined;
  /** Persists the phase (write-ahead) and resolves once it is durable. */
  enter(phase: string): Promise<void>;
  netboot: NetbootControl;
  /** EDCPS_CLEANING=wipe: a returned machine is network-booted into the cleaning image first. */
  cleaning: boolean;
  /** Fingerprints of the host keys a phone-home reported, for the step's note. */
  hostKeys(report: string): string;
}

export const runOf = (req: Pick<StepRequest, 'instanceId' | 'actionSeq'>): string =>
  `${req.instanceId}#${req.actionSeq}`;

const done = (note?: string, consumedSecrets?: boolean): StepResult => ({
  kind: 'done',
  realTime: true,
  ...(note ? { note } : {}),
  ...(consumedSecrets ? { consumedSecrets } : {}),
});

/**
 * Waits for the machine to reach `want`: done once it does; a retryable failure once `limitMs`
 * has passed since the phase began; otherwise the set-state command again (harmless: it only
 * acts when the machine is not there yet) and a poll later.
 */
async function settleOn(
  c: StepContext,
  want: 'on' | 'off',
  command: 'on' | 'off',
  limitMs: number,
  note: string,
): Promise<StepResult> {
  const p: PowerReading = await c.bmc.power();
  if (p === want) return done(note);
  if (c.journal === undefined) await c.enter(`wait-${want}`);
  const since = c.journal?.since ?? c.now;
  if (c.now - since > limitMs) {
    return {
      kind: 'failed',
      retryable: true,
      message: `BMC ${c.bmc.key}: the machine did not power ${want} within ${Math.round(limitMs / 1000)} s (power ${p})`,
    };
  }
  if (p !== (want === 'on' ? 'powering-on' : 'powering-off')) await c.bmc.setPower(command);
  return { kind: 'pending', retryAfterMs: c.cfg.pollMs };
}

/** Powers off: gracefully (ACPI) first, forced once the shutdown timeout has passed. */
async function powerOff(c: StepContext, graceful: boolean): Promise<StepResult> {
  const phase = c.journal?.phase;
  if (phase === undefined) {
    if ((await c.bmc.power()) === 'off') return done('the machine was already off');
    if (graceful && c.cfg.shutdownTimeoutMs > 0) {
      await c.enter('soft');
      try {
        await c.bmc.setPower('soft');
      } catch (e) {
        // A BMC that cannot ask the OS to shut down: go straight to forcing power off.
        if ((e as { kind?: string }).kind !== 'unsupported') throw e;
        await c.enter('no-soft');
        await c.bmc.setPower('off');
      }
      return { kind: 'pending', retryAfterMs: c.cfg.pollMs };
    }
    await c.enter('hard');
    await c.bmc.setPower('off');
    return { kind: 'pending', retryAfterMs: c.cfg.pollMs };
  }
  if (phase === 'soft') {
    const p = await c.bmc.power();
    if (p === 'off') return done('shut down gracefully (ACPI)');
    if (c.now - c.journal!.since <= c.cfg.shutdownTimeoutMs)
      return { kind: 'pending', retryAfterMs: c.cfg.pollMs };
    await c.enter('force');
    await c.bmc.setPower('off');
    return { kind: 'pending', retryAfterMs: c.cfg.pollMs };
  }
  const note =
    phase === 'no-soft'
      ? 'powered off (the BMC offers no graceful shutdown)'
      : phase === 'force'
        ? 'forced off after the graceful shutdown timed out'
        : 'powered off';
  return settleOn(c, 'off', 'off', c.cfg.powerTimeoutMs, note);
}

const pending = (c: StepContext): StepResult => ({ kind: 'pending', retryAfterMs: c.cfg.pollMs });

/**
 * Network-boots the machine into a profile and waits for the booted system's phone-home:
 * the deployment is begun first (so the machine's iPXE request finds it), then the machine is
 * powered off if on, given a one-time PXE override and powered on. Done once it phoned home;
 * a retryable failure at the profile's deadline.
 */
async function networkBoot(c: StepContext, purpose: 'install' | 'clean'): Promise<StepResult> {
  if (!c.netboot.hasProfile(purpose)) {
    return {
      kind: 'failed',
      retryable: false,
      message:
        purpose === 'install'
          ? `OS ${c.req.target.osTypeId} has no network-boot profile in the catalog: it cannot be installed on a driven machine`
          : 'EDCPS_CLEANING=wipe but the catalog has no cleaning profile',
    };
  }
  const phase = c.journal?.phase;
  if (phase === undefined && !(await c.netboot.hasBootNic())) {
    return {
      kind: 'failed',
      retryable: false,
      message: `device ${c.req.deviceId ?? ''} has no MAC recorded, so its network boot could not be recognised: enroll its boot NIC (edcps devices set-bmc DEVICE URL --mac MAC)`,
    };
  }
  if (phase === undefined || phase === 'off') {
    if (phase === undefined) await c.netboot.begin(purpose);
    const p = await c.bmc.power();
    if (p !== 'off') {
      if (phase === undefined) await c.enter('off');
      else if (c.now - c.journal!.since > c.cfg.powerTimeoutMs) {
        return {
          kind: 'failed',
          retryable: true,
          message: `BMC ${c.bmc.key}: the machine did not power off within ${Math.round(c.cfg.powerTimeoutMs / 1000)} s`,
        };
      }
      if (p !== 'powering-off') await c.bmc.setPower('off');
      return pending(c);
    }
    await c.enter('override');
  }
  if (phase === undefined || phase === 'off' || phase === 'override') {
    await c.bmc.setOneTimeNetworkBoot(c.bootMode);
    await c.enter('boot');
    await c.bmc.setPower('on');
    return pending(c);
  }
  const st = await c.netboot.status(purpose);
  if (st?.completedAt) {
    const keys = c.hostKeys(st.report);
    const booted = `network-booted (${c.bootMode === 'uefi' ? 'UEFI' : 'legacy'})`;
    return done(
      purpose === 'install'
        ? `${booted}, installed, and the installed system phoned home${keys ? ` (host keys: ${keys})` : ''}`
        : `${booted} into the cleaning image, which phoned home`,
    );
  }
  if (!st || c.now > st.deadlineAt) {
    return {
      kind: 'failed',
      retryable: true,
      message: `the machine (BMC ${c.bmc.key}) did not phone home after its network boot ${
        st
          ? `within ${Math.round((st.deadlineAt - (c.journal?.since ?? c.now)) / 1000)} s`
          : '(no deployment)'
      }`,
    };
  }
  // Booted from the network and now off (an installer that powered off): on again, from disk.
  if ((await c.bmc.power()) === 'off') await c.bmc.setPower('on');
  return pending(c);
}

/** Cleaning on: the cleaning image runs and phones home, then the machine is powered off. */
async function wipeDisks(c: StepContext): Promise<StepResult> {
  if (!c.cleaning) return done('disks are not erased: EDCPS_CLEANING is off');
  if (c.journal?.phase === 'clean-off') {
    return settleOn(
      c,
      'off',
      'off',
      c.cfg.powerTimeoutMs,
      'cleaned (the cleaning image phoned home) and powered off',
    );
  }
  const r = await networkBoot(c, 'clean');
  if (r.kind !== 'done') return r;
  await c.enter('clean-off');
  await c.bmc.setPower('off');
  return pending(c);
}

/**
 * One provisioning step on a machine with a BMC. Every command is a set-state (power on, power
 * off, ACPI shutdown, one-time boot device), never a toggle, and each phase is journaled before
 * its command is sent: performing a step again after a crash or a lost lease leaves the machine
 * as one performance would (a restart repeated after a crash reboots it once).
 */
export async function runHardwareStep(c: StepContext): Promise<StepResult> {
  const { req } = c;
  switch (req.step) {
    case 'allocate':
      return done(`BMC ${c.bmc.key} answers; power ${await c.bmc.power()}`);
    case 'configure-raid':
      if (!c.bmc.configureVolumes) {
        return done(
          `${c.bmc.protocol === 'ipmi' ? 'IPMI cannot configure RAID' : 'no RAID through this BMC'}: the controller's existing layout is used`,
        );
      }
      return done(
        await c.bmc.configureVolumes({
          system: req.target.sysRaidType,
          data: req.target.dataRaidType,
          keepData: req.target.keepData,
          rebuild: req.action === 'create',
        }),
      );
    case 'install-os':
      return networkBoot(c, 'install');
    case 'configure-network':
      return done("delivered by cloud-init with the seed's network-config");
    case 'inject-credentials':
      return done("delivered by cloud-init with the seed's user-data", true);
    case 'reset-password':
      return done('left to the installed system; the sealed password is erased', true);
    case 'power-on':
      return settleOn(c, 'on', 'on', c.cfg.powerTimeoutMs, 'powered on');
    case 'power-off':
      return powerOff(c, req.action !== 'delete');
    case 'wipe-disks':
      return wipeDisks(c);
    default:
      return done();
  }
}
