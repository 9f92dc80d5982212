import type { Store } from '../../store/db.js';
import {
  addToIntSetting,
  getSetting,
  initSetting,
  setSetting,
} from '../../store/repositories/settings-repo.js';
import type { TimeMode } from '../../config.js';
import { type Clock, isoTime } from '../clock.js';

/** Settings key of the simulated time (epoch milliseconds, decimal text). */
export const SIM_TIME_KEY = 'clock.simulated_ms';
/** Settings key of the time mode the last started server runs in. */
export const SERVER_TIME_MODE_KEY = 'clock.server_mode';

/**
 * The time mode a process works in. A server uses its configured mode and records it; an
 * admin command (`follow`) uses the mode the server recorded, so `edcps time advance` and
 * `edcps instances settle` agree with the server whatever the command's own environment says.
 * Before any server ran, the configured mode applies.
 */
export async function resolveTimeMode(
  store: Store,
  configured: TimeMode,
  follow: boolean,
): Promise<TimeMode> {
  if (!follow) {
    await setSetting(store.db, SERVER_TIME_MODE_KEY, configured);
    return configured;
  }
  const recorded = await getSetting(store.db, SERVER_TIME_MODE_KEY);
  return recorded === 'manual' || recorded === 'scaled' ? recorded : configured;
}

export interface SimClock extends Clock {
  sync(): Promise<void>;
}

/** Reads the simulated time, starting it at wall time the first time any process asks. */
export async function readSimTime(store: Store, wallNow: () => number = Date.now): Promise<number> {
  const v =
    (await getSetting(store.db, SIM_TIME_KEY)) ??
    (await initSetting(store.db, SIM_TIME_KEY, String(wallNow())));
  const ms = Number(v);
  if (!Number.isSafeInteger(ms))
    throw new Error(`setting ${SIM_TIME_KEY} holds "${v}", not epoch milliseconds`);
  return ms;
}

/**
 * Manual time mode: time stands still until an operator advances it (`edcps time advance`).
 * It lives in the database so every process (servers, CLI) shares it. `now()` answers from the
 * value read by the last `sync()`: the reconciler syncs before each pass, so an advance reaches
 * the server within one pass.
 */
export async function openSimClock(store: Store, wallNow: () => number = Date.now): Promise<SimClock> {
  let current = await readSimTime(store, wallNow);
  return {
    manual: true,
    now: () => current,
    async sync() {
      // Never step backwards, even if two syncs race and the older read lands last.
      current = Math.max(current, await readSimTime(store, wallNow));
    },
  };
}

/** Moves simulated time forward by `seconds` (atomic across processes); returns the new time. */
export async function advanceSimTime(
  store: Store,
  seconds: number,
  wallNow: () => number = Date.now,
): Promise<number> {
  if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError('seconds must be a number ≥ 0');
  await readSimTime(store, wallNow);
  await addToIntSetting(store.db, SIM_TIME_KEY, Math.round(seconds * 1000));
  return readSimTime(store, wallNow);
}

/** Thrown by setSimTime when the asked instant is before the current simulated time. */
export class SimTimeBackwardsError extends Error {
  constructor(
    readonly current: number,
    readonly asked: number,
  ) {
    super(`simulated time cannot move backwards (it is ${iso(current)}, asked for ${iso(asked)})`);
  }
}

/** As the CLI prints times, with milliseconds only when there are any. */
const iso = (ms: number): string => (ms % 1000 === 0 ? isoTime(ms) : new Date(ms).toISOString());

/**
 * Moves simulated time to the instant `ms` (epoch milliseconds); returns the new time. Setting
 * the current time again is a no-op. Throws SimTimeBackwardsError, changing nothing, when `ms` is
 * before the current time: steps already run and times already stamped would be in the future.
 * Atomic across processes: the row is locked (a no-op update) before it is read, so a concurrent
 * advance or set lands entirely before or after this one.
 */
export async function setSimTime(
  store: Store,
  ms: number,
  wallNow: () => number = Date.now,
): Promise<number> {
  if (!Number.isSafeInteger(ms)) throw new RangeError('time must be epoch milliseconds');
  await readSimTime(store, wallNow);
  return store.transaction(async (tx) => {
    await addToIntSetting(tx, SIM_TIME_KEY, 0);
    const current = Number(await getSetting(tx, SIM_TIME_KEY));
    if (ms < current) throw new SimTimeBackwardsError(current, ms);
    await setSetting(tx, SIM_TIME_KEY, String(ms));
    return ms;
  });
}
