import { countSubnetsOfVpc } from '../../store/repositories/subnets-repo.js';
import * as vpcs from '../../store/repositories/vpcs-repo.js';
import type { Caller, Deps } from '../deps.js';
import { failedPrecondition, notFound } from '../errors.js';
import { idempotencyKey, idempotent } from '../idempotency.js';
import { newId } from '../ids.js';
import { description } from '../validate.js';
import { formatCidr } from './ipv4.js';
import { type VpcModel, vpcModel } from './models.js';
import { networkCidr, newName, resourceName } from './rules.js';
import { type Page, requireSpec } from './spec.js';

export function createVpcService(deps: Deps) {
  const { store } = deps;
  const now = () => deps.clock.now();

  async function mustGet(caller: Caller, vpcId: string) {
    const row = await vpcs.getVpc(store.db, caller, vpcId);
    if (!row) throw notFound('vpc', vpcId);
    return row;
  }

  return {
    /**
     * VpcSpec.description is required by the SDK models but "" is accepted (and stored as "").
     * Names need not be unique (JD's VPC product does not require it either).
     */
    async createVpc(caller: Caller, rawSpec: unknown, clientToken?: string): Promise<{ vpcId: string }> {
      const spec = requireSpec('vpcSpec', rawSpec);
      const name = resourceName('vpcSpec.name', spec.name);
      const cidr = networkCidr('vpcSpec.cidr', spec.cidr);
      const desc = description('vpcSpec.description', spec.description);
      return idempotent(store, idempotencyKey(caller, 'createVpc', clientToken), now, async (tx) => {
        const id = newId('vpc');
        const t = now();
        await vpcs.insertVpc(tx, {
          id,
          account_id: caller.accountId,
          region_id: caller.regionId,
          name,
          cidr: formatCidr(cidr),
          description: desc,
          is_default: 0,
          created_at: t,
          updated_at: t,
        });
        return { vpcId: id };
      });
    },

    async describeVpc(caller: Caller, vpcId: string): Promise<{ vpc: VpcModel }> {
      return { vpc: vpcModel(await mustGet(caller, vpcId)) };
    },

    /** `name`: case-insensitive substring; `ids`: the vpcId filter (exact, OR-ed). Creation order. */
    async describeVpcs(caller: Caller, q: { name?: string; ids?: readonly string[] }, page: Page) {
      const { rows, totalCount } = await vpcs.listVpcs(store.db, caller, q, page);
      return { vpcs: rows.map(vpcModel), pageNumber: page.pageNumber, pageSize: page.pageSize, totalCount };
    },

    /** Absent fields keep their value; `description: ""` clears the description. */
    async modifyVpc(
      caller: Caller,
      vpcId: string,
      patch: { name?: unknown; description?: unknown },
    ): Promise<{ vpc: VpcModel }> {
      const name = patch.name === undefined ? undefined : newName('name', patch.name);
      const desc =
        patch.description === undefined ? undefined : description('description', patch.description);
      return store.transaction(async (tx) => {
        if (!(await vpcs.getVpc(tx, caller, vpcId))) throw notFound('vpc', vpcId);
        await vpcs.updateVpc(tx, vpcId, {
          ...(name !== undefined ? { name } : {}),
          ...(desc !== undefined ? { description: desc } : {}),
          updated_at: now(),
        });
        return { vpc: vpcModel((await vpcs.getVpc(tx, caller, vpcId))!) };
      });
    },

    async deleteVpc(caller: Caller, vpcId: string, clientToken?: string): Promise<{ success: boolean }> {
      return idempotent(store, idempotencyKey(caller, 'deleteVpc', clientToken), now, async (tx) => {
        const vpc = await vpcs.lockAndGetVpc(tx, caller, vpcId);
        if (!vpc) throw notFound('vpc', vpcId);
        const n = await countSubnetsOfVpc(tx, vpcId);
        if (n > 0) throw failedPrecondition(`vpc ${vpcId} still has ${n} subnet(s); delete them first`);
        await vpcs.deleteVpc(tx, vpcId);
        return { success: true };
      });
    },
  };
}
