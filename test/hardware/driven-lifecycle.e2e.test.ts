import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGION } from '../helpers/harness.js';
import type { TestServer } from '../helpers/sdk.js';
import { DRIVEN_SERIAL, createOne, eventsOf, isStable, serverWithMachine, waitFor } from './driven.js';
import { type TestMachine, ipmiMachine, redfishMachine } from './machines.js';

/**
 * The whole lifecycle through the official SDK on a machine played by a real IPMI BMC (OpenIPMI's
 * ipmi_sim) and by the Redfish BMC simulator: what each API call does to the machine itself.
 */
describe.each([
  ['ipmi', ipmiMachine],
  ['redfish', () => redfishMachine()],
] as const)('a driven machine (%s) through its lifecycle', (_kind, start) => {
  let m: TestMachine;
  let s: TestServer;
  let id: string;
  beforeAll(async () => {
    m = await start();
    s = await serverWithMachine(m);
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
    await m?.close();
  });

  it('createInstances network-boots the machine once and powers it on, then the instance runs', async () => {
    expect(m.power()).toBe('off');
    id = await createOne(s.sdk());
    expect(await waitFor(s.sdk(), id, isStable)).toBe('running');
    expect(m.power()).toBe('on');
    expect(m.boots()).toEqual(['pxe']);
    expect(m.overrideCleared()).toBe(true);
    const devices = await s.server.runtime.services.operator.listDevices({ region: REGION });
    expect(devices.find((d) => d.serial === DRIVEN_SERIAL)).toMatchObject({
      status: 'allocated',
      instanceId: id,
    });
    const install = (await eventsOf(s, id)).find((e) => e.step === 'install-os' && e.kind === 'step');
    expect(install?.reason).toMatch(/^done: one-time network boot \(UEFI\) set and the machine powered on$/);
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

  it('power sync: switched on behind edcps it shows running again', async () => {
    m.setPower('on');
    expect(await waitFor(s.sdk(), id, (st) => st === 'running', 15_000)).toBe('running');
  });

  it('deleteInstance powers the machine off and puts the device back in stock', async () => {
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
