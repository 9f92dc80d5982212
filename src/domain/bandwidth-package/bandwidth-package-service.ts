import * as eipRepo from '../../store/repositories/elastic-ips-repo.js';
import * as repo from '../../store/repositories/bandwidth-packages-repo.js';
import { chargeColumns, chargeModel, isPrepaidUnexpired, parseChargeSpec } from '../charge.js';
import { isoTime } from '../clock.js';
import type { Caller, Deps } from '../deps.js';
import { bandwidthStock, requireBandwidth } from '../elastic-ip/bandwidth-stock.js';
import { EIP_CHARGE_MODES, MAX_PACKAGE_MEMBERS } from '../elastic-ip/elastic-ip-model.js';
import {
  BANDWIDTH_MAX,
  BANDWIDTH_MIN,
  EXTRA_UPLINK_MAX,
  type PageRequest,
  asSpec,
  bandwidthChange,
  purchaseCount,
} from '../elastic-ip/purchase-rules.js';
import { failedPrecondition, invalidArgument, notFound } from '../errors.js';
import { idempotencyKey, idempotent } from '../idempotency.js';
import { newId } from '../ids.js';
import { intInRange, requireInt, requireString } from '../validate.js';

/**
 * Package names: JD documents no rule for edcps; like JD VPC names, 1–32 characters of
 * Chinese characters, letters, digits, `_` and `-`.
 */
export function checkPackageName(field: string, value: unknown): string {
  const name = requireString(field, value);
  if (!/^[\p{Script=Han}A-Za-z0-9_-]{1,32}$/u.test(name)) {
    throw invalidArgument(field, 'must be 1-32 characters of Chinese characters, letters, digits, _ and -');
  }
  return name;
}

/**
 * Wire BandwidthPackage. A package is regional (any AZ of the region), so `az` is "".
 */
function packageModel(row: repo.BandwidthPackageRow, now: number) {
  return {
    region: row.region_id,
    az: '',
    bandwidthPackageId: row.id,
    bandwidth: row.bandwidth,
    extraUplinkBandwidth: row.extra_uplink_bandwidth,
    lineType: row.line_type,
    name: row.name,
    createTime: isoTime(row.created_at),
    charge: chargeModel(row, now),
  };
}

export function createBandwidthPackageService(deps: Deps) {
  const { store, clock } = deps;
  const now = () => clock.now();

  async function requirePackage(caller: Caller, id: string, lock: boolean, exec = store.db) {
    const row = await repo.getBandwidthPackage(exec, caller, id, lock);
    if (!row) throw notFound('bandwidth package', id);
    return row;
  }

  return {
    /** Buys `count` packages of `bandwidth` each, from the region's bandwidth stock. */
    async applyBandwidthPackages(
      caller: Caller,
      input: { clientToken?: string; bandwidthPackageSpec: unknown },
    ) {
      const spec = asSpec('bandwidthPackageSpec', input.bandwidthPackageSpec);
      const name = checkPackageName('bandwidthPackageSpec.name', spec.name);
      const bandwidth = requireInt(
        'bandwidthPackageSpec.bandwidth',
        spec.bandwidth,
        BANDWIDTH_MIN,
        BANDWIDTH_MAX,
      );
      const extra =
        spec.extraUplinkBandwidth === undefined
          ? 0
          : intInRange(
              'bandwidthPackageSpec.extraUplinkBandwidth',
              spec.extraUplinkBandwidth,
              0,
              EXTRA_UPLINK_MAX,
            );
      const count = purchaseCount('bandwidthPackageSpec.count', spec.count);
      // DEVIATION: JD does not say which charge modes a package takes; like elastic IPs, only
      // the two by-duration modes (nothing here meters traffic for postpaid_by_usage).
      const charge = parseChargeSpec(
        'bandwidthPackageSpec.charge',
        asSpec('bandwidthPackageSpec.charge', spec.charge),
        EIP_CHARGE_MODES,
      );
      const key = idempotencyKey(caller, 'applyBandwidthPackages', input.clientToken);
      return idempotent(store, key, now, async (tx) => {
        const region = await eipRepo.lockRegion(tx, caller.regionId);
        if (!region) throw invalidArgument('regionId', `unknown region "${caller.regionId}"`);
        await requireBandwidth(tx, caller.regionId, { bandwidth: bandwidth * count, extra: extra * count });
        const at = now();
        const ids: string[] = [];
        for (let i = 0; i < count; i++) {
          const id = newId('bandwidthPackage');
          await repo.insertBandwidthPackage(tx, {
            id,
            account_id: caller.accountId,
            region_id: caller.regionId,
            name,
            bandwidth,
            extra_uplink_bandwidth: extra,
            line_type: region.line_type,
            created_at: at,
            ...chargeColumns(charge, at),
          });
          ids.push(id);
        }
        return { bandwidthPackageIds: ids };
      });
    },

    async describeBandwidthPackage(caller: Caller, id: string) {
      return { bandwidthPackage: packageModel(await requirePackage(caller, id, false), now()) };
    },

    /** `name` matches as a case-insensitive substring (like describeInstances.name). */
    async describeBandwidthPackages(
      caller: Caller,
      q: { page: PageRequest; bandwidthPackageIds?: readonly string[]; name?: string },
    ) {
      const { rows, totalCount } = await repo.listBandwidthPackages(
        store.db,
        { accountId: caller.accountId, regionId: caller.regionId, ids: q.bandwidthPackageIds, name: q.name },
        q.page,
      );
      const at = now();
      return {
        bandwidthPackages: rows.map((r) => packageModel(r, at)),
        pageNumber: q.page.pageNumber,
        pageSize: q.page.pageSize,
        totalCount,
      };
    },

    /** Renames a package; without `name` nothing changes. Returns the package. */
    async modifyBandwidthPackage(
      caller: Caller,
      id: string,
      input: { clientToken?: string; name?: unknown },
    ) {
      const name = input.name === undefined ? undefined : checkPackageName('name', input.name);
      const key = idempotencyKey(caller, 'modifyBandwidthPackage', input.clientToken);
      return idempotent(store, key, now, async (tx) => {
        const pkg = await requirePackage(caller, id, true, tx);
        if (name !== undefined) await repo.updateBandwidthPackage(tx, pkg.id, { name });
        return { bandwidthPackage: packageModel({ ...pkg, name: name ?? pkg.name }, now()) };
      });
    },

    /** An increase takes region stock; extraUplinkBandwidth absent keeps the current value. */
    async modifyBandwidthPackageBandwidth(
      caller: Caller,
      id: string,
      input: { clientToken?: string; bandwidth: unknown; extraUplinkBandwidth?: unknown },
    ) {
      const { bandwidth, extra } = bandwidthChange(input);
      const key = idempotencyKey(caller, 'modifyBandwidthPackageBandwidth', input.clientToken);
      return idempotent(store, key, now, async (tx) => {
        await eipRepo.lockRegion(tx, caller.regionId);
        const pkg = await requirePackage(caller, id, true, tx);
        const newExtra = extra ?? pkg.extra_uplink_bandwidth;
        await requireBandwidth(tx, caller.regionId, {
          bandwidth: bandwidth - pkg.bandwidth,
          extra: newExtra - pkg.extra_uplink_bandwidth,
        });
        await repo.updateBandwidthPackage(tx, pkg.id, { bandwidth, extra_uplink_bandwidth: newExtra });
        return { success: true };
      });
    },

    /**
     * Adds elastic IPs of the account to the package: same region and line, not in any package
     * yet, at most 300 members. All or nothing. Their own bandwidth returns to the stock while
     * they are members.
     */
    async addBandwidthPackageIp(
      caller: Caller,
      id: string,
      input: { clientToken?: string; elasticIpIds: unknown },
    ) {
      const ids = input.elasticIpIds;
      if (!Array.isArray(ids) || ids.length === 0) {
        throw invalidArgument('elasticIpIds', 'must list at least one elastic IP id');
      }
      const seen = new Set<string>();
      for (const [i, v] of ids.entries()) {
        if (typeof v !== 'string' || v === '')
          throw invalidArgument(`elasticIpIds.${i}`, 'must be an elastic IP id');
        if (seen.has(v)) throw invalidArgument('elasticIpIds', `lists ${v} more than once`);
        seen.add(v);
      }
      const key = idempotencyKey(caller, 'addBandwidthPackageIp', input.clientToken);
      return idempotent(store, key, now, async (tx) => {
        const pkg = await requirePackage(caller, id, true, tx);
        const eips = await eipRepo.getElasticIpsByIds(tx, caller, [...seen], true);
        for (const want of seen) {
          if (!eips.some((e) => e.id === want)) {
            throw invalidArgument(
              'elasticIpIds',
              `elastic IP ${want} not found in region ${caller.regionId}`,
            );
          }
        }
        for (const e of eips) {
          if (e.bandwidth_package_id !== null) {
            throw failedPrecondition(
              `elastic IP ${e.id} already belongs to bandwidth package ${e.bandwidth_package_id}`,
            );
          }
          if (e.line_type !== pkg.line_type) {
            throw failedPrecondition(
              `elastic IP ${e.id} is on line ${e.line_type} and bandwidth package ${pkg.id} on line ${pkg.line_type}`,
            );
          }
        }
        const members = await repo.countMembers(tx, pkg.id);
        if (members + eips.length > MAX_PACKAGE_MEMBERS) {
          throw failedPrecondition(
            `bandwidth package ${pkg.id} holds ${members} of at most ${MAX_PACKAGE_MEMBERS} elastic IPs; ${eips.length} more do not fit`,
          );
        }
        await eipRepo.setPackageOfElasticIps(
          tx,
          eips.map((e) => e.id),
          pkg.id,
        );
        return { success: true };
      });
    },

    /**
     * Takes one elastic IP out of the package. It needs its own bandwidth again, from the region
     * stock (FAILED_PRECONDITION when short).
     */
    async removeBandwidthPackageIp(
      caller: Caller,
      id: string,
      input: { clientToken?: string; elasticIpId: unknown },
    ) {
      const elasticIpId = requireString('elasticIpId', input.elasticIpId);
      const key = idempotencyKey(caller, 'removeBandwidthPackageIp', input.clientToken);
      return idempotent(store, key, now, async (tx) => {
        await eipRepo.lockRegion(tx, caller.regionId);
        const pkg = await requirePackage(caller, id, true, tx);
        const eip = await eipRepo.getElasticIp(tx, caller, elasticIpId, true);
        if (!eip) {
          throw invalidArgument(
            'elasticIpId',
            `elastic IP ${elasticIpId} not found in region ${caller.regionId}`,
          );
        }
        if (eip.bandwidth_package_id !== pkg.id) {
          throw failedPrecondition(`elastic IP ${eip.id} is not in bandwidth package ${pkg.id}`);
        }
        await requireBandwidth(tx, caller.regionId, {
          bandwidth: eip.bandwidth,
          extra: eip.extra_uplink_bandwidth,
        });
        await eipRepo.setPackageOfElasticIps(tx, [eip.id], null);
        return { success: true };
      });
    },

    /**
     * Deletes a package. Refused (FAILED_PRECONDITION) while it still holds elastic IPs — they
     * would otherwise fall back to their own bandwidth, which the stock may not cover — and for
     * prepaid packages before expiry.
     */
    async deleteBandwidthPackage(caller: Caller, id: string, input: { clientToken?: string }) {
      const key = idempotencyKey(caller, 'deleteBandwidthPackage', input.clientToken);
      return idempotent(store, key, now, async (tx) => {
        const pkg = await requirePackage(caller, id, true, tx);
        const members = await repo.countMembers(tx, pkg.id);
        if (members > 0) {
          throw failedPrecondition(
            `bandwidth package ${pkg.id} still holds ${members} elastic IP${members === 1 ? '' : 's'}; remove them first`,
          );
        }
        if (isPrepaidUnexpired(pkg, now())) {
          throw failedPrecondition(
            `bandwidth package ${pkg.id} is prepaid until ${isoTime(pkg.charge_expire!)}; it cannot be deleted before it expires`,
          );
        }
        await repo.deleteBandwidthPackage(tx, pkg.id);
        return { success: true };
      });
    },

    async describeBandwidthPackageStock(caller: Caller) {
      const bw = await bandwidthStock(store.db, caller.regionId);
      return {
        region: caller.regionId,
        availableBandwidth: bw.bandwidth,
        availableExtraUplinkBandwidth: bw.extra,
      };
    },
  };
}

export type BandwidthPackageService = ReturnType<typeof createBandwidthPackageService>;
