import type { Store } from '../../store/db.js';
import { type NonceRow, rememberNonces } from '../../store/repositories/accounts-repo.js';

interface Waiter {
  row: NonceRow;
  resolve: (fresh: boolean) => void;
  reject: (e: unknown) => void;
}

/**
 * Durable replay protection at the cost of one statement per event-loop turn instead of one
 * write transaction per request: the nonces of every request that reached this point in the same
 * turn are inserted together, and each request proceeds only once its nonce is stored (so a
 * replay is refused by any process sharing the database, and after a restart). A nonce seen twice
 * in one batch is a replay of the first.
 */
export class NonceLedger {
  private pending = new Map<string, Waiter>();
  private scheduled = false;

  constructor(private readonly store: Pick<Store, 'db'>) {}

  remember(accessKeyId: string, nonce: string, expiresAt: number): Promise<boolean> {
    const key = `${accessKeyId}\n${nonce}`;
    if (this.pending.has(key)) return Promise.resolve(false);
    return new Promise<boolean>((resolve, reject) => {
      this.pending.set(key, {
        row: { access_key_id: accessKeyId, nonce, expires_at: expiresAt },
        resolve,
        reject,
      });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    this.scheduled = false;
    try {
      const inserted = await rememberNonces(
        this.store.db,
        [...batch.values()].map((w) => w.row),
      );
      for (const [key, w] of batch) w.resolve(inserted.has(key));
    } catch (e) {
      for (const w of batch.values()) w.reject(e);
    }
  }
}

const ledgers = new WeakMap<object, NonceLedger>();

/** The one ledger of this store, shared by every service built on it (one batch per turn). */
export function nonceLedger(store: Pick<Store, 'db'>): NonceLedger {
  let l = ledgers.get(store);
  if (l === undefined) ledgers.set(store, (l = new NonceLedger(store)));
  return l;
}
