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

/** ISO-8601 instant with a zone (`Z` or `±hh:mm`); seconds and fractions optional. */
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * The instant an ISO-8601 time with its zone names, in epoch ms, or undefined for anything else,
 * including dates Date.parse would roll over (2030-02-31 is not 2030-03-03).
 */
export function parseIsoInstant(value: string): number | undefined {
  const m = ISO_INSTANT.exec(value);
  const ms = Date.parse(value);
  if (!m || !Number.isFinite(ms)) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((x) => Number(x ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const f = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  const asWritten = f.getUTCMonth() + 1 === mo && f.getUTCDate() === d && h <= 23 && mi <= 59 && s <= 59;
  return asWritten ? ms : undefined;
}
