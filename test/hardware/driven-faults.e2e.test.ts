import { afterEach, describe, expect, it } from 'vitest';
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

/** BMC failures: retried with back-off, then `error` naming the BMC and the cause, never the password. */
describe('driven machines when the BMC fails', () => {
  let m: TestMachine | undefined;
  let s: DrivenServer | undefined;
  afterEach(async () => {
    await s?.stop();
    await m?.close();
    s = undefined;
    m = undefined;
  });

  const deviceRow = async () =>
    (await s!.server.runtime.services.operator.listDevices({ region: REGION })).find(
      (d) => d.serial === DRIVEN_SERIAL,
    )!;

  it('a Redfish BMC answering 500 is retried, then the instance is in error with the host and the cause', async () => {
    const r = await redfishMachine();
    m = r;
    s = await serverWithMachine(r);
    r.sim.setFault({ mode: 'server-error' });
    const id = await createOne(s.sdk());
    expect(await waitFor(s.sdk(), id, isStable, 60_000)).toBe('error');
    const events = await eventsOf(s, id);
    const retries = events.filter((e) => e.reason.startsWith('attempt '));
    expect(retries.length).toBe(4);
    const last = events.at(-1)!;
    expect(last.to_status).toBe('error');
    expect(last.reason).toBe(
      `gave up after 5 attempts: BMC ${r.sim.host}: reading the service root: HTTP 500 (The request failed due to an internal service error.  The service is still operational.)`,
    );
    expect(JSON.stringify(events)).not.toContain(r.password);
    expect((await deviceRow()).health).toBe('unhealthy');
    // The fault gone, the instance can be deleted and the machine goes back to stock.
    r.sim.setFault({ mode: 'none' });
    await s.sdk().deleteInstance({ regionId: REGION, instanceId: id });
    expect(await waitFor(s.sdk(), id, isStable)).toBe('gone');
    expect((await deviceRow()).status).toBe('available');
  }, 90_000);

  it('an IPMI BMC that does not answer is retried, then the instance is in error naming it', async () => {
    const i = await ipmiMachine();
    m = i;
    s = await serverWithMachine(i, { EDCPS_BMC_TIMEOUT_SECONDS: '2' });
    await i.sim.stop();
    const id = await createOne(s.sdk());
    expect(await waitFor(s.sdk(), id, isStable, 80_000)).toBe('error');
    const last = (await eventsOf(s, id)).at(-1)!;
    expect(last.reason).toMatch(
      new RegExp(
        `^gave up after 5 attempts: BMC 127\\.0\\.0\\.1:${i.sim.port}: (no IPMI session|no answer within 2 s)`,
      ),
    );
    expect(last.reason).not.toContain(i.password);
  }, 120_000);

  it('a power command whose answer is lost is not sent twice: the retry finds the machine on', async () => {
    const r = await redfishMachine();
    m = r;
    s = await serverWithMachine(r);
    // The first reset (install-os powering on) is carried out, then its connection is reset.
    r.sim.setFault({ mode: 'lost-answer', method: 'POST', path: '/ComputerSystem.Reset' }, { requests: 1 });
    const id = await createOne(s.sdk());
    expect(await waitFor(s.sdk(), id, isStable)).toBe('running');
    expect(r.boots()).toEqual(['pxe']);
    expect(r.sim.system().resets.map((x) => x.type)).toEqual(['On']);
    expect(
      (await eventsOf(s, id)).some((e) => /^attempt 1 failed, retrying in \d+ s: BMC /.test(e.reason)),
    ).toBe(true);
  });

  it('an OS that ignores the ACPI shutdown is forced off after the shutdown timeout', async () => {
    const r = await redfishMachine({ acpiIgnored: true });
    m = r;
    s = await serverWithMachine(r, { EDCPS_BMC_SHUTDOWN_TIMEOUT_SECONDS: '1' });
    const id = await createOne(s.sdk());
    expect(await waitFor(s.sdk(), id, isStable)).toBe('running');
    await s.sdk().stopInstance({ regionId: REGION, instanceId: id });
    expect(await waitFor(s.sdk(), id, isStable)).toBe('stopped');
    expect(r.sim.system().resets.map((x) => x.type)).toEqual(['On', 'GracefulShutdown', 'ForceOff']);
    const off = (await eventsOf(s, id)).filter((e) => e.step === 'power-off' && e.kind === 'step');
    expect(off.at(-1)?.reason).toBe('done: forced off after the graceful shutdown timed out');
  });

  it('follows task monitors and sends If-Match to a Redfish BMC that demands both', async () => {
    const r = await redfishMachine({ asyncReset: true, requireIfMatch: true });
    m = r;
    s = await serverWithMachine(r);
    const id = await createOne(s.sdk());
    expect(await waitFor(s.sdk(), id, isStable)).toBe('running');
    expect(r.boots()).toEqual(['pxe']);
    const patches = r.sim.requests.filter((q) => q.method === 'PATCH');
    expect(patches).toHaveLength(1);
    expect(patches[0]).toMatchObject({ status: 200, ifMatch: expect.stringMatching(/^W\/"\d+"$/) });
    expect(r.sim.requests.some((q) => q.method === 'GET' && q.path.includes('/TaskMonitors/'))).toBe(true);
  });

  it('a machine that never phones home fails install-os at each deadline, then the instance is in error', async () => {
    const r = await redfishMachine();
    m = r;
    // A deadline long enough for the fake host to fetch its seed on a loaded machine.
    s = await serverWithMachine(r, {}, { installTimeoutSeconds: 4 });
    s.fake.behaviour = 'silent';
    const id = await createOne(s.sdk());
    expect(await waitFor(s.sdk(), id, isStable, 150_000)).toBe('error');
    const last = (await eventsOf(s, id)).at(-1)!;
    expect(last.reason).toMatch(
      new RegExp(
        `^gave up after 5 attempts: the machine \\(BMC ${r.sim.host.replace(/\./g, '\\.')}\\) did not phone home after its network boot within \\d+ s$`,
      ),
    );
    // Every attempt network-booted the machine afresh; no seed outlives its deployment.
    expect(s.fake.boots.length).toBe(5);
    expect(s.fake.boots.every((b) => b.outcome === 'silent')).toBe(true);
    expect((await fetch(`${s.fake.boots.at(-1)!.seedUrl}user-data`)).status).toBe(404);
  }, 180_000);

  it('a phone-home with a wrong token is refused, and the next network boot completes the install', async () => {
    const r = await redfishMachine();
    m = r;
    s = await serverWithMachine(r, {}, { installTimeoutSeconds: 4 });
    s.fake.behaviour = 'wrong-token';
    const id = await createOne(s.sdk());
    const first = await s.fake.nextBoot(1, { timeoutMs: 20_000 });
    expect(first).toMatchObject({ outcome: 'phone-home-refused', phoneHome: { status: 404 } });
    s.fake.behaviour = 'install';
    expect(await waitFor(s.sdk(), id, isStable, 60_000)).toBe('running');
    expect(s.fake.boots.map((b) => b.outcome)).toEqual(['phone-home-refused', 'installed']);
    expect(
      (await eventsOf(s, id)).some((e) => /^attempt 1 failed, retrying in \d+ s: the machine/.test(e.reason)),
    ).toBe(true);
  }, 90_000);

  it('a BMC failing while the machine installs is retried without booting the machine again', async () => {
    const r = await redfishMachine();
    m = r;
    s = await serverWithMachine(r);
    s.fake.behaviour = 'silent';
    const id = await createOne(s.sdk());
    const boot = await s.fake.nextBoot(1, { timeoutMs: 20_000 });
    // Fewer failures than the retry budget (5 attempts): each attempt fails on its first request.
    r.sim.setFault({ mode: 'server-error' }, { requests: 3 });
    await new Promise((x) => setTimeout(x, 300));
    // cloud-init of the installed system reports, as it would have.
    const posted = await phoneHomeFrom(boot, { instance_id: id, hostname: 'cli-node' });
    expect(posted.status).toBe(200);
    expect(await waitFor(s.sdk(), id, isStable, 60_000)).toBe('running');
    expect(r.boots()).toEqual(['pxe']);
    expect(
      (await eventsOf(s, id)).some((e) =>
        /^attempt \d failed, retrying in \d+ s: BMC .*HTTP 500/.test(e.reason),
      ),
    ).toBe(true);
  }, 90_000);

  it('power sync marks a device whose BMC cannot be read unhealthy and leaves its instance alone', async () => {
    const r = await redfishMachine();
    m = r;
    s = await serverWithMachine(r);
    const id = await createOne(s.sdk());
    expect(await waitFor(s.sdk(), id, isStable)).toBe('running');
    r.sim.setFault({ mode: 'unreachable' });
    const deadline = Date.now() + 15_000;
    while ((await deviceRow()).health !== 'unhealthy' && Date.now() < deadline)
      await new Promise((x) => setTimeout(x, 100));
    expect(await deviceRow()).toMatchObject({
      health: 'unhealthy',
      healthMessage: expect.stringMatching(
        new RegExp(`^BMC ${r.sim.host.replace(/\./g, '\\.')}: connection closed`),
      ),
    });
    const metrics = await (await fetch(`http://${s.host}/metrics`)).text();
    expect(metrics).toContain(`edcps_devices_unhealthy{region="${REGION}"} 1`);
    const inst = await s.sdk().describeInstance({ regionId: REGION, instanceId: id });
    expect((inst.result.instance as { status: string }).status).toBe('running');
  });
});
