import { type IpmiSim, startIpmiSim } from './ipmi-sim/index.js';
import { type RedfishSim, startRedfishSim } from './redfish-sim/index.js';

/**
 * One view of a simulated machine, whichever BMC plays it, so a scenario can be run on both
 * drivers: what edcps enrolls, and what the machine went through.
 */
export interface TestMachine {
  readonly kind: 'ipmi' | 'redfish';
  /** The BMC URL with the user but without the password (given separately, as an operator would). */
  readonly bmcUrl: string;
  readonly password: string;
  /** Server settings this BMC needs (the cipher suite ipmi_sim speaks, the Redfish CA). */
  readonly env: Record<string, string>;
  power(): 'on' | 'off';
  /** Every boot, oldest first: 'pxe' or 'disk'. */
  boots(): ('pxe' | 'disk')[];
  /** Graceful shutdowns the machine was asked for (ACPI). */
  gracefulShutdowns(): number;
  /** True when no boot override is pending (a one-time override was consumed). */
  overrideCleared(): boolean;
  setPower(p: 'on' | 'off'): void;
  close(): Promise<void>;
}

export async function ipmiMachine(
  opts: Parameters<typeof startIpmiSim>[0] = {},
): Promise<TestMachine & { sim: IpmiSim }> {
  const sim = await startIpmiSim(opts);
  return {
    sim,
    kind: 'ipmi',
    bmcUrl: `ipmi://${sim.username}@${sim.host}:${sim.port}`,
    password: sim.password,
    // ipmi_sim answers no cipher suite list; suite 3 is what it speaks (test/hardware/ipmi-sim).
    env: { EDCPS_IPMI_CIPHER_SUITE: '3' },
    power: () => sim.power(),
    boots: () =>
      sim
        .events()
        .flatMap((e) =>
          e.kind === 'boot' ? [e.device === 'pxe' ? ('pxe' as const) : ('disk' as const)] : [],
        ),
    gracefulShutdowns: () => sim.events().filter((e) => e.kind === 'command' && e.command === 'soft').length,
    overrideCleared: () => sim.bootOverride() === null,
    setPower: (p) => sim.setPower(p),
    close: () => sim.close(),
  };
}

export async function redfishMachine(
  opts: Parameters<typeof startRedfishSim>[0] = {},
): Promise<TestMachine & { sim: RedfishSim }> {
  const sim = await startRedfishSim({ transitionMs: 100, ...opts });
  return {
    sim,
    kind: 'redfish',
    bmcUrl: `redfish://${sim.username}@${sim.host}`,
    password: sim.password,
    // The simulator's self-signed certificate, trusted the way an operator trusts a site CA.
    env: { EDCPS_BMC_CA_FILE: sim.caFile },
    power: () => (sim.system().power === 'On' || sim.system().power === 'PoweringOff' ? 'on' : 'off'),
    boots: () => sim.system().boots.map((b) => (b.source === 'Pxe' ? ('pxe' as const) : ('disk' as const))),
    gracefulShutdowns: () => sim.system().resets.filter((r) => r.type === 'GracefulShutdown').length,
    overrideCleared: () => sim.system().boot.enabled === 'Disabled',
    setPower: (p) => sim.setPower(0, p === 'on' ? 'On' : 'Off'),
    close: () => sim.close(),
  };
}

/** Server settings that make driven steps quick in tests (the defaults are for real machines). */
export const FAST_HARDWARE: Record<string, string> = {
  EDCPS_BMC_POLL_MS: '50',
  EDCPS_BMC_TIMEOUT_SECONDS: '3',
  EDCPS_BMC_SHUTDOWN_TIMEOUT_SECONDS: '2',
  EDCPS_BMC_POWER_TIMEOUT_SECONDS: '20',
  EDCPS_POWER_SYNC_SECONDS: '1',
};
