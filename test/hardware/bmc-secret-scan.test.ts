import fs from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerRawBodyParser } from '../../src/api/plugins/body.js';
import { registerBootRoutes } from '../../src/boot/boot-routes.js';
import { createDeploymentService } from '../../src/domain/hardware/deployments.js';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBmcAdmin } from '../../src/provision/bmc-admin.js';
import { createReconciler, type Reconciler } from '../../src/provision/reconciler.js';
import { AZ, DEVICE_TYPE, REGION, type TestHarness, createHarness } from '../helpers/harness.js';
import { cli, serverEnv } from '../cli/cli.js';
import { dumpDatabase, findSecrets } from '../security/scan-support.js';
import { type FakeHost, attachFakeHost } from './fake-host.js';
import { FAST_HARDWARE, ipmiMachine, redfishMachine } from './machines.js';
import { type BootFiles, netbootCatalog, startBootFiles } from './netboot-catalog.js';

/**
 * The secret scan for driven machines: after enrolling machines on both protocols, installing
 * them by network boot, failing on a wrong password and running every device command, no BMC
 * password appears in an API answer, CLI output, log line (trace level), event, metric,
 * database column, or the command line of any process on the machine — ipmitool gets it
 * through its environment. The instance's password reaches the machine only as a SHA-512 crypt
 * hash, and its user data only in the seed, and neither outlives the phone-home.
 */
describe('BMC passwords stay secret', () => {
  let h: TestHarness;
  let rf: Awaited<ReturnType<typeof redfishMachine>>;
  let ipmi: Awaited<ReturnType<typeof ipmiMachine>>;
  let reconciler: Reconciler;
  const logs: string[] = [];
  const outputs: { label: string; text: string }[] = [];
  const cmdlines = new Set<string>();
  let sampler: NodeJS.Timeout;
  const WRONG = 'Wr0ng-Bmc-Pw';
  const INSTANCE_PASSWORD = 'Qm7$Zk9xTw';
  const USER_DATA_TEXT = `#!/bin/sh\necho user-data-marker-${Date.now().toString(36)}\n`;
  const secrets = () => ({ redfish: rf.password, ipmi: ipmi.password, wrong: WRONG });
  const tenantSecrets = () => ({ instancePassword: INSTANCE_PASSWORD, userData: USER_DATA_TEXT.trim() });
  let boot: FastifyInstance;
  let files: BootFiles;
  const fakes: FakeHost[] = [];

  beforeAll(async () => {
    // Passwords of this run only, so no other process on the machine can carry them by chance.
    const tag = Math.random().toString(36).slice(2, 8);
    [rf, ipmi] = await Promise.all([
      redfishMachine({ password: `Rf-Scan-${tag}` }),
      ipmiMachine({ password: `Ipmi-Scan-${tag}` }),
    ]);
    const sink = new Writable({
      write(chunk: Buffer, _e, done) {
        logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    files = await startBootFiles();
    h = await createHarness({
      env: {
        EDCPS_CATALOG: netbootCatalog(files.base),
        ...FAST_HARDWARE,
        ...rf.env,
        ...ipmi.env,
        EDCPS_POWER_SYNC_SECONDS: '0',
      },
      log: pino({ level: 'trace' }, sink),
    });
    // The machine-facing endpoints, as the server registers them, for the fake hosts.
    boot = Fastify();
    registerRawBodyParser(boot, 1 << 20);
    let base = '';
    registerBootRoutes(boot, {
      deployments: createDeploymentService(h.runtime.services.deps),
      bootBase: () => base,
    });
    await boot.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(boot.server.address() as { port: number }).port}`;
    fakes.push(
      attachFakeHost(rf, { bootBase: () => base, mac: '52:54:00:aa:00:31' }),
      attachFakeHost(ipmi, { bootBase: () => base, mac: '52:54:00:aa:00:32' }),
    );
    // Every process's command line, sampled while edcps runs ipmitool and the CLI.
    sampler = setInterval(() => {
      for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
        try {
          cmdlines.add(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '));
        } catch {
          // gone already
        }
      }
    }, 5);
    sampler.unref();
    reconciler = createReconciler(h.runtime.services.deps, { hardware: h.runtime.hardware, pollMs: 20 });
    reconciler.start();
  }, 60_000);
  afterAll(async () => {
    clearInterval(sampler);
    await reconciler.stop();
    for (const f of fakes) f.detach();
    await boot.close();
    await files.close();
    await h.close();
    await rf.close();
    await ipmi.close();
  });

  async function waitStable(id: string): Promise<string> {
    for (let i = 0; i < 600; i++) {
      const r = await h.call('GET', `/regions/${REGION}/instances/${id}`);
      outputs.push({ label: `describeInstance ${id}`, text: r.raw.body });
      const st = (r.body.result?.instance as { status: string } | undefined)?.status ?? 'gone';
      if (['running', 'stopped', 'error', 'gone'].includes(st)) return st;
      await new Promise((x) => setTimeout(x, 50));
    }
    throw new Error(`${id} never settled`);
  }

  async function create(): Promise<string> {
    const os = await h.call('GET', `/regions/${REGION}/os`, { query: { deviceType: DEVICE_TYPE } });
    const raids = await h.call('GET', `/regions/${REGION}/raids`, {
      query: { deviceType: DEVICE_TYPE },
    });
    const raid = (t: string) =>
      (raids.body.result!.raids as { raidTypeId: string; volumeType: string }[]).find(
        (r) => r.volumeType === t,
      )!.raidTypeId;
    const r = await h.call('PUT', `/regions/${REGION}/instances`, {
      body: {
        instanceSpec: {
          az: AZ,
          deviceType: DEVICE_TYPE,
          imageType: 'standard',
          osTypeId: (os.body.result!.oss as { osTypeId: string }[])[0]!.osTypeId,
          sysRaidTypeId: raid('system'),
          dataRaidTypeId: raid('data'),
          networkType: 'vpc',
          enableInternet: 'no',
          name: 'scan',
          password: INSTANCE_PASSWORD,
          userData: Buffer.from(USER_DATA_TEXT).toString('base64'),
          count: 1,
          charge: { chargeMode: 'postpaid_by_duration' },
        },
      },
    });
    outputs.push({ label: 'createInstances', text: r.raw.body });
    return (r.body.result!.instanceIds as string[])[0]!;
  }

  it('scans everything after enrolling, provisioning, failing and every device command', async () => {
    const ops = h.runtime.services.operator;
    const admin = createBmcAdmin(h.runtime.services.deps, h.runtime.hardware);
    const base = { region: REGION, az: AZ, deviceType: DEVICE_TYPE };
    const added = await ops.addDevices([
      {
        ...base,
        serial: 'A-SCAN-1',
        bmcUrl: rf.bmcUrl,
        bmcPassword: rf.password,
        macs: ['52:54:00:aa:00:31'],
      },
      {
        ...base,
        serial: 'A-SCAN-2',
        bmcUrl: ipmi.bmcUrl.replace('://admin@', `://admin:${ipmi.password}@`),
        macs: ['52:54:00:aa:00:32'],
      },
    ]);
    outputs.push({ label: 'addDevices', text: JSON.stringify(added) });
    const a = await create();
    const b = await create();
    expect([await waitStable(a), await waitStable(b)]).toEqual(['running', 'running']);
    // What the machines were served: the hash and the user data in the seed, never the password.
    const seeds = fakes.map((f) => f.boots[0]!);
    for (const seed of seeds) {
      expect(seed.outcome).toBe('installed');
      const served = JSON.stringify(seed.files);
      expect(findSecrets(served, { instancePassword: INSTANCE_PASSWORD })).toEqual([]);
      expect(served).toMatch(/\$6\$/);
      expect(seed.otherParts?.map((p) => p.body)).toContain(USER_DATA_TEXT);
      // The phone-home ended the deployment: the seed, hash and user data with it.
      expect((await fetch(`${seed.seedUrl}user-data`)).status).toBe(404);
    }
    outputs.push({ label: 'check', text: JSON.stringify(await admin.check('A-SCAN-2')) });
    outputs.push({ label: 'power', text: JSON.stringify(await admin.power('A-SCAN-2', 'status')) });
    // A wrong password: the failure is recorded and shown, the password is not.
    await ops.setBmc('A-SCAN-1', { bmcUrl: rf.bmcUrl, bmcPassword: WRONG });
    outputs.push({ label: 'check wrong', text: JSON.stringify(await admin.check('A-SCAN-1')) });
    const stop = await h.call('PUT', `/regions/${REGION}/instances/${a}:stopInstance`, { body: {} });
    expect(stop.statusCode).toBe(200);
    expect(await waitStable(a)).toBe('error');

    const env = {
      ...serverEnv({ db: h.db, host: '127.0.0.1:1' } as never),
      ...FAST_HARDWARE,
      ...ipmi.env,
      EDCPS_LOG_LEVEL: 'trace',
    };
    for (const args of [
      ['devices', 'list', '--region', REGION],
      ['devices', 'list', '--region', REGION, '--json'],
      ['devices', 'check', 'A-SCAN-1'],
      ['devices', 'check', 'A-SCAN-2', '--json'],
      ['devices', 'power', 'A-SCAN-2', 'status', '--json'],
      ['events', a, '--json'],
    ]) {
      const r = await cli(env, ...args);
      outputs.push({ label: `edcps ${args.join(' ')}`, text: r.stdout + r.stderr });
    }
    const metrics = await h.inject({ method: 'GET', url: '/metrics' });
    outputs.push({ label: 'metrics', text: metrics.body });

    expect(outputs.find((o) => o.label === 'check wrong')?.text).toContain(
      'authentication failed (HTTP 401)',
    );
    const all = () => ({ ...secrets(), ...tenantSecrets() });
    for (const o of outputs) expect(findSecrets(o.text, all()), o.label).toEqual([]);
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.flatMap((l) => findSecrets(l, all()))).toEqual([]);
    const dump = await dumpDatabase(h.runtime.store);
    expect(findSecrets(dump, all())).toEqual([]);
    expect(dump).not.toMatch(/\$6\$/);
    const ipmitools = [...cmdlines].filter((c) => c.includes('ipmitool') && c.includes('lanplus'));
    expect(ipmitools.length).toBeGreaterThan(0);
    expect(ipmitools.every((c) => c.includes(' -E '))).toBe(true);
    expect([...cmdlines].flatMap((c) => findSecrets(c, all()))).toEqual([]);
  }, 90_000);
});
