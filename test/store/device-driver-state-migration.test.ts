import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Store, openStore } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { driverStateOf, saveDriverStates } from '../../src/store/repositories/driver-state-repo.js';
import { withDriverStatesOnDevices } from '../../src/domain/operator/state-snapshot.js';
import { type TestDatabase, createTestDatabase } from '../helpers/databases.js';

const device = (id: string, serial: string) => ({
  id,
  serial,
  region_id: 'r',
  az_id: 'a',
  device_type: 't',
  bmc_url: '',
  status: 'available',
  instance_id: null,
  created_at: 1,
});

/** Migration 0010: driver states move from device_driver_state onto the device rows. */
describe('device driver state on the device row (migration 0010)', () => {
  let tdb: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    store = openStore(tdb.url);
    await migrate(store, { to: '0009-read-changes' });
    const db = store.db as unknown as import('kysely').Kysely<Record<string, Record<string, unknown>>>;
    await db
      .insertInto('devices')
      .values([device('dev-a', 's-1'), device('dev-b', 's-2')])
      .execute();
    await db
      .insertInto('device_driver_state')
      .values({ device_id: 'dev-a', state: '{"power":"on"}', updated_at: 42 })
      .execute();
    await migrate(store);
  });
  afterAll(async () => {
    await store.close();
    await tdb.drop();
  });

  it('carries each state to its device, leaves the others null, and drops the table', async () => {
    const rows = await store.db
      .selectFrom('devices')
      .select(['id', 'driver_state', 'driver_state_at'])
      .orderBy('id')
      .execute();
    expect(
      rows.map((r) => ({
        ...r,
        driver_state_at: r.driver_state_at === null ? null : Number(r.driver_state_at),
      })),
    ).toEqual([
      { id: 'dev-a', driver_state: '{"power":"on"}', driver_state_at: 42 },
      { id: 'dev-b', driver_state: null, driver_state_at: null },
    ]);
    const tables = (await store.db.introspection.getTables()).map((t) => t.name);
    expect(tables).not.toContain('device_driver_state');
  });

  it('saves and reads states on the row, inside a transaction or not; a gone device is skipped', async () => {
    const outside = await saveDriverStates(
      store.db,
      [
        { deviceId: 'dev-b', state: '{"power":"off"}' },
        { deviceId: 'dev-gone', state: '{}' },
      ],
      7,
    );
    const inside = await store.transaction((tx) =>
      saveDriverStates(
        tx,
        [
          { deviceId: 'dev-a', state: '{"power":"off"}' },
          { deviceId: 'dev-gone', state: '{}' },
        ],
        8,
      ),
    );
    // The device that is gone is not counted: the hardware driver refuses to send a command
    // whose journal was not written.
    expect([outside, inside]).toEqual([1, 1]);
    expect(await driverStateOf(store.db, 'dev-a')).toBe('{"power":"off"}');
    expect(await driverStateOf(store.db, 'dev-b')).toBe('{"power":"off"}');
    expect(await driverStateOf(store.db, 'dev-gone')).toBeUndefined();
    const { n } = await sql<{ n: number }>`select count(*) as n from devices`
      .execute(store.db)
      .then((r) => r.rows[0]);
    expect(Number(n)).toBe(2);
  });
});

describe('state files saved before migration 0010', () => {
  it('fold device_driver_state into the devices rows', () => {
    const folded = withDriverStatesOnDevices([
      {
        name: 'devices',
        columns: ['id', 'serial'],
        rows: [
          ['dev-a', 's-1'],
          ['dev-b', 's-2'],
        ],
      },
      {
        name: 'device_driver_state',
        columns: ['device_id', 'state', 'updated_at'],
        rows: [['dev-b', '{"p":1}', 9]],
      },
      { name: 'vpcs', columns: ['id'], rows: [['vpc-1']] },
    ]);
    expect(folded).toEqual([
      {
        name: 'devices',
        columns: ['id', 'serial', 'driver_state', 'driver_state_at'],
        rows: [
          ['dev-a', 's-1', null, null],
          ['dev-b', 's-2', '{"p":1}', 9],
        ],
      },
      { name: 'vpcs', columns: ['id'], rows: [['vpc-1']] },
    ]);
  });

  it('leave a current file as it is', () => {
    const current = [{ name: 'devices', columns: ['id', 'driver_state'], rows: [['dev-a', null]] }];
    expect(withDriverStatesOnDevices(current)).toEqual(current);
  });
});
