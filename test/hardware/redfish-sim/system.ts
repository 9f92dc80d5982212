import { RedfishError, fail, message } from './errors.js';
import type { SimManager } from './manager.js';
import { CHASSIS_PATH, link, systemPath } from './paths.js';
import { SimStorage } from './storage.js';
import type { SimBoot, SimPower, SimSystemState } from './types.js';

const BOOT_TARGETS = ['None', 'Pxe', 'Cd', 'Usb', 'Hdd', 'BiosSetup', 'UefiShell', 'UefiHttp'];
const BOOT_ENABLED = ['Disabled', 'Once', 'Continuous'] as const;
const BOOT_MODES = ['UEFI', 'Legacy'] as const;
const WRITABLE_BOOT = ['BootSourceOverrideTarget', 'BootSourceOverrideEnabled', 'BootSourceOverrideMode'];
/** The ResetType values ComputerSystem.Reset defines (Resource.ResetType). */
const RESET_TYPES = [
  'On',
  'ForceOff',
  'GracefulShutdown',
  'GracefulRestart',
  'ForceRestart',
  'Nmi',
  'ForceOn',
  'PushPowerButton',
  'PowerCycle',
  'Suspend',
  'Pause',
  'Resume',
  'FullPowerCycle',
];
const RESET = 'ComputerSystem.Reset';

export interface SystemConfig {
  transitionMs: number;
  acpiIgnored: boolean;
  resetTypes: string[];
  storage: boolean;
}

export interface SystemHooks {
  /** Whether the 'stuck' fault holds power transitions right now. */
  stuck(): boolean;
  booted(system: SimSystemState, boot: SimBoot): void;
}

/** Told how an accepted reset ends: its power transition finished, or another reset replaced it. */
export interface ResetWaiter {
  settled(): void;
  superseded(): void;
}

type Phase = 'on' | 'off';

/** One ComputerSystem: its power state machine, boot override, ETag and storage. */
export class SimSystem {
  power: SimPower = 'Off';
  readonly boot: SimSystemState['boot'] = { target: 'None', enabled: 'Disabled', mode: 'UEFI' };
  readonly boots: SimBoot[] = [];
  readonly resets: { at: number; type: string }[] = [];
  readonly storage: SimStorage | undefined;
  readonly path: string;
  private version = 1;
  private assetTag = '';
  private lastResetTime = new Date().toISOString();
  private current: Phase | undefined;
  private queued: Phase[] = [];
  private timer: NodeJS.Timeout | undefined;
  private held = false;
  private waiter: ResetWaiter | undefined;
  private stopped = false;

  constructor(
    readonly index: number,
    readonly id: string,
    readonly manager: SimManager,
    private readonly config: SystemConfig,
    private readonly hooks: SystemHooks,
  ) {
    this.path = systemPath(id);
    this.storage = config.storage ? new SimStorage(this.path, this.serial, () => this.bump()) : undefined;
  }

  get etag(): string {
    return `W/"${this.version}"`;
  }

  get serial(): string {
    return `SIM${String(4711 + this.index).padStart(7, '0')}`;
  }

  get uuid(): string {
    return `38947555-7742-3448-3784-8234${String(this.index).padStart(8, '0')}`;
  }

  snapshot(): SimSystemState {
    return {
      id: this.id,
      path: this.path,
      power: this.power,
      boot: { ...this.boot },
      boots: this.boots.map((b) => ({ ...b })),
      resets: this.resets.map((r) => ({ ...r })),
      volumes: (this.storage?.volumes ?? []).map((v) => ({ ...v, drives: [...v.drives] })),
      virtualMedia: { image: this.manager.image, inserted: this.manager.inserted },
    };
  }

  json(): Record<string, unknown> {
    return {
      '@odata.id': this.path,
      '@odata.type': '#ComputerSystem.v1_20_0.ComputerSystem',
      '@odata.etag': this.etag,
      Id: this.id,
      Name: 'Simulated Compute Node',
      Description: 'A bare-metal server behind a simulated BMC',
      SystemType: 'Physical',
      Manufacturer: 'Contoso',
      Model: 'EDC 1U Server',
      SKU: '8675309',
      SerialNumber: this.serial,
      PartNumber: '224071-J23',
      UUID: this.uuid,
      AssetTag: this.assetTag,
      HostName: '',
      PowerState: this.power,
      LastResetTime: this.lastResetTime,
      BiosVersion: 'P79 v1.45 (12/06/2017)',
      Status: { State: 'Enabled', Health: 'OK', HealthRollup: 'OK' },
      ProcessorSummary: { Count: 2, Model: 'Multi-Core Intel(R) Xeon(R) processor 7xxx Series' },
      MemorySummary: { TotalSystemMemoryGiB: 96, Status: { State: 'Enabled', Health: 'OK' } },
      Boot: {
        BootSourceOverrideEnabled: this.boot.enabled,
        BootSourceOverrideTarget: this.boot.target,
        'BootSourceOverrideTarget@Redfish.AllowableValues': BOOT_TARGETS,
        BootSourceOverrideMode: this.boot.mode,
        'BootSourceOverrideMode@Redfish.AllowableValues': BOOT_MODES,
      },
      ...(this.storage ? { Storage: link(this.storage.collectionPath) } : {}),
      Actions: {
        [`#${RESET}`]: {
          target: `${this.path}/Actions/${RESET}`,
          'ResetType@Redfish.AllowableValues': this.config.resetTypes,
        },
      },
      Links: { ManagedBy: [link(this.manager.path)], Chassis: [link(CHASSIS_PATH)] },
    };
  }

  /**
   * Applies a PATCH all or nothing: any read-only, unknown or invalid property rejects the
   * whole request with 400 listing every problem. A PATCH that changes nothing keeps the ETag.
   */
  patch(body: Record<string, unknown>): void {
    const known = this.json();
    const errors = [];
    if (Object.keys(body).length === 0) errors.push(message('EmptyJSON'));
    for (const [key, value] of Object.entries(body)) {
      if (key === 'Boot') errors.push(...validateBoot(value));
      else if (key === 'AssetTag') {
        if (typeof value !== 'string') {
          errors.push(message('PropertyValueTypeError', [JSON.stringify(value), key], [`#/${key}`]));
        }
      } else if (key in known) errors.push(message('PropertyNotWritable', [key], [`#/${key}`]));
      else errors.push(message('PropertyUnknown', [key], [`#/${key}`]));
    }
    if (errors.length > 0) throw new RedfishError(400, errors);
    const before = JSON.stringify(this.json());
    const boot = (body.Boot ?? {}) as Record<string, string>;
    this.boot.target = boot.BootSourceOverrideTarget ?? this.boot.target;
    this.boot.enabled =
      (boot.BootSourceOverrideEnabled as SimSystemState['boot']['enabled']) ?? this.boot.enabled;
    this.boot.mode = (boot.BootSourceOverrideMode as SimSystemState['boot']['mode']) ?? this.boot.mode;
    if (typeof body.AssetTag === 'string') this.assetTag = body.AssetTag;
    if (JSON.stringify(this.json()) !== before) this.bump();
  }

  /**
   * ComputerSystem.Reset. Returns 'noop' when the system already is where the reset leads
   * (On when On, ForceOff when Off) or the reset has no visible effect (Nmi, a graceful
   * request the OS ignores); the waiter then settles at once. Throws RedfishError 400 for a
   * bad ResetType, 409 while another transition runs (only ForceOff interrupts one) and 409
   * ResourceInStandby for requests that need a running OS on a powered-off system.
   */
  reset(body: Record<string, unknown>, waiter?: ResetWaiter): 'started' | 'noop' {
    const type = this.validateReset(body);
    const plan = this.planFor(type);
    this.resets.push({ at: Date.now(), type });
    if (plan === 'noop') {
      waiter?.settled();
      return 'noop';
    }
    this.start(plan, waiter);
    return 'started';
  }

  /** Power changes at once with no transition, cancelling any running one. */
  setPower(power: 'On' | 'Off'): void {
    this.cancel();
    if (power === this.power) return;
    if (power === 'On') this.poweredOn();
    else {
      this.power = 'Off';
      this.bump();
    }
  }

  /** Lets transitions held by the 'stuck' fault run on, each with a full transitionMs. */
  resume(): void {
    if (this.held && !this.hooks.stuck()) {
      this.held = false;
      this.schedule();
    }
  }

  /** For close(): no timer runs now or later. */
  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private bump(): void {
    this.version++;
  }

  private validateReset(body: Record<string, unknown>): string {
    const unknown = Object.keys(body).filter((k) => k !== 'ResetType');
    if (unknown.length > 0) {
      throw new RedfishError(
        400,
        unknown.map((k) => message('ActionParameterUnknown', [RESET, k])),
      );
    }
    const type = body.ResetType;
    if (type === undefined) throw fail(400, 'ActionParameterMissing', [RESET, 'ResetType']);
    if (typeof type !== 'string') {
      throw fail(400, 'ActionParameterValueTypeError', [JSON.stringify(type), 'ResetType', RESET]);
    }
    if (!RESET_TYPES.includes(type) || !this.config.resetTypes.includes(type)) {
      throw fail(400, 'ActionParameterValueFormatError', [type, 'ResetType', RESET]);
    }
    return type;
  }

  private planFor(type: string): Phase[] | 'noop' {
    const on = this.power === 'On';
    const off = this.power === 'Off';
    const busy = this.current !== undefined;
    const ignoresAcpi = this.config.acpiIgnored;
    switch (type) {
      case 'On':
      case 'ForceOn':
        if (on || this.current === 'on' || this.queued.includes('on')) return 'noop';
        if (busy) throw fail(409, 'ResourceInUse');
        return ['on'];
      case 'ForceOff':
        // Pulling the power works in any state, even mid-transition.
        if (off || (this.current === 'off' && this.queued.length === 0)) return 'noop';
        return ['off'];
      case 'GracefulShutdown':
        if (off) return 'noop';
        if (busy) throw fail(409, 'ResourceInUse');
        return ignoresAcpi ? 'noop' : ['off'];
      case 'GracefulRestart':
        if (busy) throw fail(409, 'ResourceInUse');
        if (off) throw fail(409, 'ResourceInStandby');
        return ignoresAcpi ? 'noop' : ['off', 'on'];
      case 'ForceRestart':
      case 'PowerCycle':
      case 'FullPowerCycle':
        if (busy) throw fail(409, 'ResourceInUse');
        return off ? ['on'] : ['off', 'on'];
      case 'PushPowerButton':
        if (busy) throw fail(409, 'ResourceInUse');
        if (off) return ['on'];
        return ignoresAcpi ? 'noop' : ['off'];
      default:
        // Nmi, Suspend, Pause, Resume: accepted, but the simulated OS shows no effect.
        if (off) throw fail(409, 'ResourceInStandby');
        return 'noop';
    }
  }

  private start(plan: Phase[], waiter: ResetWaiter | undefined): void {
    this.cancel();
    this.waiter = waiter;
    this.queued = [...plan];
    this.next();
  }

  private cancel(): void {
    this.clearTimer();
    this.held = false;
    this.current = undefined;
    this.queued = [];
    const old = this.waiter;
    this.waiter = undefined;
    old?.superseded();
  }

  private next(): void {
    const phase = this.queued.shift();
    this.current = phase;
    if (!phase) {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter?.settled();
      return;
    }
    this.power = phase === 'on' ? 'PoweringOn' : 'PoweringOff';
    this.bump();
    if (this.hooks.stuck()) this.held = true;
    else this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // A transition already running when 'stuck' is set freezes too.
      if (this.hooks.stuck()) {
        this.held = true;
        return;
      }
      if (this.current === 'on') this.poweredOn();
      else {
        this.power = 'Off';
        this.bump();
      }
      this.next();
    }, this.config.transitionMs);
  }

  /**
   * Records a boot like real firmware: a Once override is consumed (Enabled goes back to
   * Disabled, the target stays as it was), Continuous keeps applying, otherwise the disk boots.
   */
  private poweredOn(): void {
    const { target, enabled, mode } = this.boot;
    const source = enabled !== 'Disabled' && target !== 'None' ? target : 'Hdd';
    if (enabled === 'Once') this.boot.enabled = 'Disabled';
    const boot: SimBoot = { at: Date.now(), source, mode };
    this.power = 'On';
    this.lastResetTime = new Date(boot.at).toISOString();
    this.boots.push(boot);
    this.bump();
    this.hooks.booted(this.snapshot(), { ...boot });
  }
}

function validateBoot(value: unknown): ReturnType<typeof message>[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [message('PropertyValueTypeError', [JSON.stringify(value), 'Boot'], ['#/Boot'])];
  }
  const allowed: Record<string, readonly string[]> = {
    BootSourceOverrideTarget: BOOT_TARGETS,
    BootSourceOverrideEnabled: BOOT_ENABLED,
    BootSourceOverrideMode: BOOT_MODES,
  };
  const errors = [];
  for (const [key, v] of Object.entries(value)) {
    const prop = `Boot/${key}`;
    const related = [`#/Boot/${key}`];
    if (!WRITABLE_BOOT.includes(key)) {
      const readOnly = key.startsWith('BootSourceOverride') && key.includes('@');
      errors.push(message(readOnly ? 'PropertyNotWritable' : 'PropertyUnknown', [prop], related));
    } else if (typeof v !== 'string') {
      errors.push(message('PropertyValueTypeError', [JSON.stringify(v), prop], related));
    } else if (!allowed[key].includes(v)) {
      errors.push(message('PropertyValueNotInList', [v, prop], related));
    }
  }
  return errors;
}
