import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Action } from '../../src/domain/instance/states.js';
import { type Driver, DriverPass, type StepRequest } from '../../src/provision/driver.js';
import { createDeviceDriver } from '../../src/provision/drivers/device-driver.js';
import {
  type SimDeviceState,
  createSimulatedDriver,
  parseSimState,
} from '../../src/provision/drivers/simulated/simulated-driver.js';
import { drivenDevicesOf } from '../../src/store/repositories/bmc-repo.js';
import { driverStateOf } from '../../src/store/repositories/driver-state-repo.js';
import type { InstancesTable } from '../../src/store/tables.js';
import { type TestHarness, createHarness } from '../helpers/harness.js';
import { PASSWORD, USER_DATA, createIds, spec } from '../helpers/instances.js';

// The device reads of a pass, counted: the same function, watched.
vi.mock('../../src/store/repositories/bmc-repo.js', async (original) => {
  const real = await original<typeof import('../../src/store/repositories/bmc-repo.js')>();
  return { ...real, drivenDevicesOf: vi.fn(real.drivenDevicesOf) };
});

const CREATE = [
  'allocate',
  'configure-raid',
  'install-os',
  'configure-network',
  'inject-credentials',
  'power-on',
];

describe('simulated driver', () => {
  let h: TestHarness;
  let driver: Driver;
  let rows: InstancesTable[];
  beforeAll(async () => {
    h = await createHarness();
    driver = createSimulatedDriver(h.runtime.store);
    const ids = await createIds(
      h,
      spec({ count: 4, password: PASSWORD, userData: USER_DATA, hostname: 'node-a' }),
    );
    rows = await h.runtime.store.db
      .selectFrom('instances')
      .selectAll()
      .where('id', 'in', ids)
      .orderBy('id')
      .execute();
  });
  afterAll(() => h.close());

  function req(row: InstancesTable, step: string, over: Partial<StepRequest> = {}): StepRequest {
    return {
      instanceId: row.id,
      accountId: row.account_id,
      regionId: row.region_id,
      azId: row.az_id,
      deviceType: row.device_type,
      deviceId: row.device_id,
      actionSeq: row.action_seq,
      action: 'create' as Action,
      step,
      attempt: 0,
      target: {
        osTypeId: row.os_type_id,
        osName: row.os_name,
        sysRaidType: row.sys_raid_type,
        dataRaidType: row.data_raid_type,
        hostname: row.hostname,
        keypairId: row.keypair_id,
        keepData: false,
      },
      network: {
        vpcId: row.vpc_id,
        subnetId: row.subnet_id,
        privateIp: row.private_ip,
        extensionSubnetId: '',
        extensionPrivateIp: '',
      },
      secrets: () =>
        JSON.parse(h.runtime.services.deps.secrets.open(row.secrets_sealed!)) as { password: string },
      ...over,
    };
  }

  const stateOf = async (row: InstancesTable): Promise<SimDeviceState> =>
    parseSimState(await driverStateOf(h.runtime.store.db, row.device_id!));

  async function run(row: InstancesTable, steps: string[], over: Partial<StepRequest> = {}) {
    const out = [];
    for (const s of steps) out.push(...(await driver.runSteps([req(row, s, over)])));
    return out;
  }

  it('builds a server record through the create steps: RAID, OS, network, credentials, power', async () => {
    const row = rows[0];
    const results = await run(row, CREATE);
    expect(results.map((r) => r.kind)).toEqual(CREATE.map(() => 'done'));
    expect(await stateOf(row)).toEqual({
      instanceId: row.id,
      power: 'on',
      raid: { system: 'RAID1', data: 'RAID0' },
      os: { osTypeId: row.os_type_id, osName: row.os_name, hostname: 'node-a' },
      network: {
        vpcId: row.vpc_id,
        subnetId: row.subnet_id,
        privateIp: row.private_ip,
        extensionSubnetId: '',
        extensionPrivateIp: '',
      },
      credentials: { keypairId: '', password: true, userDataBytes: Buffer.from(USER_DATA, 'base64').length },
      lastStep: { action: 'create', step: 'power-on' },
    });
  });

  it('leaves the same record when every step is performed again (idempotent steps)', async () => {
    const row = rows[0];
    const once = await stateOf(row);
    await run(row, CREATE);
    expect(await stateOf(row)).toEqual(once);
  });

  it('reports consumed secrets for inject-credentials and never records the password', async () => {
    const row = rows[1];
    const results = await run(row, CREATE.slice(0, 5));
    expect(results[4]).toEqual({ kind: 'done', consumedSecrets: true });
    expect(await driverStateOf(h.runtime.store.db, row.device_id!)).not.toContain(PASSWORD);
  });

  it('flips power off and on', async () => {
    const row = rows[0];
    await run(row, ['power-off'], { action: 'stop' });
    expect((await stateOf(row)).power).toBe('off');
    await run(row, ['power-on'], { action: 'start' });
    expect((await stateOf(row)).power).toBe('on');
  });

  it('keeps the data RAID on a reinstall with keepData', async () => {
    const row = rows[0];
    const target = { ...req(row, 'x').target, sysRaidType: 'NORAID', dataRaidType: 'RAID10', keepData: true };
    await run(row, ['configure-raid'], { action: 'reinstall', target });
    expect((await stateOf(row)).raid).toEqual({ system: 'NORAID', data: 'RAID0' });
  });

  it('refuses to allocate a device assigned to another instance', async () => {
    const [res] = await driver.runSteps([req(rows[2], 'allocate', { deviceId: rows[3].device_id })]);
    expect(res).toEqual({
      kind: 'failed',
      retryable: false,
      message: `device ${rows[3].device_id} is not assigned to instance ${rows[2].id}`,
    });
  });

  it('refuses to power on a server without an operating system', async () => {
    const row = rows[2];
    const [, res] = await run(row, ['allocate', 'power-on']);
    expect(res).toEqual({
      kind: 'failed',
      retryable: false,
      message: 'cannot power on: no operating system installed',
    });
  });

  it('deletes a server whatever state its device is in, and release leaves a blank record', async () => {
    const row = rows[3];
    const results = await run(row, ['power-off', 'wipe-disks', 'release'], { action: 'delete' });
    expect(results.map((r) => r.kind)).toEqual(['done', 'done', 'done']);
    expect(await stateOf(row)).toMatchObject({
      instanceId: null,
      power: 'off',
      raid: null,
      os: null,
      credentials: null,
    });
  });

  it('answers each request of a batch independently', async () => {
    const results = await driver.runSteps([
      req(rows[2], 'configure-raid'),
      req(rows[1], 'power-on'),
      req(rows[2], 'x', { deviceId: null }),
    ]);
    expect(results.map((r) => r.kind)).toEqual(['done', 'done', 'failed']);
  });

  it('within a pass, carries the record from step to step and writes it once, at finish', async () => {
    const row = rows[2];
    await run(row, ['release'], { action: 'delete' });
    const before = await stateOf(row);
    const pass = new DriverPass();
    for (const s of CREATE)
      expect(await driver.runSteps([req(row, s)], pass)).toEqual([expect.objectContaining({ kind: 'done' })]);
    // Nothing written yet: the steps saw each other's effects in memory only.
    expect(await stateOf(row)).toEqual(before);
    await pass.finish(h.runtime.store.db);
    const after = await stateOf(row);
    expect(after).toMatchObject({ instanceId: row.id, power: 'on', lastStep: { step: 'power-on' } });
    // The same record as the steps performed one call at a time.
    await run(row, ['release'], { action: 'delete' });
    await run(row, CREATE);
    expect(await stateOf(row)).toEqual(after);
  });

  it('routes a pass by one read of its devices: later rounds read nothing, a BMC set meanwhile applies from the next pass', async () => {
    const reads = vi.mocked(drivenDevicesOf);
    const toHardware: StepRequest[] = [];
    const hardware: Driver = {
      name: 'recording',
      runSteps: async (requests) => {
        toHardware.push(...requests);
        return requests.map(() => ({ kind: 'done' as const }));
      },
    };
    const router = createDeviceDriver(h.runtime.store, driver, hardware);
    const [a, b] = [rows[1], rows[3]];
    const setDriver = (row: InstancesTable, bmc: '' | 'ipmi') =>
      h.runtime.store.db
        .updateTable('devices')
        .set({ bmc_driver: bmc })
        .where('id', '=', row.device_id!)
        .execute();
    try {
      reads.mockClear();
      const pass = new DriverPass();
      for (const [i, s] of CREATE.entries()) {
        // Half-way through the pass, b's device gets a BMC: this pass goes on as it began.
        if (i === 3) await setDriver(b, 'ipmi');
        expect(await router.runSteps([req(a, s), req(b, s)], pass)).toEqual([
          expect.objectContaining({ kind: 'done' }),
          expect.objectContaining({ kind: 'done' }),
        ]);
      }
      await pass.finish(h.runtime.store.db);
      expect(reads).toHaveBeenCalledTimes(1);
      expect(reads.mock.calls[0][1].map((w) => w.deviceId).sort()).toEqual([a.device_id, b.device_id].sort());
      expect(toHardware).toEqual([]);

      reads.mockClear();
      const next = new DriverPass();
      await router.runSteps([req(a, 'power-off'), req(b, 'power-off')], next);
      await router.runSteps([req(a, 'power-on'), req(b, 'power-on')], next);
      expect(reads).toHaveBeenCalledTimes(1);
      expect(toHardware.map((r) => [r.instanceId, r.step])).toEqual([
        [b.id, 'power-off'],
        [b.id, 'power-on'],
      ]);
    } finally {
      await setDriver(b, '');
    }
  });
});
