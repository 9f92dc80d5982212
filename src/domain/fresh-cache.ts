import type { Store } from '../store/db.js';
import { perStore } from './per-store.js';

/**
 * Values read on every request (access keys, operation faults) kept in memory while they cannot
 * have changed. An entry is dropped when this process changes what it was read from (`clear`)
 * and when another process has committed to the database (SQLite's data_version, read at most
 * once per event-loop turn). Admin commands therefore reach a running server at once. PostgreSQL
 * cannot tell cheaply that another process wrote, so there nothing is kept: every call reads.
 */
export class FreshCache<K, V> {
  private readonly entries = new Map<K, V>();
  private seenVersion: number | undefined;
  /** Bumped by every clear: a load that started before it must not store its (stale) answer. */
  private generation = 0;

  constructor(
    private readonly store: Pick<Store, 'externalChanges'>,
    private readonly maxEntries = 10_000,
  ) {}

  async get(key: K, load: (key: K) => Promise<V>): Promise<V> {
    const version = this.store.externalChanges();
    if (version === undefined) return load(key);
    if (version !== this.seenVersion) {
      this.clear();
      this.seenVersion = version;
    }
    if (this.entries.has(key)) return this.entries.get(key) as V;
    const generation = this.generation;
    const value = await load(key);
    if (generation === this.generation) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as K);
      this.entries.set(key, value);
    }
    return value;
  }

  clear(): void {
    this.entries.clear();
    this.generation++;
  }
}

/** Every shared cache made for a store so far (what clearSharedCaches clears). */
const madeFor = new WeakMap<object, Set<FreshCache<unknown, unknown>>>();

/** The one cache named `name` of this store, shared by every service built on it. */
export const sharedCache = <K, V>(store: Pick<Store, 'externalChanges'>, name: string): FreshCache<K, V> =>
  perStore(store, `fresh:${name}`, () => {
    const cache = new FreshCache<K, V>(store);
    let made = madeFor.get(store);
    if (made === undefined) madeFor.set(store, (made = new Set()));
    made.add(cache as FreshCache<unknown, unknown>);
    return cache;
  });

/**
 * Clears every shared cache of this store, whatever its name: for a process that replaced the
 * database's contents itself (a reset, a state load), since its own commits do not move SQLite's
 * data_version. A cache not made yet has nothing to forget.
 */
export function clearSharedCaches(store: Pick<Store, 'externalChanges'>): void {
  for (const cache of madeFor.get(store) ?? []) cache.clear();
}
