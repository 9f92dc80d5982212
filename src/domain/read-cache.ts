import type { Store } from '../store/db.js';
import { EVERY_INSTANCE } from '../store/migrations/0009-read-changes.js';
import { perStore } from './per-store.js';

/** A read result and the simulated time until which it stays true without any write. */
export interface Timed<V> {
  value: V;
  /** Fields computed from the clock (a charge expiring) change at this time; Infinity if none. */
  validUntil: number;
}

/** What an answer was read from: the instances it shows, or every instance of the store. */
export type Depends = readonly string[] | 'every instance';

interface Entry<V> {
  value: V;
  validUntil: number;
  depends: Depends;
}

/**
 * Reads answered from memory while the database cannot have changed them: an entry holds while
 * no write to the tables it was read from (by any process) could have changed it, and the clock
 * has not reached its validUntil. Where the store keeps no generation (PostgreSQL) every read goes
 * to the database.
 *
 * Every write to those tables moves the store's read generation. When it has moved since the
 * cache last looked, the cache asks the store which instances the moves were about
 * (Store.readChanges, migration 0009) and lets go of the answers that show one of them, and of
 * every answer that depends on every instance (a page); if the store cannot tell, of every answer.
 *
 * The generation is taken before the read: a write that lands between the two can only leave a
 * newer answer under an older generation, which the next look at the moves lets go of if the
 * write was about it — never an older answer under a newer generation.
 */
export class ReadCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  /** Keys of the entries showing each instance. */
  private readonly byInstance = new Map<string, Set<string>>();
  private generation: number | undefined;
  /** Reads under way, by key, with the generation they were started at. */
  private readonly reading = new Map<string, { generation: number; answer: Promise<Timed<V>> }>();

  constructor(
    private readonly store: Pick<Store, 'readGeneration' | 'readChanges'>,
    private readonly maxEntries = 2_000,
  ) {}

  /** Answers held now. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Brings the entries up to the generation `seen` (by default the store's read generation) and
   * returns the generation they now hold at; undefined when nothing read now may be kept. A
   * generation older than the one already reached changes nothing: the entries describe a later
   * committed state, which is as true an answer now.
   */
  private sync(seen = this.store.readGeneration()): number | undefined {
    if (seen === undefined) return undefined;
    const since = this.generation;
    if (since !== undefined && seen <= since) return since;
    let changed: readonly string[] | undefined;
    try {
      changed = since === undefined ? undefined : this.store.readChanges(since, seen);
    } catch (e) {
      // Unknown moves: no entry may be trusted, at this generation or any other.
      this.clear();
      this.generation = undefined;
      throw e;
    }
    this.generation = seen;
    if (changed === undefined || changed.includes(EVERY_INSTANCE)) {
      this.clear();
      return seen;
    }
    for (const [key, e] of this.entries) if (e.depends === 'every instance') this.remove(key);
    for (const id of changed) {
      const keys = this.byInstance.get(id);
      if (keys !== undefined) for (const key of [...keys]) this.remove(key);
    }
    return seen;
  }

  /**
   * Brings the entries up to `generation`, read in the same statement as something about to be
   * combined with them: true when they now hold at exactly that generation.
   */
  holdsAt(generation: number): boolean {
    return this.sync(generation) === generation;
  }

  private clear(): void {
    this.entries.clear();
    this.byInstance.clear();
  }

  private remove(key: string): void {
    const e = this.entries.get(key);
    if (e === undefined) return;
    this.entries.delete(key);
    if (e.depends === 'every instance') return;
    for (const id of e.depends) {
      const keys = this.byInstance.get(id);
      keys?.delete(key);
      if (keys?.size === 0) this.byInstance.delete(id);
    }
  }

  /**
   * The answer kept under `key` at the generation the entries hold at (see holdsAt), if the
   * clock has not passed its validUntil; never reads the database.
   */
  peek(key: string, now: number): Timed<V> | undefined {
    const hit = this.entries.get(key);
    return hit !== undefined && now < hit.validUntil ? hit : undefined;
  }

  /**
   * Keeps `fresh`, read at or after `generation` (the one sync or holdsAt returned before the
   * read), unless the cache has since moved to another generation.
   */
  put(key: string, generation: number | undefined, fresh: Timed<V> & { depends: Depends }): void {
    if (generation === undefined || this.generation !== generation) return;
    this.remove(key);
    if (this.entries.size >= this.maxEntries) this.remove(this.entries.keys().next().value as string);
    this.entries.set(key, fresh);
    if (fresh.depends !== 'every instance') {
      for (const id of fresh.depends) {
        let keys = this.byInstance.get(id);
        if (keys === undefined) this.byInstance.set(id, (keys = new Set()));
        keys.add(key);
      }
    }
  }

  /**
   * The answer kept under `key`, or `read()`'s, kept for next time. A read that can tell the
   * generation of the snapshot it read (`at`, from the same statement) is kept exactly at that
   * generation, bringing the entries up to it; otherwise at the generation taken before it.
   *
   * Callers that miss the same key at the same generation while its read is under way share that
   * read: after a write every poller of a page misses at once, and each would read it again.
   * What the shared read returns was read at or after the generation they saw, so it is as
   * fresh as their own; if it fails or is already past its validUntil, they read for themselves.
   */
  async get(
    key: string,
    now: number,
    read: () => Promise<Timed<V> & { depends: Depends; at?: number }>,
  ): Promise<V> {
    const generation = this.sync();
    if (generation === undefined) return (await read()).value;
    const hit = this.entries.get(key);
    if (hit !== undefined && now < hit.validUntil) return hit.value;
    const under = this.reading.get(key);
    if (under !== undefined && under.generation === generation) {
      const shared = await under.answer.catch(() => undefined);
      if (shared !== undefined && now < shared.validUntil) return shared.value;
    }
    const answer = (async () => {
      const { at, ...fresh } = await read();
      if (at === undefined) this.put(key, generation, fresh);
      else if (this.holdsAt(at)) this.put(key, at, fresh);
      return fresh;
    })();
    const mine = { generation, answer };
    this.reading.set(key, mine);
    try {
      return (await answer).value;
    } finally {
      if (this.reading.get(key) === mine) this.reading.delete(key);
    }
  }
}

/** The one read cache named `name` of this store, shared by every service built on it. */
export const sharedReadCache = <V>(
  store: Pick<Store, 'readGeneration' | 'readChanges'>,
  name: string,
  maxEntries?: number,
): ReadCache<V> => perStore(store, `read:${name}`, () => new ReadCache<V>(store, maxEntries));
