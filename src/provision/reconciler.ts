import { hostname } from 'node:os';
import type { Deps } from '../domain/deps.js';
import { randomSuffix } from '../domain/ids.js';
import { ACTIONS } from '../domain/catalog/catalog-file.js';
import { type Action, type StepPlan, TRANSITIONS, stepsOf } from '../domain/instance/states.js';
import { installIdentityOf, readReinstallInput } from '../domain/hardware/install-target.js';
import type { IntakeLease } from '../domain/instance/intake.js';
import { checkStepFault } from '../domain/operator/faults.js';
import { listFaults } from '../store/repositories/faults-repo.js';
import {
  type InstanceRow,
  claimDue,
  nextDueAt,
  releaseLeases,
  renewLeases,
} from '../store/repositories/instances-repo.js';
import {
  type Driver,
  DriverPass,
  type Secrets,
  type StepFaults,
  type StepRequest,
  type StepResult,
  type StepTarget,
} from './driver.js';
import { createDeviceDriver } from './drivers/device-driver.js';
import { createHardwareDriver } from './drivers/hardware/hardware-driver.js';
import { createSimulatedDriver } from './drivers/simulated/simulated-driver.js';
import { type Hardware, createHardware } from './hardware.js';
import { type Completion, persistCompletions } from './persist.js';

/** Leases last at most 30 s (DESIGN §4); renewed every third of that while steps run. */
export const DEFAULT_LEASE_MS = 15_000;
export const MAX_ATTEMPTS = 5;
/**
 * How long a pass waits for more of what createInstances hands over, when it has less than a
 * batch: passes of a handful of instances cost their fixed part (fault table, device records,
 * a transaction) over and over. At time scale 0 only; later steps are scheduled, not handed.
 */
const GATHER_MS = 20;

export interface ReconcilerOptions {
  /** Default: simulated devices simulated, devices with a BMC driven through `hardware`. */
  driver?: Driver;
  hardware?: Hardware;
  faults?: StepFaults;
  /** Identifies this worker in lease_owner; unique per process by default. */
  owner?: string;
  /** Rows claimed per pass. */
  batchSize?: number;
  leaseMs?: number;
  /** Wall clock of leases: they measure process liveness, which simulated time does not. */
  leaseClock?: () => number;
  /** Jitter source for retry back-off. */
  random?: () => number;
  /** Idle poll interval of the background loop, ms. */
  pollMs?: number;
}

export interface PassOptions {
  /** Run steps whether due or not (settle). */
  ignoreSchedule?: boolean;
  instanceId?: string;
}

export interface Reconciler {
  readonly owner: string;
  /** Claims due rows and carries each as far as it can go now. Returns the number of rows claimed. */
  runOnce(o?: PassOptions): Promise<number>;
  /** Starts the poll loop (idempotent). */
  start(): void;
  /** Stops the loop and waits until in-flight steps are persisted. */
  stop(): Promise<void>;
}

/**
 * The operator's fault table (issue 6) as the engine's StepFaults. One read of the (small)
 * table per round tells which steps any live fault could target; only those go through
 * checkStepFault, which decides and consumes firings atomically.
 */
export const operatorStepFaults = (deps: Pick<Deps, 'store'>): StepFaults => ({
  async checkAll(queries, pass) {
    // Within a pass, read once: a fault added while a pass runs applies from the next one.
    const read = async () =>
      (await listFaults(deps.store.db)).filter(
        (f) => f.scope === 'step' && (f.remaining === null || f.remaining > 0),
      );
    const live = await (pass ? pass.keep('step-faults', read) : read());
    const out: ({ message: string } | undefined)[] = [];
    for (const q of queries) {
      const mayFire = live.some(
        (f) =>
          f.step === q.step &&
          (f.instance_id === '' || f.instance_id === q.instanceId) &&
          (f.device_type === '' || f.device_type === q.deviceType),
      );
      out.push(mayFire ? await checkStepFault(deps, q) : undefined);
    }
    return out;
  },
});

function defaultDriver(deps: Deps, hw: Hardware): Driver {
  return createDeviceDriver(deps.store, createSimulatedDriver(deps.store), createHardwareDriver(deps, hw));
}

/** Retry back-off: 1 s doubling per failed attempt, capped at 60 s, ×[0.5, 1.5) jitter. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(60_000, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.5 + random()));
}

/** What the action installs: the instance's own spec, or the reinstall target. */
function targetOf(row: InstanceRow): StepTarget {
  const t = row.action === 'reinstall' ? readReinstallInput(row.action_input) : {};
  return {
    osTypeId: t.osTypeId ?? row.os_type_id,
    osName: t.osName ?? row.os_name,
    sysRaidType: t.sysRaidType ?? row.sys_raid_type,
    dataRaidType: t.dataRaidType ?? row.data_raid_type,
    ...installIdentityOf(row),
    keepData: t.keepData === 'yes',
  };
}

/** The columns a completed reinstall changes (reference: the instance reflects the new OS/RAID). */
function reinstallEffects(row: InstanceRow): Completion['endSet'] {
  const t = readReinstallInput(row.action_input);
  return {
    ...(t.osTypeId !== undefined ? { os_type_id: t.osTypeId } : {}),
    ...(t.osName !== undefined ? { os_name: t.osName } : {}),
    ...(t.osType !== undefined ? { os_type: t.osType } : {}),
    ...(t.osVersion !== undefined ? { os_version: t.osVersion } : {}),
    ...(t.sysRaidTypeId !== undefined ? { sys_raid_type_id: t.sysRaidTypeId } : {}),
    ...(t.sysRaidType !== undefined ? { sys_raid_type: t.sysRaidType } : {}),
    ...(t.dataRaidTypeId !== undefined ? { data_raid_type_id: t.dataRaidTypeId } : {}),
    ...(t.dataRaidType !== undefined ? { data_raid_type: t.dataRaidType } : {}),
    ...(t.hostname !== undefined ? { hostname: t.hostname } : {}),
    keypair_id: t.keypairId ?? '',
  };
}

/** One claimed instance moving through its steps during a pass. */
class Work {
  readonly plan: StepPlan[];
  index: number;
  readonly completion: Completion;
  active = true;
  /** The parts of its step requests that stay the same during the pass (made at the first step). */
  base: Omit<StepRequest, 'step'> | undefined;
  /** When the current step is due (simulated time, ms): the claimed row's, then each successor's. */
  due: number;

  constructor(
    readonly row: InstanceRow,
    plan: StepPlan[],
    owner: string,
    claimedAt: number,
  ) {
    this.plan = plan;
    this.index = plan.findIndex((s) => s.step === row.step);
    this.due = Number(row.next_run_at ?? claimedAt);
    this.completion = {
      id: row.id,
      accountId: row.account_id,
      regionId: row.region_id,
      owner,
      fromAction: row.action ?? '',
      fromStep: row.step ?? '',
      status: row.status,
      set: {},
      events: [],
      outcome: 'progress',
      endSet: {},
    };
  }

  get step(): string {
    return this.plan[this.index].step;
  }
}

/**
 * The reconciler (DESIGN §4). Works only from the database: claims due rows with a lease, runs
 * their steps through the driver, and persists each instance's progress together with its
 * events in one transaction, conditional on still holding the lease. A step whose successor is
 * due at once (time scale 0, settle, or manual time advanced past it) continues in the same
 * pass, so a batch goes from claim to end state with a handful of round trips.
 */
export function createReconciler(deps: Deps, opts: ReconcilerOptions = {}): Reconciler {
  const driver = opts.driver ?? defaultDriver(deps, opts.hardware ?? createHardware(deps));
  const faults = opts.faults ?? operatorStepFaults(deps);
  const owner = opts.owner ?? `${hostname()}:${process.pid}:${randomSuffix(8)}`;
  const batchSize = opts.batchSize ?? 256;
  const leaseMs = Math.min(opts.leaseMs ?? DEFAULT_LEASE_MS, 30_000);
  const leaseClock = opts.leaseClock ?? Date.now;
  const random = opts.random ?? Math.random;
  const pollMs = opts.pollMs ?? 200;
  const { clock, store, log } = deps;
  const plans = new Map<Action, StepPlan[]>(
    ACTIONS.map((a) => [a, stepsOf(deps.catalog, a, deps.timeScale)]),
  );
  /** Rows this worker holds right now, for lease renewal. */
  const held = new Set<string>();
  /**
   * New instances createInstances leased to this worker (Intake), waiting for a pass: taken
   * before anything is claimed. Bounded: beyond it new instances are created unleased and claimed.
   */
  const intake: InstanceRow[] = [];
  const intakeMax = batchSize * 4;
  /** When the last pass claimed from the database (ms, lease clock): at least every pollMs. */
  let claimedAt = -Infinity;
  const taker = (count: number): IntakeLease | undefined => {
    if (stopping || intake.length + count > intakeMax) return undefined;
    return {
      owner,
      until: leaseClock() + leaseMs,
      accept(rows) {
        // Too late for a stopping worker; and leases granted to transactions committing together
        // can overshoot the bound lease() checked: what does not fit goes back to the database.
        const room = stopping ? 0 : Math.max(0, intakeMax - intake.length);
        if (rows.length > room) void giveBack(rows.slice(room).map((r) => r.id));
        for (const r of rows.slice(0, room)) {
          held.add(r.id);
          intake.push(r);
        }
        // An idle loop sleeps up to pollMs: woken once the pass has had time to gather.
        if (idle && wakeTimer === undefined) {
          wakeTimer = setTimeout(() => {
            wakeTimer = undefined;
            if (idle) wake?.();
          }, GATHER_MS);
          wakeTimer.unref();
        }
      },
    };
  };
  /** Leases this worker will not use, released for whichever worker claims next. */
  const giveBack = (ids: string[]): Promise<void> =>
    ids.length === 0 ? Promise.resolve() : releaseLeases(store.db, owner, ids).catch(() => undefined);
  /** The loop is in its idle wait (not gathering, not in a pass). */
  let idle = false;
  let wakeTimer: ReturnType<typeof setTimeout> | undefined;

  /** Intake rows for a pass: the one asked for, or up to `n`. */
  function fromIntake(o: PassOptions, n: number): InstanceRow[] {
    if (o.instanceId === undefined) return intake.splice(0, n);
    const i = intake.findIndex((r) => r.id === o.instanceId);
    return i < 0 ? [] : intake.splice(i, 1);
  }

  const renew = () => {
    const t = setInterval(
      () => {
        if (held.size === 0) return;
        const until = leaseClock() + leaseMs;
        renewLeases(store.db, owner, [...held], until).catch((err: unknown) =>
          log.warn({ err }, 'lease renewal failed'),
        );
      },
      Math.max(10, Math.floor(leaseMs / 3)),
    );
    t.unref();
    return t;
  };
  /** Renews while this worker exists; stopped by stop(), made again by a later start(). */
  let renewer: ReturnType<typeof setInterval> | undefined = renew();

  /**
   * The request for the step `w` is at. What does not change from step to step (the target, the
   * network, the secrets' opener) is made once per pass. Instances created by one request share
   * one ciphertext: opened once per pass (`opened`). Each step gets an object of its own, written
   * out field by field: a spread of the base cost more than the rest of the step (a time-scale-0
   * creation makes six).
   */
  function request(w: Work, opened: Map<string, Secrets>): StepRequest {
    const b = (w.base ??= baseRequest(w, opened));
    return {
      instanceId: b.instanceId,
      accountId: b.accountId,
      regionId: b.regionId,
      azId: b.azId,
      deviceType: b.deviceType,
      deviceId: b.deviceId,
      action: b.action,
      actionSeq: b.actionSeq,
      step: w.step,
      attempt: b.attempt,
      target: b.target,
      network: b.network,
      secrets: b.secrets,
    };
  }

  function baseRequest(w: Work, opened: Map<string, Secrets>): Omit<StepRequest, 'step'> {
    const r = w.row;
    return {
      instanceId: r.id,
      accountId: r.account_id,
      regionId: r.region_id,
      azId: r.az_id,
      deviceType: r.device_type,
      deviceId: r.device_id,
      action: r.action as Action,
      actionSeq: r.action_seq,
      attempt: r.attempts,
      target: targetOf(r),
      network: {
        vpcId: r.vpc_id,
        subnetId: r.subnet_id,
        privateIp: r.private_ip,
        extensionSubnetId: r.extension_subnet_id,
        extensionPrivateIp: r.extension_private_ip,
      },
      secrets: () => {
        const sealed = r.secrets_sealed;
        if (w.completion.set.secrets_sealed === null || sealed === null) return undefined;
        let secrets = opened.get(sealed);
        if (secrets === undefined)
          opened.set(sealed, (secrets = JSON.parse(deps.secrets.open(sealed)) as Secrets));
        return { ...secrets };
      },
    };
  }

  function fail(w: Work, message: string, now: number): void {
    const c = w.completion;
    c.events.push(
      { at: now, kind: 'step', from: c.status, to: c.status, step: w.step, reason: `failed: ${message}` },
      { at: now, kind: 'status', from: c.status, to: 'error', step: w.step, reason: message },
    );
    // Resources stay accounted for; secrets are erased: from `error` only deleteInstance is
    // allowed, so they would never be used.
    c.outcome = 'end';
    c.set = {
      status: 'error',
      action: null,
      step: null,
      next_run_at: null,
      attempts: 0,
      last_error: message,
      secrets_sealed: null,
      action_input: '{}',
      updated_at: now,
    };
    w.active = false;
  }

  /** An event for the step `w` is at, its status unchanged. */
  function stepEvent(w: Work, at: number, reason: string): void {
    const c = w.completion;
    c.events.push({ at, kind: 'step', from: c.status, to: c.status, step: w.step, reason });
  }

  /**
   * When the step `w` is at counts as done (ms). Manual time mode: at its due time, or now when
   * settle runs it early, so a step that runs late still completes on schedule and a chain that
   * fits in one advance runs whole (its events stamped as the steps would have happened).
   * Wall-clock modes: now, as a late step really finished late.
   */
  const stepTime = (w: Work, now: number): number => (clock.manual ? Math.min(w.due, now) : now);

  /**
   * Records the outcome of one step. `at` is when the step counts as done (stepTime): events,
   * retries and the successor's due time count from it. `now` is the clock, which decides whether
   * the successor is due already; hardware waits (`pending`) count from it too.
   */
  function advance(w: Work, result: StepResult, at: number, now: number, o: PassOptions): void {
    const c = w.completion;
    const action = w.row.action as Action;
    if (result.kind === 'pending') {
      c.set = { ...c.set, step: w.step, next_run_at: now + Math.max(0, result.retryAfterMs) };
      w.active = false;
      return;
    }
    if (result.kind === 'failed') {
      const attempts = (c.set.attempts ?? w.row.attempts) + 1;
      if (!result.retryable || attempts >= MAX_ATTEMPTS) {
        fail(
          w,
          result.retryable ? `gave up after ${attempts} attempts: ${result.message}` : result.message,
          at,
        );
        return;
      }
      const delay = backoffMs(attempts, random);
      stepEvent(
        w,
        at,
        `attempt ${attempts} failed, retrying in ${Math.ceil(delay / 1000)} s: ${result.message}`,
      );
      c.set = { ...c.set, step: w.step, attempts, last_error: result.message, next_run_at: at + delay };
      w.active = false;
      return;
    }
    stepEvent(w, at, result.note ? `done: ${result.note}` : 'done');
    if (result.consumedSecrets) c.set.secrets_sealed = null;
    if (w.index + 1 < w.plan.length) {
      w.index += 1;
      const nextRunAt = at + (result.realTime ? 0 : w.plan[w.index].durationMs);
      w.due = nextRunAt;
      // In place: c.set is this completion's own (every other path assigns a new object), and a
      // time-scale-0 creation comes this way six times an instance.
      const set = c.set;
      set.step = w.step;
      set.next_run_at = nextRunAt;
      set.attempts = 0;
      set.last_error = '';
      w.active = o.ignoreSchedule === true || nextRunAt <= now;
      return;
    }
    const t = TRANSITIONS[action];
    c.outcome = t.end === 'deleted' ? 'deleted' : 'end';
    c.events.push({
      at,
      kind: 'status',
      from: c.status,
      to: t.end,
      step: w.step,
      reason: `${t.operation} completed`,
    });
    c.set = {
      status: t.end === 'deleted' ? c.status : t.end,
      action: null,
      step: null,
      next_run_at: null,
      attempts: 0,
      last_error: '',
      secrets_sealed: null,
      action_input: '{}',
      updated_at: at,
    };
    c.endSet = action === 'reinstall' ? reinstallEffects(w.row) : {};
    w.active = false;
  }

  async function carry(rows: InstanceRow[], o: PassOptions): Promise<void> {
    const now0 = clock.now();
    const works = rows.map((r) => new Work(r, plans.get(r.action as Action) ?? [], owner, now0));
    for (const w of works) {
      if (!(ACTIONS as readonly string[]).includes(w.row.action ?? ''))
        fail(w, `unknown action "${w.row.action}"`, now0);
      else if (w.index < 0)
        fail(w, `step "${w.row.step}" is not a step of ${w.row.action} in the catalog`, now0);
    }
    let active = works.filter((w) => w.active);
    const pass = new DriverPass();
    const opened = new Map<string, Secrets>();
    while (active.length > 0) {
      const run: Work[] = [];
      const fired = await faults.checkAll(
        active.map((w) => ({ instanceId: w.row.id, deviceType: w.row.device_type, step: w.step })),
        pass,
      );
      active.forEach((w, i) => {
        const f = fired[i];
        if (f) fail(w, f.message, stepTime(w, clock.now()));
        else run.push(w);
      });
      let results: StepResult[];
      try {
        results = await driver.runSteps(
          run.map((w) => request(w, opened)),
          pass,
        );
        if (results.length !== run.length)
          throw new Error(`driver ${driver.name} returned ${results.length} results for ${run.length} steps`);
      } catch (e) {
        const message = `driver ${driver.name} failed: ${(e as Error).message}`;
        results = run.map(() => ({ kind: 'failed', retryable: true, message }));
      }
      const now = clock.now();
      run.forEach((w, i) => advance(w, results[i], stepTime(w, now), now, o));
      active = active.filter((w) => w.active);
    }
    // The plaintext secrets were for the steps: not kept through the writes that follow.
    opened.clear();
    // What the drivers deferred is written first, in the transaction that records the progress.
    await persistCompletions(
      deps,
      works.map((w) => w.completion),
      (tx) => pass.finish(tx),
    );
  }

  async function runOnce(o: PassOptions = {}): Promise<number> {
    await clock.sync?.();
    const leaseNow = leaseClock();
    // The database is asked too when the intake has nothing, and at least every pollMs while it
    // feeds the passes, with half a batch kept for it: retries, later steps, other actions and
    // creations the intake had no room for are due there.
    const claimNow = leaseNow - claimedAt >= pollMs;
    const rows = fromIntake(o, claimNow ? Math.ceil(batchSize / 2) : batchSize);
    if (rows.length === 0 || (claimNow && rows.length < batchSize)) {
      claimedAt = leaseNow;
      try {
        rows.push(
          ...(await claimDue(store.db, {
            owner,
            now: clock.now(),
            leaseNow,
            leaseUntil: leaseNow + leaseMs,
            limit: batchSize - rows.length,
            ignoreSchedule: o.ignoreSchedule,
            instanceId: o.instanceId,
          })),
        );
      } catch (err) {
        // Still leased to this worker and renewed: the next pass takes them.
        intake.unshift(...rows);
        throw err;
      }
    }
    if (rows.length === 0) return 0;
    for (const r of rows) held.add(r.id);
    try {
      await carry(rows, o);
    } catch (err) {
      log.error({ err }, 'reconciler pass failed; leases given back');
      await giveBack(rows.map((r) => r.id));
      throw err;
    } finally {
      for (const r of rows) held.delete(r.id);
    }
    return rows.length;
  }

  let loop: Promise<void> | undefined;
  let stopping = false;
  let wake: (() => void) | undefined;

  async function waitMs(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
    wake = undefined;
  }

  async function pollLoop(): Promise<void> {
    let failures = 0;
    while (!stopping) {
      let claimed = 0;
      try {
        claimed = await runOnce();
        failures = 0;
      } catch {
        failures += 1;
      }
      if (stopping) break;
      if (claimed >= batchSize || intake.length >= batchSize) {
        await new Promise((r) => setImmediate(r));
        continue;
      }
      if (intake.length > 0) {
        await waitMs(GATHER_MS);
        continue;
      }
      let delay = pollMs;
      if (failures > 0) delay = Math.min(5000, pollMs * 2 ** failures);
      else {
        const due = await nextDueAt(store.db).catch(() => undefined);
        if (due !== undefined) delay = Math.max(claimed > 0 ? 0 : 20, Math.min(pollMs, due - clock.now()));
      }
      idle = true;
      await waitMs(delay);
      idle = false;
    }
  }

  return {
    owner,
    runOnce,
    start() {
      if (loop) return;
      stopping = false;
      renewer ??= renew();
      deps.intake.attach(taker);
      loop = pollLoop();
    },
    async stop() {
      stopping = true;
      deps.intake.detach(taker);
      wake?.();
      await loop;
      loop = undefined;
      clearInterval(renewer);
      renewer = undefined;
      clearTimeout(wakeTimer);
      wakeTimer = undefined;
      const left = intake.splice(0).map((r) => r.id);
      for (const id of left) held.delete(id);
      await giveBack(left);
    },
  };
}
