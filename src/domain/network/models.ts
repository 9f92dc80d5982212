import type { AliasIpWithAz } from '../../store/repositories/alias-ips-repo.js';
import type { SecondaryCidrWithSubnet } from '../../store/repositories/secondary-cidrs-repo.js';
import type { SubnetWithVpc } from '../../store/repositories/subnets-repo.js';
import type { VpcRow } from '../../store/repositories/vpcs-repo.js';
import { isoTime } from '../clock.js';
import { parseCidr, usableCount } from './ipv4.js';

/** Wire models of the network area (reference §e), every field present. */
export interface VpcModel {
  region: string;
  vpcId: string;
  name: string;
  cidr: string;
  description: string;
  createTime: string;
}

export interface SubnetModel {
  region: string;
  az: string;
  subnetId: string;
  name: string;
  cidr: string;
  vpcId: string;
  vpcName: string;
  availableIpCount: number;
  totalIpCount: number;
  networkType: string;
  description: string;
  createTime: string;
}

export interface SecondaryCidrModel {
  secondaryCidrId: string;
  cidr: string;
  region: string;
  az: string;
  subnetId: string;
  name: string;
  vpcId: string;
  vpcName: string;
  availableIpCount: number;
  totalIpCount: number;
}

export interface AliasIpModel {
  region: string;
  az: string;
  instanceId: string;
  subnetId: string;
  secondaryCidrId: string;
  aliasIpId: string;
  cidr: string;
  isBondEip: boolean;
}

export const vpcModel = (r: VpcRow): VpcModel => ({
  region: r.region_id,
  vpcId: r.id,
  name: r.name,
  cidr: r.cidr,
  description: r.description,
  createTime: isoTime(r.created_at),
});

/** `allocated`: addresses handed out inside the primary CIDR (instances and alias ranges). */
export function subnetModel(r: SubnetWithVpc, allocated: number): SubnetModel {
  const total = usableCount(parseCidr(r.cidr)!);
  return {
    region: r.region_id,
    az: r.az_id,
    subnetId: r.id,
    name: r.name,
    cidr: r.cidr,
    vpcId: r.vpc_id,
    vpcName: r.vpc_name,
    availableIpCount: total - allocated,
    totalIpCount: total,
    networkType: 'vpc',
    description: r.description,
    createTime: isoTime(r.created_at),
  };
}

export function secondaryCidrModel(r: SecondaryCidrWithSubnet, allocated: number): SecondaryCidrModel {
  const total = usableCount(parseCidr(r.cidr)!);
  return {
    secondaryCidrId: r.id,
    cidr: r.cidr,
    region: r.region_id,
    az: r.az_id,
    subnetId: r.subnet_id,
    name: r.name,
    vpcId: r.vpc_id,
    vpcName: r.vpc_name,
    availableIpCount: total - allocated,
    totalIpCount: total,
  };
}

export const aliasIpModel = (r: AliasIpWithAz, isBondEip: boolean): AliasIpModel => ({
  region: r.region_id,
  az: r.az_id,
  instanceId: r.instance_id,
  subnetId: r.subnet_id,
  secondaryCidrId: r.secondary_cidr_id,
  aliasIpId: r.id,
  cidr: r.cidr,
  isBondEip,
});
