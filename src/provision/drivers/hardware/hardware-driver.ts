import type { BmcConfig } from '../../../config.js';
import type { Deps } from '../../../domain/deps.js';
import { createDeploymentService, reportedHostKeys } from '../../../domain/hardware/deployments.js';
import {
  type DrivenDeviceRow,
  drivenDevices,
  macsOf,
  recordBmcReading,
} from '../../../store/repositories/bmc-repo.js';
import { saveDriverStates } from '../../../store/repositories/driver-state-repo.js';
import type { Driver, StepRequest, StepResult } from '../../driver.js';
import { type BmcClient, type PowerReading, asBmcError } from '../bmc.js';
import type { BmcOpener } from './bmc-factory.js';
import type { BmcGate } from './bmc-gate.js';
import { type StepJournal, runHardwareStep, runOf } from './hardware-steps.js';

/** How soon a step that found its BMC busy (another command in flight) tries again. */
const BUSY_RETRY_MS = 250;

interface DeviceJournal {
  /** The instance the machine was last prepared for. */
  instanceId: string | null;
  step: StepJournal | null;
}

function parseJournal(text: string | null): DeviceJournal {
  if (!text) return { instanceId: null, step: null };
  try {
    const v = JSON.parse(text) as Partial<DeviceJournal>;
    return { instanceId: v.instanceId ?? null, step: v.step ?? null };
  } catch {
    return { instanceId: null, step: null };
  }
}

/**
 * The driver of machines with a BMC (IPMI or Redfish): each step is a few set-state commands
 * and power readings, and a step still waiting on the machine answers `pending` so no lease is
 * held while a machine boots. Requests run in parallel, bounded by the gate.
 */
export function createHardwareDriver(
  domain: Pick<Deps, 'store' | 'catalog' | 'secrets' | 'clock'>,
  deps: { open: BmcOpener; gate: BmcGate; cfg: BmcConfig; now?: () => number },
): Driver {
  const now = deps.now ?? Date.now;
  const store = domain.store;
  const deployments = createDeploymentService(domain);

  async function one(req: StepRequest, device: DrivenDeviceRow | undefined): Promise<StepResult> {
    if (!device)
      return { kind: 'failed', retryable: false, message: `instance ${req.instanceId} has no device` };
    const journal = parseJournal(device.state);
    const run = runOf(req);
    const mine =
      journal.step && journal.step.run === run && journal.step.step === req.step ? journal.step : undefined;
    // The journal is written before the command it announces: no device row, no command.
    const save = async (j: DeviceJournal) => {
      const written = await saveDriverStates(
        store.db,
        [{ deviceId: device.id, state: JSON.stringify(j) }],
        now(),
      );
      if (written === 0)
        throw new Error(`device ${device.id} no longer exists: its step journal cannot be written`);
    };
    // What the step last read of the machine's power, kept on the device for `devices list`.
    let seen: PowerReading | undefined;
    let opened: BmcClient | undefined;
    try {
      // Inside the try: a password sealed under another key or an unreadable CA file fails this
      // device's step, not the whole batch.
      const client = deps.open(device);
      opened = client;
      const bmc: BmcClient = { ...client, power: async () => (seen = await client.power()) };
      const r = await deps.gate.tryWith(bmc.key, async () => {
        const t = now();
        const result = await runHardwareStep({
          req,
          bmc,
          bootMode: device.boot_mode,
          cfg: deps.cfg,
          now: t,
          journal: mine,
          enter: (phase) =>
            save({ instanceId: req.instanceId, step: { run, step: req.step, phase, since: t } }),
          netboot: {
            hasProfile: (purpose) => deployments.profileOf(purpose, req.target.osTypeId) !== undefined,
            hasBootNic: async () => ((await macsOf(store.db, [device.id])).get(device.id) ?? []).length > 0,
            async begin(purpose) {
              await deployments.begin({
                id: `${run}:${purpose}`,
                purpose,
                instanceId: req.instanceId,
                deviceId: device.id,
                osTypeId: req.target.osTypeId,
              });
            },
            async status(purpose) {
              const d = await deployments.status(`${run}:${purpose}`);
              return d && { completedAt: d.completed_at, deadlineAt: d.deadline_at, report: d.report };
            },
          },
          cleaning: deps.cfg.cleaning === 'wipe',
          hostKeys: reportedHostKeys,
        });
        // Done, or given up on (a timeout): the next performance of this step starts afresh.
        if (result.kind !== 'pending') {
          await save({ instanceId: req.step === 'release' ? null : req.instanceId, step: null });
        }
        return result;
      });
      if (!r.ran) return { kind: 'pending', retryAfterMs: BUSY_RETRY_MS };
      const power = seen === 'on' || seen === 'off' ? seen : undefined;
      if (power) await recordBmcReading(store.db, device.id, { power, health: 'ok', message: '', at: now() });
      return r.value;
    } catch (e) {
      const err = asBmcError(e, opened?.key ?? device.serial);
      await recordBmcReading(store.db, device.id, {
        health: 'unhealthy',
        message: err.message,
        at: now(),
      }).catch(() => undefined);
      return { kind: 'failed', retryable: err.retryable, message: err.message };
    } finally {
      await opened?.close().catch(() => undefined);
    }
  }
  return {
    name: 'hardware',
    async runSteps(requests) {
      const devices = await drivenDevices(
        store.db,
        requests.map((r) => r.deviceId).filter((d): d is string => d !== null),
      );
      return Promise.all(
        requests.map((r) => one(r, r.deviceId === null ? undefined : devices.get(r.deviceId))),
      );
    },
  };
}
