import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SimTimeBackwardsError,
  advanceSimTime,
  openSimClock,
  readSimTime,
  resolveTimeMode,
  setSimTime,
} from '../../src/domain/operator/sim-clock.js';
import type { Store } from '../../src/store/db.js';
import { createMigratedStore } from '../helpers/databases.js';

describe('manual time mode clock', () => {
  let t: Awaited<ReturnType<typeof createMigratedStore>>;
  let store: Store;
  const T0 = Date.UTC(2030, 0, 1);

  beforeAll(async () => {
    t = await createMigratedStore();
    store = t.store;
  });
  afterAll(() => t.close());

  it('starts at wall time on first use and then stands still', async () => {
    const clock = await openSimClock(store, () => T0);
    expect(clock.now()).toBe(T0);
    await clock.sync();
    expect(clock.now()).toBe(T0);
  });

  it('keeps the time of the first process that used it', async () => {
    const later = await openSimClock(store, () => T0 + 999_999);
    expect(later.now()).toBe(T0);
  });

  it('moves forward only when advanced, and other clocks see it after sync', async () => {
    const a = await openSimClock(store);
    const b = await openSimClock(store);
    const start = a.now();
    expect(await advanceSimTime(store, 12.5)).toBe(start + 12_500);
    expect(b.now()).toBe(start);
    await b.sync();
    expect(b.now()).toBe(start + 12_500);
  });

  it('counts every advance when several run at once', async () => {
    const clock = await openSimClock(store);
    const start = clock.now();
    await Promise.all(Array.from({ length: 10 }, () => advanceSimTime(store, 1)));
    await clock.sync();
    expect(clock.now()).toBe(start + 10_000);
  });

  it('refuses to move time backwards', async () => {
    await expect(advanceSimTime(store, -1)).rejects.toThrow('seconds must be a number ≥ 0');
  });

  it('tells the reconciler it is a manual clock', async () => {
    expect((await openSimClock(store)).manual).toBe(true);
  });

  it('sets time forward to an instant, and setting the current instant again changes nothing', async () => {
    const clock = await openSimClock(store);
    const target = clock.now() + 3_600_000;
    expect(await setSimTime(store, target)).toBe(target);
    expect(await setSimTime(store, target)).toBe(target);
    await clock.sync();
    expect(clock.now()).toBe(target);
  });

  it('refuses to set time backwards, naming both instants and changing nothing', async () => {
    const now = await readSimTime(store);
    const err = await setSimTime(store, now - 1000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimTimeBackwardsError);
    expect((err as Error).message).toBe(
      `simulated time cannot move backwards (it is ${new Date(now).toISOString().replace('.000Z', 'Z')}, asked for ${new Date(now - 1000).toISOString().replace('.000Z', 'Z')})`,
    );
    expect(await readSimTime(store)).toBe(now);
  });

  it('orders a set and concurrent advances so that every advance counts', async () => {
    const start = await readSimTime(store);
    await Promise.all([
      setSimTime(store, start + 100_000),
      ...Array.from({ length: 5 }, () => advanceSimTime(store, 1)),
    ]);
    const end = await readSimTime(store);
    // Advances before the set are absorbed by it, those after add to it; never less than the set.
    expect(end).toBeGreaterThanOrEqual(start + 100_000);
    expect(end).toBeLessThanOrEqual(start + 105_000);
  });

  it('lets an admin command follow the mode the server recorded, or its own before any server ran', async () => {
    await store.db.deleteFrom('settings').where('key', '=', 'clock.server_mode').execute();
    expect(await resolveTimeMode(store, 'manual', true)).toBe('manual');
    expect(await resolveTimeMode(store, 'scaled', false)).toBe('scaled');
    expect(await resolveTimeMode(store, 'manual', true)).toBe('scaled');
    expect(await resolveTimeMode(store, 'manual', false)).toBe('manual');
    expect(await resolveTimeMode(store, 'scaled', true)).toBe('manual');
  });
});
