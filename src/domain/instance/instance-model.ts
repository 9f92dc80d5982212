import type { InstanceView } from '../../store/repositories/instances-repo.js';
import { chargeModel } from '../charge.js';
import { isoTime } from '../clock.js';

/** Wire Instance (reference §e): every field present with its JSON type. */
export interface InstanceModel {
  instanceId: string;
  region: string;
  az: string;
  deviceType: string;
  name: string;
  description: string;
  status: string;
  enableInternet: string;
  enableIpv6: string;
  bandwidth: number;
  extraUplinkBandwidth: number;
  imageType: string;
  osTypeId: string;
  osName: string;
  osType: string;
  osVersion: string;
  sysRaidTypeId: string;
  sysRaidType: string;
  dataRaidTypeId: string;
  dataRaidType: string;
  networkType: string;
  vpcId: string;
  vpcName: string;
  subnetId: string;
  subnetName: string;
  privateIp: string;
  lineType: string;
  elasticIpId: string;
  publicIp: string;
  publicIpv6: string;
  keypairId: string;
  interfaceMode: string;
  extensionVpcId: string;
  extensionVpcName: string;
  extensionSubnetId: string;
  extensionSubnetName: string;
  extensionPrivateIp: string;
  extensionEnableInternet: string;
  extensionElasticIpId: string;
  extensionPublicIp: string;
  extensionBandwidth: number;
  extensionExtraUplinkBandwidth: number;
  agentStatus: string;
  createTime: string;
  updateTime: string;
  charge: ReturnType<typeof chargeModel>;
}

/**
 * Maps a stored instance and its joins to the wire model. Public address, bandwidth and line
 * come from the elastic IP bound to the NIC when there is one (it may have been associated or
 * resized after creation); otherwise the NIC has no public side: "" and 0. IPv6 is not offered
 * (enableIpv6 "no").
 */
export function toInstanceModel(v: InstanceView, now: number): InstanceModel {
  const primaryEip = v.elastic_ip_id !== null && v.public_ip !== null;
  const extensionEip = v.extension_elastic_ip_id !== null && v.extension_public_ip !== null;
  return {
    instanceId: v.id,
    region: v.region_id,
    az: v.az_id,
    deviceType: v.device_type,
    name: v.name,
    description: v.description,
    status: v.status,
    enableInternet: v.enable_internet,
    enableIpv6: 'no',
    bandwidth: primaryEip ? Number(v.eip_bandwidth) : 0,
    extraUplinkBandwidth: primaryEip ? Number(v.eip_extra_uplink_bandwidth) : 0,
    imageType: v.image_type,
    osTypeId: v.os_type_id,
    osName: v.os_name,
    osType: v.os_type,
    osVersion: v.os_version,
    sysRaidTypeId: v.sys_raid_type_id,
    sysRaidType: v.sys_raid_type,
    dataRaidTypeId: v.data_raid_type_id,
    dataRaidType: v.data_raid_type,
    networkType: v.network_type,
    vpcId: v.vpc_id,
    vpcName: v.vpc_name ?? '',
    subnetId: v.subnet_id,
    subnetName: v.subnet_name ?? '',
    privateIp: v.private_ip,
    lineType: primaryEip ? (v.eip_line_type ?? '') : '',
    elasticIpId: primaryEip ? v.elastic_ip_id! : '',
    publicIp: primaryEip ? v.public_ip! : '',
    publicIpv6: '',
    keypairId: v.keypair_id,
    interfaceMode: v.interface_mode,
    extensionVpcId: v.extension_vpc_id,
    extensionVpcName: v.extension_vpc_name ?? '',
    extensionSubnetId: v.extension_subnet_id,
    extensionSubnetName: v.extension_subnet_name ?? '',
    extensionPrivateIp: v.extension_private_ip,
    extensionEnableInternet: v.extension_enable_internet,
    extensionElasticIpId: extensionEip ? v.extension_elastic_ip_id! : '',
    extensionPublicIp: extensionEip ? v.extension_public_ip! : '',
    extensionBandwidth: extensionEip ? Number(v.extension_eip_bandwidth) : 0,
    extensionExtraUplinkBandwidth: extensionEip ? Number(v.extension_eip_extra_uplink_bandwidth) : 0,
    agentStatus: v.agent_status,
    createTime: isoTime(v.created_at),
    updateTime: isoTime(v.updated_at),
    charge: chargeModel(v, now),
  };
}
