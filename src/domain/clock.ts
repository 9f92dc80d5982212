/** Time source for everything that schedules or stamps. Tests and manual time mode substitute it. */
export interface Clock {
  /** Milliseconds since the epoch, as the system under test should see it. */
  now(): number;
  /**
   * Refreshes a clock whose time lives elsewhere (manual time mode keeps it in the database).
   * The reconciler awaits it before each pass; plain clocks leave it undefined.
   */
  sync?(): Promise<void>;
}

export const systemClock: Clock = { now: () => Date.now() };

/** ISO-8601 UTC without milliseconds, as JD returns times: YYYY-MM-DDTHH:mm:ssZ. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
