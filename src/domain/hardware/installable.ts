import type { Executor } from '../../store/db.js';
import { driversOf } from '../../store/repositories/bmc-repo.js';
import type { Deps } from '../deps.js';
import { invalidArgument } from '../errors.js';

/**
 * An OS reaches a driven machine only by network boot, so it needs a boot profile in the
 * catalog; simulated devices need none. Throws INVALID_ARGUMENT naming `field` when one of
 * `deviceIds` is driven and the OS has no profile.
 */
export async function requireInstallable(
  deps: Pick<Deps, 'catalog'>,
  exec: Executor,
  deviceIds: readonly (string | null)[],
  osTypeId: string,
  field: string,
): Promise<void> {
  if (deps.catalog.osImages.some((o) => o.osTypeId === osTypeId && o.boot !== undefined)) return;
  const driven = await driversOf(
    exec,
    deviceIds.filter((d): d is string => d !== null),
  );
  if (driven.size === 0) return;
  throw invalidArgument(
    field,
    `OS "${osTypeId}" has no network-boot profile in the catalog, so it cannot be installed on a driven (IPMI or Redfish) machine`,
  );
}
