import { describe, expect, it } from 'vitest';
import { expectError, ok, useAdminHarness } from './admin-harness.js';

const REGION = 'cn-east-tz1';
const AZ = 'cn-east-tz1a';
const TYPE = 'edcps.c.normal1';
const BAD = 'INVALID_ARGUMENT';
const NOPE = 'no device with id or serial "NOPE"';
const dev = (serial: string, over: Record<string, unknown> = {}) => ({
  region: REGION,
  az: AZ,
  deviceType: TYPE,
  serial,
  ...over,
});

interface Device {
  deviceId: string;
  serial: string;
  status: string;
  driver: string;
  bmcUrl: string;
  macs: string[];
}

describe('operator API: devices and the catalog', () => {
  const h = useAdminHarness();

  it('describeDevices pages the fleet with totalCount and filters', async () => {
    const all = ok<{ devices: Device[]; totalCount: number; pageNumber: number; pageSize: number }>(
      await h.call('GET', '/admin/v1/devices'),
    );
    expect(all.devices).toHaveLength(20);
    expect(all).toMatchObject({ pageNumber: 1, pageSize: 20 });
    expect(all.totalCount).toBeGreaterThan(100);
    const p = ok<{ devices: Device[]; totalCount: number }>(
      await h.call('GET', '/admin/v1/devices', {
        query: {
          regionId: REGION,
          az: AZ,
          deviceType: TYPE,
          status: 'available',
          pageSize: 5,
          pageNumber: 2,
        },
      }),
    );
    expect(p.totalCount).toBe(40);
    expect(p.devices.map((d) => d.serial)).toEqual(
      [6, 7, 8, 9, 10].map((i) => `${AZ}-c.normal1-${String(i).padStart(4, '0')}`),
    );
  });

  it('describeDevices refuses unknown filters and bad paging with 400, naming the field', async () => {
    await h.refusesAll(
      (query: Record<string, string | number>) => h.call('GET', '/admin/v1/devices', { query }),
      [
        [
          { status: 'broken' },
          400,
          BAD,
          'invalid parameter status: must be one of available, allocated, retired',
        ],
        [{ regionId: 'cn-east-tz9' }, 400, BAD, 'unknown region "cn-east-tz9"'],
        [{ az: 'nowhere' }, 400, BAD, 'unknown AZ "nowhere"'],
        [{ deviceType: 'edcps.x' }, 400, BAD, 'unknown device type "edcps.x"'],
        [{ pageSize: 0 }, 400, 'OUT_OF_RANGE', 'parameter pageSize out of range'],
        [{ serial: 'x' }, 400, BAD, 'invalid parameter serial: is not a parameter of this operation'],
      ],
    );
  });

  it('addDevices adds all, describeDevice finds by id or serial, retireDevice takes one out', async () => {
    const r = ok<{ devices: Device[]; totalCount: number }>(
      await h.call('POST', '/admin/v1/devices', {
        body: { devices: [dev('SN-A1', { macs: ['02:00:00:00:00:01'] }), dev('SN-A2')] },
      }),
    );
    expect(r.totalCount).toBe(2);
    expect(r.devices[0]).toMatchObject({
      serial: 'SN-A1',
      status: 'available',
      driver: 'simulated',
      macs: ['02:00:00:00:00:01'],
    });
    const byId = ok<Device>(await h.call('GET', `/admin/v1/devices/${r.devices[1]!.deviceId}`));
    expect(byId.serial).toBe('SN-A2');
    expect(ok<Device>(await h.call('GET', '/admin/v1/devices/SN-A2')).deviceId).toBe(r.devices[1]!.deviceId);
    expect(
      ok<Device>(await h.call('POST', `/admin/v1/devices/${r.devices[1]!.deviceId}:retire`)).status,
    ).toBe('retired');
    await h.refused(
      () => h.call('POST', '/admin/v1/devices/SN-A2:retire'),
      400,
      'FAILED_PRECONDITION',
      'device SN-A2 is already retired',
    );
  });

  it('addDevices refuses the whole list when one entry is bad, naming it; nothing is added', async () => {
    const taken = 'ALREADY_EXISTS';
    await h.refusesAll(
      (body: unknown) => h.call('POST', '/admin/v1/devices', { body }),
      [
        [{}, 400, BAD, 'missing required parameter devices'],
        [{ devices: [] }, 400, 'OUT_OF_RANGE', 'parameter devices out of range: must list 1-10000 devices'],
        [{ devices: 'SN' }, 400, BAD, 'invalid parameter devices: must be of type array'],
        [{ devices: [dev('SN-B1'), 5] }, 400, BAD, 'invalid parameter devices[1]: must be an object'],
        [
          { devices: [dev('SN-B1'), dev('SN-B2', { serial: 7 })] },
          400,
          BAD,
          'invalid parameter devices[1].serial: must be of type string',
        ],
        [
          { devices: [{ region: REGION, az: AZ, serial: 'SN-B3' }] },
          400,
          BAD,
          'missing required parameter devices[0].deviceType',
        ],
        [
          { devices: [dev('SN-B1', { colour: 'red' })] },
          400,
          BAD,
          'invalid parameter devices[0].colour: is not a device field',
        ],
        [
          { devices: [dev('SN-B1'), dev('SN-B2', { az: 'cn-east-tz1x' })] },
          400,
          BAD,
          'devices: device 2 (serial SN-B2): unknown AZ "cn-east-tz1x"',
        ],
        [
          { devices: [dev('SN-B1'), dev('SN-A1')] },
          409,
          taken,
          'devices: device 2 (serial SN-A1): a device with this serial already exists',
        ],
        [{ devices: [dev('SN-B1'), dev('SN-B1')] }, 400, BAD, 'serial appears twice'],
        [
          { devices: [dev('SN-B1', { macs: ['02:00:00:00:00:01'] })] },
          409,
          taken,
          'MAC 02:00:00:00:00:01 already recorded for another device',
        ],
        [{ devices: [dev('SN-B1', { bmcUrl: 'ftp://x' })] }, 400, BAD, 'devices: device 1 (serial SN-B1)'],
      ],
    );
  });

  it('addDevices names the file an entry came from (source) in its refusals', async () => {
    await h.refused(
      () =>
        h.call('POST', '/admin/v1/devices', {
          body: { devices: [dev('SN-C1', { source: 'fleet.yaml', az: 'cn-east-tz1q' })] },
        }),
      400,
      BAD,
      'fleet.yaml: device 1 (serial SN-C1): unknown AZ "cn-east-tz1q"',
    );
  });

  it('describeDevice and retireDevice answer 404 for an unknown device', async () => {
    await h.refusesAll(
      ([method, path]: [string, string]) => h.call(method, path),
      [
        [['GET', '/admin/v1/devices/NOPE'], 404, 'NOT_FOUND', NOPE],
        [['POST', '/admin/v1/devices/NOPE:retire'], 404, 'NOT_FOUND', NOPE],
      ],
    );
  });

  it('modifyDeviceBmc enrolls a BMC (password never shown) and null makes the device simulated again', async () => {
    const d = ok<Device>(
      await h.call('PUT', '/admin/v1/devices/SN-A1/bmc', {
        body: { bmcUrl: 'ipmi://10.0.0.5:623', bmcUsername: 'admin', bmcPassword: 's3cret-pw' },
      }),
    );
    expect(d).toMatchObject({ driver: 'ipmi', bmcUrl: 'ipmi://admin:***@10.0.0.5:623' });
    const again = await h.call('GET', '/admin/v1/devices/SN-A1');
    expect(again.raw.body).not.toContain('s3cret-pw');
    expect(
      ok<Device>(await h.call('PUT', '/admin/v1/devices/SN-A1/bmc', { body: { bmcUrl: null } })),
    ).toMatchObject({
      driver: 'simulated',
      bmcUrl: '',
    });
  });

  it('modifyDeviceBmc refuses bad input with 400 (never echoing the password) and unknown devices with 404', async () => {
    const bmc = '/admin/v1/devices/SN-A1/bmc';
    const put = ([path, body]: [string, unknown]) => h.call('PUT', path, { body });
    await h.refusesAll(put, [
      [[bmc, {}], 400, BAD, 'missing required parameter bmcUrl'],
      [[bmc, { bmcUrl: 5 }], 400, BAD, 'invalid parameter bmcUrl: must be of type string'],
      [
        [bmc, { bmcUrl: null, bootMode: 'bios' }],
        400,
        BAD,
        'invalid parameter bootMode: must be one of uefi, legacy',
      ],
      [[bmc, { bmcUrl: null, force: 'yes' }], 400, BAD, 'invalid parameter force: must be of type boolean'],
    ]);
    const bad = await put([bmc, { bmcUrl: 'gopher://h', bmcPassword: 'hunter2-pw' }]);
    expectError(bad, 400, BAD, /gopher/);
    expect(bad.raw.body).not.toContain('hunter2-pw');
    await h.refusesAll(put, [[['/admin/v1/devices/NOPE/bmc', { bmcUrl: null }], 404, 'NOT_FOUND', NOPE]]);
  });

  it('powerDevice and checkDevice refuse a simulated device with 400 FAILED_PRECONDITION', async () => {
    await h.refusesAll(
      ([path, body]: [string, unknown?]) => h.call('POST', path, { body }),
      [
        [
          ['/admin/v1/devices/SN-A1:power', { action: 'status' }],
          400,
          'FAILED_PRECONDITION',
          'device SN-A1 is simulated: it has no BMC',
        ],
        [['/admin/v1/devices/SN-A1:check'], 400, 'FAILED_PRECONDITION', 'device SN-A1 is simulated'],
        [['/admin/v1/devices/NOPE:check'], 404, 'NOT_FOUND', NOPE],
      ],
    );
  });

  it('powerDevice refuses a bad action with 400 naming the field', async () => {
    await h.refusesAll(
      (body: unknown) => h.call('POST', '/admin/v1/devices/SN-A1:power', { body }),
      [
        [{}, 400, BAD, 'missing required parameter action'],
        [{ action: 'explode' }, 400, BAD, 'invalid parameter action: must be one of on, off, cycle, status'],
        [{ action: 'on', force: 1 }, 400, BAD, 'invalid parameter force: must be of type boolean'],
      ],
    );
  });

  it('describeStock counts devices per AZ and device type; describeDeviceTypes per type', async () => {
    const s = ok<{ stock: Record<string, unknown>[]; totalCount: number }>(
      await h.call('GET', `/admin/v1/regions/${REGION}/stock`),
    );
    expect(s.totalCount).toBe(s.stock.length);
    expect(s.stock.find((x) => x.az === AZ && x.deviceType === TYPE)).toEqual({
      az: AZ,
      deviceType: TYPE,
      soldOut: false,
      available: 41,
      allocated: 0,
      retired: 1,
    });
    const t = ok<{ deviceTypes: Record<string, unknown>[]; totalCount: number }>(
      await h.call('GET', `/admin/v1/regions/${REGION}/deviceTypes`),
    );
    expect(t.deviceTypes.find((x) => x.deviceType === TYPE)).toMatchObject({ soldOut: false, retired: 1 });
  });

  it('describeStock and describeDeviceTypes answer 404 for an unknown region', async () => {
    await h.refusesAll(
      (path: string) => h.call('GET', path),
      [
        ['/admin/v1/regions/cn-east-tz9/stock', 404, 'NOT_FOUND', 'unknown region "cn-east-tz9"'],
        ['/admin/v1/regions/cn-east-tz9/deviceTypes', 404, 'NOT_FOUND', 'unknown region "cn-east-tz9"'],
      ],
    );
  });

  it('setDeviceTypeSoldOut and setDeviceTypeOnSale flip the flag the JD API sees', async () => {
    expect(ok(await h.call('POST', `/admin/v1/regions/${REGION}/deviceTypes/${TYPE}:soldOut`))).toEqual({
      region: REGION,
      deviceType: TYPE,
      soldOut: true,
    });
    const stock = await h.call('GET', `/v1/regions/${REGION}/deviceStock`, {
      as: h.user,
      query: { deviceType: TYPE, az: AZ },
    });
    expect(JSON.stringify(stock.body)).toMatch(/"available":0|"count":0|"stock":0/i);
    expect(ok(await h.call('POST', `/admin/v1/regions/${REGION}/deviceTypes/${TYPE}:onSale`))).toEqual({
      region: REGION,
      deviceType: TYPE,
      soldOut: false,
    });
    await h.refusesAll(
      (path: string) => h.call('POST', path),
      [
        [
          `/admin/v1/regions/${REGION}/deviceTypes/edcps.x:soldOut`,
          404,
          'NOT_FOUND',
          'unknown device type "edcps.x"',
        ],
        [
          `/admin/v1/regions/nowhere/deviceTypes/${TYPE}:onSale`,
          404,
          'NOT_FOUND',
          'unknown region "nowhere"',
        ],
      ],
    );
  });

  it('addOs and addRaid offer new images and RAID types; bad input → 400, unknown region → 404', async () => {
    const os = ok<Record<string, string>>(
      await h.call('POST', `/admin/v1/regions/${REGION}/os`, {
        body: { deviceType: TYPE, osName: 'Rocky 9 64bit', osType: 'Rocky', osVersion: '9' },
      }),
    );
    expect(os).toMatchObject({ osName: 'Rocky 9 64bit', deviceType: TYPE, region: REGION });
    expect(os.osTypeId).toMatch(/^o-[a-z0-9]{28}$/);
    const raid = ok<Record<string, string>>(
      await h.call('POST', `/admin/v1/regions/${REGION}/raids`, {
        body: { deviceType: TYPE, volumeType: 'data', raidType: 'RAID5', volumeDetail: '3*1TB' },
      }),
    );
    expect(raid).toMatchObject({ volumeType: 'data', raidType: 'RAID5' });
    const ofType = (over: Record<string, unknown>) => ({ deviceType: TYPE, ...over });
    await h.refusesAll(
      ([body, region = REGION]: [unknown, string?]) =>
        h.call('POST', `/admin/v1/regions/${region}/os`, { body }),
      [
        [[{ osName: 'x' }], 400, BAD, 'missing required parameter deviceType'],
        [[ofType({ osName: 'x' })], 400, BAD, 'OS type is required'],
        [
          [ofType({ deviceType: 'edcps.x', osName: 'a', osType: 'b', osVersion: '1' })],
          400,
          BAD,
          'unknown device type "edcps.x"',
        ],
        [[ofType({ osTypeId: 'bad' })], 400, BAD, 'OS type id must be "o-"'],
        [[ofType({ osTypeId: os.osTypeId })], 409, 'ALREADY_EXISTS', `already offers OS ${os.osTypeId}`],
        [
          [ofType({ osName: 'a', osType: 'b', osVersion: '1' }), 'nowhere'],
          404,
          'NOT_FOUND',
          'unknown region "nowhere"',
        ],
      ],
    );
    await h.refusesAll(
      (body: unknown) => h.call('POST', `/admin/v1/regions/${REGION}/raids`, { body }),
      [
        [
          ofType({ volumeType: 'swap', raidType: 'R', volumeDetail: 'd' }),
          400,
          BAD,
          'invalid parameter volumeType: must be one of system, data',
        ],
        [ofType({ volumeType: 'data', raidType: 'R' }), 400, BAD, 'volume detail is required'],
      ],
    );
  });
});
