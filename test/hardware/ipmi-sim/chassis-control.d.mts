// Types for chassis-control.mjs (kept as plain JS so ipmi_sim can run it with node directly).

export interface MachineOverride {
  device: string;
  persistent: boolean;
  efi: boolean;
}

export interface MachineState {
  power: 'on' | 'off';
  override: MachineOverride | null;
  pendingBoot: { device: string; dueAt: number } | null;
  /**
   * 'pending': ipmi_sim powered off for a cycle and will power on from its 1 s timer;
   * 'refused': a cycle of a machine that was off was refused, so that timer's power-on is ignored.
   */
  cycle: 'pending' | 'refused' | null;
  ignoreSoftOff: boolean;
  bootDelayMs: number;
}

export const DIR_ENV: string;
export const LOG_FILE: string;

export function initMachine(dir: string, opts: { bootDelayMs: number }): void;
export function readMachine(dir: string): MachineState;
/** Raw event lines; the harness types them. */
export function readEvents(dir: string): unknown[];
export function setPower(dir: string, to: 'on' | 'off'): void;
export function setIgnoreSoftOff(dir: string, ignore: boolean): void;
export function settleMachine(dir: string): void;
export function currentRequest(logPath: string): { netfn: number; cmd: number; data: number[] } | null;
export function main(argv: string[], env: Record<string, string | undefined>): number;
