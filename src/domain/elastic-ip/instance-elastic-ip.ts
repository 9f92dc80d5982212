import type { Executor, Tx } from '../../store/db.js';
import {
  clearInstanceElasticIps,
  deleteElasticIp,
  elasticIpsOfInstance,
  insertElasticIp,
  lockRegion,
  publicIps,
  setInstanceNicElasticIp,
  updateElasticIp,
} from '../../store/repositories/elastic-ips-repo.js';
import { allocatePublicIp, releasePublicIp } from '../../store/repositories/inventory-repo.js';
import { type Charge, chargeColumns } from '../charge.js';
import type { Caller, Deps } from '../deps.js';
import { failedPrecondition, invalidArgument } from '../errors.js';
import { newId } from '../ids.js';
import { recordAllocationFailure } from '../operator/allocation-failures.js';
import { oneOf } from '../validate.js';
import { requireBandwidth } from './bandwidth-stock.js';
import { EIP_CHARGE_MODES } from './elastic-ip-model.js';
import { packageToJoin } from './package-join.js';

/**
 * Creates the elastic IP bound at creation to a new instance's NIC, in the caller's
 * transaction: an address from the region pool (none left → FAILED_PRECONDITION "no public IP
 * left in region X"), `owned_by_instance = 1` (not counted in the elastic-IP quota, released
 * with the instance, cannot be deleted or disassociated on its own). Bandwidth comes from the
 * region's stock unless the EIP joins `bandwidthPackageId` (must exist, belong to the caller,
 * be on the same line and have room, else INVALID_ARGUMENT naming `field`).
 *
 * Charge: `chargeMode` (default postpaid_by_duration; only the by-duration modes, else
 * INVALID_ARGUMENT naming `<spec>.internetChargeMode` / `<spec>.extensionInternetChargeMode`,
 * derived from `field`). A prepaid EIP runs for `chargeUnit`/`chargeDuration` — pass the
 * instance's; default one month. If the instance row already exists, its elastic-IP column of
 * `nic` is set too; otherwise the caller inserts it with the returned id (same transaction).
 */
export async function createInstanceElasticIp(
  deps: Deps,
  tx: Tx,
  caller: Caller,
  p: {
    instanceId: string;
    nic: 'primary' | 'extension';
    targetIp: string;
    bandwidth: number;
    extraUplinkBandwidth: number;
    lineType: string;
    chargeMode?: string;
    chargeUnit?: 'month' | 'year';
    chargeDuration?: number;
    bandwidthPackageId?: string;
    field: string;
  },
): Promise<{ elasticIpId: string; ip: string }> {
  const spec = p.field.includes('.') ? p.field.slice(0, p.field.lastIndexOf('.') + 1) : '';
  const modeField = `${spec}${p.nic === 'primary' ? 'internetChargeMode' : 'extensionInternetChargeMode'}`;
  const mode = oneOf(modeField, p.chargeMode, EIP_CHARGE_MODES, 'postpaid_by_duration');
  const charge: Charge =
    mode === 'prepaid_by_duration'
      ? { mode, unit: p.chargeUnit ?? 'month', duration: p.chargeDuration ?? 1, autoRenew: false }
      : { mode, unit: '', duration: 0, autoRenew: false };

  const region = await lockRegion(tx, caller.regionId);
  if (!region) throw invalidArgument('regionId', `unknown region "${caller.regionId}"`);
  let packageId: string | null = null;
  if (p.bandwidthPackageId !== undefined && p.bandwidthPackageId !== '') {
    const pkg = await packageToJoin(tx, caller, {
      packageId: p.bandwidthPackageId,
      field: p.field,
      lineType: p.lineType,
      adding: 1,
    });
    packageId = pkg.id;
  } else {
    await requireBandwidth(tx, caller.regionId, { bandwidth: p.bandwidth, extra: p.extraUplinkBandwidth });
  }

  const id = newId('elasticIp');
  const ip = await allocatePublicIp(tx, caller.regionId, id);
  if (ip === undefined) {
    recordAllocationFailure('public_ip');
    throw failedPrecondition(`no public IP left in region ${caller.regionId}`);
  }
  const now = deps.clock.now();
  await insertElasticIp(tx, {
    id,
    account_id: caller.accountId,
    region_id: caller.regionId,
    ip,
    bandwidth: p.bandwidth,
    extra_uplink_bandwidth: p.extraUplinkBandwidth,
    line_type: p.lineType,
    instance_id: p.instanceId,
    target_ip: p.targetIp,
    nic: p.nic,
    bandwidth_package_id: packageId,
    owned_by_instance: 1,
    created_at: now,
    ...chargeColumns(charge, now),
  });
  await setInstanceNicElasticIp(tx, { instanceId: p.instanceId, nic: p.nic, expected: null, value: id, now });
  return { elasticIpId: id, ip };
}

/**
 * On instance deletion, in the caller's transaction: elastic IPs created with the instance are
 * released (address back to the pool, row deleted); those associated later are disassociated
 * and stay with the account. The instance's elastic-IP columns are cleared. Idempotent.
 */
export async function releaseInstanceElasticIps(deps: Deps, tx: Tx, instanceId: string): Promise<void> {
  for (const eip of await elasticIpsOfInstance(tx, instanceId)) {
    if (eip.owned_by_instance === 1) {
      await releasePublicIp(tx, eip.id);
      await deleteElasticIp(tx, eip.id);
    } else {
      await updateElasticIp(tx, eip.id, { instance_id: null, target_ip: '', nic: '' });
    }
  }
  await clearInstanceElasticIps(tx, instanceId, deps.clock.now());
}

/** elasticIpId → public address, for describe mappers (one query for a whole page). */
export async function publicIpsOf(db: Executor, elasticIpIds: string[]): Promise<Map<string, string>> {
  return publicIps(
    db,
    elasticIpIds.filter((id) => id !== ''),
  );
}
