import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EdcpsClient, type SdkError, type TestServer, startTestServer } from '../helpers/sdk.js';

/**
 * VPCs, subnets, secondary CIDRs, alias IPs and private addresses through the official
 * jdcloud-sdk-js against a real listening server (reconciler running, time scale 0).
 */
const REGION = 'cn-east-tz1';
const AZ = 'cn-east-tz1a';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rejection(p: Promise<unknown>): Promise<SdkError> {
  return p.then(
    () => {
      throw new Error('expected the SDK call to fail');
    },
    (e: unknown) => e as SdkError,
  );
}

async function untilStatus(
  sdk: EdcpsClient,
  instanceId: string,
  status: string,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const inst = (await sdk.describeInstance({ instanceId })).result.instance as Record<string, unknown>;
    if (inst.status === status) return inst;
    if (Date.now() > deadline) throw new Error(`instance ${instanceId} still ${String(inst.status)}`);
    await sleep(50);
  }
}

async function untilGone(sdk: EdcpsClient, instanceId: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const gone = await sdk.describeInstance({ instanceId }).then(
      () => false,
      (e: SdkError) => e.error?.code === 404,
    );
    if (gone) return;
    if (Date.now() > deadline) throw new Error(`instance ${instanceId} not deleted`);
    await sleep(50);
  }
}

describe('network through the official SDK', () => {
  let s: TestServer;
  let sdk: EdcpsClient;
  beforeAll(async () => {
    s = await startTestServer();
    sdk = s.sdk(REGION);
  });
  afterAll(() => s.stop());

  it('createVpc → createSubnet → createSecondaryCidr → instances with alias IPs → describe*, modify*, delete*', async () => {
    // VPC
    const { vpcId } = (
      await sdk.createVpc({
        vpcSpec: { name: 'e2e-vpc', cidr: '192.168.0.0/16', description: '' },
        clientToken: 'e2e-vpc',
      })
    ).result as { vpcId: string };
    expect(
      (
        await sdk.createVpc({
          vpcSpec: { name: 'x', cidr: '10.0.0.0/16', description: '' },
          clientToken: 'e2e-vpc',
        })
      ).result,
    ).toEqual({ vpcId });
    expect((await sdk.describeVpc({ vpcId })).result.vpc).toMatchObject({
      vpcId,
      name: 'e2e-vpc',
      cidr: '192.168.0.0/16',
      region: REGION,
    });
    const vpcs = (await sdk.describeVpcs({ filters: [{ name: 'vpcId', values: [vpcId] }] })).result;
    expect(vpcs).toMatchObject({ totalCount: 1, pageNumber: 1, pageSize: 20 });
    expect(
      (await sdk.modifyVpc({ vpcId, name: 'e2e-vpc-2', description: 'renamed' })).result.vpc,
    ).toMatchObject({
      name: 'e2e-vpc-2',
      description: 'renamed',
    });

    // Subnet and secondary CIDR
    const { subnetId } = (
      await sdk.createSubnet({
        subnetSpec: { az: AZ, vpcId, cidr: '192.168.1.0/24', name: 'e2e-sub', description: 'app' },
      })
    ).result as { subnetId: string };
    const { secondaryCidrId } = (
      await sdk.createSecondaryCidr({
        secondaryCidrSpec: { subnetId, cidr: '192.168.100.0/24', name: 'pods' },
      })
    ).result as { secondaryCidrId: string };
    expect((await sdk.describeSecondaryCidrs({ subnetId })).result.secondaryCidrs).toMatchObject([
      {
        secondaryCidrId,
        cidr: '192.168.100.0/24',
        subnetId,
        vpcId,
        vpcName: 'e2e-vpc-2',
        totalIpCount: 253,
        availableIpCount: 253,
      },
    ]);
    const overlap = await rejection(
      sdk.createSubnet({
        subnetSpec: { az: AZ, vpcId, cidr: '192.168.100.128/25', name: 'bad', description: '' },
      }),
    );
    expect(overlap.error).toEqual({
      code: 409,
      status: 'ALREADY_EXISTS',
      message: `subnetSpec.cidr 192.168.100.128/25 overlaps secondary CIDR ${secondaryCidrId} (192.168.100.0/24) of subnet ${subnetId}`,
    });

    // An instance in the subnet with an alias range given at creation
    const { instanceIds } = (
      await sdk.createInstances({
        instanceSpec: {
          az: AZ,
          deviceType: 'edcps.c.normal1',
          imageType: 'standard',
          osTypeId: 'o-centos79x8664000000000000000',
          sysRaidTypeId: 'r-sysraid100000000000000000000',
          dataRaidTypeId: 'r-dataraid00000000000000000000',
          networkType: 'vpc',
          subnetId,
          enableInternet: 'no',
          aliasIps: [{ id: subnetId, cidr: '192.168.1.64/28' }],
          name: 'alias-host',
          count: 1,
          charge: { chargeMode: 'postpaid_by_duration' },
        },
      })
    ).result as { instanceIds: string[] };
    const instanceId = instanceIds[0];
    const inst = await untilStatus(sdk, instanceId, 'running');
    expect(inst).toMatchObject({ vpcId, subnetId, privateIp: '192.168.1.2' });

    // More alias ranges, one of them bad
    const created = (
      await sdk.createAliasIp({
        aliasIpSpec: {
          instanceId,
          aliasIps: [
            { id: secondaryCidrId, cidr: '192.168.100.16/28' },
            { id: subnetId, cidr: '192.168.1.64/29' },
          ],
        },
      })
    ).result as {
      successList: { aliasIpId: string; cidr: string }[];
      errorList: { cidr: string; message: string }[];
    };
    expect(created.successList.map((x) => x.cidr)).toEqual(['192.168.100.16/28']);
    expect(created.errorList).toEqual([
      {
        cidr: '192.168.1.64/29',
        message:
          'invalid parameter aliasIpSpec.aliasIps[1].cidr: 192.168.1.64/29 overlaps an address or range already in use',
      },
    ]);
    const aliasIps = (await sdk.describeAliasIps({ instanceId })).result.aliasIps as {
      cidr: string;
      secondaryCidrId: string;
      aliasIpId: string;
    }[];
    expect(aliasIps.map((a) => [a.cidr, a.secondaryCidrId])).toEqual([
      ['192.168.1.64/28', ''],
      ['192.168.100.16/28', secondaryCidrId],
    ]);
    expect(
      (
        await sdk.describeAliasIps({
          cidr: '100.16',
          filters: [{ name: 'aliasIpId', values: [created.successList[0].aliasIpId] }],
        })
      ).result.totalCount,
    ).toBe(1);

    // Address accounting and the free list
    const subnet = (await sdk.describeSubnet({ subnetId })).result.subnet as Record<string, unknown>;
    expect(subnet).toMatchObject({
      totalIpCount: 253,
      availableIpCount: 253 - 1 - 16,
      vpcName: 'e2e-vpc-2',
      networkType: 'vpc',
    });
    const free = (await sdk.describeAvailablePrivateIp({ instanceId, subnetId })).result
      .availablePrivateIps as string[];
    expect(free).toHaveLength(236);
    expect(free.slice(0, 2)).toEqual(['192.168.1.3', '192.168.1.4']);
    expect(free).not.toContain('192.168.1.64');
    expect((await sdk.describeSecondaryCidrs({ subnetId })).result.secondaryCidrs).toMatchObject([
      { availableIpCount: 253 - 16 },
    ]);

    // Deletion order is enforced
    expect((await rejection(sdk.deleteVpc({ vpcId }))).error).toEqual({
      code: 400,
      status: 'FAILED_PRECONDITION',
      message: `vpc ${vpcId} still has 1 subnet(s); delete them first`,
    });
    expect((await rejection(sdk.deleteSubnet({ subnetId }))).error).toEqual({
      code: 400,
      status: 'FAILED_PRECONDITION',
      message: `subnet ${subnetId} still has 1 instance(s)`,
    });
    expect((await rejection(sdk.deleteSecondaryCidr({ secondaryCidrId }))).error).toMatchObject({
      code: 400,
      status: 'FAILED_PRECONDITION',
    });
    expect(
      (await sdk.deleteAliasIp({ aliasIpId: created.successList[0].aliasIpId, clientToken: 'e2e-del-alias' }))
        .result,
    ).toEqual({ success: true });
    expect((await sdk.deleteSecondaryCidr({ secondaryCidrId })).result).toEqual({ success: true });

    // Deleting the instance releases its address and its remaining alias range
    await sdk.deleteInstance({ instanceId });
    await untilGone(sdk, instanceId);
    expect((await sdk.describeAliasIps({ subnetId })).result.totalCount).toBe(0);
    expect((await sdk.describeSubnet({ subnetId })).result.subnet).toMatchObject({ availableIpCount: 253 });
    expect((await sdk.modifySubnet({ subnetId, name: 'bye', description: '' })).result.subnet).toMatchObject({
      name: 'bye',
      description: '',
    });
    expect((await sdk.describeSubnets({ vpcId, name: 'BY' })).result).toMatchObject({ totalCount: 1 });

    expect((await sdk.deleteSubnet({ subnetId, clientToken: 'e2e-del-sub' })).result).toEqual({
      success: true,
    });
    expect((await sdk.deleteVpc({ vpcId })).result).toEqual({ success: true });
    expect((await rejection(sdk.describeVpc({ vpcId }))).error).toEqual({
      code: 404,
      status: 'NOT_FOUND',
      message: `vpc ${vpcId} not found`,
    });
  });

  it('places an instance without subnetId in the default VPC and subnet of its AZ', async () => {
    const { instanceIds } = (
      await sdk.createInstances({
        instanceSpec: {
          az: 'cn-east-tz1b',
          deviceType: 'edcps.c.normal1',
          imageType: 'standard',
          osTypeId: 'o-centos79x8664000000000000000',
          sysRaidTypeId: 'r-sysraid100000000000000000000',
          dataRaidTypeId: 'r-dataraid00000000000000000000',
          networkType: 'vpc',
          enableInternet: 'no',
          name: 'default-host',
          count: 1,
          charge: { chargeMode: 'postpaid_by_duration' },
        },
      })
    ).result as { instanceIds: string[] };
    const inst = await untilStatus(sdk, instanceIds[0], 'running');
    const subnets = (await sdk.describeSubnets({ az: 'cn-east-tz1b', name: 'default' })).result
      .subnets as Record<string, unknown>[];
    expect(subnets).toMatchObject([
      { name: 'default-cn-east-tz1b', vpcName: 'default', subnetId: inst.subnetId, availableIpCount: 252 },
    ]);
    expect(String(inst.privateIp)).toMatch(/^10\.0\.\d+\.2$/);
  });

  it('hides one account’s network from another (404 NOT_FOUND)', async () => {
    const { vpcId } = (
      await sdk.createVpc({ vpcSpec: { name: 'private', cidr: '10.9.0.0/16', description: '' } })
    ).result as { vpcId: string };
    const acc = await s.server.runtime.services.accounts.createAccount(`e2e-other-${Date.now() % 100000}`);
    const other = s.sdk(REGION, { accessKeyId: acc.accessKeyId, secretAccessKey: acc.secretAccessKey });
    expect((await rejection(other.describeVpc({ vpcId }))).error).toEqual({
      code: 404,
      status: 'NOT_FOUND',
      message: `vpc ${vpcId} not found`,
    });
    expect((await other.describeVpcs({})).result.totalCount).toBe(0);
  });
});
