import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceSimTime, openSimClock, resolveTimeMode } from '../../src/domain/operator/sim-clock.js';
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

  it('lets an admin command follow the mode the server recorded, or its own before any server ran', async () => {
    await store.db.deleteFrom('settings').where('key', '=', 'clock.server_mode').execute();
    expect(await resolveTimeMode(store, 'manual', true)).toBe('manual');
    expect(await resolveTimeMode(store, 'scaled', false)).toBe('scaled');
    expect(await resolveTimeMode(store, 'manual', true)).toBe('scaled');
    expect(await resolveTimeMode(store, 'manual', false)).toBe('manual');
    expect(await resolveTimeMode(store, 'scaled', true)).toBe('manual');
  });
});
