import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AZ, DEVICE_TYPE, REGION } from '../helpers/harness.js';
import type { TestServer } from '../helpers/sdk.js';
import { startTestServer } from '../helpers/sdk.js';
import { createOne, isStable, waitFor } from '../hardware/driven.js';
import { FAST_HARDWARE, type TestMachine, ipmiMachine, redfishMachine } from '../hardware/machines.js';
import { cli, cliError, cliJson, cliWithInput, serverEnv } from './cli.js';

interface Device {
  deviceId: string;
  serial: string;
  driver: string;
  bmcUrl: string;
  bmcInsecure: boolean;
  power: string;
  health: string;
  healthMessage: string;
  instanceId: string;
}

/** `edcps devices add --bmc…`, `set-bmc`, `power` and `check` against real BMC doubles. */
describe('edcps devices with a BMC', () => {
  let s: TestServer;
  let rf: Awaited<ReturnType<typeof redfishMachine>>;
  let ipmi: Awaited<ReturnType<typeof ipmiMachine>>;
  let env: Record<string, string>;
  const add = (serial: string, m: TestMachine, ...more: string[]) =>
    cliWithInput(
      env,
      `${m.password}\n`,
      'devices',
      'add',
      '--region',
      REGION,
      '--az',
      AZ,
      '--device-type',
      DEVICE_TYPE,
      '--serial',
      serial,
      '--bmc',
      m.bmcUrl,
      '--bmc-password-stdin',
      ...more,
      '--json',
    );

  beforeAll(async () => {
    [rf, ipmi] = await Promise.all([redfishMachine(), ipmiMachine()]);
    s = await startTestServer({ ...FAST_HARDWARE, ...ipmi.env, EDCPS_POWER_SYNC_SECONDS: '0' });
    // The admin commands talk to the BMCs themselves: they need the same BMC settings as a server.
    env = serverEnv(s, { ...FAST_HARDWARE, ...ipmi.env });
  }, 60_000);
  afterAll(async () => {
    await s.stop();
    await rf.close();
    await ipmi.close();
  });

  it('enrolls a Redfish BMC with the password from stdin and never shows the password', async () => {
    const r = await add('A-CLI-RF', rf, '--mac', '52-54-00-AA-00-10');
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({
      serial: 'A-CLI-RF',
      driver: 'redfish',
      bmcUrl: `redfish://admin:***@${rf.sim.host}`,
      macs: ['52:54:00:aa:00:10'],
      bmcInsecure: false,
    });
    const text = await cli(env, 'devices', 'list', '--region', REGION);
    expect(text.stdout).toContain(`redfish://admin:***@${rf.sim.host}`);
    expect(text.stdout + r.stdout).not.toContain(rf.password);
  });

  it('check names a TLS failure when the certificate is not trusted, and exits non-zero', async () => {
    const r = await cli(env, 'devices', 'check', 'A-CLI-RF');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('reachable      no');
    expect(r.stderr).toMatch(
      new RegExp(
        `^edcps: BMC ${rf.sim.host.replace(/\./g, '\\.')}: TLS failed \\(.+\\); trust its CA with EDCPS_BMC_CA_FILE, or enroll it with --bmc-insecure\\n$`,
      ),
    );
  });

  it('check passes with the CA trusted, reporting power and one-time network boot', async () => {
    const r = await cliJson<Record<string, unknown>>({ ...env, ...rf.env }, 'devices', 'check', 'A-CLI-RF');
    expect(r).toMatchObject({
      serial: 'A-CLI-RF',
      driver: 'redfish',
      reachable: true,
      authenticated: true,
      power: 'off',
      bootOverride: { supported: true },
      problems: [],
    });
  });

  it('set-bmc with --bmc-insecure accepts the self-signed certificate, shown in the listing', async () => {
    const r = await cliWithInput(
      env,
      rf.password,
      'devices',
      'set-bmc',
      'A-CLI-RF',
      rf.bmcUrl,
      '--bmc-password-stdin',
      '--bmc-insecure',
      '--json',
    );
    expect(JSON.parse(r.stdout)).toMatchObject({
      bmcInsecure: true,
      bmcUrl: `redfish://admin:***@${rf.sim.host}`,
    });
    expect((await cli(env, 'devices', 'check', 'A-CLI-RF')).code).toBe(0);
  });

  it('check reports refused credentials: reachable, not authenticated', async () => {
    await cliJson(
      env,
      'devices',
      'set-bmc',
      'A-CLI-RF',
      rf.bmcUrl.replace('://admin@', '://admin:wrong-pw@'),
      '--bmc-insecure',
    );
    const r = await cli(env, 'devices', 'check', 'A-CLI-RF', '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { reachable: boolean; authenticated: boolean; problems: string[] };
    expect(report).toMatchObject({ reachable: true, authenticated: false });
    expect(report.problems).toEqual([
      `BMC ${rf.sim.host}: opening a session: authentication failed (HTTP 401); check the BMC user name and password`,
    ]);
    expect(r.stdout).not.toContain('wrong-pw');
    const [d] = (await cliJson<Device[]>(env, 'devices', 'list', '--region', REGION)).filter(
      (x) => x.serial === 'A-CLI-RF',
    );
    expect(d).toMatchObject({ health: 'unhealthy', healthMessage: report.problems[0] });
  });

  it('powers an IPMI machine on, reads it, and off, printing what the BMC reports', async () => {
    expect((await add('A-CLI-IPMI', ipmi)).code).toBe(0);
    expect(await cliJson(env, 'devices', 'power', 'A-CLI-IPMI', 'status')).toMatchObject({
      serial: 'A-CLI-IPMI',
      power: 'off',
    });
    expect(await cliJson(env, 'devices', 'power', 'A-CLI-IPMI', 'on')).toMatchObject({ power: 'on' });
    expect(ipmi.power()).toBe('on');
    expect((await cli(env, 'devices', 'power', 'A-CLI-IPMI', 'off')).stdout).toBe('A-CLI-IPMI: power off\n');
    expect(ipmi.power()).toBe('off');
    expect(
      ipmi.sim
        .events()
        .filter((e) => e.kind === 'command')
        .map((e) => (e as { command: string }).command),
    ).toEqual(['on', 'off']);
  });

  it('refuses to power a device an instance uses, unless --force', async () => {
    await cliJson(env, 'devices', 'retire', 'A-CLI-RF');
    const id = await createOne(s.sdk());
    expect(await waitFor(s.sdk(), id, isStable)).toBe('running');
    expect(await cliError(env, 1, 'devices', 'power', 'A-CLI-IPMI', 'off')).toBe(
      `edcps: device A-CLI-IPMI carries instance ${id}: change its power through the instance (startInstance, stopInstance, restartInstance), or pass --force`,
    );
    expect(await cliError(env, 1, 'devices', 'set-bmc', 'A-CLI-IPMI', 'none')).toBe(
      `edcps: device A-CLI-IPMI carries instance ${id}: it cannot switch between simulated and driven until the instance is deleted`,
    );
    expect(await cliJson(env, 'devices', 'power', 'A-CLI-IPMI', 'off', '--force')).toMatchObject({
      power: 'off',
    });
  });

  it('says so when ipmitool is missing, or the BMC does not answer', async () => {
    const missing = await cli(
      { ...env, EDCPS_IPMITOOL: '/nonexistent/ipmitool' },
      'devices',
      'check',
      'A-CLI-IPMI',
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      `edcps: BMC ${ipmi.sim.host}:${ipmi.sim.port}: /nonexistent/ipmitool not found: install Debian's ipmitool package\n`,
    );
    await ipmi.sim.stop();
    const gone = await cli({ ...env, EDCPS_BMC_TIMEOUT_SECONDS: '1' }, 'devices', 'check', 'A-CLI-IPMI');
    await ipmi.sim.start();
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(
      new RegExp(`^edcps: BMC 127\\.0\\.0\\.1:${ipmi.sim.port}: (no IPMI session|no answer within 1 s)`),
    );
  });

  it('refuses BMC commands on a simulated device', async () => {
    const [sim] = (
      await cliJson<Device[]>(env, 'devices', 'list', '--region', REGION, '--status', 'available')
    ).filter((d) => d.driver === 'simulated');
    expect(await cliError(env, 1, 'devices', 'check', sim!.serial)).toBe(
      `edcps: device ${sim!.serial} is simulated: it has no BMC (enroll one with edcps devices set-bmc)`,
    );
  });

  it('refuses a BMC password given twice, and one missing', async () => {
    const twice = await cliWithInput(
      env,
      'x',
      'devices',
      'add',
      '--region',
      REGION,
      '--az',
      AZ,
      '--device-type',
      DEVICE_TYPE,
      '--serial',
      'A-CLI-X',
      '--bmc',
      'ipmi://admin:pw@127.0.0.1:9',
      '--bmc-password-stdin',
    );
    expect(twice.stderr).toBe(
      'edcps: device A-CLI-X: the BMC password is given twice (in the URL and separately); give it once\n',
    );
    expect(
      await cliError(
        env,
        1,
        'devices',
        'add',
        '--region',
        REGION,
        '--az',
        AZ,
        '--device-type',
        DEVICE_TYPE,
        '--serial',
        'A-CLI-X',
        '--bmc',
        'ipmi://admin@127.0.0.1:9',
      ),
    ).toBe(
      'edcps: device A-CLI-X: the BMC password is missing: give it in the URL, in the device file, or with --bmc-password-stdin',
    );
  });
});
