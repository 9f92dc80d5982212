import { type BmcConfig, loadConfig } from '../config.js';
import type { Deps } from '../domain/deps.js';
import { type BmcOpener, bmcOpener } from './drivers/hardware/bmc-factory.js';
import { type BmcGate, createBmcGate } from './drivers/hardware/bmc-gate.js';

/** What every part of a process that talks to BMCs shares: settings, the opener, one gate. */
export interface Hardware {
  readonly cfg: BmcConfig;
  readonly open: BmcOpener;
  readonly gate: BmcGate;
}

export function createHardware(deps: Pick<Deps, 'store' | 'secrets'>, cfg?: BmcConfig): Hardware {
  // Without settings (tests, tools), the documented defaults.
  const c = cfg ?? loadConfig({}).bmc;
  return {
    cfg: c,
    open: bmcOpener(c, deps.secrets),
    // A lock outlives a step's exchanges (a few, each bounded by the timeout) with room to spare.
    gate: createBmcGate(deps.store.db, { concurrency: c.concurrency, lockMs: c.timeoutMs * 6 }),
  };
}
