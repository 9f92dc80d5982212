import type { Store } from '../../store/db.js';
import { driversOf } from '../../store/repositories/bmc-repo.js';
import type { Driver, StepResult } from '../driver.js';

/**
 * Routes each step to the driver of its device: machines with a BMC to `hardware`, the rest to
 * `simulated`. One region may mix them; one query per batch tells which is which, and within a
 * reconciler pass one query per device (a BMC set while a pass runs applies from the next one).
 */
export function createDeviceDriver(store: Store, simulated: Driver, hardware: Driver): Driver {
  return {
    name: 'device',
    async runSteps(requests, pass) {
      const ids = requests.map((r) => r.deviceId).filter((d): d is string => d !== null);
      let driven: ReadonlyMap<string, string>;
      if (pass) {
        // Every device asked about: its BMC driver, or '' for a simulated one.
        const known = pass.keep('device-drivers', () => new Map<string, string>());
        const unknown = ids.filter((d) => !known.has(d));
        if (unknown.length > 0) {
          const found = await driversOf(store.db, unknown);
          for (const d of unknown) known.set(d, found.get(d) ?? '');
        }
        driven = new Map(ids.filter((d) => known.get(d) !== '').map((d) => [d, known.get(d) ?? '']));
      } else {
        driven = await driversOf(store.db, ids);
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
