import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../helpers/databases.js';
import { REGION } from '../helpers/harness.js';
import { sdkClient } from '../helpers/sdk.js';
import { type ServerProcess, freePort, sleep, spawnServer } from '../helpers/spawn-server.js';
import { addDeviceArgs, cliJson } from '../cli/cli.js';
import { DRIVEN_MAC, DRIVEN_SERIAL, createOne, isStable, phoneHomeFrom, waitFor } from './driven.js';
import { type FakeHost, attachFakeHost } from './fake-host.js';
import { FAST_HARDWARE, redfishMachine } from './machines.js';
import { type BootFiles, netbootCatalog, startBootFiles } from './netboot-catalog.js';

/**
 * SIGKILL of edcps while a driven machine is busy. First while the machine installs (it
 * network-booted and its cloud-init has not reported yet): a new process takes the phone-home
 * and completes the install once, without booting the machine again. Then between sending a
 * power command and recording it: the Redfish BMC carries out the restart's graceful shutdown
 * and never answers; the new process powers the machine back on once and never sends the
 * shutdown again.
 */
describe('a driven machine survives SIGKILL of edcps mid-command', () => {
  const creds = { accessKeyId: 'HWCRASHKEY', secretAccessKey: 'hw-crash-secret-key' };
  let db: TestDatabase;
  let port: number;
  let m: Awaited<ReturnType<typeof redfishMachine>>;
  let server: ServerProcess | undefined;
  let env: Record<string, string>;
  let files: BootFiles;
  let fake: FakeHost;
  let id: string;
  const sdk = () => sdkClient(`127.0.0.1:${port}`, creds);

  beforeAll(async () => {
    db = await createTestDatabase();
    port = await freePort();
    m = await redfishMachine();
    files = await startBootFiles();
    fake = attachFakeHost(m, { bootBase: () => `http://127.0.0.1:${port}`, mac: DRIVEN_MAC });
    env = {
      EDCPS_CATALOG: netbootCatalog(files.base),
      ...FAST_HARDWARE,
      ...m.env,
      EDCPS_POWER_SYNC_SECONDS: '0',
      EDCPS_DATA_DIR: db.dataDir,
      EDCPS_DATABASE_URL: db.url,
      EDCPS_ACCESS_KEY_ID: creds.accessKeyId,
      EDCPS_SECRET_ACCESS_KEY: creds.secretAccessKey,
      EDCPS_TIME_SCALE: '0',
    };
  });
  afterAll(async () => {
    fake.detach();
    await server?.kill();
    await files.close();
    await m.close();
    await db.drop();
  });

  it(
    'completes an install once when edcps dies while the machine installs',
    { timeout: 90_000 },
    async () => {
      server = await spawnServer(port, env);
      await cliJson(
        { EDCPS_DATABASE_URL: db.url, EDCPS_DATA_DIR: db.dataDir },
        ...addDeviceArgs(DRIVEN_SERIAL),
        '--mac',
        DRIVEN_MAC,
        '--bmc',
        m.bmcUrl.replace('://admin@', `://admin:${m.password}@`),
      );
      fake.behaviour = 'silent';
      id = await createOne(sdk());
      const boot = await fake.nextBoot(1, { timeoutMs: 30_000 });
      expect(boot.outcome).toBe('silent');
      await server.kill(); // the machine is installing; nobody is there to hear it
      server = await spawnServer(port, env);
      // The installed system's cloud-init reports to the new process.
      const posted = await phoneHomeFrom(boot, { instance_id: id, hostname: 'cli-node' });
      expect(posted.status).toBe(200);
      expect(await waitFor(sdk(), id, isStable, 60_000)).toBe('running');
      expect(m.boots()).toEqual(['pxe']);
      expect(fake.boots).toHaveLength(1);
      // Once: a second report is refused.
      expect((await phoneHomeFrom(boot, { instance_id: id })).status).toBe(404);
    },
  );

  it('reboots the machine exactly once when edcps dies mid-restart', { timeout: 90_000 }, async () => {
    fake.behaviour = 'install';
    const resetsBefore = m.sim.system().resets.length;
    m.sim.setFault(
      { mode: 'lost-answer', method: 'POST', path: '/ComputerSystem.Reset', hold: true },
      { requests: 1 },
    );
    await sdk().restartInstance({ regionId: REGION, instanceId: id });
    const deadline = Date.now() + 10_000;
    while (!m.sim.system().resets.some((r) => r.type === 'GracefulShutdown')) {
      if (Date.now() > deadline) expect.fail('the graceful shutdown never reached the BMC');
      await sleep(10);
    }
    await server!.kill(); // the command is carried out; its answer never came
    await sleep(500);
    expect(m.power()).toBe('off');

    server = await spawnServer(port, env);
    expect(await waitFor(sdk(), id, isStable, 60_000)).toBe('running');
    expect(m.power()).toBe('on');
    expect(m.boots()).toEqual(['pxe', 'disk']);
    expect(
      m.sim
        .system()
        .resets.slice(resetsBefore)
        .map((r) => r.type),
    ).toEqual(['GracefulShutdown', 'On']);
  });
});
