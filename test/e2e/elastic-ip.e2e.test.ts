import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EdcpsClient, type SdkError, type TestServer, startTestServer } from '../helpers/sdk.js';

/**
 * Elastic IPs and shared bandwidth through the official jdcloud-sdk-js against a real listening
 * server (reconciler running, time scale 0): buy, list, join a package, leave it, change
 * bandwidths, bind to a running instance and unbind, delete; stock returns to where it was.
 */

const REGION = 'cn-east-tz1';
const POSTPAID = { chargeMode: 'postpaid_by_duration' };

interface Eip {
  elasticIpId: string;
  elasticIp: string;
  bandwidth: number;
  status: string;
  instanceId: string;
  bandwidthPackageId: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rejection(p: Promise<unknown>): Promise<SdkError> {
  return p.then(
    () => {
      throw new Error('expected the SDK call to fail');
    },
    (e: unknown) => e as SdkError,
  );
}

async function eips(sdk: EdcpsClient, params: Record<string, unknown> = {}): Promise<Eip[]> {
  return (await sdk.describeElasticIps(params)).result.elasticIps as Eip[];
}

async function untilRunning(sdk: EdcpsClient, instanceId: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const inst = (await sdk.describeInstance({ instanceId })).result.instance as Record<string, unknown>;
    if (inst.status === 'running') return inst;
    if (Date.now() > deadline) throw new Error(`instance ${instanceId} still ${String(inst.status)}`);
    await sleep(50);
  }
}

describe('elastic IPs and shared bandwidth through the official SDK', () => {
  let s: TestServer;
  let sdk: EdcpsClient;
  beforeAll(async () => {
    s = await startTestServer();
    sdk = s.sdk(REGION);
  });
  afterAll(() => s.stop());

  it('applyElasticIps → describeElasticIps → packages → modify* → delete*, stock restored', async () => {
    const stock0 = (await sdk.describeElasticIpStock({})).result;
    const bwStock0 = (await sdk.describeBandwidthPackageStock({})).result;

    const ids = (
      await sdk.applyElasticIps({
        elasticIpSpec: { bandwidth: 10, extraUplinkBandwidth: 2, count: 2, charge: POSTPAID },
        clientToken: 'e2e-apply-1',
      })
    ).result.elasticIpIds as string[];
    expect(ids).toHaveLength(2);
    const replay = (
      await sdk.applyElasticIps({
        elasticIpSpec: { bandwidth: 10, count: 2, charge: POSTPAID },
        clientToken: 'e2e-apply-1',
      })
    ).result.elasticIpIds;
    expect(replay).toEqual(ids);

    const listed = await eips(sdk, { filters: [{ name: 'elasticIpId', values: ids }] });
    expect(listed.map((e) => e.elasticIpId).sort()).toEqual([...ids].sort());
    expect(listed.every((e) => e.status === 'disassociate' && e.bandwidth === 10)).toBe(true);
    expect((await sdk.describeElasticIpStock({})).result).toMatchObject({
      available: (stock0.available as number) - 2,
      availableBandwidth: (stock0.availableBandwidth as number) - 20,
    });

    const [pkg] = (
      await sdk.applyBandwidthPackages({
        bandwidthPackageSpec: { name: 'e2e-shared', bandwidth: 100, count: 1, charge: POSTPAID },
      })
    ).result.bandwidthPackageIds as string[];
    expect((await sdk.addBandwidthPackageIp({ bandwidthPackageId: pkg, elasticIpIds: ids })).result).toEqual({
      success: true,
    });
    const joined = await eips(sdk, { hasJoinBandwidthPackage: 'yes' });
    expect(joined.map((e) => e.bandwidthPackageId)).toEqual([pkg, pkg]);
    expect(
      (await eips(sdk, { filters: [{ name: 'bandwidthPackageId', values: [pkg] }] }))
        .map((e) => e.elasticIpId)
        .sort(),
    ).toEqual([...ids].sort());
    // Members share the package's bandwidth: their own returns to the stock.
    expect((await sdk.describeBandwidthPackageStock({})).result.availableBandwidth).toBe(
      (bwStock0.availableBandwidth as number) - 100,
    );

    await sdk.removeBandwidthPackageIp({ bandwidthPackageId: pkg, elasticIpId: ids[0] });
    expect((await sdk.describeElasticIp({ elasticIpId: ids[0] })).result.elasticIp).toMatchObject({
      bandwidthPackageId: '',
    });
    const busy = await rejection(sdk.deleteBandwidthPackage({ bandwidthPackageId: pkg }));
    expect(busy.error).toEqual({
      code: 400,
      status: 'FAILED_PRECONDITION',
      message: `bandwidth package ${pkg} still holds 1 elastic IP; remove them first`,
    });
    await sdk.removeBandwidthPackageIp({ bandwidthPackageId: pkg, elasticIpId: ids[1] });

    await sdk.modifyElasticIpBandwidth({ elasticIpId: ids[0], bandwidth: 30 });
    expect(((await sdk.describeElasticIp({ elasticIpId: ids[0] })).result.elasticIp as Eip).bandwidth).toBe(
      30,
    );
    const renamed = (await sdk.modifyBandwidthPackage({ bandwidthPackageId: pkg, name: 'e2e-renamed' }))
      .result.bandwidthPackage as { name: string };
    expect(renamed.name).toBe('e2e-renamed');
    await sdk.modifyBandwidthPackageBandwidth({
      bandwidthPackageId: pkg,
      bandwidth: 200,
      extraUplinkBandwidth: 5,
    });
    const pkgs = (await sdk.describeBandwidthPackages({ name: 'renamed' })).result;
    expect(pkgs).toMatchObject({ totalCount: 1, pageNumber: 1, pageSize: 20 });
    expect((pkgs.bandwidthPackages as { bandwidth: number }[])[0].bandwidth).toBe(200);

    for (const elasticIpId of ids) {
      expect(
        (await sdk.deleteelasticIp({ elasticIpId, clientToken: `del-${elasticIpId.slice(4, 20)}` })).result,
      ).toEqual({
        success: true,
      });
    }
    expect((await sdk.deleteBandwidthPackage({ bandwidthPackageId: pkg })).result).toEqual({ success: true });
    const gone = await rejection(sdk.describeElasticIp({ elasticIpId: ids[0] }));
    expect(gone.error).toEqual({ code: 404, status: 'NOT_FOUND', message: `elastic IP ${ids[0]} not found` });
    expect((await sdk.describeElasticIpStock({})).result).toEqual(stock0);
    expect((await sdk.describeBandwidthPackageStock({})).result).toEqual(bwStock0);
  });

  it('associateElasticIp and disassociateElasticIp on a running instance', async () => {
    const [instanceId] = (
      await sdk.createInstances({
        instanceSpec: {
          az: 'cn-east-tz1a',
          deviceType: 'edcps.c.normal1',
          imageType: 'standard',
          osTypeId: 'o-centos79x8664000000000000000',
          sysRaidTypeId: 'r-sysraid100000000000000000000',
          dataRaidTypeId: 'r-dataraid00000000000000000000',
          networkType: 'vpc',
          enableInternet: 'no',
          name: 'eip-host',
          count: 1,
          charge: POSTPAID,
        },
      })
    ).result.instanceIds as string[];
    const inst = await untilRunning(sdk, instanceId);
    const [eip] = (await sdk.applyElasticIps({ elasticIpSpec: { bandwidth: 5, count: 1, charge: POSTPAID } }))
      .result.elasticIpIds as string[];

    await sdk.associateElasticIp({ instanceId, elasticIpId: eip, clientToken: 'e2e-assoc' });
    const bound = (await sdk.describeElasticIp({ elasticIpId: eip })).result.elasticIp as Eip & {
      targetIp: string;
    };
    expect(bound).toMatchObject({ status: 'associate', instanceId, targetIp: inst.privateIp });
    expect((await sdk.describeInstance({ instanceId })).result.instance).toMatchObject({
      elasticIpId: eip,
      publicIp: bound.elasticIp,
    });
    expect((await eips(sdk, { instanceId })).map((e) => e.elasticIpId)).toEqual([eip]);

    const refused = await rejection(sdk.deleteelasticIp({ elasticIpId: eip }));
    expect(refused.error).toEqual({
      code: 400,
      status: 'FAILED_PRECONDITION',
      message: `elastic IP ${eip} is associated with instance ${instanceId}; disassociate it first`,
    });

    await sdk.disassociateElasticIp({ instanceId, elasticIpId: eip });
    expect((await sdk.describeInstance({ instanceId })).result.instance).toMatchObject({
      elasticIpId: '',
      publicIp: '',
    });
    expect(((await sdk.describeElasticIp({ elasticIpId: eip })).result.elasticIp as Eip).status).toBe(
      'disassociate',
    );
    await sdk.deleteelasticIp({ elasticIpId: eip });
  });

  it('reports a quota refusal as 429 QUOTA_EXCEEDED', async () => {
    const err = await rejection(
      sdk.applyElasticIps({ elasticIpSpec: { bandwidth: 1, count: 11, charge: POSTPAID } }),
    );
    expect(err.error.code).toBe(429);
    expect(err.error.status).toBe('QUOTA_EXCEEDED');
  });
});
