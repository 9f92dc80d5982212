import type { Store } from '../store/db.js';
import { perStore } from './per-store.js';

/** A read result and the simulated time until which it stays true without any write. */
export interface Timed<V> {
  value: V;
  /** Fields computed from the clock (a charge expiring) change at this time; Infinity if none. */
  validUntil: number;
}

/**
 * Reads answered from memory while the database cannot have changed them: an entry holds while
 * the store's read generation (moved by every write to the tables it was read from, by any
 * process) is the one it was read at, and the clock has not reached its validUntil. Where the
 * store keeps no generation (PostgreSQL) every read goes to the database.
 *
 * The generation is taken before the read: a write that lands between the two leaves the answer
 * among those of the older generation, which the next lookup lets go — never newer data under an
 * old generation.
 */
export class ReadCache<V> {
  /** Answers read at `generation`: the counter only grows, so older ones can never be used. */
  private readonly entries = new Map<string, { value: V; validUntil: number }>();
  private generation: number | undefined;

  constructor(
    private readonly store: Pick<Store, 'readGeneration'>,
    private readonly maxEntries = 2_000,
  ) {}

  /** Answers held now. */
  get size(): number {
    return this.entries.size;
  }

  async get(key: string, now: number, read: () => Promise<Timed<V>>): Promise<V> {
    const generation = this.store.readGeneration();
    if (generation === undefined) return (await read()).value;
    if (generation !== this.generation) {
      this.entries.clear();
      this.generation = generation;
    }
    const hit = this.entries.get(key);
    if (hit !== undefined && now < hit.validUntil) return hit.value;
    const fresh = await read();
    // A write during the read moved the generation: keep nothing read at the older one.
    if (this.generation !== generation) return fresh.value;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { value: fresh.value, validUntil: fresh.validUntil });
    return fresh.value;
  }
}

/** The one read cache named `name` of this store, shared by every service built on it. */
export const sharedReadCache = <V>(
  store: Pick<Store, 'readGeneration'>,
  name: string,
  maxEntries?: number,
): ReadCache<V> => perStore(store, `read:${name}`, () => new ReadCache<V>(store, maxEntries));
