import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGION } from '../helpers/harness.js';
import type { TestServer } from '../helpers/sdk.js';
import { startTestServer } from '../helpers/sdk.js';
import { createOne, isStable, waitFor } from '../hardware/driven.js';
import { type FakeHost, attachFakeHost } from '../hardware/fake-host.js';
import { type BootFiles, netbootCatalog, startBootFiles } from '../hardware/netboot-catalog.js';
import { FAST_HARDWARE, type TestMachine, ipmiMachine, redfishMachine } from '../hardware/machines.js';
import { addDeviceArgs, cli, cliError, cliJson, cliWithInput, serverEnv } from './cli.js';

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
  let files: BootFiles;
  let fake: FakeHost;
  const IPMI_MAC = '52:54:00:aa:00:20';
  const add = (serial: string, m: TestMachine, ...more: string[]) =>
    cliWithInput(
      env,
      `${m.password}\n`,
      ...addDeviceArgs(serial),
      '--bmc',
      m.bmcUrl,
      '--bmc-password-stdin',
      ...more,
      '--json',
    );

  beforeAll(async () => {
    [rf, ipmi] = await Promise.all([redfishMachine(), ipmiMachine()]);
    // Instances on the IPMI machine are installed by network boot: a catalog that can, and the
    // fake host playing the machine.
    files = await startBootFiles();
    s = await startTestServer({
      EDCPS_CATALOG: netbootCatalog(files.base),
      ...FAST_HARDWARE,
      ...ipmi.env,
      EDCPS_POWER_SYNC_SECONDS: '0',
    });
    fake = attachFakeHost(ipmi, { bootBase: () => `http://${s.host}`, mac: IPMI_MAC });
    // The admin commands talk to the BMCs themselves: they need the same BMC settings as a server.
    env = serverEnv(s, { ...FAST_HARDWARE, ...ipmi.env });
  }, 60_000);
  afterAll(async () => {
    fake.detach();
    await s.stop();
    await files.close();
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
    const [d] = (
      await cliJson<{ devices: Device[] }>(env, 'devices', 'list', '--region', REGION)
    ).devices.filter((x) => x.serial === 'A-CLI-RF');
    expect(d).toMatchObject({ health: 'unhealthy', healthMessage: report.problems[0] });
  });

  it('powers an IPMI machine on, reads it, and off, printing what the BMC reports', async () => {
    expect((await add('A-CLI-IPMI', ipmi, '--mac', IPMI_MAC)).code).toBe(0);
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
      `edcps: device A-CLI-IPMI carries instance ${id}: it cannot switch between simulated and driven until the instance is deleted (or pass --force)`,
    );
    expect(await cliJson(env, 'devices', 'power', 'A-CLI-IPMI', 'off', '--force')).toMatchObject({
      power: 'off',
    });
    // A BMC gone for good: the operator makes the device simulated, and the instance can go.
    expect(await cliJson(env, 'devices', 'set-bmc', 'A-CLI-IPMI', 'none', '--force')).toMatchObject({
      driver: 'simulated',
      instanceId: id,
    });
    await s.sdk().deleteInstance({ regionId: REGION, instanceId: id });
    expect(await waitFor(s.sdk(), id, isStable)).toBe('gone');
    const { devices: listed } = await cliJson<{ devices: Device[] }>(
      env,
      'devices',
      'list',
      '--region',
      REGION,
    );
    expect(listed.find((d) => d.serial === 'A-CLI-IPMI')).toMatchObject({ status: 'available' });
    await cliWithInput(
      env,
      ipmi.password,
      'devices',
      'set-bmc',
      'A-CLI-IPMI',
      ipmi.bmcUrl,
      '--bmc-password-stdin',
    );
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

  it('tells refused IPMI credentials from an IPMI BMC that does not answer', async () => {
    await cliJson(
      env,
      'devices',
      'set-bmc',
      'A-CLI-IPMI',
      ipmi.bmcUrl.replace('://admin@', '://admin:wrong-pw@'),
    );
    const r = await cli(env, 'devices', 'check', 'A-CLI-IPMI', '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      reachable: true,
      authenticated: false,
      problems: [
        `BMC ${ipmi.sim.host}:${ipmi.sim.port}: authentication failed (RAKP 2 HMAC is invalid; Error: Unable to establish IPMI v2 / RMCP+ session); check the BMC user name and password`,
      ],
    });
    await cliWithInput(
      env,
      ipmi.password,
      'devices',
      'set-bmc',
      'A-CLI-IPMI',
      ipmi.bmcUrl,
      '--bmc-password-stdin',
    );
  });

  it('refuses BMC commands on a simulated device', async () => {
    const [sim] = (
      await cliJson<{ devices: Device[] }>(
        env,
        'devices',
        'list',
        '--region',
        REGION,
        '--status',
        'available',
      )
    ).devices.filter((d) => d.driver === 'simulated');
    expect(await cliError(env, 1, 'devices', 'check', sim!.serial)).toBe(
      `edcps: device ${sim!.serial} is simulated: it has no BMC (enroll one with edcps devices set-bmc)`,
    );
  });

  it('names the systems of a Redfish BMC with several, and uses the one given by path', async () => {
    const two = await redfishMachine({ systems: 2 });
    try {
      const e2 = { ...env, ...two.env };
      const url = two.bmcUrl.replace('://admin@', '://');
      const added = await cliWithInput(
        e2,
        two.password,
        ...addDeviceArgs('A-CLI-TWO'),
        '--bmc',
        url,
        '--bmc-username',
        'admin',
        '--bmc-password-stdin',
        '--json',
      );
      expect(JSON.parse(added.stdout)).toMatchObject({ bmcUrl: `redfish://admin:***@${two.sim.host}` });
      const r = await cli(e2, 'devices', 'check', 'A-CLI-TWO');
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `edcps: BMC ${two.sim.host}: the Systems collection has 2 members (${two.sim.system(0).path}, ${two.sim.system(1).path}); give the system path in the BMC URL, e.g. redfish://HOST/redfish/v1/Systems/ID\n`,
      );
      await cliWithInput(
        e2,
        two.password,
        'devices',
        'set-bmc',
        'A-CLI-TWO',
        `${url}${two.sim.system(1).path}`,
        '--bmc-username',
        'admin',
        '--bmc-password-stdin',
      );
      expect(await cliJson(e2, 'devices', 'power', 'A-CLI-TWO', 'on')).toMatchObject({ power: 'on' });
      expect([two.sim.system(0).power, two.sim.system(1).power]).toEqual(['Off', 'On']);
      await cliJson(e2, 'devices', 'retire', 'A-CLI-TWO');
    } finally {
      await two.close();
    }
  });

  it('refuses a BMC password given twice, and one missing', async () => {
    const twice = await cliWithInput(
      env,
      'x',
      ...addDeviceArgs('A-CLI-X'),
      '--bmc',
      'ipmi://admin:pw@127.0.0.1:9',
      '--bmc-password-stdin',
    );
    expect(twice.stderr).toBe(
      'edcps: device A-CLI-X: the BMC password is given twice (in the URL and separately); give it once\n',
    );
    expect(await cliError(env, 1, ...addDeviceArgs('A-CLI-X'), '--bmc', 'ipmi://admin@127.0.0.1:9')).toBe(
      'edcps: device A-CLI-X: the BMC password is missing: give it in the URL, in the device file, or with --bmc-password-stdin',
    );
  });
});
