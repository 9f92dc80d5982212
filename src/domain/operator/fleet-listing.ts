import * as catalogRepo from '../../store/repositories/catalog-repo.js';
import * as adminRepo from '../../store/repositories/catalog-admin-repo.js';
import * as bmcRepo from '../../store/repositories/bmc-repo.js';
import { countByAzTypeAndStatus, listDevicesPage } from '../../store/repositories/device-pages-repo.js';
import { DEVICE_STATUSES, type DeviceRow } from '../../store/repositories/devices-repo.js';
import { listEventFeed } from '../../store/repositories/event-feed-repo.js';
import { listFleetInstancesPage } from '../../store/repositories/instance-pages-repo.js';
import { isoTime } from '../clock.js';
import type { Deps } from '../deps.js';
import { type DeviceView, deviceView } from './fleet-admin.js';
import { OperatorError, known } from './operator-error.js';
import { type EventView, eventView } from './event-view.js';

/** Rows to skip and rows to return (from pageNumber/pageSize, already range-checked). */
export interface Page {
  offset: number;
  pageSize: number;
}

/** The device statuses an operator may filter by. */
export { DEVICE_STATUSES };

export interface DeviceListFilter {
  region?: string;
  az?: string;
  deviceType?: string;
  status?: string;
}

/** Free, in-use and retired devices of one AZ and device type, and whether the type is on sale. */
export interface StockView {
  az: string;
  deviceType: string;
  soldOut: boolean;
  available: number;
  allocated: number;
  retired: number;
}

export type FeedEventView = EventView & { instanceId: string; accountId: string; regionId: string };

export interface FleetInstanceView {
  instanceId: string;
  accountId: string;
  accountName: string;
  regionId: string;
  az: string;
  deviceType: string;
  name: string;
  status: string;
  hostname: string;
  privateIp: string;
  createdAt: string;
}

/**
 * The operator API's fleet-wide pages: devices, stock per AZ and type, the event feed and every
 * account's instances. Each page is one indexed query plus a count, whatever the fleet's size.
 * Filters naming something unknown throw OperatorError (INVALID_ARGUMENT naming it).
 */
export function createFleetListing(deps: Deps) {
  const db = deps.store.db;

  async function regionIds(): Promise<string[]> {
    return (await catalogRepo.listRegions(db)).map((r) => r.id);
  }

  return {
    /** One page of devices (region, AZ, type, serial order) with their MACs, and the total. */
    async devicesPage(
      f: DeviceListFilter,
      page: Page,
    ): Promise<{ devices: DeviceView[]; totalCount: number }> {
      if (f.region !== undefined) {
        const regions = await regionIds();
        if (!regions.includes(f.region)) throw known('region', f.region, regions);
      }
      if (f.status !== undefined && !(DEVICE_STATUSES as readonly string[]).includes(f.status)) {
        throw known('device status', f.status, DEVICE_STATUSES);
      }
      if (f.az !== undefined) {
        const azs = (await catalogRepo.listAzs(db, f.region)).map((a) => a.id);
        if (!azs.includes(f.az)) throw known('AZ', f.az, azs, f.region);
      }
      if (f.deviceType !== undefined) {
        const regions = await adminRepo.regionsOfDeviceType(db, f.deviceType);
        if (regions.length === 0 || (f.region !== undefined && !regions.includes(f.region))) {
          throw new OperatorError(
            `unknown device type "${f.deviceType}"${f.region ? ` in ${f.region}` : ''}`,
          );
        }
      }
      const r = await listDevicesPage(
        db,
        {
          regionId: f.region,
          azId: f.az,
          deviceType: f.deviceType,
          status: f.status as DeviceRow['status'] | undefined,
        },
        page,
      );
      const macs = await bmcRepo.macsOf(
        db,
        r.rows.map((d) => d.id),
      );
      return { devices: r.rows.map((d) => deviceView(d, macs.get(d.id))), totalCount: r.totalCount };
    },

    /**
     * Every AZ × device type of a region with its device counts (zeros included) and sale flag.
     * `region` names the resource asked about: unknown → NOT_FOUND.
     */
    async stock(region: string): Promise<StockView[]> {
      const regions = await regionIds();
      if (!regions.includes(region)) throw known('region', region, regions, undefined, 'NOT_FOUND');
      const [azs, types, counts] = await Promise.all([
        catalogRepo.listAzs(db, region),
        catalogRepo.listDeviceTypes(db, region),
        countByAzTypeAndStatus(db, region),
      ]);
      const n = new Map(counts.map((c) => [`${c.az_id}\n${c.device_type}\n${c.status}`, c.n]));
      const count = (az: string, t: string, s: DeviceRow['status']) => n.get(`${az}\n${t}\n${s}`) ?? 0;
      return azs.flatMap((az) =>
        types.map((t) => ({
          az: az.id,
          deviceType: t.device_type,
          soldOut: t.sold_out === 1,
          available: count(az.id, t.device_type, 'available'),
          allocated: count(az.id, t.device_type, 'allocated'),
          retired: count(az.id, t.device_type, 'retired'),
        })),
      );
    },

    /** One page of the fleet-wide event feed, newest first, and the total. */
    async eventFeed(
      f: { instanceId?: string; accountId?: string },
      page: Page,
    ): Promise<{ events: FeedEventView[]; totalCount: number }> {
      const r = await listEventFeed(db, f, page);
      return {
        events: r.rows.map((e) => ({
          ...eventView(e),
          instanceId: e.instance_id,
          accountId: e.account_id,
          regionId: e.region_id,
        })),
        totalCount: r.totalCount,
      };
    },

    /** One page of every account's instances (creation order), and the total. */
    async fleetInstances(
      f: { accountId?: string; regionId?: string; status?: string; name?: string },
      page: Page,
    ): Promise<{ instances: FleetInstanceView[]; totalCount: number }> {
      if (f.regionId !== undefined) {
        const regions = await regionIds();
        if (!regions.includes(f.regionId)) throw known('region', f.regionId, regions);
      }
      const r = await listFleetInstancesPage(db, f, page);
      return {
        instances: r.rows.map((i) => ({
          instanceId: i.id,
          accountId: i.account_id,
          accountName: i.account_name,
          regionId: i.region_id,
          az: i.az_id,
          deviceType: i.device_type,
          name: i.name,
          status: i.status,
          hostname: i.hostname,
          privateIp: i.private_ip,
          createdAt: isoTime(i.created_at),
        })),
        totalCount: r.totalCount,
      };
    },
  };
}
