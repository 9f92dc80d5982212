import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { countByAzTypeAndStatus, listDevicesPage } from '../../src/store/repositories/device-pages-repo.js';
import { countByTypeAndStatus } from '../../src/store/repositories/devices-repo.js';
import { allocateDevices } from '../../src/store/repositories/inventory-repo.js';
import { useStoreWithDevices } from '../helpers/device-store.js';

type Status = 'available' | 'allocated' | 'retired';

const device = (region: string, az: string, type: string, serial: string, status: Status) => ({
  id: `dev-${serial}`,
  serial,
  region_id: region,
  az_id: az,
  device_type: type,
  bmc_url: '',
  status,
  instance_id: status === 'allocated' ? `i-${serial}` : null,
  created_at: 1,
});

/** Migration 0011: one index holds a device's status; counts and allocation still use it. */
describe('one device index with the status (migration 0011)', () => {
  const s = useStoreWithDevices([
    device('r1', 'a1', 't1', 's-03', 'available'),
    device('r1', 'a1', 't1', 's-01', 'available'),
    device('r1', 'a1', 't1', 's-02', 'allocated'),
    device('r1', 'a1', 't2', 's-04', 'retired'),
    device('r1', 'a2', 't1', 's-05', 'available'),
    device('r2', 'a9', 't1', 's-06', 'available'),
  ]);

  it('keeps devices_status_listing and drops devices_stock', async () => {
    const names =
      s.store.dialect === 'postgres'
        ? (
            await sql<{
              name: string;
            }>`SELECT indexname AS name FROM pg_indexes WHERE tablename = 'devices'`.execute(s.store.db)
          ).rows
        : (
            await sql<{
              name: string;
            }>`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'devices'`.execute(
              s.store.db,
            )
          ).rows;
    const indexes = names.map((r) => r.name);
    expect(indexes).toContain('devices_status_listing');
    expect(indexes).toContain('devices_listing');
    expect(indexes).not.toContain('devices_stock');
  });

  it('counts every status of a region, and nothing of another region', async () => {
    const byAz = await countByAzTypeAndStatus(s.store.db, 'r1');
    expect(
      byAz.sort((x, y) =>
        `${x.az_id}${x.device_type}${x.status}`.localeCompare(`${y.az_id}${y.device_type}${y.status}`),
      ),
    ).toEqual([
      { az_id: 'a1', device_type: 't1', status: 'allocated', n: 1 },
      { az_id: 'a1', device_type: 't1', status: 'available', n: 2 },
      { az_id: 'a1', device_type: 't2', status: 'retired', n: 1 },
      { az_id: 'a2', device_type: 't1', status: 'available', n: 1 },
    ]);
    const byType = await countByTypeAndStatus(s.store.db, 'r1');
    expect(
      byType.sort((x, y) => `${x.device_type}${x.status}`.localeCompare(`${y.device_type}${y.status}`)),
    ).toEqual([
      { device_type: 't1', status: 'allocated', n: 1 },
      { device_type: 't1', status: 'available', n: 3 },
      { device_type: 't2', status: 'retired', n: 1 },
    ]);
  });

  it('allocates the lowest free serial of the AZ and type, and lists by status in listing order', async () => {
    const got = await s.store.transaction((tx) =>
      allocateDevices(tx, { regionId: 'r1', azId: 'a1', deviceType: 't1' }, ['i-new']),
    );
    expect(got).toEqual([{ id: 'dev-s-01', driver: '' }]);
    const allocated = await listDevicesPage(s.store.db, { status: 'allocated' }, { offset: 0, pageSize: 10 });
    expect(allocated.rows.map((d) => [d.serial, d.instance_id])).toEqual([
      ['s-01', 'i-new'],
      ['s-02', 'i-s-02'],
    ]);
    const available = await listDevicesPage(s.store.db, { status: 'available' }, { offset: 1, pageSize: 2 });
    expect(available.totalCount).toBe(3);
    expect(available.rows.map((d) => d.serial)).toEqual(['s-05', 's-06']);
  });
});
