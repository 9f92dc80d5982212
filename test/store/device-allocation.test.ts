import { describe, expect, it } from 'vitest';
import { drivenDevicesOf } from '../../src/store/repositories/bmc-repo.js';
import { driverStateOf, saveDriverStates } from '../../src/store/repositories/driver-state-repo.js';
import { allocateDevices } from '../../src/store/repositories/inventory-repo.js';
import { useStoreWithDevices } from '../helpers/device-store.js';

const device = (
  serial: string,
  o: { status?: 'available' | 'allocated' | 'retired'; driver?: 'ipmi' | 'redfish' } = {},
) => ({
  id: `dev-${serial}`,
  serial,
  region_id: 'r1',
  az_id: 'a1',
  device_type: 't1',
  bmc_url: o.driver ? `${o.driver}://admin@127.0.0.1` : '',
  bmc_driver: o.driver ?? ('' as const),
  status: o.status ?? 'available',
  instance_id: o.status === 'allocated' ? `i-${serial}` : null,
  created_at: 1,
});
const WHERE = { regionId: 'r1', azId: 'a1', deviceType: 't1' };

/**
 * allocateDevices finds free devices by serial and takes them by their table key (the rowid on
 * SQLite, the id on PostgreSQL): each instance must still get the device listed for it, whatever
 * order the devices were added in.
 */
describe('allocateDevices', () => {
  // Added out of serial order: table order and serial order differ.
  const s = useStoreWithDevices([
    device('s-05'),
    device('s-02', { driver: 'ipmi' }),
    device('s-04', { status: 'retired' }),
    device('s-01', { status: 'allocated' }),
    device('s-03'),
    device('s-06'),
  ]);
  const holders = async () =>
    Object.fromEntries(
      (await s.store.db.selectFrom('devices').select(['serial', 'status', 'instance_id']).execute()).map(
        (d) => [d.serial, `${d.status} ${d.instance_id ?? '-'}`],
      ),
    );

  it('gives each instance the next free device in serial order, with its driver', async () => {
    const got = await s.store.transaction((tx) => allocateDevices(tx, WHERE, ['i-a', 'i-b', 'i-c']));
    expect(got).toEqual([
      { id: 'dev-s-02', driver: 'ipmi' },
      { id: 'dev-s-03', driver: '' },
      { id: 'dev-s-05', driver: '' },
    ]);
    expect(await holders()).toEqual({
      's-01': 'allocated i-s-01',
      's-02': 'allocated i-a',
      's-03': 'allocated i-b',
      's-04': 'retired -',
      's-05': 'allocated i-c',
      's-06': 'available -',
    });
  });

  it('takes a single device by the plain statement, and refuses more than are free without taking any', async () => {
    expect(await s.store.transaction((tx) => allocateDevices(tx, WHERE, ['i-d', 'i-e']))).toBeUndefined();
    expect((await holders())['s-06']).toBe('available -');
    expect(await s.store.transaction((tx) => allocateDevices(tx, WHERE, ['i-d']))).toEqual([
      { id: 'dev-s-06', driver: '' },
    ]);
    expect((await holders())['s-06']).toBe('allocated i-d');
  });
});

/**
 * A reconciler pass reads its devices through the instances they carry and, on SQLite, writes
 * their states back by rowid: the answers must be those of the lookups by id they replace.
 */
describe("a pass's devices, read by instance and written by rowid", () => {
  const s = useStoreWithDevices([
    device('s-1', { status: 'allocated' }),
    device('s-2', { status: 'allocated' }),
    device('s-3'),
  ]);

  it('finds each wanted device, through its instance or by id, and leaves out devices that do not exist', async () => {
    const got = await drivenDevicesOf(s.store.db, [
      { deviceId: 'dev-s-1', instanceId: 'i-s-1' },
      // The step's instance is not on this device (released, or moved by an operator): read by id.
      { deviceId: 'dev-s-3', instanceId: 'i-elsewhere' },
      // The device carrying i-s-2 is not the one asked for: not in the answer for it.
      { deviceId: 'dev-gone', instanceId: 'i-s-2' },
    ]);
    expect([...got.keys()].sort()).toEqual(['dev-s-1', 'dev-s-3']);
    expect(got.get('dev-s-1')).toMatchObject({ serial: 's-1', instance_id: 'i-s-1' });
    expect(got.get('dev-s-3')).toMatchObject({ serial: 's-3', instance_id: null });
    // SQLite hands out the rowid to write the row back by; PostgreSQL has none.
    if (s.store.dialect === 'postgres') expect(got.get('dev-s-1')?.rowid).toBeUndefined();
    else expect(got.get('dev-s-1')?.rowid).toEqual(expect.any(Number));
  });

  it('writes a state by the rowid read with it, and by id when that rowid now holds another device', async () => {
    const rows = await drivenDevicesOf(s.store.db, [
      { deviceId: 'dev-s-1', instanceId: 'i-s-1' },
      { deviceId: 'dev-s-2', instanceId: 'i-s-2' },
    ]);
    const s1 = rows.get('dev-s-1')!;
    const s2 = rows.get('dev-s-2')!;
    const written = await s.store.transaction((tx) =>
      saveDriverStates(
        tx,
        [
          { deviceId: 'dev-s-1', state: '{"power":"on"}', rowid: s1.rowid },
          // A stale rowid (it is dev-s-1's): dev-s-1 must not be overwritten, dev-s-2 still written.
          { deviceId: 'dev-s-2', state: '{"power":"off"}', rowid: s1.rowid },
          { deviceId: 'dev-gone', state: '{}', rowid: s2.rowid },
        ],
        9,
      ),
    );
    expect(written).toBe(2);
    expect(await driverStateOf(s.store.db, 'dev-s-1')).toBe('{"power":"on"}');
    expect(await driverStateOf(s.store.db, 'dev-s-2')).toBe('{"power":"off"}');
    expect(await driverStateOf(s.store.db, 'dev-s-3')).toBeUndefined();
  });
});
