import fs from 'node:fs';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBmcAdmin } from '../../src/provision/bmc-admin.js';
import { createReconciler, type Reconciler } from '../../src/provision/reconciler.js';
import { AZ, DEVICE_TYPE, REGION, type TestHarness, createHarness } from '../helpers/harness.js';
import { cli, serverEnv } from '../cli/cli.js';
import { dumpDatabase, findSecrets } from '../security/scan-support.js';
import { FAST_HARDWARE, ipmiMachine, redfishMachine } from './machines.js';

/**
 * The secret scan for BMC passwords: after enrolling machines on both protocols, provisioning
 * them, failing on a wrong password and running every device command, no password appears in
 * an API answer, CLI output, log line (trace level), event, metric, database column, or the
 * command line of any process on the machine — ipmitool gets it through its environment.
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
  const secrets = () => ({ redfish: rf.password, ipmi: ipmi.password, wrong: WRONG });

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
    h = await createHarness({
      env: { ...FAST_HARDWARE, ...rf.env, ...ipmi.env, EDCPS_POWER_SYNC_SECONDS: '0' },
      log: pino({ level: 'trace' }, sink),
    });
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
          password: 'Qm7$Zk9xTw',
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
      { ...base, serial: 'A-SCAN-1', bmcUrl: rf.bmcUrl, bmcPassword: rf.password },
      { ...base, serial: 'A-SCAN-2', bmcUrl: ipmi.bmcUrl.replace('://admin@', `://admin:${ipmi.password}@`) },
    ]);
    outputs.push({ label: 'addDevices', text: JSON.stringify(added) });
    const a = await create();
    const b = await create();
    expect([await waitStable(a), await waitStable(b)]).toEqual(['running', 'running']);
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
    for (const o of outputs) expect(findSecrets(o.text, secrets()), o.label).toEqual([]);
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.flatMap((l) => findSecrets(l, secrets()))).toEqual([]);
    expect(findSecrets(await dumpDatabase(h.runtime.store), secrets())).toEqual([]);
    const ipmitools = [...cmdlines].filter((c) => c.includes('ipmitool') && c.includes('lanplus'));
    expect(ipmitools.length).toBeGreaterThan(0);
    expect(ipmitools.every((c) => c.includes(' -E '))).toBe(true);
    expect([...cmdlines].flatMap((c) => findSecrets(c, secrets()))).toEqual([]);
  }, 90_000);
});
