import { countAliasIpsOfSecondaryCidr } from '../../store/repositories/alias-ips-repo.js';
import { allocatedByPool, lockVpc, poolHasAllocations } from '../../store/repositories/ipam-repo.js';
import * as secondary from '../../store/repositories/secondary-cidrs-repo.js';
import { getSubnet } from '../../store/repositories/subnets-repo.js';
import { lockAndGetVpc } from '../../store/repositories/vpcs-repo.js';
import type { Caller, Deps } from '../deps.js';
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from '../errors.js';
import { idempotencyKey, idempotent } from '../idempotency.js';
import { newId } from '../ids.js';
import { requireString } from '../validate.js';
import { formatCidr } from './ipv4.js';
import { type SecondaryCidrModel, secondaryCidrModel } from './models.js';
import { requireInsideVpc, requireNoOverlap } from './overlaps.js';
import { networkCidr, optionalResourceName } from './rules.js';
import { requireSpec } from './spec.js';

export function createSecondaryCidrService(deps: Deps) {
  const { store } = deps;
  const now = () => deps.clock.now();

  return {
    /**
     * One secondary CIDR per subnet (product rule; a second → 409 ALREADY_EXISTS), inside the
     * VPC, overlapping no subnet or secondary CIDR of the VPC. It only feeds alias IP ranges.
     */
    async createSecondaryCidr(
      caller: Caller,
      rawSpec: unknown,
      clientToken?: string,
    ): Promise<{ secondaryCidrId: string }> {
      const spec = requireSpec('secondaryCidrSpec', rawSpec);
      const subnetId = requireString('secondaryCidrSpec.subnetId', spec.subnetId);
      const cidr = networkCidr('secondaryCidrSpec.cidr', spec.cidr);
      const name = optionalResourceName('secondaryCidrSpec.name', spec.name);
      return idempotent(
        store,
        idempotencyKey(caller, 'createSecondaryCidr', clientToken),
        now,
        async (tx) => {
          const found = await getSubnet(tx, caller, subnetId);
          if (!found) throw invalidArgument('secondaryCidrSpec.subnetId', `subnet ${subnetId} not found`);
          const vpc = await lockAndGetVpc(tx, caller, found.vpc_id);
          const subnet = await getSubnet(tx, caller, subnetId);
          if (!vpc || !subnet)
            throw invalidArgument('secondaryCidrSpec.subnetId', `subnet ${subnetId} not found`);
          const [existing] = await secondary.secondaryCidrsOfSubnet(tx, subnetId);
          if (existing) {
            throw alreadyExists(
              `subnet ${subnetId} already has secondary CIDR ${existing.id} (${existing.cidr}); only one is allowed per subnet`,
            );
          }
          requireInsideVpc('secondaryCidrSpec.cidr', cidr, vpc);
          await requireNoOverlap(tx, 'secondaryCidrSpec.cidr', cidr, vpc.id);
          const id = newId('secondaryCidr');
          await secondary.insertSecondaryCidr(tx, {
            id,
            account_id: caller.accountId,
            region_id: caller.regionId,
            subnet_id: subnetId,
            cidr: formatCidr(cidr),
            name,
            created_at: now(),
          });
          return { secondaryCidrId: id };
        },
      );
    },

    /** The subnet must be the caller's (else INVALID_ARGUMENT naming subnetId). Not paged. */
    async describeSecondaryCidrs(
      caller: Caller,
      subnetId: string,
    ): Promise<{ secondaryCidrs: SecondaryCidrModel[] }> {
      if (!(await getSubnet(store.db, caller, subnetId))) {
        throw invalidArgument('subnetId', `subnet ${subnetId} not found`);
      }
      const rows = await secondary.secondaryCidrsOfSubnet(store.db, subnetId);
      const used = await allocatedByPool(
        store.db,
        rows.map((r) => r.id),
      );
      return { secondaryCidrs: rows.map((r) => secondaryCidrModel(r, used.get(r.id) ?? 0)) };
    },

    /** Only when no alias IP range is taken from it (FAILED_PRECONDITION). */
    async deleteSecondaryCidr(
      caller: Caller,
      id: string,
      clientToken?: string,
    ): Promise<{ success: boolean }> {
      return idempotent(
        store,
        idempotencyKey(caller, 'deleteSecondaryCidr', clientToken),
        now,
        async (tx) => {
          const found = await secondary.getSecondaryCidr(tx, caller, id);
          if (!found) throw notFound('secondary CIDR', id);
          await lockVpc(tx, found.vpc_id);
          if (!(await secondary.getSecondaryCidr(tx, caller, id))) throw notFound('secondary CIDR', id);
          const n = await countAliasIpsOfSecondaryCidr(tx, id);
          if (n > 0) throw failedPrecondition(`secondary CIDR ${id} still has ${n} alias IP range(s)`);
          if (await poolHasAllocations(tx, id))
            throw failedPrecondition(`secondary CIDR ${id} still has allocated addresses`);
          await secondary.deleteSecondaryCidr(tx, id);
          return { success: true };
        },
      );
    },
  };
}
