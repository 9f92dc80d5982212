import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/domain/clock.js';
import { type Driver, stepFaultsFrom } from '../../src/provision/driver.js';
import { createSimulatedDriver } from '../../src/provision/drivers/simulated/simulated-driver.js';
import { MAX_ATTEMPTS, backoffMs, createReconciler } from '../../src/provision/reconciler.js';
import { advanceSimTime } from '../../src/domain/operator/sim-clock.js';
import { SettleTimeoutError, settle, settleDue } from '../../src/provision/settle.js';
import { listEvents } from '../../src/store/repositories/events-repo.js';
import { claimDue } from '../../src/store/repositories/instances-repo.js';
import { REGION, type TestHarness, createHarness, errorOf } from '../helpers/harness.js';
import { PASSWORD, createIds, spec } from '../helpers/instances.js';

const CREATE_STEPS = [
  'allocate',
  'configure-raid',
  'install-os',
  'configure-network',
  'inject-credentials',
  'power-on',
];

let h: TestHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A clock the test moves by hand; `manual` makes it one of manual time mode (Clock.manual). */
function manualClock(start = Date.UTC(2030, 0, 1), manual = false): Clock & { advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms), ...(manual ? { manual: true } : {}) };
}

const rowOf = (id: string) =>
  h!.runtime.store.db.selectFrom('instances').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

/** The (kind, step/to, reason) history of an instance. */
async function history(id: string) {
  return (await listEvents(h!.runtime.store.db, id)).map((e) =>
    e.kind === 'status' ? `status ${e.from_status}->${e.to_status}` : `step ${e.step} ${e.reason}`,
  );
}

/** Wraps a driver so a test can hold its calls until released. */
function gated(inner: Driver) {
  let open: () => void = () => undefined;
  let gate: Promise<void> | undefined;
  let entered: () => void = () => undefined;
  const inside = new Promise<void>((r) => (entered = r));
  return {
    driver: {
      name: 'gated',
      async runSteps(reqs) {
        entered();
        if (gate) await gate;
        return inner.runSteps(reqs);
      },
    } satisfies Driver,
    hold() {
      gate = new Promise<void>((r) => (open = r));
    },
    release: () => open(),
    inside,
  };
}

describe('reconciler', () => {
  it('carries a new instance through every create step to running, one event per step', async () => {
    h = await createHarness();
    const [id] = await createIds(h, spec());
    const r = createReconciler(h.runtime.services.deps);
    expect(await r.runOnce()).toBe(1);
    await r.stop();
    expect(await rowOf(id)).toMatchObject({
      status: 'running',
      action: null,
      step: null,
      next_run_at: null,
      lease_owner: null,
    });
    expect(await history(id)).toEqual([
      'status ->creating',
      ...CREATE_STEPS.map((s) => `step ${s} done`),
      'status creating->running',
    ]);
  });

  it('runs no step before it is due, then one step per due time', async () => {
    const clock = manualClock();
    h = await createHarness({ env: { EDCPS_TIME_SCALE: '1' }, clock });
    const [id] = await createIds(h, spec());
    const r = createReconciler(h.runtime.services.deps);
    expect(await r.runOnce()).toBe(0);
    clock.advance(2000); // allocate takes 2 s in the catalog
    expect(await r.runOnce()).toBe(1);
    expect(await rowOf(id)).toMatchObject({
      status: 'creating',
      step: 'configure-raid',
      next_run_at: clock.now() + 8000,
    });
    clock.advance(7999);
    expect(await r.runOnce()).toBe(0);
    clock.advance(1);
    expect(await r.runOnce()).toBe(1);
    expect((await rowOf(id)).step).toBe('install-os');
    await r.stop();
  });

  it('never lets two reconcilers claim the same instance', async () => {
    h = await createHarness();
    await h.runtime.services.accounts.setQuota('default', REGION, { instances: 100 });
    const ids = await createIds(h, spec({ count: 30 }));
    const deps = h.runtime.services.deps;
    const a = createReconciler(deps, { batchSize: 7 });
    const b = createReconciler(deps, { batchSize: 7 });
    const work = async (r: typeof a) => {
      while ((await r.runOnce()) > 0) {
        /* keep going until nothing is due */
      }
    };
    await Promise.all([work(a), work(b), work(a), work(b)]);
    await Promise.all([a.stop(), b.stop()]);
    for (const id of ids) {
      expect(await history(id)).toEqual([
        'status ->creating',
        ...CREATE_STEPS.map((s) => `step ${s} done`),
        'status creating->running',
      ]);
    }
  });

  it('does not claim a row whose lease is held by another worker', async () => {
    h = await createHarness();
    const [id] = await createIds(h, spec());
    const now = Date.now();
    const db = h.runtime.store.db;
    const first = await claimDue(db, {
      owner: 'w1',
      now: Date.now(),
      leaseNow: now,
      leaseUntil: now + 10_000,
      limit: 10,
    });
    const second = await claimDue(db, {
      owner: 'w2',
      now: Date.now(),
      leaseNow: now,
      leaseUntil: now + 10_000,
      limit: 10,
    });
    expect([first.map((r) => r.id), second]).toEqual([[id], []]);
    const later = await claimDue(db, {
      owner: 'w2',
      now: Date.now(),
      leaseNow: now + 10_001,
      leaseUntil: now + 20_000,
      limit: 10,
    });
    expect(later.map((r) => [r.id, r.lease_owner])).toEqual([[id, 'w2']]);
  });

  it("takes over an expired lease, and the slow worker's late result is discarded", async () => {
    h = await createHarness();
    const [id] = await createIds(h, spec());
    const deps = h.runtime.services.deps;
    const t0 = Date.now();
    const g = gated(createSimulatedDriver(deps.store));
    g.hold();
    // The slow worker's clock stands still: even its renewals cannot push the lease past t0 + 1 s.
    const slow = createReconciler(deps, {
      driver: g.driver,
      owner: 'slow',
      leaseMs: 1000,
      leaseClock: () => t0,
    });
    const pass = slow.runOnce();
    await g.inside;
    const wall = t0 + 1001;
    const fast = createReconciler(deps, { owner: 'fast', leaseClock: () => wall });
    expect(await fast.runOnce()).toBe(1);
    g.release();
    await pass;
    await Promise.all([slow.stop(), fast.stop()]);
    expect((await rowOf(id)).status).toBe('running');
    expect(await history(id)).toEqual([
      'status ->creating',
      ...CREATE_STEPS.map((s) => `step ${s} done`),
      'status creating->running',
    ]);
  });

  it('renews its leases while a step runs', async () => {
    h = await createHarness();
    const [id] = await createIds(h, spec());
    const deps = h.runtime.services.deps;
    const g = gated(createSimulatedDriver(deps.store));
    g.hold();
    const r = createReconciler(deps, { driver: g.driver, leaseMs: 300 });
    const pass = r.runOnce();
    await g.inside;
    const before = (await rowOf(id)).lease_until!;
    await new Promise((res) => setTimeout(res, 450));
    expect((await rowOf(id)).lease_until!).toBeGreaterThan(before);
    g.release();
    await pass;
    await r.stop();
  });

  it('puts an instance in error with the reason when a step fails fatally, keeping its resources', async () => {
    h = await createHarness();
    const [id] = await createIds(h, spec({ password: PASSWORD }));
    const faults = stepFaultsFrom(async (p) =>
      p.step === 'install-os' ? { message: 'disk 3 did not answer' } : undefined,
    );
    const r = createReconciler(h.runtime.services.deps, { faults });
    await r.runOnce();
    await r.stop();
    const row = await rowOf(id);
    expect(row).toMatchObject({
      status: 'error',
      last_error: 'disk 3 did not answer',
      action: null,
      step: null,
      secrets_sealed: null,
    });
    expect(await history(id)).toEqual([
      'status ->creating',
      'step allocate done',
      'step configure-raid done',
      'step install-os failed: disk 3 did not answer',
      'status creating->error',
    ]);
    const device = await h.runtime.store.db
      .selectFrom('devices')
      .selectAll()
      .where('instance_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(device.status).toBe('allocated');
    const status = await h.call('GET', `/regions/${REGION}/instances/${id}:describeInstanceStatus`);
    expect(status.body.result).toEqual({ cpus: false, mems: false, disks: false, nics: false });
  });

  it('consults the operator fault table by default', async () => {
    h = await createHarness();
    const [id] = await createIds(h, spec());
    await h.runtime.store.db
      .insertInto('faults')
      .values({
        id: 'flt-test',
        scope: 'step',
        operation: '',
        step: 'power-on',
        instance_id: id,
        device_type: '',
        code: 0,
        status: '',
        message: 'BMC refused power on',
        remaining: 1,
        probability: null,
        delay_ms: 0,
        fired: 0,
        created_at: Date.now(),
      })
      .execute();
    await settle(h.runtime.services.deps);
    expect(await rowOf(id)).toMatchObject({ status: 'error', last_error: 'BMC refused power on' });
  });

  it('a pass whose deferred driver writes fail records no progress and gives its leases back', async () => {
    h = await createHarness();
    const [id] = await createIds(h, spec());
    const before = await rowOf(id);
    const events = await history(id);
    const inner = createSimulatedDriver(h.runtime.store);
    const failing: Driver = {
      name: 'failing-finish',
      async runSteps(reqs, pass) {
        pass?.atFinish(() => Promise.reject(new Error('disk I/O error')));
        return inner.runSteps(reqs, pass);
      },
    };
    const r = createReconciler(h.runtime.services.deps, { driver: failing });
    await expect(r.runOnce()).rejects.toThrow('disk I/O error');
    await r.stop();
    expect(await rowOf(id)).toMatchObject({
      status: before.status,
      step: before.step,
      attempts: 0,
      lease_owner: null,
    });
    expect(await history(id)).toEqual(events);
    // The steps run again from where they were: the next pass completes the creation.
    const again = createReconciler(h.runtime.services.deps);
    expect(await again.runOnce()).toBe(1);
    await again.stop();
    expect(await rowOf(id)).toMatchObject({ status: 'running', step: null });
  });

  it('retries a retryable failure with back-off, then gives up after the last attempt', async () => {
    const clock = manualClock();
    h = await createHarness({ clock });
    const [id] = await createIds(h, spec());
    const flaky: Driver = {
      name: 'flaky',
      runSteps: async (reqs) => reqs.map(() => ({ kind: 'failed', retryable: true, message: 'BMC timeout' })),
    };
    const r = createReconciler(h.runtime.services.deps, { driver: flaky, random: () => 0.5 });
    await r.runOnce();
    let row = await rowOf(id);
    expect(row).toMatchObject({
      status: 'creating',
      step: 'allocate',
      attempts: 1,
      last_error: 'BMC timeout',
    });
    expect(row.next_run_at).toBe(clock.now() + backoffMs(1, () => 0.5));
    for (let i = 2; i <= MAX_ATTEMPTS; i++) {
      clock.advance(120_000);
      await r.runOnce();
    }
    await r.stop();
    row = await rowOf(id);
    expect(row).toMatchObject({
      status: 'error',
      last_error: `gave up after ${MAX_ATTEMPTS} attempts: BMC timeout`,
    });
    expect((await history(id)).filter((e) => e.startsWith('step allocate attempt'))).toHaveLength(
      MAX_ATTEMPTS - 1,
    );
  });

  it('doubles the back-off per attempt, capped at a minute, with jitter', () => {
    expect([1, 2, 3, 7, 10].map((a) => backoffMs(a, () => 0.5))).toEqual([1000, 2000, 4000, 60_000, 60_000]);
    expect(backoffMs(1, () => 0)).toBe(500);
    expect(backoffMs(1, () => 0.999)).toBeLessThan(1500);
  });

  it('settles one instance without touching the others', async () => {
    h = await createHarness();
    const [a, b] = await createIds(h, spec({ count: 2 }));
    await settle(h.runtime.services.deps, { instanceId: a });
    expect([(await rowOf(a)).status, (await rowOf(b)).status]).toEqual(['running', 'creating']);
  });

  it('settle waits for instances leased by another process, then gives up', async () => {
    h = await createHarness();
    await createIds(h, spec());
    const now = Date.now();
    await claimDue(h.runtime.store.db, {
      owner: 'elsewhere',
      now,
      leaseNow: now,
      leaseUntil: now + 60_000,
      limit: 10,
    });
    await expect(settle(h.runtime.services.deps, { timeoutMs: 200 })).rejects.toBeInstanceOf(
      SettleTimeoutError,
    );
  });

  it('runs every lifecycle action to its end state', async () => {
    h = await createHarness();
    const [id] = await createIds(h, spec());
    const deps = h.runtime.services.deps;
    const act = async (op: string, body: object = {}) => {
      const res = await h!.call('PUT', `/regions/${REGION}/instances/${id}:${op}`, { body });
      expect(res.statusCode).toBe(200);
      await settle(deps);
      return (await rowOf(id)).status;
    };
    await settle(deps);
    expect(await act('stopInstance')).toBe('stopped');
    expect(await act('startInstance')).toBe('running');
    expect(await act('restartInstance')).toBe('running');
    expect(await act('stopInstance')).toBe('stopped');
    expect(await act('resetPassword', { password: 'Wv4#Lp8nRt' })).toBe('stopped');
    expect((await rowOf(id)).secrets_sealed).toBeNull();
    expect(
      await act('reinstallInstance', {
        instanceSpec: {
          az: 'cn-east-tz1a',
          imageType: 'standard',
          osTypeId: 'o-ubuntu2204x86640000000000000',
          sysRaidTypeId: 'r-sysnoraid0000000000000000000',
          dataRaidTypeId: 'r-dataraid10000000000000000000',
          keepData: 'no',
          password: 'Hx5!Tm2qWz',
          hostname: 'rebuilt',
        },
      }),
    ).toBe('running');
    expect(await rowOf(id)).toMatchObject({
      os_type_id: 'o-ubuntu2204x86640000000000000',
      os_name: 'Ubuntu 22.04(x86_64)',
      sys_raid_type: 'NORAID',
      data_raid_type: 'RAID10',
      hostname: 'rebuilt',
      secrets_sealed: null,
      action_input: '{}',
    });
  });

  it('deletes an instance at the end of deleteInstance, returning its device, addresses and elastic IP', async () => {
    h = await createHarness();
    const db = h.runtime.store.db;
    const free = async () => ({
      devices: (await db.selectFrom('devices').select('id').where('status', '=', 'available').execute())
        .length,
      publicIps: (await db.selectFrom('public_ips').select('ip').where('holder_id', 'is', null).execute())
        .length,
      allocations: (await db.selectFrom('ip_allocations').select('id').execute()).length,
    });
    const [keep] = await createIds(h, spec());
    const before = await free();
    const [id] = await createIds(h, spec({ enableInternet: 'yes' }));
    await settle(h.runtime.services.deps);
    expect((await h.call('DELETE', `/regions/${REGION}/instances/${id}`)).statusCode).toBe(200);
    await settle(h.runtime.services.deps);
    expect(errorOf(await h.call('GET', `/regions/${REGION}/instances/${id}`)).status).toBe('NOT_FOUND');
    expect(await free()).toEqual(before);
    expect(await db.selectFrom('elastic_ips').select('id').where('instance_id', '=', id).execute()).toEqual(
      [],
    );
    expect((await history(id)).slice(-5)).toEqual([
      'status running->destroying',
      'step power-off done',
      'step wipe-disks done',
      'step release done',
      'status destroying->deleted',
    ]);
    const counter = await db.selectFrom('instance_counts').select('n').executeTakeFirstOrThrow();
    expect(Number(counter.n)).toBe(1);
    expect((await rowOf(keep)).status).toBe('running');
  });

  it('runs in the background when started and stops after persisting', async () => {
    h = await createHarness();
    const ids = await createIds(h, spec({ count: 3 }));
    const r = createReconciler(h.runtime.services.deps, { pollMs: 20 });
    r.start();
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const rows = await h.runtime.store.db
        .selectFrom('instances')
        .select('status')
        .where('id', 'in', ids)
        .execute();
      if (rows.every((x) => x.status === 'running')) break;
      await new Promise((res) => setTimeout(res, 20));
    }
    await r.stop();
    for (const id of ids) expect((await rowOf(id)).status).toBe('running');
  });
});

/** Create steps at time scale 1: allocate 2 s, configure-raid 8 s, install-os 30 s, configure-network 5 s, inject-credentials 3 s, power-on 10 s. */
describe('reconciler in manual time mode: due times follow the simulated clock', () => {
  const T0 = Date.UTC(2030, 0, 1);

  /** Steps done, in order, with when each counts as done (ms after T0). */
  async function stepsDone(id: string) {
    return (await listEvents(h!.runtime.store.db, id))
      .filter((e) => e.kind === 'step')
      .map((e) => [e.step, Number(e.at) - T0]);
  }

  it('runs, in one pass, every step of a chain that fits in the time advanced', async () => {
    const clock = manualClock(T0, true);
    h = await createHarness({ env: { EDCPS_TIME_SCALE: '1' }, clock });
    const [id] = await createIds(h, spec());
    const r = createReconciler(h.runtime.services.deps);
    clock.advance(40_000); // allocate + configure-raid + install-os
    expect(await r.runOnce()).toBe(1);
    await r.stop();
    expect(await stepsDone(id)).toEqual([
      ['allocate', 2000],
      ['configure-raid', 10_000],
      ['install-os', 40_000],
    ]);
    expect(await rowOf(id)).toMatchObject({ step: 'configure-network', next_run_at: T0 + 45_000 });
  });

  it('schedules the successor of a step that ran late from the step’s due time', async () => {
    const clock = manualClock(T0, true);
    h = await createHarness({ env: { EDCPS_TIME_SCALE: '1' }, clock });
    const [id] = await createIds(h, spec());
    const r = createReconciler(h.runtime.services.deps);
    clock.advance(9000); // allocate was due at 2 s; configure-raid ends at 10 s, not 17 s
    expect(await r.runOnce()).toBe(1);
    expect(await stepsDone(id)).toEqual([['allocate', 2000]]);
    expect(await rowOf(id)).toMatchObject({ step: 'configure-raid', next_run_at: T0 + 10_000 });
    clock.advance(1000);
    expect(await r.runOnce()).toBe(1);
    await r.stop();
    expect(await stepsDone(id)).toEqual([
      ['allocate', 2000],
      ['configure-raid', 10_000],
    ]);
  });

  it('keeps scheduling from when a step ran when the clock is not manual (scaled mode)', async () => {
    const clock = manualClock(T0);
    h = await createHarness({ env: { EDCPS_TIME_SCALE: '1' }, clock });
    const [id] = await createIds(h, spec());
    const r = createReconciler(h.runtime.services.deps);
    clock.advance(40_000);
    expect(await r.runOnce()).toBe(1);
    await r.stop();
    expect(await stepsDone(id)).toEqual([['allocate', 40_000]]);
    expect(await rowOf(id)).toMatchObject({ step: 'configure-raid', next_run_at: T0 + 48_000 });
  });

  it('stamps steps a settle runs before they are due with the current time', async () => {
    const clock = manualClock(T0, true);
    h = await createHarness({ env: { EDCPS_TIME_SCALE: '1' }, clock });
    const [id] = await createIds(h, spec());
    clock.advance(5000);
    await settle(h.runtime.services.deps, { instanceId: id });
    expect(await stepsDone(id)).toEqual([
      ['allocate', 2000],
      ...CREATE_STEPS.slice(1).map((step) => [step, 5000]),
    ]);
    expect((await rowOf(id)).status).toBe('running');
  });

  it('settleDue runs every step due by the simulated time, in order, and no step after it', async () => {
    h = await createHarness({ env: { EDCPS_TIME_MODE: 'manual', EDCPS_TIME_SCALE: '1' } });
    const deps = h.runtime.services.deps;
    const [a, b] = await createIds(h, spec({ count: 2 }));
    const created = Number((await rowOf(a)).next_run_at) - 2000;
    await advanceSimTime(h.runtime.store, 47.5); // through configure-network (45 s), not inject-credentials (48 s)
    expect((await settleDue(deps)).passes).toBeGreaterThanOrEqual(2);
    for (const id of [a, b]) {
      const steps = (await listEvents(h.runtime.store.db, id)).filter((e) => e.kind === 'step');
      expect(steps.map((e) => [e.step, Number(e.at) - created])).toEqual([
        ['allocate', 2000],
        ['configure-raid', 10_000],
        ['install-os', 40_000],
        ['configure-network', 45_000],
      ]);
      expect(await rowOf(id)).toMatchObject({ step: 'inject-credentials', next_run_at: created + 48_000 });
    }
    await advanceSimTime(h.runtime.store, 10.5); // to 58 s: the whole create
    await settleDue(deps);
    expect([(await rowOf(a)).status, (await rowOf(b)).status]).toEqual(['running', 'running']);
  });

  it('settleDue waits for a due instance another process holds, then gives up', async () => {
    h = await createHarness({ env: { EDCPS_TIME_MODE: 'manual', EDCPS_TIME_SCALE: '1' } });
    const [id] = await createIds(h, spec());
    await advanceSimTime(h.runtime.store, 2);
    const now = Date.now();
    await claimDue(h.runtime.store.db, {
      owner: 'elsewhere',
      now: Number.MAX_SAFE_INTEGER,
      leaseNow: now,
      leaseUntil: now + 60_000,
      limit: 10,
    });
    await expect(settleDue(h.runtime.services.deps, { timeoutMs: 200 })).rejects.toBeInstanceOf(
      SettleTimeoutError,
    );
    expect((await rowOf(id)).step).toBe('allocate');
  });

  it('settleDue takes over a due instance once the other process’s lease expires', async () => {
    h = await createHarness({ env: { EDCPS_TIME_MODE: 'manual', EDCPS_TIME_SCALE: '1' } });
    const [id] = await createIds(h, spec());
    await advanceSimTime(h.runtime.store, 2);
    const now = Date.now();
    await claimDue(h.runtime.store.db, {
      owner: 'elsewhere',
      now: Number.MAX_SAFE_INTEGER,
      leaseNow: now,
      leaseUntil: now + 300,
      limit: 10,
    });
    await settleDue(h.runtime.services.deps, { timeoutMs: 5000 });
    expect((await rowOf(id)).step).toBe('configure-raid');
  });
});
