import type { Executor } from '../db.js';
import { paged } from '../paging.js';
import { DEVICE_COLUMNS, DEVICE_STATUSES, type DeviceRow } from './devices-repo.js';

export interface DeviceFilter {
  regionId?: string;
  azId?: string;
  deviceType?: string;
  status?: DeviceRow['status'];
}

/**
 * One page of devices in listing order (region, AZ, device type, serial) and how many match.
 * Indexed whatever the filter (migration 0007: devices_listing, and devices_status_listing when a
 * status is given), so a page of a 200,000-device fleet reads only its rows.
 */
export function listDevicesPage(
  db: Executor,
  f: DeviceFilter,
  page: { offset: number; pageSize: number },
): Promise<{ rows: DeviceRow[]; totalCount: number }> {
  const q = db
    .selectFrom('devices')
    .select(DEVICE_COLUMNS)
    .$if(f.regionId !== undefined, (x) => x.where('region_id', '=', f.regionId!))
    .$if(f.azId !== undefined, (x) => x.where('az_id', '=', f.azId!))
    .$if(f.deviceType !== undefined, (x) => x.where('device_type', '=', f.deviceType!))
    .$if(f.status !== undefined, (x) => x.where('status', '=', f.status!))
    .orderBy('region_id')
    .orderBy('az_id')
    .orderBy('device_type')
    .orderBy('serial');
  return paged(q, page);
}

/** A region's devices counted by AZ, device type and status (covered by devices_status_listing). */
export async function countByAzTypeAndStatus(
  db: Executor,
  regionId: string,
): Promise<{ az_id: string; device_type: string; status: DeviceRow['status']; n: number }[]> {
  const rows = await db
    .selectFrom('devices')
    .select(['az_id', 'device_type', 'status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('status', 'in', DEVICE_STATUSES)
    .where('region_id', '=', regionId)
    .groupBy(['az_id', 'device_type', 'status'])
    .execute();
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}
