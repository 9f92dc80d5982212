/** Public shapes of the Redfish BMC simulator; see index.ts for how to start one. */

export interface RedfishSimOptions {
  /** Default 'admin'. */
  username?: string;
  /** Default 'redfish-secret'. */
  password?: string;
  /** Default true: HTTPS with a self-signed certificate for 127.0.0.1. */
  tls?: boolean;
  /** Default 1 (or systemIds.length): how many members the Systems collection has. */
  systems?: number;
  /** Default ['437XR1138R2', '437XR1138R3', ...]; deliberately not '1', so clients must follow links. */
  systemIds?: string[];
  /** Default 200: how long PoweringOn/PoweringOff last before On/Off, in milliseconds. */
  transitionMs?: number;
  /** Default false; when true a PATCH without If-Match answers 428 Precondition Required. */
  requireIfMatch?: boolean;
  /** Default false; when true ComputerSystem.Reset answers 202 Accepted + Location of a task monitor. */
  asyncReset?: boolean;
  /** Default false; when true GracefulShutdown/GracefulRestart are accepted but power stays On. */
  acpiIgnored?: boolean;
  /** ResetType@Redfish.AllowableValues; default On, ForceOff, GracefulShutdown, GracefulRestart, ForceRestart, PowerCycle. */
  resetTypes?: string[];
  /** Default true: a Storage resource with four drives and a Volumes collection. */
  storage?: boolean;
}

export interface SimBoot {
  /** Date.now() when the system reached On. */
  at: number;
  /** What it booted from: the override target ('Pxe', 'Cd', ...) or 'Hdd' without an override. */
  source: string;
  mode: string;
}

export type SimPower = 'On' | 'Off' | 'PoweringOn' | 'PoweringOff';

export interface SimVolume {
  id: string;
  name: string;
  raidType: string;
  /** Drive Ids (not @odata.id paths), e.g. 'Disk.Bay.0'. */
  drives: string[];
}

export interface SimSystemState {
  id: string;
  /** '/redfish/v1/Systems/<id>' */
  path: string;
  power: SimPower;
  boot: { target: string; enabled: 'Disabled' | 'Once' | 'Continuous'; mode: 'UEFI' | 'Legacy' };
  /** Every power-on (or restart), in order. */
  boots: SimBoot[];
  /** Every accepted ComputerSystem.Reset, including accepted no-ops. */
  resets: { at: number; type: string }[];
  volumes: SimVolume[];
  /** image is '' when nothing is attached. */
  virtualMedia: { image: string; inserted: boolean };
}

export type SimFault =
  | { mode: 'none' }
  | { mode: 'unreachable' }
  | { mode: 'unauthorized' }
  | { mode: 'server-error' }
  | { mode: 'slow'; delayMs: number }
  | { mode: 'stuck' }
  /**
   * Requests of `method` (default: any) whose path ends with `path` (default: any) are carried
   * out, then their answer is lost: the
   * connection is reset (`hold: false`) or left open with no answer until the client gives up
   * (`hold: true`) — what a controller sees when it crashes or times out mid-command.
   */
  | { mode: 'lost-answer'; method?: string; path?: string; hold?: boolean };

export interface SimRequest {
  method: string;
  /** The URL path without the query string. */
  path: string;
  ifMatch?: string;
  /** Which credentials the request carried (never their values). */
  auth: 'basic' | 'session' | 'none';
  status: number;
}

export interface RedfishSim {
  /** 'https://127.0.0.1:PORT' (http:// when tls is false), no trailing slash. */
  readonly url: string;
  /** '127.0.0.1:PORT' */
  readonly host: string;
  /** The self-signed certificate (PEM); '' when tls is false. */
  readonly caPem: string;
  /** caPem written to a file; '' when tls is false. */
  readonly caFile: string;
  readonly username: string;
  readonly password: string;
  /** A deep copy of the system's state; index defaults to 0. Throws RangeError for an unknown index. */
  system(index?: number): SimSystemState;
  /** Changes power at once, as a person at the power button would; a power-on records a boot. */
  setPower(index: number, power: 'On' | 'Off'): void;
  /** requests: fault only the next N requests the fault affects, then back to none. */
  setFault(f: SimFault, opts?: { requests?: number }): void;
  /** Called after every boot is recorded; an exception thrown by cb is rethrown asynchronously. */
  onBoot(cb: (system: SimSystemState, boot: SimBoot) => void): void;
  /** Every answered request, in order (a test may splice it); requests dropped by 'unreachable' are not listed. */
  readonly requests: SimRequest[];
  /** Idempotent; drops open connections and stops all timers. */
  close(): Promise<void>;
}
