import type { SimFault } from './types.js';

/**
 * The fault in force. With a request budget, the fault lapses to 'none' after that many
 * requests it affected: every request for unreachable, server-error, slow and stuck (all of
 * them see the frozen power state), only the rejected ones for unauthorized.
 */
export class Faults {
  private fault: SimFault = { mode: 'none' };
  private remaining: number | undefined;

  constructor(private readonly changed: () => void) {}

  get current(): SimFault {
    return this.fault;
  }

  /** Throws RangeError for a bad delay or budget. */
  set(fault: SimFault, opts: { requests?: number } = {}): void {
    if (fault.mode === 'slow' && !(Number.isFinite(fault.delayMs) && fault.delayMs >= 0)) {
      throw new RangeError(`slow fault needs a delayMs >= 0, got ${fault.delayMs}`);
    }
    if (opts.requests !== undefined && !(Number.isInteger(opts.requests) && opts.requests > 0)) {
      throw new RangeError(`requests must be a positive integer, got ${opts.requests}`);
    }
    this.fault = { ...fault };
    this.remaining = fault.mode === 'none' ? undefined : opts.requests;
    this.changed();
  }

  /** Counts one affected request against the budget. */
  consume(): void {
    if (this.remaining === undefined) return;
    this.remaining--;
    if (this.remaining <= 0) this.set({ mode: 'none' });
  }
}
