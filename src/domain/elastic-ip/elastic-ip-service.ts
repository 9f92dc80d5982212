import * as repo from '../../store/repositories/elastic-ips-repo.js';
import {
  countFreePublicIps,
  releasePublicIp,
  allocatePublicIp,
} from '../../store/repositories/inventory-repo.js';
import { createAccountService } from '../account/account-service.js';
import { chargeColumns, isPrepaidUnexpired, parseChargeSpec } from '../charge.js';
import { isoTime } from '../clock.js';
import type { Caller, Deps } from '../deps.js';
import { failedPrecondition, invalidArgument, notFound, quotaExceeded } from '../errors.js';
import { idempotencyKey, idempotent } from '../idempotency.js';
import { newId } from '../ids.js';
import { recordAllocationFailure } from '../operator/allocation-failures.js';
import { intInRange, oneOf, optionalString, requireInt } from '../validate.js';
import {
  BANDWIDTH_MAX,
  BANDWIDTH_MIN,
  EXTRA_UPLINK_MAX,
  type PageRequest,
  asSpec,
  bandwidthChange,
  purchaseCount,
} from './purchase-rules.js';
import { bandwidthStock, requireBandwidth } from './bandwidth-stock.js';
import { createElasticIpBinding } from './elastic-ip-binding.js';
import { EIP_CHARGE_MODES, elasticIpModel } from './elastic-ip-model.js';
import { packageToJoin } from './package-join.js';

export interface ElasticIpListRequest {
  page: PageRequest;
  elasticIpIds?: readonly string[];
  elasticIps?: readonly string[];
  bandwidthPackageIds?: readonly string[];
  status?: unknown;
  hasJoinBandwidthPackage?: unknown;
  chargeMode?: unknown;
  instanceId?: string;
  subnetId?: string;
}

export function createElasticIpService(deps: Deps) {
  const { store, clock } = deps;
  const accounts = createAccountService(deps);
  const now = () => clock.now();

  async function requireElasticIp(caller: Caller, id: string, lock: boolean, exec = store.db) {
    const row = await repo.getElasticIp(exec, caller, id, lock);
    if (!row) throw notFound('elastic IP', id);
    return row;
  }

  return {
    ...createElasticIpBinding(deps),

    /**
     * Buys `count` elastic IPs: quota (owned_by_instance EIPs excluded) → 429; addresses and
     * bandwidth from the region's stock → FAILED_PRECONDITION when short; with
     * bandwidthPackageId the new EIPs join that package and take no bandwidth stock.
     */
    async applyElasticIps(caller: Caller, input: { clientToken?: string; elasticIpSpec: unknown }) {
      const spec = asSpec('elasticIpSpec', input.elasticIpSpec);
      const bandwidth = requireInt('elasticIpSpec.bandwidth', spec.bandwidth, BANDWIDTH_MIN, BANDWIDTH_MAX);
      const extra =
        spec.extraUplinkBandwidth === undefined
          ? 0
          : intInRange('elasticIpSpec.extraUplinkBandwidth', spec.extraUplinkBandwidth, 0, EXTRA_UPLINK_MAX);
      const count = purchaseCount('elasticIpSpec.count', spec.count);
      const charge = parseChargeSpec(
        'elasticIpSpec.charge',
        asSpec('elasticIpSpec.charge', spec.charge),
        EIP_CHARGE_MODES,
      );
      const packageId = optionalString('elasticIpSpec.bandwidthPackageId', spec.bandwidthPackageId);

      const key = idempotencyKey(caller, 'applyElasticIps', input.clientToken);
      return idempotent(store, key, now, async (tx) => {
        const region = await repo.lockRegion(tx, caller.regionId);
        if (!region) throw invalidArgument('regionId', `unknown region "${caller.regionId}"`);
        const quota = await accounts.quota(caller.accountId, caller.regionId, tx);
        const used = await repo.countQuotaElasticIps(tx, caller.accountId, caller.regionId);
        if (used + count > quota.elasticIps) {
          throw quotaExceeded(
            `elastic IP quota exceeded in region ${caller.regionId}: ${used} of ${quota.elasticIps} used, ${count} requested`,
          );
        }
        const free = await countFreePublicIps(tx, caller.regionId);
        if (free < count) {
          throw failedPrecondition(
            `not enough public IPs in region ${caller.regionId}: ${count} requested, ${free} available`,
          );
        }
        if (packageId !== undefined) {
          await packageToJoin(tx, caller, {
            packageId,
            field: 'elasticIpSpec.bandwidthPackageId',
            lineType: region.line_type,
            adding: count,
          });
        } else {
          await requireBandwidth(tx, caller.regionId, { bandwidth: bandwidth * count, extra: extra * count });
        }
        const at = now();
        const ids: string[] = [];
        for (let i = 0; i < count; i++) {
          const id = newId('elasticIp');
          const ip = await allocatePublicIp(tx, caller.regionId, id);
          if (ip === undefined) {
            recordAllocationFailure('public_ip');
            throw failedPrecondition(`no public IP left in region ${caller.regionId}`);
          }
          await repo.insertElasticIp(tx, {
            id,
            account_id: caller.accountId,
            region_id: caller.regionId,
            ip,
            bandwidth,
            extra_uplink_bandwidth: extra,
            line_type: region.line_type,
            instance_id: null,
            target_ip: '',
            nic: '',
            bandwidth_package_id: packageId ?? null,
            owned_by_instance: 0,
            // Same timestamp for the batch: the id breaks ties, so list order is stable.
            created_at: at,
            ...chargeColumns(charge, at),
          });
          ids.push(id);
        }
        return { elasticIpIds: ids };
      });
    },

    async describeElasticIp(caller: Caller, elasticIpId: string) {
      return { elasticIp: elasticIpModel(await requireElasticIp(caller, elasticIpId, false), now()) };
    },

    async describeElasticIps(caller: Caller, q: ElasticIpListRequest) {
      const status =
        q.status === undefined ? undefined : oneOf('status', q.status, ['associate', 'disassociate']);
      const joined =
        q.hasJoinBandwidthPackage === undefined
          ? undefined
          : oneOf('hasJoinBandwidthPackage', q.hasJoinBandwidthPackage, ['yes', 'no']);
      const chargeMode =
        q.chargeMode === undefined ? undefined : oneOf('chargeMode', q.chargeMode, EIP_CHARGE_MODES);
      const { rows, totalCount } = await repo.listElasticIps(
        store.db,
        {
          accountId: caller.accountId,
          regionId: caller.regionId,
          ids: q.elasticIpIds,
          ips: q.elasticIps,
          packageIds: q.bandwidthPackageIds,
          associated: status === undefined ? undefined : status === 'associate',
          inPackage: joined === undefined ? undefined : joined === 'yes',
          chargeMode,
          instanceId: q.instanceId,
          subnetId: q.subnetId,
        },
        q.page,
      );
      const at = now();
      return {
        elasticIps: rows.map((r) => elasticIpModel(r, at)),
        pageNumber: q.page.pageNumber,
        pageSize: q.page.pageSize,
        totalCount,
      };
    },

    /**
     * Changes an EIP's bandwidth; an increase takes region stock. An EIP inside a bandwidth
     * package uses the package's bandwidth, so changing its own is refused (FAILED_PRECONDITION).
     * extraUplinkBandwidth absent keeps the current value.
     */
    async modifyElasticIpBandwidth(
      caller: Caller,
      elasticIpId: string,
      input: { clientToken?: string; bandwidth: unknown; extraUplinkBandwidth?: unknown },
    ) {
      const { bandwidth, extra } = bandwidthChange(input);
      const key = idempotencyKey(caller, 'modifyElasticIpBandwidth', input.clientToken);
      return idempotent(store, key, now, async (tx) => {
        await repo.lockRegion(tx, caller.regionId);
        const eip = await requireElasticIp(caller, elasticIpId, true, tx);
        if (eip.bandwidth_package_id !== null) {
          throw failedPrecondition(
            `elastic IP ${eip.id} belongs to bandwidth package ${eip.bandwidth_package_id} and uses its bandwidth; change the package with modifyBandwidthPackageBandwidth or remove the IP from it first`,
          );
        }
        const newExtra = extra ?? eip.extra_uplink_bandwidth;
        await requireBandwidth(tx, caller.regionId, {
          bandwidth: bandwidth - eip.bandwidth,
          extra: newExtra - eip.extra_uplink_bandwidth,
        });
        await repo.updateElasticIp(tx, eip.id, { bandwidth, extra_uplink_bandwidth: newExtra });
        return { success: true };
      });
    },

    /**
     * Releases an EIP: its address returns to the pool and its bandwidth to the stock. Refused
     * (FAILED_PRECONDITION) while associated, for EIPs created with an instance (released with
     * the instance) and for prepaid EIPs before expiry. A package member simply leaves it.
     */
    async deleteElasticIp(caller: Caller, elasticIpId: string, input: { clientToken?: string }) {
      const key = idempotencyKey(caller, 'deleteelasticIp', input.clientToken);
      return idempotent(store, key, now, async (tx) => {
        const eip = await requireElasticIp(caller, elasticIpId, true, tx);
        if (eip.owned_by_instance === 1) {
          throw failedPrecondition(
            `elastic IP ${eip.id} was created with instance ${eip.instance_id ?? ''} and is released when the instance is deleted`,
          );
        }
        if (eip.instance_id !== null) {
          throw failedPrecondition(
            `elastic IP ${eip.id} is associated with instance ${eip.instance_id}; disassociate it first`,
          );
        }
        if (isPrepaidUnexpired(eip, now())) {
          throw failedPrecondition(
            `elastic IP ${eip.id} is prepaid until ${isoTime(eip.charge_expire!)}; it cannot be deleted before it expires`,
          );
        }
        await releasePublicIp(tx, eip.id);
        await repo.deleteElasticIp(tx, eip.id);
        return { success: true };
      });
    },

    /** Free pool addresses and unsold bandwidth of the region (see bandwidthStock). */
    async describeElasticIpStock(caller: Caller) {
      const [available, bw] = await Promise.all([
        countFreePublicIps(store.db, caller.regionId),
        bandwidthStock(store.db, caller.regionId),
      ]);
      return {
        region: caller.regionId,
        available,
        availableBandwidth: bw.bandwidth,
        availableExtraUplinkBandwidth: bw.extra,
      };
    },
  };
}

export type ElasticIpService = ReturnType<typeof createElasticIpService>;
