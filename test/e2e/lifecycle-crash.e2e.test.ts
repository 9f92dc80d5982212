import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../src/config.js';
import type { Caller } from '../../src/domain/deps.js';
import { type Server, startServer } from '../../src/main.js';
import type { Driver } from '../../src/provision/driver.js';
import {
  createSimulatedDriver,
  parseSimState,
} from '../../src/provision/drivers/simulated/simulated-driver.js';
import { createReconciler } from '../../src/provision/reconciler.js';
import { type Runtime, openRuntime } from '../../src/runtime.js';
import { driverStateOf } from '../../src/store/repositories/driver-state-repo.js';
import type { InstancesTable } from '../../src/store/tables.js';
import { type TestDatabase, createTestDatabase } from '../helpers/databases.js';
import { type EdcpsClient, type SdkError, sdkClient } from '../helpers/sdk.js';

/**
 * Crash and resume of every transitional status of the lifecycle actions. For each action an
 * instance is brought to the action's source state, the intent is recorded through the service,
 * and a worker (a reconciler whose driver never returns from one chosen step) carries it until
 * it hangs inside that step — the earlier steps really ran on the simulated device. The process
 * then "dies": its runtime is closed with the lease still held and nothing persisted of that pass.
 * A fresh server started on the same database must wait for the dead worker's lease to expire,
 * replay the steps (they are idempotent) and reach the action's end state.
 */

const REGION = 'cn-east-tz1';
const AZ = 'cn-east-tz1a';
const DEVICE_TYPE = 'edcps.c.normal1';
const DEAD_WORKER = 'doomed-worker';
const DEAD_LEASE_MS = 2500;
const PASSWORD = 'Qm7$Zk9xTw';

interface Case {
  action: 'start' | 'stop' | 'restart' | 'reinstall' | 'resetPassword' | 'delete';
  source: 'running' | 'stopped';
  transitional: string;
  /** The step the worker dies in. */
  hangStep: string;
  /** The step of this action the dead worker completed on the device just before, if any. */
  ranBefore: string | null;
  end: string;
}

const CASES: Case[] = [
  {
    action: 'start',
    source: 'stopped',
    transitional: 'starting',
    hangStep: 'power-on',
    ranBefore: null,
    end: 'running',
  },
  {
    action: 'stop',
    source: 'running',
    transitional: 'stopping',
    hangStep: 'power-off',
    ranBefore: null,
    end: 'stopped',
  },
  {
    action: 'restart',
    source: 'running',
    transitional: 'restarting',
    hangStep: 'power-on',
    ranBefore: 'power-off',
    end: 'running',
  },
  {
    action: 'reinstall',
    source: 'stopped',
    transitional: 'reinstalling',
    hangStep: 'inject-credentials',
    ranBefore: 'install-os',
    end: 'running',
  },
  {
    action: 'resetPassword',
    source: 'stopped',
    transitional: 'resetting_password',
    hangStep: 'reset-password',
    ranBefore: null,
    end: 'stopped',
  },
  {
    action: 'delete',
    source: 'running',
    transitional: 'destroying',
    hangStep: 'release',
    ranBefore: 'wipe-disks',
    end: 'gone',
  },
];

const FIRST_STEP: Record<Case['action'], string> = {
  start: 'power-on',
  stop: 'power-off',
  restart: 'power-off',
  reinstall: 'configure-raid',
  resetPassword: 'reset-password',
  delete: 'power-off',
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A driver that performs steps normally until `step` of `instanceId`, where it never returns. */
function dyingDriver(inner: Driver, instanceId: string, step: string, reached: () => void): Driver {
  return {
    name: 'dying',
    async runSteps(requests) {
      if (requests.some((r) => r.instanceId === instanceId && r.step === step)) {
        reached();
        return new Promise<never>(() => undefined);
      }
      return inner.runSteps(requests);
    },
  };
}

async function statusOf(sdk: EdcpsClient, instanceId: string): Promise<string> {
  try {
    return ((await sdk.describeInstance({ instanceId })).result.instance as { status: string }).status;
  } catch (e) {
    if ((e as SdkError).error?.code === 404) return 'gone';
    throw e;
  }
}

async function until(sdk: EdcpsClient, instanceId: string, want: readonly string[]): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const st = await statusOf(sdk, instanceId);
    if (want.includes(st)) return st;
    if (Date.now() > deadline) throw new Error(`instance ${instanceId} still ${st}`);
    await sleep(25);
  }
}

describe('crash and resume of every lifecycle action (startInstance, stopInstance, restartInstance, reinstallInstance, resetPassword, deleteInstance)', () => {
  let db: TestDatabase;
  let config: Config;
  let server: Server | undefined;
  let sdk: EdcpsClient;
  const ids = new Map<Case['action'], string>();
  let subnetId = '';
  let stockBefore = 0;
  let ipsBefore = 0;
  /** Rows right after the crash, before any recovery. */
  const crashed = new Map<Case['action'], InstancesTable>();
  /** The simulated device's last completed step right after the crash. */
  const deviceLastStep = new Map<Case['action'], { action: string; step: string } | null>();
  const credentials = { accessKeyId: 'CRASHACCESSKEY', secretAccessKey: 'crash-secret-access-key' };

  const stock = async () =>
    (
      (await sdk.describeDeviceStock({ deviceType: DEVICE_TYPE })).result.devicesStock as {
        available: number;
      }[]
    )[0].available;
  const freeIps = async () =>
    ((await sdk.describeSubnet({ subnetId })).result.subnet as { availableIpCount: number }).availableIpCount;

  async function serve(): Promise<void> {
    server = await startServer(config);
    sdk = sdkClient(server.url.replace(/^http:\/\//, ''), credentials, REGION);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    config = loadConfig({
      EDCPS_DATA_DIR: db.dataDir,
      EDCPS_DATABASE_URL: db.url,
      EDCPS_ACCESS_KEY_ID: credentials.accessKeyId,
      EDCPS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      EDCPS_PORT: '0',
      EDCPS_TIME_SCALE: '0',
      EDCPS_LOG_LEVEL: 'silent',
    });

    // 1. A healthy server brings one instance per case to the action's source state.
    await serve();
    const { vpcId } = (
      await sdk.createVpc({ vpcSpec: { cidr: '10.30.0.0/16', name: 'crash-vpc', description: 'x' } })
    ).result as { vpcId: string };
    subnetId = (
      (
        await sdk.createSubnet({
          subnetSpec: { az: AZ, vpcId, cidr: '10.30.1.0/24', name: 'crash-subnet', description: 'x' },
        })
      ).result as { subnetId: string }
    ).subnetId;
    stockBefore = await stock();
    ipsBefore = await freeIps();
    const created = await sdk.createInstances({
      instanceSpec: {
        az: AZ,
        deviceType: DEVICE_TYPE,
        imageType: 'standard',
        osTypeId: 'o-centos79x8664000000000000000',
        sysRaidTypeId: 'r-sysnoraid0000000000000000000',
        dataRaidTypeId: 'r-dataraid00000000000000000000',
        subnetId,
        networkType: 'vpc',
        enableInternet: 'no',
        name: 'crash',
        password: PASSWORD,
        count: CASES.length,
        charge: { chargeMode: 'postpaid_by_duration' },
      },
    });
    const instanceIds = created.result.instanceIds as string[];
    CASES.forEach((c, i) => ids.set(c.action, instanceIds[i]));
    for (const id of instanceIds) await until(sdk, id, ['running']);
    for (const c of CASES.filter((x) => x.source === 'stopped')) {
      await sdk.stopInstance({ instanceId: ids.get(c.action) });
      await until(sdk, ids.get(c.action)!, ['stopped']);
    }
    await server?.stop();
    server = undefined;

    // 2. A process without a background reconciler records the intents, then its worker runs
    //    each action until it hangs in the chosen step, and the process dies.
    const doomed: Runtime = await openRuntime({ ...config, reconciler: false });
    const lc = doomed.services.lifecycle;
    const key = await doomed.services.accounts.lookupKey(credentials.accessKeyId);
    const caller: Caller = { accountId: key!.accountId, regionId: REGION, requestId: 'crash-test' };
    for (const c of CASES) {
      const id = ids.get(c.action)!;
      if (c.action === 'start') await lc.startInstance(caller, id);
      if (c.action === 'stop') await lc.stopInstance(caller, id);
      if (c.action === 'restart') await lc.restartInstance(caller, id);
      if (c.action === 'resetPassword') await lc.resetPassword(caller, id, 'Wv4#Lp8nRt');
      if (c.action === 'delete') await lc.deleteInstance(caller, id);
      if (c.action === 'reinstall') {
        await lc.reinstallInstance(caller, id, {
          az: AZ,
          imageType: 'standard',
          osTypeId: 'o-ubuntu2204x86640000000000000',
          sysRaidTypeId: 'r-sysraid100000000000000000000',
          dataRaidTypeId: 'r-dataraid10000000000000000000',
          keepData: 'no',
          password: 'Hx5!Tm2qWz',
        });
      }
    }
    const workers = [];
    for (const c of CASES) {
      const id = ids.get(c.action)!;
      let reached!: () => void;
      const hung = new Promise<void>((r) => (reached = r));
      const worker = createReconciler(doomed.services.deps, {
        driver: dyingDriver(createSimulatedDriver(doomed.store), id, c.hangStep, reached),
        owner: DEAD_WORKER,
        leaseMs: DEAD_LEASE_MS,
      });
      void worker.runOnce({ instanceId: id });
      await hung;
      workers.push(worker);
    }
    for (const c of CASES) {
      const row = await doomed.store.db
        .selectFrom('instances')
        .selectAll()
        .where('id', '=', ids.get(c.action)!)
        .executeTakeFirstOrThrow();
      crashed.set(c.action, row);
      const dev = await driverStateOf(doomed.store.db, row.device_id ?? '');
      deviceLastStep.set(c.action, parseSimState(dev).lastStep);
    }
    // The process dies: lease renewal stops with it, and nothing of the pass was persisted.
    for (const w of workers) await w.stop();
    await doomed.close();

    // 3. A fresh server on the same database.
    await serve();
  });

  afterAll(async () => {
    await server?.stop();
    await db.drop();
  });

  for (const c of CASES) {
    it(`${c.transitional}: the crashed worker left it leased at its first step, and a restart completes it (${c.end})`, async () => {
      const row = crashed.get(c.action)!;
      expect(row).toMatchObject({ status: c.transitional, lease_owner: DEAD_WORKER, action: c.action });
      expect(row.lease_until).not.toBeNull();
      // Nothing of the dead worker's pass was persisted: the row still shows the first step.
      expect(row.step).toBe(FIRST_STEP[c.action]);
      if (c.ranBefore !== null) {
        expect(deviceLastStep.get(c.action)).toEqual({ action: c.action, step: c.ranBefore });
      }
      const id = ids.get(c.action)!;
      expect(await until(sdk, id, [c.end, 'error'])).toBe(c.end);
    });
  }

  it('reinstalling resumed with its sealed password still available and applied the new OS', async () => {
    const id = ids.get('reinstall')!;
    expect(crashed.get('reinstall')?.secrets_sealed).not.toBeNull();
    await until(sdk, id, ['running']);
    const inst = (await sdk.describeInstance({ instanceId: id })).result.instance as Record<string, unknown>;
    expect(inst).toMatchObject({
      osTypeId: 'o-ubuntu2204x86640000000000000',
      sysRaidType: 'RAID1',
      dataRaidType: 'RAID10',
    });
    const row = await server!.runtime.store.db
      .selectFrom('instances')
      .select(['secrets_sealed', 'action', 'step', 'lease_owner'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ secrets_sealed: null, action: null, step: null, lease_owner: null });
  });

  it('resetting_password resumed and erased the sealed password', async () => {
    const id = ids.get('resetPassword')!;
    await until(sdk, id, ['stopped']);
    const row = await server!.runtime.store.db
      .selectFrom('instances')
      .select('secrets_sealed')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.secrets_sealed).toBeNull();
  });

  it('destroying resumed and released exactly one device and one address', async () => {
    for (const c of CASES) await until(sdk, ids.get(c.action)!, [c.end]);
    expect(await stock()).toBe(stockBefore - (CASES.length - 1));
    expect(await freeIps()).toBe(ipsBefore - (CASES.length - 1));
  });

  it('each action completed exactly once after the resume', async () => {
    for (const c of CASES) await until(sdk, ids.get(c.action)!, [c.end]);
    for (const c of CASES) {
      const completions = await server!.runtime.store.db
        .selectFrom('instance_events')
        .select('reason')
        .where('instance_id', '=', ids.get(c.action)!)
        .where('kind', '=', 'status')
        .where('reason', 'like', '% completed')
        .execute();
      const op = {
        start: 'startInstance',
        stop: 'stopInstance',
        restart: 'restartInstance',
        reinstall: 'reinstallInstance',
        resetPassword: 'resetPassword',
        delete: 'deleteInstance',
      }[c.action];
      expect(completions.filter((e) => e.reason === `${op} completed`)).toHaveLength(1);
    }
  });
});
