import type { Executor } from '../../store/db.js';
import { driversOf } from '../../store/repositories/bmc-repo.js';
import type { Deps } from '../deps.js';
import { invalidArgument } from '../errors.js';

/**
 * An OS reaches a driven machine only by network boot, so it needs a boot profile in the
 * catalog; simulated devices need none. Throws INVALID_ARGUMENT naming `field` when a driven
 * machine is to get an OS without one.
 */
export function assertInstallable(
  deps: Pick<Deps, 'catalog'>,
  onDrivenMachine: boolean,
  osTypeId: string,
  field: string,
): void {
  if (!onDrivenMachine) return;
  if (deps.catalog.osImages.some((o) => o.osTypeId === osTypeId && o.boot !== undefined)) return;
  throw invalidArgument(
    field,
    `OS "${osTypeId}" has no network-boot profile in the catalog, so it cannot be installed on a driven (IPMI or Redfish) machine`,
  );
}

/** assertInstallable for the device `deviceId` (null: not allocated, so not driven). */
export async function requireInstallable(
  deps: Pick<Deps, 'catalog'>,
  exec: Executor,
  deviceId: string | null,
  osTypeId: string,
  field: string,
): Promise<void> {
  const driven = deviceId !== null && (await driversOf(exec, [deviceId])).size > 0;
  assertInstallable(deps, driven, osTypeId, field);
}
