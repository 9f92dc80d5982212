import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_CATALOG } from '../../src/api/api-catalog.js';
import { listEvents } from '../../src/store/repositories/events-repo.js';
import {
  AZ,
  DEVICE_TYPE,
  REGION,
  type TestHarness,
  createHarness,
  errorOf,
  resultOf,
} from '../helpers/harness.js';
import {
  DATA_RAID10,
  OS_UBUNTU2204,
  PASSWORD,
  USER_DATA,
  create,
  createIds,
  describe1,
  settleAll,
  spec,
} from '../helpers/instances.js';

type Instance = Record<string, unknown>;

async function subnetIn(h: TestHarness, cidr: string, az = AZ): Promise<{ vpcId: string; subnetId: string }> {
  const vpcId = resultOf<{ vpcId: string }>(
    await h.call('PUT', `/regions/${REGION}/vpcs`, {
      body: { vpcSpec: { name: 'app-net', cidr: cidr.replace(/\.\d+\.0\/24$/, '.0.0/16'), description: '' } },
    }),
  ).vpcId;
  const subnetId = resultOf<{ subnetId: string }>(
    await h.call('PUT', `/regions/${REGION}/subnets`, {
      body: { subnetSpec: { az, vpcId, cidr, name: 'app-sn', description: '' } },
    }),
  ).subnetId;
  return { vpcId, subnetId };
}

async function list(h: TestHarness, query: Record<string, string | number> = {}) {
  return resultOf<{ instances: Instance[]; totalCount: number; pageNumber: number; pageSize: number }>(
    await h.call('GET', `/regions/${REGION}/instances`, { query }),
  );
}

describe('describeInstance', () => {
  let h: TestHarness;
  let id: string;
  let net: { vpcId: string; subnetId: string };
  beforeAll(async () => {
    h = await createHarness();
    net = await subnetIn(h, '10.20.1.0/24');
    [id] = await createIds(
      h,
      spec({
        name: 'db-1',
        description: 'primary database',
        osTypeId: OS_UBUNTU2204,
        dataRaidTypeId: DATA_RAID10,
        subnetId: net.subnetId,
        enableInternet: 'yes',
        bandwidth: 20,
        extraUplinkBandwidth: 3,
        charge: { chargeMode: 'prepaid_by_duration', chargeUnit: 'month', chargeDuration: 2 },
      }),
    );
  });
  afterAll(() => h.close());

  it('returns every Instance field of the model with its JSON type', async () => {
    const inst = await describe1(h, id);
    const model = API_CATALOG.models.Instance.fields;
    expect(Object.keys(inst).sort()).toEqual(model.map((f) => f.name).sort());
    for (const f of model) {
      const want = f.type === 'integer' ? 'number' : f.type === 'Charge' ? 'object' : f.type;
      expect([f.name, typeof inst[f.name]]).toEqual([f.name, want]);
    }
  });

  it('reflects what was asked and allocated', async () => {
    const inst = await describe1(h, id);
    expect(inst).toMatchObject({
      instanceId: id,
      region: REGION,
      az: AZ,
      deviceType: DEVICE_TYPE,
      name: 'db-1',
      description: 'primary database',
      status: 'creating',
      enableInternet: 'yes',
      enableIpv6: 'no',
      bandwidth: 20,
      extraUplinkBandwidth: 3,
      imageType: 'standard',
      osTypeId: OS_UBUNTU2204,
      osName: 'Ubuntu 22.04(x86_64)',
      osType: 'Ubuntu',
      osVersion: '22.04',
      sysRaidType: 'RAID1',
      dataRaidTypeId: DATA_RAID10,
      dataRaidType: 'RAID10',
      networkType: 'vpc',
      vpcId: net.vpcId,
      vpcName: 'app-net',
      subnetId: net.subnetId,
      subnetName: 'app-sn',
      lineType: 'ct',
      interfaceMode: 'bond',
      publicIpv6: '',
    });
    expect(inst.privateIp).toMatch(/^10\.20\.1\.\d+$/);
    expect(inst.elasticIpId).toMatch(/^fip-[a-z0-9]{28}$/);
    const eip = resultOf<{ elasticIp: { elasticIp: string } }>(
      await h.call('GET', `/regions/${REGION}/elasticIps/${String(inst.elasticIpId)}`),
    ).elasticIp;
    expect(inst.publicIp).toBe(eip.elasticIp);
    expect(inst.createTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(inst.charge).toMatchObject({ chargeMode: 'prepaid_by_duration', chargeStatus: 'normal' });
    expect((inst.charge as Record<string, string>).chargeExpiredTime).not.toBe('');
  });

  it('answers 404 NOT_FOUND for an unknown instance', async () => {
    const res = await h.call('GET', `/regions/${REGION}/instances/edcps-nope`);
    expect({ http: res.statusCode, ...errorOf(res) }).toEqual({
      http: 404,
      code: 404,
      status: 'NOT_FOUND',
      message: 'instance edcps-nope not found',
    });
  });

  it("answers 404 NOT_FOUND for another account's instance", async () => {
    const other = await h.newAccount();
    const res = await h.call('GET', `/regions/${REGION}/instances/${id}`, { as: other });
    expect(errorOf(res)).toEqual({ code: 404, status: 'NOT_FOUND', message: `instance ${id} not found` });
  });

  it('answers 404 NOT_FOUND in another region', async () => {
    const res = await h.call('GET', `/regions/cn-north-tj1/instances/${id}`);
    expect(errorOf(res).status).toBe('NOT_FOUND');
  });
});

describe('createInstances', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createHarness();
    await h.runtime.services.accounts.setQuota('default', REGION, { instances: 100 });
  });
  afterAll(() => h.close());

  it('returns the ids at once, each creating at its first step with an event', async () => {
    const ids = await createIds(h, spec({ count: 2 }));
    expect(ids).toHaveLength(2);
    for (const i of ids) {
      expect(i).toMatch(/^edcps-[a-z0-9]{28}$/);
      const row = await h.runtime.store.db
        .selectFrom('instances')
        .selectAll()
        .where('id', '=', i)
        .executeTakeFirstOrThrow();
      expect([row.status, row.action, row.step]).toEqual(['creating', 'create', 'allocate']);
      const events = await listEvents(h.runtime.store.db, i);
      expect(events.map((e) => [e.kind, e.from_status, e.to_status, e.reason])).toEqual([
        ['status', '', 'creating', 'createInstances'],
      ]);
    }
  });

  it('gives each instance of a count its own device and private IP', async () => {
    const ids = await createIds(h, spec({ count: 5 }));
    const rows = await h.runtime.store.db
      .selectFrom('instances')
      .selectAll()
      .where('id', 'in', ids)
      .execute();
    expect(new Set(rows.map((r) => r.device_id)).size).toBe(5);
    expect(new Set(rows.map((r) => r.private_ip)).size).toBe(5);
    const devices = await h.runtime.store.db
      .selectFrom('devices')
      .selectAll()
      .where('instance_id', 'in', ids)
      .execute();
    expect(
      devices.every((d) => d.status === 'allocated' && d.az_id === AZ && d.device_type === DEVICE_TYPE),
    ).toBe(true);
  });

  it('returns the first result for a repeated clientToken without creating more', async () => {
    const first = await createIds(h, spec({ count: 2 }), { clientToken: 'tok-repeat' });
    const before = await h.runtime.store.db.selectFrom('instances').select('id').execute();
    const again = await createIds(h, spec({ count: 4, name: 'other' }), { clientToken: 'tok-repeat' });
    expect(again).toEqual(first);
    expect(await h.runtime.store.db.selectFrom('instances').select('id').execute()).toHaveLength(
      before.length,
    );
  });

  it('scopes clientToken to the account', async () => {
    const other = await h.newAccount();
    const mine = await createIds(h, spec(), { clientToken: 'tok-shared' });
    const theirs = await createIds(h, spec(), { clientToken: 'tok-shared', as: other });
    expect(theirs).not.toEqual(mine);
  });

  it('places an instance without subnetId in the default VPC and subnet of the AZ, created once', async () => {
    const [a] = await createIds(h, spec());
    const [b] = await createIds(h, spec());
    const ia = await describe1(h, a);
    const ib = await describe1(h, b);
    expect(ia.vpcName).toBe('default');
    expect([ib.vpcId, ib.subnetId]).toEqual([ia.vpcId, ia.subnetId]);
  });

  it('derives the hostname from the private IP unless given', async () => {
    const [a] = await createIds(h, spec());
    const [b] = await createIds(h, spec({ hostname: 'api.internal' }));
    const rows = await h.runtime.store.db
      .selectFrom('instances')
      .selectAll()
      .where('id', 'in', [a, b])
      .execute();
    const ra = rows.find((r) => r.id === a)!;
    const [, , c, d] = ra.private_ip.split('.');
    expect(ra.hostname).toBe(`host-${c}-${d}`);
    expect(rows.find((r) => r.id === b)!.hostname).toBe('api.internal');
  });

  it('keeps the password and user data only sealed, and erases them once provisioning used them', async () => {
    const res = await create(h, spec({ password: PASSWORD, userData: USER_DATA }));
    expect(res.raw.body).not.toContain(PASSWORD);
    const [id] = resultOf<{ instanceIds: string[] }>(res).instanceIds;
    const row = await h.runtime.store.db
      .selectFrom('instances')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.secrets_sealed).not.toBeNull();
    expect(JSON.stringify(row)).not.toContain(PASSWORD);
    expect(JSON.stringify(row)).not.toContain(USER_DATA);
    expect(JSON.parse(h.runtime.services.deps.secrets.open(row.secrets_sealed!))).toEqual({
      password: PASSWORD,
      userData: USER_DATA,
    });
    await settleAll(h);
    const after = await h.runtime.store.db
      .selectFrom('instances')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect([after.status, after.secrets_sealed]).toEqual(['running', null]);
    expect(JSON.stringify(await describe1(h, id))).not.toContain(PASSWORD);
  });

  it('generates a password satisfying the policy when none is given', async () => {
    const [id] = await createIds(h, spec());
    const row = await h.runtime.store.db
      .selectFrom('instances')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const { password } = JSON.parse(h.runtime.services.deps.secrets.open(row.secrets_sealed!)) as {
      password: string;
    };
    expect(password.length).toBeGreaterThanOrEqual(8);
    const { checkPassword } = await import('../../src/domain/instance/instance-rules.js');
    expect(checkPassword('password', password)).toBe(password);
  });

  it('gives a dual-NIC instance a second address in the extension subnet', async () => {
    const a = await subnetIn(h, '10.30.1.0/24');
    const b = await subnetIn(h, '10.31.1.0/24');
    const [id] = await createIds(
      h,
      spec({
        interfaceMode: 'dual',
        subnetId: a.subnetId,
        extensionSubnetId: b.subnetId,
        extensionPrivateIp: '10.31.1.50',
      }),
    );
    expect(await describe1(h, id)).toMatchObject({
      interfaceMode: 'dual',
      subnetId: a.subnetId,
      extensionVpcId: b.vpcId,
      extensionVpcName: 'app-net',
      extensionSubnetId: b.subnetId,
      extensionSubnetName: 'app-sn',
      extensionPrivateIp: '10.31.1.50',
      extensionEnableInternet: 'no',
      extensionPublicIp: '',
    });
  });

  it('allocates alias IP ranges for the instance', async () => {
    const a = await subnetIn(h, '10.40.1.0/24');
    const [id] = await createIds(h, spec({ subnetId: a.subnetId, aliasIps: [{ cidr: '10.40.1.64/28' }] }));
    const aliases = resultOf<{ aliasIps: { instanceId: string; cidr: string }[] }>(
      await h.call('GET', `/regions/${REGION}/aliasIps`, { query: { subnetId: a.subnetId } }),
    ).aliasIps;
    expect(aliases).toEqual([expect.objectContaining({ instanceId: id, cidr: '10.40.1.64/28' })]);
  });

  it('puts the elastic IPs of both NICs in the bandwidth packages asked for', async () => {
    const [pkg] = resultOf<{ bandwidthPackageIds: string[] }>(
      await h.call('PUT', `/regions/${REGION}/bandwidthPackages`, {
        body: { bandwidthPackageSpec: { name: 'shared', bandwidth: 100, count: 1, charge: {} } },
      }),
    ).bandwidthPackageIds;
    const a = await subnetIn(h, '10.70.1.0/24');
    const b = await subnetIn(h, '10.71.1.0/24');
    const [id] = await createIds(
      h,
      spec({
        subnetId: a.subnetId,
        enableInternet: 'yes',
        bandwidthPackageId: pkg,
        interfaceMode: 'dual',
        extensionSubnetId: b.subnetId,
        extensionEnableInternet: 'yes',
        extensionBandwidth: 7,
        extensionBandwidthPackageId: pkg,
      }),
    );
    const inst = await describe1(h, id);
    expect(inst).toMatchObject({ extensionEnableInternet: 'yes', extensionBandwidth: 7 });
    for (const eipId of [inst.elasticIpId, inst.extensionElasticIpId]) {
      const eip = resultOf<{ elasticIp: { bandwidthPackageId: string; instanceId: string } }>(
        await h.call('GET', `/regions/${REGION}/elasticIps/${String(eipId)}`),
      ).elasticIp;
      expect(eip).toMatchObject({ bandwidthPackageId: pkg, instanceId: id });
    }
    expect(inst.extensionPublicIp).not.toBe(inst.publicIp);
  });

  it('binds an elastic IP created with the instance, listed by describeElasticIps', async () => {
    const [id] = await createIds(h, spec({ enableInternet: 'yes', bandwidth: 5 }));
    const inst = await describe1(h, id);
    const eips = resultOf<{ elasticIps: { elasticIpId: string; instanceId: string; bandwidth: number }[] }>(
      await h.call('GET', `/regions/${REGION}/elasticIps`, { query: { pageSize: 100 } }),
    ).elasticIps;
    expect(eips.find((e) => e.elasticIpId === inst.elasticIpId)).toMatchObject({
      instanceId: id,
      bandwidth: 5,
    });
  });
});

describe('describeInstances', () => {
  let h: TestHarness;
  const ids: Record<string, string> = {};
  let sn: { vpcId: string; subnetId: string };
  let keypairId: string;
  beforeAll(async () => {
    // Strictly increasing time: creation order is the list order, deterministically.
    let t = Date.now();
    h = await createHarness({ clock: { now: () => ++t } });
    sn = await subnetIn(h, '10.50.1.0/24');
    keypairId = resultOf<{ keypairId: string }>(
      await h.call('PUT', `/regions/${REGION}/keypairs`, { body: { name: 'ops' } }),
    ).keypairId;
    [ids.web1] = await createIds(h, spec({ name: 'Web-Frontend-1' }));
    [ids.web2] = await createIds(h, spec({ name: 'web-frontend-2', enableInternet: 'yes' }));
    await settleAll(h);
    [ids.db] = await createIds(
      h,
      spec({ name: 'db-main', subnetId: sn.subnetId, keypairId, privateIp: '10.50.1.77' }),
    );
    [ids.b] = await createIds(h, spec({ name: 'batch', az: 'cn-east-tz1b', deviceType: 'edcps.s.normal1' }));
  });
  afterAll(() => h.close());

  const idsOf = (r: { instances: Instance[] }) => r.instances.map((i) => i.instanceId).sort();

  it('lists newest first with paging fields', async () => {
    const r = await list(h);
    expect(r).toMatchObject({ pageNumber: 1, pageSize: 20, totalCount: 4 });
    expect(r.instances.map((i) => i.instanceId)).toEqual([ids.b, ids.db, ids.web2, ids.web1]);
  });

  it('pages through the list without repeating or skipping', async () => {
    const p1 = await list(h, { pageSize: 3, pageNumber: 1 });
    const p2 = await list(h, { pageSize: 3, pageNumber: 2 });
    expect([p1.instances.length, p2.instances.length, p1.totalCount, p2.totalCount]).toEqual([3, 1, 4, 4]);
    expect(new Set([...idsOf(p1), ...idsOf(p2)]).size).toBe(4);
  });

  it('rejects pageSize over 100 with OUT_OF_RANGE', async () => {
    const res = await h.call('GET', `/regions/${REGION}/instances`, { query: { pageSize: 101 } });
    expect(errorOf(res)).toEqual({
      code: 400,
      status: 'OUT_OF_RANGE',
      message: 'parameter pageSize out of range: must be an integer in [1, 100]',
    });
  });

  it('filters by several instanceId values', async () => {
    const r = await list(h, {
      'filters.1.name': 'instanceId',
      'filters.1.values.1': ids.web1,
      'filters.1.values.2': ids.db,
    });
    expect(idsOf(r)).toEqual([ids.web1, ids.db].sort());
    expect(r.totalCount).toBe(2);
  });

  it('filters by several status values', async () => {
    const running = await list(h, { 'filters.1.name': 'status', 'filters.1.values.1': 'running' });
    expect(idsOf(running)).toEqual([ids.web1, ids.web2].sort());
    const both = await list(h, {
      'filters.1.name': 'status',
      'filters.1.values.1': 'running',
      'filters.1.values.2': 'creating',
    });
    expect(both.totalCount).toBe(4);
  });

  it('ANDs different filters', async () => {
    const r = await list(h, {
      'filters.1.name': 'status',
      'filters.1.values.1': 'running',
      'filters.2.name': 'instanceId',
      'filters.2.values.1': ids.db,
    });
    expect(r.totalCount).toBe(0);
  });

  it('rejects an unknown status value', async () => {
    const res = await h.call('GET', `/regions/${REGION}/instances`, {
      query: { 'filters.1.name': 'status', 'filters.1.values.1': 'Running' },
    });
    expect(errorOf(res)).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(errorOf(res).message).toMatch(/^invalid parameter filters.status: unknown status "Running"/);
  });

  it('matches name as a case-insensitive substring', async () => {
    expect(idsOf(await list(h, { name: 'FRONTEND' }))).toEqual([ids.web1, ids.web2].sort());
    expect((await list(h, { name: '%' })).totalCount).toBe(0);
  });

  it.each([
    ['az', 'cn-east-tz1b', 'b'],
    ['deviceType', 'edcps.s.normal1', 'b'],
    ['enableInternet', 'yes', 'web2'],
    ['privateIp', '10.50.1.77', 'db'],
    ['interfaceMode', 'bond', '*'],
    ['networkType', 'vpc', '*'],
  ])('filters exactly by %s', async (param, value, expected) => {
    const r = await list(h, { [param]: value });
    expect(idsOf(r)).toEqual(expected === '*' ? Object.values(ids).sort() : [ids[expected]]);
    expect(r.totalCount).toBe(r.instances.length);
  });

  it('filters exactly by subnetId and keypairId', async () => {
    expect(idsOf(await list(h, { subnetId: sn.subnetId }))).toEqual([ids.db]);
    expect(idsOf(await list(h, { keypairId }))).toEqual([ids.db]);
    expect((await list(h, { extensionPrivateIp: '10.50.1.77' })).totalCount).toBe(0);
  });

  it("shows no other account's instances", async () => {
    const other = await h.newAccount();
    const r = resultOf<{ instances: Instance[]; totalCount: number }>(
      await h.call('GET', `/regions/${REGION}/instances`, { as: other }),
    );
    expect([r.instances, r.totalCount]).toEqual([[], 0]);
  });

  it('describes every instance of a page with the same model as describeInstance', async () => {
    const r = await list(h, { 'filters.1.name': 'instanceId', 'filters.1.values.1': ids.web2 });
    expect(r.instances[0]).toEqual(await describe1(h, ids.web2));
  });
});

describe('describeInstanceName, describeInstanceRaid and describeInstanceStatus', () => {
  let h: TestHarness;
  let id: string;
  beforeAll(async () => {
    h = await createHarness();
    [id] = await createIds(h, spec({ name: 'cache-1', dataRaidTypeId: DATA_RAID10 }));
  });
  afterAll(() => h.close());

  it('describeInstanceName returns the name', async () => {
    expect(resultOf(await h.call('GET', `/regions/${REGION}/instances/${id}:describeInstanceName`))).toEqual({
      name: 'cache-1',
    });
  });

  it('describeInstanceRaid returns the RAID ids and types', async () => {
    expect(resultOf(await h.call('GET', `/regions/${REGION}/instances/${id}:describeInstanceRaid`))).toEqual({
      sysRaidTypeId: 'r-sysraid100000000000000000000',
      sysRaidType: 'RAID1',
      dataRaidTypeId: DATA_RAID10,
      dataRaidType: 'RAID10',
    });
  });

  it('describeInstanceStatus reports healthy hardware', async () => {
    expect(
      resultOf(await h.call('GET', `/regions/${REGION}/instances/${id}:describeInstanceStatus`)),
    ).toEqual({
      cpus: true,
      mems: true,
      disks: true,
      nics: true,
    });
  });

  it('describeInstanceStatus reports unhealthy hardware for an instance in error', async () => {
    await h.runtime.store.db
      .updateTable('instances')
      .set({ status: 'error', action: null, step: null, next_run_at: null })
      .where('id', '=', id)
      .execute();
    expect(
      resultOf(await h.call('GET', `/regions/${REGION}/instances/${id}:describeInstanceStatus`)),
    ).toEqual({
      cpus: false,
      mems: false,
      disks: false,
      nics: false,
    });
  });

  it.each(['describeInstanceName', 'describeInstanceRaid', 'describeInstanceStatus'])(
    '%s answers 404 NOT_FOUND for an unknown instance',
    async (op) => {
      const res = await h.call('GET', `/regions/${REGION}/instances/edcps-none:${op}`);
      expect(errorOf(res)).toEqual({
        code: 404,
        status: 'NOT_FOUND',
        message: 'instance edcps-none not found',
      });
    },
  );
});
