import type { InstanceRow } from '../../store/repositories/instances-repo.js';

/**
 * A lease new instances are created with: the reconciler of this process takes them from memory
 * once their transaction commits, instead of claiming them from the database (an UPDATE of every
 * new row, returning all its columns). To every other process they look claimed, as they would a
 * moment later; if this process dies before provisioning them, the lease runs out and any
 * reconciler claims them, as after a crash mid-pass.
 */
export interface IntakeLease {
  readonly owner: string;
  readonly until: number;
  /** The committed rows, as inserted with this lease. */
  accept(rows: readonly InstanceRow[]): void;
}

type Taker = (count: number) => IntakeLease | undefined;

/** Where createInstances offers new instances to the reconciler running in this process, if any. */
export class Intake {
  private taker: Taker | undefined;

  /** The reconciler's loop, from its start to its stop. */
  attach(taker: Taker): void {
    this.taker = taker;
  }

  detach(taker: Taker): void {
    if (this.taker === taker) this.taker = undefined;
  }

  /** A lease for `count` instances due now, or undefined: they are claimed later as usual. */
  lease(count: number): IntakeLease | undefined {
    return this.taker?.(count);
  }
}
