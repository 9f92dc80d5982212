import type { Store } from '../../store/db.js';
import { driversOf } from '../../store/repositories/bmc-repo.js';
import type { Driver, StepRequest, StepResult } from '../driver.js';
import { devicesOf, passDevices } from './pass-devices.js';

/**
 * Routes each step to the driver of its device: machines with a BMC to `hardware`, the rest to
 * `simulated`. One region may mix them; one query per batch tells which is which, and within a
 * reconciler pass one read of each device, shared with the simulated driver (passDevices; a BMC
 * set while a pass runs applies from the next one).
 */
export function createDeviceDriver(store: Store, simulated: Driver, hardware: Driver): Driver {
  return {
    name: 'device',
    async runSteps(requests, pass) {
      let driven: ReadonlyMap<string, string>;
      if (pass) {
        // The rows the simulated driver will want too: read once for both (passDevices). Which
        // devices have a BMC is kept for the pass's later rounds (a BMC set meanwhile applies
        // from the next pass), so those rounds read nothing and make no list per step.
        const drivers = pass.keep('device-drivers', () => new Map<string, string>());
        const unknown = devicesOf(requests, drivers);
        if (unknown.length > 0) {
          const rows = await passDevices(store, unknown, pass);
          for (const { deviceId } of unknown) drivers.set(deviceId, rows.get(deviceId)?.bmc_driver ?? '');
        }
        driven = drivenAmong(requests, drivers);
      } else {
        driven = await driversOf(
          store.db,
          requests.map((r) => r.deviceId).filter((d): d is string => d !== null),
        );
      }
      if (driven.size === 0) return simulated.runSteps(requests, pass);
      const isDriven = requests.map((r) => r.deviceId !== null && driven.has(r.deviceId));
      const run = (d: Driver, part: typeof requests) => (part.length === 0 ? [] : d.runSteps(part, pass));
      const [sim, hw] = await Promise.all([
        run(
          simulated,
          requests.filter((_, i) => !isDriven[i]),
        ),
        run(
          hardware,
          requests.filter((_, i) => isDriven[i]),
        ),
      ]);
      let s = 0;
      let h = 0;
      return isDriven.map((d): StepResult => (d ? hw[h++]! : sim[s++]!));
    },
  };
}

/** The devices of `requests` that have a BMC driver, by `drivers` (device id → driver, '' for none). */
function drivenAmong(
  requests: readonly StepRequest[],
  drivers: ReadonlyMap<string, string>,
): ReadonlyMap<string, string> {
  let driven: Map<string, string> | undefined;
  for (const { deviceId } of requests) {
    if (deviceId === null) continue;
    const d = drivers.get(deviceId);
    if (d) (driven ??= new Map()).set(deviceId, d);
  }
  return driven ?? NONE;
}

const NONE: ReadonlyMap<string, string> = new Map();
