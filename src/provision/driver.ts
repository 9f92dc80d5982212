import type { Action } from '../domain/instance/states.js';
import type { Executor } from '../store/db.js';

/**
 * The driver contract: what the reconciler asks of whatever performs provisioning steps on
 * real or simulated hardware (DESIGN §4). The reconciler owns ordering, leases, retries and
 * persistence; a driver only performs steps.
 *
 * Guarantees a driver must give:
 * - **Idempotent steps.** The reconciler may call a step again for the same instance after a
 *   crash, a lost lease or a retry, possibly after the step already took effect. Performing it
 *   again must leave the hardware as one performance would (set states, never toggle or count).
 * - **Independent results.** One request failing does not fail the others of the batch.
 * - **No secrets in errors.** Messages are recorded in `last_error` and events.
 */
export interface Driver {
  readonly name: string;
  /**
   * Performs one step per request, in any order or in parallel; one result per request, same
   * order. With a `pass`, what the driver learns about a device may be kept for the rest of the
   * pass and its writes may be deferred to `pass.finish(tx)`.
   */
  runSteps(requests: readonly StepRequest[], pass?: DriverPass): Promise<StepResult[]>;
}

/**
 * One reconciler pass, lent to the drivers and the fault source for its rounds of steps. A pass
 * claims its instances with a lease and, at time scale 0 or in a settle, carries each through
 * several steps, one round per step. Reading a device's record and writing it back once per
 * round cost a query and an autocommitted write per step; within a pass nobody else acts on
 * the leased instances' devices, so the record read in the first round stays true to the end.
 * Deferred writes are made by `finish(tx)`, which the reconciler runs first in the transaction
 * that records the pass's progress: if they fail, nothing of the pass is recorded and its steps
 * run again (steps are idempotent, above) — as when recording the progress itself fails. (Before
 * the pass, a failed record write was a retryable failure of the simulated steps alone, counted
 * towards their attempts; now it fails the pass, hardware steps of the same pass included, which
 * then run again.)
 */
export class DriverPass {
  private readonly kept = new Map<string, unknown>();
  private readonly finishers: ((db: Executor) => Promise<void>)[] = [];

  /** What `make` returns, made once per pass under `key`. */
  keep<T>(key: string, make: () => T): T {
    if (!this.kept.has(key)) this.kept.set(key, make());
    return this.kept.get(key) as T;
  }

  /** Runs `write` at the end of the pass, in the transaction that records its progress. */
  atFinish(write: (db: Executor) => Promise<void>): void {
    this.finishers.push(write);
  }

  /** Makes the deferred writes in `db`; again, whole, if called again (a transaction rolled back). */
  async finish(db: Executor): Promise<void> {
    for (const write of this.finishers) await write(db);
  }
}

/** What the action installs: a creation's own spec, or a reinstall's target (action_input). */
export interface StepTarget {
  osTypeId: string;
  osName: string;
  sysRaidType: string;
  dataRaidType: string;
  hostname: string;
  keypairId: string;
  /** Reinstall only: keep the data disks' contents. */
  keepData: boolean;
}

/** What createInstances/reinstall sealed for the install: the password and the user data. */
export interface Secrets {
  password?: string;
  userData?: string;
}

export interface StepRequest {
  instanceId: string;
  accountId: string;
  regionId: string;
  azId: string;
  deviceType: string;
  deviceId: string | null;
  action: Action;
  /** With instanceId, names this one run of the action (a later stop is another run than this one). */
  actionSeq: number;
  step: string;
  /** 0 the first time this step is tried, then 1, 2, … after retryable failures. */
  attempt: number;
  target: StepTarget;
  network: {
    vpcId: string;
    subnetId: string;
    privateIp: string;
    extensionSubnetId: string;
    extensionPrivateIp: string;
  };
  /**
   * Opens the sealed inputs of the action (password, user data); undefined when there are none
   * (already consumed). Plaintext stays in memory while the pass runs its steps only, opened once
   * for the instances that share it.
   */
  secrets(): Secrets | undefined;
}

export type StepResult =
  /**
   * The step took effect. `consumedSecrets`: the reconciler erases the sealed secrets.
   * `realTime`: the step took its time on real hardware, so the next one is due at once rather
   * than after the catalog's simulated duration. `note`: recorded in the step's event.
   */
  | { kind: 'done'; consumedSecrets?: boolean; realTime?: boolean; note?: string }
  /** The hardware is still working on it: ask again after `retryAfterMs` (no lease is held meanwhile). */
  | { kind: 'pending'; retryAfterMs: number }
  /** Retryable failures back off and try again; fatal ones put the instance in `error`. */
  | { kind: 'failed'; retryable: boolean; message: string };

export interface StepFaultQuery {
  instanceId: string;
  deviceType: string;
  step: string;
}

/**
 * Operator fault injection (issue 6): consulted before every step, for a whole round of steps
 * at once. A returned failure makes that step fail fatally with its message, whatever the
 * driver; each returned failure has consumed one firing of its fault.
 */
export interface StepFaults {
  /** One answer per query, in order: a failure to record, or undefined to run the step. */
  checkAll(
    queries: readonly StepFaultQuery[],
    pass?: DriverPass,
  ): Promise<({ message: string } | undefined)[]>;
}

/** StepFaults from a per-step check (tests, simple sources). */
export const stepFaultsFrom = (
  check: (q: StepFaultQuery) => Promise<{ message: string } | undefined>,
): StepFaults => ({
  async checkAll(queries) {
    const out: ({ message: string } | undefined)[] = [];
    for (const q of queries) out.push(await check(q));
    return out;
  },
});

export const noStepFaults: StepFaults = { checkAll: async (queries) => queries.map(() => undefined) };
