import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGION } from '../helpers/harness.js';
import {
  DRIVEN_SERIAL,
  type DrivenServer,
  createOne,
  eventsOf,
  isStable,
  serverWithMachine,
  phoneHomeFrom,
  waitFor,
} from './driven.js';
import { type TestMachine, ipmiMachine, redfishMachine } from './machines.js';

/**
 * The whole lifecycle through the official SDK on a machine played by a real IPMI BMC (OpenIPMI's
 * ipmi_sim) or the Redfish BMC simulator, with the fake host playing its firmware, iPXE and
 * cloud-init: what each API call does to the machine itself.
 */
describe.each([
  ['ipmi', () => ipmiMachine()],
  ['redfish', () => redfishMachine()],
] as const)('a driven machine (%s) through its lifecycle', (kind, start) => {
  let m: TestMachine;
  let s: DrivenServer;
  let id: string;
  beforeAll(async () => {
    m = await start();
    s = await serverWithMachine(m);
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
    await m?.close();
  });

  it('createInstances network-boots the machine once, serves its seed, and runs once it phoned home', async () => {
    expect(m.power()).toBe('off');
    id = await createOne(s.sdk(), { hostname: 'node-a', password: 'Qm7$Zk9xTw' });
    expect(await waitFor(s.sdk(), id, isStable)).toBe('running');
    expect(m.power()).toBe('on');
    expect(m.boots()).toEqual(['pxe']);
    expect(m.overrideCleared()).toBe(true);
    const [boot] = s.fake.boots;
    expect(boot).toMatchObject({ outcome: 'installed', phoneHome: { status: 200 } });
    expect(boot!.metaData).toMatchObject({ 'instance-id': id, 'local-hostname': 'node-a' });
    expect(JSON.stringify(boot!.cloudConfig)).toMatch(/"\$6\$[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{86}"/);
    expect(boot!.files!['user-data']).not.toContain('Qm7$Zk9xTw');
    // The deployment is over: its token, and so its seed, is dead.
    expect((await fetch(`${boot!.seedUrl}meta-data`)).status).toBe(404);
    const devices = await s.server.runtime.services.operator.listDevices({ region: REGION });
    expect(devices.find((d) => d.serial === DRIVEN_SERIAL)).toMatchObject({
      status: 'allocated',
      instanceId: id,
    });
    const steps = (await eventsOf(s, id)).filter((e) => e.kind === 'step');
    expect(steps.find((e) => e.step === 'install-os')?.reason).toMatch(
      /^done: network-booted \(UEFI\), installed, and the installed system phoned home \(host keys: rsa SHA256:\S+, ecdsa SHA256:\S+, ed25519 SHA256:\S+\)$/,
    );
    expect(steps.find((e) => e.step === 'configure-raid')?.reason).toBe(
      kind === 'ipmi'
        ? "done: IPMI cannot configure RAID: the controller's existing layout is used"
        : 'done: volumes through Redfish Storage /redfish/v1/Systems/437XR1138R2/Storage/RAID.Integrated.1-1: system RAID1 on 2 drives; data RAID0 on 2 drives',
    );
  });

  it('stopInstance shuts the machine down gracefully', async () => {
    await s.sdk().stopInstance({ regionId: REGION, instanceId: id });
    expect(await waitFor(s.sdk(), id, isStable)).toBe('stopped');
    expect(m.power()).toBe('off');
    expect(m.gracefulShutdowns()).toBe(1);
  });

  it('startInstance powers it on from its disk', async () => {
    await s.sdk().startInstance({ regionId: REGION, instanceId: id });
    expect(await waitFor(s.sdk(), id, isStable)).toBe('running');
    expect(m.power()).toBe('on');
    expect(m.boots()).toEqual(['pxe', 'disk']);
  });

  it('restartInstance reboots it exactly once', async () => {
    await s.sdk().restartInstance({ regionId: REGION, instanceId: id });
    expect(await waitFor(s.sdk(), id, isStable)).toBe('running');
    expect(m.power()).toBe('on');
    expect(m.boots()).toEqual(['pxe', 'disk', 'disk']);
    expect(m.gracefulShutdowns()).toBe(2);
  });

  it('power sync: a machine switched off behind edcps shows stopped, with an event', async () => {
    m.setPower('off');
    expect(await waitFor(s.sdk(), id, (st) => st === 'stopped', 15_000)).toBe('stopped');
    const last = (await eventsOf(s, id)).at(-1);
    expect(last).toMatchObject({ kind: 'status', to_status: 'stopped' });
    expect(last?.reason).toMatch(/^power sync: BMC 127\.0\.0\.1:\d+ reports the machine off, outside edcps$/);
  });

  it('reinstallInstance network-boots it again with the new hostname and password', async () => {
    const os = await s.sdk().describeOS({ regionId: REGION, deviceType: 'edcps.c.normal1' });
    const target = (os.result.oss as { osTypeId: string }[]).at(-1)!.osTypeId;
    const raids = (await s.sdk().describeDeviceRaids({ regionId: REGION, deviceType: 'edcps.c.normal1' }))
      .result.raids as { raidTypeId: string; volumeType: string; raidType: string }[];
    await s.sdk().reinstallInstance({
      regionId: REGION,
      instanceId: id,
      instanceSpec: {
        az: 'cn-east-tz1a',
        imageType: 'standard',
        osTypeId: target,
        sysRaidTypeId: raids.find((r) => r.volumeType === 'system')!.raidTypeId,
        dataRaidTypeId: raids.find((r) => r.volumeType === 'data')!.raidTypeId,
        hostname: 'node-b',
        password: 'Zx8#Pk2mQw',
        keepData: 'yes',
      },
    });
    expect(await waitFor(s.sdk(), id, isStable)).toBe('running');
    expect(m.boots().at(-1)).toBe('pxe');
    const boot = s.fake.boots.at(-1)!;
    expect(boot).toMatchObject({ outcome: 'installed', metaData: { 'local-hostname': 'node-b' } });
    expect(boot.files!['user-data']).not.toContain('Zx8#Pk2mQw');
    const inst = await s.sdk().describeInstance({ regionId: REGION, instanceId: id });
    expect(inst.result.instance).toMatchObject({ osTypeId: target });
    if (kind === 'redfish') {
      const raid = (await eventsOf(s, id)).filter((e) => e.step === 'configure-raid').at(-1);
      expect(raid?.reason).toMatch(/data volume kept \(RAID0\)$/);
    }
  });

  it('deleteInstance powers the machine off and puts the device back in stock', async () => {
    await s.sdk().stopInstance({ regionId: REGION, instanceId: id });
    expect(await waitFor(s.sdk(), id, isStable)).toBe('stopped');
    await s.sdk().deleteInstance({ regionId: REGION, instanceId: id });
    expect(await waitFor(s.sdk(), id, isStable)).toBe('gone');
    expect(m.power()).toBe('off');
    const devices = await s.server.runtime.services.operator.listDevices({ region: REGION });
    expect(devices.find((d) => d.serial === DRIVEN_SERIAL)).toMatchObject({
      status: 'available',
      instanceId: '',
      driver: m.kind,
      power: 'off',
      health: 'ok',
    });
  });
});

describe('deleting a driven instance with cleaning on (EDCPS_CLEANING=wipe)', () => {
  let m: Awaited<ReturnType<typeof redfishMachine>>;
  let s: DrivenServer;
  beforeAll(async () => {
    m = await redfishMachine();
    s = await serverWithMachine(m, { EDCPS_CLEANING: 'wipe' });
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
    await m?.close();
  });

  it('network-boots the cleaning image, waits for its phone-home, powers off, and only then returns the device', async () => {
    const id = await createOne(s.sdk());
    expect(await waitFor(s.sdk(), id, isStable)).toBe('running');
    s.fake.behaviour = 'silent'; // the cleaning image runs until the test lets it report
    await s.sdk().deleteInstance({ regionId: REGION, instanceId: id });
    const clean = await s.fake.nextBoot(2, { timeoutMs: 20_000 });
    expect(clean.outcome).toBe('silent');
    // While the cleaning image runs, the device is not back in stock.
    await new Promise((r) => setTimeout(r, 300));
    const during = await s.server.runtime.services.operator.listDevices({ region: REGION });
    expect(during.find((d) => d.serial === DRIVEN_SERIAL)?.status).toBe('allocated');
    const posted = await phoneHomeFrom(clean, { instance_id: 'clean' });
    expect(posted.status).toBe(200);
    expect(String(clean.metaData?.['instance-id'])).toMatch(/^clean-dev-/);
    // Nothing of the tenant's reaches the cleaning image.
    expect(clean.files!['user-data']).not.toMatch(/\$6\$|ssh_authorized_keys/);
    expect(await waitFor(s.sdk(), id, isStable)).toBe('gone');
    expect(m.power()).toBe('off');
    expect(m.boots()).toEqual(['pxe', 'pxe']);
    const after = await s.server.runtime.services.operator.listDevices({ region: REGION });
    expect(after.find((d) => d.serial === DRIVEN_SERIAL)?.status).toBe('available');
    const wipe = (await eventsOf(s, id)).find((e) => e.step === 'wipe-disks' && e.kind === 'step');
    expect(wipe?.reason).toBe('done: cleaned (the cleaning image phoned home) and powered off');
  });
});
