import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminHarness, createAdminHarness, expectError, ok } from '../api/admin-harness.js';
import { AZ, DEVICE_TYPE, REGION } from '../helpers/harness.js';
import { spec } from '../helpers/instances.js';
import { FAST_HARDWARE, ipmiMachine, redfishMachine } from './machines.js';
import { type BootFiles, netbootCatalog, startBootFiles } from './netboot-catalog.js';

interface Check {
  serial: string;
  driver: string;
  bmcUrl: string;
  reachable: boolean;
  authenticated: boolean;
  power: string;
  bootOverride: { supported: boolean } | null;
  problems: string[];
}

interface Device {
  serial: string;
  power: string;
  health: string;
  healthMessage: string;
  status: string;
  instanceId: string;
}

// Serials sort before the built-in fleet's, so a new instance of the type lands on the IPMI one.
const IPMI_SERIAL = 'A-API-IPMI';
const RF_SERIAL = 'A-API-RF';

/**
 * The operator API's powerDevice and checkDevice over HTTP (signed, through every plugin),
 * against real BMC doubles: OpenIPMI's ipmi_sim spoken to by ipmitool, and the Redfish
 * simulator over TLS. What the CLI tests show for the local commands, shown here for the wire:
 * status codes, the JD envelope, and what the machine really went through.
 */
describe('operator API: powerDevice and checkDevice on machines with a BMC', () => {
  let h: AdminHarness;
  let rf: Awaited<ReturnType<typeof redfishMachine>>;
  let ipmi: Awaited<ReturnType<typeof ipmiMachine>>;
  let files: BootFiles;
  const power = (serial: string, body: Record<string, unknown>) =>
    h.call('POST', `/admin/v1/devices/${serial}:power`, { body });
  const check = (serial: string) => h.call('POST', `/admin/v1/devices/${serial}:check`);
  const device = async (serial: string) => ok<Device>(await h.call('GET', `/admin/v1/devices/${serial}`));
  const commands = () =>
    ipmi.sim
      .events()
      .filter((e) => e.kind === 'command')
      .map((e) => (e as { command: string }).command);

  beforeAll(async () => {
    [rf, ipmi] = await Promise.all([redfishMachine(), ipmiMachine()]);
    // No reconciler runs in the harness: an instance created here keeps its device, untouched.
    files = await startBootFiles();
    h = await createAdminHarness({
      EDCPS_CATALOG: netbootCatalog(files.base),
      ...FAST_HARDWARE,
      ...ipmi.env,
      ...rf.env,
    });
    const at = { region: REGION, az: AZ, deviceType: DEVICE_TYPE };
    ok(
      await h.call('POST', '/admin/v1/devices', {
        body: {
          devices: [
            { ...at, serial: IPMI_SERIAL, bmcUrl: ipmi.bmcUrl, bmcPassword: ipmi.password },
            { ...at, serial: RF_SERIAL, bmcUrl: rf.bmcUrl, bmcPassword: rf.password },
          ],
        },
      }),
    );
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await files?.close();
    await rf?.close();
    await ipmi?.close();
  });

  it('checkDevice reports both BMCs reachable, authenticated, powered off and able to network-boot once', async () => {
    for (const [serial, m, driver] of [
      [IPMI_SERIAL, ipmi, 'ipmi'],
      [RF_SERIAL, rf, 'redfish'],
    ] as const) {
      const res = await check(serial);
      expect(ok<Check>(res)).toMatchObject({
        serial,
        driver,
        reachable: true,
        authenticated: true,
        power: 'off',
        bootOverride: { supported: true },
        problems: [],
      });
      expect(res.raw.body).not.toContain(m.password);
      expect(await device(serial)).toMatchObject({ power: 'off', health: 'ok', healthMessage: '' });
    }
  });

  it('powerDevice turns the IPMI machine on, cycles it and turns it off, answering the power it settled in', async () => {
    expect(ok(await power(IPMI_SERIAL, { action: 'status' }))).toEqual({
      deviceId: expect.any(String),
      serial: IPMI_SERIAL,
      power: 'off',
    });
    expect(commands()).toEqual([]);
    expect(ok(await power(IPMI_SERIAL, { action: 'on' }))).toMatchObject({ power: 'on' });
    expect(ipmi.power()).toBe('on');
    expect(ok(await power(IPMI_SERIAL, { action: 'cycle' }))).toMatchObject({ power: 'on' });
    expect(ok(await power(IPMI_SERIAL, { action: 'off' }))).toMatchObject({ power: 'off' });
    expect(ipmi.power()).toBe('off');
    expect(commands()).toEqual(['on', 'cycle', 'off']);
    expect(await device(IPMI_SERIAL)).toMatchObject({ power: 'off', health: 'ok' });
  });

  it('powerDevice drives the Redfish machine over TLS the same way', async () => {
    expect(ok(await power(RF_SERIAL, { action: 'on' }))).toMatchObject({ serial: RF_SERIAL, power: 'on' });
    expect(rf.power()).toBe('on');
    expect(await device(RF_SERIAL)).toMatchObject({ power: 'on', health: 'ok' });
    expect(ok(await power(RF_SERIAL, { action: 'off' }))).toMatchObject({ power: 'off' });
    expect(rf.power()).toBe('off');
    expect(rf.sim.system().resets.map((r) => r.type)).toEqual(['On', 'ForceOff']);
  });

  it('refuses to change the power of a device an instance uses, unless force; reading it is allowed', async () => {
    const created = await h.call('PUT', `/v1/regions/${REGION}/instances`, {
      body: { instanceSpec: spec() },
      as: h.user,
    });
    expect(created.statusCode, JSON.stringify(created.body)).toBe(200);
    const [id] = (created.body.result as { instanceIds: string[] }).instanceIds;
    expect(await device(IPMI_SERIAL)).toMatchObject({ status: 'allocated', instanceId: id });
    const before = commands().length;
    await h.refused(
      () => power(IPMI_SERIAL, { action: 'on' }),
      400,
      'FAILED_PRECONDITION',
      `device ${IPMI_SERIAL} carries instance ${id}: change its power through the instance (startInstance, stopInstance, restartInstance), or pass --force`,
    );
    expect(commands()).toHaveLength(before);
    expect(ok(await power(IPMI_SERIAL, { action: 'status' }))).toMatchObject({ power: 'off' });
    expect(ok(await power(IPMI_SERIAL, { action: 'on', force: true }))).toMatchObject({ power: 'on' });
    expect(ipmi.power()).toBe('on');
    expect(ok(await power(IPMI_SERIAL, { action: 'off', force: true }))).toMatchObject({ power: 'off' });
  });

  it('a BMC that refuses the credentials: checkDevice says so, powerDevice answers 503, neither shows the password', async () => {
    const wrong = 'wrong-pw-4711';
    ok(
      await h.call('PUT', `/admin/v1/devices/${RF_SERIAL}/bmc`, {
        body: { bmcUrl: rf.bmcUrl, bmcPassword: wrong },
      }),
    );
    const res = await check(RF_SERIAL);
    const report = ok<Check>(res);
    const refusal = `BMC ${rf.sim.host}: opening a session: authentication failed (HTTP 401); check the BMC user name and password`;
    expect(report).toMatchObject({ reachable: true, authenticated: false, power: '', problems: [refusal] });
    const denied = await power(RF_SERIAL, { action: 'status' });
    expectError(denied, 503, 'UNAVAILABLE', refusal);
    for (const body of [res.raw.body, denied.raw.body]) {
      expect(body).not.toContain(wrong);
      expect(body).not.toContain(rf.password);
    }
    expect(await device(RF_SERIAL)).toMatchObject({ health: 'unhealthy', healthMessage: refusal });
    ok(
      await h.call('PUT', `/admin/v1/devices/${RF_SERIAL}/bmc`, {
        body: { bmcUrl: rf.bmcUrl, bmcPassword: rf.password },
      }),
    );
    expect(ok<Check>(await check(RF_SERIAL))).toMatchObject({ authenticated: true, problems: [] });
    expect(await device(RF_SERIAL)).toMatchObject({ health: 'ok', healthMessage: '' });
  });

  it('a BMC that does not answer: powerDevice answers 503 naming it, checkDevice reports it unreachable', async () => {
    await ipmi.sim.stop();
    try {
      const bmc = `BMC ${ipmi.sim.host}:${ipmi.sim.port}`;
      const gone = await power(IPMI_SERIAL, { action: 'status' });
      expectError(gone, 503, 'UNAVAILABLE', new RegExp(`^${bmc.replace(/\./g, '\\.')}: `));
      const report = ok<Check>(await check(IPMI_SERIAL));
      expect(report).toMatchObject({ reachable: false, authenticated: false, power: '' });
      expect(report.problems).toHaveLength(1);
      expect(report.problems[0]).toMatch(new RegExp(`^${bmc.replace(/\./g, '\\.')}: `));
      expect(await device(IPMI_SERIAL)).toMatchObject({ health: 'unhealthy' });
    } finally {
      await ipmi.sim.start();
    }
    expect(ok(await power(IPMI_SERIAL, { action: 'status' }))).toMatchObject({ power: 'off' });
  });
});
