import { createHash } from 'node:crypto';
import type { Store } from '../../store/db.js';
import { type NonceRecord, expiryMinute, minuteEnded } from '../../store/nonce-files.js';
import { perStore } from '../per-store.js';
import {
  type NonceRow,
  liveNonceLog,
  liveSeenNonces,
  purgeNonces,
  rememberNonces,
} from '../../store/repositories/accounts-repo.js';

/** Replay protection: remembers each (access key, nonce) until its signature window has passed. */
export interface NonceLedger {
  /** Resolves once the nonce is stored durably; false when it was already used (a replay). */
  remember(accessKeyId: string, nonce: string, expiresAt: number): Promise<boolean>;
  /** Forgets nonces whose window has passed. */
  purge(now: number): Promise<void>;
}

interface Waiter<I> {
  item: I;
  resolve: (fresh: boolean) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit: collects the nonces of the requests that reach authentication in one event-loop
 * turn and stores them with one statement (the commit, not the row, is what costs); each
 * request proceeds only once its nonce is stored. (Holding a batch open for a millisecond
 * halved the cost per nonce but added that millisecond to every request: not worth it.)
 * `I` is what a ledger stores of one nonce.
 */
abstract class BatchingLedger<I> implements NonceLedger {
  private pending: Waiter<I>[] = [];

  abstract remember(accessKeyId: string, nonce: string, expiresAt: number): Promise<boolean>;
  abstract purge(now: number): Promise<void>;
  /** Stores a batch; returns the items whose nonce was new (the others are replays). */
  protected abstract store(batch: readonly I[]): Promise<Set<I>>;

  protected enqueue(item: I): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      if (this.pending.push({ item, resolve, reject }) === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      const fresh = await this.store(batch.map((w) => w.item));
      for (const w of batch) w.resolve(fresh.has(w.item));
    } catch (e) {
      for (const w of batch) w.reject(e);
    }
  }
}

interface SharedItem {
  key: string;
  row: NonceRow;
}

/**
 * PostgreSQL: the unique index of seen_nonces decides, so a replay is refused whichever process
 * of a scale-out it reaches. A nonce twice in one batch is a replay of the first.
 */
class SharedLedger extends BatchingLedger<SharedItem> {
  constructor(private readonly db: Store['db']) {
    super();
  }

  remember(accessKeyId: string, nonce: string, expiresAt: number): Promise<boolean> {
    return this.enqueue({
      key: `${accessKeyId}\n${nonce}`,
      row: { access_key_id: accessKeyId, nonce, expires_at: expiresAt },
    });
  }

  protected async store(batch: readonly SharedItem[]): Promise<Set<SharedItem>> {
    // Only the first request of the batch carrying a nonce may win it.
    const first = new Map<string, SharedItem>();
    for (const it of batch) if (!first.has(it.key)) first.set(it.key, it);
    const inserted = await rememberNonces(
      this.db,
      [...first.values()].map((it) => it.row),
    );
    return new Set([...first.values()].filter((it) => inserted.has(it.key)));
  }

  purge(now: number): Promise<void> {
    return purgeNonces(this.db, now, false);
  }
}

/**
 * 63 bits of SHA-256 of (access key, nonce) as two 32-bit integers, h1 always odd (0 marks an
 * empty slot of a DigestTable, 2 a deleted one). With a million nonces in memory, the chance that
 * a new nonce is taken for a replay is about 1 in 10^13 per request.
 */
function digestOf(accessKeyId: string, nonce: string): Digest {
  const d = createHash('sha256').update(accessKeyId).update('\n').update(nonce).digest();
  return { h1: (d.readUInt32BE(0) | 1) >>> 0, h2: d.readUInt32BE(4) };
}

interface Digest {
  h1: number;
  h2: number;
}

const EMPTY = 0;
const DELETED = 2;

/**
 * An open-addressing set of digests in one Uint32Array (two numbers a slot, at most three
 * quarters of the slots used): 11–21 bytes a nonce and nothing for the garbage collector to
 * trace. A signature window at 1,000 requests per second is 900,000 nonces, 10–19 MB.
 */
class DigestTable {
  private slots = new Uint32Array(2 * 1024);
  private used = 0;

  private slotOf(h1: number, h2: number): number {
    const capacity = this.slots.length / 2;
    let i = h2 % capacity;
    while (this.slots[2 * i] !== EMPTY && !(this.slots[2 * i] === h1 && this.slots[2 * i + 1] === h2))
      i = (i + 1) % capacity;
    return i;
  }

  has({ h1, h2 }: Digest): boolean {
    return this.slots[2 * this.slotOf(h1, h2)] !== EMPTY;
  }

  add({ h1, h2 }: Digest): void {
    if (4 * (this.used + 1) > 3 * (this.slots.length / 2)) this.grow();
    const i = this.slotOf(h1, h2);
    if (this.slots[2 * i] !== EMPTY) return;
    this.slots[2 * i] = h1;
    this.slots[2 * i + 1] = h2;
    this.used++;
  }

  /** Only after a failed write, so rare: the slot stays taken (probe chains stay whole) by no digest. */
  delete({ h1, h2 }: Digest): void {
    const i = this.slotOf(h1, h2);
    if (this.slots[2 * i] !== EMPTY) this.slots[2 * i] = DELETED;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    this.used = 0;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] !== EMPTY && old[i] !== DELETED) this.add({ h1: old[i], h2: old[i + 1] });
    }
  }
}

/** Nonce digests in memory, one table per minute of expiry, so whole minutes are dropped at once. */
class DigestSet {
  private readonly minutes = new Map<number, DigestTable>();

  has(d: Digest): boolean {
    for (const t of this.minutes.values()) if (t.has(d)) return true;
    return false;
  }

  add(d: Digest, expiresAt: number): void {
    const minute = expiryMinute(expiresAt);
    let t = this.minutes.get(minute);
    if (t === undefined) this.minutes.set(minute, (t = new DigestTable()));
    t.add(d);
  }

  delete(d: Digest, expiresAt: number): void {
    this.minutes.get(expiryMinute(expiresAt))?.delete(d);
  }

  /** Drops every minute that ended at or before `now`. */
  purge(now: number): void {
    for (const minute of this.minutes.keys()) if (minuteEnded(minute, now)) this.minutes.delete(minute);
  }
}

/**
 * SQLite, whose database file one server process owns: replays are refused from memory, and
 * every nonce's digest is appended to the store's nonce log (files beside the database,
 * store/nonce-files.ts) before its request proceeds, so the memory is rebuilt from the log after
 * a restart or a crash. Digests logged in the nonce_log table (migration 0004; before the files)
 * are read too, while their window lasts.
 */
class LocalLedger extends BatchingLedger<NonceRecord> {
  private readonly seen = new DigestSet();
  private loaded: Promise<void> | undefined;

  constructor(private readonly storage: Pick<Store, 'db' | 'nonceLog'>) {
    super();
  }

  async remember(accessKeyId: string, nonce: string, expiresAt: number): Promise<boolean> {
    await (this.loaded ??= this.load());
    const d = digestOf(accessKeyId, nonce);
    if (this.seen.has(d)) return false;
    this.seen.add(d, expiresAt);
    try {
      return await this.enqueue({ ...d, expires_at: expiresAt });
    } catch (e) {
      // Not stored, so not used: the request fails and its nonce stays available.
      this.seen.delete(d, expiresAt);
      throw e;
    }
  }

  protected store(batch: readonly NonceRecord[]): Promise<Set<NonceRecord>> {
    // Duplicates never get here: remember() refused them from memory.
    this.storage.nonceLog.append(batch);
    return Promise.resolve(new Set(batch));
  }

  async purge(now: number): Promise<void> {
    this.seen.purge(now);
    this.storage.nonceLog.purge(now);
    await purgeNonces(this.storage.db, now, true);
  }

  private async load(): Promise<void> {
    const now = Date.now();
    for (const r of this.storage.nonceLog.live(now)) this.seen.add(r, r.expires_at);
    for (const r of await liveNonceLog(this.storage.db, now)) this.seen.add(r, Number(r.expires_at));
    for (const r of await liveSeenNonces(this.storage.db, now))
      this.seen.add(digestOf(r.access_key_id, r.nonce), Number(r.expires_at));
  }
}

/** The one ledger of this store, shared by every service built on it (one batch per turn). */
export const nonceLedger = (store: Pick<Store, 'db' | 'dialect' | 'nonceLog'>): NonceLedger =>
  perStore(store, 'nonce-ledger', () =>
    store.dialect === 'postgres' ? new SharedLedger(store.db) : new LocalLedger(store),
  );
