import type { Store } from '../../store/db.js';
import { type DrivenDeviceRow, driversOf } from '../../store/repositories/bmc-repo.js';
import type { Driver, StepRequest, StepResult } from '../driver.js';
import { devicesOf, passDeviceRows, passDevices } from './pass-devices.js';

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
        // The rows the simulated driver will want too: read once for both (passDevices), in
        // the pass's first round; its later rounds find every device among the rows it read, so
        // they read nothing and make no list per step.
        const rows = passDeviceRows(pass);
        const unknown = devicesOf(requests, rows);
        if (unknown.length > 0) await passDevices(store, unknown, pass);
        driven = drivenAmong(requests, rows);
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

/** The devices of `requests` that have a BMC, and their drivers, by the rows a pass read. */
function drivenAmong(
  requests: readonly StepRequest[],
  rows: ReadonlyMap<string, DrivenDeviceRow | null>,
): ReadonlyMap<string, string> {
  let driven: Map<string, string> | undefined;
  for (const { deviceId } of requests) {
    if (deviceId === null) continue;
    const d = rows.get(deviceId)?.bmc_driver;
    if (d) (driven ??= new Map()).set(deviceId, d);
  }
  return driven ?? NONE;
}

const NONE: ReadonlyMap<string, string> = new Map();
