import { seg, type QueryValue } from './api';
import { del, get, post } from './jd';
import { call } from './api';
import { creds, session } from './session';

/** The operator API (docs/admin-api.md), signed like the JD API with the current region in the scope. */
export interface Device {
  deviceId: string;
  serial: string;
  region: string;
  az: string;
  deviceType: string;
  driver: string;
  bmcUrl: string;
  bootMode: string;
  macs: string[];
  power: string;
  health: string;
  healthMessage: string;
  status: string;
  instanceId: string;
  createdAt: string;
}
export interface Account {
  accountId: string;
  name: string;
  role: string;
  status: string;
  createdAt: string;
}
export interface Fault {
  faultId: string;
  kind: string;
  operation: string;
  step: string;
  instanceId: string;
  deviceType: string;
  code: number;
  status: string;
  message: string;
  remaining: number | null;
  probability: number | null;
  delayMs: number;
  fired: number;
  createdAt: string;
}
export interface FleetEvent {
  time: string;
  kind: string;
  from: string | null;
  to: string | null;
  step: string | null;
  reason: string | null;
  instanceId: string;
  accountId: string;
  regionId: string;
}
export interface Paged {
  totalCount: number;
  pageNumber: number;
  pageSize: number;
}
export type Quota = { instances: number; elasticIps: number; keypairs: number };

const put = <T>(path: string, body: unknown) =>
  call<T>(creds(), 'PUT', path, { body, region: session.get().region });
const A = '/admin/v1';

export const admin = {
  devices: (q: Record<string, QueryValue>) => get<Paged & { devices: Device[] }>(`${A}/devices`, q),
  addDevices: (devices: Record<string, unknown>[]) =>
    post<{ devices: Device[]; totalCount: number }>(`${A}/devices`, { devices }),
  retireDevice: (id: string) => post<Device>(`${A}/devices/${seg(id)}${seg(':retire')}`, {}),
  powerDevice: (id: string, action: string) =>
    post<{ deviceId: string; serial: string; power: string }>(`${A}/devices/${seg(id)}${seg(':power')}`, {
      action,
    }),
  checkDevice: (id: string) => post<Record<string, unknown>>(`${A}/devices/${seg(id)}${seg(':check')}`, {}),
  stock: (region: string) =>
    get<{
      stock: {
        az: string;
        deviceType: string;
        soldOut: boolean;
        available: number;
        allocated: number;
        retired: number;
      }[];
    }>(`${A}/regions/${seg(region)}/stock`),
  deviceTypes: (region: string) =>
    get<{
      deviceTypes: {
        deviceType: string;
        name: string;
        soldOut: boolean;
        available: number;
        allocated: number;
        retired: number;
      }[];
    }>(`${A}/regions/${seg(region)}/deviceTypes`),
  setSoldOut: (region: string, type: string, soldOut: boolean) =>
    post(`${A}/regions/${seg(region)}/deviceTypes/${seg(type)}${seg(soldOut ? ':soldOut' : ':onSale')}`, {}),
  accounts: (q: Record<string, QueryValue>) => get<Paged & { accounts: Account[] }>(`${A}/accounts`, q),
  createAccount: (name: string, role: string) =>
    post<{ accountId: string; accessKeyId: string; secretAccessKey: string; role: string }>(`${A}/accounts`, {
      name,
      role,
    }),
  setAccountEnabled: (id: string, enabled: boolean) =>
    post<Account>(`${A}/accounts/${seg(id)}${seg(enabled ? ':enable' : ':disable')}`, {}),
  accessKeys: (id: string) =>
    get<{ accessKeys: { accessKeyId: string; status: string; createdAt: string }[] }>(
      `${A}/accounts/${seg(id)}/access-keys`,
    ),
  createAccessKey: (id: string) =>
    post<{ accountId: string; accessKeyId: string; secretAccessKey: string }>(
      `${A}/accounts/${seg(id)}/access-keys`,
      {},
    ),
  revokeAccessKey: (key: string) => post(`${A}/access-keys/${seg(key)}${seg(':revoke')}`, {}),
  quota: (id: string, region: string) =>
    get<{ quota: Quota }>(`${A}/accounts/${seg(id)}/quotas/${seg(region)}`),
  setQuota: (id: string, region: string, quota: Partial<Quota>) =>
    put<{ quota: Quota }>(`${A}/accounts/${seg(id)}/quotas/${seg(region)}`, quota),
  faults: () => get<{ faults: Fault[]; totalCount: number }>(`${A}/faults`),
  addFault: (f: Record<string, unknown>) => post<Fault>(`${A}/faults`, f),
  clearFault: (id: string) => del(`${A}/faults/${seg(id)}`),
  clearFaults: () => del(`${A}/faults`),
  time: () => get<{ mode: string; now: string; epochMs: number }>(`${A}/time`),
  advanceTime: (seconds: number) => post(`${A}/time${seg(':advance')}`, { seconds }),
  setTime: (time: string) => post(`${A}/time${seg(':set')}`, { time }),
  settle: () => post<{ passes: number }>(`${A}/time${seg(':settle')}`, {}),
  events: (q: Record<string, QueryValue>) => get<Paged & { events: FleetEvent[] }>(`${A}/events`, q),
  allInstances: (q: Record<string, QueryValue>) =>
    get<
      Paged & {
        instances: {
          instanceId: string;
          accountId: string;
          accountName: string;
          regionId: string;
          az: string;
          deviceType: string;
          name: string;
          status: string;
          privateIp: string;
          createdAt: string;
        }[];
      }
    >(`${A}/instances`, q),
};
