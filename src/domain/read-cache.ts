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
 * The generation is taken before the read: a write that lands between the two leaves the entry
 * tagged with the older value, which no later lookup matches — never newer data under an old tag.
 */
export class ReadCache<V> {
  private readonly entries = new Map<string, { generation: number; value: V; validUntil: number }>();
  /** The generation of the entries held: the counter only grows, so older ones can never hit. */
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
    if (hit !== undefined && hit.generation === generation && now < hit.validUntil) return hit.value;
    const fresh = await read();
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { generation, value: fresh.value, validUntil: fresh.validUntil });
    return fresh.value;
  }
}

/** The one read cache named `name` of this store, shared by every service built on it. */
export const sharedReadCache = <V>(
  store: Pick<Store, 'readGeneration'>,
  name: string,
  maxEntries?: number,
): ReadCache<V> => perStore(store, `read:${name}`, () => new ReadCache<V>(store, maxEntries));
