import type { Executor } from '../../store/db.js';
import * as aliases from '../../store/repositories/alias-ips-repo.js';
import { insertAllocation, lockVpc, releaseByOwner } from '../../store/repositories/ipam-repo.js';
import { getSubnet } from '../../store/repositories/subnets-repo.js';
import type { Caller, Deps } from '../deps.js';
import { failedPrecondition, invalidArgument, missingArgument, notFound, outOfRange } from '../errors.js';
import { idempotencyKey, idempotent } from '../idempotency.js';
import { newId } from '../ids.js';
import { requireString } from '../validate.js';
import {
  type AliasPool,
  MAX_ALIAS_IPS_PER_INSTANCE,
  placeAliasRange,
  poolsOfSubnet,
} from './alias-ranges.js';
import { cidrContainsIp, formatCidr, lastIp, parseCidr, parseIp } from './ipv4.js';
import { type AliasIpModel, aliasIpModel } from './models.js';
import { type Page, requireSpec } from './spec.js';

export interface AliasIpResult {
  successList: { aliasIpId: string; cidr: string }[];
  errorList: { cidr: string; message: string }[];
}

export function createAliasIpService(deps: Deps) {
  const { store } = deps;
  const now = () => deps.clock.now();

  /** Elastic IPs (id) bound to an address inside each alias range, keyed by alias IP id. */
  async function boundEips(db: Executor, rows: aliases.AliasIpWithAz[]): Promise<Map<string, string>> {
    const targets = await aliases.elasticIpTargets(db, [...new Set(rows.map((r) => r.instance_id))]);
    const out = new Map<string, string>();
    for (const r of rows) {
      const range = parseCidr(r.cidr)!;
      const hit = targets.find((t) => {
        const ip = parseIp(t.target_ip);
        return t.instance_id === r.instance_id && ip !== undefined && cidrContainsIp(range, ip);
      });
      if (hit) out.set(r.id, hit.id);
    }
    return out;
  }

  return {
    /**
     * Adds alias ranges to an instance, each reported on its own: a bad range (syntax,
     * alignment, unknown pool, outside the pool, reserved address, overlap, over the 50-range
     * limit) lands in errorList and the good ones are created. A bad request as a whole
     * (no spec, no ranges, unknown or foreign instance) is an ordinary error.
     */
    async createAliasIp(caller: Caller, rawSpec: unknown, clientToken?: string): Promise<AliasIpResult> {
      const spec = requireSpec('aliasIpSpec', rawSpec);
      const instanceId = requireString('aliasIpSpec.instanceId', spec.instanceId);
      const list = spec.aliasIps;
      if (!Array.isArray(list) || list.length === 0) throw missingArgument('aliasIpSpec.aliasIps');
      if (list.length > MAX_ALIAS_IPS_PER_INSTANCE) {
        throw outOfRange('aliasIpSpec.aliasIps', `at most ${MAX_ALIAS_IPS_PER_INSTANCE} ranges per instance`);
      }
      const infos = list as { id?: string; cidr?: string }[];
      return idempotent(store, idempotencyKey(caller, 'createAliasIp', clientToken), now, async (tx) => {
        const inst = await aliases.getInstanceNics(tx, caller, instanceId);
        if (!inst) throw invalidArgument('aliasIpSpec.instanceId', `instance ${instanceId} not found`);
        if (inst.status === 'destroying') throw failedPrecondition(`instance ${instanceId} is being deleted`);
        const nics: [string, 'primary' | 'extension'][] = [[inst.subnet_id, 'primary']];
        if (inst.extension_subnet_id !== '') nics.push([inst.extension_subnet_id, 'extension']);
        const subnets = [];
        for (const [id, nic] of nics) {
          const s = id === '' ? undefined : await getSubnet(tx, caller, id);
          if (s) subnets.push({ s, nic });
        }
        // Both NICs may sit in different VPCs: lock in id order so two requests cannot deadlock.
        for (const vpcId of [...new Set(subnets.map((x) => x.s.vpc_id))].sort()) await lockVpc(tx, vpcId);
        const pools: AliasPool[] = [];
        for (const { s, nic } of subnets) {
          pools.push(...(await poolsOfSubnet(tx, { id: s.id, vpcId: s.vpc_id, cidr: s.cidr }, nic)));
        }
        let held = await aliases.countAliasIpsOfInstance(tx, instanceId);
        const result: AliasIpResult = { successList: [], errorList: [] };
        const t = now();
        for (const [i, info] of infos.entries()) {
          const cidrText = typeof info.cidr === 'string' ? info.cidr : '';
          if (held >= MAX_ALIAS_IPS_PER_INSTANCE) {
            result.errorList.push({
              cidr: cidrText,
              message: failedPrecondition(
                `instance ${instanceId} already holds ${MAX_ALIAS_IPS_PER_INSTANCE} alias IP ranges (the limit)`,
              ).message,
            });
            continue;
          }
          const placed = await placeAliasRange(tx, pools, info);
          if (!placed.ok) {
            result.errorList.push({
              cidr: cidrText,
              message: invalidArgument(`aliasIpSpec.aliasIps[${i}].${placed.field}`, placed.message).message,
            });
            continue;
          }
          const id = newId('aliasIp');
          const cidr = formatCidr(placed.cidr);
          await aliases.insertAliasIp(tx, {
            id,
            account_id: caller.accountId,
            region_id: caller.regionId,
            instance_id: instanceId,
            subnet_id: placed.pool.subnetId,
            secondary_cidr_id: placed.pool.secondaryCidrId,
            cidr,
            nic: placed.pool.nic,
            created_at: t,
          });
          await insertAllocation(tx, {
            vpc_id: placed.pool.vpcId,
            subnet_id: placed.pool.subnetId,
            pool_id: placed.pool.id,
            first_ip: placed.cidr.base,
            last_ip: lastIp(placed.cidr),
            kind: 'alias',
            owner_id: id,
            created_at: t,
          });
          held++;
          result.successList.push({ aliasIpId: id, cidr });
        }
        return result;
      });
    },

    /** subnetId, instanceId exact; cidr substring; ids = aliasIpId filter. Creation order. */
    async describeAliasIps(
      caller: Caller,
      q: { subnetId?: string; instanceId?: string; cidr?: string; ids?: readonly string[] },
      page: Page,
    ): Promise<{ aliasIps: AliasIpModel[]; pageNumber: number; pageSize: number; totalCount: number }> {
      const { rows, totalCount } = await aliases.listAliasIps(store.db, caller, q, page);
      const bound = await boundEips(store.db, rows);
      return {
        aliasIps: rows.map((r) => aliasIpModel(r, bound.has(r.id))),
        pageNumber: page.pageNumber,
        pageSize: page.pageSize,
        totalCount,
      };
    },

    /** Frees the range. An elastic IP bound inside it must be disassociated first (FAILED_PRECONDITION). */
    async deleteAliasIp(
      caller: Caller,
      aliasIpId: string,
      clientToken?: string,
    ): Promise<{ success: boolean }> {
      return idempotent(store, idempotencyKey(caller, 'deleteAliasIp', clientToken), now, async (tx) => {
        const row = await aliases.getAliasIp(tx, caller, aliasIpId);
        if (!row) throw notFound('alias IP', aliasIpId);
        const eip = (await boundEips(tx, [row])).get(row.id);
        if (eip) {
          throw failedPrecondition(
            `alias IP ${aliasIpId} has elastic IP ${eip} bound to it; disassociate it first`,
          );
        }
        await releaseByOwner(tx, aliasIpId);
        await aliases.deleteAliasIp(tx, aliasIpId);
        return { success: true };
      });
    },
  };
}
