import { call, clientToken, seg, type Filter, type QueryValue } from './api';
import { creds, session } from './session';

/** Wire models (reference §e), only the fields the console reads. */
export interface Charge {
  chargeMode: string;
  chargeStatus: string;
  chargeStartTime: string;
  chargeExpiredTime: string;
  chargeRetireTime: string;
}
export interface Instance {
  instanceId: string;
  region: string;
  az: string;
  deviceType: string;
  name: string;
  description: string;
  status: string;
  enableInternet: string;
  bandwidth: number;
  osName: string;
  osTypeId: string;
  sysRaidTypeId: string;
  dataRaidTypeId: string;
  privateIp: string;
  publicIp: string;
  elasticIpId: string;
  keypairId: string;
  subnetId: string;
  vpcId: string;
  createTime: string;
  charge: Charge;
  [field: string]: unknown;
}
export interface Region {
  region: string;
  regionName: string;
  azs: { region: string; az: string; azName: string }[];
}
export interface DeviceType {
  deviceType: string;
  name: string;
  family: string;
  cpuConcise: string;
  memConcise: string;
  ifConcise: string;
  gpuConcise: string;
  systemDiskAmount: number;
  systemDiskSize: number;
  dataDiskAmount: number;
  dataDiskSize: number;
  isSoldOut: boolean;
}
export interface Os {
  osTypeId: string;
  osName: string;
  osType: string;
  osVersion: string;
}
export interface Raid {
  raidTypeId: string;
  raidType: string;
  volumeType: string;
  volumeDetail: string;
  description: string;
}
export interface Vpc {
  vpcId: string;
  name: string;
  cidr: string;
  description: string;
  createTime: string;
}
export interface Subnet {
  subnetId: string;
  name: string;
  cidr: string;
  az: string;
  vpcId: string;
  vpcName: string;
  availableIpCount: number;
  totalIpCount: number;
  description: string;
  createTime: string;
}
export interface ElasticIp {
  elasticIpId: string;
  elasticIp: string;
  bandwidth: number;
  lineType: string;
  status: string;
  instanceId: string;
  bandwidthPackageId: string;
  createTime: string;
  charge: Charge;
}
export interface BandwidthPackage {
  bandwidthPackageId: string;
  name: string;
  bandwidth: number;
  lineType: string;
  createTime: string;
  charge: Charge;
}
export interface Keypair {
  keypairId: string;
  name: string;
  publicKey: string;
  fingerPrint: string;
  createTime: string;
}
export interface Page {
  pageNumber: number;
  pageSize: number;
  totalCount: number;
}

/** The server's lifecycle rules, the same module it runs on (one transition table, DESIGN §4). */
export { STATUS_LIST, TRANSITIONAL_STATUSES, TRANSITIONS } from '../../src/domain/instance/status-rules.js';

const r = (): string => session.get().region;
const v1 = (region: string, rest: string) => `/v1/regions/${seg(region)}/${rest}`;

export const get = <T>(path: string, query?: Record<string, QueryValue>, filters?: Filter[], region = r()) =>
  call<T>(creds(), 'GET', path, { query, filters, region });
export const put = <T>(path: string, body: unknown, region = r()) =>
  call<T>(creds(), 'PUT', path, { body, region });
export const post = <T>(path: string, body: unknown, region = r()) =>
  call<T>(creds(), 'POST', path, { body, region });
export const del = <T>(path: string, query?: Record<string, QueryValue>, region = r()) =>
  call<T>(creds(), 'DELETE', path, { query, region });

export const jd = {
  regions: () => get<{ regions: Region[] }>('/v1/edgeRegions', undefined, undefined, 'jdcloud'),
  instances: (region: string, q: Record<string, QueryValue>, status: string[]) =>
    get<Page & { instances: Instance[] }>(
      v1(region, 'instances'),
      q,
      status.length ? [{ name: 'status', values: status }] : [],
      region,
    ),
  instance: (region: string, id: string) =>
    get<{ instance: Instance }>(v1(region, `instances/${seg(id)}`), undefined, undefined, region),
  instanceHealth: (region: string, id: string) =>
    get<{ cpus: boolean; mems: boolean; disks: boolean; nics: boolean }>(
      v1(region, `instances/${seg(id)}${seg(':describeInstanceStatus')}`),
      undefined,
      undefined,
      region,
    ),
  progress: (region: string, id: string) =>
    get<{
      status: string;
      action: string;
      step: string;
      stepIndex: number;
      stepCount: number;
      lastError: string;
    }>(`/edcps/v1/regions/${seg(region)}/instances/${seg(id)}/progress`, undefined, undefined, region),
  action: (region: string, id: string, action: string, body: Record<string, unknown> = {}) =>
    put<{ success: boolean }>(
      v1(region, `instances/${seg(id)}${seg(`:${action}`)}`),
      { clientToken: clientToken(), ...body },
      region,
    ),
  modifyInstance: (region: string, id: string, body: { name?: string; description?: string }) =>
    post<{ name: string; description: string }>(
      v1(region, `instances/${seg(id)}${seg(':modifyInstance')}`),
      body,
      region,
    ),
  deleteInstance: (region: string, id: string) =>
    del<{ success: boolean }>(v1(region, `instances/${seg(id)}`), { clientToken: clientToken() }, region),
  createInstances: (region: string, instanceSpec: Record<string, unknown>, token: string) =>
    put<{ instanceIds: string[] }>(v1(region, 'instances'), { clientToken: token, instanceSpec }, region),
  deviceTypes: (region: string, az?: string) =>
    get<{ deviceTypes: DeviceType[] }>(v1(region, 'deviceTypes'), { az }, undefined, region),
  deviceStock: (region: string) =>
    get<{ devicesStock: { deviceType: string; available: number }[] }>(
      v1(region, 'deviceStock'),
      undefined,
      undefined,
      region,
    ),
  os: (region: string, deviceType: string) =>
    get<{ oss: Os[] }>(v1(region, 'os'), { deviceType }, undefined, region),
  raids: (region: string, deviceType: string) =>
    get<{ raids: Raid[] }>(v1(region, 'raids'), { deviceType }, undefined, region),
  lineType: (region: string) =>
    get<{ lineType: { lineType: string; region: string } }>(
      v1(region, 'lineTypes'),
      undefined,
      undefined,
      region,
    ),
  vpcs: (region: string, q: Record<string, QueryValue>) =>
    get<Page & { vpcs: Vpc[] }>(v1(region, 'vpcs'), q, undefined, region),
  createVpc: (region: string, vpcSpec: Record<string, unknown>) =>
    put<{ vpcId: string }>(v1(region, 'vpcs'), { clientToken: clientToken(), vpcSpec }, region),
  deleteVpc: (region: string, id: string) =>
    del<{ success: boolean }>(v1(region, `vpcs/${seg(id)}`), { clientToken: clientToken() }, region),
  subnets: (region: string, q: Record<string, QueryValue>) =>
    get<Page & { subnets: Subnet[] }>(v1(region, 'subnets'), q, undefined, region),
  createSubnet: (region: string, subnetSpec: Record<string, unknown>) =>
    put<{ subnetId: string }>(v1(region, 'subnets'), { clientToken: clientToken(), subnetSpec }, region),
  deleteSubnet: (region: string, id: string) =>
    del<{ success: boolean }>(v1(region, `subnets/${seg(id)}`), { clientToken: clientToken() }, region),
  elasticIps: (region: string, q: Record<string, QueryValue>) =>
    get<Page & { elasticIps: ElasticIp[] }>(v1(region, 'elasticIps'), q, undefined, region),
  applyElasticIps: (region: string, elasticIpSpec: Record<string, unknown>) =>
    put<{ elasticIpIds: string[] }>(
      v1(region, 'elasticIps'),
      { clientToken: clientToken(), elasticIpSpec },
      region,
    ),
  deleteElasticIp: (region: string, id: string) =>
    del<{ success: boolean }>(v1(region, `elasticIps/${seg(id)}`), { clientToken: clientToken() }, region),
  bandwidthPackages: (region: string, q: Record<string, QueryValue>) =>
    get<Page & { bandwidthPackages: BandwidthPackage[] }>(
      v1(region, 'bandwidthPackages'),
      q,
      undefined,
      region,
    ),
  applyBandwidthPackages: (region: string, bandwidthPackageSpec: Record<string, unknown>) =>
    put<{ bandwidthPackageIds: string[] }>(
      v1(region, 'bandwidthPackages'),
      { clientToken: clientToken(), bandwidthPackageSpec },
      region,
    ),
  deleteBandwidthPackage: (region: string, id: string) =>
    del<{ success: boolean }>(
      v1(region, `bandwidthPackages/${seg(id)}`),
      { clientToken: clientToken() },
      region,
    ),
  keypairs: (region: string, q: Record<string, QueryValue>) =>
    get<Page & { keypairs: Keypair[] }>(v1(region, 'keypairs'), q, undefined, region),
  createKeypair: (region: string, name: string) =>
    put<Keypair & { privateKey: string }>(
      v1(region, 'keypairs'),
      { clientToken: clientToken(), name },
      region,
    ),
  importKeypair: (region: string, name: string, publicKey: string) =>
    put<Keypair>(
      v1(region, `keypairs${seg(':import')}`),
      { clientToken: clientToken(), name, publicKey },
      region,
    ),
  deleteKeypair: (region: string, id: string) =>
    del<{ success: boolean }>(v1(region, `keypairs/${seg(id)}`), undefined, region),
};
