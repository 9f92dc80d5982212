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

/** Network-boots the machine once: power off if on, set the one-time PXE override, power on. */
async function networkBoot(c: StepContext): Promise<StepResult> {
  const phase = c.journal?.phase;
  if (phase === undefined || phase === 'off') {
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
      return { kind: 'pending', retryAfterMs: c.cfg.pollMs };
    }
    await c.enter('boot');
    await c.bmc.setOneTimeNetworkBoot(c.bootMode);
    await c.bmc.setPower('on');
    return { kind: 'pending', retryAfterMs: c.cfg.pollMs };
  }
  const p = await c.bmc.power();
  if (p === 'on') {
    return done(
      `one-time network boot (${c.bootMode === 'uefi' ? 'UEFI' : 'legacy'}) set and the machine powered on`,
    );
  }
  if (c.now - c.journal!.since > c.cfg.powerTimeoutMs) {
    return {
      kind: 'failed',
      retryable: true,
      message: `BMC ${c.bmc.key}: the machine did not power on within ${Math.round(c.cfg.powerTimeoutMs / 1000)} s`,
    };
  }
  if (p === 'off') {
    // Both are set-states: repeating them after a crash or a lost command changes nothing more.
    await c.bmc.setOneTimeNetworkBoot(c.bootMode);
    await c.bmc.setPower('on');
  }
  return { kind: 'pending', retryAfterMs: c.cfg.pollMs };
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
      return done("RAID is not configured through the BMC yet: the controller's existing layout is used");
    case 'install-os':
      return networkBoot(c);
    case 'configure-network':
      return done('left to the installed system (network boot configuration)');
    case 'inject-credentials':
    case 'reset-password':
      return done('left to the installed system; the sealed secrets are erased', true);
    case 'power-on':
      return settleOn(c, 'on', 'on', c.cfg.powerTimeoutMs, 'powered on');
    case 'power-off':
      return powerOff(c, req.action !== 'delete');
    case 'wipe-disks':
      return done('disks are not erased on driven machines unless a cleaning boot is configured');
    default:
      return done();
  }
}
