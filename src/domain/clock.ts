/** Time source for everything that schedules or stamps. Tests and manual time mode substitute it. */
export interface Clock {
  /** Milliseconds since the epoch, as the system under test should see it. */
  now(): number;
  /**
   * Refreshes a clock whose time lives elsewhere (manual time mode keeps it in the database).
   * The reconciler awaits it before each pass; plain clocks leave it undefined.
   */
  sync?(): Promise<void>;
  /**
   * True for manual time mode, where time moves only when an operator moves it. The reconciler
   * then schedules a step's successor from the step's own due time, not from when it got to run
   * it, so one advance runs every step of a chain that fits in it. Wall-clock modes leave it
   * unset: there a successor counts from when its predecessor really finished.
   */
  readonly manual?: boolean;
}

export const systemClock: Clock = { now: () => Date.now() };

/** ISO-8601 UTC without milliseconds, as JD returns times: YYYY-MM-DDTHH:mm:ssZ. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
