import type { Executor, Store } from '../../../store/db.js';
import type { DrivenDeviceRow } from '../../../store/repositories/bmc-repo.js';
import { saveDriverStates } from '../../../store/repositories/driver-state-repo.js';
import type { Driver, StepRequest, StepResult } from '../../driver.js';
import { devicesOf, passDevices } from '../pass-devices.js';

/**
 * What the simulated hardware holds, per device: the record a real bare-metal server's BMC,
 * disks and OS would carry. Written as absolute states, so performing a step twice leaves the
 * same record as performing it once (the driver contract's idempotency).
 */
export interface SimDeviceState {
  /** The instance the device was prepared for by `allocate`; null once released. */
  instanceId: string | null;
  power: 'on' | 'off';
  raid: { system: string; data: string } | null;
  os: { osTypeId: string; osName: string; hostname: string } | null;
  network: {
    vpcId: string;
    subnetId: string;
    privateIp: string;
    extensionSubnetId: string;
    extensionPrivateIp: string;
  } | null;
  /** What was injected; the password itself is never recorded. */
  credentials: { keypairId: string; password: boolean; userDataBytes: number } | null;
  lastStep: { action: string; step: string } | null;
}

export const blankDevice = (): SimDeviceState => ({
  instanceId: null,
  power: 'off',
  raid: null,
  os: null,
  network: null,
  credentials: null,
  lastStep: null,
});

export function parseSimState(text: string | null | undefined): SimDeviceState {
  if (text === null || text === undefined || text === '') return blankDevice();
  return { ...blankDevice(), ...(JSON.parse(text) as Partial<SimDeviceState>) };
}

type Outcome = { state: SimDeviceState; result: StepResult };

const fatal = (message: string): StepResult => ({ kind: 'failed', retryable: false, message });

/** One step applied to a device's state. Unknown step names (custom catalogs) only take time. */
function apply(req: StepRequest, cur: SimDeviceState): Outcome {
  const done: StepResult = { kind: 'done' };
  // Field by field rather than a spread: this runs once per step of every simulated instance.
  const next: SimDeviceState = {
    instanceId: cur.instanceId,
    power: cur.power,
    raid: cur.raid,
    os: cur.os,
    network: cur.network,
    credentials: cur.credentials,
    lastStep: { action: req.action, step: req.step },
  };
  // Deleting must work whatever state the device is in (e.g. creation failed at allocate).
  if (req.step !== 'allocate' && req.action !== 'delete' && cur.instanceId !== req.instanceId) {
    return {
      state: cur,
      result: fatal(`device ${req.deviceId} was not prepared for instance ${req.instanceId}`),
    };
  }
  switch (req.step) {
    case 'allocate':
      // Fresh record for the new tenant: a repeat after a crash starts over identically.
      return {
        state: { ...blankDevice(), instanceId: req.instanceId, lastStep: next.lastStep },
        result: done,
      };
    case 'configure-raid':
      // `next` is this step's own copy: filled in, not copied again.
      next.raid = {
        system: req.target.sysRaidType,
        data: req.target.keepData && cur.raid ? cur.raid.data : req.target.dataRaidType,
      };
      return { state: next, result: done };
    case 'install-os':
      if (next.raid === null)
        return { state: cur, result: fatal('cannot install an OS before the RAID is configured') };
      next.os = { osTypeId: req.target.osTypeId, osName: req.target.osName, hostname: req.target.hostname };
      return { state: next, result: done };
    case 'configure-network':
      next.network = { ...req.network };
      return { state: next, result: done };
    case 'inject-credentials':
    case 'reset-password': {
      const s = req.secrets();
      next.credentials = {
        keypairId: req.step === 'reset-password' ? (cur.credentials?.keypairId ?? '') : req.target.keypairId,
        password: (s?.password ?? '') !== '' || (cur.credentials?.password ?? false),
        userDataBytes:
          req.step === 'reset-password'
            ? (cur.credentials?.userDataBytes ?? 0)
            : Buffer.from(s?.userData ?? '', 'base64').length,
      };
      return { state: next, result: { kind: 'done', consumedSecrets: true } };
    }
    case 'power-on':
      if (next.os === null)
        return { state: cur, result: fatal('cannot power on: no operating system installed') };
      next.power = 'on';
      return { state: next, result: done };
    case 'power-off':
      next.power = 'off';
      return { state: next, result: done };
    case 'wipe-disks':
      return { state: { ...next, power: 'off', raid: null, os: null, credentials: null }, result: done };
    case 'release':
      return { state: { ...blankDevice(), lastStep: next.lastStep }, result: done };
    default:
      return { state: next, result: done };
  }
}

/** A device's row and its simulated record as the pass knows it (the parse error if unreadable). */
interface HeldDevice {
  row: DrivenDeviceRow;
  state: SimDeviceState | Error;
  changed: boolean;
}

function hold(row: DrivenDeviceRow): HeldDevice {
  let state: SimDeviceState | Error;
  try {
    state = parseSimState(row.state);
  } catch (e) {
    state = e as Error;
  }
  return { row, state, changed: false };
}

/**
 * The simulated driver: steps are bookkeeping on the device's record (devices.driver_state).
 * Step durations are not slept here: the reconciler schedules each step `seconds × time scale`
 * after the previous one, as a real driver's step would take that long. Alone, a call reads its
 * devices in one query and writes them back in one statement per chunk. Within a reconciler
 * pass (DriverPass), the records are read once, carried from step to step in memory, and
 * written once when the pass finishes: at time scale 0 a creation's six steps cost one read
 * and one write of its device instead of six of each.
 */
export function createSimulatedDriver(store: Store, now: () => number = Date.now): Driver {
  const save = (held: Iterable<HeldDevice>, db: Executor) => {
    const writes: { deviceId: string; state: string; rowid?: number }[] = [];
    for (const h of held) {
      if (h.changed && !(h.state instanceof Error))
        writes.push({ deviceId: h.row.id, state: JSON.stringify(h.state), rowid: h.row.rowid });
    }
    return saveDriverStates(db, writes, now()).then(() => undefined);
  };
  return {
    name: 'simulated',
    async runSteps(requests, pass) {
      const held =
        pass?.keep('simulated-devices', () => {
          const kept = new Map<string, HeldDevice>();
          pass.atFinish((db) => save(kept.values(), db));
          return kept;
        }) ?? new Map<string, HeldDevice>();
      const missing = devicesOf(requests, held);
      if (missing.length > 0) {
        for (const [id, row] of await passDevices(store, missing, pass)) held.set(id, hold(row));
      }
      const results = requests.map((req): StepResult => {
        const dev = req.deviceId === null ? undefined : held.get(req.deviceId);
        if (!dev) return fatal(`instance ${req.instanceId} has no device`);
        if (req.step === 'allocate' && dev.row.instance_id !== req.instanceId) {
          return fatal(`device ${dev.row.id} is not assigned to instance ${req.instanceId}`);
        }
        let out: Outcome;
        try {
          if (dev.state instanceof Error) throw dev.state;
          out = apply(req, dev.state);
        } catch (e) {
          return fatal(`simulated device ${dev.row.id}: ${(e as Error).message}`);
        }
        if (out.result.kind === 'done') {
          dev.state = out.state;
          dev.changed = true;
        }
        return out.result;
      });
      if (pass) return results;
      try {
        await save(held.values(), store.db);
      } catch (e) {
        const message = `simulated driver could not record device state: ${(e as Error).message}`;
        return results.map((r) => (r.kind === 'done' ? { kind: 'failed', retryable: true, message } : r));
      }
      return results;
    },
  };
}
