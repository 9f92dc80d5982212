import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/auth/sign.js';
import { type Store, openStore } from '../../src/store/db.js';
import { type TestDatabase, createTestDatabase } from '../helpers/databases.js';
import { type ServerProcess, freePort, sleep, spawnServer } from '../helpers/spawn-server.js';

/**
 * Crash and resume for real: `edcps serve` (the built binary) provisions instances at time
 * scale 0.05 (about 3 s per instance) and is killed with SIGKILL mid-provisioning, three times,
 * each time restarted on the same database. "Exactly once" is read from the event log: every
 * instance has exactly one transition to running, and each creation step is recorded done
 * exactly once (a step interrupted by the kill is performed again — the driver's steps are
 * idempotent — but its completion is recorded only by the transaction that advances the row).
 */

const AK = 'CRASHTESTKEY';
const SK = 'crash-test-secret-key';
const REGION = 'cn-east-tz1';
const CREATE_STEPS = [
  'allocate',
  'configure-raid',
  'install-os',
  'configure-network',
  'inject-credentials',
  'power-on',
];

describe('provisioning survives SIGKILL (createInstances, describeInstances)', () => {
  let db: TestDatabase;
  let port: number;
  let child: ServerProcess | undefined;
  let store: Store | undefined;

  async function call(method: string, p: string, body?: unknown, query = '') {
    const text = body === undefined ? '' : JSON.stringify(body);
    const host = `127.0.0.1:${port}`;
    const headers = signRequest({
      method,
      host,
      path: `/v1${p}`,
      query,
      body: text,
      accessKeyId: AK,
      secretAccessKey: SK,
      region: REGION,
    });
    const res = await fetch(`http://${host}/v1${p}${query === '' ? '' : `?${query}`}`, {
      method,
      headers,
      body: text === '' ? undefined : text,
    });
    return {
      status: res.status,
      body: (await res.json()) as { result?: Record<string, unknown>; error?: unknown },
    };
  }

  async function startServer(): Promise<void> {
    child = await spawnServer(port, {
      EDCPS_DATA_DIR: db.dataDir,
      EDCPS_DATABASE_URL: db.url,
      EDCPS_ACCESS_KEY_ID: AK,
      EDCPS_SECRET_ACCESS_KEY: SK,
      EDCPS_TIME_SCALE: '0.05',
    });
  }

  async function kill(): Promise<void> {
    await child!.kill();
    child = undefined;
  }

  const statuses = async () => {
    const r = await call('GET', `/regions/${REGION}/instances`, undefined, 'pageSize=100');
    return (r.body.result!.instances as { instanceId: string; status: string }[]).map((i) => i.status);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    port = await freePort();
  });

  afterAll(async () => {
    if (child) await kill();
    await store?.close();
    await db.drop();
  });

  it(
    'resumes every instance where it was after SIGKILL and reaches running exactly once',
    { timeout: 120_000 },
    async () => {
      await startServer();
      const created: string[] = [];
      const create = (i: number, internet: string) =>
        call('PUT', `/regions/${REGION}/instances`, {
          clientToken: `crash-${i}`,
          instanceSpec: {
            az: 'cn-east-tz1a',
            deviceType: 'edcps.c.normal1',
            imageType: 'standard',
            osTypeId: 'o-centos79x8664000000000000000',
            sysRaidTypeId: 'r-sysraid100000000000000000000',
            dataRaidTypeId: 'r-dataraid00000000000000000000',
            networkType: 'vpc',
            enableInternet: internet,
            name: `crash-${i}`,
            password: 'Qm7$Zk9xTw',
            count: 4,
            charge: { chargeMode: 'postpaid_by_duration' },
          },
        });
      for (const [i, internet] of ['yes', 'no', 'yes', 'no'].entries()) {
        const r = await create(i, internet);
        expect(r.status).toBe(200);
        created.push(...(r.body.result!.instanceIds as string[]));
      }

      // Kill three times at different points of the ~3 s of provisioning, restarting each time.
      const killedMidway: string[][] = [];
      for (const wait of [700, 500, 400]) {
        await sleep(wait);
        await kill();
        store = openStore(db.url);
        const rows = await store.db.selectFrom('instances').select(['status', 'step']).execute();
        killedMidway.push(rows.map((r) => `${r.status}:${r.step ?? ''}`));
        await store.close();
        store = undefined;
        await startServer();
      }
      // Provisioning was really interrupted, not finished before the first kill.
      expect(killedMidway[0].some((s) => s.startsWith('creating:'))).toBe(true);

      const deadline = Date.now() + 60_000;
      while (!(await statuses()).every((s) => s === 'running')) {
        expect(Date.now()).toBeLessThan(deadline);
        await sleep(200);
      }
      // clientToken outlives the crashes: the first request's result, nothing created again.
      const repeat = await create(0, 'yes');
      expect(repeat.body.result!.instanceIds).toEqual(created.slice(0, 4));
      await kill();

      store = openStore(db.url);
      const events = await store.db.selectFrom('instance_events').selectAll().orderBy('id').execute();
      for (const id of created) {
        const mine = events.filter((e) => e.instance_id === id);
        expect(
          mine.filter((e) => e.kind === 'status').map((e) => `${e.from_status}->${e.to_status}`),
        ).toEqual(['->creating', 'creating->running']);
        expect(mine.filter((e) => e.kind === 'step').map((e) => `${e.step} ${e.reason}`)).toEqual(
          CREATE_STEPS.map((s) => `${s} done`),
        );
      }
      const instances = await store.db.selectFrom('instances').selectAll().execute();
      expect(instances).toHaveLength(16);
      expect(instances.every((i) => i.secrets_sealed === null && i.lease_owner === null)).toBe(true);
      const devices = await store.db
        .selectFrom('devices')
        .selectAll()
        .where('status', '=', 'allocated')
        .execute();
      expect(devices.map((d) => d.instance_id).sort()).toEqual([...created].sort());
      expect(new Set(instances.map((i) => i.device_id)).size).toBe(16);
      expect(new Set(instances.map((i) => i.private_ip)).size).toBe(16);
      const eips = await store.db.selectFrom('elastic_ips').selectAll().execute();
      expect(eips).toHaveLength(8);
      const held = await store.db
        .selectFrom('public_ips')
        .select('holder_id')
        .where('holder_id', 'is not', null)
        .execute();
      expect(held.map((p) => p.holder_id).sort()).toEqual(eips.map((e) => e.id).sort());
      const states = await store.db
        .selectFrom('devices')
        .select(['id', 'driver_state'])
        .where('driver_state', 'is not', null)
        .execute();
      for (const i of instances) {
        const st = JSON.parse(states.find((s) => s.id === i.device_id)!.driver_state!) as {
          instanceId: string;
          power: string;
        };
        expect([st.instanceId, st.power]).toEqual([i.id, 'on']);
      }
    },
  );
});
