import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SdkError, type TestServer, startTestServer } from '../helpers/sdk.js';

interface Region {
  region: string;
  azs: { az: string }[];
}

describe('createInstances, describeInstance and describeInstances through the official jdcloud-sdk-js', () => {
  let s: TestServer;
  beforeAll(async () => {
    // 58 s of simulated provisioning × 0.01: each instance is running within about a second.
    s = await startTestServer({ EDCPS_TIME_SCALE: '0.01' });
  });
  afterAll(() => s.stop());

  it('discovers the catalog, creates 3 instances and watches them go from creating to running', async () => {
    const sdk = s.sdk();
    const regions = (await sdk.describeEdCPSRegions({})).result.regions as Region[];
    const region = regions[0].region;
    const az = regions[0].azs[0].az;
    const types = (await sdk.describeDeviceTypes({ regionId: region, az })).result.deviceTypes as {
      deviceType: string;
      isSoldOut: boolean;
    }[];
    const deviceType = types.find((t) => !t.isSoldOut)!.deviceType;
    const os = (await sdk.describeOS({ regionId: region, deviceType })).result.oss as { osTypeId: string }[];
    const raids = (await sdk.describeDeviceRaids({ regionId: region, deviceType })).result.raids as {
      raidTypeId: string;
      volumeType: string;
    }[];
    const line = (await sdk.describeLineTypes({ regionId: region })).result.lineType as { lineType: string };
    const stockOf = async () =>
      (
        (await sdk.describeDeviceStock({ regionId: region, deviceType })).result.devicesStock as {
          available: number;
        }[]
      )[0].available;
    const stockBefore = await stockOf();

    const created = await sdk.createInstances({
      regionId: region,
      clientToken: 'e2e-create-3',
      instanceSpec: {
        az,
        deviceType,
        imageType: 'standard',
        osTypeId: os[0].osTypeId,
        sysRaidTypeId: raids.find((r) => r.volumeType === 'system')!.raidTypeId,
        dataRaidTypeId: raids.find((r) => r.volumeType === 'data')!.raidTypeId,
        networkType: 'vpc',
        enableInternet: 'yes',
        lineType: line.lineType,
        bandwidth: 5,
        name: 'sdk-node',
        password: 'Qm7$Zk9xTw',
        count: 3,
        charge: { chargeMode: 'postpaid_by_duration' },
      },
    });
    const ids = created.result.instanceIds as string[];
    expect(ids).toHaveLength(3);
    expect(created.requestId).toMatch(/^[a-z0-9]{32}$/);

    const seen = new Map<string, string[]>();
    const deadline = Date.now() + 20_000;
    for (const id of ids) {
      for (;;) {
        const inst = (await sdk.describeInstance({ regionId: region, instanceId: id })).result.instance as {
          status: string;
        };
        const statuses = seen.get(id) ?? [];
        if (statuses.at(-1) !== inst.status) statuses.push(inst.status);
        seen.set(id, statuses);
        if (inst.status === 'running' || inst.status === 'error' || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    for (const id of ids) {
      expect(seen.get(id)!.at(-1)).toBe('running');
      expect(seen.get(id)!.every((st) => st === 'creating' || st === 'running')).toBe(true);
    }
    expect(await stockOf()).toBe(stockBefore - 3);

    const listed = await sdk.describeInstances({
      regionId: region,
      pageSize: 20,
      filters: [
        { name: 'instanceId', values: ids },
        { name: 'status', values: ['running'] },
      ],
    });
    expect(listed.result.totalCount).toBe(3);
    const instances = listed.result.instances as {
      instanceId: string;
      publicIp: string;
      lineType: string;
      bandwidth: number;
    }[];
    expect(instances.map((i) => i.instanceId).sort()).toEqual([...ids].sort());
    expect(
      instances.every(
        (i) => /^\d+\.\d+\.\d+\.\d+$/.test(i.publicIp) && i.lineType === line.lineType && i.bandwidth === 5,
      ),
    ).toBe(true);

    const name = await sdk.describeInstanceName({ regionId: region, instanceId: ids[0] });
    expect(name.result).toEqual({ name: 'sdk-node' });
    const raid = await sdk.describeInstanceRaid({ regionId: region, instanceId: ids[0] });
    expect(Object.keys(raid.result).sort()).toEqual([
      'dataRaidType',
      'dataRaidTypeId',
      'sysRaidType',
      'sysRaidTypeId',
    ]);
    const health = await sdk.describeInstanceStatus({ regionId: region, instanceId: ids[0] });
    expect(health.result).toEqual({ cpus: true, mems: true, disks: true, nics: true });

    const again = await sdk.createInstances({
      regionId: region,
      clientToken: 'e2e-create-3',
      instanceSpec: {
        az,
        deviceType,
        imageType: 'standard',
        osTypeId: 'x',
        sysRaidTypeId: 'x',
        dataRaidTypeId: 'x',
        networkType: 'vpc',
        name: 'other',
        count: 1,
        charge: {},
      },
    });
    expect(again.result.instanceIds).toEqual(ids);
  });

  it('answers a JD error the SDK rejects with, for a sold-out device type', async () => {
    const sdk = s.sdk();
    const err = (await sdk
      .createInstances({
        regionId: 'cn-east-tz1',
        instanceSpec: {
          az: 'cn-east-tz1a',
          deviceType: 'edcps.c.large1',
          imageType: 'standard',
          osTypeId: 'o-centos79x8664000000000000000',
          sysRaidTypeId: 'r-sysraid100000000000000000000',
          dataRaidTypeId: 'r-dataraid00000000000000000000',
          networkType: 'vpc',
          name: 'big-one',
          count: 1,
          charge: {},
        },
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      )) as SdkError;
    expect(err.error).toEqual({
      code: 400,
      status: 'FAILED_PRECONDITION',
      message: 'device type edcps.c.large1 is sold out',
    });
  });

  it('answers 404 for an unknown instance', async () => {
    const err = (await s
      .sdk()
      .describeInstance({ regionId: 'cn-east-tz1', instanceId: 'edcps-nothere' })
      .then(
        () => undefined,
        (e: unknown) => e,
      )) as SdkError;
    expect(err.error).toEqual({
      code: 404,
      status: 'NOT_FOUND',
      message: 'instance edcps-nothere not found',
    });
  });
});
