import type { Store } from '../../store/db.js';
import {
  type DeviceOfInstance,
  type DrivenDeviceRow,
  drivenDevicesOf,
} from '../../store/repositories/bmc-repo.js';
import type { DriverPass, StepRequest } from '../driver.js';

/**
 * The devices' rows (BMC settings and driver record) as a reconciler pass first read them: the
 * device router asks which driver each device has and the simulated driver needs the record of
 * the same devices, so within a pass each device is read once, by whichever asks first. Without
 * a pass, read now. A device that does not exist is absent from the answer. Read through the
 * instances of the steps (drivenDevicesOf).
 */
export async function passDevices(
  store: Store,
  wanted: readonly DeviceOfInstance[],
  pass?: DriverPass,
): Promise<ReadonlyMap<string, DrivenDeviceRow>> {
  if (!pass) return drivenDevicesOf(store.db, wanted);
  const known = passDeviceRows(pass);
  const unknown = wanted.filter((w) => !known.has(w.deviceId));
  if (unknown.length > 0) {
    const found = await drivenDevicesOf(store.db, unknown);
    for (const { deviceId } of unknown) known.set(deviceId, found.get(deviceId) ?? null);
  }
  const out = new Map<string, DrivenDeviceRow>();
  for (const { deviceId: d } of wanted) {
    const row = known.get(d);
    if (row) out.set(d, row);
  }
  return out;
}

/**
 * Every device row the pass has read so far, by device id (null: no such device). A BMC set
 * while the pass runs shows from the next pass.
 */
export const passDeviceRows = (pass: DriverPass): Map<string, DrivenDeviceRow | null> =>
  pass.keep('device-rows', () => new Map<string, DrivenDeviceRow | null>());

/**
 * The devices of the steps that have one and that `known` does not hold yet, with the instance
 * each step is for. A pass asks this once per round of steps; from its second round on every
 * device is known, and the answer is an empty list made without a list per step.
 */
export function devicesOf(
  requests: readonly StepRequest[],
  known?: { has(deviceId: string): boolean },
): DeviceOfInstance[] {
  const out: DeviceOfInstance[] = [];
  for (const r of requests) {
    if (r.deviceId !== null && known?.has(r.deviceId) !== true)
      out.push({ deviceId: r.deviceId, instanceId: r.instanceId });
  }
  return out;
}
