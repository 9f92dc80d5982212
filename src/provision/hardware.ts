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
    // A lock outlives what runs under it: a step's few exchanges, or `devices power` waiting for
    // a power transition (bounded by the power timeout).
    gate: createBmcGate(deps.store.db, {
      concurrency: c.concurrency,
      lockMs: Math.max(c.timeoutMs * 6, c.powerTimeoutMs + c.timeoutMs),
    }),
  };
}
