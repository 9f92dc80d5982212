import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EdcpsClient, type SdkError, type TestServer, startTestServer } from '../helpers/sdk.js';

/**
 * A whole instance life through the official jdcloud-sdk-js against a real listening server
 * with its reconciler (time scale 0): create, stop, start, restart, stop, resetPassword,
 * reinstall, delete. After each action the status is polled until stable; after the delete the
 * device stock, the subnet's free addresses and the elastic IP return to where they were.
 */

const REGION = 'cn-east-tz1';
const AZ = 'cn-east-tz1a';
const DEVICE_TYPE = 'edcps.c.normal1';
const STABLE = ['running', 'stopped', 'error'];

interface InstanceModel {
  instanceId: string;
  status: string;
  osTypeId: string;
  osName: string;
  osType: string;
  osVersion: string;
  sysRaidTypeId: string;
  sysRaidType: string;
  dataRaidTypeId: string;
  dataRaidType: string;
  keypairId: string;
  elasticIpId: string;
  publicIp: string;
  privateIp: string;
  subnetId: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function describe404(sdk: EdcpsClient, instanceId: string): Promise<SdkError | undefined> {
  try {
    await sdk.describeInstance({ instanceId });
    return undefined;
  } catch (e) {
    return e as SdkError;
  }
}

async function instanceOf(sdk: EdcpsClient, instanceId: string): Promise<InstanceModel> {
  return (await sdk.describeInstance({ instanceId })).result.instance as InstanceModel;
}

/** Polls describeInstance until the status is stable; returns the statuses seen on the way. */
async function untilStable(
  sdk: EdcpsClient,
  instanceId: string,
): Promise<{ inst: InstanceModel; seen: string[] }> {
  const seen: string[] = [];
  const deadline = Date.now() + 20_000;
  for (;;) {
    const inst = await instanceOf(sdk, instanceId);
    if (seen[seen.length - 1] !== inst.status) seen.push(inst.status);
    if (STABLE.includes(inst.status)) return { inst, seen };
    if (Date.now() > deadline) throw new Error(`instance ${instanceId} still ${inst.status} after 20 s`);
    await sleep(25);
  }
}

async function untilGone(sdk: EdcpsClient, instanceId: string): Promise<SdkError> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const err = await describe404(sdk, instanceId);
    if (err) return err;
    if (Date.now() > deadline) throw new Error(`instance ${instanceId} still present after 20 s`);
    await sleep(25);
  }
}

describe('instance lifecycle through the official jdcloud-sdk-js (createInstances, stopInstance, startInstance, restartInstance, resetPassword, reinstallInstance, deleteInstance)', () => {
  let s: TestServer;
  let sdk: EdcpsClient;
  beforeAll(async () => {
    s = await startTestServer();
    sdk = s.sdk(REGION);
  });
  afterAll(() => s.stop());

  const stock = async () =>
    (
      (await sdk.describeDeviceStock({ deviceType: DEVICE_TYPE })).result.devicesStock as {
        available: number;
      }[]
    )[0].available;
  const freeIps = async (subnetId: string) =>
    ((await sdk.describeSubnet({ subnetId })).result.subnet as { availableIpCount: number }).availableIpCount;
  const elasticIpCount = async () => (await sdk.describeElasticIps({})).result.totalCount as number;

  it('runs create → stop → start → restart → stop → resetPassword → reinstall → delete and releases everything', async () => {
    const { vpcId } = (
      await sdk.createVpc({ vpcSpec: { cidr: '10.20.0.0/16', name: 'lifecycle-vpc', description: 'e2e' } })
    ).result as { vpcId: string };
    const { subnetId } = (
      await sdk.createSubnet({
        subnetSpec: { az: AZ, vpcId, cidr: '10.20.1.0/24', name: 'lifecycle-subnet', description: 'e2e' },
      })
    ).result as { subnetId: string };
    const { keypairId } = (await sdk.createKeypairs({ name: 'lifecycle-key' })).result as {
      keypairId: string;
    };

    const stockBefore = await stock();
    const ipsBefore = await freeIps(subnetId);
    const eipsBefore = await elasticIpCount();

    const created = await sdk.createInstances({
      clientToken: 'lifecycle-create-1',
      instanceSpec: {
        az: AZ,
        deviceType: DEVICE_TYPE,
        imageType: 'standard',
        osTypeId: 'o-centos79x8664000000000000000',
        sysRaidTypeId: 'r-sysnoraid0000000000000000000',
        dataRaidTypeId: 'r-dataraid00000000000000000000',
        subnetId,
        networkType: 'vpc',
        enableInternet: 'yes',
        bandwidth: 5,
        name: 'lifecycle-1',
        password: 'Qm7$Zk9xTw',
        count: 1,
        charge: { chargeMode: 'postpaid_by_duration' },
      },
    });
    const [instanceId] = created.result.instanceIds as string[];

    let { inst } = await untilStable(sdk, instanceId);
    expect(inst.status).toBe('running');
    expect(inst.subnetId).toBe(subnetId);
    expect(inst.elasticIpId).not.toBe('');
    expect(await stock()).toBe(stockBefore - 1);
    expect(await freeIps(subnetId)).toBe(ipsBefore - 1);
    expect(await elasticIpCount()).toBe(eipsBefore + 1);

    const steps: [string, () => Promise<unknown>, string, string][] = [
      ['stopInstance', () => sdk.stopInstance({ instanceId }), 'stopping', 'stopped'],
      [
        'startInstance',
        () => sdk.startInstance({ instanceId, clientToken: 'lc-start-1' }),
        'starting',
        'running',
      ],
      ['restartInstance', () => sdk.restartInstance({ instanceId }), 'restarting', 'running'],
      [
        'stopInstance',
        () => sdk.stopInstance({ instanceId, clientToken: 'lc-stop-2' }),
        'stopping',
        'stopped',
      ],
      [
        'resetPassword',
        () => sdk.resetPassword({ instanceId, password: 'Wv4#Lp8nRt' }),
        'resetting_password',
        'stopped',
      ],
      [
        'reinstallInstance',
        () =>
          sdk.reinstallInstance({
            instanceId,
            clientToken: 'lc-reinstall-1',
            instanceSpec: {
              az: AZ,
              imageType: 'standard',
              osTypeId: 'o-ubuntu2204x86640000000000000',
              sysRaidTypeId: 'r-sysraid100000000000000000000',
              dataRaidTypeId: 'r-dataraid10000000000000000000',
              keepData: 'no',
              password: 'Hx5!Tm2qWz',
              hostname: 'lifecycle-db',
              keypairId,
            },
          }),
        'reinstalling',
        'running',
      ],
    ];
    for (const [op, send, transitional, end] of steps) {
      const answer = (await send()) as { result: unknown };
      expect(answer.result, op).toEqual({ success: true });
      const { inst: after, seen } = await untilStable(sdk, instanceId);
      expect(after.status, `${op} ends ${end}`).toBe(end);
      // The reconciler may finish before the first poll; anything seen must be on the path.
      for (const st of seen) expect([transitional, end], `${op} passes through ${st}`).toContain(st);
      inst = after;
    }

    expect(inst).toMatchObject({
      osTypeId: 'o-ubuntu2204x86640000000000000',
      osName: 'Ubuntu 22.04(x86_64)',
      osType: 'Ubuntu',
      osVersion: '22.04',
      sysRaidTypeId: 'r-sysraid100000000000000000000',
      sysRaidType: 'RAID1',
      dataRaidTypeId: 'r-dataraid10000000000000000000',
      dataRaidType: 'RAID10',
      keypairId,
    });
    expect((await sdk.describeInstanceRaid({ instanceId })).result).toEqual({
      sysRaidTypeId: 'r-sysraid100000000000000000000',
      sysRaidType: 'RAID1',
      dataRaidTypeId: 'r-dataraid10000000000000000000',
      dataRaidType: 'RAID10',
    });

    // A repeated token answers the first result and does not act again.
    expect((await sdk.startInstance({ instanceId, clientToken: 'lc-start-1' })).result).toEqual({
      success: true,
    });
    expect((await instanceOf(sdk, instanceId)).status).toBe('running');

    const del = await sdk.deleteInstance({ instanceId, clientToken: 'lc-delete-1' });
    expect(del.result).toEqual({ success: true });
    const gone = await untilGone(sdk, instanceId);
    expect(gone.error).toEqual({
      code: 404,
      status: 'NOT_FOUND',
      message: `instance ${instanceId} not found`,
    });
    const list = (await sdk.describeInstances({ filters: [{ name: 'instanceId', values: [instanceId] }] }))
      .result;
    expect(list.totalCount).toBe(0);

    expect(await stock()).toBe(stockBefore);
    expect(await freeIps(subnetId)).toBe(ipsBefore);
    expect(await elasticIpCount()).toBe(eipsBefore);

    // The same delete token still answers its first result after the instance is gone.
    expect((await sdk.deleteInstance({ instanceId, clientToken: 'lc-delete-1' })).result).toEqual({
      success: true,
    });
  });

  it('answers FAILED_PRECONDITION through the SDK for an action from the wrong state', async () => {
    const created = await sdk.createInstances({
      instanceSpec: {
        az: AZ,
        deviceType: DEVICE_TYPE,
        imageType: 'standard',
        osTypeId: 'o-centos79x8664000000000000000',
        sysRaidTypeId: 'r-sysnoraid0000000000000000000',
        dataRaidTypeId: 'r-dataraid00000000000000000000',
        networkType: 'vpc',
        enableInternet: 'no',
        name: 'lifecycle-2',
        count: 1,
        charge: { chargeMode: 'postpaid_by_duration' },
      },
    });
    const [instanceId] = created.result.instanceIds as string[];
    expect((await untilStable(sdk, instanceId)).inst.status).toBe('running');
    const err = (await sdk.startInstance({ instanceId }).catch((e: unknown) => e)) as SdkError;
    expect(err.error).toEqual({
      code: 400,
      status: 'FAILED_PRECONDITION',
      message: `instance ${instanceId} is running; startInstance is allowed only when it is stopped`,
    });
    const renamed = await sdk.modifyInstance({ instanceId, name: 'lifecycle-2b', description: 'renamed' });
    expect(renamed.result).toEqual({ name: 'lifecycle-2b', description: 'renamed' });
    expect((await sdk.deleteInstance({ instanceId })).result).toEqual({ success: true });
    await untilGone(sdk, instanceId);
  });

  it('keeps an elastic IP associated after creation when the instance is deleted, disassociated', async () => {
    const created = await sdk.createInstances({
      instanceSpec: {
        az: AZ,
        deviceType: DEVICE_TYPE,
        imageType: 'standard',
        osTypeId: 'o-centos79x8664000000000000000',
        sysRaidTypeId: 'r-sysnoraid0000000000000000000',
        dataRaidTypeId: 'r-dataraid00000000000000000000',
        networkType: 'vpc',
        enableInternet: 'no',
        name: 'lifecycle-3',
        count: 1,
        charge: { chargeMode: 'postpaid_by_duration' },
      },
    });
    const [instanceId] = created.result.instanceIds as string[];
    expect((await untilStable(sdk, instanceId)).inst.status).toBe('running');
    const [elasticIpId] = (
      await sdk.applyElasticIps({
        elasticIpSpec: { bandwidth: 2, count: 1, charge: { chargeMode: 'postpaid_by_duration' } },
      })
    ).result.elasticIpIds as string[];
    await sdk.associateElasticIp({ instanceId, elasticIpId });
    expect((await instanceOf(sdk, instanceId)).elasticIpId).toBe(elasticIpId);

    await sdk.deleteInstance({ instanceId });
    await untilGone(sdk, instanceId);
    const eip = (await sdk.describeElasticIp({ elasticIpId })).result.elasticIp as Record<string, unknown>;
    expect(eip).toMatchObject({ elasticIpId, instanceId: '', status: 'disassociate' });
  });
});
