import { countAliasIpsOfSubnet } from '../../store/repositories/alias-ips-repo.js';
import { listAzs } from '../../store/repositories/catalog-repo.js';
import { allocatedByPool, lockVpc, subnetHasAllocations } from '../../store/repositories/ipam-repo.js';
import * as secondary from '../../store/repositories/secondary-cidrs-repo.js';
import * as subnets from '../../store/repositories/subnets-repo.js';
import { lockAndGetVpc } from '../../store/repositories/vpcs-repo.js';
import type { Caller, Deps } from '../deps.js';
import { failedPrecondition, invalidArgument, notFound } from '../errors.js';
import { idempotencyKey, idempotent } from '../idempotency.js';
import { newId } from '../ids.js';
import { description, requireString } from '../validate.js';
import { cidrsOverlap, formatCidr } from './ipv4.js';
import { type SubnetModel, subnetModel } from './models.js';
import { requireInsideVpc, requireNoOverlap } from './overlaps.js';
import { networkCidr, newName, optionalResourceName, resourceName } from './rules.js';
import { type Page, requireSpec } from './spec.js';

export function createSubnetService(deps: Deps) {
  const { store } = deps;
  const now = () => deps.clock.now();

  async function models(rows: subnets.SubnetWithVpc[]): Promise<SubnetModel[]> {
    const used = await allocatedByPool(
      store.db,
      rows.map((r) => r.id),
    );
    return rows.map((r) => subnetModel(r, used.get(r.id) ?? 0));
  }

  async function mustGet(caller: Caller, subnetId: string) {
    const row = await subnets.getSubnet(store.db, caller, subnetId);
    if (!row) throw notFound('subnet', subnetId);
    return row;
  }

  return {
    /**
     * The CIDR lies inside the VPC and overlaps no subnet or secondary CIDR of it (409 on
     * overlap); an optional secondary CIDR is created with it, under the same rules.
     * SubnetSpec.description is required by the SDK models but "" is accepted.
     */
    async createSubnet(
      caller: Caller,
      rawSpec: unknown,
      clientToken?: string,
    ): Promise<{ subnetId: string }> {
      const spec = requireSpec('subnetSpec', rawSpec);
      const name = resourceName('subnetSpec.name', spec.name);
      const az = requireString('subnetSpec.az', spec.az);
      const vpcId = requireString('subnetSpec.vpcId', spec.vpcId);
      const cidr = networkCidr('subnetSpec.cidr', spec.cidr);
      const desc = description('subnetSpec.description', spec.description);
      const hasSecondary = spec.secondaryCidr !== undefined && spec.secondaryCidr !== '';
      const secondaryCidr = hasSecondary
        ? networkCidr('subnetSpec.secondaryCidr', spec.secondaryCidr)
        : undefined;
      const secondaryName = optionalResourceName('subnetSpec.secondaryCidrName', spec.secondaryCidrName);
      if (secondaryCidr && cidrsOverlap(secondaryCidr, cidr)) {
        throw invalidArgument(
          'subnetSpec.secondaryCidr',
          `${formatCidr(secondaryCidr)} overlaps subnetSpec.cidr`,
        );
      }
      return idempotent(store, idempotencyKey(caller, 'createSubnet', clientToken), now, async (tx) => {
        if (!(await listAzs(tx, caller.regionId)).some((a) => a.id === az)) {
          throw invalidArgument(
            'subnetSpec.az',
            `unknown availability zone "${az}" in region ${caller.regionId}`,
          );
        }
        const vpc = await lockAndGetVpc(tx, caller, vpcId);
        if (!vpc) throw invalidArgument('subnetSpec.vpcId', `vpc ${vpcId} not found`);
        requireInsideVpc('subnetSpec.cidr', cidr, vpc);
        await requireNoOverlap(tx, 'subnetSpec.cidr', cidr, vpcId);
        if (secondaryCidr) {
          requireInsideVpc('subnetSpec.secondaryCidr', secondaryCidr, vpc);
          await requireNoOverlap(tx, 'subnetSpec.secondaryCidr', secondaryCidr, vpcId);
        }
        const id = newId('subnet');
        const t = now();
        await subnets.insertSubnet(tx, {
          id,
          account_id: caller.accountId,
          region_id: caller.regionId,
          az_id: az,
          vpc_id: vpcId,
          name,
          cidr: formatCidr(cidr),
          description: desc,
          is_default: 0,
          created_at: t,
          updated_at: t,
        });
        if (secondaryCidr) {
          await secondary.insertSecondaryCidr(tx, {
            id: newId('secondaryCidr'),
            account_id: caller.accountId,
            region_id: caller.regionId,
            subnet_id: id,
            cidr: formatCidr(secondaryCidr),
            name: secondaryName,
            created_at: t,
          });
        }
        return { subnetId: id };
      });
    },

    async describeSubnet(caller: Caller, subnetId: string): Promise<{ subnet: SubnetModel }> {
      const [subnet] = await models([await mustGet(caller, subnetId)]);
      return { subnet };
    },

    /** az, vpcId exact; name case-insensitive substring; ids = subnetId filter. Creation order. */
    async describeSubnets(
      caller: Caller,
      q: { az?: string; vpcId?: string; name?: string; ids?: readonly string[] },
      page: Page,
    ) {
      const { rows, totalCount } = await subnets.listSubnets(store.db, caller, q, page);
      return {
        subnets: await models(rows),
        pageNumber: page.pageNumber,
        pageSize: page.pageSize,
        totalCount,
      };
    },

    /** Absent fields keep their value; `description: ""` clears the description. */
    async modifySubnet(
      caller: Caller,
      subnetId: string,
      patch: { name?: unknown; description?: unknown },
    ): Promise<{ subnet: SubnetModel }> {
      const name = patch.name === undefined ? undefined : newName('name', patch.name);
      const desc =
        patch.description === undefined ? undefined : description('description', patch.description);
      await store.transaction(async (tx) => {
        if (!(await subnets.getSubnet(tx, caller, subnetId))) throw notFound('subnet', subnetId);
        await subnets.updateSubnet(tx, subnetId, {
          ...(name !== undefined ? { name } : {}),
          ...(desc !== undefined ? { description: desc } : {}),
          updated_at: now(),
        });
      });
      const [subnet] = await models([await mustGet(caller, subnetId)]);
      return { subnet };
    },

    /** Only an empty subnet goes: no instance, no alias IP, no secondary CIDR (FAILED_PRECONDITION). */
    async deleteSubnet(
      caller: Caller,
      subnetId: string,
      clientToken?: string,
    ): Promise<{ success: boolean }> {
      return idempotent(store, idempotencyKey(caller, 'deleteSubnet', clientToken), now, async (tx) => {
        const found = await subnets.getSubnet(tx, caller, subnetId);
        if (!found) throw notFound('subnet', subnetId);
        // Under the VPC lock no instance or alias range can be placed in the subnet meanwhile.
        await lockVpc(tx, found.vpc_id);
        if (!(await subnets.getSubnet(tx, caller, subnetId))) throw notFound('subnet', subnetId);
        const instances = await subnets.countInstancesInSubnet(tx, subnetId);
        if (instances > 0) throw failedPrecondition(`subnet ${subnetId} still has ${instances} instance(s)`);
        const aliases = await countAliasIpsOfSubnet(tx, subnetId);
        if (aliases > 0)
          throw failedPrecondition(`subnet ${subnetId} still has ${aliases} alias IP range(s)`);
        const [sc] = await secondary.secondaryCidrsOfSubnet(tx, subnetId);
        if (sc) {
          throw failedPrecondition(
            `subnet ${subnetId} still has secondary CIDR ${sc.id} (${sc.cidr}); delete it first`,
          );
        }
        if (await subnetHasAllocations(tx, subnetId)) {
          throw failedPrecondition(`subnet ${subnetId} still has allocated addresses`);
        }
        await subnets.deleteSubnet(tx, subnetId);
        return { success: true };
      });
    },
  };
}
