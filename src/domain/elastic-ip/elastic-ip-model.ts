import type { ElasticIpRow } from '../../store/repositories/elastic-ips-repo.js';
import { chargeModel } from '../charge.js';
import { isoTime } from '../clock.js';

/** Charge modes an elastic IP (or a bandwidth package) can be bought with (reference §f.1). */
export const EIP_CHARGE_MODES = ['prepaid_by_duration', 'postpaid_by_duration'] as const;

/** Product docs: a shared bandwidth package holds at most 300 addresses. */
export const MAX_PACKAGE_MEMBERS = 300;

/**
 * Wire ElasticIp. `status` is `associate` while bound, else `disassociate` (the values of the
 * describeElasticIps status filter). instanceType: JD leaves its values undocumented for edcps;
 * the only bindable resource is an instance, so "instance" when bound, "" otherwise.
 */
export function elasticIpModel(row: ElasticIpRow, now: number) {
  const bound = row.instance_id !== null;
  return {
    region: row.region_id,
    elasticIpId: row.id,
    elasticIp: row.ip,
    bandwidth: row.bandwidth,
    extraUplinkBandwidth: row.extra_uplink_bandwidth,
    lineType: row.line_type,
    status: bound ? 'associate' : 'disassociate',
    instanceType: bound ? 'instance' : '',
    instanceId: row.instance_id ?? '',
    createTime: isoTime(row.created_at),
    targetIp: bound ? row.target_ip : '',
    bandwidthPackageId: row.bandwidth_package_id ?? '',
    charge: chargeModel(row, now),
  };
}

export type ElasticIpModel = ReturnType<typeof elasticIpModel>;
