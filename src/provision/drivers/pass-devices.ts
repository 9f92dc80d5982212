import type { Store } from '../../store/db.js';
import { type DrivenDeviceRow, drivenDevices } from '../../store/repositories/bmc-repo.js';
import type { DriverPass } from '../driver.js';

/**
 * The devices' rows (BMC settings and driver record) as a reconciler pass first read them: the
 * device router asks which driver each device has and the simulated driver needs the record of
 * the same devices, so within a pass each device is read once, by whichever asks first. Without
 * a pass, read now. A device that does not exist is absent from the answer.
 */
export async function passDevices(
  store: Store,
  deviceIds: readonly string[],
  pass?: DriverPass,
): Promise<ReadonlyMap<string, DrivenDeviceRow>> {
  if (!pass) return drivenDevices(store.db, deviceIds);
  const known = pass.keep('device-rows', () => new Map<string, DrivenDeviceRow | null>());
  const unknown = deviceIds.filter((d) => !known.has(d));
  if (unknown.length > 0) {
    const found = await drivenDevices(store.db, unknown);
    for (const d of unknown) known.set(d, found.get(d) ?? null);
  }
  const out = new Map<string, DrivenDeviceRow>();
  for (const d of deviceIds) {
    const row = known.get(d);
    if (row) out.set(d, row);
  }
  return out;
}
