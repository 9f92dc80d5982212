/**
 * What the hardware driver, power sync and the operator commands need from a BMC, whatever its
 * protocol. Every method is one bounded exchange with the BMC (each has a timeout); none waits
 * for the machine to finish a transition: callers poll `power()`.
 */
export interface BmcClient {
  /** `host:port`: names the BMC in messages and keys its command lock. */
  readonly key: string;
  readonly protocol: 'ipmi' | 'redfish';
  power(): Promise<PowerReading>;
  /** `on` powers on; `off` forces power off; `soft` asks the OS for an ACPI shutdown. All are set-states. */
  setPower(target: 'on' | 'off' | 'soft'): Promise<void>;
  /** Power cycle (operator command only: a toggle, never used by provisioning steps). */
  cycle(): Promise<void>;
  /** The next boot, once, from the network (PXE), in UEFI or legacy mode. Setting it twice is the same as once. */
  setOneTimeNetworkBoot(mode: 'uefi' | 'legacy'): Promise<void>;
  /** Whether a one-time network-boot override can be set, with what the BMC reported. */
  bootOverrideSupport(): Promise<{ supported: boolean; detail: string }>;
  /**
   * Builds the system and data volumes of the requested RAID levels on the machine's storage
   * controller (Redfish `Storage`/`Volumes`), keeping the data volume when asked. Idempotent:
   * volumes already as requested are left alone. Absent on BMCs that cannot (IPMI).
   */
  configureVolumes?(spec: VolumeSpec): Promise<string>;
  /** Logs out (Redfish session); safe to call twice. */
  close(): Promise<void>;
}

export interface VolumeSpec {
  /** RAID level names as the catalog writes them: RAID0, RAID1, RAID5, RAID10, NORAID. */
  system: string;
  data: string;
  /** Reinstall with keepData: the data volume (and its drives) stay as they are. */
  keepData: boolean;
  /** A new tenant (createInstances): volumes are built anew even where they already match. */
  rebuild: boolean;
}

export type PowerReading = 'on' | 'off' | 'powering-on' | 'powering-off';

export type BmcFailure =
  'unreachable' | 'timeout' | 'auth' | 'tls' | 'server' | 'unsupported' | 'protocol' | 'missing-tool';

/** The failures the issue calls transient: retried with back-off before the instance goes to error. */
const RETRYABLE: readonly BmcFailure[] = ['unreachable', 'timeout', 'auth', 'server', 'protocol'];

/**
 * A BMC exchange that failed. The message names the BMC (host:port) and the cause, never a
 * credential: every message is built by this module's callers from fixed text and the BMC's
 * own (credential-free) answers.
 */
export class BmcError extends Error {
  constructor(
    readonly kind: BmcFailure,
    readonly bmc: string,
    cause: string,
  ) {
    super(`BMC ${bmc}: ${cause}`);
  }

  get retryable(): boolean {
    return RETRYABLE.includes(this.kind);
  }
}

/** Any error as a BmcError of `bmc` (unexpected ones are protocol failures). */
export function asBmcError(e: unknown, bmc: string): BmcError {
  if (e instanceof BmcError) return e;
  return new BmcError('protocol', bmc, (e as Error)?.message ?? String(e));
}
