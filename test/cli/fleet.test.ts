import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AZ, DEVICE_TYPE, REGION } from '../helpers/harness.js';
import { type TestServer, startTestServer } from '../helpers/sdk.js';
import { osAddArgs, osImageFlags, raidAddArgs, raidFlags } from './catalog-args.js';
import { cliError, cliJson, instanceSpec, serverEnv, tempJson } from './cli.js';

interface Device {
  deviceId: string;
  serial: string;
  region: string;
  az: string;
  deviceType: string;
  driver: string;
  bmcUrl: string;
  bmcInsecure: boolean;
  bootMode: string;
  macs: string[];
  power: string;
  health: string;
  healthMessage: string;
  status: string;
  instanceId: string;
  createdAt: string;
}

const GPU = 'edcps.g.normal1';
const AZ_B = 'cn-east-tz1b';

describe('edcps devices, device-types, os and raids', () => {
  let s: TestServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    s = await startTestServer();
    env = serverEnv(s);
  });
  afterAll(() => s.stop());

  const stock = async (deviceType: string): Promise<number> => {
    const r = await s.sdk().describeDeviceStock({ regionId: REGION, deviceType });
    return (r.result.devicesStock as { deviceType: string; available: number }[]).find(
      (x) => x.deviceType === deviceType,
    )!.available;
  };
  const bySerial = async (serial: string): Promise<Device | undefined> =>
    (await cliJson<{ devices: Device[] }>(env, 'devices', 'list', '--region', REGION)).devices.find(
      (d) => d.serial === serial,
    );

  it('adds one device and describeDeviceStock counts it at once', async () => {
    const before = await stock(GPU);
    const d = await cliJson<Device>(
      env,
      'devices',
      'add',
      '--region',
      REGION,
      '--az',
      AZ,
      '--device-type',
      GPU,
      '--serial',
      'SN-ONE',
    );
    expect(d).toEqual({
      deviceId: expect.stringMatching(/^dev-[a-z0-9]{28}$/),
      serial: 'SN-ONE',
      region: REGION,
      az: AZ,
      deviceType: GPU,
      driver: 'simulated',
      bmcUrl: '',
      bmcInsecure: false,
      bootMode: 'uefi',
      macs: [],
      power: '',
      health: '',
      healthMessage: '',
      status: 'available',
      instanceId: '',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
    expect(await stock(GPU)).toBe(before + 1);
  });

  it('adds a YAML list of devices and lists them by AZ and type', async () => {
    const file = tempJson(
      `- {region: ${REGION}, az: ${AZ_B}, deviceType: ${GPU}, serial: Y-1}\n` +
        `- region: ${REGION}\n  az: ${AZ_B}\n  deviceType: ${GPU}\n  serial: Y-2\n  bmcUrl: ipmi://admin:pw-y2@127.0.0.1:9\n  macs: [AA-BB-CC-00-00-02]\n`,
      'devices.yaml',
    );
    const { devices: added } = await cliJson<{ devices: Device[] }>(env, 'devices', 'add', '--file', file);
    expect(added.map((d) => d.serial)).toEqual(['Y-1', 'Y-2']);
    expect(added[1]).toMatchObject({
      driver: 'ipmi',
      bmcUrl: 'ipmi://admin:***@127.0.0.1:9',
      macs: ['aa:bb:cc:00:00:02'],
    });
    const { devices: listed } = await cliJson<{ devices: Device[] }>(
      env,
      'devices',
      'list',
      '--region',
      REGION,
      '--az',
      AZ_B,
      '--device-type',
      GPU,
    );
    expect(listed.map((d) => d.serial)).toEqual(expect.arrayContaining(['Y-1', 'Y-2']));
    expect(listed.every((d) => d.az === AZ_B && d.deviceType === GPU)).toBe(true);
  });

  it('adds a JSON list of devices', async () => {
    const file = tempJson([{ region: REGION, az: AZ, deviceType: GPU, serial: 'J-1' }], 'devices.json');
    const added = await cliJson<{ devices: Device[]; totalCount: number }>(
      env,
      'devices',
      'add',
      '--file',
      file,
    );
    expect(added.totalCount).toBe(1);
    expect(added.devices).toHaveLength(1);
    expect((await bySerial('J-1'))?.status).toBe('available');
  });

  it('adds none of a list when one entry names an unknown AZ', async () => {
    const before = await stock(GPU);
    const file = tempJson([
      { region: REGION, az: AZ, deviceType: GPU, serial: 'BATCH-1' },
      { region: REGION, az: 'cn-east-tz1q', deviceType: GPU, serial: 'BATCH-2' },
    ]);
    expect(await cliError(env, 1, 'devices', 'add', '--file', file)).toBe(
      `edcps: ${file}: device 2 (serial BATCH-2): unknown AZ "cn-east-tz1q" in ${REGION} (known: cn-east-tz1a, cn-east-tz1b)`,
    );
    expect(await bySerial('BATCH-1')).toBeUndefined();
    expect(await stock(GPU)).toBe(before);
  });

  it('refuses a serial that already exists', async () => {
    await cliJson(
      env,
      'devices',
      'add',
      '--region',
      REGION,
      '--az',
      AZ,
      '--device-type',
      GPU,
      '--serial',
      'DUP-1',
    );
    expect(
      await cliError(
        env,
        1,
        'devices',
        'add',
        '--region',
        REGION,
        '--az',
        AZ,
        '--device-type',
        GPU,
        '--serial',
        'DUP-1',
      ),
    ).toBe('edcps: device DUP-1: a device with this serial already exists');
  });

  it('refuses a device list entry with an unknown key', async () => {
    const file = tempJson([{ region: REGION, az: AZ, deviceType: GPU, serial: 'K-1', rack: 'r1' }]);
    expect(await cliError(env, 1, 'devices', 'add', '--file', file)).toBe(
      `edcps: ${file}: device 1 (serial K-1): unknown key "rack" (allowed: region, az, deviceType, serial, bmcUrl, bmcUsername, bmcPassword, bootMode, bmcInsecure, macs)`,
    );
  });

  it('refuses a device type the region does not have, suggesting the near miss', async () => {
    expect(
      await cliError(
        env,
        1,
        'devices',
        'add',
        '--region',
        REGION,
        '--az',
        AZ,
        '--device-type',
        'edcps.g.normal9',
        '--serial',
        'X-1',
      ),
    ).toBe(`edcps: device X-1: unknown device type "edcps.g.normal9" in ${REGION} (did you mean "${GPU}"?)`);
  });

  it('refuses a BMC address that is not a URL', async () => {
    expect(
      await cliError(
        env,
        1,
        'devices',
        'add',
        '--region',
        REGION,
        '--az',
        AZ,
        '--device-type',
        GPU,
        '--serial',
        'B-1',
        '--bmc',
        '10.0.0.5',
      ),
    ).toBe(
      'edcps: device B-1: BMC URL "10.0.0.5": not an absolute URL (e.g. ipmi://admin:secret@10.0.0.5 or redfish://admin:secret@10.0.0.5)',
    );
  });

  it('names the missing options of a single device', async () => {
    expect(await cliError(env, 1, 'devices', 'add', '--region', REGION, '--serial', 'M-1')).toBe(
      'edcps: missing --az, --device-type (or give --file)',
    );
  });

  it('retires a free device, which leaves the stock', async () => {
    await cliJson(
      env,
      'devices',
      'add',
      '--region',
      REGION,
      '--az',
      AZ,
      '--device-type',
      GPU,
      '--serial',
      'OLD-1',
    );
    const before = await stock(GPU);
    expect((await cliJson<Device>(env, 'devices', 'retire', 'OLD-1')).status).toBe('retired');
    expect(await stock(GPU)).toBe(before - 1);
    expect(await cliError(env, 1, 'devices', 'retire', 'OLD-1')).toBe(
      'edcps: device OLD-1 is already retired',
    );
  });

  it('refuses to retire a device that carries an instance, naming it', async () => {
    const sdk = s.sdk();
    const spec = await instanceSpec(sdk, REGION, AZ, DEVICE_TYPE);
    const [id] = (await sdk.createInstances({ regionId: REGION, instanceSpec: spec })).result
      .instanceIds as string[];
    const carrying = (
      await cliJson<{ devices: Device[] }>(env, 'devices', 'list', '--status', 'allocated')
    ).devices.find((d) => d.instanceId === id)!;
    expect(await cliError(env, 1, 'devices', 'retire', carrying.serial)).toBe(
      `edcps: device ${carrying.serial} carries instance ${id}; delete the instance first`,
    );
    expect((await bySerial(carrying.serial))?.status).toBe('allocated');
  });

  it('refuses to retire an unknown serial', async () => {
    expect(await cliError(env, 1, 'devices', 'retire', 'NOPE')).toBe(
      'edcps: no device with id or serial "NOPE"',
    );
  });

  it('refuses a device list filter with an unknown status', async () => {
    expect(await cliError(env, 1, 'devices', 'list', '--status', 'broken')).toBe(
      'edcps: invalid parameter status: must be one of available, allocated, retired',
    );
  });

  it('marks a device type sold out and back on sale, as describeDeviceTypes and stock show', async () => {
    const soldOut = async () =>
      (
        (await s.sdk().describeDeviceTypes({ regionId: REGION })).result.deviceTypes as {
          deviceType: string;
          isSoldOut: boolean;
        }[]
      ).find((t) => t.deviceType === 'edcps.c.normal2')!.isSoldOut;
    expect(await cliJson(env, 'device-types', 'sold-out', 'edcps.c.normal2', '--region', REGION)).toEqual({
      region: REGION,
      deviceType: 'edcps.c.normal2',
      soldOut: true,
    });
    expect(await soldOut()).toBe(true);
    expect(await stock('edcps.c.normal2')).toBe(0);
    await cliJson(env, 'device-types', 'on-sale', 'edcps.c.normal2', '--region', REGION);
    expect(await soldOut()).toBe(false);
    expect(await stock('edcps.c.normal2')).toBeGreaterThan(0);
  });

  it('lists device types with their free, used and retired devices', async () => {
    const { deviceTypes: types } = await cliJson<{
      deviceTypes: { deviceType: string; available: number; soldOut: boolean }[];
    }>(env, 'device-types', 'list', '--region', REGION);
    expect(types.find((t) => t.deviceType === GPU)!.available).toBe(await stock(GPU));
  });

  it('offers a new OS image on a device type, and createInstances accepts it', async () => {
    const os = await cliJson<{ osTypeId: string }>(
      env,
      ...osAddArgs(GPU, ...osImageFlags('Rocky Linux 9.3 64bit', 'Rocky', '9.3')),
    );
    expect(os).toEqual({
      osTypeId: expect.stringMatching(/^o-[a-z0-9]{28}$/),
      osName: 'Rocky Linux 9.3 64bit',
      osType: 'Rocky',
      osVersion: '9.3',
      deviceType: GPU,
      region: REGION,
    });
    const sdk = s.sdk();
    const oss = (await sdk.describeOS({ regionId: REGION, deviceType: GPU, osType: 'rocky' })).result.oss;
    expect(oss).toEqual([
      {
        osTypeId: os.osTypeId,
        osName: 'Rocky Linux 9.3 64bit',
        osType: 'Rocky',
        osVersion: '9.3',
        deviceType: GPU,
      },
    ]);
    const spec = await instanceSpec(sdk, REGION, AZ, GPU, { osTypeId: os.osTypeId });
    const created = await sdk.createInstances({ regionId: REGION, instanceSpec: spec });
    expect(created.result.instanceIds).toHaveLength(1);
  });

  it('refuses an OS image without a version', async () => {
    expect(await cliError(env, 1, ...osAddArgs(GPU, '--name', 'X 1', '--type', 'X'))).toBe(
      'edcps: OS version is required',
    );
  });

  it('offers an OS image already known elsewhere on another device type by its id alone', async () => {
    const os = await cliJson<{ osTypeId: string }>(
      env,
      ...osAddArgs(GPU, ...osImageFlags('Alma 9', 'Alma', '9')),
    );
    const again = await cliJson(env, ...osAddArgs(DEVICE_TYPE, '--os-type-id', os.osTypeId));
    expect(again).toEqual({ ...os, deviceType: DEVICE_TYPE });
    expect(await cliError(env, 1, ...osAddArgs(DEVICE_TYPE, '--os-type-id', os.osTypeId))).toBe(
      `edcps: ${DEVICE_TYPE} in ${REGION} already offers OS ${os.osTypeId}`,
    );
  });

  it('refuses an existing OS image id with a different name', async () => {
    const os = await cliJson<{ osTypeId: string }>(
      env,
      ...osAddArgs(GPU, ...osImageFlags('Deb 12', 'Debian', '12')),
    );
    expect(
      await cliError(env, 1, ...osAddArgs(DEVICE_TYPE, '--os-type-id', os.osTypeId, '--name', 'Other')),
    ).toBe(`edcps: OS ${os.osTypeId} already exists with OS name "Deb 12"`);
  });

  it('offers a new RAID type on a device type, listed by describeDeviceRaids', async () => {
    const raid = await cliJson<{ raidTypeId: string }>(
      env,
      ...raidAddArgs(
        GPU,
        ...raidFlags('data', 'RAID6', '6*8TB HDD'),
        '--description',
        'two-disk fault tolerance',
      ),
    );
    const raids = (
      await s.sdk().describeDeviceRaids({ regionId: REGION, deviceType: GPU, volumeType: 'data' })
    ).result.raids as Record<string, string>[];
    expect(raids).toContainEqual({
      raidTypeId: raid.raidTypeId,
      volumeType: 'data',
      raidType: 'RAID6',
      volumeDetail: '6*8TB HDD',
      description: 'two-disk fault tolerance',
      deviceType: GPU,
    });
  });

  it('refuses a RAID type whose volume type is neither system nor data', async () => {
    expect(await cliError(env, 1, ...raidAddArgs(GPU, ...raidFlags('boot', 'RAID1', '2*1TB')))).toBe(
      'edcps: invalid parameter volumeType: must be one of system, data',
    );
  });
});
