import { getInstanceNics } from '../../store/repositories/alias-ips-repo.js';
import { freeIps } from '../../store/repositories/ipam-repo.js';
import { getSubnet } from '../../store/repositories/subnets-repo.js';
import type { Caller, Deps } from '../deps.js';
import { invalidArgument, notFound } from '../errors.js';
import { formatIp, parseCidr, usableFirst, usableLast } from './ipv4.js';

/**
 * At most this many addresses are listed, lowest first: a /16 has 65,533 usable addresses and
 * the operation has no paging. JD documents no limit.
 */
export const AVAILABLE_PRIVATE_IPS_LIMIT = 1000;

export function createPrivateIpService(deps: Deps) {
  const db = deps.store.db;
  return {
    /**
     * Free addresses of the primary CIDR of `subnetId`, which must be the subnet of the
     * instance's primary or extension NIC (else INVALID_ARGUMENT naming subnetId).
     */
    async describeAvailablePrivateIp(
      caller: Caller,
      instanceId: string,
      subnetId: string,
    ): Promise<{ availablePrivateIps: string[] }> {
      const inst = await getInstanceNics(db, caller, instanceId);
      if (!inst) throw notFound('instance', instanceId);
      if (
        subnetId !== inst.subnet_id &&
        (inst.extension_subnet_id === '' || subnetId !== inst.extension_subnet_id)
      ) {
        throw invalidArgument('subnetId', `subnet ${subnetId} is not a subnet of instance ${instanceId}`);
      }
      const subnet = await getSubnet(db, caller, subnetId);
      if (!subnet) throw invalidArgument('subnetId', `subnet ${subnetId} not found`);
      const pool = parseCidr(subnet.cidr)!;
      const ips = await freeIps(
        db,
        subnet.vpc_id,
        usableFirst(pool),
        usableLast(pool),
        AVAILABLE_PRIVATE_IPS_LIMIT,
      );
      return { availablePrivateIps: ips.map(formatIp) };
    },
  };
}
