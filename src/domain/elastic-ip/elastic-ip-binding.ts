import type { Tx } from '../../store/db.js';
import * as repo from '../../store/repositories/elastic-ips-repo.js';
import type { Caller, Deps } from '../deps.js';
import { failedPrecondition, invalidArgument, notFound } from '../errors.js';
import { idempotencyKey, idempotent } from '../idempotency.js';
import { cidrContainsIp, parseCidr, parseIp } from '../network/ipv4.js';
import { requireString } from '../validate.js';

type Nic = 'primary' | 'extension';

const BINDABLE = ['running', 'stopped'];
/** An instance that failed may still have its addresses taken off it. */
const UNBINDABLE = ['running', 'stopped', 'error'];

const nicName = (nic: Nic) => (nic === 'primary' ? 'primary NIC' : 'extension NIC');

/**
 * associateElasticIp / disassociateElasticIp. The instance row is locked first, then the EIP
 * (lock order instance → EIP), and the instance's
 * `elastic_ip_id`/`extension_elastic_ip_id` and the EIP's `instance_id`/`target_ip`/`nic`
 * change in the same transaction, so describeInstance and describeElasticIp always agree.
 */
export function createElasticIpBinding(deps: Deps) {
  const { store, clock } = deps;
  const now = () => clock.now();

  async function lockInstance(tx: Tx, caller: Caller, instanceId: string) {
    const inst = await repo.lockInstanceForBinding(tx, caller, instanceId);
    if (!inst) throw notFound('instance', instanceId);
    return inst;
  }

  async function bodyElasticIp(tx: Tx, caller: Caller, elasticIpId: string) {
    const eip = await repo.getElasticIp(tx, caller, elasticIpId, true);
    if (!eip) {
      throw invalidArgument(
        'elasticIpId',
        `elastic IP ${elasticIpId} not found in region ${caller.regionId}`,
      );
    }
    return eip;
  }

  /** Private IP of the NIC, or one of the NIC's alias ranges, contains `ip`. */
  async function nicHasIp(tx: Tx, inst: repo.BindableInstanceRow, nic: Nic, ip: number): Promise<boolean> {
    const privateIp = nic === 'primary' ? inst.private_ip : inst.extension_private_ip;
    if (parseIp(privateIp) === ip) return true;
    const ranges = await repo.aliasRangesOf(tx, inst.id, nic);
    return ranges.some((r) => {
      const c = parseCidr(r.cidr);
      return c !== undefined && cidrContainsIp(c, ip);
    });
  }

  /**
   * subnetId picks the NIC (required when the instance has two); if both NICs sit in that
   * subnet, targetIp decides, else the primary NIC.
   */
  async function chooseNic(
    tx: Tx,
    inst: repo.BindableInstanceRow,
    subnetId: string | undefined,
    target: number | undefined,
  ): Promise<Nic> {
    const dual = inst.interface_mode === 'dual' && inst.extension_subnet_id !== '';
    if (subnetId === undefined) {
      if (dual) {
        throw invalidArgument(
          'subnetId',
          `is required: instance ${inst.id} has two NICs (interfaceMode dual)`,
        );
      }
      return 'primary';
    }
    const candidates: Nic[] = [];
    if (inst.subnet_id === subnetId) candidates.push('primary');
    if (dual && inst.extension_subnet_id === subnetId) candidates.push('extension');
    if (candidates.length === 0) {
      throw invalidArgument(
        'subnetId',
        `subnet ${subnetId} is not the subnet of a NIC of instance ${inst.id}`,
      );
    }
    if (candidates.length > 1 && target !== undefined && !(await nicHasIp(tx, inst, 'primary', target))) {
      return 'extension';
    }
    return candidates[0];
  }

  return {
    /**
     * Binds an EIP to one NIC of a running or stopped instance of the same account, region and
     * line. targetIp defaults to the NIC's private IP; otherwise it must be that IP or inside
     * one of the NIC's alias ranges. One EIP per NIC; a bound EIP cannot be bound again.
     */
    async associateElasticIp(
      caller: Caller,
      instanceId: string,
      input: { clientToken?: string; elasticIpId: unknown; targetIp?: string; subnetId?: string },
    ) {
      const elasticIpId = requireString('elasticIpId', input.elasticIpId);
      const target = input.targetIp === undefined ? undefined : parseIp(input.targetIp);
      if (input.targetIp !== undefined && target === undefined) {
        throw invalidArgument('targetIp', `"${input.targetIp}" is not an IPv4 address`);
      }
      const key = idempotencyKey(caller, 'associateElasticIp', input.clientToken);
      return idempotent(store, key, now, async (tx) => {
        const inst = await lockInstance(tx, caller, instanceId);
        if (!BINDABLE.includes(inst.status)) {
          throw failedPrecondition(
            `instance ${inst.id} is ${inst.status}; associateElasticIp is allowed only when it is running or stopped`,
          );
        }
        const eip = await bodyElasticIp(tx, caller, elasticIpId);
        const nic = await chooseNic(tx, inst, input.subnetId, target);
        // An instance created without internet has no line of its own: it is on the region's.
        const instanceLine =
          inst.line_type !== ''
            ? inst.line_type
            : ((await repo.getRegionCapacity(tx, caller.regionId))?.line_type ?? '');
        if (eip.line_type !== instanceLine) {
          throw failedPrecondition(
            `elastic IP ${eip.id} is on line ${eip.line_type} and instance ${inst.id} on line ${instanceLine}`,
          );
        }
        if (eip.instance_id !== null) {
          throw failedPrecondition(
            `elastic IP ${eip.id} is already associated with instance ${eip.instance_id}; disassociate it first`,
          );
        }
        const current = nic === 'primary' ? inst.elastic_ip_id : inst.extension_elastic_ip_id;
        if (current !== null) {
          throw failedPrecondition(
            `instance ${inst.id} already has elastic IP ${current} on its ${nicName(nic)}; disassociate it first`,
          );
        }
        const privateIp = nic === 'primary' ? inst.private_ip : inst.extension_private_ip;
        if (target !== undefined && !(await nicHasIp(tx, inst, nic, target))) {
          throw invalidArgument(
            'targetIp',
            `${input.targetIp} is neither the private IP of the ${nicName(nic)} of instance ${inst.id} (${privateIp}) nor inside one of its alias IP ranges`,
          );
        }
        const at = now();
        const ok = await repo.setInstanceNicElasticIp(tx, {
          instanceId: inst.id,
          nic,
          expected: null,
          value: eip.id,
          now: at,
        });
        if (!ok)
          throw failedPrecondition(`instance ${inst.id} changed concurrently; elastic IP not associated`);
        await repo.updateElasticIp(tx, eip.id, {
          instance_id: inst.id,
          nic,
          target_ip: input.targetIp ?? privateIp,
        });
        return { success: true };
      });
    },

    /**
     * Unbinds an EIP from the instance it is bound to; it stays with the account. An EIP created
     * with the instance is released with it and cannot be unbound on its own.
     */
    async disassociateElasticIp(
      caller: Caller,
      instanceId: string,
      input: { clientToken?: string; elasticIpId: unknown },
    ) {
      const elasticIpId = requireString('elasticIpId', input.elasticIpId);
      const key = idempotencyKey(caller, 'disassociateElasticIp', input.clientToken);
      return idempotent(store, key, now, async (tx) => {
        const inst = await lockInstance(tx, caller, instanceId);
        if (!UNBINDABLE.includes(inst.status)) {
          throw failedPrecondition(
            `instance ${inst.id} is ${inst.status}; disassociateElasticIp is allowed only when it is running, stopped or error`,
          );
        }
        const eip = await bodyElasticIp(tx, caller, elasticIpId);
        if (eip.instance_id !== inst.id) {
          throw failedPrecondition(`elastic IP ${eip.id} is not associated with instance ${inst.id}`);
        }
        if (eip.owned_by_instance === 1) {
          throw failedPrecondition(
            `elastic IP ${eip.id} was created with instance ${inst.id} and is released with it; it cannot be disassociated`,
          );
        }
        const nic: Nic = eip.nic === 'extension' ? 'extension' : 'primary';
        const ok = await repo.setInstanceNicElasticIp(tx, {
          instanceId: inst.id,
          nic,
          expected: eip.id,
          value: null,
          now: now(),
        });
        if (!ok)
          throw failedPrecondition(`instance ${inst.id} changed concurrently; elastic IP not disassociated`);
        await repo.updateElasticIp(tx, eip.id, { instance_id: null, nic: '', target_ip: '' });
        return { success: true };
      });
    },
  };
}
