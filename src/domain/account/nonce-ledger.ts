import type { Store } from '../../store/db.js';
import {
  type NonceRow,
  appendNonceLog,
  liveNonceLog,
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

interface Waiter {
  key: string;
  row: NonceRow;
  resolve: (fresh: boolean) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit: collects the nonces of the requests that reach authentication in one event-loop
 * turn and stores them with one statement (the commit, not the row, is what costs); each
 * request proceeds only once its nonce is stored. (Holding a batch open for a millisecond
 * halved the cost per nonce but added that millisecond to every request: not worth it.)
 */
abstract class BatchingLedger implements NonceLedger {
  private pending: Waiter[] = [];

  abstract remember(accessKeyId: string, nonce: string, expiresAt: number): Promise<boolean>;
  abstract purge(now: number): Promise<void>;
  /** Stores a batch; returns the requests whose nonce was new (the others are replays). */
  protected abstract store(batch: readonly Waiter[]): Promise<Set<Waiter>>;

  protected enqueue(accessKeyId: string, nonce: string, expiresAt: number): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      const key = `${accessKeyId}\n${nonce}`;
      const row = { access_key_id: accessKeyId, nonce, expires_at: expiresAt };
      if (this.pending.push({ key, row, resolve, reject }) === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      const fresh = await this.store(batch);
      for (const w of batch) w.resolve(fresh.has(w));
    } catch (e) {
      for (const w of batch) w.reject(e);
    }
  }
}

/**
 * PostgreSQL: the unique index of seen_nonces decides, so a replay is refused whichever process
 * of a scale-out it reaches. A nonce twice in one batch is a replay of the first.
 */
class SharedLedger extends BatchingLedger {
  constructor(private readonly db: Store['db']) {
    super();
  }

  remember(accessKeyId: string, nonce: string, expiresAt: number): Promise<boolean> {
    return this.enqueue(accessKeyId, nonce, expiresAt);
  }

  protected async store(batch: readonly Waiter[]): Promise<Set<Waiter>> {
    // Only the first request of the batch carrying a nonce may win it.
    const first = new Map<string, Waiter>();
    for (const w of batch) if (!first.has(w.key)) first.set(w.key, w);
    const inserted = await rememberNonces(
      this.db,
      [...first.values()].map((w) => w.row),
    );
    return new Set([...first.values()].filter((w) => inserted.has(w.key)));
  }

  purge(now: number): Promise<void> {
    return purgeNonces(this.db, now, false);
  }
}

/**
 * SQLite, whose database file one server process owns: replays are refused from memory, and
 * every nonce is appended to nonce_log (migration 0004) before its request proceeds, so the
 * memory is rebuilt from the log after a restart or a crash. Memory holds the nonces of one
 * signature window: about 100 bytes each.
 */
class LocalLedger extends BatchingLedger {
  private readonly seen = new Map<string, number>();
  private loaded: Promise<void> | undefined;

  constructor(private readonly db: Store['db']) {
    super();
  }

  async remember(accessKeyId: string, nonce: string, expiresAt: number): Promise<boolean> {
    await (this.loaded ??= this.load());
    const key = `${accessKeyId}\n${nonce}`;
    if (this.seen.has(key)) return false;
    this.seen.set(key, expiresAt);
    try {
      return await this.enqueue(accessKeyId, nonce, expiresAt);
    } catch (e) {
      // Not stored, so not used: the request fails and its nonce stays available.
      this.seen.delete(key);
      throw e;
    }
  }

  protected async store(batch: readonly Waiter[]): Promise<Set<Waiter>> {
    // Duplicates never get here: remember() refused them from memory.
    await appendNonceLog(
      this.db,
      batch.map((w) => w.row),
    );
    return new Set(batch);
  }

  async purge(now: number): Promise<void> {
    for (const [key, expiresAt] of this.seen) if (expiresAt < now) this.seen.delete(key);
    await purgeNonces(this.db, now, true);
  }

  private async load(): Promise<void> {
    for (const r of await liveNonceLog(this.db, Date.now())) {
      this.seen.set(`${r.access_key_id}\n${r.nonce}`, Number(r.expires_at));
    }
  }
}

const ledgers = new WeakMap<object, NonceLedger>();

/** The one ledger of this store, shared by every service built on it (one batch per turn). */
export function nonceLedger(store: Pick<Store, 'db' | 'dialect'>): NonceLedger {
  let l = ledgers.get(store);
  if (l === undefined) {
    l = store.dialect === 'postgres' ? new SharedLedger(store.db) : new LocalLedger(store.db);
    ledgers.set(store, l);
  }
  return l;
}
