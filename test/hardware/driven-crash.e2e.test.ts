import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../helpers/databases.js';
import { AZ, DEVICE_TYPE, REGION } from '../helpers/harness.js';
import { sdkClient } from '../helpers/sdk.js';
import { type ServerProcess, freePort, sleep, spawnServer } from '../helpers/spawn-server.js';
import { cliJson } from '../cli/cli.js';
import { DRIVEN_SERIAL, createOne, isStable, waitFor } from './driven.js';
import { FAST_HARDWARE, redfishMachine } from './machines.js';

/**
 * SIGKILL between sending a power command and recording it. The Redfish BMC carries out the
 * restart's graceful shutdown and never answers, so edcps dies with the command sent and nothing
 * recorded but the phase it announced. A new process on the same database resumes: it must
 * power the machine back on once, and never send the shutdown again.
 */
describe('a driven restart survives SIGKILL of edcps mid-command', () => {
  const creds = { accessKeyId: 'HWCRASHKEY', secretAccessKey: 'hw-crash-secret-key' };
  let db: TestDatabase;
  let port: number;
  let m: Awaited<ReturnType<typeof redfishMachine>>;
  let server: ServerProcess | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    port = await freePort();
    m = await redfishMachine();
    env = {
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
    await server?.kill();
    await m.close();
    await db.drop();
  });

  it('reboots the machine exactly once', { timeout: 90_000 }, async () => {
    server = await spawnServer(port, env);
    await cliJson(
      { EDCPS_DATABASE_URL: db.url, EDCPS_DATA_DIR: db.dataDir },
      'devices',
      'add',
      '--region',
      REGION,
      '--az',
      AZ,
      '--device-type',
      DEVICE_TYPE,
      '--serial',
      DRIVEN_SERIAL,
      '--bmc',
      m.bmcUrl.replace('://admin@', `://admin:${m.password}@`),
    );
    const sdk = sdkClient(`127.0.0.1:${port}`, creds);
    const id = await createOne(sdk);
    expect(await waitFor(sdk, id, isStable)).toBe('running');
    expect(m.boots()).toEqual(['pxe']);

    m.sim.setFault(
      { mode: 'lost-answer', method: 'POST', path: '/ComputerSystem.Reset', hold: true },
      { requests: 1 },
    );
    await sdk.restartInstance({ regionId: REGION, instanceId: id });
    const deadline = Date.now() + 10_000;
    while (!m.sim.system().resets.some((r) => r.type === 'GracefulShutdown')) {
      if (Date.now() > deadline) expect.fail('the graceful shutdown never reached the BMC');
      await sleep(10);
    }
    await server.kill(); // the command is carried out; its answer never came
    await sleep(500);
    expect(m.power()).toBe('off');

    server = await spawnServer(port, env);
    expect(await waitFor(sdk, id, isStable, 60_000)).toBe('running');
    expect(m.power()).toBe('on');
    expect(m.boots()).toEqual(['pxe', 'disk']);
    expect(m.sim.system().resets.map((r) => r.type)).toEqual(['On', 'GracefulShutdown', 'On']);
  });
});
