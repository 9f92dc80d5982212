import type { Store } from '../../store/db.js';
import { driversOf } from '../../store/repositories/bmc-repo.js';
import type { Driver, StepResult } from '../driver.js';

/**
 * Routes each step to the driver of its device: machines with a BMC to `hardware`, the rest to
 * `simulated`. One region may mix them; one query per batch tells which is which.
 */
export function createDeviceDriver(store: Store, simulated: Driver, hardware: Driver): Driver {
  return {
    name: 'device',
    async runSteps(requests) {
      const driven = await driversOf(
        store.db,
        requests.map((r) => r.deviceId).filter((d): d is string => d !== null),
      );
      if (driven.size === 0) return simulated.runSteps(requests);
      const isDriven = requests.map((r) => r.deviceId !== null && driven.has(r.deviceId));
      const run = (d: Driver, part: typeof requests) => (part.length === 0 ? [] : d.runSteps(part));
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
