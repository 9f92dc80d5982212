import { randomSuffix } from '../../../domain/ids.js';
import type { Executor } from '../../../store/db.js';
import { acquireBmcLock, releaseBmcLock } from '../../../store/repositories/bmc-repo.js';

/**
 * Bounds BMC traffic: at most `concurrency` exchanges in flight in this process, and at most
 * one per BMC across every process on the database (BMCs handle few sessions, and two
 * controllers interleaving power commands on one machine would undo each other). The lock is a
 * row with an expiry, so a process that dies holding it delays that BMC by `lockMs` at most.
 */
export interface BmcGate {
  /** Runs `fn` holding the BMC's lock; `{ ran: false }` when another holder has it now. */
  tryWith<T>(key: string, fn: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;
}

export function createBmcGate(
  db: Executor,
  o: { concurrency: number; lockMs: number; now?: () => number },
): BmcGate {
  const now = o.now ?? Date.now;
  const process = randomSuffix(10);
  let seq = 0;
  let inFlight = 0;
  const waiting: (() => void)[] = [];

  async function slot(): Promise<void> {
    if (inFlight < o.concurrency) {
      inFlight++;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
  function freeSlot(): void {
    const next = waiting.shift();
    if (next) next();
    else inFlight--;
  }

  return {
    async tryWith(key, fn) {
      await slot();
      try {
        // A holder name per use: two steps of this process on one BMC exclude each other too.
        const holder = `${process}:${++seq}`;
        const t = now();
        if (!(await acquireBmcLock(db, { key, holder, now: t, until: t + o.lockMs }))) return { ran: false };
        try {
          return { ran: true, value: await fn() };
        } finally {
          await releaseBmcLock(db, key, holder).catch(() => undefined);
        }
      } finally {
        freeSlot();
      }
    },
  };
}
