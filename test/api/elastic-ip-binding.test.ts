import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseInstanceElasticIps } from '../../src/domain/elastic-ip/instance-elastic-ip.js';
import {
  AZ,
  type ApiResponse,
  type Credentials,
  REGION,
  type TestHarness,
  createHarness,
  errorOf,
  resultOf,
} from '../helpers/harness.js';
import { create, createIds, describe1, settleAll, spec } from '../helpers/instances.js';

/*
 * Instances here are real: createInstances, then the provisioning engine run to completion
 * (settle, time scale 0), so they are `running` with their private IPs, alias ranges and NICs
 * allocated by the network area.
 */

type Account = Credentials & { accountId: string };

interface Eip {
  elasticIpId: string;
  elasticIp: string;
  status: string;
  instanceType: string;
  instanceId: string;
  targetIp: string;
}

const POSTPAID = { chargeMode: 'postpaid_by_duration' };

function expectError(res: ApiResponse, code: number, status: string, message: string) {
  expect(res.statusCode).toBe(code);
  expect(errorOf(res)).toEqual({ code, status, message });
}

async function network(h: TestHarness, as: Credentials, second: number) {
  const vpcId = resultOf<{ vpcId: string }>(
    await h.call('PUT', `/regions/${REGION}/vpcs`, {
      body: { vpcSpec: { name: 'net', cidr: `10.${second}.0.0/16`, description: '' } },
      as,
    }),
  ).vpcId;
  const subnet = async (third: number) =>
    resultOf<{ subnetId: string }>(
      await h.call('PUT', `/regions/${REGION}/subnets`, {
        body: {
          subnetSpec: { az: AZ, vpcId, cidr: `10.${second}.${third}.0/24`, name: 'sn', description: '' },
        },
        as,
      }),
    ).subnetId;
  return { vpcId, s1: await subnet(1), s2: await subnet(2) };
}

const eip = async (h: TestHarness, as: Credentials) =>
  resultOf<{ elasticIpIds: string[] }>(
    await h.call('PUT', `/regions/${REGION}/elasticIps`, {
      body: { elasticIpSpec: { bandwidth: 5, count: 1, charge: POSTPAID } },
      as,
    }),
  ).elasticIpIds[0];

const describeEip = async (h: TestHarness, id: string, as: Credentials) =>
  resultOf<{ elasticIp: Eip }>(await h.call('GET', `/regions/${REGION}/elasticIps/${id}`, { as })).elasticIp;

const associate = (h: TestHarness, instanceId: string, body: Record<string, unknown>, as: Credentials) =>
  h.call('PUT', `/regions/${REGION}/instances/${instanceId}:associateElasticIp`, { body, as });

const disassociate = (h: TestHarness, instanceId: string, body: Record<string, unknown>, as: Credentials) =>
  h.call('PUT', `/regions/${REGION}/instances/${instanceId}:disassociateElasticIp`, { body, as });

async function runningInstance(h: TestHarness, as: Credentials, over: Record<string, unknown>) {
  const [id] = await createIds(h, spec(over), { as });
  await settleAll(h);
  return describe1(h, id, as);
}

describe('associateElasticIp', () => {
  let h: TestHarness;
  let creds: Account;
  let net: { s1: string; s2: string };
  let single: Record<string, unknown>;
  let dual: Record<string, unknown>;
  beforeAll(async () => {
    h = await createHarness();
    creds = await h.newAccount();
    await h.runtime.services.accounts.setQuota(creds.accountId, REGION, { elasticIps: 50 });
    net = await network(h, creds, 31);
    single = await runningInstance(h, creds, {
      subnetId: net.s1,
      aliasIps: [{ id: net.s1, cidr: '10.31.1.64/28' }],
    });
    dual = await runningInstance(h, creds, {
      name: 'dual-1',
      subnetId: net.s1,
      interfaceMode: 'dual',
      extensionSubnetId: net.s2,
    });
  });
  afterAll(() => h.close());

  it('binds an elastic IP to the primary NIC; both sides agree', async () => {
    const inst = await runningInstance(h, creds, { subnetId: net.s1 });
    const id = await eip(h, creds);
    expect(resultOf(await associate(h, inst.instanceId as string, { elasticIpId: id }, creds))).toEqual({
      success: true,
    });
    const e = await describeEip(h, id, creds);
    expect(e).toMatchObject({
      status: 'associate',
      instanceType: 'instance',
      instanceId: inst.instanceId,
      targetIp: inst.privateIp,
    });
    const after = await describe1(h, inst.instanceId as string, creds);
    expect(after).toMatchObject({ elasticIpId: id, publicIp: e.elasticIp });
  });

  it('binds to an address inside one of the NIC’s alias ranges', async () => {
    const id = await eip(h, creds);
    resultOf(
      await associate(h, single.instanceId as string, { elasticIpId: id, targetIp: '10.31.1.70' }, creds),
    );
    expect((await describeEip(h, id, creds)).targetIp).toBe('10.31.1.70');
    resultOf(await disassociate(h, single.instanceId as string, { elasticIpId: id }, creds));
  });

  it('refuses a targetIp that is neither the NIC’s private IP nor in its alias ranges', async () => {
    const id = await eip(h, creds);
    expectError(
      await associate(h, single.instanceId as string, { elasticIpId: id, targetIp: '10.31.1.200' }, creds),
      400,
      'INVALID_ARGUMENT',
      `invalid parameter targetIp: 10.31.1.200 is neither the private IP of the primary NIC of instance ${single.instanceId} (${single.privateIp}) nor inside one of its alias IP ranges`,
    );
    expect((await describeEip(h, id, creds)).status).toBe('disassociate');
  });

  it('refuses a targetIp that is not an IPv4 address', async () => {
    const id = await eip(h, creds);
    expectError(
      await associate(h, single.instanceId as string, { elasticIpId: id, targetIp: '10.31.1' }, creds),
      400,
      'INVALID_ARGUMENT',
      'invalid parameter targetIp: "10.31.1" is not an IPv4 address',
    );
  });

  it('requires subnetId for a dual-NIC instance', async () => {
    const id = await eip(h, creds);
    expectError(
      await associate(h, dual.instanceId as string, { elasticIpId: id }, creds),
      400,
      'INVALID_ARGUMENT',
      `invalid parameter subnetId: is required: instance ${dual.instanceId} has two NICs (interfaceMode dual)`,
    );
  });

  it('binds to the extension NIC chosen by its subnet', async () => {
    const id = await eip(h, creds);
    resultOf(await associate(h, dual.instanceId as string, { elasticIpId: id, subnetId: net.s2 }, creds));
    const inst = await describe1(h, dual.instanceId as string, creds);
    expect(inst).toMatchObject({ extensionElasticIpId: id, elasticIpId: '', publicIp: '' });
    expect((await describeEip(h, id, creds)).targetIp).toBe(inst.extensionPrivateIp);
    resultOf(await disassociate(h, dual.instanceId as string, { elasticIpId: id }, creds));
    expect((await describe1(h, dual.instanceId as string, creds)).extensionElasticIpId).toBe('');
  });

  it('refuses a subnet that is not one of the instance’s NICs', async () => {
    const id = await eip(h, creds);
    expectError(
      await associate(h, single.instanceId as string, { elasticIpId: id, subnetId: net.s2 }, creds),
      400,
      'INVALID_ARGUMENT',
      `invalid parameter subnetId: subnet ${net.s2} is not the subnet of a NIC of instance ${single.instanceId}`,
    );
  });

  it('refuses a second elastic IP on the same NIC', async () => {
    const inst = await runningInstance(h, creds, { subnetId: net.s1 });
    const [a, b] = [await eip(h, creds), await eip(h, creds)];
    resultOf(await associate(h, inst.instanceId as string, { elasticIpId: a }, creds));
    expectError(
      await associate(h, inst.instanceId as string, { elasticIpId: b }, creds),
      400,
      'FAILED_PRECONDITION',
      `instance ${inst.instanceId} already has elastic IP ${a} on its primary NIC; disassociate it first`,
    );
  });

  it('refuses an elastic IP already bound to another instance', async () => {
    const one = await runningInstance(h, creds, { subnetId: net.s1 });
    const two = await runningInstance(h, creds, { subnetId: net.s1 });
    const id = await eip(h, creds);
    resultOf(await associate(h, one.instanceId as string, { elasticIpId: id }, creds));
    expectError(
      await associate(h, two.instanceId as string, { elasticIpId: id }, creds),
      400,
      'FAILED_PRECONDITION',
      `elastic IP ${id} is already associated with instance ${one.instanceId}; disassociate it first`,
    );
  });

  it('binds to a stopped instance', async () => {
    const inst = await runningInstance(h, creds, { subnetId: net.s1 });
    resultOf(
      await h.call('PUT', `/regions/${REGION}/instances/${inst.instanceId}:stopInstance`, {
        body: {},
        as: creds,
      }),
    );
    await settleAll(h);
    expect((await describe1(h, inst.instanceId as string, creds)).status).toBe('stopped');
    resultOf(await associate(h, inst.instanceId as string, { elasticIpId: await eip(h, creds) }, creds));
  });

  it('refuses an instance that is not running or stopped', async () => {
    const [id] = await createIds(h, spec({ subnetId: net.s1 }), { as: creds });
    expectError(
      await associate(h, id, { elasticIpId: await eip(h, creds) }, creds),
      400,
      'FAILED_PRECONDITION',
      `instance ${id} is creating; associateElasticIp is allowed only when it is running or stopped`,
    );
    await settleAll(h);
  });

  it('refuses an elastic IP on another line', async () => {
    const inst = await runningInstance(h, creds, { subnetId: net.s1 });
    const id = await eip(h, creds);
    // Every address of a region is on its one line; an operator re-lining the region after the
    // purchase is the only way to get here, simulated by editing the row.
    await h.runtime.store.db
      .updateTable('elastic_ips')
      .set({ line_type: 'bgp' })
      .where('id', '=', id)
      .execute();
    expectError(
      await associate(h, inst.instanceId as string, { elasticIpId: id }, creds),
      400,
      'FAILED_PRECONDITION',
      `elastic IP ${id} is on line bgp and instance ${inst.instanceId} on line ct`,
    );
  });

  it('answers 404 for an unknown instance and for another account’s', async () => {
    const other = await h.newAccount();
    const id = await eip(h, other);
    expectError(
      await associate(h, 'edcps-nope', { elasticIpId: id }, other),
      404,
      'NOT_FOUND',
      'instance edcps-nope not found',
    );
    expectError(
      await associate(h, single.instanceId as string, { elasticIpId: id }, other),
      404,
      'NOT_FOUND',
      `instance ${single.instanceId} not found`,
    );
  });

  it('refuses an elastic IP of another account as unknown', async () => {
    const other = await h.newAccount();
    const theirs = await eip(h, other);
    expectError(
      await associate(h, single.instanceId as string, { elasticIpId: theirs }, creds),
      400,
      'INVALID_ARGUMENT',
      `invalid parameter elasticIpId: elastic IP ${theirs} not found in region cn-east-tz1`,
    );
    expect((await describeEip(h, theirs, other)).status).toBe('disassociate');
  });

  it('requires elasticIpId', async () => {
    expectError(
      await associate(h, single.instanceId as string, {}, creds),
      400,
      'INVALID_ARGUMENT',
      'missing required parameter elasticIpId',
    );
  });

  it('applies a clientToken once', async () => {
    const inst = await runningInstance(h, creds, { subnetId: net.s1 });
    const id = await eip(h, creds);
    resultOf(
      await associate(h, inst.instanceId as string, { elasticIpId: id, clientToken: 'assoc-1' }, creds),
    );
    expect(
      resultOf(
        await associate(h, inst.instanceId as string, { elasticIpId: id, clientToken: 'assoc-1' }, creds),
      ),
    ).toEqual({ success: true });
  });

  it('lets exactly one of two concurrent bindings of the same elastic IP win', async () => {
    const one = await runningInstance(h, creds, { subnetId: net.s1 });
    const two = await runningInstance(h, creds, { subnetId: net.s1 });
    const id = await eip(h, creds);
    const results = await Promise.all([
      associate(h, one.instanceId as string, { elasticIpId: id }, creds),
      associate(h, two.instanceId as string, { elasticIpId: id }, creds),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 400]);
    const winner = results[0].statusCode === 200 ? one : two;
    const loser = winner === one ? two : one;
    expect((await describeEip(h, id, creds)).instanceId).toBe(winner.instanceId);
    expect((await describe1(h, winner.instanceId as string, creds)).elasticIpId).toBe(id);
    expect((await describe1(h, loser.instanceId as string, creds)).elasticIpId).toBe('');
  });

  it('lists bound elastic IPs by status, instanceId and subnetId', async () => {
    const other = await h.newAccount();
    const n = await network(h, other, 32);
    const inst = await runningInstance(h, other, { subnetId: n.s1 });
    const [bound, free] = [await eip(h, other), await eip(h, other)];
    resultOf(await associate(h, inst.instanceId as string, { elasticIpId: bound }, other));
    const ids = async (query: Record<string, string>) =>
      resultOf<{ elasticIps: Eip[] }>(
        await h.call('GET', `/regions/${REGION}/elasticIps`, { query, as: other }),
      ).elasticIps.map((e) => e.elasticIpId);
    expect(await ids({ status: 'associate' })).toEqual([bound]);
    expect(await ids({ status: 'disassociate' })).toEqual([free]);
    expect(await ids({ instanceId: inst.instanceId as string })).toEqual([bound]);
    expect(await ids({ subnetId: n.s1 })).toEqual([bound]);
    expect(await ids({ subnetId: n.s2 })).toEqual([]);
  });
});

describe('disassociateElasticIp', () => {
  let h: TestHarness;
  let creds: Account;
  let net: { s1: string; s2: string };
  beforeAll(async () => {
    h = await createHarness();
    creds = await h.newAccount();
    await h.runtime.services.accounts.setQuota(creds.accountId, REGION, { elasticIps: 50 });
    net = await network(h, creds, 33);
  });
  afterAll(() => h.close());

  it('unbinds; the elastic IP stays with the account and both sides agree', async () => {
    const inst = await runningInstance(h, creds, { subnetId: net.s1 });
    const id = await eip(h, creds);
    resultOf(await associate(h, inst.instanceId as string, { elasticIpId: id }, creds));
    expect(resultOf(await disassociate(h, inst.instanceId as string, { elasticIpId: id }, creds))).toEqual({
      success: true,
    });
    expect(await describeEip(h, id, creds)).toMatchObject({
      status: 'disassociate',
      instanceType: '',
      instanceId: '',
      targetIp: '',
    });
    expect(await describe1(h, inst.instanceId as string, creds)).toMatchObject({
      elasticIpId: '',
      publicIp: '',
    });
    resultOf(await associate(h, inst.instanceId as string, { elasticIpId: id }, creds));
  });

  it('refuses an elastic IP not bound to that instance', async () => {
    const inst = await runningInstance(h, creds, { subnetId: net.s1 });
    const id = await eip(h, creds);
    expectError(
      await disassociate(h, inst.instanceId as string, { elasticIpId: id }, creds),
      400,
      'FAILED_PRECONDITION',
      `elastic IP ${id} is not associated with instance ${inst.instanceId}`,
    );
  });

  it('refuses to separate an elastic IP created with its instance', async () => {
    const inst = await runningInstance(h, creds, { subnetId: net.s1, enableInternet: 'yes', bandwidth: 3 });
    const id = inst.elasticIpId as string;
    expect(id).toMatch(/^fip-/);
    expectError(
      await disassociate(h, inst.instanceId as string, { elasticIpId: id }, creds),
      400,
      'FAILED_PRECONDITION',
      `elastic IP ${id} was created with instance ${inst.instanceId} and is released with it; it cannot be disassociated`,
    );
  });

  it('answers 404 for another account’s instance', async () => {
    const inst = await runningInstance(h, creds, { subnetId: net.s1 });
    const other = await h.newAccount();
    expectError(
      await disassociate(h, inst.instanceId as string, { elasticIpId: await eip(h, other) }, other),
      404,
      'NOT_FOUND',
      `instance ${inst.instanceId} not found`,
    );
  });
});

describe('elastic IPs created with an instance', () => {
  let h: TestHarness;
  let creds: Account;
  beforeAll(async () => {
    h = await createHarness();
    creds = await h.newAccount();
  });
  afterAll(() => h.close());

  it('are listed as bound, do not count toward the quota and cannot be deleted alone', async () => {
    const inst = await runningInstance(h, creds, { enableInternet: 'yes', bandwidth: 4 });
    const id = inst.elasticIpId as string;
    expect(await describeEip(h, id, creds)).toMatchObject({
      status: 'associate',
      instanceId: inst.instanceId,
      targetIp: inst.privateIp,
      elasticIp: inst.publicIp,
    });
    const ten = resultOf<{ elasticIpIds: string[] }>(
      await h.call('PUT', `/regions/${REGION}/elasticIps`, {
        body: { elasticIpSpec: { bandwidth: 1, count: 10, charge: POSTPAID } },
        as: creds,
      }),
    );
    expect(ten.elasticIpIds).toHaveLength(10);
    expectError(
      await h.call('DELETE', `/regions/${REGION}/elasticIps/${id}`, { as: creds }),
      400,
      'FAILED_PRECONDITION',
      `elastic IP ${id} was created with instance ${inst.instanceId} and is released when the instance is deleted`,
    );
  });

  it('refuse to be deleted while associated (an elastic IP bought separately)', async () => {
    const other = await h.newAccount();
    const inst = await runningInstance(h, other, {});
    const id = await eip(h, other);
    resultOf(await associate(h, inst.instanceId as string, { elasticIpId: id }, other));
    expectError(
      await h.call('DELETE', `/regions/${REGION}/elasticIps/${id}`, { as: other }),
      400,
      'FAILED_PRECONDITION',
      `elastic IP ${id} is associated with instance ${inst.instanceId}; disassociate it first`,
    );
  });

  it('on deleteInstance: the instance’s own elastic IP is released, an associated one kept', async () => {
    const other = await h.newAccount();
    const inst = await runningInstance(h, other, {
      interfaceMode: 'dual',
      enableInternet: 'yes',
      ...(await (async () => {
        const n = await network(h, other, 34);
        return { subnetId: n.s1, extensionSubnetId: n.s2 };
      })()),
    });
    const own = inst.elasticIpId as string;
    const ownIp = inst.publicIp as string;
    const kept = await eip(h, other);
    resultOf(
      await associate(
        h,
        inst.instanceId as string,
        { elasticIpId: kept, subnetId: inst.extensionSubnetId as string },
        other,
      ),
    );
    resultOf(await h.call('DELETE', `/regions/${REGION}/instances/${inst.instanceId}`, { as: other }));
    await settleAll(h);
    expect(
      (await h.call('GET', `/regions/${REGION}/instances/${inst.instanceId}`, { as: other })).statusCode,
    ).toBe(404);
    expect((await h.call('GET', `/regions/${REGION}/elasticIps/${own}`, { as: other })).statusCode).toBe(404);
    const freed = await h.runtime.store.db
      .selectFrom('public_ips')
      .select('holder_id')
      .where('ip', '=', ownIp)
      .executeTakeFirstOrThrow();
    expect(freed.holder_id).toBeNull();
    expect(await describeEip(h, kept, other)).toMatchObject({
      status: 'disassociate',
      instanceId: '',
      targetIp: '',
    });
  });

  it('releaseInstanceElasticIps is idempotent', async () => {
    const other = await h.newAccount();
    const inst = await runningInstance(h, other, { enableInternet: 'yes' });
    const deps = h.runtime.services.deps;
    await deps.store.transaction((tx) => releaseInstanceElasticIps(deps, tx, inst.instanceId as string));
    await deps.store.transaction((tx) => releaseInstanceElasticIps(deps, tx, inst.instanceId as string));
    expect(
      (await h.call('GET', `/regions/${REGION}/elasticIps/${inst.elasticIpId}`, { as: other })).statusCode,
    ).toBe(404);
    expect(await describe1(h, inst.instanceId as string, other)).toMatchObject({
      elasticIpId: '',
      publicIp: '',
    });
  });

  it('join the bandwidth package named in the instance spec', async () => {
    const other = await h.newAccount();
    const pkg = resultOf<{ bandwidthPackageIds: string[] }>(
      await h.call('PUT', `/regions/${REGION}/bandwidthPackages`, {
        body: { bandwidthPackageSpec: { name: 'inst', bandwidth: 10, count: 1, charge: POSTPAID } },
        as: other,
      }),
    ).bandwidthPackageIds[0];
    const inst = await runningInstance(h, other, { enableInternet: 'yes', bandwidthPackageId: pkg });
    const e = resultOf<{ elasticIp: { bandwidthPackageId: string } }>(
      await h.call('GET', `/regions/${REGION}/elasticIps/${inst.elasticIpId}`, { as: other }),
    ).elasticIp;
    expect(e.bandwidthPackageId).toBe(pkg);
  });

  it('refuse an unknown bandwidth package in the instance spec, naming the field', async () => {
    expectError(
      await create(h, spec({ enableInternet: 'yes', bandwidthPackageId: 'bwp-nope' }), { as: creds }),
      400,
      'INVALID_ARGUMENT',
      'invalid parameter instanceSpec.bandwidthPackageId: bandwidth package bwp-nope not found in region cn-east-tz1',
    );
  });
});
